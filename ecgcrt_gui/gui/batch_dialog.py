"""File > Analyse a folder...: every ECG under a folder into one results table, in the background.

The batch engine (core/batch.run_batch, the same as `ecgcrt batch`) runs on a worker thread and its
worker processes; this dialog shows its progress with the time left, stops it on Cancel (the
finished rows are kept), then says where the table is and what the batch found.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecgcrt_gui.core.errors import UserFacingError
from ecgcrt_gui.core.text import number, seconds
from ecgcrt_gui.gui import workers

RESUME_HINT = "choose File > Analyse a folder… again with the same folder and table, and continue it"


def time_left(elapsed_s: float, done: int, total: int, already: int) -> str:
    """'about 3 min left' from the pace so far (rows kept from an earlier run excluded)."""
    computed = done - already
    if computed <= 0 or done >= total:
        return ""
    left = elapsed_s / computed * (total - done)
    if left < 90:
        return f"about {max(1, round(left))} s left"
    if left < 90 * 60:
        return f"about {round(left / 60)} min left"
    return f"about {number(left / 3600, 1)} h left"


class BatchDialog(QDialog):
    finished_table = Signal(str)  # the table's path, once the batch has ended (finished or cancelled)

    def __init__(self, folder: Path, table: Path, *, resume: bool = False, workers: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Analyse a folder")
        self.resize(720, 420)
        self.folder, self.table, self.resume, self.workers = Path(folder), Path(table), resume, workers
        self.summary = None
        self._task: workers.Task | None = None
        self._start = 0.0
        self._kept = 0
        self.heading = QLabel(f"Analysing every ECG in {self.folder}")
        self.heading.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy until the folder has been searched
        self.progress.setToolTip("ECGs analysed so far")
        self.status = QLabel("Looking for ECG files…")
        self.status.setToolTip("ECGs analysed, and the time left at the pace so far")
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setToolTip("What the batch found; each ECG's row in the table says why it could or could not be used")
        self.report.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the batch; the ECGs already analysed stay in the table")
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Close")
        self.close_button.setToolTip("Close this window")
        self.close_button.clicked.connect(self.accept)
        self.close_button.hide()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.report, 1)
        layout.addLayout(buttons)

    def start(self) -> None:
        """Search the folder and analyse it on a worker thread (and the batch's worker processes)."""
        self._start = time.monotonic()
        self._task = workers.Task(self._run)
        self._task.signals.progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._task.signals.finished.connect(self._on_finished)
        self._task.signals.cancelled.connect(self._on_finished)
        self._task.signals.failed.connect(self._on_failed)
        workers.start(self._task)

    def _run(self, progress, cancelled):
        from ecgcrt_gui.core.batch.inputs import expand
        from ecgcrt_gui.core.batch.run import run_batch

        items = expand([self.folder])
        if not items:
            raise UserFacingError(f"No ECG file in a format this program reads was found in {self.folder}.")
        kept: list[int] = []

        def rows(done: int, total: int) -> None:
            if not kept:
                kept.append(done)  # the first report: the rows kept from an earlier run
            progress(done / total, f"{done}\t{total}\t{kept[0]}")

        self.summary = run_batch(items, self.table, workers=self.workers, resume=self.resume,
                                 progress=rows, cancelled=cancelled)
        return self.summary

    def _on_progress(self, fraction: float, message: str) -> None:
        done, total, kept = (int(v) for v in message.split("\t"))
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        left = time_left(time.monotonic() - self._start, done, total, kept)
        self.status.setText(f"{done} of {total} ECGs analysed" + (f", {left}" if left else ""))

    def _on_finished(self, _result=None) -> None:
        summary = self.summary
        self.cancel_button.hide()
        self.close_button.show()
        if summary is None:  # cancelled before the folder search ended
            self.status.setText("Cancelled before any ECG was analysed.")
            return
        self.progress.setRange(0, max(summary.total, 1))
        self.progress.setValue(summary.done)
        took = seconds(round(time.monotonic() - self._start, 1))
        self.status.setText(("Stopped" if summary.interrupted else "Finished") + f" after {took}. The table is {self.table}")
        self.report.setPlainText(summary.text(resume_hint=RESUME_HINT))
        self.report.show()
        self.finished_table.emit(str(self.table))

    def _on_failed(self, message: str) -> None:
        self.cancel_button.hide()
        self.close_button.show()
        self.progress.setRange(0, 1)
        self.status.setText(message)

    def cancel(self) -> None:
        """Stop the batch; the rows already finished are written to the table."""
        if self._task is not None:
            self._task.cancel()
            self.status.setText("Stopping…")
            self.cancel_button.setEnabled(False)

    def is_running(self) -> bool:
        return self._task is not None and self.close_button.isHidden()
