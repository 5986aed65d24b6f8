"""Session: the patient on screen (record, assessment, clinical inputs, edited R-peaks).

It knows nothing of widgets: views call its methods, read its accessors and subscribe to its signals
(as napari's layers do). Every slow step (reading, analysis, verifying weights) is a task on a worker
thread that hands the work to the worker process (gui/worker_process.py), so that neither torch nor
scipy ever holds the GUI process's interpreter lock.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ecgcrt_gui.gui import jobs, worker_process, workers


class PeakEdit(QUndoCommand):
    """Replace the R-peak list; undo restores the previous one (None = the detector's own)."""

    def __init__(self, session: Session, before: np.ndarray | None, after: np.ndarray, text: str):
        super().__init__(text)
        self._session, self._before, self._after = session, before, after

    def redo(self) -> None:
        self._session._apply_peaks(self._after)

    def undo(self) -> None:
        self._session._apply_peaks(self._before)


class Session(QObject):
    recordChanged = Signal(object)      # EcgRecord
    assessmentChanged = Signal(object)  # Assessment, or None while a fresh analysis runs
    peaksChanged = Signal(object)       # np.ndarray of the R-peaks on screen
    selectedBeatChanged = Signal(int)   # index into the R-peaks, -1 for none
    modelChanged = Signal(object)       # path of user-loaded weights, None for the bundled model
    taskStarted = Signal(str)           # what is running, in words
    taskProgress = Signal(float, str)
    taskEnded = Signal()
    error = Signal(str, str)            # title, plain message
    exported = Signal(str)              # path of a report or assessment just written
    attributionReady = Signal(int, object)  # image index, its Attribution (one beat) for the assessment on screen

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        from ecgcrt_gui.core.guidelines.engine import ClinicalInputs

        self._record = None
        self._display_signal: np.ndarray | None = None  # the record's leads, baseline wander removed (core)
        self._assessment = None
        self._inputs = ClinicalInputs(lvef=None, nyha=None, sex=None, rhythm=None)
        self._morphology_override: str | None = None
        self._model_path: Path | None = None
        self._device = "auto"
        self._rpeaks_override: np.ndarray | None = None  # the user's R-peaks; None = the detector's
        self._detected: np.ndarray | None = None  # the detector's R-peaks, from the last unedited analysis
        self._selected = -1
        self.undo_stack = QUndoStack(self)
        self._tasks: dict[str, workers.Task] = {}  # the current task of each kind
        self._alive: set[workers.Task] = set()  # every task until it ends (cancelled ones too)
        self._attributions: dict[int, object] = {}  # image index -> Attribution, for the assessment on screen

    # ---- state (read-only: change it through the methods below) -----------------------------
    @property
    def record(self):
        """The EcgRecord on screen, or None."""
        return self._record

    @property
    def assessment(self):
        """The latest Assessment of the record, or None while none is finished (it may predate a peak edit)."""
        return self._assessment

    @property
    def inputs(self):
        """The clinician's ClinicalInputs for this patient."""
        return self._inputs

    @property
    def morphology_override(self) -> str | None:
        """The clinician's reading of the QRS morphology, or None to use the measured one."""
        return self._morphology_override

    @property
    def model_path(self) -> Path | None:
        """Verified user-loaded CRT weights, or None for the bundled model."""
        return self._model_path

    @property
    def device(self) -> str:
        return self._device

    @property
    def selected(self) -> int:
        """Index of the selected beat into peaks(), -1 for none."""
        return self._selected

    def attribution(self, image_index: int):
        """The Attribution computed for this beat image of the assessment on screen, or None."""
        return self._attributions.get(image_index)

    # ---- queries ---------------------------------------------------------------------------
    def peaks(self) -> np.ndarray:
        """The R-peaks on screen: the user's edit if any, else the analysis's."""
        if self._rpeaks_override is not None:
            return self._rpeaks_override
        if self._detected is not None:  # also right after undoing an edit, before the re-run is in
            return self._detected
        return np.zeros(0, dtype=np.int64)

    def peaks_edited(self) -> bool:
        """Whether the R-peaks on screen are the user's edit rather than the detector's."""
        return self._rpeaks_override is not None

    def current_assessment(self):
        """The assessment if it was made on the R-peaks on screen (not a stale pre-edit one), else None."""
        a = self._assessment
        if a is None or a.record is not self._record or not np.array_equal(a.rpeaks, self.peaks()):
            return None
        return a

    def shown_signal(self, raw: bool = False) -> np.ndarray | None:
        """The leads to draw: baseline-corrected by the core (as carts print them), or as recorded when raw
        (or when no corrected copy exists); None with no record. Measurements never use this choice."""
        if self._record is None:
            return None
        shown = self._display_signal
        if raw or shown is None or shown.shape != self._record.signal.shape:
            return self._record.signal
        return shown

    def busy(self) -> bool:
        return bool(self._tasks)

    # ---- opening ---------------------------------------------------------------------------
    def open(self, path: str | Path) -> None:
        """Read the file in the background; the patient on screen stays until it has been read."""
        path = Path(path)
        self._run("open", f"Opening {path.name}", _remote(jobs.read_for_display, path), self._on_read,
                  "Cannot open the ECG")

    def _on_read(self, result) -> None:
        from ecgcrt_gui.core.guidelines.engine import ClinicalInputs

        record, self._display_signal = result
        self._record = record
        self._assessment = None
        self._rpeaks_override = None
        self._detected = None
        self._morphology_override = None
        self._selected = -1
        self.undo_stack.clear()
        # A new patient: never carry the previous patient's LVEF or NYHA class over.
        sex = record.meta.get("sex") if record.meta.get("sex") in ("M", "F") else None
        self._inputs = ClinicalInputs(lvef=None, nyha=None, sex=sex, rhythm=None)
        self.recordChanged.emit(record)
        self.assessmentChanged.emit(None)
        self.peaksChanged.emit(self.peaks())
        self.analyse()

    # ---- analysis --------------------------------------------------------------------------
    def analyse(self) -> None:
        """(Re-)run the whole analysis on the current record; a running one is cancelled."""
        if self._record is None:
            return
        record = self._record
        job = _remote(jobs.analyse, record, self._inputs, self._rpeaks_override, self._model_path, self._device,
                      self._morphology_override, record=record)
        self._run("analyse", "Analysing", job, self._on_analysed, "The analysis failed")

    def _on_analysed(self, assessment) -> None:
        if assessment.record is not self._record:
            return  # a result for a patient no longer on screen
        if assessment.inputs != self._inputs or self._morphology_override is not None:
            assessment = self._updated(assessment)
        self._assessment = assessment
        self._attributions = {}
        if not assessment.rpeaks_edited:
            self._detected = assessment.rpeaks
        if not 0 <= self._selected < len(assessment.rpeaks):
            self._selected = int(assessment.image_beats[0]) if len(assessment.image_beats) else (
                0 if len(assessment.rpeaks) else -1)
        self.assessmentChanged.emit(assessment)
        self.peaksChanged.emit(self.peaks())
        self.selectedBeatChanged.emit(self._selected)

    def _updated(self, assessment):
        """The guidelines for the current inputs (same sex: arithmetic only, fit for the GUI thread)."""
        from ecgcrt_gui.core.assessment import update_guidelines

        return update_guidelines(assessment, self._inputs, self._morphology_override)

    def set_inputs(self, inputs) -> None:
        """New clinical inputs: the guidelines update at once, the network does not re-run."""
        sex_changed = inputs.sex != self._inputs.sex
        self._inputs = inputs
        if self._assessment is None:
            return
        if not sex_changed:
            self._assessment = self._updated(self._assessment)
            self.assessmentChanged.emit(self._assessment)
            return
        # Sex changes Strauss's QRS threshold, so morphology is re-classified: on a long record that
        # takes longer than the GUI thread may be blocked.
        job = _remote(jobs.update_guidelines, self._assessment, inputs, self._morphology_override, record=self._record)
        self._run("guidelines", "Updating the criteria", job, self._on_guidelines, "The criteria cannot be updated")

    def _on_guidelines(self, assessment) -> None:
        if assessment.record is self._record and np.array_equal(assessment.rpeaks, self.peaks()):
            if assessment.inputs != self._inputs:  # other inputs changed meanwhile (same sex: instant)
                assessment = self._updated(assessment)
            self._assessment = assessment
            self.assessmentChanged.emit(assessment)

    def set_morphology_override(self, label: str | None) -> None:
        self._morphology_override = label
        if self._assessment is not None:
            self._assessment = self._updated(self._assessment)
            self.assessmentChanged.emit(self._assessment)

    def set_device(self, device: str) -> None:
        """auto / cpu / cuda; the analysis re-runs on the new device."""
        if device != self._device:
            self._device = device
            self.analyse()

    def load_model(self, path: str | Path) -> None:
        """Verify a weights bundle (hash, preprocessing) in the background, then use it."""
        path = Path(path)
        self._run("model", f"Verifying {path.name}", _remote(jobs.verify_bundle, path), self._on_model,
                  "These weights cannot be used")

    def use_bundled_model(self) -> None:
        self._on_model(None)

    def _on_model(self, path: Path | None) -> None:
        self._model_path = path
        self.modelChanged.emit(path)
        self.analyse()

    # ---- why this probability -------------------------------------------------------------
    def explain(self, image_index: int) -> None:
        """Attribution map of one beat image for the prediction on screen, computed in the background."""
        a = self.assessment
        if a is None or a.prediction is None or a.images is None or not 0 <= image_index < len(a.images):
            return
        if image_index in self._attributions:
            self.attributionReady.emit(image_index, self._attributions[image_index])
            return
        images, model_path = a.images[image_index:image_index + 1], self.model_path

        def job(progress, cancelled):
            return a, image_index, worker_process.run(jobs.explain, images, model_path, progress=progress,
                                                      cancelled=cancelled)

        self._run("explain", "Explaining the prediction", job, self._on_explained, "The attribution failed")

    def _on_explained(self, result) -> None:
        assessment, image_index, attribution = result
        if assessment is self._assessment:
            self._attributions[image_index] = attribution
            self.attributionReady.emit(image_index, attribution)

    # ---- saving ----------------------------------------------------------------------------
    def export(self, path: str | Path, kind: str) -> None:
        """Write the assessment as kind "pdf" (report) or "json", atomically, in the background."""
        if self._assessment is None:
            self.error.emit("Nothing to save", "There is no finished analysis to save yet.")
            return
        from ecgcrt_gui.gui import export

        assessment, path, attributions = self._assessment, Path(path), dict(self._attributions)

        def job(progress, cancelled):
            progress(0.3, f"Writing {path.name}")
            if kind == "pdf":  # with the attribution maps computed so far (Why? ticked on those beats)
                return str(export.save_pdf(assessment, path, attributions))
            return str(export.save_json(assessment, path))

        self._run("export-" + kind, f"Writing {path.name}", job, self.exported.emit, f"Cannot write {path.name}")

    # ---- R-peak editing --------------------------------------------------------------------
    def edit_peaks(self, peaks: np.ndarray, text: str) -> bool:
        """Replace the R-peaks (undoable); measurements and prediction re-run on the edit.

        Refused (False) before the detector's peaks are in: an edit then would replace them all.
        """
        if self._record is None or (self._assessment is None and self._rpeaks_override is None):
            return False
        after = np.unique(np.asarray(peaks, dtype=np.int64))
        after = after[(after >= 0) & (after < self._record.n_samples)]
        self.undo_stack.push(PeakEdit(self, self._rpeaks_override, after, text))
        return True

    def _apply_peaks(self, peaks: np.ndarray | None) -> None:
        self._rpeaks_override = peaks
        self.peaksChanged.emit(self.peaks())
        n = len(self.peaks())
        if self._selected >= n:
            self.select_beat(n - 1)
        self.analyse()

    # ---- beat selection --------------------------------------------------------------------
    def select_beat(self, index: int) -> None:
        n = len(self.peaks())
        index = max(-1, min(int(index), n - 1))
        if index != self._selected:
            self._selected = index
            self.selectedBeatChanged.emit(index)

    def step_beat(self, step: int) -> None:
        if len(self.peaks()):
            self.select_beat(max(0, self._selected + step))

    # ---- tasks -----------------------------------------------------------------------------
    def cancel(self) -> None:
        """Stop whatever runs in the background."""
        for task in list(self._tasks.values()):
            task.cancel()

    def _run(self, kind: str, text: str, job, on_done, failure_title: str) -> None:
        old = self._tasks.pop(kind, None)
        if old is not None:
            old.cancel()
        task = workers.Task(job)
        self._tasks[kind] = task
        self._alive.add(task)

        def finish() -> None:
            self._alive.discard(task)
            if self._tasks.get(kind) is task:
                del self._tasks[kind]
            if not self._tasks:
                self.taskEnded.emit()

        # The result is shown before taskEnded, so that listeners never see "idle, nothing on screen".
        def done(result) -> None:
            try:
                if self._tasks.get(kind) is task:
                    del self._tasks[kind]
                    on_done(result)
            finally:
                finish()

        def failed(message: str) -> None:
            if self._tasks.get(kind) is task:
                del self._tasks[kind]
                self.error.emit(failure_title, message)
            finish()

        task.signals.progress.connect(self.taskProgress)
        task.signals.finished.connect(done)
        task.signals.failed.connect(failed)
        task.signals.cancelled.connect(finish)
        self.taskStarted.emit(text)
        workers.start(task)


def _remote(fn, *args, record=None):
    """A task body running jobs.fn(*args) in the worker process; an assessment it returns gets `record`
    back (jobs send assessments without their record), so it is the very record on screen."""

    def job(progress, cancelled):
        result = worker_process.run(fn, *args, progress=progress, cancelled=cancelled)
        return dataclasses.replace(result, record=record) if record is not None else result

    return job
