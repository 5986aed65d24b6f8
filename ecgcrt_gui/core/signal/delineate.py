"""Global QRS onset and offset per beat, over all leads, and the patient's QRS duration.

Each lead is band-limited (0.5-40 Hz), resampled to WORK_FS and differentiated; around each
R-peak every lead's |slope| is scaled from its isoelectric level (0) to its QRS peak (1). The QRS
is bracketed where the third most active clean lead (second of 3-5, the most active of 1-2) stays
above a threshold (bridging the brief dips at each wave's apex). Within the bracket each lead is
read from the outside in: its QRS begins where its scaled slope first reaches `lead_fraction`,
walked outward to where it has settled on the isoelectric floor (found to a fraction of a sample),
and ends likewise. The global onset is the edge that `lead_rank` leads show: between the two
leads' edges on a two-lead Holter, the 3rd-earliest lead onset (and 3rd-latest offset) on a
12-lead, so that one or two noisy leads cannot stretch the QRS. Every step works on
[beats x leads x window] arrays.

Why per lead and by rank (issue 16). The rule before combined the leads instant by instant (the
third-largest slope of 12, the largest of 2). On 2-lead Holter records (the QT Database) that
reads the union of the two leads' QRS, ~20 ms longer than the cardiologist who marks one onset
and one offset with both leads in view: the marks fall between the earlier and the later lead's
edge. On LUDB, whose cardiologists marked each lead on its own, the references are ranks of
per-lead marks (benchmarks/qrs_marks.py). Reading each lead and ranking the edges is one
rule for both. Read at the record's own rate, an edge also moved with fs (250 Hz read ~3 ms
longer than 500 Hz, 1000 Hz ~2 ms shorter): whether a sample falls on a brief dip of |slope| on
the baseline decides where the walk stops; hence one working rate. The lead rank, the lead
fraction and the settle levels (`Tuning`) were chosen by 5-fold cross-validation by record over
LUDB (200 records, against its 3-lead reference) and the QT Database development subset (35
records, q1c marks) together, both databases weighted alike (benchmarks/delineation_cv.py).

One beat read alone jitters by several ms with the noise of its baseline. The dominant beats
share one conduction, so, as a reader measures on a representative complex, each beat that
matches the dominant-beat template (correlation over all leads after aligning it within
+/-40 ms) gets the record's median onset and offset relative to its aligned position; beats
that do not match (ectopic, noisy) keep their own reading. Each beat's own reading is kept too:
their interquartile range over the dominant beats is the spread reported beside the duration.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from scipy.ndimage import maximum_filter1d, median_filter
from scipy.signal import butter, resample_poly, sosfiltfilt

BAND_HZ = (0.5, 40.0)
WORK_FS = 500.0  # every record is read at this rate (resampled after band-limiting)
DESPIKE_S = 0.008
PRE_S, POST_S = 0.25, 0.30  # analysis window around R
QRS_HALF_S = 0.06  # each lead's QRS peak slope is sought within R +/- this
ONSET_FRACTION = 0.20  # bracketing threshold on the scaled activity
OFFSET_FRACTION = 0.20
QUIET_ONSET_S = 0.03  # activity must stay under the threshold this long to count as quiet
QUIET_OFFSET_S = 0.06
MAX_NOISE_RATIO = 0.25  # a lead whose isoelectric / QRS peak slope exceeds this is too noisy
ISO_PERCENTILE = 10.0
SETTLE_S = 0.04  # how far an edge may walk outward from the bracket
MIN_BEATS = 3
MIN_USED_SHARE = 0.3  # fewer clean beats than this share of the dominant ones: too noisy to measure
ALIGN_S = 0.04  # how far a beat may move to line up with the template (R may sit on either notch)
TEMPLATE_HALF_S = 0.08  # template: R +/- this, all leads
MIN_MATCH = 0.9  # correlation with the template for a beat to count as the dominant shape
OUTLIER_MS = 30.0  # beats whose duration differs from the median by more are outliers
MIN_QRS_S, MAX_QRS_S = 0.04, 0.26


@dataclass(frozen=True)
class Tuning:
    """The parameters chosen by cross-validation by record over LUDB and the QT Database subset
    (benchmarks/delineation_cv.py, its record in benchmarks/delineation_cv.json)."""

    lead_fraction: float = 0.10  # a lead takes part in the QRS where its scaled slope reaches this
    lead_rank: tuple[float, float] = (1.5, 3.0)  # an edge counts where this many leads show it, of two and of twelve
    settle_onset: float = 0.0025  # a lead's scaled slope counted as settled on the isoelectric floor, at the onset
    settle_offset: float = 0.03  # ... at the offset


TUNING = Tuning()


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
    beat_ms: np.ndarray | None = None  # each beat's QRS duration read on its own (NaN: not read)
    spread_ms: tuple[float, float] | None = None  # IQR of beat_ms over the beats in the median

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


def _scaled(win: np.ndarray, r_col: int, fs: float) -> tuple[np.ndarray, np.ndarray]:
    """Each lead's activity: its |slope| scaled from its isoelectric level (ISO_PERCENTILE of the
    window: 0) to its QRS peak (1); and whether the lead is clean enough to read (its isoelectric
    slope small against its QRS slope)."""
    half = max(1, int(round(QRS_HALF_S * fs)))
    with warnings.catch_warnings():  # beats at the record's edge have all-NaN leads: NaN is right
        warnings.simplefilter("ignore", RuntimeWarning)
        peak = np.nanmax(win[:, :, r_col - half : r_col + half + 1], axis=2, keepdims=True)
        iso = np.nanpercentile(win, ISO_PERCENTILE, axis=2, keepdims=True)
    clean = iso < MAX_NOISE_RATIO * peak  # False where NaN too
    scaled = np.where(clean, np.nan_to_num((win - iso) / np.maximum(peak - iso, 1e-12), nan=0.0), 0.0)
    return scaled, clean[:, :, 0]


def lead_rank(n_leads: int, tuning: Tuning = TUNING) -> float:
    """How many of `n_leads` leads must show an edge for it to count (fractional: between two
    leads' edges): lead_rank[0] of two leads, lead_rank[1] of twelve, linear in between."""
    if n_leads <= 1:
        return 1.0
    two, twelve = tuning.lead_rank
    return float(min(n_leads, max(1.0, two + (twelve - two) * (n_leads - 2) / 10.0)))


def _ranked(edges: np.ndarray, shows: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Per row, the value at fractional `rank` (1 = smallest) among the shown entries."""
    ordered = np.sort(np.where(shows, edges, np.inf), axis=1)
    lo = np.clip(np.floor(rank).astype(np.int64) - 1, 0, edges.shape[1] - 1)
    hi = np.clip(lo + 1, 0, np.maximum(shows.sum(axis=1) - 1, 0))
    rows = np.arange(edges.shape[0])
    a, b = ordered[rows, lo], ordered[rows, hi]
    a = np.where(np.isfinite(a), a, 0.0)  # no lead shown: not measurable, the caller masks it
    b = np.where(np.isfinite(b), b, a)
    return a + (rank - np.floor(rank)) * (b - a)


def _settle(activity: np.ndarray, start: np.ndarray, step: int, level: float, fs: float) -> np.ndarray:
    """From column `start`, walk outwards (step -1: earlier, +1: later) up to SETTLE_S to where the
    activity has settled to the isoelectric floor: where it falls to `level` (to a fraction of a
    sample), or the quietest column of that reach where it never does. Fractional columns."""
    reach = max(1, int(round(SETTLE_S * fs)))
    width = activity.shape[1]
    cols = np.clip(start[:, None] + step * np.arange(reach + 1)[None, :], 0, width - 1)
    seg = np.take_along_axis(activity, cols, axis=1)
    settled = seg <= level
    rows = np.arange(cols.shape[0])
    first = np.argmax(settled, axis=1)
    found = settled.any(axis=1) & (first > 0)
    inner = seg[rows, np.maximum(first - 1, 0)]  # the column before, still above level
    part = np.clip((inner - level) / np.maximum(inner - seg[rows, first], 1e-12), 0.0, 1.0)
    steps = np.where(found, first - 1 + part, np.where(settled.any(axis=1), 0.0, np.argmin(seg, axis=1)))
    return start + step * steps


@dataclass
class _Windows:
    """The beats' windows at the working rate, as every tuning reads them: each lead's scaled activity
    (nothing before a pacemaker artefact's end), which leads are clean, and the bracket of each QRS."""

    activity: np.ndarray  # [beats x leads x window]
    clean: np.ndarray  # [beats x leads]
    start: np.ndarray  # sample index of each window's first column
    r_col: int
    stim_col: np.ndarray  # column just after the artefact, -1 where none
    paced: bool
    g_on: np.ndarray  # bracket, columns
    g_off: np.ndarray
    bracketed: np.ndarray  # a quiet stretch found on both sides
    fs: float
    n_samples: int


def _windows_of(slopes: np.ndarray, rpeaks: np.ndarray, fs: float, paced_after: np.ndarray | None) -> _Windows:
    """The beats' scaled activity and their brackets. A paced beat's QRS is read from the end of its
    pacemaker artefact (`paced_after`, -1 where none)."""
    win, idx, r_col = _windows(slopes, rpeaks, fs)
    activity, clean = _scaled(win, r_col, fs)
    n_beats, _, width = activity.shape
    cols = np.arange(width)[None, :]
    stim_col = np.full(n_beats, -1)
    if paced_after is not None:
        # The artefact's filtered echo would otherwise be read as the start of the QRS.
        stim_col = np.where(paced_after >= 0, paced_after - idx[:, 0], -1)
        activity = np.where((cols < stim_col[:, None])[:, None, :], 0.0, activity)
    # the bracket: where the k-th most active clean lead is moving (the 3rd of 6 or more, the 2nd of
    # 3-5, the most active of 1-2), so that one or two leads' steep T waves or noise cannot hold it open
    n_clean = clean.sum(axis=1)
    k = np.where(n_clean >= 6, 3, np.where(n_clean >= 3, 2, 1))
    ordered = -np.sort(-np.where(clean[:, :, None], activity, 0.0), axis=1)
    bracket = np.take_along_axis(ordered, np.maximum(k - 1, 0)[:, None, None], axis=1)[:, 0, :]
    q_on = max(2, int(round(QUIET_ONSET_S * fs)))
    q_off = max(2, int(round(QUIET_OFFSET_S * fs)))
    # max over the q samples ending at i (onset side) / starting at i (offset side)
    back_max = maximum_filter1d(bracket, q_on, axis=1, origin=(q_on - 1) // 2, mode="nearest")
    fwd_max = maximum_filter1d(bracket, q_off, axis=1, origin=-(q_off // 2), mode="nearest")
    before = (back_max < ONSET_FRACTION) & (cols < r_col)
    after = (fwd_max < OFFSET_FRACTION) & (cols > r_col)
    return _Windows(
        activity, clean, idx[:, 0], r_col, stim_col, paced_after is not None,
        g_on=width - 1 - np.argmax(before[:, ::-1], axis=1), g_off=np.argmax(after, axis=1),
        bracketed=before.any(axis=1) & after.any(axis=1), fs=fs, n_samples=slopes.shape[0],
    )


def _beat_bounds(w: _Windows, tuning: Tuning) -> tuple[np.ndarray, np.ndarray]:
    """Onset and offset per beat, in fractional samples; NaN where not measurable."""
    activity, clean, fs, r_col = w.activity, w.clean, w.fs, w.r_col
    n_beats, n_leads, width = activity.shape
    cols = np.arange(width)[None, :]
    # each lead, read from the outside in within the bracket: where it first / last moves
    inside = (cols > w.g_on[:, None]) & (cols < w.g_off[:, None])
    moving = inside[:, None, :] & (activity >= tuning.lead_fraction) & clean[:, :, None]
    shows = moving.any(axis=2)
    first = np.argmax(moving, axis=2).ravel()
    last = width - 1 - np.argmax(moving[:, :, ::-1], axis=2).ravel()
    flat = activity.reshape(n_beats * n_leads, width)
    lead_on = _settle(flat, first, -1, tuning.settle_onset, fs).reshape(n_beats, n_leads)
    lead_off = _settle(flat, last, +1, tuning.settle_offset, fs).reshape(n_beats, n_leads)
    n_shown = shows.sum(axis=1)
    rank = np.array([lead_rank(m, tuning) for m in range(n_leads + 1)])[n_shown]
    on_col = _ranked(lead_on, shows, rank)
    off_col = -_ranked(-lead_off, shows, rank)
    measurable = n_shown >= 1
    on_col, off_col = np.where(measurable, on_col, 0.0), np.where(measurable, off_col, 0.0)
    if w.paced:
        on_col = np.maximum(on_col, np.minimum(w.stim_col, r_col))
    onsets, offsets = w.start + on_col, w.start + off_col
    dur = (off_col - on_col) / fs
    ok = (
        measurable
        & w.bracketed
        & (dur >= MIN_QRS_S)
        & (dur <= MAX_QRS_S)
        & (onsets >= 0)
        & (offsets <= w.n_samples - 1)
    )
    return np.where(ok, onsets, np.nan), np.where(ok, offsets, np.nan)


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


def _work_ratio(fs: float) -> tuple[int, int]:
    """(up, down): the resampling that takes `fs` to WORK_FS (to within a small fraction)."""
    ratio = Fraction(WORK_FS / fs).limit_denominator(64)
    return ratio.numerator, ratio.denominator


def _consistent(
    onsets: np.ndarray, offsets: np.ndarray, rpeaks: np.ndarray, shift: np.ndarray, match: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Beats matching the template take the record's median onset/offset relative to their
    aligned position; the others keep their own."""
    anchor = rpeaks + shift
    read = match & ~np.isnan(onsets)
    if read.sum() < MIN_BEATS:
        return onsets, offsets
    on_rel = float(np.median(onsets[read] - anchor[read]))
    off_rel = float(np.median(offsets[read] - anchor[read]))
    return np.where(match, anchor + on_rel, onsets), np.where(match, anchor + off_rel, offsets)


def delineate(
    signal: np.ndarray,
    fs: float,
    rpeaks: np.ndarray,
    exclude: np.ndarray | None = None,
    paced_after: np.ndarray | None = None,
    tuning: Tuning = TUNING,
) -> Delineation:
    """QRS onset/offset per R-peak over all leads of `signal` (raw mV, [n] or [n, leads]) and
    the patient's QRS duration: the median over dominant beats (not in `exclude`, not outliers).
    `paced_after`: per R-peak, the sample just after a pacemaker artefact (-1: none), as
    `morphology_pacing.detect_pacing` finds it; the QRS is not read before it. `tuning`: the
    cross-validated parameters (others only to cross-validate them)."""
    return delineate_each(signal, fs, rpeaks, (tuning,), exclude, paced_after)[0]


def delineate_each(
    signal: np.ndarray,
    fs: float,
    rpeaks: np.ndarray,
    tunings: tuple[Tuning, ...],
    exclude: np.ndarray | None = None,
    paced_after: np.ndarray | None = None,
) -> list[Delineation]:
    """`delineate` with each of `tunings`, the record filtered and its beats scaled once: what the
    cross-validation of `Tuning` runs (benchmarks/delineation_cv.py)."""
    rpeaks = np.asarray(rpeaks, dtype=np.int64)
    n = rpeaks.size
    exclude = np.zeros(n, bool) if exclude is None else np.asarray(exclude, bool)
    if exclude.shape != (n,):
        raise ValueError("exclude must be one flag per R-peak")
    if paced_after is not None and np.shape(paced_after) != (n,):
        raise ValueError("paced_after must be one sample index per R-peak")
    if n == 0:
        empty = np.empty(0, np.int64)
        msg = "QRS duration not measured: no beats were detected."
        return [Delineation(empty, empty.copy(), None, 0, 0, [msg], np.zeros(0, bool)) for _ in tunings]
    filtered = band_limit(signal, fs)
    # Read at one rate: an edge is where the activity falls to a level, and whether a sample lands
    # on a brief dip at the baseline (the slope passing 0 on a wiggle) would otherwise depend on fs.
    up, down = _work_ratio(fs)
    scale = up / down
    work = filtered if up == down else resample_poly(filtered, up, down, axis=0)
    peaks = np.clip(np.round(rpeaks * scale).astype(np.int64), 0, work.shape[0] - 1)
    stim = None if paced_after is None else np.where(np.asarray(paced_after) >= 0, np.round(np.asarray(paced_after) * scale), -1)
    windows = _windows_of(np.abs(np.gradient(work, axis=0)), peaks, fs * scale, stim)
    aligned: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}  # the alignment depends on the tuning only through its beats
    out = []
    for tuning in tunings:
        own_on, own_off = _beat_bounds(windows, tuning)
        members = ~exclude & ~np.isnan(own_on)
        if members.tobytes() not in aligned:
            aligned[members.tobytes()] = _align_to_template(work, peaks, members, fs * scale)
        shift, match = aligned[members.tobytes()]
        onsets, offsets = _consistent(own_on, own_off, peaks, shift, match)
        out.append(_summary(onsets / scale, offsets / scale, own_on / scale, own_off / scale, exclude, fs, filtered.shape[0]))
    return out


def _summary(
    onsets: np.ndarray, offsets: np.ndarray, own_on: np.ndarray, own_off: np.ndarray, exclude: np.ndarray, fs: float,
    n_samples: int,
) -> Delineation:
    """The Delineation of fractional onsets and offsets (each beat's own reading beside): the median
    over the dominant beats that are not outliers, its spread, and what could not be measured."""
    n = onsets.size
    notes: list[str] = []
    outside = np.isnan(onsets) | (onsets < 0) | (offsets > n_samples - 1)
    onsets, offsets = np.where(outside, np.nan, onsets), np.where(outside, np.nan, offsets)
    dur = (offsets - onsets) * 1000.0 / fs
    own = (own_off - own_on) * 1000.0 / fs  # each beat read alone: the spread behind the median
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
    on_idx = np.where(np.isnan(onsets), -1, np.round(np.nan_to_num(onsets))).astype(np.int64)
    off_idx = np.where(np.isnan(offsets), -1, np.round(np.nan_to_num(offsets))).astype(np.int64)
    n_dominant = n - n_excluded
    if n_used < MIN_BEATS or n_used < MIN_USED_SHARE * n_dominant:
        notes.append(
            f"QRS duration not measured: only {n_used} of {n_dominant} dominant beats could be delineated cleanly "
            f"(at least {MIN_BEATS} and {MIN_USED_SHARE:.0%} are needed)."
        )
        return Delineation(on_idx, off_idx, None, n_used, n_excluded, notes, used, own)
    # the spread: each dominant beat read on its own, leaving out readings that failed outright
    # (off the median by more than OUTLIER_MS, as for the beats that enter the median)
    own_used = own[used & ~np.isnan(own)]
    own_used = own_used[np.abs(own_used - np.median(dur[used])) <= OUTLIER_MS]
    spread = tuple(float(v) for v in np.percentile(own_used, (25, 75))) if own_used.size >= MIN_BEATS else None
    return Delineation(on_idx, off_idx, float(np.median(dur[used])), n_used, n_excluded, notes, used, own, spread)
