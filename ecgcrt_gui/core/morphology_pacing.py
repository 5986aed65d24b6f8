"""Pacemaker spikes: very narrow deflections, on several leads at once, just before the QRS.

A spike is a few samples wide, so the residual after an ~8 ms running median (which leaves a
QRS intact) picks it out. It is counted where, within [R - 200 ms, R + 30 ms], the residual
reaches SPIKE_SHARE of the lead's own QRS size on at least three leads (every lead where
the record has fewer) at the same instant, and only briefly (noise is sharp everywhere).
The raw signal is used: filtering would smear the spike into the QRS. Pacing artefacts
that a recorder has already filtered into a slow step (MIT-BIH, some LUDB) are missed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d, median_filter

MIN_FS = 360.0  # below this a spike may fall between samples
MEDIAN_S = 0.008  # running-median width that erases a spike but keeps the QRS
SPIKE_SHARE = 0.3  # residual / lead's peak-to-peak in the beat window
MIN_BEAT_SHARE = 0.15  # share of beats with a spike for the record to count as paced
MIN_SPIKE_BEATS = 2
PRE_S, POST_S = 0.20, 0.03
MAX_SPIKE_S = 0.012  # total time flagged sharp in one beat window, at most


@dataclass
class PacingEvidence:
    assessable: bool
    paced: bool
    beat_share: float  # share of beats with a spike
    n_beats: int
    detail: str


def detect_pacing(signal: np.ndarray, fs: float, rpeaks: np.ndarray) -> PacingEvidence:
    """Whether the beats around `rpeaks` carry pacing spikes (signal raw mV [n, leads])."""
    x = np.asarray(signal, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    x = np.nan_to_num(x)
    if fs < MIN_FS:
        return PacingEvidence(False, False, 0.0, 0, f"not assessable: {fs:g} Hz is too slow to see pacing spikes")
    pre, post = int(round(PRE_S * fs)), int(round(POST_S * fs))
    idx = np.asarray(rpeaks, np.int64)[:, None] + np.arange(-pre, post)[None, :]
    idx = idx[(idx.min(axis=1) >= 0) & (idx.max(axis=1) < x.shape[0])]
    if idx.shape[0] == 0:
        return PacingEvidence(False, False, 0.0, 0, "not assessable: no complete beat")
    k = max(3, int(round(MEDIAN_S * fs)) | 1)
    residual = np.abs(x - median_filter(x, size=(k, 1), mode="nearest"))
    residual = maximum_filter1d(residual, 3, axis=0)  # one-sample jitter between leads
    seg = x[idx]  # [beats, window, leads]
    size = np.maximum(seg.max(axis=1) - seg.min(axis=1), 0.05)
    sharp = residual[idx] / size[:, None, :] > SPIKE_SHARE
    need = min(3, x.shape[1])
    count = sharp.sum(axis=2)  # [beats, window]: leads with a spike at each instant
    flagged = count >= need
    # A spike lasts a few samples; sharpness spread over the window is noise, not a pacemaker.
    spiked = flagged.any(axis=1) & (flagged.sum(axis=1) <= MAX_SPIKE_S * fs)
    share = float(spiked.mean())
    paced = share >= MIN_BEAT_SHARE and int(spiked.sum()) >= MIN_SPIKE_BEATS
    detail = f"narrow spikes on >= {need} lead(s) before the QRS in {int(spiked.sum())} of {spiked.size} beats"
    return PacingEvidence(True, paced, share, int(spiked.size), detail)
