"""Open -> analyse -> panels -> edit a peak -> undo -> export, on the real demo ECG (PTB-XL 00338)."""

from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import QPointF, Qt

from ecgcrt_gui.core.assessment import left_out_words


def test_open_analyse_edit_undo_export(qtbot, window, analysed, tmp_path):
    window.open_initial(None)  # no path: the demo ECG
    a = analysed(window)
    session = window.session
    assert a.record.leads[:3] == ["I", "II", "III"] and a.record.fs == 500
    n = len(a.rpeaks)
    assert 8 <= n <= 16  # 10 s of sinus rhythm at about 75 bpm

    # Panels are populated from the assessment.
    qtbot.waitUntil(lambda: window.lead_view.marker_count() == n, timeout=5000)
    assert window.prediction_panel.probability.text().startswith("P(response) = ")
    assert window.prediction_panel.notice.isVisible() == bool(a.prediction.demonstration)
    assert window.guideline_panel.criteria.topLevelItemCount() > 0
    assert "QRS duration" in window.guideline_panel.qrs.text()
    # the beats left out of the QRS median are named by why (a beat the classifier is unsure of is not "ectopic")
    why = a.to_json()["qrs_beats"]["excluded_why"]
    assert (f", {left_out_words(why)} left out" in window.guideline_panel.qrs.text()) == bool(why)
    assert window.spectrogram_panel.images[0].image is not None
    assert window.spectrogram_panel.images[0].image.shape == a.images.shape[2:]
    assert "Beat" in window.spectrogram_panel.beat_label.text()

    # Next beat moves the selection, and the spectrogram follows.
    first = session.selected
    window.spectrogram_panel.next_button.click()
    assert session.selected == first + 1
    hit = int(np.flatnonzero(a.image_beats == session.selected)[0])
    assert np.array_equal(window.spectrogram_panel.images[0].image, a.images[hit, 0])

    # Clicking a beat (here in the top row) selects it.
    view = window.lead_view
    target = 7
    scene = view.vb.mapViewToScene(QPointF(a.rpeaks[target] / 500 + 0.05, view.traces[0].offset_mv))
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=view.plot.mapFromScene(scene))
    qtbot.waitUntil(lambda: session.selected == target, timeout=5000)

    # Delete one R-peak: the analysis re-runs on the edited peaks and the panels say so.
    window.lead_view.delete_peak(n // 2)
    assert len(session.peaks()) == n - 1
    qtbot.waitUntil(lambda: window.lead_view.edited_label.isVisibleTo(window), timeout=5000)
    edited = analysed(window, lambda x: x.rpeaks_edited)
    assert len(edited.rpeaks) == n - 1
    assert any("edited" in w for w in edited.warnings)
    assert "edited" in window.prediction_panel.edited.text()
    assert "edited" in window.guideline_panel.qrs.text()

    # Undo restores the detector's peaks and a fresh, unedited analysis.
    session.undo_stack.undo()
    restored = analysed(window, lambda x: not x.rpeaks_edited)
    assert np.array_equal(restored.rpeaks, a.rpeaks)
    qtbot.waitUntil(lambda: not window.lead_view.edited_label.isVisibleTo(window), timeout=5000)

    # Shift-click adds an R-peak where clicked; undo takes it away again.
    t_new = float((restored.rpeaks[2] + restored.rpeaks[3]) / 2 / restored.record.fs)
    window.lead_view._on_click(t_new, 0.0, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier)
    assert len(session.peaks()) == n + 1 and round(t_new * 500) in session.peaks()
    session.undo_stack.undo()
    assert np.array_equal(session.peaks(), restored.rpeaks)

    # Dragging a marker in edit mode moves that R-peak; undo puts it back.
    window.lead_view.set_mode("edit")
    moved_to = restored.rpeaks[5] / 500 + 0.02
    window.lead_view._on_peak_drag(5, moved_to, True)
    assert session.peaks()[5] == round(moved_to * 500) and len(session.peaks()) == n
    session.undo_stack.undo()
    assert np.array_equal(session.peaks(), restored.rpeaks)
    analysed(window, lambda x: not x.rpeaks_edited)

    # Export the PDF report and the JSON assessment, atomically.
    pdf, js = tmp_path / "report.pdf", tmp_path / "assessment.json"
    session.export(pdf, "pdf")
    session.export(js, "json")
    qtbot.waitUntil(lambda: (pdf.exists() and js.exists() and not session.busy()) or bool(window.errors),
                    timeout=60_000)
    assert not window.errors, window.errors
    assert pdf.read_bytes().startswith(b"%PDF")
    data = json.loads(js.read_text())
    assert data["schema"] == "ecgcrt.assessment/1"
    assert data["rpeaks"] == [int(r) for r in restored.rpeaks]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assessment.json", "report.pdf"]  # no temp files left


def test_guideline_inputs_update_without_rerun(qtbot, window, analysed):
    window.open_initial(None)
    a = analysed(window)
    panel = window.guideline_panel
    panel.lvef.setValue(25)
    panel.nyha.setCurrentIndex(3)
    panel.rhythm.setCurrentIndex(1)  # sinus
    b = window.session.assessment
    assert not window.session.busy()  # no network re-run
    assert b.inputs.lvef == 25 and b.inputs.nyha == 3 and b.inputs.rhythm == "sinus"
    assert b.prediction is a.prediction
    assert [g.to_dict() for g in b.guidelines] != [g.to_dict() for g in a.guidelines]
    panel.override.setCurrentIndex(panel.override.findData("RBBB"))
    assert window.session.assessment.morphology_label == "RBBB"
    assert "Your reading in use: RBBB" in panel.qrs.text()


def test_guideline_conditions_and_verification_in_the_panel(qtbot, window, analysed):
    """The yes/no inputs are the panel's ticks (contradicting ones exclusive), reach the session's
    inputs at once, and a class whose level could not be verified says so."""
    window.open_initial(None)
    analysed(window)
    panel = window.guideline_panel
    panel.lvef.setValue(30)
    panel.nyha.setCurrentIndex(3)
    panel.rhythm.setCurrentIndex(2)  # AF
    panel.optional["rv_pacing_high"].setChecked(True)
    inputs = window.session.assessment.inputs
    assert inputs.rv_pacing_high is True and inputs.rhythm == "af"
    esc = window.session.assessment.guidelines[0]
    assert esc.rule_id == "esc-upgrade" and "intrinsic" not in esc.reason
    panel.optional["pacing_indication"].setChecked(True)
    panel.optional["pacing_indication_low_burden"].setChecked(True)
    assert not panel.optional["pacing_indication"].isChecked()
    assert window.session.assessment.inputs.pacing_indication_low_burden is True
    assert not window.errors, window.errors
    panel.rhythm.setCurrentIndex(1)  # sinus; the demo ECG is a wide LBBB: ACC class I, level unread
    for box in panel.optional.values():
        box.setChecked(False)
    panel.set_guideline("acc2012")
    assert "(level not verified)" in panel.results.toPlainText()
    assert "Row source:" in panel.results.toPlainText()


def test_unreadable_file_keeps_the_patient(qtbot, window, tmp_path):
    window.open_initial(None)
    qtbot.waitUntil(lambda: window.session.record is not None, timeout=30_000)
    record = window.session.record
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"\x00\x01 this is not an ECG \xff" * 10)
    window.open_path(bad)
    qtbot.waitUntil(lambda: bool(window.errors), timeout=30_000)
    title, message = window.errors[-1]
    assert "Cannot open" in title and "Traceback" not in message
    assert window.session.record is record
    assert window.lead_view.record is record


