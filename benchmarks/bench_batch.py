"""Batch throughput and cost: all 200 LUDB records through `ecgcrt batch` vs one `ecgcrt analyze` process per
file, the per-ECG cost of each step, memory with 30-minute records among 10-s ones, and one 30-minute
record analysed whole with both networks on each CPU path of core/model/inference."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from benchmarks import machine
from ecgcrt_gui.core.batch import run as batch_run
from ecgcrt_gui.core.batch.inputs import expand
from ecgcrt_gui.core.batch.run import run_batch
from ecgcrt_gui.core.batch.task import AnalysisOptions

WORKERS = 2
THROUGHPUT_TARGET = 20_000  # ECGs per hour with 2 workers
SPEEDUP_TARGET = 10.0  # over one `ecgcrt analyze` process per file
WHOLE_RECORD_TARGET_S = 4.0
# The steps analyze() reports, as the cost profile names them.
STEPS = {"read": "read (core/io)", "Finding R-peaks": "R-peaks", "Making beat spectrograms": "beat images (STFT)",
         "Classifying beats": "beat classifier (ResNet-18)", "Measuring QRS": "pacing + delineation + morphology",
         "Running the CRT model": "CRT model (ResNet-18)"}


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5-min {five:.1f}) on {os.cpu_count()} cores"


def _batch(items, out: Path, **kwargs):
    results = {}
    start = time.perf_counter()
    summary = run_batch(items, out, options=AnalysisOptions(device="cpu"), on_result=results.__setitem__, **kwargs)
    return summary, results, time.perf_counter() - start


def _per_process(paths: list[Path]) -> float:
    """Wall seconds for one `ecgcrt analyze --json` process per file, WORKERS at a time."""
    def one(path: Path) -> None:
        subprocess.run([sys.executable, "-m", "ecgcrt_gui.cli", "analyze", str(path), "--device", "cpu", "--json",
                        os.devnull], capture_output=True, check=False)

    start = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(one, paths))
    return time.perf_counter() - start


def _throughput(data: Path, tmp: Path) -> tuple[list[str], dict]:
    paths = [data / "ludb" / "data" / f"{n}.hea" for n in range(1, 201)]
    load = _load()
    summary, results, batch_s = _batch(expand(paths), tmp / "ludb.csv", workers=WORKERS)
    # what starting the workers costs (importing torch, loading and converting both networks in each), measured
    # as a batch of the first WORKERS records: on a slow CPU it is a large share of 200 10-s ECGs
    _, _, start_s = _batch(expand(paths[:WORKERS]), tmp / "start.csv", workers=WORKERS)
    steady = 3600 * (len(paths) - WORKERS) / max(batch_s - start_s, 1e-9)
    process_s = _per_process(paths)
    rate, base = 3600 * len(paths) / batch_s, 3600 * len(paths) / process_s
    lines = [
        f"All 200 LUDB records (10 s, 12 leads, 500 Hz), both networks, CPU ({machine.cpu()}); {load} at the start.",
        "",
        "| how | wall time | ECGs per hour | target | |",
        "|---|---:|---:|---:|---|",
        f"| `ecgcrt batch --workers {WORKERS}` (start-up of the workers included) | {batch_s:.1f} s | {rate:,.0f} | "
        f">= {THROUGHPUT_TARGET:,} | {'met' if rate >= THROUGHPUT_TARGET else 'MISSED'} |",
        f"| the same once the workers have started (less a {WORKERS}-record batch's {start_s:.1f} s) | "
        f"{batch_s - start_s:.1f} s | {steady:,.0f} | | |",
        f"| one `ecgcrt analyze` process per file, {WORKERS} at a time | {process_s:.1f} s | {base:,.0f} | | |",
        f"| speed-up | | {rate / base:.1f}x | >= {SPEEDUP_TARGET:g}x | {'met' if rate / base >= SPEEDUP_TARGET else 'MISSED'} |",
        "",
        f"Rows ok: {summary.ok} of {summary.done}. Peak resident memory of one worker process: {summary.peak_rss_mb:.0f} MB.",
    ]
    return lines, results


def _profile(results: dict) -> list[str]:
    per_step = {step: [r.stages[step] * 1000 for r in results.values() if step in r.stages] for step in STEPS}
    total = [r.seconds * 1000 for r in results.values()]
    lines = ["", "Per-ECG cost, the same 200 records, one worker thread each (ms; median and 90th percentile):", "",
             "| step | median | p90 | share of the median total |", "|---|---:|---:|---:|"]
    med_total = statistics.median(total)
    for step, name in STEPS.items():
        values = per_step[step]
        if values:
            lines.append(f"| {name} | {statistics.median(values):.1f} | {np.percentile(values, 90):.1f} | "
                         f"{100 * statistics.median(values) / med_total:.0f} % |")
    lines.append(f"| whole task (hash, read, analyse, flatten) | {med_total:.1f} | {np.percentile(total, 90):.1f} | |")
    return lines


def _sample_rss(stop: threading.Event, peaks: list[float]) -> None:
    import psutil

    me = psutil.Process()
    while not stop.is_set():
        total = 0.0
        for child in me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        peaks.append(total / 2**20)
        stop.wait(0.1)


def _memory(data: Path, tmp: Path) -> list[str]:
    """A batch of 10-s ECGs with three 30-min records, two of them side by side in the input."""
    ludb = [data / "ludb" / "data" / f"{n}.hea" for n in range(1, 41)]
    mitdb = [data / "mitdb" / f"{n}.hea" for n in (100, 101, 103)]
    paths = ludb[:10] + mitdb[:2] + ludb[10:30] + mitdb[2:] + ludb[30:]
    rows = []
    for guard in (True, False):
        saved = batch_run.LARGE_RECORD_BYTES
        if not guard:
            batch_run.LARGE_RECORD_BYTES = 1 << 62  # every record "small": the guard off
        stop, peaks = threading.Event(), []
        sampler = threading.Thread(target=_sample_rss, args=(stop, peaks), daemon=True)
        sampler.start()
        try:
            summary, results, seconds = _batch(expand(paths), tmp / f"mem{guard}.csv", workers=WORKERS)
        finally:
            stop.set()
            sampler.join()
            batch_run.LARGE_RECORD_BYTES = saved
        long_peak = max(r.peak_rss_mb for i, r in results.items() if paths[i] in mitdb)
        rows.append(f"| {'one long record at a time (the engine)' if guard else 'guard off (any record on any worker)'} "
                    f"| {max(peaks):.0f} MB | {long_peak:.0f} MB | {seconds:.1f} s | {summary.ok}/{summary.done} |")
    return ["", f"Memory: 40 LUDB records with MIT-BIH 100, 101 (side by side in the input) and 103 (30 min, 2 leads) among "
            f"them, {WORKERS} workers; the workers' resident memory summed, sampled every 0.1 s:", "",
            "| scheduling | peak of all workers | peak of a worker after a 30-min record | wall | ok |",
            "|---|---:|---:|---:|---:|", *rows]


# The CPU paths of core/model/inference compared on one 30-minute record: (name, FAST_CPU, BF16_CPU, MEAN_BEATS)
WHOLE_RECORD_PATHS = (
    ("plain torch modules, float32, every beat", False, False, 10**9),
    ("oneDNN, batch norm folded, float32, every beat (stop 20)", True, False, 10**9),
    ("oneDNN; beat classifier in bfloat16 with float32 recheck; CRT mean over a sample", True, True, None),
)


def _whole_record(data: Path) -> list[str]:
    """MIT-BIH 100 analysed whole with both networks on each CPU path, same process, each path run twice."""
    import torch

    from ecgcrt_gui.core.analysis import analyze
    from ecgcrt_gui.core.guidelines.engine import ClinicalInputs
    from ecgcrt_gui.core.io import read
    from ecgcrt_gui.core.model import inference

    record = read(data / "mitdb" / "100.hea")
    inference.load_default("aami")
    inference.load_default("crt")
    defaults = inference.FAST_CPU, inference.BF16_CPU, inference.MEAN_BEATS
    runs: dict[str, list] = {name: [] for name, *_ in WHOLE_RECORD_PATHS}
    load = _load()
    try:
        for _ in range(2):
            for name, fast, bf16, mean_beats in WHOLE_RECORD_PATHS:
                inference.FAST_CPU, inference.BF16_CPU = fast, bf16
                inference.MEAN_BEATS = defaults[2] if mean_beats is None else mean_beats
                start, cpu = time.perf_counter(), time.process_time()
                a = analyze(record, ClinicalInputs(), device="cpu")
                runs[name].append((time.perf_counter() - start, time.process_time() - cpu, a))
    finally:
        inference.FAST_CPU, inference.BF16_CPU, inference.MEAN_BEATS = defaults
    best = {name: min(r, key=lambda v: v[0]) for name, r in runs.items()}
    reference = best[WHOLE_RECORD_PATHS[1][0]][2]  # float32 on every beat: what the faster path must reproduce
    now = best[WHOLE_RECORD_PATHS[-1][0]]
    lines = ["", f"MIT-BIH 100 analysed whole ({len(now[2].rpeaks)} beats), {torch.get_num_threads()} torch threads, "
             f"bfloat16 matrix units (AMX): {'yes' if inference._amx() else 'no: that path runs the beat classifier in float32'}; "
             f"{load} at the start; each path twice, the faster run shown:", "",
             "| path | wall | CPU | beat classes changed | P(response) | CRT beats averaged | target | |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for i, (name, (wall, cpu, a)) in enumerate(best.items()):
        changed = sum(x != y for x, y in zip(reference.aami_classes, a.aami_classes))
        p = a.prediction
        last = i == len(best) - 1
        ok = ("met" if wall < WHOLE_RECORD_TARGET_S else "MISSED") if last else ""
        lines.append(f"| {name} | {wall:.2f} s | {cpu:.2f} s | {changed} of {len(a.rpeaks)} | {p.probability:.4f} "
                     f"| {p.n_beats:,} of {p.beats_given:,} | {'< 4 s' if last else ''} | {ok} |")
    p, p_ref = now[2].prediction, reference.prediction
    lines += ["", f"Fastest path against float32 on every beat: {best[WHOLE_RECORD_PATHS[0][0]][0] / now[0]:.1f}x the plain "
              f"path, {best[WHOLE_RECORD_PATHS[1][0]][0] / now[0]:.1f}x the oneDNN float32 one. P(response) "
              f"{p.probability:.4f} against {p_ref.probability:.4f} over every beat (difference "
              f"{abs(p.probability - p_ref.probability):.4f}; the sample's stated standard error {p.sampling_error:.4f}, "
              f"tolerance 3 standard errors or {inference.MEAN_TOLERANCE_FLOOR}, whichever is larger; the standard error "
              f"is at most {inference.MEAN_STANDARD_ERROR})."]
    return lines


# The targets were set, and met, on another 2-core machine; the CPU-bound steps run 2-4x slower on an AVX2-only one.
RECORDED_ON_AMX = (
    "The same code on an Intel Xeon with AMX and AVX-512, 2 cores (stop 21, main 15e5b66): 200 LUDB records in "
    "19.2 s = 37,549 ECGs per hour (met), 40.2x one process per file (met); MIT-BIH 100 whole in 3.02 s (met), "
    "against 6.66 s (oneDNN float32) and 10.23 s (plain); per-ECG median cost 147 ms."
)


def run(data: Path) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        whole = _whole_record(data)
        throughput, results = _throughput(data, tmp)
        profile = _profile(results)
        memory = _memory(data, tmp)
    return "\n".join(["## Batch: whole databases, one table (`ecgcrt batch`)", "", *throughput, *profile, *memory,
                      *whole, "", RECORDED_ON_AMX, "", "Command: `python -m benchmarks bench_batch`. Wall times grow "
                      "with other work on the machine (the load average above); CPU seconds much less."]) + "\n"
