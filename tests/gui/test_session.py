"""Session without a window: open, analyse, edit R-peaks, undo, inputs, errors; and the view state."""

from __future__ import annotations

import numpy as np
import pytest

from ecgcrt_gui.core.errors import AnalysisCancelled, BundleError, EcgReadError, UserFacingError

TIMEOUT_MS = 120_000


@pytest.fixture
def session(qtbot):
    from PySide6.QtCore import QThreadPool

    from ecgcrt_gui.gui.qtapp import make_app
    from ecgcrt_gui.gui.session import Session

    make_app()
    s = Session()
    s.errors = []
    s.error.connect(lambda title, message: s.errors.append((title, message)))
    yield s
    s.cancel()
    QThreadPool.globalInstance().waitForDone(60_000)


def finished(qtbot, session, check=lambda a: True):
    qtbot.waitUntil(lambda: bool(session.errors) or (session.assessment is not None and not session.busy()
                                                     and check(session.assessment)), timeout=TIMEOUT_MS)
    assert not session.errors, session.errors
    return session.assessment


def test_open_analyse_edit_undo_without_a_window(qtbot, session):
    from ecgcrt_gui.core.signal.preprocess import remove_baseline
    from ecgcrt_gui.core.support.resources import DEMO_ECG

    assert not session.edit_peaks(np.array([100]), "too early")  # no record yet: refused
    records = []
    session.recordChanged.connect(records.append)
    session.open(DEMO_ECG)
    qtbot.waitUntil(lambda: session.record is not None, timeout=TIMEOUT_MS)
    assert records == [session.record]
    record = session.record
    # Before the detector's peaks are in, an edit would replace them all: refused.
    if session.assessment is None:
        assert not session.edit_peaks(np.array([100]), "too early")
    a = finished(qtbot, session)
    assert np.allclose(session.shown_signal(), remove_baseline(record.signal, record.fs))
    assert not np.allclose(session.shown_signal(), record.signal)  # the raw file has baseline wander
    assert np.array_equal(session.peaks(), a.rpeaks) and 8 <= len(a.rpeaks) <= 16
    assert not session.peaks_edited() and session.current_assessment() is a
    assert 0 <= session.selected < len(a.rpeaks)

    # Delete a peak: the analysis on screen is stale until the re-run arrives on the edited peaks.
    n = len(a.rpeaks)
    assert session.edit_peaks(np.delete(a.rpeaks, 3), "delete")
    assert session.peaks_edited() and len(session.peaks()) == n - 1
    assert session.current_assessment() is None or session.current_assessment().rpeaks_edited
    edited = finished(qtbot, session, lambda x: x.rpeaks_edited)
    assert len(edited.rpeaks) == n - 1 and session.current_assessment() is edited

    session.undo_stack.undo()
    assert not session.peaks_edited() and np.array_equal(session.peaks(), a.rpeaks)
    restored = finished(qtbot, session, lambda x: not x.rpeaks_edited)
    assert np.array_equal(restored.rpeaks, a.rpeaks)

    # Beat selection is clamped to the beats there are.
    session.select_beat(10_000)
    assert session.selected == n - 1
    session.step_beat(+1)
    assert session.selected == n - 1
    session.select_beat(0)
    session.step_beat(-1)
    assert session.selected == 0

    # Same-sex input changes update the guidelines at once, without a re-run.
    from dataclasses import replace

    session.set_inputs(replace(session.inputs, lvef=25.0, nyha=3))
    assert not session.busy()
    assert session.assessment.inputs.lvef == 25.0 and session.assessment.prediction is restored.prediction
    session.set_morphology_override("RBBB")
    assert session.morphology_override == "RBBB" and session.assessment.morphology_label == "RBBB"


def test_unreadable_file_is_reported_plainly_and_keeps_nothing(qtbot, session, tmp_path):
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"\x00\x01 this is not an ECG \xff" * 10)
    session.open(bad)
    qtbot.waitUntil(lambda: bool(session.errors), timeout=TIMEOUT_MS)
    title, message = session.errors[-1]
    assert title == "Cannot open the ECG" and "broken.csv" in message and "Traceback" not in message
    assert session.record is None and not session.busy()


def test_worker_errors_are_recognised_by_type(qtbot):
    from ecgcrt_gui.core.model.inference import BatchError
    from ecgcrt_gui.gui import workers
    from ecgcrt_gui.gui.qtapp import make_app
    from training.datasets.hospital_cohort import CohortError

    make_app()
    for exc in (EcgReadError("x.hea: the file is empty."), BundleError("w.pt: its checksum differs."),
                BatchError("no beat images"), CohortError("c.csv", ["row 2: no record"])):
        assert isinstance(exc, UserFacingError)
        assert workers.plain_message(exc) == str(exc)
    assert workers.plain_message(RuntimeError("boom")).startswith("Something went wrong: boom")

    def cancelled_job(progress, cancelled):
        raise AnalysisCancelled()

    def failing_job(progress, cancelled):
        raise EcgReadError("y.edf: this is not a readable EDF file.")

    seen = []
    for job in (cancelled_job, failing_job):
        task = workers.Task(job)
        task.signals.cancelled.connect(lambda: seen.append("cancelled"))
        task.signals.failed.connect(seen.append)
        before = len(seen)
        workers.start(task)
        qtbot.waitUntil(lambda: len(seen) > before, timeout=10_000)  # noqa: B023 (waited on at once)
    assert seen == ["cancelled", "y.edf: this is not a readable EDF file."]


def test_view_state_validates_and_announces_each_change():
    from ecgcrt_gui.gui.viewstate import MAX_ZOOM, ViewState

    state = ViewState()
    heard = []
    state.events.gain.connect(lambda v: heard.append(("gain", v)))
    state.events.zoom.connect(lambda v: heard.append(("zoom", v)))
    state.events.layout.connect(lambda v: heard.append(("layout", v)))
    state.gain = 20
    state.gain = 20.0  # unchanged: silent
    state.zoom = 1e6   # clipped to what the view can show
    state.layout = "Stacked"
    assert heard == [("gain", 20.0), ("zoom", MAX_ZOOM), ("layout", "Stacked")]
    for field, bad in (("gain", 7.0), ("paper_speed", 30.0), ("layout", "6x2"), ("mode", "draw")):
        with pytest.raises(ValueError):
            setattr(state, field, bad)
    state.fit_gain = 5.0
    assert state.shown_gain == 5.0 and state.gain == 20.0
    state.true_scale()
    assert state.shown_gain == 20.0 and state.zoom == 1.0 and state.fit_gain is None
