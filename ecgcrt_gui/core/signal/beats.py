"""Beat windows of 1.2 RR around each R-peak (He et al.), and the heart rate.

The rule: a beat's window is `beat_window_rr` (1.2) RR long, `beat_pre_fraction` (1/3) of it
before R and the rest after, with the part before R scaled by the preceding RR interval and the
part after R by the following one:

    start = r - pre_fraction * window_rr * RR_prev        (0.4 RR_prev: P wave and PR segment)
    end   = r + (1 - pre_fraction) * window_rr * RR_next  (0.8 RR_next: QRS, ST segment, T wave)

The P wave belongs to the interval before a beat and the T wave to the interval after it, so each
side follows its own interval; at a steady rate the window is exactly 1.2 RR. Before use, each RR
is clamped to [0.7, 1.3] x the local median RR (over 9 intervals), so a premature beat still gets
room for its P wave and QRS, and the beat before a pause does not swallow the next beat.
The first beat has no RR before it and the last none after: each takes its one neighbouring RR.
A single R-peak gets a nominal RR of 1 s. Windows are clipped to the record; `complete` marks
the beats whose whole window lies inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ecgcrt_gui.core.config import DEFAULT_CONFIG, PreprocessConfig

RR_CLAMP = (0.7, 1.3)  # RR used for a window, relative to the local median RR
_MEDIAN_SPAN = 9  # intervals in the local median RR
_NOMINAL_RR_S = 1.0  # the RR assumed when a record has a single R-peak


@dataclass
class Beats:
    """One window per R-peak: samples [start, end) of the record (end exclusive)."""

    r: np.ndarray
    start: np.ndarray
    end: np.ndarray
    complete: np.ndarray  # bool: the window was not clipped by the record's edges

    def __len__(self) -> int:
        return int(self.r.size)


def _local_median(rr: np.ndarray, span: int = _MEDIAN_SPAN) -> np.ndarray:
    """Centred running median of `rr`, the edges padded with their nearest values."""
    half = span // 2
    padded = np.pad(rr, half, mode="edge")
    return np.median(sliding_window_view(padded, 2 * half + 1), axis=1)


def segment(rpeaks: np.ndarray, n_samples: int, fs: float, cfg: PreprocessConfig = DEFAULT_CONFIG) -> Beats:
    """Window of each beat by the rule in the module docstring; inputs and outputs in samples."""
    r = np.sort(np.asarray(rpeaks, dtype=np.int64))
    if r.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Beats(empty, empty.copy(), empty.copy(), np.zeros(0, dtype=bool))
    if r.size == 1:
        rr_prev = rr_next = np.array([_NOMINAL_RR_S * fs])
    else:
        rr = np.diff(r).astype(np.float64)
        rr_prev = np.concatenate([rr[:1], rr])  # the first beat borrows the RR after it
        rr_next = np.concatenate([rr, rr[-1:]])  # the last beat borrows the RR before it
        med = _local_median(rr)
        med_at_beat = np.concatenate([med[:1], med])  # beat i sits after interval i-1
        lo, hi = RR_CLAMP[0] * med_at_beat, RR_CLAMP[1] * med_at_beat
        rr_prev, rr_next = np.clip(rr_prev, lo, hi), np.clip(rr_next, lo, hi)
    pre = np.round(cfg.beat_pre_fraction * cfg.beat_window_rr * rr_prev).astype(np.int64)
    post = np.round((1.0 - cfg.beat_pre_fraction) * cfg.beat_window_rr * rr_next).astype(np.int64)
    start, end = r - pre, r + post
    complete = (start >= 0) & (end <= n_samples)
    return Beats(r, np.clip(start, 0, n_samples), np.clip(end, 0, n_samples), complete)


def heart_rate_bpm(rpeaks: np.ndarray, fs: float) -> float | None:
    """60 / median RR (beats per minute); None with fewer than 2 R-peaks."""
    r = np.sort(np.asarray(rpeaks, dtype=np.int64))
    if r.size < 2:
        return None
    return float(60.0 * fs / np.median(np.diff(r)))
