"""Pacemaker artefacts before the QRS: narrow spikes, and spikes a recorder has band-limited.

A beat carries pacing evidence when either test below finds it; the record is paced when at
least MIN_BEAT_SHARE of its beats (and MIN_SPIKE_BEATS beats) do. The raw signal is used
throughout: filtering would smear the artefact into the QRS.

1. Narrow spike (modern 500 Hz+ recorders). A spike is a few samples wide, so the residual
   after an ~8 ms running median (which leaves a QRS intact) picks it out. It is counted
   where, within [R - 200 ms, R + 30 ms], the residual reaches SPIKE_SHARE of the lead's own
   QRS size on at least three leads (every lead where the record has fewer) at the same
   instant, and only briefly (noise is sharp everywhere).

2. Band-limited artefact (Holter / analogue-tape records such as MIT-BIH 102, 104, 107,
   217, whose ~100 Hz bandwidth turns the spike into a 10-20 ms sharp deflection that the
   8 ms median keeps). Per lead, the sharpest point of the beat (largest second difference
   over ~5.6 ms) within [R - 200 ms, R + 50 ms] is the candidate. It is an artefact
   followed by a paced QRS when, on at least half of the leads:
   - it is isolated: its curvature is >= MIN_ISOLATION times any other curvature within
     [-60 ms, +120 ms] of it, outside +-12 ms (a pacemaker artefact is the sharpest thing
     in a paced beat; the broad paced QRS has no comparably sharp corner), and on the best
     lead >= MIN_ISOLATION_BEST times;
   - it starts from a quiet line: the slope in the 12-60 ms before it is <= QUIET_SHARE of
     its own slope (an artefact does not ride on an upstroke, a sharp R apex does);
   - it sits at the record's usual lag (+-6 ms, |lag| <= 25 ms) from the same event on
     the record's sharpest lead: one event seen by every lead, allowing the small
     inter-channel skew of tape records;
   and the QRS after it is broad: the spatial slope (all leads) 60-120 ms after it still
   reaches LATE_SHARE of the beat's largest QRS slope (a stimulated ventricle depolarises
   slowly, cell to cell; a narrow normal QRS is over by then, which is what keeps sharp
   narrow QRS of 500 Hz records out).

With two leads "half" is one lead, so a two-lead record rests on one lead's evidence per beat.

Measured (MIT-BIH annotations used only to score, never inside the detector): beats with
evidence among paced ('/') beats 0.99-1.0 in 102 and 104, 0.96 in 217, 0.80 in 107;
fusion ('f') beats about half; normal and ventricular beats of the same records < 1 %.
Whole records: 102, 104, 107, 217 paced, none of the other 44 (highest share 0.5 %, 207).

What it still misses: pacing whose artefact is too small to be the sharpest point of the
beat (bipolar pacing, e.g. LUDB 111; a fifth of MIT-BIH 107's beats, whose artefact merges
into the QRS upstroke), biventricular or His pacing with a narrow paced QRS (test 2 wants a
broad QRS), atrial-only pacing (the spike precedes a P wave, outside the window), and
records below MIN_FS. Fusion beats count only when the artefact still leads a broad QRS.
The verdict is per record: a record with fewer than MIN_BEAT_SHARE paced beats is not paced.
False alarms: on 10-s excerpts a few stretches of MIT-BIH 207 (LBBB, sharp QS nadirs in noise)
reach the share (3 of 360 half-overlapping windows); LUDB 72 (atrial-synchronous ventricular
pacing, labelled "P-synchrony" only) is called paced by both tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d, median_filter

MIN_FS = 360.0  # below this a spike may fall between samples
MEDIAN_S = 0.008  # running-median width that erases a spike but keeps the QRS
SPIKE_SHARE = 0.3  # residual / lead's peak-to-peak in the beat window
MIN_BEAT_SHARE = 0.15  # share of beats with evidence for the record to count as paced
MIN_SPIKE_BEATS = 2
PRE_S, POST_S = 0.20, 0.03
MAX_SPIKE_S = 0.012  # total time flagged sharp in one beat window, at most

# Band-limited artefact (test 2)
CURV_STEP_S = 0.0056  # second-difference step: 2 samples at 360 Hz, 3 at 500 Hz
ISOLATION_S = 0.012  # half-width of the artefact, excluded when looking for other sharp corners
MIN_ISOLATION = 2.0  # artefact curvature / any other curvature of the beat, per lead
MIN_ISOLATION_BEST = 2.5  # the same on the beat's best lead
QUIET_S = 0.060  # look this far before the artefact for an upstroke it would ride on
QUIET_SHARE = 0.3  # slope before / slope of the artefact, at most
REVERSAL_SHARE = 0.3  # within +-12 ms the deflection turns back: weaker slope / stronger, at least
MAX_LAG_S, LAG_TOL_S = 0.025, 0.006  # lead-to-lead lag of the artefact: typical value, spread
LATE_S = (0.060, 0.120)  # window after the artefact where a paced QRS is still moving
LATE_SHARE = 0.25  # spatial slope in LATE_S / largest QRS slope, at least
QRS_HALF_S = 0.150  # the QRS slope is looked for within this distance of the artefact
BAND_POST_S = 0.05  # the artefact is looked for up to R + this (R may be on it, or past it)


@dataclass
class PacingEvidence:
    """What the two tests found, as counts (`morphology.describe` words them)."""

    assessable: bool
    paced: bool
    beat_share: float  # share of beats with pacing evidence (either test)
    n_beats: int  # beats judged
    reason: str = ""  # why not assessable
    narrow_share: float = 0.0  # share of beats with a narrow spike (test 1)
    bandlimited_share: float = 0.0  # share of beats with a band-limited artefact (test 2)
    n_paced: int = 0  # beats with evidence (either test)
    n_narrow: int = 0
    n_bandlimited: int = 0
    spike_leads: int = 3  # leads a narrow spike must reach at once
    # per R-peak given: the sample just after the artefact, -1 where none was found; a paced QRS starts there
    stimulus_end: np.ndarray | None = None

    @property
    def qrs_after(self) -> np.ndarray | None:
        """`stimulus_end` where the record is paced, else None: `delineate`'s `paced_after`."""
        return self.stimulus_end if self.paced else None


