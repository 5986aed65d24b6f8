"""One lead's QRS on its median beat, read as waves: lobes (q/r/s/R'), notches, slurs, R-peak time.

Everything here works on a single lead's median beat (mV, band-limited, baseline at 0 at the
QRS onset) between the global QRS onset and offset, so the criteria in `morphology_criteria`
read like the textbook definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.signal import find_peaks

LOBE_MIN_MV = 0.05  # a deflection smaller than this (or 5 % of the QRS) is not a wave
NOTCH_MIN_MV = 0.06  # reversal of at least this inside a wave is a notch
SLUR_RATIO = 0.5  # slope sagging under this share of the limb's steepest, then picking up, is a slur
EDGE_S = 0.01  # a wave whose summit lies this close to the QRS offset is the ST level
ST_PLATEAU_SHARE = 0.6  # ... as is a last positive wave still this high at the offset (no return: a plateau)
SLUR_MIN_MV = 0.15  # a slur is looked for only on limbs that travel at least this far
SLUR_RECOVERY = 1.5  # the slope must pick up again by this factor on both sides of the sag
SLUR_TAIL_MV = 0.05  # ... with at least this much of the limb on either side


@dataclass
class Lobe:
    """One wave: a run of the QRS on one side of the baseline."""

    sign: int  # +1 positive (R/r), -1 negative (Q/S)
    start: int  # samples from QRS onset
    end: int
    peak: int
    amplitude: float  # mV, positive

    def width_ms(self, fs: float) -> float:
        return (self.end - self.start + 1) * 1000.0 / fs


@dataclass
class LeadQrs:
    """The features of one lead's QRS that the BBB criteria read."""

    lead: str
    fs: float
    lobes: list[Lobe]
    notches_ms: list[float] = field(default_factory=list)  # where, ms from QRS onset
    slurs_ms: list[float] = field(default_factory=list)
    r_peak_time_ms: float | None = None  # onset to the peak of the last positive wave
    net_mv: float = 0.0  # max positive + min negative deflection
    st_t_mv: float = 0.0  # mean level of ST-T after the QRS

    @property
    def pattern(self) -> str:
        """Wave sequence, e.g. 'rS', 'QS', 'qR', 'rsR'', 'R'."""
        if not self.lobes:
            return "flat"
        big = max(lobe.amplitude for lobe in self.lobes)
        names = []
        pos_seen = 0
        for lobe in self.lobes:
            if lobe.sign > 0:
                letter = "r" if lobe.amplitude < 0.5 * big else "R"
                names.append(letter + "'" * pos_seen)
                pos_seen += 1
            elif pos_seen == 0:
                names.append("q" if lobe.amplitude < 0.5 * big else "Q")
            else:
                names.append("s" if lobe.amplitude < 0.5 * big else "S")
        if len(self.lobes) == 1 and self.lobes[0].sign < 0:
            return "QS"
        return "".join(names)

    def positive(self) -> list[Lobe]:
        return [lobe for lobe in self.lobes if lobe.sign > 0]

    def negative(self) -> list[Lobe]:
        return [lobe for lobe in self.lobes if lobe.sign < 0]


def _lobes(x: np.ndarray, fs: float) -> list[Lobe]:
    """Significant runs of one sign; runs too small to be a wave are dropped, and the
    neighbours they separated merged. A last positive run still climbing at the QRS offset, or
    levelling off high without coming back, is the ST segment's level (e.g. the discordant ST
    elevation of V1 in LBBB, where the global offset is set by later leads), not an R'."""
    floor = max(LOBE_MIN_MV, 0.05 * float(np.max(np.abs(x))) if x.size else 0.0)
    sign = np.sign(x).astype(int)
    edges = np.flatnonzero(np.diff(sign)) + 1
    bounds = np.concatenate([[0], edges, [x.size]])
    runs = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        s = sign[a]
        if s == 0:
            continue
        seg = np.abs(x[a:b])
        if seg.max() >= floor:
            runs.append(Lobe(int(s), int(a), int(b - 1), int(a + np.argmax(seg)), float(seg.max())))
    merged: list[Lobe] = []
    for lobe in runs:
        if merged and merged[-1].sign == lobe.sign:
            prev = merged[-1]
            best = prev if prev.amplitude >= lobe.amplitude else lobe
            merged[-1] = Lobe(prev.sign, prev.start, lobe.end, best.peak, best.amplitude)
        else:
            merged.append(lobe)
    edge = int(EDGE_S * fs)
    last = merged[-1] if len(merged) > 1 else None
    if last is not None and (
        last.peak >= x.size - 1 - edge or (last.sign > 0 and x[-1] >= ST_PLATEAU_SHARE * last.amplitude)
    ):
        merged.pop()
    return merged


def _notches(x: np.ndarray, lobes: list[Lobe]) -> list[int]:
    """Reversals of at least NOTCH_MIN_MV inside a wave (not at a wave's own summit)."""
    summits = {lobe.peak for lobe in lobes}
    found = []
    for polarity in (1, -1):
        peaks, _ = find_peaks(polarity * x, prominence=NOTCH_MIN_MV)
        found += [int(p) for p in peaks if all(abs(p - s) > 1 for s in summits)]
    return sorted(found)


def _slurs(x: np.ndarray) -> list[int]:
    """Points on a monotone limb where the slope sags to under SLUR_RATIO of the limb's
    steepest and then picks up again, with part of the limb on each side: the shoulder a
    slur makes on the ECG."""
    dx = np.gradient(x)
    sign = np.sign(dx)
    edges = np.flatnonzero(np.diff(sign)) + 1
    bounds = np.concatenate([[0], edges, [x.size]])
    found = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        if b - a < 5 or abs(x[b - 1] - x[a]) < SLUR_MIN_MV:
            continue
        speed = np.abs(dx[a:b])
        dips, _ = find_peaks(-speed)
        top = speed.max()
        for d in dips:
            left, right = speed[:d].max(initial=0.0), speed[d + 1 :].max(initial=0.0)
            sags = speed[d] < SLUR_RATIO * top and min(left, right) > SLUR_RECOVERY * speed[d]
            if sags and abs(x[b - 1] - x[a + d]) >= SLUR_TAIL_MV and abs(x[a + d] - x[a]) >= SLUR_TAIL_MV:
                found.append(int(a + d))
    return found


def read_lead(lead: str, beat: np.ndarray, on: int, off: int, fs: float) -> LeadQrs:
    """Features of one lead's median beat `beat` (mV) with the QRS at samples [on, off]."""
    pr = beat[max(0, on - int(0.01 * fs)) : on + 1]
    base = float(np.mean(pr)) if pr.size else float(beat[on])
    x = beat[on : off + 1] - base
    lobes = _lobes(x, fs)
    positive = [lobe for lobe in lobes if lobe.sign > 0]
    rpt = positive[-1].peak * 1000.0 / fs if positive else None
    st = beat[min(beat.size - 1, off + int(0.06 * fs)) : min(beat.size, off + int(0.25 * fs))] - base
    return LeadQrs(
        lead=lead,
        fs=fs,
        lobes=lobes,
        notches_ms=[p * 1000.0 / fs for p in _notches(x, lobes)],
        slurs_ms=[p * 1000.0 / fs for p in _slurs(x)],
        r_peak_time_ms=rpt,
        net_mv=float(x.max() + x.min()) if x.size else 0.0,
        st_t_mv=float(st.mean()) if st.size else 0.0,
    )
