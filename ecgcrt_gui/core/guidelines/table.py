"""The shape of a guideline's CRT recommendation table: rows of simple conditions on named inputs.

A row (Rule) holds the conditions under which one recommendation applies, its class of
recommendation, its level of evidence and the recommendation's wording. The tables are data;
`ecgcrt_gui.core.guidelines.engine` evaluates them all with one generic engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Inputs the rows may name: key -> readable name. Core inputs decide every row that names them;
# when one is unknown the row cannot be decided and the input is reported as missing.
CORE_INPUTS: dict[str, str] = {
    "lvef": "LVEF",
    "nyha": "NYHA class",
    "rhythm": "rhythm",
    "qrs_ms": "QRS duration",
    "morphology": "QRS morphology",
}
# Optional yes/no inputs: not stated means "no" (the row does not apply), but when no row applies
# and stating one would make a row apply, it is listed as missing.
OPTIONAL_INPUTS: dict[str, str] = {
    "pacing_indication": "indication for ventricular pacing with a high expected pacing burden",
    "av_junction_ablation": "AV-junction ablation planned for rate control",
    "af_biv_pacing_assured": "near-100 % biventricular pacing ensured in AF",
    "ischemic_etiology": "ischaemic aetiology of HF",
    "limited_survival": "comorbidity/frailty limiting survival to < 1 year",
}
INPUT_NAMES: dict[str, str] = {**CORE_INPUTS, **OPTIONAL_INPUTS}

# Intrinsic QRS morphologies other than LBBB: the tables' "non-LBBB" (a paced QRS is not one).
NON_LBBB = ("RBBB", "IVCD", "normal")
SYMPTOMATIC = (2, 3, 4)  # NYHA II to (ambulatory) IV: "symptomatic despite medical therapy"

OPERATORS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "in": lambda a, b: a in b,
}

Condition = tuple[str, str, Any]  # (input key, operator, value), e.g. ("lvef", "<=", 35)

CLASSES = ("I", "IIa", "IIb", "III")


@dataclass(frozen=True)
class Rule:
    """One recommendation of a guideline: it applies when every condition holds."""

    id: str
    cls: str  # "I" | "IIa" | "IIb" | "III"
    loe: str  # level of evidence as the guideline writes it: "A", "B", "B-NR", "C-LD", ...
    when: tuple[Condition, ...]
    text: str  # the recommendation's wording
    cor: str = ""  # class as the guideline writes it, where it differs from cls ("2a" -> "IIa")
    overrides: bool = False  # a contraindication that stands whatever else applies

    def __post_init__(self) -> None:
        if self.cls not in CLASSES:
            raise ValueError(f"{self.id}: unknown class {self.cls!r}")
        for key, op, _ in self.when:
            if key not in INPUT_NAMES or op not in OPERATORS:
                raise ValueError(f"{self.id}: bad condition on {key!r} with {op!r}")


@dataclass(frozen=True)
class Guideline:
    """A guideline's CRT recommendations for sinus rhythm, AF and pacing indications."""

    name: str  # "esc2021"
    short: str  # "ESC 2021", the prefix of every reason
    title: str
    source: str  # full citation
    rules: tuple[Rule, ...]
