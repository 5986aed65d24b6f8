"""The bundle-branch-block criteria, each one a checklist line: met, not met, or not assessable.

Strauss, Selvester & Wagner 2011 (Am J Cardiol 107:927) for strict complete LBBB; the
AHA/ACCF/HRS 2009 recommendations (Surawicz et al., Circulation 119:e235) for complete LBBB,
complete RBBB and nonspecific intraventricular conduction delay. Every function reads the
per-lead features of `morphology.waves` and returns what it measured as data (lead, wave,
duration, amplitude, or why it could not be measured); `morphology.describe` words it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ecgcrt_gui.core.morphology import describe
from ecgcrt_gui.core.morphology.labels import MET, NOT_ASSESSABLE, NOT_MET
from ecgcrt_gui.core.morphology.pacing import PacingEvidence
from ecgcrt_gui.core.morphology.waves import LeadQrs
from ecgcrt_gui.core.text import english_list

STRAUSS_NOTCH_LEADS = ("V1", "V2", "V5", "V6", "I", "aVL")
AHA_LATERAL = ("I", "aVL", "V5", "V6")
AHA_ABSENT_Q = ("I", "V5", "V6")
ST_T_LEADS = ("I", "aVL", "V1", "V2", "V5", "V6")
MID_QRS_FROM_MS = 40.0  # Strauss: notch/slur begins after the first 40 ms ...
MID_QRS_TO_SHARE = 0.5  # ... and before 50 % of the QRS duration
SMALL_R_SHARE = 0.5  # an initial r under half the S makes an rS
TERMINAL_R_MAX_MV = 0.1  # a positive wave after the S larger than this is an R', not rS
Q_MIN_MV = 0.05
POLAR_QRS_MV = 0.2  # a QRS whose net deflection reaches this is clearly positive or negative
WIDE_S_MS = 40.0


@dataclass(frozen=True)
class Measurement:
    """One thing a criterion measured: in one lead, or (lead None) over the whole QRS or all beats."""

    what: str  # in words: "QRS duration", "pattern", "R wave", "S wave", "q wave", "R-peak time", ...
    lead: str | None = None
    ms: float | None = None  # a duration, or a time from the QRS onset
    mv: float | None = None  # an amplitude
    pattern: str | None = None  # the wave sequence, e.g. rS, QS, rsR'
    beats: int | None = None  # how many beats showed it
    not_measurable: str | None = None  # why it could not be measured, e.g. "no S wave"

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Criterion:
    """One checklist line and the data behind it; `detail` is its sentence, written by `describe`."""

    name: str
    status: str
    kind: str  # which test it is (one of describe.KINDS): how its sentence reads
    leads: list[str] = field(default_factory=list)  # the leads that met it
    value: Any = None  # the headline value (the QRS in ms, a pattern or a time per lead, a share)
    partial: bool = False  # judged on fewer leads than the criterion names
    measurements: list[Measurement] = field(default_factory=list)
    judged: list[str] = field(default_factory=list)  # the leads it was read on
    not_recorded: list[str] = field(default_factory=list)  # leads it names that the record lacks
    need: int | None = None  # leads (for pacing: beats) needed
    threshold_ms: float | None = None
    strict: bool = False  # the value must exceed threshold_ms (else reach it)
    window_ms: tuple[float, float] | None = None  # where a notch or slur counts, ms from QRS onset
    reason: str = ""  # why it is not assessable, where the leads do not say it
    note: str = ""  # what the reader should know about how it was judged

    @property
    def detail(self) -> str:
        return self.to_dict()["detail"]

    def to_dict(self) -> dict:
        d = {
            "name": self.name,
            "status": self.status,
            "kind": self.kind,
            "leads": list(self.leads),
            "value": self.value,
            "partial": self.partial,
            "measurements": [m.to_dict() for m in self.measurements],
            "judged": list(self.judged),
            "not_recorded": list(self.not_recorded),
            "need": self.need,
            "threshold_ms": self.threshold_ms,
            "strict": self.strict,
            "window_ms": None if self.window_ms is None else [_ms(t) for t in self.window_ms],
            "reason": self.reason,
            "note": self.note,
        }
        d["detail"] = describe.describe(d)
        return d


def _status(ok: bool) -> str:
    return MET if ok else NOT_MET


def _ms(value: float) -> float:
    return round(float(value), 1)


def qrs_at_least(name: str, qrs_ms: float | None, threshold: float, note: str = "", strict: bool = False) -> Criterion:
    """QRS duration >= threshold (ms); > threshold where strict."""
    c = Criterion(name, NOT_ASSESSABLE, describe.QRS_DURATION, threshold_ms=threshold, strict=strict, note=note)
    if qrs_ms is None:
        c.reason = "QRS duration not measurable"
        return c
    c.status = _status(qrs_ms > threshold if strict else qrs_ms >= threshold)
    c.value = _ms(qrs_ms)
    c.measurements = [Measurement("QRS duration", ms=_ms(qrs_ms))]
    return c


def ivcd_width(qrs_ms: float | None) -> Criterion:
    return qrs_at_least("QRS > 110 ms (nonspecific IVCD when no LBBB or RBBB)", qrs_ms, 110.0, strict=True)


def _lead_criterion(name: str, kind: str, waves: dict[str, LeadQrs], names: tuple[str, ...], **kw) -> Criterion:
    """A criterion on the leads `names`, not assessable until judged: which are recorded, which not."""
    return Criterion(name, NOT_ASSESSABLE, kind, judged=[n for n in names if n in waves],
                     not_recorded=[n for n in names if n not in waves], **kw)


def _judge(c: Criterion, ok: bool, leads: list[str], value: Any, measurements: list[Measurement]) -> Criterion:
    """Set the verdict; partial where some of the leads it names are not recorded."""
    c.status, c.leads, c.value, c.measurements = _status(ok), leads, value, measurements
    c.partial = bool(c.not_recorded)
    return c


def _patterns(leads: list[LeadQrs]) -> list[Measurement]:
    return [Measurement("pattern", w.lead, pattern=w.pattern) for w in leads]


def is_qs_or_rs(w: LeadQrs) -> bool:
    """QS or rS: dominantly negative, any initial r small, and no R' after the S."""
    neg = w.negative()
    if not neg:
        return False
    s = max(neg, key=lambda lobe: lobe.amplitude)
    before = [lobe for lobe in w.positive() if lobe.end < s.start]
    after = [lobe for lobe in w.positive() if lobe.start > s.end]
    small_r = all(lobe.amplitude < SMALL_R_SHARE * s.amplitude for lobe in before)
    no_terminal_r = all(lobe.amplitude <= TERMINAL_R_MAX_MV for lobe in after)
    return small_r and no_terminal_r


