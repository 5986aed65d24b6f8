"""Data-parallel training under torchrun (2 gloo processes) and resume after interruption."""

from __future__ import annotations

import os
import subprocess
import sys

from training.cli import run

TINY = ["pretrain", "--synthetic", "16", "--batch-size", "4", "--device", "cpu", "--workers", "1"]


def _hash(folder, rank=0) -> str:
    return (folder / f"rank{rank}.sha256").read_text().strip()


def test_torchrun_two_gloo_ranks_end_with_identical_weights(tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           "-m", "training", *TINY, "--epochs", "1", "--state-hash", str(tmp_path)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert _hash(tmp_path, 0) == _hash(tmp_path, 1)
    assert "on 8 beats" in done.stdout  # each rank saw half of the 16


def test_resume_after_interruption_equals_uninterrupted_run(tmp_path):
    run([*TINY, "--epochs", "2", "--state-hash", str(tmp_path / "whole")])
    ckpt = str(tmp_path / "ckpt.pt")
    first = run([*TINY, "--epochs", "2", "--checkpoint", ckpt, "--stop-after", "1"])
    assert len(first["history"]) == 1
    resumed = run([*TINY, "--epochs", "2", "--checkpoint", ckpt, "--resume", "--state-hash", str(tmp_path / "resumed")])
    assert [h["epoch"] for h in resumed["history"]] == [1, 2]
    assert _hash(tmp_path / "whole") == _hash(tmp_path / "resumed")
