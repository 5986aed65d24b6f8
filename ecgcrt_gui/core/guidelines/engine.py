"""CRT recommendation class per guideline, from the clinical inputs and the measured QRS.

The guidelines are tables of rows (`ecgcrt_gui.core.guidelines`); one generic engine evaluates
them. Each condition is true, false or unknown (a core input is missing). A row applies when all
its conditions are true. Of the rows that apply, a contraindication (`overrides`) stands first;
otherwise the strongest class of recommendation (I > IIa > IIb) wins; a class III row is the
answer only when no positive row applies (the III rows address CRT for conduction delay and do
not speak against a separate indication such as a need for ventricular pacing). Missing inputs
are those of rows that could still apply and would give a stronger answer.

Every answer says how far its row was checked against a readable copy of the guideline
(`verification`, `quoted_from`): a level of evidence that could not be checked is not shown, and
the reason says "level not verified". Where a part of a guideline that could not be read would
matter for the patient (`Guideline.gaps`), the reason says so.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from ecgcrt_gui.core.guidelines import acc2012, esc2021, hrs2023
from ecgcrt_gui.core.guidelines.table import (
    CORE_INPUTS,
    EXCLUSIVE_INPUTS,
    INPUT_NAMES,
    NOT_VERIFIED,
    OPERATORS,
    OPTIONAL_INPUTS,
    VERIFIED,
    Condition,
    Guideline,
    Rule,
)
from ecgcrt_gui.core.morphology.labels import LABELS as MORPHOLOGY_LABELS
from ecgcrt_gui.core.text import english_list, ms, whole_ms

__all__ = ["ClinicalInputs", "GuidelineResult", "GUIDELINES", "evaluate", "evaluate_with_spread", "MORPHOLOGY_LABELS",
           "qrs_cutoffs_ms", "cutoffs_within", "spread_note"]

GUIDELINES: OrderedDict[str, Guideline] = OrderedDict(
    (g.name, g) for g in (esc2021.GUIDELINE, acc2012.GUIDELINE, hrs2023.GUIDELINE)
)
# The LVEF a clinician can enter (%): echocardiography does not report values outside it.
LVEF_RANGE = (5, 80)


def qrs_cutoffs_ms() -> tuple[float, ...]:
    """The QRS durations (ms) at which some guideline's recommendation changes (120, 130, 150)."""
    return tuple(sorted({float(value) for g in GUIDELINES.values() for rule in g.rules
                         for key, _, value in rule.when if key == "qrs_ms"}))


def cutoffs_within(spread_ms: tuple[float, float] | None, guideline: Guideline | None = None) -> tuple[float, ...]:
    """The QRS cut-offs (of one guideline, or of any) that a measurement's spread (low, high ms)
    straddles: low < cut-off <= high, read to the whole ms as the guidelines judge."""
    if spread_ms is None:
        return ()
    low, high = round(spread_ms[0]), round(spread_ms[1])
    cuts = qrs_cutoffs_ms() if guideline is None else sorted(
        {float(v) for rule in guideline.rules for key, _, v in rule.when if key == "qrs_ms"})
    return tuple(c for c in cuts if low < c <= high)