def test_cancel_stops_the_analysis_quietly(qtbot, window, analysed):
    window.open_initial(None)
    qtbot.waitUntil(lambda: window.session.record is not None and window.session.busy(), timeout=30_000)
    window.cancel_button.click()
    qtbot.waitUntil(lambda: not window.session.busy(), timeout=60_000)
    assert window.session.assessment is None and not window.errors
    assert "F5" in window.prediction_panel.verdict.text()
    window.session.analyse()  # and it runs again on request
    analysed(window)


def test_cart_exports_show_the_carts_reading_beside_ours(qtbot, window, analysed, data):
    from PySide6.QtCore import QMimeData, QUrl
    from PySide6.QtGui import QDropEvent

    from ecgcrt_gui.core.io import FILE_FILTER

    assert "*.xml" in FILE_FILTER and "*.scp" in FILE_FILTER  # File > Open offers them
    panel = window.guideline_panel
    for name, cart_qrs, statement in (("ge_muse/muse_ecg1.xml", 78, "Ventricular-paced rhythm"),
                                      ("philips/129DYPRG.XML", 135, "Nonspecific intraventricular conduction delay")):
        path = data / "formats" / name
        if name.startswith("philips"):  # dropped on the window
            mime = QMimeData()
            mime.setUrls([QUrl.fromLocalFile(str(path))])
            window.dropEvent(QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                                        Qt.KeyboardModifier.NoModifier))
        else:
            window.open_path(path)
        a = analysed(window, lambda a, path=path: a.record.path == str(path))
        ours = a.delineation.qrs_duration_ms
        assert f"QRS duration {ours:.0f} ms (ours) · {cart_qrs} ms (cart)" in panel.qrs.text()
        assert panel.cart.isVisible()
        assert "The cart's reading" in panel.cart.text() and statement in panel.cart.text()
        assert len(a.record.leads) == 12
    assert "Wide QRS rhythm" not in panel.cart.text()  # the MUSE file's statements are gone with it
    labels = [label.toPlainText() for _, label in window.lead_view._labels]
    assert "III (derived)" not in labels  # Philips stores all twelve
    window.open_path(data / "formats" / "ge_muse" / "muse_ecg2.xml")
    qtbot.waitUntil(lambda: window.session.record is not None and window.session.record.format == "muse"
                    and window.session.record.path.endswith("muse_ecg2.xml"), timeout=30_000)
    qtbot.waitUntil(lambda: "III (derived)" in [lb.toPlainText() for _, lb in window.lead_view._labels], timeout=10_000)
    record = window.session.record
    window.open_path(data / "formats" / "philips" / "invalid-doc-version.xml")
    qtbot.waitUntil(lambda: bool(window.errors), timeout=30_000)
    title, message = window.errors[-1]
    assert "Cannot open" in title and "SierraECG 1.05" in message and "Traceback" not in message
    assert window.session.record is record  # the patient on screen stays
