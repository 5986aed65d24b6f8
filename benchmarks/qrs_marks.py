"""Cardiologists' QRS marks as global references, and how a delineation is scored against them: LUDB (marked
lead by lead, combined by rank) and the QT Database (q1c, marked once on both leads). Shared by the delineation
benchmark, the cross-validation of its parameters and the tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ecgcrt_gui.core.io.wfdb_reader import import_wfdb

LUDB_LEADS = ("i", "ii", "iii", "avr", "avl", "avf", "v1", "v2", "v3", "v4", "v5", "v6")
MATCH_S = 0.150


def ludb_reference(stem: Path, rank: int = 1) -> np.ndarray:
    """[beats x 3] (R, global onset, global offset) in samples from the 12 LUDB annotation files:
    the earliest onset and latest offset over the leads (rank 1), or the rank-th earliest and
    rank-th latest (rank 2: the earliest onset that a second lead confirms)."""
    wfdb = import_wfdb()
    marks = []  # (peak, onset, offset) per lead and QRS
    for ext in LUDB_LEADS:
        ann = wfdb.rdann(str(stem), ext)
        sym, smp = ann.symbol, ann.sample
        for k, s in enumerate(sym):
            if s != "N":
                continue
            on = smp[k - 1] if k > 0 and sym[k - 1] == "(" else -1
            off = smp[k + 1] if k + 1 < len(sym) and sym[k + 1] == ")" else -1
            marks.append((smp[k], on, off))
    if not marks:
        return np.empty((0, 3), np.int64)
    marks_arr = np.array(sorted(marks))
    # One QRS = the same beat's peaks on every lead: split where consecutive peaks are > 200 ms apart.
    groups = np.split(marks_arr, np.flatnonzero(np.diff(marks_arr[:, 0]) > 100) + 1)
    out = []
    for g in groups:
        ons, offs = np.sort(g[g[:, 1] >= 0, 1]), np.sort(g[g[:, 2] >= 0, 2])[::-1]
        if ons.size >= rank and offs.size >= rank:
            out.append((int(np.median(g[:, 0])), int(ons[rank - 1]), int(offs[rank - 1])))
    return np.array(out, np.int64).reshape(-1, 3)


QTDB_SECOND = "q2c"  # a second cardiologist's marks, on a few records (its qt2 first pass holds the same samples)


def qtdb_reference(stem: Path, annotator: str = "q1c") -> np.ndarray:
    """[beats x 3] (peak, onset, offset) in samples from a QT Database record's `q1c` marks (or another
    annotator's, e.g. QTDB_SECOND): one onset "(" and offset ")" around each marked QRS peak, judged on
    both leads together."""
    ann = import_wfdb().rdann(str(stem), annotator)
    smp, sym = ann.sample, ann.symbol
    out = [(smp[k], smp[k - 1], smp[k + 1]) for k in range(1, len(sym) - 1)
           if sym[k] not in "(pt)u" and sym[k - 1] == "(" and sym[k + 1] == ")"]
    return np.array(out, np.int64).reshape(-1, 3)


def match(ref_r: np.ndarray, r: np.ndarray, fs: float) -> np.ndarray:
    """Index into `r` of the beat within 150 ms of each reference R, -1 where none."""
    if r.size == 0:
        return np.full(ref_r.size, -1)
    j = np.abs(r[None, :] - ref_r[:, None]).argmin(axis=1)
    return np.where(np.abs(r[j] - ref_r) <= MATCH_S * fs, j, -1)


def beat_errors(
    ref: np.ndarray, r: np.ndarray, on: np.ndarray, off: np.ndarray, fs: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per reference beat, the delineated beat that matches it (-1: none, or not delineated), and the
    onset and offset errors in ms (ours - reference) of the matched ones."""
    j = match(ref[:, 0], r, fs)
    found = j >= 0
    found[found] &= (on[j[found]] >= 0) & (off[j[found]] >= 0) & (off[j[found]] > on[j[found]])
    ms = 1000.0 / fs
    return np.where(found, j, -1), (on[j[found]] - ref[found, 1]) * ms, (off[j[found]] - ref[found, 2]) * ms