_RANK = {"I": 3, "IIa": 2, "IIb": 1, "III": 0}
_NYHA_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass
class ClinicalInputs:
    """What the clinician states; None where unknown.

    lvef: % (LVEF_RANGE); nyha: 1-4 (4 read as ambulatory class IV); sex: "M"/"F";
    rhythm: "sinus" or "af" (persistent/permanent AF). The optional yes/no inputs are taken as
    "no" when None.
    """

    lvef: float | None = None
    nyha: int | None = None
    sex: str | None = None
    rhythm: str | None = None
    pacing_indication: bool | None = None  # e.g. high-degree AV block, high expected pacing burden
    # An indication for permanent pacing with less than substantial (< 20-40 %) ventricular pacing.
    pacing_indication_low_burden: bool | None = None
    # Already paced (pacemaker or ICD) with a high proportion of RV pacing (about 20 % or more):
    # one ECG cannot tell it, even where every beat on it is paced.
    rv_pacing_high: bool | None = None
    av_junction_ablation: bool | None = None  # AF with uncontrolled rate, AVJ ablation planned
    af_biv_pacing_assured: bool | None = None  # AF: near-100 % biventricular pacing ensured
    ischemic_etiology: bool | None = None
    limited_survival: bool | None = None  # comorbidity/frailty: survival < 1 year

    def __post_init__(self) -> None:
        if self.lvef is not None and not LVEF_RANGE[0] <= self.lvef <= LVEF_RANGE[1]:
            raise ValueError(f"LVEF must be {LVEF_RANGE[0]}-{LVEF_RANGE[1]} %, got {self.lvef}")
        if self.nyha is not None and self.nyha not in _NYHA_ROMAN:
            raise ValueError(f"NYHA class must be 1-4, got {self.nyha}")
        if self.sex not in (None, "M", "F"):
            raise ValueError(f"sex must be 'M' or 'F', got {self.sex!r}")
        if self.rhythm not in (None, "sinus", "af"):
            raise ValueError(f"rhythm must be 'sinus' or 'af', got {self.rhythm!r}")
        for a, b in EXCLUSIVE_INPUTS:
            if getattr(self, a) and getattr(self, b):
                raise ValueError(f"'{INPUT_NAMES[a]}' and '{INPUT_NAMES[b]}' cannot both be stated")


@dataclass
class GuidelineResult:
    """One guideline's answer for one patient."""

    name: str
    title: str
    recommendation_class: str | None  # "I" | "IIa" | "IIb" | "III" | None
    level_of_evidence: str | None
    reason: str
    missing_inputs: list[str] = field(default_factory=list)
    source: str = ""
    rule_id: str | None = None  # the table row that decided, for tests and audit
    verification: str | None = None  # how far that row was checked (table.VERIFICATION); None: no row
    quoted_from: str = ""  # where the row's wording (and class, level) was read
    # Set where the class changes as the QRS moves within its own spread (the beats' IQR): says so.
    qrs_uncertainty: str | None = None

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "recommendation_class": self.recommendation_class,
            "level_of_evidence": self.level_of_evidence,  # null where not verified
            "reason": self.reason,
            "missing_inputs": list(self.missing_inputs),
            "source": self.source,
            "rule_id": self.rule_id,
            "verification": self.verification,
            "quoted_from": self.quoted_from,
            "qrs_uncertainty": self.qrs_uncertainty,
        }


def evaluate(
    inputs: ClinicalInputs,
    qrs_duration_ms: float | None,
    morphology_label: str | None,
    names: list[str] | None = None,
) -> list[GuidelineResult]:
    """Evaluate the named guidelines (all, in GUIDELINES order, when names is None)."""
    if morphology_label is not None and morphology_label not in MORPHOLOGY_LABELS:
        raise ValueError(f"unknown QRS morphology {morphology_label!r}")
    unknown = [n for n in names or () if n not in GUIDELINES]
    if unknown:
        raise ValueError(f"unknown guideline {unknown[0]!r}; known: {', '.join(GUIDELINES)}")
    values = _values(inputs, qrs_duration_ms, morphology_label)
    return [evaluate_guideline(GUIDELINES[n], values) for n in (names or GUIDELINES)]


