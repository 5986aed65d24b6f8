"""One scripted GUI session in a fresh interpreter, timing the GUI thread.

    python -m benchmarks.gui_session [process|thread|preload]

Start the app, open the demo ECG, wait for the first analysis, delete an R-peak (the analysis re-runs),
export the PDF report and the JSON. A 10 ms timer ticks on the GUI thread throughout; a gap between ticks
is time the event loop could not run (a stall). Prints one JSON object: the longest gap per step, the GUI
thread's own CPU time in the longest gap (the rest of it the thread waited: for the interpreter lock, or
for a CPU), the time to the first shown window and to the first result.

Variants: `process` (the app: pipeline in the worker process), `thread` (the pipeline on a worker thread
of the GUI process, as before), `preload` (worker thread, but torch and the pipeline imported before the
window shows, behind a start-up screen).
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # before any import of the app: start-up is timed from here

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

TICK_MS = 10
TIMEOUT_S = 600.0
VARIANTS = ("process", "thread", "preload")


class Ticks:
    """Timestamps (wall and GUI-thread CPU) of a GUI-thread timer, and the step each one fell in."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.cpu: list[float] = []
        self.process_cpu: list[float] = []
        self.steps: list[str] = []
        self.step = "start"

    def tick(self) -> None:
        self.times.append(time.perf_counter())
        self.cpu.append(time.thread_time())
        self.process_cpu.append(time.process_time())
        self.steps.append(self.step)

    def longest_by_step(self) -> dict[str, float]:
        """Longest gap (ms) ending in each step, minus the timer's own period."""
        out: dict[str, float] = {}
        for (a, b), step in zip(zip(self.times, self.times[1:]), self.steps[1:]):
            out[step] = max(out.get(step, 0.0), (b - a) * 1000 - TICK_MS)
        return out


def main(argv: list[str]) -> int:
    variant = argv[0] if argv else "process"
    if variant not in VARIANTS:
        raise SystemExit(f"variant {variant!r} is not one of {VARIANTS}")
    os.environ["ECGCRT_WORKER"] = "process" if variant == "process" else "thread"
    with tempfile.TemporaryDirectory(prefix="ecgcrt-bench-gui-") as tmp:
        result = run(Path(tmp), variant)
    print(json.dumps(result))
    return 0


def run(tmp: Path, variant: str) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # never the user's settings
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    if variant == "preload":
        _preload_behind_start_up_screen()
    from ecgcrt_gui.gui import app as app_module

    ticks = Ticks()
    window = app_module.start_window(None, show_dialogs=False)
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    marks = {"window_shown_s": time.perf_counter() - T0}
    timer = QTimer()
    timer.timeout.connect(ticks.tick)
    timer.start(TICK_MS)
    session = window.session

    def settle(seconds: float, predicate=lambda: False) -> bool:
        """Run the real event loop until predicate() holds or `seconds` pass."""
        loop, poll, deadline = QEventLoop(), QTimer(), time.perf_counter() + seconds
        poll.timeout.connect(lambda: loop.quit() if predicate() or time.perf_counter() > deadline else None)
        poll.start(20)
        loop.exec()
        return predicate()

    def wait(predicate, what: str) -> None:
        if not settle(TIMEOUT_S, lambda: bool(window.errors) or predicate()) or window.errors:
            raise SystemExit(f"bench_gui: {what}: {window.errors or 'timeout'}")

    ticks.step = "open and first analysis"
    wait(lambda: session.assessment is not None and not session.busy(), "the first analysis")
    marks["first_result_s"] = time.perf_counter() - T0
    settle(0.5)  # the views redraw after the result: count that too

    ticks.step = "edit a peak"
    window.lead_view.delete_peak(len(session.peaks()) // 2)
    wait(lambda: session.assessment.rpeaks_edited and not session.busy(), "the re-analysis")
    settle(0.5)

    ticks.step = "export"
    pdf, js = tmp / "report.pdf", tmp / "assessment.json"
    session.export(pdf, "pdf")
    session.export(js, "json")
    wait(lambda: pdf.exists() and js.exists() and not session.busy(), "the export")
    settle(0.5)
    timer.stop()
    window.close()
    gaps = [(b - a) * 1000 - TICK_MS for a, b in zip(ticks.times, ticks.times[1:])]
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    return {**marks, "variant": variant, "longest_stall_ms": gaps[worst],
            "longest_stall_gui_cpu_ms": (ticks.cpu[worst + 1] - ticks.cpu[worst]) * 1000,
            "longest_stall_process_cpu_ms": (ticks.process_cpu[worst + 1] - ticks.process_cpu[worst]) * 1000,
            "over_100ms": sum(g > 100 for g in gaps), "ticks": len(ticks.times),
            "by_step_ms": ticks.longest_by_step(), "torch_in_gui": "torch" in sys.modules}


def _preload_behind_start_up_screen() -> None:
    """The alternative measured: a start-up screen while torch and the pipeline load on the GUI thread."""
    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QSplashScreen

    from ecgcrt_gui.gui.qtapp import make_app

    app = make_app()
    pixmap = QPixmap(480, 160)
    pixmap.fill()
    splash = QSplashScreen(pixmap)
    splash.showMessage("ECG-CRT: loading the networks…")
    splash.show()
    app.processEvents()
    import torch  # noqa: F401

    import ecgcrt_gui.core.analysis  # noqa: F401
    import ecgcrt_gui.core.model.inference  # noqa: F401

    splash.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
