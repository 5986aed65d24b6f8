"""Model > Train on my cohort...: validate a cohort CSV, cross-validate and fine-tune in a background
process (progress, cancel), show the cohort's Table 2 and ROC curves, and offer to load the new bundle.

The work runs in a separate process (training.app_job, started by multiprocessing with spawn), polled
from a timer: the GUI thread never trains, and Cancel ends the process, whose staging folder is
removed, so no half-written bundle is ever left.
"""

from __future__ import annotations

import multiprocessing
import queue
import shutil
from dataclasses import asdict
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

POLL_MS = 200
TRAINING_MISSING = ("Training on a cohort needs the training package and scikit-learn, which this installation "
                    "does not include. Install ECG-CRT from source with: pip install 'ecgcrt[train]'.")
CURVE_COLOURS = {"guideline": "#000000", "svm": "#E69F00", "random_forest": "#009E73", "transfer": "#0072B2",
                 "scratch": "#D55E00"}


def training_available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("training", "sklearn"))


def _spin(lo: int, hi: int, value: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setValue(value)
    box.setToolTip(tip)
    return box


def _browse_row(edit: QLineEdit, button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row


class TrainingDialog(QDialog):
    modelReady = Signal(str)  # the new bundle's .pt, when the user asks to use it

    def __init__(self, parent: QWidget | None = None, start_folder: Path | None = None):
        super().__init__(parent)
        self.setWindowTitle("Train on my cohort")
        self.resize(1180, 760)
        self.bootstrap = 2000  # resamples for the intervals (tests lower it)
        self._process = None
        self._events = None
        self._running: tuple[Path, Path, int] | None = None  # (csv, output folder, depth) of the running job
        self._bundle: str | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        folder = str(start_folder or Path.home())

        self.csv_edit = QLineEdit()
        self.csv_edit.setPlaceholderText("cohort CSV: record, then response (0/1) or lvesv_baseline + lvesv_6m")
        self.csv_edit.setToolTip("One row per ECG: the record's path (relative to the CSV's folder, or absolute), the "
                                 "outcome (0/1, or LVESV before and at 6 months), optionally the patient, sex, LVEF, "
                                 "NYHA class, LBBB and QRS duration; the training package's README gives the columns")
        csv_button = QPushButton("Browse…")
        csv_button.clicked.connect(lambda: self._choose_csv(folder))
        self.out_edit = QLineEdit()
        self.out_edit.setToolTip("The bundle (.pt + model card), its cross-validation and curves go into a new "
                                 "folder inside this one")
        out_button = QPushButton("Browse…")
        out_button.clicked.connect(self._choose_out)
        self.depth_combo = QComboBox()
        for depth in (18, 50, 101):
            self.depth_combo.addItem(f"ResNet-{depth}", depth)
        self.depth_combo.setToolTip("Network depth; transfer starts from the bundled AAMI beat classifier of that "
                                    "depth. ResNet-50/101 are several times slower on a CPU")
        self.epochs = _spin(1, 200, 8, "Training epochs, in each fold and in the final fine-tuning")
        self.beats = _spin(0, 1_000_000, 0, "Beats drawn afresh each epoch (0 = all beats of the training patients)")
        self.beats.setSpecialValueText("all")
        self.folds = _spin(2, 10, 5, "Folds of the cross-validation, split by patient and stratified by outcome")
        self.repeats = _spin(1, 10, 5, "Repetitions of the k-fold split, reshuffled each time (mean ± SD over all folds)")
        form = QFormLayout()
        form.addRow("Cohort CSV", _browse_row(self.csv_edit, csv_button))
        form.addRow("Output folder", _browse_row(self.out_edit, out_button))
        settings_row = QHBoxLayout()
        for label, widget in (("Network", self.depth_combo), ("Epochs", self.epochs), ("Beats per epoch", self.beats),
                              ("Folds", self.folds), ("Repeats", self.repeats)):
            settings_row.addWidget(QLabel(label))
            settings_row.addWidget(widget)
        settings_row.addStretch(1)
        form.addRow("Training", settings_row)

        self.check_button = QPushButton("Check cohort")
        self.check_button.setToolTip("Validate every row of the CSV (files, outcomes, values) without training")
        self.check_button.clicked.connect(self.check)
        self.train_button = QPushButton("Train")
        self.train_button.setToolTip("Cross-validate (Table 2) and fine-tune on the whole cohort, in the background")
        self.train_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel training")
        self.cancel_button.setToolTip("Stop the training; nothing is written")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.load_button = QPushButton("Use this model")
        self.load_button.setToolTip("Verify the new bundle and use it for the predictions")
        self.load_button.clicked.connect(self._use_model)
        self.load_button.setEnabled(False)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for b in (self.check_button, self.train_button, self.cancel_button, self.load_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)

        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setMaximumHeight(90)
        self.report.setToolTip("What the check found: the cohort's size, or every problem, by row")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["method", "accuracy", "sensitivity", "specificity", "AUC"])
        self.table.setToolTip("The cohort's Table 2: mean ± SD over folds, and the pooled estimate with its 95 % "
                                 "bootstrap interval in brackets")
        self.table.verticalHeader().hide()
        self.roc = pg.PlotWidget(background="w")
        self.roc.setTitle("ROC, pooled out-of-fold scores", size="9pt")
        self.roc.setLabel("bottom", "1 - specificity")
        self.roc.setLabel("left", "sensitivity")
        self.roc.setXRange(0, 1)
        self.roc.setYRange(0, 1)
        self.roc.setMouseEnabled(x=False, y=False)
        self.roc.addLegend(offset=(-10, 10))
        legend = QLabel("Each cell: mean ± SD over all folds; below it the pooled estimate with its 95 % bootstrap "
                        "interval in brackets. The cohort's own figures: read them before using the model.")
        legend.setWordWrap(True)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(legend)
        results = QHBoxLayout()
        results.addLayout(left, 3)
        results.addWidget(self.roc, 2)

        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addLayout(buttons)
        box.addWidget(self.report)
        box.addWidget(self.progress)
        box.addWidget(self.status)
        box.addLayout(results, 1)
        if not training_available():
            self.report.setPlainText(TRAINING_MISSING)
            for b in (self.check_button, self.train_button):
                b.setEnabled(False)

    # ---- inputs ----------------------------------------------------------------------------
    def _choose_csv(self, folder: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Cohort CSV", folder, "Cohort CSV (*.csv)")
        if path:
            self.csv_edit.setText(path)
            if not self.out_edit.text():
                self.out_edit.setText(str(Path(path).parent))

    def _choose_out(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Output folder", self.out_edit.text() or str(Path.home()))
        if path:
            self.out_edit.setText(path)

    def options(self) -> dict:
        from training.app_job import JobOptions

        return asdict(JobOptions(depth=int(self.depth_combo.currentData()), epochs=self.epochs.value(),
                                 beats_per_epoch=self.beats.value(), folds=self.folds.value(),
                                 repeats=self.repeats.value(), bootstrap=self.bootstrap))

    def check(self):
        """Validate the CSV; shows its size, or every problem by row. Returns the Cohort or None."""
        from training.datasets.hospital_cohort import CohortError, load_cohort

        text = self.csv_edit.text().strip()
        if not text:
            self.report.setPlainText("Choose a cohort CSV first.")
            return None
        try:
            cohort = load_cohort(Path(text))
        except CohortError as exc:
            self.report.setPlainText(f"{len(exc.errors)} problem(s) in {Path(text).name}; nothing can be trained "
                                     "until they are fixed:\n" + "\n".join(exc.errors))
            return None
        responders = sum(r.response for r in cohort.rows)
        patients = len({r.patient for r in cohort.rows})
        self.report.setPlainText(f"{Path(text).name}: {len(cohort.rows)} ECGs of {patients} patients, {responders} "
                                 f"responders, {len(cohort.rows) - responders} non-responders. Every row is usable.")
        return cohort

    # ---- the background process ------------------------------------------------------------
    def busy(self) -> bool:
        return self._process is not None

    def start(self) -> None:
        if self.busy() or self.check() is None:
            return
        out = Path(self.out_edit.text().strip() or Path(self.csv_edit.text()).parent)
        from training import app_job

        csv, opts = Path(self.csv_edit.text().strip()), self.options()
        final = app_job.destination(csv, out, opts["depth"])
        if final.exists():
            self.report.appendPlainText(f"\n{final} already exists: choose another output folder, or move it away.")
            return
        context = multiprocessing.get_context("spawn")
        self._events = context.Queue()
        self._process = context.Process(target=app_job.run, args=(str(csv), str(out), opts, self._events),
                                        name="ecgcrt-training", daemon=True)
        self._running = (csv, out, opts["depth"])
        self._bundle = None
        self.table.setRowCount(0)
        self.roc.clear()
        self.load_button.setEnabled(False)
        self._set_running(True, "Starting the training process…")
        self._process.start()
        self._timer.start()

    def _set_running(self, running: bool, text: str) -> None:
        self.train_button.setEnabled(not running)
        self.check_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.progress.setValue(0 if running else self.progress.value())
        self.status.setText(text)

    def _poll(self) -> None:
        while self._events is not None:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                break
            kind = event[0]
            if kind == "progress":
                self.progress.setValue(int(100 * event[1]))
                self.status.setText(event[2])
            elif kind == "done":
                self._finish()
                self._show_results(event[1])
                return
            elif kind == "error":
                self._finish()
                self._set_running(False, f"Training failed: {event[1]}")
                return
        if self._process is not None and not self._process.is_alive():
            code = self._process.exitcode
            self._finish()
            self._set_running(False, f"The training process ended unexpectedly (exit code {code}); nothing was written.")

    def _finish(self) -> None:
        self._timer.stop()
        if self._process is not None:
            self._process.join(timeout=10)
        self._process, self._events = None, None

    def cancel(self) -> None:
        """End the training process and remove what it had staged: nothing is left behind."""
        if self._process is None:
            return
        from training import app_job

        process, (csv, out, depth) = self._process, self._running
        self._timer.stop()
        process.terminate()  # the job turns SIGTERM into a clean exit that removes its staging folder
        process.join(timeout=15)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
        shutil.rmtree(app_job.staging(csv, out, depth), ignore_errors=True)
        self._process, self._events = None, None
        finished = app_job.destination(csv, out, depth).exists()  # the job completed just before the cancel
        self._set_running(False, "Finished before the cancel arrived." if finished else
                          "Cancelled: nothing was written.")

    def closeEvent(self, event) -> None:
        self.cancel()
        super().closeEvent(event)

    # ---- results ---------------------------------------------------------------------------
    def _show_results(self, done: dict) -> None:
        import json

        from training import table2

        result = json.loads(Path(done["results"]).read_text())
        self._bundle = done["bundle"]
        methods = table2.ordered(result["summary"])
        self.table.setRowCount(len(methods))
        for row, m in enumerate(methods):
            self.table.setItem(row, 0, QTableWidgetItem(m))
            for col, key in enumerate(table2.METRIC_KEYS, start=1):
                item = QTableWidgetItem(f"{table2.mean_sd_text(result['summary'][m][key])}\n"
                                        f"{table2.ci_text(result['pooled'][m][key])}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        self.roc.plot([0, 1], [0, 1], pen=pg.mkPen("#bbbbbb"))
        for m, c in result.get("curves", {}).items():
            colour = CURVE_COLOURS.get(m.rsplit("_", 1)[-1], CURVE_COLOURS.get(m, "#56B4E9"))
            auc = result["pooled"][m]["auc"]["estimate"]
            self.roc.plot(c["fpr"], c["tpr"], pen=pg.mkPen(colour, width=2), name=f"{m} (AUC {auc:.2f})")
        n, r = result["cohort"]["n_patients"], result["cohort"]["responders"]
        self.progress.setValue(100)
        self._set_running(False, f"Done: {n} patients, {r} responders. Bundle {self._bundle} with its model card; "
                                 f"cross-validation in {done['results']}.")
        self.load_button.setEnabled(True)

    def _use_model(self) -> None:
        if self._bundle:
            self.modelReady.emit(self._bundle)
