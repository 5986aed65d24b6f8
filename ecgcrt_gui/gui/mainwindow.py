"""The main window: menus, docks around the lead view, status bar, settings, drag-and-drop."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMargins, QRect, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QWidget,
)

from ecgcrt_gui.core.config import DEFAULT_CONFIG
from ecgcrt_gui.core.model.bundle import read_card
from ecgcrt_gui.core.support.resources import DEMO_ECG
from ecgcrt_gui.core.text import number, seconds
from ecgcrt_gui.gui import worker_process
from ecgcrt_gui.gui.dialogs import ModelCardDialog
from ecgcrt_gui.gui.export import default_folder
from ecgcrt_gui.gui.labels import ElidedLabel
from ecgcrt_gui.gui.leads.leadview import LeadView
from ecgcrt_gui.gui.panels.guideline_panel import GuidelinePanel
from ecgcrt_gui.gui.panels.prediction_panel import PredictionPanel
from ecgcrt_gui.gui.panels.spectrogram_panel import SpectrogramPanel
from ecgcrt_gui.gui.session import Session
from ecgcrt_gui.gui.viewstate import LAYOUTS, ViewState

TITLE = "ECG-CRT — for research use; not a medical device"
DEFAULT_SIZE = (1680, 1000)  # where the screen has room (the 12-lead at true scale); else its available area
FRAME_ALLOWANCE = QMargins(8, 34, 8, 8)  # room left for the window manager's frame before it is known
RECORD_TIP = "The record on screen: file, format, leads, sampling rate, length, patient"
MAX_RECENT = 8
DEVICES = (("auto", "Automatic (GPU if usable)"), ("cpu", "CPU"), ("cuda", "CUDA GPU"))


def settings() -> QSettings:
    """The user's settings (organisation and application names are set in qtapp.make_app)."""
    return QSettings()