def _narrow_spikes(x: np.ndarray, fs: float, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Test 1, per beat: a spike a few samples wide on >= 3 leads (all where fewer) at once,
    and the sample after its last flagged instant."""
    pre, post = int(round(PRE_S * fs)), int(round(POST_S * fs))
    idx = r[:, None] + np.arange(-pre, post)[None, :]
    k = max(3, int(round(MEDIAN_S * fs)) | 1)
    residual = np.abs(x - median_filter(x, size=(k, 1), mode="nearest"))
    residual = maximum_filter1d(residual, 3, axis=0)  # one-sample jitter between leads
    seg = x[idx]  # [beats, window, leads]
    size = np.maximum(seg.max(axis=1) - seg.min(axis=1), 0.05)
    sharp = residual[idx] / size[:, None, :] > SPIKE_SHARE
    count = sharp.sum(axis=2)  # [beats, window]: leads with a spike at each instant
    flagged = count >= min(3, x.shape[1])
    # A spike lasts a few samples; sharpness spread over the window is noise, not a pacemaker.
    found = flagged.any(axis=1) & (flagged.sum(axis=1) <= MAX_SPIKE_S * fs)
    return found, r - pre + (flagged.shape[1] - 1 - np.argmax(flagged[:, ::-1], axis=1)) + 1


def _bandlimited_artefacts(x: np.ndarray, fs: float, r: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Test 2, per beat: an isolated sharp deflection from a quiet line, leading a broad QRS,
    and the sample where the artefact is over."""
    n, n_leads = x.shape
    k = max(1, int(round(CURV_STEP_S * fs)))
    curv = np.zeros_like(x)
    curv[k:-k] = np.abs(x[2 * k:] - 2.0 * x[k:-k] + x[:-2 * k])
    step = np.zeros_like(x)
    step[1:] = np.diff(x, axis=0)
    ks = max(1, int(round(0.005 * fs)))
    speed = np.zeros(n)  # spatial slope over ~10 ms, all leads together
    speed[ks:-ks] = np.sqrt(((x[2 * ks:] - x[:-2 * ks]) ** 2).sum(axis=1))

    off = np.arange(lo, hi)
    idx = r[:, None] + off[None, :]
    c = curv[idx]  # [beats, window, leads]
    search = (off >= -int(round(PRE_S * fs))) & (off < int(round(BAND_POST_S * fs)))
    pos = np.argmax(np.where(search[None, :, None], c, -1.0), axis=1)  # [beats, leads]
    peak = np.take_along_axis(c, pos[:, None, :], axis=1)[:, 0, :]
    dist = np.arange(off.size)[None, :, None] - pos[:, None, :]  # samples from the candidate
    e = int(round(ISOLATION_S * fs))
    around = (np.abs(dist) > e) & (dist >= -int(round(QUIET_S * fs))) & (dist <= int(round(LATE_S[1] * fs)))
    isolation = peak / np.maximum(np.where(around, c, 0.0).max(axis=1), 1e-9)
    st = step[idx]
    inside = np.abs(dist) <= e
    up = np.where(inside, st, 0.0).max(axis=1)
    down = np.where(inside, -st, 0.0).max(axis=1)
    own = np.maximum(up, down)
    reverses = np.minimum(up, down) >= REVERSAL_SHARE * own
    before = np.where((dist < -e) & (dist >= -int(round(QUIET_S * fs))), np.abs(st), 0.0).max(axis=1)
    quiet = before <= QUIET_SHARE * own

    # One event on every lead: each lead's candidate at its usual lag from the sharpest lead's.
    ref = int(np.argmax(np.median(isolation, axis=0)))
    lag = pos - pos[:, ref:ref + 1]
    usual = np.median(lag, axis=0)
    same_event = (np.abs(lag - usual[None, :]) <= round(LAG_TOL_S * fs)) & (np.abs(usual) <= MAX_LAG_S * fs)[None, :]
    leads_ok = ((isolation >= MIN_ISOLATION) & reverses & quiet & same_event).sum(axis=1)

    # A paced QRS is broad: still moving 60-120 ms after the artefact.
    at = pos[:, ref]
    d = np.arange(off.size)[None, :] - at[:, None]
    v = speed[idx]  # [beats, window]
    qrs = np.where((np.abs(d) > e) & (np.abs(d) <= int(round(QRS_HALF_S * fs))), v, 0.0).max(axis=1)
    late = np.where((d >= int(round(LATE_S[0] * fs))) & (d <= int(round(LATE_S[1] * fs))), v, 0.0).max(axis=1)
    broad = late >= LATE_SHARE * np.maximum(qrs, 1e-9)

    need = int(np.ceil(n_leads / 2))
    found = (leads_ok >= need) & (isolation.max(axis=1) >= MIN_ISOLATION_BEST) & broad
    return found, r + lo + at + e + 1


def detect_pacing(signal: np.ndarray, fs: float, rpeaks: np.ndarray) -> PacingEvidence:
    """Whether the beats around `rpeaks` carry pacemaker artefacts (signal raw mV [n, leads])."""
    x = np.asarray(signal, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    x = np.nan_to_num(x)
    if fs < MIN_FS:
        return PacingEvidence(False, False, 0.0, 0, f"{fs:g} Hz is too slow to see pacing spikes")
    r = np.asarray(rpeaks, np.int64)
    judged = (r - int(round(PRE_S * fs)) >= 0) & (r + int(round(POST_S * fs)) < x.shape[0])
    r = r[judged]
    if r.size == 0:
        return PacingEvidence(False, False, 0.0, 0, "no complete beat")
    # One window holds both tests: the artefact search, what comes before it and the QRS after;
    # the record's ends are padded flat so that a beat near an end is still judged.
    lo = -int(round((PRE_S + QUIET_S) * fs))
    hi = int(round((BAND_POST_S + LATE_S[1]) * fs)) + 1
    x = np.pad(x, ((-lo, hi), (0, 0)), mode="edge")
    r = r - lo
    narrow, narrow_end = _narrow_spikes(x, fs, r)
    band, band_end = _bandlimited_artefacts(x, fs, r, lo, hi)
    spiked = narrow | band
    ends = np.maximum(np.where(narrow, narrow_end, -1), np.where(band, band_end, -1))
    stimulus_end = np.full(len(rpeaks), -1, np.int64)
    stimulus_end[judged] = np.where(ends >= 0, ends + lo, -1)  # back from the padded record
    share = float(spiked.mean())
    paced = share >= MIN_BEAT_SHARE and int(spiked.sum()) >= MIN_SPIKE_BEATS
    return PacingEvidence(True, paced, share, int(spiked.size), narrow_share=float(narrow.mean()),
                          bandlimited_share=float(band.mean()), stimulus_end=stimulus_end, n_paced=int(spiked.sum()),
                          n_narrow=int(narrow.sum()), n_bandlimited=int(band.sum()), spike_leads=min(3, x.shape[1]))