def evaluate_with_spread(
    inputs: ClinicalInputs,
    qrs_duration_ms: float | None,
    qrs_spread_ms: tuple[float, float] | None,
    morphology_label: str | None,
    names: list[str] | None = None,
) -> list[GuidelineResult]:
    """`evaluate`, and where a guideline's class differs at the two ends of the QRS spread (the
    dominant beats' IQR, low and high ms) its result says that the class depends on a measurement
    within its own uncertainty, with the class at each end."""
    results = evaluate(inputs, qrs_duration_ms, morphology_label, names)
    if qrs_duration_ms is None or qrs_spread_ms is None:
        return results
    low, high = min(qrs_spread_ms[0], qrs_duration_ms), max(qrs_spread_ms[1], qrs_duration_ms)
    at_low = evaluate(inputs, low, morphology_label, names)
    at_high = evaluate(inputs, high, morphology_label, names)
    for result, lo, hi in zip(results, at_low, at_high):
        if len({lo.recommendation_class, result.recommendation_class, hi.recommendation_class}) == 1:
            continue
        result.qrs_uncertainty = (
            f"The class depends on a QRS measurement within its own uncertainty: the dominant beats, read one "
            f"by one, span {low:.0f} to {ms(high)} (interquartile range), across "
            f"{cutoff_words(cutoffs_within((low, high), GUIDELINES[result.name]))}; the class is "
            f"{_class_words(lo)} at {ms(low)} and {_class_words(hi)} at {ms(high)}."
        )
    return results


def cutoff_words(cutoffs: tuple[float, ...]) -> str:
    """'the 150 ms cut-off', 'the 120 and 130 ms cut-offs'."""
    if not cutoffs:
        return "a cut-off"
    return f"the {english_list(f'{c:g}' for c in cutoffs)} ms cut-off" + ("s" if len(cutoffs) > 1 else "")


def spread_note(spread_ms: tuple[float, float] | None) -> str | None:
    """The sentence for a QRS whose beats' spread straddles a guideline cut-off, else None."""
    cuts = cutoffs_within(spread_ms)
    if not cuts:
        return None
    return (f"The beats' spread spans {cutoff_words(cuts)}: a class that changes there depends on a "
            "measurement within its own uncertainty.")


def _class_words(result: GuidelineResult) -> str:
    return f"class {result.recommendation_class}" if result.recommendation_class else "no class"


def evaluate_guideline(guideline: Guideline, values: dict) -> GuidelineResult:
    """Apply one guideline's table to the input values (keys of table.INPUT_NAMES)."""
    applying: list[Rule] = []
    open_rows: list[tuple[Rule, list[str]]] = []  # rows blocked only by unknown core inputs
    unstated: list[str] = []  # optional inputs that would make some row apply if stated
    for rule in guideline.rules:
        status, blockers = _status(rule.when, values)
        if status is True:
            applying.append(rule)
        elif status is None and all(k in CORE_INPUTS for k in blockers):
            open_rows.append((rule, blockers))
        elif status is None and not rule.overrides and not any(k in CORE_INPUTS for k in blockers):
            unstated += blockers
    best = max(applying, key=_strength, default=None)
    missing = _missing(best, open_rows)
    base = dict(name=guideline.name, title=guideline.title, source=guideline.source,
                missing_inputs=missing)
    # Where no positive row applies, unread parts of the guideline could hold one: say so.
    positive = best is not None and best.cls != "III"
    gaps = [] if positive else [text for when, text in guideline.gaps
                                if _conditions_hold(when, values)]
    if best is None:
        reason = _no_match_reason(guideline, values, missing, _readable(unstated))
        return GuidelineResult(recommendation_class=None, level_of_evidence=None,
                               reason=reason + _gaps_text(gaps), **base)
    return GuidelineResult(recommendation_class=best.cls, level_of_evidence=best.loe or None,
                           reason=_reason(guideline, best) + _gaps_text(gaps), rule_id=best.id,
                           verification=best.verification, quoted_from=best.where, **base)


def _values(inputs: ClinicalInputs, qrs_ms: float | None, morphology: str | None) -> dict:
    values = {
        "lvef": inputs.lvef,
        "nyha": inputs.nyha,
        "rhythm": inputs.rhythm,
        # Read to the whole ms, as the QRS is reported and written in the reason: a patient shown
        # "150 ms" must not be judged < 150 ms on the 149.7 ms behind it.
        "qrs_ms": None if qrs_ms is None else float(whole_ms(qrs_ms)),
        "morphology": None if morphology in (None, "undetermined") else morphology,
    }
    values.update({key: getattr(inputs, key) for key in OPTIONAL_INPUTS})
    return values


def _conditions_hold(when: tuple[Condition, ...], values: dict) -> bool:
    return _status(when, values)[0] is True


