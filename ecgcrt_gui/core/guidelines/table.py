"""The shape of a guideline's CRT recommendation table: rows of simple conditions on named inputs.

A row (Rule) holds the conditions under which one recommendation applies, its class of
recommendation, its level of evidence, the recommendation's wording as the source prints it, where
that wording was read, and how far it could be checked. The tables are data;
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
    "pacing_indication_low_burden": (
        "pacing indication with less than substantial ventricular pacing (< 20–40 %)"
    ),
    # Pacemaker or ICD; one ECG cannot show the proportion, even where every beat on it is paced.
    "rv_pacing_high": "already paced, with a high proportion of RV pacing (about 20 % or more)",
    "av_junction_ablation": "AV-junction ablation planned for rate control",
    "af_biv_pacing_assured": "near-100 % biventricular pacing ensured in AF",
    "ischemic_etiology": "ischaemic aetiology of HF",
    "limited_survival": "comorbidity/frailty limiting survival to < 1 year",
}
INPUT_NAMES: dict[str, str] = {**CORE_INPUTS, **OPTIONAL_INPUTS}
# Optional inputs that contradict each other: at most one of each pair may be "yes".
EXCLUSIVE_INPUTS: tuple[tuple[str, str], ...] = (("pacing_indication", "pacing_indication_low_burden"),)

# Intrinsic QRS morphologies other than LBBB: the tables' "non-LBBB" (a paced QRS is not one).
NON_LBBB = ("RBBB", "IVCD", "normal")
INTRINSIC = ("LBBB", *NON_LBBB)  # the patient's own conduction, as opposed to a paced QRS
SYMPTOMATIC = (2, 3, 4)  # NYHA II to (ambulatory) IV: "symptomatic despite medical therapy"
# The QRS-based "not recommended" rows address CRT for conduction delay: they do not speak to a
# patient who needs ventricular pacing of high burden, is about to be made pacing dependent by
# AV-junction ablation, or is already paced with a high proportion of RV pacing.
NO_PACING_NEED = (("pacing_indication", "==", False), ("av_junction_ablation", "==", False),
                  ("rv_pacing_high", "==", False))

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

# How far a row could be checked against a readable copy of its guideline.
VERIFIED = "verified"  # class, level and wording read in the copy named by the row
LEVEL_NOT_VERIFIED = "level not verified"  # class and wording read; the level was not found
NOT_VERIFIED = "class and level not verified"  # no readable copy of the row was found
VERIFICATION = (VERIFIED, LEVEL_NOT_VERIFIED, NOT_VERIFIED)


@dataclass(frozen=True)
class Rule:
    """One recommendation of a guideline: it applies when every condition holds."""

    id: str
    cls: str  # "I" | "IIa" | "IIb" | "III"
    loe: str  # level of evidence as the guideline writes it ("A", "B-NR", ...); "" if not verified
    when: tuple[Condition, ...]
    # The recommendation's wording, verbatim from `where`; where the row is not verified, the
    # app's own summary of it, and the reason says so.
    text: str
    where: str  # where the wording (and class, level) was read: section, table, readable copy
    cor: str = ""  # class as the guideline writes it, where it differs from cls ("2a" -> "IIa")
    overrides: bool = False  # a contraindication that stands whatever else applies
    verification: str = VERIFIED
    reading: str = ""  # how the app reads the row's condition from the inputs, where not literal
    note: str = ""  # what else the source says beside this row (another level printed, ...)

    def __post_init__(self) -> None:
        if self.cls not in CLASSES:
            raise ValueError(f"{self.id}: unknown class {self.cls!r}")
        if self.verification not in VERIFICATION:
            raise ValueError(f"{self.id}: unknown verification {self.verification!r}")
        if bool(self.loe) != (self.verification == VERIFIED):
            raise ValueError(f"{self.id}: a level of evidence is given exactly when it was verified")
        if not self.where:
            raise ValueError(f"{self.id}: say where the row was read (or looked for)")
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
    # Parts of the guideline that could not be read and are therefore not encoded:
    # (conditions under which they would matter, what to tell the user then).
    gaps: tuple[tuple[tuple[Condition, ...], str], ...] = ()
