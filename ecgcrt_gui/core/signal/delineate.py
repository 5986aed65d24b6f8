"""Global QRS onset and offset per beat, over all leads, and the patient's QRS duration.

Read the leads together, as a cardiologist with calipers does on a 12-lead: each lead is
band-limited (0.5-40 Hz) and differentiated; around each R-peak every lead's |slope| is
scaled from its isoelectric level (0) to its QRS peak (1), and the third-largest value over
the leads (second-largest with 3-5 leads, largest with 1-2) is the beat's QRS activity, so
one or two noisy leads cannot stretch the QRS. The QRS is first bracketed where that activity stays above a
robust threshold, bridging the brief dips at each wave's apex, then each edge walks outward
to where the activity has settled to the isoelectric floor. Every step works on a
[beats x leads x window] array, so a 30-minute record takes well under a second.

Calibration (LUDB, benchmarks/RESULTS.md): the onset falls on the cardiologists' second-earliest
onset mark over the 12 leads, the offset on their third-latest offset mark. Their single earliest
and latest marks (drawn lead by lead) run ~14 ms longer on normal ECGs, beyond the norms of the
automated global QRS on which the guideline thresholds (IVCD > 110 ms, CRT >= 130/150 ms) were set.

One beat read alone jitters by several ms with the noise of its baseline. The dominant beats
share one conduction, so, as a reader measures on a representative complex, each beat that
matches the dominant-beat template (correlation over all leads after aligning it within
+/-40 ms) gets the record's median onset and offset relative to its aligned position; beats
that do not match (ectopic, noisy) keep their own reading.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.ndimage import maximum_filter1d, median_filter
from scipy.signal import butter, sosfiltfilt

BAND_HZ = (0.5, 40.0)
DESPIKE_S = 0.008
PRE_S, POST_S = 0.25, 0.30  # analysis window around R
QRS_HALF_S = 0.06  # each lead's QRS peak slope is sought within R +/- this
ONSET_FRACTION = 0.20  # bracketing threshold on the scaled activity
ONSET_FRACTION_MANY = 0.30  # ... with 6 or more leads, whose combined activity is steadier
OFFSET_FRACTION = 0.20
QUIET_ONSET_S = 0.03  # activity must stay under the threshold this long to count as quiet
QUIET_OFFSET_S = 0.06
MAX_NOISE_RATIO = 0.25  # a lead whose isoelectric / QRS peak slope exceeds this is too noisy
ISO_PERCENTILE = 10.0
SETTLE_S = 0.04  # how far an edge may walk outward from the bracket
SETTLE_ONSET = 0.01  # scaled activity counted as isoelectric at the onset (LUDB: 2nd-earliest mark)
SETTLE_OFFSET = 0.04  # ... at the offset (LUDB: 3rd-latest mark)
MIN_BEATS = 3
MIN_USED_SHARE = 0.3  # fewer clean beats than this share of the dominant ones: too noisy to measure
ALIGN_S = 0.04  # how far a beat may move to line up with the template (R may sit on either notch)
TEMPLATE_HALF_S = 0.08  # template: R +/- this, all leads
MIN_MATCH = 0.9  # correlation with the template for a beat to count as the dominant shape
OUTLIER_MS = 30.0  # beats whose duration differs from the median by more are outliers
MIN_QRS_S, MAX_QRS_S = 0.04, 0.26


@dataclass
class Delineation:
    """QRS onset/offset sample indices per R-peak (-1 where not found) and the patient's QRS."""

    onsets: np.ndarray
    offsets: np.ndarray
    qrs_duration_ms: float | None
    n_used: int
    n_excluded: int
    warnings: list[str] = field(default_factory=list)
    used: np.ndarray | None = None  # bool per R-peak: beat entered the median

    def durations_ms(self, fs: float) -> np.ndarray:
        """QRS duration per beat in ms, NaN where onset or offset is missing."""
        ok = (self.onsets >= 0) & (self.offsets >= 0)
        return np.where(ok, (self.offsets - self.onsets) * 1000.0 / fs, np.nan)