def strauss_qs_rs(waves: dict[str, LeadQrs]) -> Criterion:
    c = _lead_criterion("QS or rS in V1 and V2", describe.PATTERNS, waves, ("V1", "V2"))
    leads = [waves[n] for n in c.judged]
    if not leads:
        return c
    ok = [w.lead for w in leads if is_qs_or_rs(w)]
    return _judge(c, len(ok) == len(leads), ok, {w.lead: w.pattern for w in leads}, _patterns(leads))


def mid_qrs_notch_or_slur(w: LeadQrs, qrs_ms: float) -> list[float]:
    """Times (ms from onset) of notches or slurs in the mid-QRS window."""
    hi = MID_QRS_TO_SHARE * qrs_ms
    return [t for t in w.notches_ms + w.slurs_ms if MID_QRS_FROM_MS <= t <= hi]


def strauss_notching(waves: dict[str, LeadQrs], qrs_ms: float | None) -> Criterion:
    c = _lead_criterion("Mid-QRS notching or slurring in at least 2 of V1, V2, V5, V6, I and aVL",
                        describe.NOTCHING, waves, STRAUSS_NOTCH_LEADS, need=2)
    if not c.judged:
        return c
    if qrs_ms is None:
        c.reason = "QRS duration not measurable"
        return c
    c.window_ms = (MID_QRS_FROM_MS, MID_QRS_TO_SHARE * qrs_ms)
    hits = {n: sorted(round(t) for t in mid_qrs_notch_or_slur(waves[n], qrs_ms)) for n in c.judged}
    met_leads = [k for k, v in hits.items() if v]
    found = [Measurement("notch or slur", lead, ms=float(t)) for lead, times in hits.items() for t in times]
    _judge(c, len(met_leads) >= 2, met_leads, hits, found)
    if len(met_leads) < 2 <= len(met_leads) + len(c.not_recorded):
        # The leads not recorded could still hold the second notch: neither met nor ruled out.
        c.status, c.partial = NOT_ASSESSABLE, False
    return c


