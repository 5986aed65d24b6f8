"""Jobs for tests/gui/test_worker_process.py: module-level, so the worker process can import them."""

from __future__ import annotations

import os
import sys
import time

from ecgcrt_gui.core.errors import AnalysisCancelled


def modules_loaded(names, *, progress, cancelled):
    progress(0.5, "looking")
    return {name: name in sys.modules for name in names}, os.getpid()


def until_cancelled(*, progress, cancelled):
    deadline = time.monotonic() + 60
    while not cancelled():
        if time.monotonic() > deadline:
            return "never cancelled"
        time.sleep(0.01)
    raise AnalysisCancelled()


def crash(*, progress, cancelled):
    os._exit(3)
