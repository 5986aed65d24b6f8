"""The worker process the session sends its slow steps to: results, errors by type, progress, cancel, a crash."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from ecgcrt_gui.core.errors import AnalysisCancelled, BundleError, EcgReadError
from ecgcrt_gui.gui import jobs, worker_process
from ecgcrt_gui.gui.worker_process import WorkerDied, WorkerProcess

from . import worker_jobs


@pytest.fixture(scope="module")
def worker():
    w = WorkerProcess()
    yield w
    w.stop()


def call(worker, fn, *args, cancel=lambda: False):
    seen = []
    result = worker.call(fn, args, lambda f, text: seen.append((f, text)), cancel)
    return result, seen


def test_jobs_run_in_another_process_that_has_torch_loaded(worker, tmp_path):
    (loaded, pid), seen = call(worker, worker_jobs.modules_loaded, ("torch", "ecgcrt_gui.core.analysis", "PySide6"))
    assert pid != os.getpid()
    assert loaded == {"torch": True, "ecgcrt_gui.core.analysis": True, "PySide6": False}  # warmed up, no Qt
    assert seen == [(0.5, "looking")]


def test_errors_keep_their_type_and_plain_message(worker, tmp_path):
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"\x00 not an ECG" * 20)
    with pytest.raises(EcgReadError, match="broken.csv"):
        call(worker, jobs.read_for_display, bad)
    weights = tmp_path / "w.pt"
    weights.write_bytes(b"not weights")
    with pytest.raises(BundleError, match="w.pt"):
        call(worker, jobs.verify_bundle, weights)
    with pytest.raises(AttributeError) as info:  # unexpected: its type kept, the child's traceback rides along
        call(worker, jobs.read_for_display, None)
    assert "In the worker process" in "".join(getattr(info.value, "__notes__", []))


def test_cancel_reaches_the_job(worker):
    asked = threading.Event()
    threading.Timer(0.3, asked.set).start()
    with pytest.raises(AnalysisCancelled):
        call(worker, worker_jobs.until_cancelled, cancel=asked.is_set)


def test_a_crashed_worker_fails_its_job_plainly_and_the_next_job_starts_a_new_one(worker):
    with pytest.raises(WorkerDied, match="stopped unexpectedly"):
        call(worker, worker_jobs.crash)
    (loaded, _), _ = call(worker, worker_jobs.modules_loaded, ("torch",))
    assert loaded == {"torch": True}


def test_thread_mode_runs_jobs_here(monkeypatch):
    monkeypatch.setenv("ECGCRT_WORKER", "thread")
    (loaded, pid) = worker_process.run(worker_jobs.modules_loaded, ("sys",), progress=lambda f, t: None,
                                       cancelled=lambda: False)
    assert pid == os.getpid() and loaded == {"sys": True}


def test_a_whole_gui_session_never_loads_torch_in_the_gui_process():
    """Open the demo, analyse it, edit a peak, export: the GUI's own interpreter never imports torch."""
    import json
    import subprocess

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("ECGCRT_WORKER", None)
    out = subprocess.run([sys.executable, "-m", "benchmarks.gui_session", "process"], capture_output=True, text=True,
                         timeout=600, env=env, cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["torch_in_gui"] is False and result["first_result_s"] > result["window_shown_s"]
