"""R-peak detection on the 48 MIT-BIH records: ours vs wfdb XQRS vs neurokit2, bxb-style scoring.

Reference beats: the .atr beat annotations (N L R B A a J S V r F e j n E / f Q ?); 150 ms match
window; scored from minute 5 (as WFDB bxb / AAMI EC57) and over the whole record; as in bxb,
ventricular flutter episodes ('[' to ']', record 207 only) are not scored for any detector.
Ours fuses both channels; the references run on the first channel (MLII in 46 of 48 records),
as their users do. Run: `python -m benchmarks bench_rpeaks` (several minutes: XQRS is slow).
"""

from __future__ import annotations

import functools
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.scoring import BXB_START_S, Score, flutter_episodes, match, outside, reference_beats
from ecgcrt_gui.core.batch.engine import run_all
from ecgcrt_gui.core.io import read
from ecgcrt_gui.core.signal.rpeaks import detect

WORKERS = 2  # records run on the app's batch engine


def _ours(x: np.ndarray, fs: float) -> np.ndarray:
    return detect(x, fs)


def _xqrs(x: np.ndarray, fs: float) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from wfdb import processing
    return np.asarray(processing.xqrs_detect(x[:, 0].astype(np.float64), fs=fs, verbose=False), dtype=np.int64)


def _neurokit(x: np.ndarray, fs: float) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import neurokit2 as nk

        cleaned = nk.ecg_clean(x[:, 0], sampling_rate=fs)
        _, info = nk.ecg_peaks(cleaned, sampling_rate=fs)
    return np.asarray(info["ECG_R_Peaks"], dtype=np.int64)


DETECTORS: dict[str, tuple[str, Callable[[np.ndarray, float], np.ndarray]]] = {
    "ours": ("ECG-CRT `rpeaks.detect` (both channels fused)", _ours),
    "xqrs": ("wfdb `processing.xqrs_detect` (channel 1)", _xqrs),
    "neurokit2": ("neurokit2 `ecg_clean` + `ecg_peaks`, default method (channel 1)", _neurokit),
}


def records(mitdb: Path) -> list[str]:
    return sorted(p.stem for p in mitdb.glob("*.atr"))


def _record_task(mitdb: Path, name: str) -> dict:
    """One record, every detector: {detector: (score from minute 5, score whole record, seconds)}."""
    rec = read(mitdb / f"{name}.hea")
    episodes = flutter_episodes(mitdb / name)
    ref = outside(reference_beats(mitdb / name), episodes)
    start = int(BXB_START_S * rec.fs)
    out = {}
    for key, (_, fn) in DETECTORS.items():
        t0 = time.perf_counter()
        found = fn(rec.signal, rec.fs)
        seconds = time.perf_counter() - t0
        found = outside(found, episodes)
        out[key] = (match(ref, found, rec.fs, start), match(ref, found, rec.fs), seconds)
    return out


def evaluate(mitdb: Path, names: list[str]) -> dict:
    """Per detector and record: (score from minute 5, score whole record, seconds), the records run on the
    app's batch engine (WORKERS processes), each detector timed inside its record's task."""
    runs = run_all(functools.partial(_record_task, mitdb), list(names), workers=WORKERS, what="R-peak detection")
    return {key: {name: run[key] for name, run in zip(names, runs)} for key in DETECTORS}


def _gross(per_record: dict, which: int) -> Score:
    total = Score()
    for scores in per_record.values():
        total = total + scores[which]
    return total


def render(results: dict, names: list[str]) -> str:
    lines = [
        "## R-peak detection, MIT-BIH Arrhythmia Database",
        "",
        f"{len(names)} records, {sum(results['ours'][n][1].tp + results['ours'][n][1].fn for n in names)} "
        "annotated beats (.atr beat symbols only), 150 ms match window; ventricular flutter "
        "episodes ('[' to ']' in .atr: 207 only) are not scored, as in bxb. "
        "Command: `python -m benchmarks bench_rpeaks`.",
        "",
    ]
    for key, (label, _) in DETECTORS.items():
        lines.append(f"- **{key}**: {label}")
    lines += [
        "",
        "### Gross",
        "",
        "| detector | scored | TP | FN | FP | Se % | +P % | F1 % | s / record |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in DETECTORS:
        secs = np.mean([results[key][n][2] for n in names])
        for which, scored in ((0, "from minute 5"), (1, "whole record")):
            s = _gross(results[key], which)
            lines.append(
                f"| {key} | {scored} | {s.tp} | {s.fn} | {s.fp} | {s.se:.2f} | {s.ppv:.2f} | {s.f1:.2f} | {secs:.3f} |"
            )
    speed = np.sum([results["xqrs"][n][2] for n in names]) / max(np.sum([results["ours"][n][2] for n in names]), 1e-9)
    lines += ["", f"Ours is {speed:.0f}x faster than XQRS over these records.", ""]
    for which, scored in ((0, "from minute 5 (bxb)"), (1, "whole record")):
        lines += [
            f"### Per record, scored {scored}: TP/FN/FP and F1 %",
            "",
            "| record | " + " | ".join(f"{k} TP/FN/FP | {k} F1" for k in DETECTORS) + " |",
            "|---|" + "---:|---:|" * len(DETECTORS),
        ]
        for n in names:
            cells = []
            for key in DETECTORS:
                s = results[key][n][which]
                cells += [f"{s.tp}/{s.fn}/{s.fp}", f"{s.f1:.2f}"]
            lines.append(f"| {n} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def run(data: Path, names: list[str] | None = None) -> str:
    mitdb = data / "mitdb"
    names = names or records(mitdb)
    return render(evaluate(mitdb, names), names)