def aha_broad_r(waves: dict[str, LeadQrs], qrs_ms: float | None) -> Criterion:
    c = _lead_criterion("Broad notched or slurred R in I, aVL, V5 and V6 (RS possible in V5 and V6)",
                        describe.BROAD_R, waves, AHA_LATERAL)
    if len(c.judged) < 2:
        c.reason = f"fewer than 2 of {english_list(AHA_LATERAL)} recorded"
        return c
    if qrs_ms is None:
        c.reason = "QRS duration not measurable"
        return c
    ok, found = [], []
    for w in (waves[n] for n in c.judged):
        pos = w.positive()
        if not pos:
            found.append(Measurement("R wave", w.lead, pattern=w.pattern, not_measurable="no R wave"))
            continue
        r = max(pos, key=lambda lobe: lobe.amplitude)
        found.append(Measurement("R wave", w.lead, ms=_ms(r.width_ms(w.fs)), mv=round(r.amplitude, 3), pattern=w.pattern))
        neg_amp = max((lobe.amplitude for lobe in w.negative()), default=0.0)
        dominant = r.amplitude >= neg_amp or w.lead in ("V5", "V6")
        broad = r.width_ms(w.fs) >= 0.5 * qrs_ms
        rough = bool(w.notches_ms or w.slurs_ms)
        if dominant and (broad or rough):
            ok.append(w.lead)
    c.need = min(3, len(c.judged))
    return _judge(c, len(ok) >= c.need, ok, {n: waves[n].pattern for n in c.judged}, found)


def has_q(w: LeadQrs) -> bool:
    """An initial negative wave of at least Q_MIN_MV before an R."""
    return bool(w.lobes) and w.lobes[0].sign < 0 and w.lobes[0].amplitude >= Q_MIN_MV and bool(w.positive())


def aha_absent_q(waves: dict[str, LeadQrs]) -> Criterion:
    c = _lead_criterion("Absent q in I, V5 and V6", describe.ABSENT_Q, waves, AHA_ABSENT_Q)
    if not c.judged:
        return c
    leads = [waves[n] for n in c.judged]
    with_q = [w for w in leads if has_q(w)]
    found = [Measurement("q wave", w.lead, ms=_ms(w.lobes[0].width_ms(w.fs)), mv=round(w.lobes[0].amplitude, 3))
             for w in with_q]
    without = [w.lead for w in leads if w not in with_q]
    return _judge(c, not with_q, without, [w.lead for w in with_q], found)


def r_peak_time(waves: dict[str, LeadQrs], names: tuple[str, ...], limit_ms: float, name: str) -> Criterion:
    """R-peak time (onset to the peak of the last R) > limit in every recorded lead of `names`."""
    c = _lead_criterion(name, describe.R_PEAK_TIME, waves, names, threshold_ms=limit_ms, strict=True)
    if not c.judged:
        return c
    values = {n: None if waves[n].r_peak_time_ms is None else round(waves[n].r_peak_time_ms) for n in c.judged}
    found = [Measurement("R-peak time", n, ms=float(v)) if v is not None
             else Measurement("R-peak time", n, not_measurable="no R wave") for n, v in values.items()]
    ok = [k for k, v in values.items() if v is not None and v > limit_ms]
    return _judge(c, len(ok) == len(values), ok, values, found)


