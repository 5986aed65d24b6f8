"""A morphology criterion's finding in a plain sentence, written from its values alone.

The one place the criteria get their words: the GUI's criteria tree, the PDF report, the CLI and
the JSON's `detail` all show what `describe` writes from a criterion's JSON form
(`Criterion.to_dict`), e.g. "Broad or notched R in I, aVL, V5 and V6 (3 of the 4 leads needed)" or
"Lead I: S wave not measurable (no S wave); V6: S 48 ms, R 158 ms". Each kind of test has its own
sentence; every number goes through `core.text` (whole ms, mV to 0.01).
"""

from __future__ import annotations

from collections.abc import Callable

from ecgcrt_gui.core.morphology.labels import NOT_ASSESSABLE
from ecgcrt_gui.core.text import english_list, ms, mv, plural

# The kinds of test a criterion can be: each has its sentence below.
QRS_DURATION = "qrs_duration"  # the QRS reaches (or exceeds) a threshold
PATTERNS = "patterns"  # the wave sequence of each lead (QS or rS; rSR')
NOTCHING = "mid_qrs_notching"  # notches or slurs in a window of the QRS, in enough leads
BROAD_R = "broad_r"  # a broad, notched or slurred R in enough leads
ABSENT_Q = "absent_q"  # no q wave in any lead
R_PEAK_TIME = "r_peak_time"  # onset to the peak of the last R, per lead
ST_T = "st_t_discordant"  # ST-T opposite to the QRS in most polar leads
WIDE_S = "wide_s"  # S and R widths per lead
PACING = "pacing"  # pacemaker artefacts, counted over the beats


def describe(c: dict) -> str:
    """The sentence for one criterion from its JSON form (Criterion.to_dict)."""
    return _SENTENCES[c["kind"]](c)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _unassessed(c: dict) -> str | None:
    """The sentence of a criterion that could not be judged at all, else None."""
    if c["status"] != NOT_ASSESSABLE or c.get("measurements"):
        return None
    if c.get("reason"):
        return _capital(c["reason"])
    if not c.get("judged") and c.get("not_recorded"):
        return f"{english_list(c['not_recorded'])} not recorded"
    return None


def _unrecorded(c: dict) -> str:
    """'; aVL and V6 not recorded' where the criterion names leads the record lacks."""
    missing = c.get("not_recorded") or []
    return f"; {english_list(missing)} not recorded" if missing else ""


def _per_lead(parts: list[tuple[str, str]]) -> str:
    """'Lead I: ...; V6: ...'."""
    text = "; ".join(f"{lead}: {what}" for lead, what in parts)
    return f"Lead {text}" if text else ""


