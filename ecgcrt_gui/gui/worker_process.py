"""The pipeline's heavy steps in a second process, so that the GUI's interpreter never waits on them.

A worker *thread* shares the interpreter lock with the GUI thread: torch's first import holds it for
hundreds of milliseconds, and scipy and torch calls hold it for tens at a time, so the event loop
stalls while the analysis runs. Here each job runs in a thread of one long-lived child process,
started with `spawn` (no Qt or CUDA state inherited; the same in a PyInstaller bundle, whose entry
point calls `multiprocessing.freeze_support`). The GUI side sends a job (a module-level function and
its arguments) down a pipe from a worker thread, which then waits, forwarding progress and passing
on a cancel. The child imports torch and the pipeline once, at start, while the user looks at the
window. `ECGCRT_WORKER=thread` runs the jobs in the calling thread instead (benchmarks compare both).
"""

from __future__ import annotations

import atexit
import importlib
import itertools
import multiprocessing
import os
import pickle
import queue
import threading
import traceback
from collections.abc import Callable
from typing import Any

from ecgcrt_gui.core.errors import AnalysisCancelled, UserFacingError

# Imported by the child before it takes any job: the first analysis does not wait for them, and jobs
# running side by side never import a module at the same time (scipy fails on concurrent first imports).
WARM_UP = ("ecgcrt_gui.gui.jobs", "ecgcrt_gui.core.io", "ecgcrt_gui.core.analysis", "ecgcrt_gui.core.model.inference",
           "torch")
POLL_S = 0.05  # how often a waiting job looks at its cancel flag
WORKER_NICENESS = 5  # the child's scheduling priority below the GUI's (POSIX; Windows keeps the default)


class WorkerDied(UserFacingError):
    """The worker process ended in the middle of a job."""


def in_process() -> bool:
    """Whether jobs go to the worker process (the default) or run in the calling thread."""
    return os.environ.get("ECGCRT_WORKER", "process") != "thread"


class WorkerProcess:
    """One child process serving jobs concurrently, each in a thread of its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards the connection: starting, sending, the table of jobs
        self._conn = None
        self._process = None
        self._jobs: dict[int, queue.SimpleQueue] = {}
        self._ids = itertools.count(1)
        self._reader: threading.Thread | None = None
        self._stop_registered = False

    def start(self) -> None:
        """Start the child now (it then imports torch) unless it runs already."""
        with self._lock:
            self._start_locked()

    def start_soon(self) -> None:
        """start() on a background thread: spawning takes tens of ms the GUI thread need not spend."""
        threading.Thread(target=self.start, name="ecgcrt-worker-start", daemon=True).start()

    def _start_locked(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=serve, args=(child,), name="ecgcrt-worker", daemon=True)
        process.start()
        child.close()
        self._conn, self._process = parent, process
        self._reader = threading.Thread(target=self._read, args=(parent,), name="ecgcrt-worker-reader", daemon=True)
        self._reader.start()
        if not self._stop_registered:  # end the child and the reader before the interpreter shuts down
            atexit.register(self.stop)
            self._stop_registered = True

    def _read(self, conn) -> None:
        """Hand each message from the child to the job waiting for it; on the child's end, fail them all."""
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            except Exception:  # a result that cannot be unpickled here: its job learns it when the child ends
                traceback.print_exc()
                continue
            waiting = self._jobs.get(message[1])
            if waiting is not None:
                waiting.put(message)
        with self._lock:
            if self._conn is conn:
                self._conn = self._process = None
            pending = list(self._jobs.items())
        for job, waiting in pending:
            waiting.put(("died", job))

    def call(self, fn: Callable, args: tuple, progress: Callable[[float, str], None],
             cancelled: Callable[[], bool]) -> Any:
        """fn(*args, progress=, cancelled=) in the child; blocks the calling thread (never the GUI thread)."""
        waiting: queue.SimpleQueue = queue.SimpleQueue()
        with self._lock:
            self._start_locked()
            job = next(self._ids)
            self._jobs[job] = waiting
            conn = self._conn
        try:
            self._send(conn, ("call", job, fn, args))
            asked_to_cancel = False
            while True:
                try:
                    message = waiting.get(timeout=POLL_S)
                except queue.Empty:
                    if not asked_to_cancel and cancelled():
                        self._send(conn, ("cancel", job))
                        asked_to_cancel = True
                    continue
                kind = message[0]
                if kind == "progress":
                    progress(message[2], message[3])
                elif kind == "done":
                    return message[2]
                elif kind == "failed":
                    raise message[2]
                else:
                    raise WorkerDied("The analysis process stopped unexpectedly (perhaps out of memory); "
                                     "Analysis > Re-run analysis (F5) starts a new one.")
        finally:
            with self._lock:
                self._jobs.pop(job, None)

    def _send(self, conn, message: tuple) -> None:
        try:
            with self._lock:
                conn.send(message)
        except OSError as exc:
            raise WorkerDied("The analysis process cannot be reached; Analysis > Re-run analysis (F5) "
                             "starts a new one.") from exc

    def stop(self) -> None:
        """Ask the child to leave and wait a moment for it (it is a daemon: it never outlives the app)."""
        with self._lock:
            conn, process, reader = self._conn, self._process, self._reader
            self._conn = self._process = None
        if conn is None:
            return
        try:
            conn.send(("stop", 0))
        except OSError:
            pass
        process.join(5)
        if process.is_alive():
            process.terminate()
        reader.join(5)  # it ends with the child's end of the pipe