def band_limit(signal: np.ndarray, fs: float) -> np.ndarray:
    """Zero-phase 0.5-40 Hz band-pass of each lead, [n, leads] float64 mV, after a short
    running median that takes out pacemaker spikes (the QRS begins after the spike)."""
    x = np.asarray(signal, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    x = np.nan_to_num(x)
    k = int(round(DESPIKE_S * fs)) | 1
    if k >= 3:
        x = median_filter(x, size=(k, 1), mode="nearest")
    high = min(BAND_HZ[1], 0.45 * fs)
    sos = butter(2, [BAND_HZ[0], high], btype="bandpass", fs=fs, output="sos")
    return sosfiltfilt(sos, x, axis=0, padlen=min(x.shape[0] - 1, 3 * int(fs)))


def _windows(slopes: np.ndarray, rpeaks: np.ndarray, fs: float) -> tuple[np.ndarray, np.ndarray, int]:
    """[beats x leads x window] slopes around each R (NaN off the record and beyond mid-RR,
    so a neighbouring QRS cannot be taken for this one), the window's sample indices, and
    the column of R."""
    n = slopes.shape[0]
    pre, post = int(round(PRE_S * fs)), int(round(POST_S * fs))
    rel = np.arange(-pre, post + 1)
    idx = rpeaks[:, None] + rel[None, :]
    gap_prev = np.diff(rpeaks, prepend=rpeaks[0] - 10 * pre)
    gap_next = np.diff(rpeaks, append=rpeaks[-1] + 10 * post)
    valid = (idx >= 0) & (idx < n) & (rel >= -(gap_prev[:, None] // 2)) & (rel <= gap_next[:, None] // 2)
    win = slopes[np.clip(idx, 0, n - 1)].transpose(0, 2, 1)
    win = np.where(valid[:, None, :], win, np.nan)
    return win, idx, pre


def _activity(win: np.ndarray, r_col: int, fs: float) -> tuple[np.ndarray, np.ndarray]:
    """Per beat, the QRS activity over leads (each lead's slope scaled from its isoelectric
    level 0 to its QRS peak 1, then the k-th largest over leads so that one noisy lead cannot
    stretch the QRS), and whether any lead was clean enough to use."""
    half = max(1, int(round(QRS_HALF_S * fs)))
    with warnings.catch_warnings():  # beats at the record's edge have all-NaN leads: NaN is right
        warnings.simplefilter("ignore", RuntimeWarning)
        peak = np.nanmax(win[:, :, r_col - half : r_col + half + 1], axis=2, keepdims=True)
        iso = np.nanpercentile(win, ISO_PERCENTILE, axis=2, keepdims=True)
    clean = iso < MAX_NOISE_RATIO * peak
    scaled = np.where(clean, (win - iso) / np.maximum(peak - iso, 1e-12), 0.0)
    n_leads = win.shape[1]
    k = 1 if n_leads < 3 else 2 if n_leads < 6 else 3
    combined = np.sort(np.nan_to_num(scaled, nan=0.0), axis=1)[:, n_leads - k, :]
    return combined, clean[:, :, 0].sum(axis=1) >= k


def _settle(activity: np.ndarray, start: np.ndarray, step: int, level: float, fs: float) -> np.ndarray:
    """From the threshold crossing `start`, walk outwards (step -1: earlier, +1: later) up to
    SETTLE_S to where the activity has settled to the isoelectric floor: the nearest column at
    or under `level`, or the quietest column of that reach where none is."""
    reach = max(1, int(round(SETTLE_S * fs)))
    width = activity.shape[1]
    cols = np.clip(start[:, None] + step * np.arange(reach + 1)[None, :], 0, width - 1)
    seg = np.take_along_axis(activity, cols, axis=1)
    settled = seg <= level
    first = np.where(settled.any(axis=1), np.argmax(settled, axis=1), np.argmin(seg, axis=1))
    return cols[np.arange(cols.shape[0]), first]


def _beat_bounds(
    slopes: np.ndarray, rpeaks: np.ndarray, fs: float, paced_after: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Onset and offset sample per beat; -1 where not measurable. A paced beat's QRS is read
    from the end of its pacemaker artefact (`paced_after`, -1 where none)."""
    win, idx, r_col = _windows(slopes, rpeaks, fs)
    activity, measurable = _activity(win, r_col, fs)
    n_beats, width = activity.shape
    if paced_after is not None:
        # The artefact's filtered echo would otherwise be read as the start of the QRS.
        stim_col = np.where(paced_after >= 0, paced_after - idx[:, 0], -1)
        activity = np.where(np.arange(width)[None, :] < stim_col[:, None], 0.0, activity)
    q_on = max(2, int(round(QUIET_ONSET_S * fs)))
    q_off = max(2, int(round(QUIET_OFFSET_S * fs)))
    # max over the q samples ending at i (onset side) / starting at i (offset side)
    back_max = maximum_filter1d(activity, q_on, axis=1, origin=(q_on - 1) // 2, mode="nearest")
    fwd_max = maximum_filter1d(activity, q_off, axis=1, origin=-(q_off // 2), mode="nearest")
    cols = np.arange(width)[None, :]
    onset_fraction = ONSET_FRACTION_MANY if slopes.shape[1] >= 6 else ONSET_FRACTION
    before = (back_max < onset_fraction) & (cols < r_col)
    after = (fwd_max < OFFSET_FRACTION) & (cols > r_col)
    on_col = _settle(activity, width - 1 - np.argmax(before[:, ::-1], axis=1), -1, SETTLE_ONSET, fs)
    off_col = _settle(activity, np.argmax(after, axis=1), +1, SETTLE_OFFSET, fs)
    if paced_after is not None:
        on_col = np.maximum(on_col, np.minimum(stim_col, r_col))
    rows = np.arange(n_beats)
    onsets, offsets = idx[rows, on_col], idx[rows, off_col]
    dur = (off_col - on_col) / fs
    ok = (
        measurable
        & before.any(axis=1)
        & after.any(axis=1)
        & (dur >= MIN_QRS_S)
        & (dur <= MAX_QRS_S)
        & (onsets >= 0)
        & (offsets < slopes.shape[0])
    )
    return np.where(ok, onsets, -1).astype(np.int64), np.where(ok, offsets, -1).astype(np.int64)


def _align_to_template(
    filtered: np.ndarray, rpeaks: np.ndarray, candidates: np.ndarray, fs: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per beat, the shift (samples) that best lines it up with the median QRS of the candidate
    beats, and whether it then matches that template (correlation >= MIN_MATCH); twice, the
    second time with the template of the aligned, matching beats."""
    n = filtered.shape[0]
    reach = max(1, int(round(ALIGN_S * fs)))
    rel = np.arange(-int(round(TEMPLATE_HALF_S * fs)), int(round(TEMPLATE_HALF_S * fs)) + 1)
    inside = (rpeaks + rel[0] - reach >= 0) & (rpeaks + rel[-1] + reach < n)
    shift = np.zeros(rpeaks.size, np.int64)
    match = np.zeros(rpeaks.size, bool)
    members = candidates & inside
    x = filtered.astype(np.float32)
    for _ in range(2):
        if members.sum() < MIN_BEATS:
            return shift, np.zeros(rpeaks.size, bool)
        template = np.median(x[(rpeaks[members] + shift[members])[:, None] + rel], axis=0)
        template -= template.mean(axis=0)
        template /= max(float(np.sqrt((template**2).sum())), 1e-12)
        best = np.full(rpeaks.size, -np.inf, np.float32)
        beats = np.flatnonzero(inside)
        for s in range(-reach, reach + 1):
            seg = x[(rpeaks[beats] + s)[:, None] + rel]
            seg -= seg.mean(axis=1, keepdims=True)
            corr = (seg * template).sum(axis=(1, 2)) / np.maximum(np.sqrt((seg**2).sum(axis=(1, 2))), 1e-12)
            better = corr > best[beats]
            best[beats[better]] = corr[better]
            shift[beats[better]] = s
        match = best >= MIN_MATCH
        members = candidates & match
    return shift, match


def _consistent(
    onsets: np.ndarray, offsets: np.ndarray, rpeaks: np.ndarray, shift: np.ndarray, match: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Beats matching the template take the record's median onset/offset relative to their
    aligned position; the others keep their own."""
    anchor = rpeaks + shift
    read = match & (onsets >= 0)
    if read.sum() < MIN_BEATS:
        return onsets, offsets
    on_rel = int(round(np.median(onsets[read] - anchor[read])))
    off_rel = int(round(np.median(offsets[read] - anchor[read])))
    return np.where(match, anchor + on_rel, onsets), np.where(match, anchor + off_rel, offsets)


def delineate(
    signal: np.ndarray,
    fs: float,
    rpeaks: np.ndarray,
    exclude: np.ndarray | None = None,
    paced_after: np.ndarray | None = None,
) -> Delineation:
    """QRS onset/offset per R-peak over all leads of `signal` (raw mV, [n] or [n, leads]) and
    the patient's QRS duration: the median over dominant beats (not in `exclude`, not outliers).
    `paced_after`: per R-peak, the sample just after a pacemaker artefact (-1: none), as
    `morphology_pacing.detect_pacing` finds it; the QRS is not read before it."""
    rpeaks = np.asarray(rpeaks, dtype=np.int64)
    n = rpeaks.size
    exclude = np.zeros(n, bool) if exclude is None else np.asarray(exclude, bool)
    if exclude.shape != (n,):
        raise ValueError("exclude must be one flag per R-peak")
    if paced_after is not None and np.shape(paced_after) != (n,):
        raise ValueError("paced_after must be one sample index per R-peak")
    notes: list[str] = []
    if n == 0:
        empty = np.empty(0, np.int64)
        msg = "QRS duration not measured: no beats were detected."
        return Delineation(empty, empty.copy(), None, 0, 0, [msg], np.zeros(0, bool))
    filtered = band_limit(signal, fs)
    onsets, offsets = _beat_bounds(np.abs(np.gradient(filtered, axis=0)), rpeaks, fs, paced_after)
    shift, match = _align_to_template(filtered, rpeaks, ~exclude & (onsets >= 0), fs)
    onsets, offsets = _consistent(onsets, offsets, rpeaks, shift, match)
    outside = (onsets < 0) | (offsets >= filtered.shape[0])
    onsets, offsets = np.where(outside, -1, onsets), np.where(outside, -1, offsets)
    dur = np.where(onsets >= 0, (offsets - onsets) * 1000.0 / fs, np.nan)
    candidates = ~exclude & ~np.isnan(dur)
    used = candidates.copy()
    if candidates.any():
        centre = np.median(dur[candidates])
        used &= np.abs(dur - centre) <= OUTLIER_MS
    n_used = int(used.sum())
    n_excluded = int(exclude.sum())
    n_unmeasured = int((~exclude & np.isnan(dur)).sum())
    if n_unmeasured:
        notes.append(f"QRS not delineated in {n_unmeasured} of {n - n_excluded} beats (noise or no quiet baseline).")
    n_dominant = n - n_excluded
    if n_used < MIN_BEATS or n_used < MIN_USED_SHARE * n_dominant:
        notes.append(
            f"QRS duration not measured: only {n_used} of {n_dominant} dominant beats could be delineated cleanly "
            f"(at least {MIN_BEATS} and {MIN_USED_SHARE:.0%} are needed)."
        )
        return Delineation(onsets, offsets, None, n_used, n_excluded, notes, used)
    return Delineation(onsets, offsets, float(np.median(dur[used])), n_used, n_excluded, notes, used)
