"""The main window on the screens clinicians have: 1366x768, 1920x1080 and 3840x2160 at 200 % (issue 17).

Each size runs tests/gui/screen_probe.py in a fresh interpreter on an offscreen screen of that size (the
platform is chosen when Qt starts, so one process cannot change it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("screen_probe.py")
ROOT = PROBE.parents[2]


@pytest.mark.parametrize("width,height,scale", [(1366, 768, 1), (1920, 1080, 1), (3840, 2160, 2)],
                         ids=["1366x768", "1920x1080", "3840x2160@2x"])
def test_the_window_fits_and_shows_every_lead_and_the_whole_notice(width, height, scale):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "QT_SCALE_FACTOR")}
    out = subprocess.run([sys.executable, str(PROBE), str(width), str(height), str(scale)], capture_output=True,
                         text=True, timeout=600, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r["screen"] == [width / scale, height / scale, scale] and not r["errors"]
    assert r["frame_inside"], f"window frame {r['frame']} runs off the {width}x{height} screen"
    # The demonstration notice is a safety label: all of its text, not cut by its own size or its parent.
    assert r["notice_text_whole"] and r["notice_height_enough"] and r["notice_unclipped"]
    # Every lead of the 12-lead layout, the rhythm strip included, lies inside the visible paper on open.
    assert [t["label"] for t in r["traces"]][-1] == "II" and r["traces"][-1]["rhythm"]
    assert all(t["inside"] for t in r["traces"]), [t["label"] for t in r["traces"] if not t["inside"]]
    if "fitted" in r["status_on_open"]:
        assert "Ctrl+0" in r["status_on_open"]
    else:
        assert "true scale" in r["status_on_open"]
    assert r["elided_without_tip"] == []
    # True scale (Ctrl+0) in physical millimetres: 25 mm/s of paper is 25 mm of glass at any scaling.
    assert r["px_per_mm"] * scale == pytest.approx(r["device_px_per_physical_mm"], rel=1e-3)
    assert r["true_scale_px_per_s"] == pytest.approx(25 * r["px_per_mm"], rel=1e-3)
    assert r["big_geometry_refused"]  # a geometry remembered from a larger screen is not restored


def test_a_remembered_geometry_that_fits_is_restored(qtbot, window):
    from ecgcrt_gui.gui.mainwindow import MainWindow

    window.resize(620, 480)  # the default offscreen screen is 800 x 800
    window.move(40, 60)
    geometry = window.geometry()
    window.close()  # saves it
    again = MainWindow(show_dialogs=False)
    qtbot.addWidget(again)
    assert again.geometry().size() == geometry.size()
