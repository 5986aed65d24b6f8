"""The bundle-branch-block criteria, each one a checklist line: met, not met, or not assessable.

Strauss, Selvester & Wagner 2011 (Am J Cardiol 107:927) for strict complete LBBB; the
AHA/ACCF/HRS 2009 recommendations (Surawicz et al., Circulation 119:e235) for complete LBBB,
complete RBBB and nonspecific intraventricular conduction delay. Every function reads the
per-lead features of `morphology_waves` and says which leads decided it and with what values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecgcrt_gui.core.morphology.waves import LeadQrs

MET, NOT_MET, NOT_ASSESSABLE = "met", "not_met", "not_assessable"
STRAUSS_NOTCH_LEADS = ("V1", "V2", "V5", "V6", "I", "aVL")
AHA_LATERAL = ("I", "aVL", "V5", "V6")
MID_QRS_FROM_MS = 40.0  # Strauss: notch/slur begins after the first 40 ms ...
MID_QRS_TO_SHARE = 0.5  # ... and before 50 % of the QRS duration
SMALL_R_SHARE = 0.5  # an initial r under half the S makes an rS
TERMINAL_R_MAX_MV = 0.1  # a positive wave after the S larger than this is an R', not rS
Q_MIN_MV = 0.05


@dataclass
class Criterion:
    name: str
    status: str
    leads: list[str] = field(default_factory=list)
    value: Any = None
    detail: str = ""
    partial: bool = False  # judged on fewer leads than the criterion names

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "status": self.status,
            "leads": list(self.leads),
            "value": self.value,
            "detail": self.detail,
            "partial": self.partial,
        }


def _status(ok: bool) -> str:
    return MET if ok else NOT_MET


def qrs_at_least(name: str, qrs_ms: float | None, threshold: float, note: str = "") -> Criterion:
    """QRS duration >= threshold (ms)."""
    if qrs_ms is None:
        return Criterion(name, NOT_ASSESSABLE, detail="QRS duration not measurable")
    detail = f"QRS {qrs_ms:.0f} ms vs >= {threshold:.0f} ms" + (f"; {note}" if note else "")
    return Criterion(name, _status(qrs_ms >= threshold), [], round(qrs_ms, 1), detail)


def _present(waves: dict[str, LeadQrs], names: tuple[str, ...]) -> list[LeadQrs]:
    return [waves[n] for n in names if n in waves]


def _judged(c: Criterion, waves: dict[str, LeadQrs], names: tuple[str, ...]) -> Criterion:
    """Mark `c` partial, and say so, where some of the leads it names are not recorded."""
    missing = [n for n in names if n not in waves]
    if missing and c.status != NOT_ASSESSABLE:
        c.partial = True
        c.detail += f"; not recorded: {', '.join(missing)}"
    return c


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
    name = "QS or rS in V1 and V2"
    leads = _present(waves, ("V1", "V2"))
    if not leads:
        return Criterion(name, NOT_ASSESSABLE, detail="V1 and V2 not recorded")
    patterns = {w.lead: w.pattern for w in leads}
    ok = [w.lead for w in leads if is_qs_or_rs(w)]
    detail = ", ".join(f"{k}: {v}" for k, v in patterns.items())
    return _judged(Criterion(name, _status(len(ok) == len(leads)), ok, patterns, detail), waves, ("V1", "V2"))


def mid_qrs_notch_or_slur(w: LeadQrs, qrs_ms: float) -> list[float]:
    """Times (ms from onset) of notches or slurs in the mid-QRS window."""
    hi = MID_QRS_TO_SHARE * qrs_ms
    return [t for t in w.notches_ms + w.slurs_ms if MID_QRS_FROM_MS <= t <= hi]


def strauss_notching(waves: dict[str, LeadQrs], qrs_ms: float | None) -> Criterion:
    name = "Mid-QRS notching or slurring in >= 2 of V1, V2, V5, V6, I, aVL"
    leads = _present(waves, STRAUSS_NOTCH_LEADS)
    if not leads or qrs_ms is None:
        why = "none of V1, V2, V5, V6, I, aVL recorded" if not leads else "QRS not measurable"
        return Criterion(name, NOT_ASSESSABLE, detail=why)
    hits = {w.lead: [round(t) for t in mid_qrs_notch_or_slur(w, qrs_ms)] for w in leads}
    met_leads = [k for k, v in hits.items() if v]
    unrecorded = len(STRAUSS_NOTCH_LEADS) - len(leads)
    window = f"{MID_QRS_FROM_MS:.0f} ms to {MID_QRS_TO_SHARE:.0%} of QRS"
    detail = f"notch/slur {window} in {met_leads or 'no lead'} (need 2)"
    if len(met_leads) < 2 <= len(met_leads) + unrecorded:
        # The leads not recorded could still hold the second notch: neither met nor ruled out.
        missing = ", ".join(n for n in STRAUSS_NOTCH_LEADS if n not in waves)
        return Criterion(name, NOT_ASSESSABLE, met_leads, hits, f"{detail}; not recorded: {missing}")
    met = Criterion(name, _status(len(met_leads) >= 2), met_leads, hits, detail)
    return _judged(met, waves, STRAUSS_NOTCH_LEADS)


def aha_broad_r(waves: dict[str, LeadQrs], qrs_ms: float | None) -> Criterion:
    name = "Broad notched or slurred R in I, aVL, V5, V6 (RS possible in V5-V6)"
    leads = _present(waves, AHA_LATERAL)
    if len(leads) < 2 or qrs_ms is None:
        return Criterion(name, NOT_ASSESSABLE, detail="fewer than 2 of I, aVL, V5, V6 recorded")
    ok = []
    for w in leads:
        pos = w.positive()
        if not pos:
            continue
        r = max(pos, key=lambda lobe: lobe.amplitude)
        neg_amp = max((lobe.amplitude for lobe in w.negative()), default=0.0)
        dominant = r.amplitude >= neg_amp or w.lead in ("V5", "V6")
        broad = r.width_ms(w.fs) >= 0.5 * qrs_ms
        rough = bool(w.notches_ms or w.slurs_ms)
        if dominant and (broad or rough):
            ok.append(w.lead)
    need = min(3, len(leads))
    values = {w.lead: w.pattern for w in leads}
    detail = f"broad/notched R in {ok or 'no lead'} (need {need} of {len(leads)})"
    return _judged(Criterion(name, _status(len(ok) >= need), ok, values, detail), waves, AHA_LATERAL)


def has_q(w: LeadQrs) -> bool:
    """An initial negative wave of at least Q_MIN_MV before an R."""
    return bool(w.lobes) and w.lobes[0].sign < 0 and w.lobes[0].amplitude >= Q_MIN_MV and bool(w.positive())


def aha_absent_q(waves: dict[str, LeadQrs]) -> Criterion:
    name = "Absent q in I, V5, V6"
    names = ("I", "V5", "V6")
    leads = _present(waves, names)
    if not leads:
        return Criterion(name, NOT_ASSESSABLE, detail="I, V5 and V6 not recorded")
    with_q = [w.lead for w in leads if has_q(w)]
    detail = f"q wave in {with_q}" if with_q else "no q wave"
    without = [w.lead for w in leads if w.lead not in with_q]
    return _judged(Criterion(name, _status(not with_q), without, with_q, detail), waves, names)


def r_peak_time(waves: dict[str, LeadQrs], names: tuple[str, ...], limit_ms: float, name: str) -> Criterion:
    """R-peak time (onset to the peak of the last R) > limit in every recorded lead of `names`."""
    leads = _present(waves, names)
    if not leads:
        return Criterion(name, NOT_ASSESSABLE, detail=f"{', '.join(names)} not recorded")
    values = {w.lead: None if w.r_peak_time_ms is None else round(w.r_peak_time_ms) for w in leads}
    ok = [k for k, v in values.items() if v is not None and v > limit_ms]
    detail = ", ".join(f"{k}: {v} ms" for k, v in values.items()) + f" (> {limit_ms:.0f} ms)"
    return _judged(Criterion(name, _status(len(ok) == len(leads)), ok, values, detail), waves, names)


def aha_discordant_st_t(waves: dict[str, LeadQrs]) -> Criterion:
    name = "ST-T opposite to the QRS (usual, not required)"
    names = ("I", "aVL", "V1", "V2", "V5", "V6")
    leads = [w for w in _present(waves, names) if abs(w.net_mv) >= 0.2]
    if not leads:
        return Criterion(name, NOT_ASSESSABLE, detail="no lead with a clearly polar QRS")
    opposite = [w.lead for w in leads if w.st_t_mv * w.net_mv < 0]
    return Criterion(name, _status(2 * len(opposite) > len(leads)), opposite, len(opposite),
                     f"opposite in {len(opposite)} of {len(leads)} leads with a polar QRS")


def rbbb_rsr(waves: dict[str, LeadQrs]) -> Criterion:
    name = "rsr', rsR' or rSR' (or broad notched R) in V1 or V2"
    leads = _present(waves, ("V1", "V2"))
    if not leads:
        return Criterion(name, NOT_ASSESSABLE, detail="V1 and V2 not recorded")
    ok = []
    for w in leads:
        signs = [lobe.sign for lobe in w.lobes]
        late_r = any(a < 0 < b for a, b in zip(signs, signs[1:]))  # a positive wave after a negative one
        pos = w.positive()
        neg_amp = max((lobe.amplitude for lobe in w.negative()), default=0.0)
        notched_r = bool(pos) and max(p.amplitude for p in pos) > neg_amp and bool(w.notches_ms or w.slurs_ms)
        if late_r or notched_r:
            ok.append(w.lead)
    values = {w.lead: w.pattern for w in leads}
    detail = ", ".join(f"{k}: {v}" for k, v in values.items())
    return _judged(Criterion(name, _status(bool(ok)), ok, values, detail), waves, ("V1", "V2"))


def rbbb_wide_s(waves: dict[str, LeadQrs]) -> Criterion:
    name = "S in I and V6 wider than R or > 40 ms"
    names = ("I", "V6")
    leads = _present(waves, names)
    if not leads:
        return Criterion(name, NOT_ASSESSABLE, detail="I and V6 not recorded")
    values, ok = {}, []
    for w in leads:
        pos = w.positive()
        r = max(pos, key=lambda lobe: lobe.amplitude) if pos else None
        s_waves = [lobe for lobe in w.negative() if r is not None and lobe.start > r.end]
        if not s_waves:
            values[w.lead] = None
            continue
        s_width = max(lobe.width_ms(w.fs) for lobe in s_waves)
        r_width = r.width_ms(w.fs)
        values[w.lead] = {"s_ms": round(s_width), "r_ms": round(r_width)}
        if s_width > r_width or s_width > 40.0:
            ok.append(w.lead)
    detail = ", ".join(f"{k}: {v}" for k, v in values.items())
    return _judged(Criterion(name, _status(len(ok) == len(leads)), ok, values, detail), waves, names)


def ivcd_width(qrs_ms: float | None) -> Criterion:
    name = "QRS > 110 ms (nonspecific IVCD when no LBBB/RBBB)"
    if qrs_ms is None:
        return Criterion(name, NOT_ASSESSABLE, detail="QRS duration not measurable")
    return Criterion(name, _status(qrs_ms > 110.0), [], round(qrs_ms, 1), f"QRS {qrs_ms:.0f} ms vs > 110 ms")


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
