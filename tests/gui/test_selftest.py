"""`ecgcrt-gui --self-test` in a fresh process, as the installer runs it."""

from __future__ import annotations

import os
import subprocess
import sys


def test_self_test_passes():
    """About 12 s here (a fresh interpreter, torch, both networks, the PDF); under the 30 s slow mark."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-m", "ecgcrt_gui", "--self-test"], capture_output=True, text=True,
                          timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = proc.stdout.strip().splitlines()[-1]
    assert line.startswith("self-test passed: demo 00338_hr,") and "p=" in line and "report" in line
