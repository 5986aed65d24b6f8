"""Screenshots of the application's main states, for the README: `make screenshots` (under Xvfb).

    python scripts/screenshots.py [OUT_DIR] [--model WEIGHTS.pt]

Uses the real demo ECG and a real 30-minute MIT-BIH record from the shared data.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

WIDTH, HEIGHT = 1680, 1050
MITDB_RECORD = "119"  # ventricular bigeminy: the beat classes show in colour


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="docs/screenshots", type=Path)
    parser.add_argument("--model", type=Path, help="CRT weights to use instead of the bundled model")
    parser.add_argument("--screen", metavar="NAME", help="only the main window as it first opens on this display "
                        "(its size as the window itself chooses), saved as main_NAME.png")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QSettings

    from ecgcrt_gui.core.support.datapaths import data_dir
    from ecgcrt_gui.gui.qtapp import make_app
    from ecgcrt_gui.gui.selftest import wait_until

    settings_dir = tempfile.TemporaryDirectory(prefix="ecgcrt-screenshots-")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # leave the user's settings alone
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir.name)
    make_app()
    from ecgcrt_gui.core.support.resources import DEMO_ECG
    from ecgcrt_gui.gui.mainwindow import MainWindow, settings

    settings().clear()
    window = MainWindow(show_dialogs=False)
    if not args.screen:  # with --screen the window places itself, as on a first launch
        window.resize(WIDTH, HEIGHT)
    window.show()
    session = window.session
    if args.model:  # verified like a user's weights, before the first analysis
        session.load_model(args.model)
        if not wait_until(lambda: session.model_path is not None or bool(window.errors), 120) or window.errors:
            raise SystemExit(f"screenshots: {args.model} cannot be used: {window.errors or 'timeout'}")

    def analysed(path: Path) -> None:
        window.errors.clear()
        window.open_path(path)
        ok = wait_until(lambda: bool(window.errors) or (session.assessment is not None and not session.busy()
                                                        and session.record.path == str(path)), 600)
        if not ok or window.errors:
            raise SystemExit(f"screenshots: {path.name} could not be analysed: {window.errors or 'timeout'}")
        settle()

    def settle() -> None:
        wait_until(lambda: False, 0.5)

    def save(widget, name: str) -> None:
        settle()
        widget.grab().save(str(args.out / name))
        print(args.out / name)

    analysed(DEMO_ECG)
    if args.screen:
        save(window, f"main_{args.screen}.png")
        window.close()
        settings_dir.cleanup()
        return 0
    session.select_beat(3)
    save(window, "main_12lead.png")
    save(window.docks["spectrogram"], "beat_spectrogram.png")

    panel = window.guideline_panel
    panel.lvef.setValue(25)
    panel.nyha.setCurrentIndex(3)
    panel.rhythm.setCurrentIndex(1)
    panel.set_guideline("all")
    save(window.docks["prediction"], "prediction_panel.png")
    save(panel, "guideline_panel.png")  # the whole panel, not only the part its dock shows

    view = window.lead_view
    view.set_mode("calipers")
    rec, peaks = session.record, session.peaks()
    strip = view.traces[-1]  # the lead II rhythm strip
    view._set_calipers([(p / rec.fs, float(view.signal[p, strip.lead]) + strip.offset_mv) for p in peaks[4:6]])
    save(view, "calipers.png")
    view.set_mode("select")

    view.delete_peak(6)
    wait_until(lambda: session.assessment is not None and session.assessment.rpeaks_edited and not session.busy(), 600)
    save(window, "edited_peaks.png")

    analysed(data_dir() / "mitdb" / f"{MITDB_RECORD}.hea")
    view.pan_to(600.0)
    session.select_beat(int((session.peaks() < 603 * session.record.fs).sum()))
    save(window, "mitdb_30min_zoomed.png")
    window.close()
    settings_dir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
