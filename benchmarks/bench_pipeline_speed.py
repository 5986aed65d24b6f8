"""Time to read, detect, segment and make every beat image of one 30-min 2-lead record (mitdb 100)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ecgcrt_gui.core.io import read
from ecgcrt_gui.core.signal.beats import segment
from ecgcrt_gui.core.signal.rpeaks import detect
from ecgcrt_gui.core.signal.spectrogram import beat_images, model_signal

REPEATS = 3


def _once(path: Path) -> dict[str, float]:
    marks = {"start": time.perf_counter()}
    record = read(path)
    marks["read"] = time.perf_counter()
    rpeaks = detect(record.signal, record.fs)
    marks["detect"] = time.perf_counter()
    segment(rpeaks, record.n_samples, record.fs)
    marks["segment"] = time.perf_counter()
    signal2, _, _ = model_signal(record)
    images, _ = beat_images(signal2, record.fs, rpeaks)
    marks["images"] = time.perf_counter()
    steps = list(marks)
    times = {b: marks[b] - marks[a] for a, b in zip(steps, steps[1:])}
    times["total"] = marks["images"] - marks["start"]
    times["beats"] = float(len(rpeaks))
    times["image_count"] = float(len(images))
    return times


def run(data: Path) -> str:
    path = data / "mitdb" / "100.hea"
    runs = [_once(path) for _ in range(REPEATS)]
    best = min(runs, key=lambda r: r["total"])
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    lines = [
        "## Pipeline speed: one 30-min 2-lead record",
        "",
        f"MIT-BIH 100 (650,000 samples x 2 leads, 360 Hz): {int(best['beats'])} R-peaks, "
        f"{int(best['image_count'])} beat images of 2 x 64 x 64. Best of {REPEATS} runs, "
        f"OMP_NUM_THREADS={threads}. Command: `python -m benchmarks bench_pipeline_speed`. Target: < 2 s.",
        "",
        "| step | seconds |",
        "|---|---:|",
    ]
    for step in ("read", "detect", "segment", "images", "total"):
        lines.append(f"| {step} | {best[step]:.3f} |")
    return "\n".join(lines) + "\n"