class MainWindow(QMainWindow):
    def __init__(self, show_dialogs: bool = True):
        super().__init__()
        self.show_dialogs = show_dialogs  # the self-test collects errors instead of opening dialogs
        self.errors: list[tuple[str, str]] = []
        self.training_dialog = None  # Model > Train on my cohort..., made when first opened
        self.batch_dialog = None  # File > Analyse a folder..., the batch running or last run
        self.setWindowTitle(TITLE)
        self.setAcceptDrops(True)
        if worker_process.in_process():  # torch loads there while the window comes up
            worker_process.shared().start_soon()
        self.session = Session(self)
        self.view_state = ViewState()  # paper speed, gain, zoom, layout, mode: the lead view draws it
        self.lead_view = LeadView(self.session, self.view_state)
        self.setCentralWidget(self.lead_view)
        self.spectrogram_panel = SpectrogramPanel(self.session)
        self.prediction_panel = PredictionPanel(self.session)
        self.guideline_panel = GuidelinePanel(self.session)
        self.docks = {
            "spectrogram": self._dock("Beat spectrogram (model input)", self.spectrogram_panel,
                                      Qt.DockWidgetArea.BottomDockWidgetArea),
            "prediction": self._dock("CRT response prediction", self.prediction_panel,
                                     Qt.DockWidgetArea.RightDockWidgetArea),
            "guideline": self._dock("Guidelines", _scrolling(self.guideline_panel),
                                    Qt.DockWidgetArea.RightDockWidgetArea),
        }
        # The right column runs the full height; the spectrogram sits under the leads only.
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self._build_status_bar()
        self._build_menus()
        s = self.session
        s.recordChanged.connect(self._on_record)
        s.assessmentChanged.connect(self._on_assessment)
        s.error.connect(self.report_error)
        s.taskStarted.connect(self._on_task_started)
        s.taskProgress.connect(self._on_progress)
        s.taskEnded.connect(self._on_task_ended)
        s.exported.connect(lambda p: self.statusBar().showMessage(f"Saved {p}", 8000))
        s.modelChanged.connect(self._on_model_changed)
        self.prediction_panel.modelCardRequested.connect(self.show_model_card)
        self.prediction_panel.loadWeightsRequested.connect(self.load_weights)
        self.guideline_panel.guidelineChosen.connect(lambda name: settings().setValue("guideline", name))
        self.lead_view.scaleChanged.connect(self.scale_label.setText)
        self._restore_settings()

    # ---- construction ----------------------------------------------------------------------
    def _dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        # Both shorten with an ellipsis on a narrow window; their tooltips always hold the whole line.
        self.record_label = ElidedLabel("No ECG open", RECORD_TIP)
        self.scale_label = ElidedLabel("", "Paper speed, gain, which signal is drawn (baseline-corrected by the "
                                       "display's high-pass, or as recorded: View > Raw signal) and zoom; “true scale” "
                                       "means 1 mm on screen is 1 mm of ECG paper (from the screen's physical size)")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(220)
        self.progress.setToolTip("Progress of the running task")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running task (Esc)")
        self.cancel_button.clicked.connect(self.session.cancel)
        bar.addWidget(self.record_label, 3)
        bar.addPermanentWidget(self.scale_label, 2)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()

    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, (list, tuple)) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.setToolTip(tip or text)
        action.setStatusTip(tip or text)
        return action

    def _build_menus(self) -> None:
        menus = self.menuBar()
        f = menus.addMenu("&File")
        self._action(f, "&Open…", self.open_dialog, QKeySequence.StandardKey.Open, "Open an ECG file (WFDB, EDF, "
                     "DICOM, GE MUSE, Philips, HL7 aECG, SCP-ECG, CSV); you can also drop a file on the window")
        self.recent_menu = f.addMenu("Open &recent")
        self.recent_menu.setToolTipsVisible(True)
        self._action(f, "Open &demo ECG", lambda: self.open_path(DEMO_ECG),
                     tip="Open the bundled demonstration ECG (PTB-XL 00338: complete LBBB, woman aged 69)")
        self._action(f, "Analyse a &folder…", self.analyse_folder,
                     tip="Analyse every ECG in a folder and its subfolders into one results table, in the background "
                         "(the same table as the ecgcrt batch command)")
        f.addSeparator()
        self.export_action = self._action(f, "&Export report…", self.export_report, "Ctrl+E",
                                          "Write a PDF report (12-lead on paper grid, measurements, criteria, "
                                          "prediction)")
        self.save_action = self._action(f, "&Save assessment…", self.save_assessment, QKeySequence.StandardKey.Save,
                                        "Write the assessment as JSON (the same as “ecgcrt analyze --json”)")
        f.addSeparator()
        self._action(f, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        e = menus.addMenu("&Edit")
        undo = self.session.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.session.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        e.addAction(undo)
        e.addAction(redo)
        self._action(e, "&Delete selected R-peak", self.lead_view.delete_selected_peak, "Del",
                     "Remove the R-peak of the selected beat (undo with Ctrl+Z)")
        e.addSeparator()
        for action in self.lead_view.mode_actions.values():
            e.addAction(action)

        v = menus.addMenu("&View")
        self._action(v, "Zoom &in", lambda: self.lead_view.zoom_by(1.5), ["Ctrl+=", "Ctrl++"], "Zoom in (Ctrl+=)")
        self._action(v, "Zoom &out", lambda: self.lead_view.zoom_by(1 / 1.5), "Ctrl+-", "Zoom out (Ctrl+-)")
        self._action(v, "&True scale", self.lead_view.true_scale, "Ctrl+0",
                     "Back to true physical scale: 1 mm on screen = 1 mm of ECG paper")
        self._action(v, "&Fit leads to window", self.lead_view.fit, "Ctrl+9",
                     "Zoom so that every lead fits the window (the paper keeps its proportions)")
        self.raw_action = self._action(v, "&Raw signal (as recorded)", lambda on: setattr(self.view_state, "raw", on),
                                       "Ctrl+R", "Draw the leads exactly as recorded instead of baseline-corrected "
                                       f"(the {DEFAULT_CONFIG.highpass_hz:g} Hz high-pass carts print with); "
                                       "measurements and prediction do not change")
        self.raw_action.setCheckable(True)
        self.view_state.events.raw.connect(self.raw_action.setChecked)
        v.addSeparator()
        self._action(v, "&Previous beat", lambda: self.session.step_beat(-1), ["Left", ","],
                     "Select the previous beat (Left or ,)")
        self._action(v, "&Next beat", lambda: self.session.step_beat(+1), ["Right", "."],
                     "Select the next beat (Right or .)")
        v.addSeparator()
        for dock in self.docks.values():
            v.addAction(dock.toggleViewAction())

        a = menus.addMenu("&Analysis")
        self._action(a, "&Re-run analysis", self.session.analyse, "F5", "Run the whole analysis again")
        self._action(a, "&Cancel", self.session.cancel, "Esc", "Stop the running task")

        m = menus.addMenu("&Model")
        self._action(m, "&Load weights…", self.load_weights,
                     tip="Use a locally fine-tuned weights bundle (.pt beside its .json model card); it is "
                         "verified (checksum, preprocessing) before use")
        self._action(m, "&Train on my cohort…", self.train_on_cohort,
                     tip="Cross-validate and fine-tune the CRT model on your own patients' ECGs and outcomes (a "
                         "cohort CSV), in the background; then use the new bundle")
        self._action(m, "Use &bundled model", self.session.use_bundled_model,
                     tip="Go back to the bundled demonstration model")
        self._action(m, "Model &card…", self.show_model_card, tip="Show the model card of the model in use")
        device_menu = m.addMenu("&Device")
        device_menu.setToolTipsVisible(True)
        self.device_group = QActionGroup(self)
        for key, text in DEVICES:
            action = device_menu.addAction(text)
            action.setCheckable(True)
            action.setData(key)
            action.setToolTip(f"Run the networks on: {text}")
            self.device_group.addAction(action)
        self.device_group.triggered.connect(lambda act: self.set_device(act.data()))

        h = menus.addMenu("&Help")
        self._action(h, "&About", self.about)
        for menu in (f, e, v, a, m, h):
            menu.setToolTipsVisible(True)

    # ---- settings --------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = settings()
        self._place(s.value("geometry"), s.value("state"))
        self.lead_view.set_paper(float(s.value("paper_speed", 25.0)), float(s.value("gain", 10.0)))
        layout = str(s.value("layout", LAYOUTS[0]))
        if layout in LAYOUTS:
            self.view_state.layout = layout
        self.view_state.raw = _bool(s.value("raw_signal", False))
        self.guideline_panel.set_guideline(str(s.value("guideline", "esc2021")))
        self.set_device(str(s.value("device", "auto")))
        self._fill_recent()

    def available(self) -> QRect:
        """The screen's area for windows (taskbar and panels excluded)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    def _place(self, geometry, state) -> None:
        """The remembered geometry and dock layout where they still fit the screen, else a default that does."""
        if geometry is not None and self.restoreGeometry(geometry) and fits(self.geometry(), self.available()):
            if state is not None:
                self.restoreState(state)
            return
        self.setWindowState(Qt.WindowState.WindowNoState)
        area = self.available()
        width = min(DEFAULT_SIZE[0], area.width() - FRAME_ALLOWANCE.left() - FRAME_ALLOWANCE.right())
        height = min(DEFAULT_SIZE[1], area.height() - FRAME_ALLOWANCE.top() - FRAME_ALLOWANCE.bottom())
        self.resize(width, height)
        self.move(area.left() + (area.width() - width) // 2, area.top() + FRAME_ALLOWANCE.top())
        # The docks in proportion: the lead view keeps most of a small screen.
        self.resizeDocks([self.docks["prediction"]], [int(min(500, max(320, 0.3 * width)))], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["spectrogram"]], [int(min(270, max(170, 0.28 * height)))], Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["prediction"], self.docks["guideline"]], [int(0.42 * height), int(0.58 * height)],
                         Qt.Orientation.Vertical)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._keep_on_screen()

    def _keep_on_screen(self) -> None:
        """Now that the frame is known: shrink and move the window until its frame lies on the screen."""
        area, frame = self.available(), self.frameGeometry()
        if self.isMaximized() or self.isFullScreen() or area.contains(frame):
            return
        extra_w, extra_h = frame.width() - self.width(), frame.height() - self.height()
        self.resize(min(self.width(), area.width() - extra_w), min(self.height(), area.height() - extra_h))
        frame = self.frameGeometry()
        self.move(min(max(frame.left(), area.left()), area.right() - frame.width() + 1),
                  min(max(frame.top(), area.top()), area.bottom() - frame.height() + 1))

    def _save_settings(self) -> None:
        s = settings()
        s.setValue("geometry", self.saveGeometry())
        s.setValue("state", self.saveState())
        s.setValue("paper_speed", self.view_state.paper_speed)
        s.setValue("gain", self.view_state.gain)  # the user's choice, not a gain stepped down to fit
        s.setValue("layout", self.view_state.layout)
        s.setValue("raw_signal", self.view_state.raw)
        s.setValue("guideline", self.guideline_panel.chosen_guideline())
        s.setValue("device", self.session.device)

    def set_device(self, device: str) -> None:
        for action in self.device_group.actions():
            action.setChecked(action.data() == device)
        settings().setValue("device", device)
        self.session.set_device(device)

    def closeEvent(self, event) -> None:
        self._save_settings()
        self.session.cancel()
        if self.training_dialog is not None:
            self.training_dialog.cancel()
        if self.batch_dialog is not None:
            self.batch_dialog.cancel()
        super().closeEvent(event)

    # ---- opening ---------------------------------------------------------------------------
    def open_initial(self, path: str | Path | None) -> None:
        """Open the given file, or the demo ECG when none is given."""
        self.open_path(Path(path) if path else DEMO_ECG)

    def open_dialog(self) -> None:
        from ecgcrt_gui.core.io import FILE_FILTER

        start = str(settings().value("open_folder", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self, "Open ECG", start, FILE_FILTER)
        if path:
            settings().setValue("open_folder", str(Path(path).parent))
            self.open_path(path)

    def open_path(self, path: str | Path) -> None:
        self.session.open(path)

    def analyse_folder(self) -> None:
        """Ask for a folder and where its table goes, then run the batch in a dialog with progress."""
        from ecgcrt_gui.gui.batch_dialog import BatchDialog

        if self.batch_dialog is not None and self.batch_dialog.is_running():
            self.batch_dialog.show()
            self.batch_dialog.raise_()
            return
        start = str(settings().value("batch_folder", settings().value("open_folder", str(Path.home()))))
        folder = QFileDialog.getExistingDirectory(self, "Analyse the ECGs in a folder", start)
        if not folder:
            return
        settings().setValue("batch_folder", folder)
        suggested = default_folder() / f"{Path(folder).name or 'ecgs'}-ecgcrt.csv"
        table, _ = QFileDialog.getSaveFileName(self, "Save the results table", str(suggested),
                                               "CSV table (*.csv);;Parquet table (*.parquet)",
                                               options=QFileDialog.Option.DontConfirmOverwrite)
        if not table:
            return
        resume = False
        if Path(table).exists():
            box = QMessageBox(QMessageBox.Icon.Question, "The table exists",
                              f"{table} already exists. Continue it (keep the ECGs it has and analyse the others), "
                              "or replace it?", parent=self)
            keep = box.addButton("Continue it", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("Replace it", QMessageBox.ButtonRole.DestructiveRole)
            cancel = box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is cancel:
                return
            resume = box.clickedButton() is keep
        self.batch_dialog = BatchDialog(Path(folder), Path(table), resume=resume, parent=self)
        self.batch_dialog.show()
        self.batch_dialog.start()

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            event.acceptProposedAction()
            self.open_path(urls[0])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = [p for p in _string_list(settings().value("recent", [])) if Path(p).exists()]
        for p in recent:
            action = self.recent_menu.addAction(Path(p).name)
            action.setToolTip(p)
            action.triggered.connect(lambda _=False, p=p: self.open_path(p))
        self.recent_menu.setEnabled(bool(recent))

    def _remember(self, path: str) -> None:
        if not path:
            return
        recent = [p for p in _string_list(settings().value("recent", [])) if p != path]
        settings().setValue("recent", [path] + recent[: MAX_RECENT - 1])
        self._fill_recent()

    def _on_record(self, record) -> None:
        self._remember(str(Path(record.path).resolve()) if record.path else "")
        name = Path(record.path).name if record.path else "ECG"
        self.setWindowTitle(f"{TITLE} — {name}")
        self.record_label.setText(record_summary(record))

    def _on_assessment(self, a) -> None:
        ready = a is not None
        self.export_action.setEnabled(ready)
        self.save_action.setEnabled(ready)
        if a is not None:
            self.statusBar().clearMessage()
            hr = f" · HR {a.heart_rate_bpm:.0f} bpm" if a.heart_rate_bpm else ""
            self.record_label.setText(record_summary(a.record) + hr + f" · {len(a.rpeaks)} beats")
            self.record_label.set_tip(RECORD_TIP + ("\n\nWarnings:\n" + "\n".join(a.warnings) if a.warnings else ""))

    # ---- tasks and errors ------------------------------------------------------------------
    def _on_task_started(self, text: str) -> None:
        self.progress.setValue(0)
        self.progress.setFormat(text)
        self.progress.show()
        self.cancel_button.show()

    def _on_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(fraction * 100))
        self.progress.setFormat(text)

    def _on_task_ended(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        if self.session.record is not None and self.session.assessment is None:
            self.statusBar().showMessage("No analysis on screen: Analysis > Re-run analysis (F5) runs it again")
            self.prediction_panel.show_assessment(None)
            self.guideline_panel.show_assessment(None)

    def report_error(self, title: str, message: str) -> None:
        """A plain, non-blocking message box (the self-test only collects them)."""
        self.errors.append((title, message))
        self.statusBar().showMessage(f"{title}: {message}", 10000)
        if self.show_dialogs:
            box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    # ---- saving ----------------------------------------------------------------------------
    def _save_dialog(self, caption: str, suffix: str, filter_: str) -> Path | None:
        a = self.session.assessment
        if a is None:
            self.report_error("Nothing to save", "There is no finished analysis to save yet.")
            return None
        folder = Path(str(settings().value("save_folder", str(default_folder()))))
        stem = Path(a.record.path).stem if a.record.path else "ecg"
        path, _ = QFileDialog.getSaveFileName(self, caption, str(folder / f"{stem}_ecgcrt{suffix}"), filter_)
        if not path:
            return None
        path = Path(path)
        settings().setValue("save_folder", str(path.parent))
        return path if path.suffix else path.with_suffix(suffix)

    def export_report(self) -> None:
        path = self._save_dialog("Export report", ".pdf", "PDF report (*.pdf)")
        if path is not None:
            self.session.export(path, "pdf")

    def save_assessment(self) -> None:
        path = self._save_dialog("Save assessment", ".json", "Assessment JSON (*.json)")
        if path is not None:
            self.session.export(path, "json")

    # ---- model -----------------------------------------------------------------------------
    def load_weights(self) -> None:
        start = str(settings().value("weights_folder", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self, "Load model weights", start, "Model weights (*.pt)")
        if path:
            settings().setValue("weights_folder", str(Path(path).parent))
            self.session.load_model(path)

    def train_on_cohort(self) -> None:
        from ecgcrt_gui.gui.training_dialog import TrainingDialog

        if self.training_dialog is None:
            self.training_dialog = TrainingDialog(self)
            self.training_dialog.modelReady.connect(self.session.load_model)
        self.training_dialog.show()
        self.training_dialog.raise_()

    def _on_model_changed(self, path) -> None:
        self.statusBar().showMessage(f"Using weights {path}" if path else "Using the bundled model", 8000)

    def show_model_card(self) -> None:
        from ecgcrt_gui.core.model.bundle import BundleError
        from ecgcrt_gui.core.model.inference import CRT_MODEL

        try:
            card = read_card(Path(self.session.model_path or CRT_MODEL))
        except BundleError as exc:
            self.report_error("No model card", str(exc))
            return
        dialog = ModelCardDialog(card, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def about(self) -> None:
        from ecgcrt_gui import __version__

        QMessageBox.about(self, "About ECG-CRT", f"<b>ECG-CRT {__version__}</b><br>Predicts response to cardiac "
                          "resynchronization therapy from an ECG, beside the guideline criteria.<br><br>"
                          "<b>For research use only; not a medical device.</b>")


def record_summary(record) -> str:
    name = Path(record.path).name if record.path else "ECG"
    age, acquired = record.meta.get("age"), record.meta.get("acquired")
    who = ", ".join(x for x in (record.meta.get("sex"), age is not None and f"{number(age, 0)} y",
                                acquired and f"recorded {acquired.replace('T', ' ')[:16]}") if x)
    return (f"{name} · {record.format or '?'} · {len(record.leads)} leads · {record.fs:g} Hz · "
            f"{seconds(record.duration_s)}" + (f" · {who}" if who else ""))


def _bool(value) -> bool:
    """A yes/no setting (INI files give it back as the text 'true' or 'false')."""
    return value in (True, "true", "True", "1", 1)


def _string_list(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _scrolling(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    return area


def fits(rect: QRect, area: QRect) -> bool:
    """Whether a window's client area lies inside the screen's area with room for a title bar above it."""
    return (area.contains(rect.topLeft()) and area.contains(rect.bottomRight())
            and rect.height() + FRAME_ALLOWANCE.top() <= area.height())