def _status(when: tuple[Condition, ...], values: dict) -> tuple[bool | None, list[str]]:
    """True (all hold), False (one fails) or None (undecided, with the blocking input keys).

    An unstated optional input counts as "no"; where "yes" is needed it blocks.
    """
    blockers: list[str] = []
    for key, op, target in when:
        value = values.get(key)
        if value is None and key in OPTIONAL_INPUTS:
            value = False  # not stated means "no"; the row may still be listed as open
            if not OPERATORS[op](value, target):
                blockers.append(key)
                continue
        if value is None:
            blockers.append(key)
        elif not OPERATORS[op](value, target):
            return False, []
    return (None, blockers) if blockers else (True, [])


def _strength(rule: Rule) -> int:
    return 10 if rule.overrides else _RANK[rule.cls]


def _missing(best: Rule | None, open_rows: list[tuple[Rule, list[str]]]) -> list[str]:
    """Readable names of the core inputs whose absence leaves a stronger row undecided.

    Without an answer every open row counts but a contraindication (it only matters against
    a recommendation).
    """
    keys: list[str] = []
    for rule, blockers in open_rows:
        if (rule.overrides and best is None) or (best and _strength(rule) <= _strength(best)):
            continue
        keys += blockers
    return _readable(keys)


def _readable(keys: list[str]) -> list[str]:
    """Unique readable input names in the tables' input order."""
    return [name for key, name in INPUT_NAMES.items() if key in keys]


def _reason(guideline: Guideline, rule: Rule) -> str:
    """The row's wording, its grade as far as it was verified, how it was read, and its notes."""
    own = rule.cor and rule.cor != rule.cls  # the guideline writes the class its own way
    if rule.verification == VERIFIED:
        grade = f"COR {rule.cor}, LOE {rule.loe}; Class {rule.cls}" if own \
            else f"Class {rule.cls}, {rule.loe}"
    else:  # no level to show; a class not read in any copy is the table's, so marked
        encoded = " as encoded" if rule.verification == NOT_VERIFIED else ""
        grade = (f"COR {rule.cor}{encoded}; Class {rule.cls}" if own
                 else f"Class {rule.cls}{encoded}") + f"; {rule.verification}"
    return " ".join(part for part in (f"{guideline.short}: {rule.text} ({grade}).", rule.reading,
                                      rule.note) if part)


def _gaps_text(gaps: list[str]) -> str:
    return f" Not covered here: {'; '.join(gaps)}." if gaps else ""


def _no_match_reason(
    guideline: Guideline, values: dict, missing: list[str], unstated: list[str]
) -> str:
    stated = describe_inputs(values)
    if missing:
        given = f" for {stated}" if stated else ""
        return f"{guideline.short}: no CRT recommendation can be decided{given}; needed: {english_list(missing)}."
    text = f"{guideline.short}: no CRT recommendation applies" + (f" to {stated}" if stated else "")
    if values.get("morphology") == "paced":
        text += " (a paced QRS is not read against the QRS-duration and morphology criteria)"
    if unstated:
        text += f"; one may apply if present: {english_list(unstated, 'or')}"
    return text + "."


def describe_inputs(values: dict) -> str:
    """The stated inputs in words, e.g. 'LVEF 30 %, NYHA III, sinus rhythm, QRS 152 ms, LBBB ...'."""
    parts = []
    if values.get("lvef") is not None:
        parts.append(f"LVEF {values['lvef']:g} %")
    if values.get("nyha") is not None:
        parts.append(f"NYHA {_NYHA_ROMAN[values['nyha']]}")
    if values.get("rhythm") is not None:
        parts.append({"sinus": "sinus rhythm", "af": "AF"}[values["rhythm"]])
    if values.get("qrs_ms") is not None:
        parts.append(f"QRS {values['qrs_ms']:g} ms")
    if values.get("morphology") is not None:
        parts.append(f"{values['morphology']} morphology")
    parts += [INPUT_NAMES[k] for k in OPTIONAL_INPUTS if values.get(k)]
    return ", ".join(parts)
