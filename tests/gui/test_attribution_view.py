"""'Why this probability' in the app: the attribution overlay on the spectrogram and the beats that moved P."""

from __future__ import annotations

import numpy as np


def test_why_overlay_and_influential_beats(qtbot, window, analysed, tmp_path):
    window.open_initial(None)
    a = analysed(window, lambda a: a.prediction is not None)
    panel = window.spectrogram_panel
    assert all(o.image is None for o in panel.overlays)  # nothing computed until asked
    text = panel.influence.text()
    assert text.startswith("Beats that pushed P(response) up: ") and "; down: " in text and "at most" in text
    panel.why_box.setChecked(True)
    qtbot.waitUntil(lambda: "Most evidence" in panel.why_text.text() or bool(window.errors), timeout=120_000)
    assert not window.errors, window.errors
    shown = int(np.flatnonzero(a.image_beats == window.session.selected)[0])
    assert window.session.attribution(shown) is not None
    for overlay in panel.overlays:
        rgba = overlay.image
        assert rgba.shape == (*a.images.shape[2:], 4) and rgba[..., 3].max() > 100  # a visible, non-empty map
    assert "towards response" in panel.why_text.text() and "ms from R" in panel.why_text.text()
    report = tmp_path / "report.pdf"  # the report carries what was explained on screen
    window.session.export(report, "pdf")
    qtbot.waitUntil(lambda: report.exists() and not window.session.busy(), timeout=60_000)
    from pypdf import PdfReader

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(report).pages).split())
    beat = int(a.image_beats[shown]) + 1
    assert "Why this probability" in text and f"Beat {beat}: P(response)" in text and "towards response" in text
    panel.why_box.setChecked(False)
    assert all(o.image is None for o in panel.overlays) and panel.why_text.text() == ""