_shared: WorkerProcess | None = None


def shared() -> WorkerProcess:
    """The application's one worker process (not started until asked)."""
    global _shared
    if _shared is None:
        _shared = WorkerProcess()
    return _shared


def run(fn: Callable, *args, progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> Any:
    """fn(*args, progress=, cancelled=) in the worker process, or here with ECGCRT_WORKER=thread."""
    if not in_process():
        return fn(*args, progress=progress, cancelled=cancelled)
    return shared().call(fn, args, progress, cancelled)


# ---- the child's side --------------------------------------------------------------------------
def serve(conn) -> None:
    """The child's main loop: start a thread per job, note cancels, leave on 'stop' or a closed pipe."""
    send_lock = threading.Lock()
    cancelled: set[int] = set()

    def send(message: tuple) -> None:
        try:
            data = pickle.dumps(message)
        except Exception as exc:  # an unpicklable result: the job fails with the reason instead
            data = pickle.dumps(("failed", message[1], _portable(exc)))
        with send_lock:
            conn.send_bytes(data)

    def work(job: int, fn: Callable, args: tuple) -> None:
        try:
            result = fn(*args, progress=lambda f, text: send(("progress", job, f, text)),
                        cancelled=lambda: job in cancelled)
            send(("done", job, result))
        except BaseException as exc:  # every failure goes back to the job's caller
            send(("failed", job, _portable(exc)))
        finally:
            cancelled.discard(job)

    if hasattr(os, "nice"):  # background work: on a busy 2-core PC the GUI process gets the CPU first
        os.nice(WORKER_NICENESS)
    _warm_up()
    while True:
        try:
            kind, job, *rest = conn.recv()
        except (EOFError, OSError):
            return
        if kind == "call":
            threading.Thread(target=work, args=(job, *rest), name=f"job-{job}", daemon=True).start()
        elif kind == "cancel":
            cancelled.add(job)
        elif kind == "stop":
            return


def _warm_up() -> None:
    for name in WARM_UP:
        try:
            importlib.import_module(name)
        except Exception:  # a job that needs it reports the failure to the user
            return


def _portable(exc: BaseException) -> BaseException:
    """The exception as it can cross the pipe; unexpected ones carry the child's traceback as a note."""
    expected = isinstance(exc, (UserFacingError, AnalysisCancelled))
    try:
        out = pickle.loads(pickle.dumps(exc))
    except Exception:  # e.g. an __init__ that takes other arguments than the message
        if isinstance(exc, AnalysisCancelled):
            out = AnalysisCancelled()
        elif expected:
            out = UserFacingError(str(exc))
        else:
            out = RuntimeError(f"{type(exc).__name__}: {exc}")
    if not expected:
        out.add_note("In the worker process:\n" + "".join(traceback.format_exception(exc)))
    return out
