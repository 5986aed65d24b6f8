"""`ecgcrt-gui --self-test`: the whole application, offscreen, on the demo ECG, in one run.

Opens the demo ECG, runs the analysis with the bundled model, renders every panel, computes the
attribution map ("Why?") of the selected beat, exports the PDF report and the JSON to a temporary
folder and checks them. Prints one line; exit 0 or 1.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.text import whole_ms

ANALYSIS_TIMEOUT_S = 300.0
EXPORT_TIMEOUT_S = 60.0
MIN_COLOURS = 8  # a rendered panel with fewer distinct colours is blank


class SelfTestFailure(Exception):
    pass


def wait_until(predicate, timeout_s: float) -> bool:
    """Run the event loop until predicate() holds or timeout_s passes."""
    from PySide6.QtCore import QEventLoop, QThread
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            return False
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        QThread.msleep(10)
    return True


def distinct_colours(widget, step: int = 3) -> int:
    """Distinct colours in a grab of the widget, sampled every `step` pixels."""
    image = widget.grab().toImage()
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


def pdf_pages(path: Path) -> int:
    data = path.read_bytes()
    if not data.startswith(b"%PDF"):
        raise SelfTestFailure(f"{path.name} is not a PDF")
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def run_self_test() -> int:
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ecgcrt-selftest-") as tmp:
        try:
            summary = _run(Path(tmp), t0)
        except SelfTestFailure as exc:
            print(f"self-test FAILED: {exc}", flush=True)
            return 1
        except Exception as exc:  # an unexpected error is a failure with its reason, not a traceback
            print(f"self-test FAILED: {type(exc).__name__}: {exc}", flush=True)
            return 1
    print(summary, flush=True)
    return 0


def _run(tmp: Path, t0: float) -> str:
    from PySide6.QtCore import QSettings

    from ecgcrt_gui.gui.qtapp import make_app

    # The self-test must not read or change the user's settings.
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    app = make_app()
    from ecgcrt_gui.core.support.resources import DEMO_ECG
    from ecgcrt_gui.gui.mainwindow import MainWindow

    window = MainWindow(show_dialogs=False)
    window.resize(1500, 950)
    window.show()
    window.open_initial(None)
    session = window.session

    def failed() -> str | None:
        return "; ".join(f"{t}: {m}" for t, m in window.errors) or None

    if not wait_until(lambda: session.assessment is not None or window.errors, ANALYSIS_TIMEOUT_S):
        raise SelfTestFailure(f"the analysis did not finish within {ANALYSIS_TIMEOUT_S:.0f} s")
    if failed():
        raise SelfTestFailure(failed())
    a = session.assessment
    if a.prediction is None:
        raise SelfTestFailure("no CRT prediction: " + "; ".join(a.warnings))
    if not len(a.rpeaks):
        raise SelfTestFailure("no R-peaks found in the demo ECG")
    wait_until(lambda: False, 0.3)  # let the views paint

    panels = {"lead view": window.lead_view, "spectrogram": window.spectrogram_panel,
              "prediction": window.prediction_panel, "guidelines": window.guideline_panel}
    for name, widget in panels.items():
        colours = distinct_colours(widget)
        if colours < MIN_COLOURS:
            raise SelfTestFailure(f"the {name} panel rendered blank ({colours} colours)")
    if window.lead_view.marker_count() != len(a.rpeaks):
        raise SelfTestFailure("the lead view does not mark every R-peak")

    # "Why?": the attribution (captum, on the worker process) must run in this build too; the report
    # exported below then carries its map.
    explained = []  # connected after the panel's own handler, so the panel has drawn the map when this runs
    session.attributionReady.connect(lambda _index, attribution: explained.append(attribution))
    t_why = time.perf_counter()
    window.spectrogram_panel.why_box.setChecked(True)
    if not wait_until(lambda: explained or window.errors, ANALYSIS_TIMEOUT_S):
        raise SelfTestFailure(f"the attribution map did not come within {ANALYSIS_TIMEOUT_S:.0f} s")
    if failed():
        raise SelfTestFailure(failed())
    why_s = time.perf_counter() - t_why
    maps = explained[0].maps
    if not (np.isfinite(maps).all() and np.abs(maps).sum() > 0):
        raise SelfTestFailure("the attribution map is empty")
    if not window.spectrogram_panel.why_text.text().startswith("Vermillion pushed"):
        raise SelfTestFailure("the spectrogram panel does not explain the attribution map")

    pdf, js = tmp / "report.pdf", tmp / "assessment.json"
    session.export(pdf, "pdf")
    session.export(js, "json")
    if not wait_until(lambda: (pdf.exists() and js.exists() and not session.busy()) or window.errors,
                      EXPORT_TIMEOUT_S):
        raise SelfTestFailure("the report and assessment were not written in time")
    if failed():
        raise SelfTestFailure(failed())
    pages = pdf_pages(pdf)
    if not 1 <= pages <= 2:
        raise SelfTestFailure(f"the report has {pages} pages; expected 1 or 2")
    data = json.loads(js.read_text(encoding="utf-8"))
    if data.get("schema") != "ecgcrt.assessment/1" or len(data.get("rpeaks", [])) != len(a.rpeaks):
        raise SelfTestFailure("the saved assessment does not match what is on screen")
    leftovers = [p.name for p in tmp.iterdir() if p.name.startswith(".")]
    if leftovers:
        raise SelfTestFailure(f"temporary files left behind: {leftovers}")
    window.close()
    app.processEvents()

    p = a.prediction
    qrs = f"QRS {whole_ms(a.delineation.qrs_duration_ms)} ms" if a.delineation.qrs_duration_ms else "QRS not measurable"
    device = p.device_name if p.device == "cuda" else "CPU"
    return (f"self-test passed: demo {DEMO_ECG.stem}, {len(a.rpeaks)} beats, {qrs}, {a.morphology_label}, "
            f"p={p.probability:.2f} on {device}, attribution map in {why_s:.1f} s, "
            f"report {pages} page{'s' if pages > 1 else ''} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    sys.exit(run_self_test())
