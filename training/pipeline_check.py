"""The beat classifier through the app's own pipeline (our R-peaks, our RR features, the pacing
rule, the threshold) on MIT-BIH excerpts, scored against the cardiologists' annotations: what a
beat classifier's card documents and tests/test_bundled_beat_classifier.py re-measures.

The records are in the bundled classifier's training data (every non-paced record): the figures
show that the app's pipeline gives the classifier what it was trained on (detected, not annotated,
R-peaks; a 5-minute excerpt, not the whole record), not how it does on a new patient (DS2 does that).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

CHECK_RECORDS = ("100", "119", "209")  # N with S beats; ventricular bigeminy; runs of SVT
CHECK_START_S, CHECK_SECONDS = 300.0, 300.0
MATCH_S = 0.15  # a detected R-peak within this of an annotated beat is that beat


def excerpt(path: Path, start_s: float = CHECK_START_S, seconds: float = CHECK_SECONDS):
    """[start_s, start_s + seconds) of a record, as the app would read a file holding only that."""
    from ecgcrt_gui.core import io
    from ecgcrt_gui.core.record import EcgRecord

    record = io.read(path)
    a, b = int(start_s * record.fs), int((start_s + seconds) * record.fs)
    return EcgRecord(record.signal[a:b], record.fs, record.leads, meta=dict(record.meta)), a


def matched_classes(assessment, r_annotated: np.ndarray, fs: float) -> np.ndarray:
    """For each annotated R, the index of the detected R-peak within MATCH_S of it, else -1."""
    peaks = assessment.rpeaks
    if len(peaks) == 0:
        return np.full(len(r_annotated), -1)
    j = np.clip(np.searchsorted(peaks, r_annotated), 1, max(len(peaks) - 1, 1))
    nearest = np.where(np.abs(peaks[j] - r_annotated) < np.abs(peaks[j - 1] - r_annotated), j, j - 1)
    return np.where(np.abs(peaks[nearest] - r_annotated) <= MATCH_S * fs, nearest, -1)


def pipeline_figures(beat_model: Path, mitdb: Path, records: tuple[str, ...] = CHECK_RECORDS) -> dict:
    """{record: {beats, matched, unclassified_share, accuracy_of_classified}} and the same pooled."""
    from ecgcrt_gui.core.analysis import analyze
    from ecgcrt_gui.core.guidelines.engine import ClinicalInputs
    from training.datasets.mitdb_beats import AAMI_CLASSES, annotated_beats

    out, total = {}, np.zeros(4, np.int64)  # annotated, matched, classified, right
    for name in records:
        record, offset = excerpt(Path(mitdb) / f"{name}.hea")
        r, labels = annotated_beats(Path(mitdb) / name)
        inside = (r >= offset + MATCH_S * record.fs) & (r < offset + record.n_samples - MATCH_S * record.fs)
        r, labels = r[inside] - offset, labels[inside]
        a = analyze(record, ClinicalInputs(), beat_model_path=beat_model, device="cpu")
        k = matched_classes(a, r, record.fs)
        given = np.array([a.beat_classes.classes[i] if i >= 0 else None for i in k], dtype=object)
        classified = np.array([g is not None for g in given])
        right = np.array([g == AAMI_CLASSES[y] for g, y in zip(given, labels)])
        counts = np.array([len(r), (k >= 0).sum(), classified.sum(), right.sum()])
        total += counts
        out[name] = _figures(counts)
    out["pooled"] = _figures(total)
    return out


def _figures(c: np.ndarray) -> dict:
    return {"beats": int(c[0]), "matched": int(c[1]), "unclassified_share": float(1 - c[2] / max(c[1], 1)),
            "accuracy_of_classified": float(c[3] / max(c[2], 1))}
