"""Run by tests/gui/test_screens.py in a fresh interpreter on an offscreen screen of a given size:

    python tests/gui/screen_probe.py WIDTH HEIGHT SCALE

opens the demo ECG as a user would (first launch), waits for the analysis and prints one JSON object
with what the test checks: the window's frame against the screen, the demonstration notice, every
lead and the rhythm strip against the visible paper, the grid at true scale in physical millimetres,
and whether a remembered geometry larger than the screen was restored.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path


def main(width: int, height: int, scale: float) -> dict:
    config = Path(tempfile.mkdtemp(prefix="ecgcrt-screen-")) / "screen.json"
    config.write_text(json.dumps({"windowFrameMargins": True, "screens": [
        {"name": "probe", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "dpr": 1}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["QT_SCALE_FACTOR"] = f"{scale:g}"
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(config.parent / "settings"))
    from ecgcrt_gui.gui import app as app_module
    from ecgcrt_gui.gui.labels import ElidedLabel
    from ecgcrt_gui.gui.leads.paper import pixels_per_mm
    from ecgcrt_gui.gui.mainwindow import MainWindow, settings
    from ecgcrt_gui.gui.panels.prediction_panel import DEMONSTRATION_NOTICE
    from ecgcrt_gui.gui.selftest import wait_until

    window = app_module.start_window(None, show_dialogs=False)
    session = window.session
    if not wait_until(lambda: bool(window.errors) or (session.assessment is not None and not session.busy()), 600):
        raise SystemExit("the analysis did not finish")
    wait_until(lambda: False, 0.5)
    screen = window.screen()
    area = window.available()
    notice = window.prediction_panel.notice
    view = window.lead_view
    (x0, x1), (y0, y1) = view.vb.viewRange()
    shown = []
    for tr in view.traces:
        i0, i1 = int(tr.t0 * session.record.fs), int(tr.t1 * session.record.fs)
        y = view.signal[i0:i1, tr.lead] + tr.offset_mv
        shown.append({"label": tr.label, "rhythm": tr.rhythm, "inside": bool(
            x0 <= tr.t0 and tr.t1 <= x1 and y0 <= float(y.min()) and float(y.max()) <= y1)})
    status = window.scale_label.text()
    elided_without_tip = [w.text() for w in window.findChildren(ElidedLabel)
                          if w.shown_text() != w.text() and w.text() not in w.toolTip()]
    view.true_scale()  # Ctrl+0
    (tx0, tx1), _ = view.vb.viewRange()
    device_px_per_mm = screen.geometry().width() * screen.devicePixelRatio() / screen.physicalSize().width()
    result = {
        "screen": [screen.geometry().width(), screen.geometry().height(), screen.devicePixelRatio()],
        "frame_inside": area.contains(window.frameGeometry()),
        "frame": window.frameGeometry().getRect(),
        "notice_text_whole": notice.text() == DEMONSTRATION_NOTICE and notice.isVisible(),
        "notice_height_enough": notice.height() >= notice.heightForWidth(notice.width()),
        "notice_unclipped": notice.visibleRegion().boundingRect() == notice.rect(),
        "traces": shown,
        "status_on_open": status,
        "elided_without_tip": elided_without_tip,
        "true_scale_px_per_s": view.vb.width() / (tx1 - tx0),
        "px_per_mm": pixels_per_mm(screen),
        "device_px_per_physical_mm": device_px_per_mm,
        "errors": window.errors,
    }
    window.close()
    from PySide6.QtWidgets import QMainWindow

    big = QMainWindow()  # a geometry remembered from a larger screen
    big.resize(width + 600, height + 400)
    settings().setValue("geometry", big.saveGeometry())
    settings().remove("state")
    again = MainWindow(show_dialogs=False)
    again.show()
    wait_until(lambda: False, 0.3)
    result["big_geometry_refused"] = again.available().contains(again.frameGeometry())
    again.close()
    return result


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))))
