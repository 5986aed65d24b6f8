"""Beat-by-beat matching of detected R-peaks against reference annotations (WFDB bxb style)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.io.wfdb_reader import import_wfdb

# MIT-BIH beat symbols (AAMI EC57); every other annotation (rhythm, noise, comments) is not a beat.
BEAT_SYMBOLS = frozenset("NLRBAaJSVrFejnE/fQ?")
MATCH_WINDOW_S = 0.15  # bxb / EC38 / EC57 match window
BXB_START_S = 300.0  # bxb compares from minute 5 by default


@dataclass
class Score:
    """Counts of one comparison; Se, +P and F1 in percent."""

    tp: int = 0
    fn: int = 0
    fp: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fn + other.fn, self.fp + other.fp)

    @property
    def se(self) -> float:
        return 100.0 * self.tp / max(self.tp + self.fn, 1)

    @property
    def ppv(self) -> float:
        return 100.0 * self.tp / max(self.tp + self.fp, 1)

    @property
    def f1(self) -> float:
        return 100.0 * 2 * self.tp / max(2 * self.tp + self.fn + self.fp, 1)


def _annotations(record_path: Path):  # noqa: ANN202 (a wfdb.Annotation)
    return import_wfdb().rdann(str(record_path), "atr")


def reference_beats(record_path: Path) -> np.ndarray:
    """Sample indices of the beat annotations (.atr) of a MIT-BIH record (path without suffix)."""
    ann = _annotations(record_path)
    keep = np.array([s in BEAT_SYMBOLS for s in ann.symbol], dtype=bool)
    return np.asarray(ann.sample, dtype=np.int64)[keep]


def flutter_episodes(record_path: Path) -> list[tuple[int, int]]:
    """[start, end] samples of the ventricular flutter/fibrillation episodes ('[' to ']' in .atr).

    bxb and EC57 do not score QRS detection inside these episodes: there are no beats to find,
    only flutter waves ('!'), so a detector's marks there are neither true nor false.
    """
    ann = _annotations(record_path)
    episodes, start = [], None
    for sample, symbol in zip(ann.sample, ann.symbol):
        if symbol == "[":
            start = int(sample)
        elif symbol == "]" and start is not None:
            episodes.append((start, int(sample)))
            start = None
    return episodes


def outside(samples: np.ndarray, episodes: list[tuple[int, int]]) -> np.ndarray:
    """The samples that lie outside every [start, end] episode."""
    samples = np.asarray(samples, dtype=np.int64)
    keep = np.ones(samples.size, dtype=bool)
    for start, end in episodes:
        keep &= (samples < start) | (samples > end)
    return samples[keep]


def match(reference: np.ndarray, detected: np.ndarray, fs: float, start: int = 0) -> Score:
    """Greedy one-to-one matching in time order within +-150 ms, counting only from sample `start`.

    Each reference beat takes the nearest unused detection within the window; a detection right
    at the start boundary may match a reference just before it (as bxb allows) without being
    counted as a false positive.
    """
    ref = np.sort(np.asarray(reference, dtype=np.int64))
    det = np.sort(np.asarray(detected, dtype=np.int64))
    tol = int(round(MATCH_WINDOW_S * fs))
    used = np.zeros(det.size, dtype=bool)
    matched_ref = np.zeros(ref.size, dtype=bool)
    lo = 0
    for i, r in enumerate(ref):
        while lo < det.size and det[lo] < r - tol:
            lo += 1
        best, best_d = -1, tol + 1
        j = lo
        while j < det.size and det[j] <= r + tol:
            d = abs(int(det[j]) - int(r))
            if not used[j] and d < best_d:
                best, best_d = j, d
            j += 1
        if best >= 0:
            used[best] = True
            matched_ref[i] = True
    in_ref = ref >= start
    in_det = det >= start
    tp = int(np.sum(matched_ref & in_ref))
    fn = int(np.sum(~matched_ref & in_ref))
    fp = int(np.sum(~used & in_det))
    return Score(tp, fn, fp)