def aha_discordant_st_t(waves: dict[str, LeadQrs]) -> Criterion:
    """ST-T opposite to the QRS in most leads whose QRS is clearly positive or negative; partiality
    is not told apart (the criterion is supportive, and judged on the polar leads present)."""
    c = _lead_criterion("ST-T opposite to the QRS (usual, not required)", describe.ST_T, waves, ST_T_LEADS)
    polar = [waves[n] for n in c.judged if abs(waves[n].net_mv) >= POLAR_QRS_MV]
    c.judged, c.not_recorded = [w.lead for w in polar], []
    if not polar:
        c.reason = "no lead with a clearly positive or negative QRS"
        return c
    opposite = [w.lead for w in polar if w.st_t_mv * w.net_mv < 0]
    found = [Measurement("ST-T", w.lead, mv=round(w.st_t_mv, 3)) for w in polar]
    c.need = len(polar) // 2 + 1
    return _judge(c, 2 * len(opposite) > len(polar), opposite, len(opposite), found)


def rbbb_rsr(waves: dict[str, LeadQrs]) -> Criterion:
    c = _lead_criterion("rsr', rsR' or rSR' (or a broad notched R) in V1 or V2", describe.PATTERNS, waves, ("V1", "V2"))
    leads = [waves[n] for n in c.judged]
    if not leads:
        return c
    ok = []
    for w in leads:
        signs = [lobe.sign for lobe in w.lobes]
        late_r = any(a < 0 < b for a, b in zip(signs, signs[1:]))  # a positive wave after a negative one
        pos = w.positive()
        neg_amp = max((lobe.amplitude for lobe in w.negative()), default=0.0)
        notched_r = bool(pos) and max(p.amplitude for p in pos) > neg_amp and bool(w.notches_ms or w.slurs_ms)
        if late_r or notched_r:
            ok.append(w.lead)
    return _judge(c, bool(ok), ok, {w.lead: w.pattern for w in leads}, _patterns(leads))


def rbbb_wide_s(waves: dict[str, LeadQrs]) -> Criterion:
    c = _lead_criterion("S in I and V6 wider than the R or over 40 ms", describe.WIDE_S, waves, ("I", "V6"))
    if not c.judged:
        return c
    values, ok, found = {}, [], []
    for w in (waves[n] for n in c.judged):
        pos = w.positive()
        r = max(pos, key=lambda lobe: lobe.amplitude) if pos else None
        s_waves = [lobe for lobe in w.negative() if r is not None and lobe.start > r.end]
        if not s_waves:
            values[w.lead] = None
            found.append(Measurement("S wave", w.lead, not_measurable="no R wave" if r is None else "no S wave"))
            continue
        s_width = max(lobe.width_ms(w.fs) for lobe in s_waves)
        r_width = r.width_ms(w.fs)
        values[w.lead] = {"s_ms": round(s_width), "r_ms": round(r_width)}
        found += [Measurement("S wave", w.lead, ms=_ms(s_width)), Measurement("R wave", w.lead, ms=_ms(r_width))]
        if s_width > r_width or s_width > WIDE_S_MS:
            ok.append(w.lead)
    return _judge(c, len(ok) == len(c.judged), ok, values, found)


def pacing_spikes(pacing: PacingEvidence | None) -> Criterion:
    """Pacemaker artefacts before the QRS (`pacing.detect_pacing` decides; this line shows its counts)."""
    c = Criterion("Pacing spikes before the QRS", NOT_ASSESSABLE, describe.PACING)
    if pacing is None or not pacing.assessable:
        c.reason = "no beats" if pacing is None else pacing.reason
        return c
    c.status, c.value = _status(pacing.paced), round(pacing.beat_share, 2)
    c.measurements = [
        Measurement("beats judged", beats=pacing.n_beats),
        Measurement("pacing artefact", beats=pacing.n_paced),
        Measurement(f"narrow spike on at least {pacing.spike_leads} leads at once", beats=pacing.n_narrow),
        Measurement("band-limited artefact leading a broad QRS", beats=pacing.n_bandlimited),
    ]
    return c


def verdict(criteria: list[Criterion], key: list[Criterion]) -> tuple[bool | None, bool]:
    """(verdict, partial) for a conjunction of `criteria`: None when any `key` one cannot be
    assessed; False when any is not met; True when every assessable one is met, partial
    when some could not be assessed."""
    if any(c.status == NOT_ASSESSABLE for c in key):
        return None, False
    if any(c.status == NOT_MET for c in criteria):
        return False, False
    partial = any(c.status == NOT_ASSESSABLE or c.partial for c in criteria)
    return True, partial