def _by_lead(c: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for m in c.get("measurements") or []:
        found.setdefault(m.get("lead"), []).append(m)
    return found


def _needed(c: dict) -> str:
    """'at least 140 ms needed' or 'more than 110 ms needed'."""
    return f"{'more than' if c.get('strict') else 'at least'} {ms(c['threshold_ms'])} needed"


def _leads_needed(need: int, n: int) -> str:
    """'3 of the 4 leads needed', 'both leads needed', 'all 3 leads needed'."""
    if need == n:
        return "the one lead needed" if n == 1 else ("both leads needed" if n == 2 else f"all {n} leads needed")
    return f"{need} of the {plural(n, 'lead')} needed"


def _qrs_duration(c: dict) -> str:
    text = _unassessed(c) or f"QRS {ms(c['measurements'][0]['ms'])} ({_needed(c)})"
    return text + (f"; {c['note']}" if c.get("note") else "")


def _patterns(c: dict) -> str:
    if (text := _unassessed(c)) is not None:
        return text
    parts = [(m["lead"], m["pattern"]) for m in c["measurements"]]
    return _per_lead(parts) + _unrecorded(c)


def _notching(c: dict) -> str:
    if (text := _unassessed(c)) is not None and not c.get("window_ms"):
        return text
    lo, hi = c["window_ms"]
    window = f"{lo:.0f} to {ms(hi)} into the QRS"
    hits = [f"{lead} ({english_list(round(m['ms']) for m in found)} ms)" for lead, found in _by_lead(c).items()]
    need, n = c["need"], len(c["judged"]) + len(c["not_recorded"])
    if hits:
        text = f"Notch or slur {window} in {english_list(hits)}" + (" only" if len(hits) < need else "")
    else:
        text = f"No notch or slur {window} in {english_list(c['judged'], 'or')}"
    text += f"; {_leads_needed(need, n)}"
    if c["status"] == NOT_ASSESSABLE:  # the leads not recorded could still hold what is missing
        still = need - len(hits)
        could = "the second" if (still, len(hits)) == (1, 1) else f"the {still} needed"
        return text + f"; {english_list(c['not_recorded'])} not recorded, and could still hold {could}"
    return text + _unrecorded(c)


def _broad_r(c: dict) -> str:
    if (text := _unassessed(c)) is not None:
        return text
    hits, need = c["leads"], c["need"]
    if hits:
        text = f"Broad or notched R in {english_list(hits)}" + (" only" if len(hits) < need else "")
    else:
        text = f"No broad or notched R in {english_list(c['judged'], 'or')}"
    return text + f" ({_leads_needed(need, len(c['judged']))})" + _unrecorded(c)


def _absent_q(c: dict) -> str:
    if (text := _unassessed(c)) is not None:
        return text
    if not c["measurements"]:
        return f"No q wave in {english_list(c['judged'], 'or')}" + _unrecorded(c)
    found = [f"{m['lead']} ({mv(m['mv'])}, {ms(m['ms'])})" for m in c["measurements"]]
    return f"q wave in {english_list(found)}" + _unrecorded(c)


def _r_peak_time(c: dict) -> str:
    if (text := _unassessed(c)) is not None:
        return text
    parts = [f"not measurable in {m['lead']} ({m['not_measurable']})" if m.get("not_measurable")
             else f"{ms(m['ms'])} in {m['lead']}" for m in c["measurements"]]
    return f"R-peak time {english_list(parts)}; {_needed(c)}" + _unrecorded(c)


def _st_t(c: dict) -> str:
    if (text := _unassessed(c)) is not None:
        return text
    k, n = len(c["leads"]), len(c["judged"])
    polar = "with a clearly positive or negative QRS"
    if n == 1:
        return f"ST-T {'' if k else 'not '}opposite to the QRS in {c['judged'][0]}, the only lead {polar}"
    if k == n:
        return f"ST-T opposite to the QRS in all {n} leads {polar}"
    where = f" ({english_list(c['leads'])})" if k else ""
    return f"ST-T opposite to the QRS in {k} of the {n} leads {polar}{where}; more than half needed"


def _wide_s(c: dict) -> str:
    if (text := _unassessed(c)) is not None:
        return text
    parts = []
    for lead, found in _by_lead(c).items():
        waves = {m["what"]: m for m in found}
        s = waves["S wave"]
        if s.get("not_measurable"):
            parts.append((lead, f"S wave not measurable ({s['not_measurable']})"))
        else:
            parts.append((lead, f"S {ms(s['ms'])}, R {ms(waves['R wave']['ms'])}"))
    return _per_lead(parts) + _unrecorded(c)


def _pacing(c: dict) -> str:
    if (text := _unassessed(c)) is not None:
        return text
    counts = {m["what"]: m["beats"] for m in c["measurements"]}
    n, paced = counts.pop("beats judged"), counts.pop("pacing artefact")
    tests = "; ".join(f"{what}: {count}" for what, count in counts.items())
    return f"Pacing artefact before the QRS in {paced} of {plural(n, 'beat')} ({tests})"


_SENTENCES: dict[str, Callable[[dict], str]] = {
    QRS_DURATION: _qrs_duration,
    PATTERNS: _patterns,
    NOTCHING: _notching,
    BROAD_R: _broad_r,
    ABSENT_Q: _absent_q,
    R_PEAK_TIME: _r_peak_time,
    ST_T: _st_t,
    WIDE_S: _wide_s,
    PACING: _pacing,
}
KINDS = tuple(_SENTENCES)
