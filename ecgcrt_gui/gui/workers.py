"""Background tasks: run a function on the thread pool, report progress, honour cancel."""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ecgcrt_gui.core.errors import AnalysisCancelled, UserFacingError

# A task's function receives these two callables: progress(fraction, message) and cancelled().
TaskFn = Callable[[Callable[[float, str], None], Callable[[], bool]], Any]


class TaskSignals(QObject):
    """Emitted from the worker thread; Qt queues them to receivers on the GUI thread."""

    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class Task(QRunnable):
    """One background job; `cancel()` asks it to stop at its next check."""

    def __init__(self, fn: TaskFn):
        super().__init__()
        self.setAutoDelete(False)  # Python keeps the reference; Qt must not delete it under us
        self.signals = TaskSignals()
        self._fn = fn
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self._fn(self.signals.progress.emit, self._cancel.is_set)
        except Exception as exc:  # every failure must reach the user, never vanish in a thread
            if self._cancel.is_set() or isinstance(exc, AnalysisCancelled):
                self.signals.cancelled.emit()
            else:
                self.signals.failed.emit(plain_message(exc))
            return
        if self._cancel.is_set():
            self.signals.cancelled.emit()
        else:
            self.signals.finished.emit(result)


def plain_message(exc: BaseException) -> str:
    """A sentence for a clinician; unexpected errors also go to stderr with their traceback."""
    if isinstance(exc, UserFacingError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    traceback.print_exception(exc, file=sys.stderr)
    return f"Something went wrong: {exc or type(exc).__name__}. The details were written to the console."


def start(task: Task) -> Task:
    """Queue a task on the global thread pool and return it."""
    QThreadPool.globalInstance().start(task)
    return task
