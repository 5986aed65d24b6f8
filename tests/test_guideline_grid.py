"""The guideline engine against an encoding written separately from its tables, over a grid of patients.

The expected classes below are written from the guideline texts themselves (the wording quoted in
each function's docstring), as plain decisions, without the engine's tables, operators or
row order. The grid is LVEF 30/38 % x QRS 125/140/155 ms x LBBB / non-LBBB x NYHA I-IV x sinus /
AF, and, for the ablation and pacing rows, LVEF 45/55 %, a paced QRS, a stated pacing need (high
or low burden), RV pacing already high, AV-junction ablation and assured biventricular pacing
in AF, and ischaemic aetiology.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from ecgcrt_gui.core.guidelines.engine import ClinicalInputs, evaluate

STRENGTH = {"I": 3, "IIa": 2, "IIb": 1}


@dataclass(frozen=True)
class Patient:
    lvef: float
    qrs: float
    morphology: str  # "LBBB", "RBBB" or "paced"
    nyha: int
    rhythm: str
    pacing: str = "none"  # "none", "high" (high expected burden) or "low" (less than substantial)
    rv_paced_high: bool = False
    avj_ablation: bool = False
    biv_assured: bool = False
    ischaemic: bool = False

    @property
    def lbbb(self) -> bool:
        return self.morphology == "LBBB"

    @property
    def non_lbbb(self) -> bool:  # an intrinsic QRS that is not LBBB; a paced QRS is neither
        return self.morphology == "RBBB"

    @property
    def needs_pacing(self) -> bool:  # about to be, or already, ventricular-paced at a high rate
        return self.pacing == "high" or self.avj_ablation or self.rv_paced_high


def strongest(positive: list[str], not_recommended: bool) -> str | None:
    if positive:
        return max(positive, key=STRENGTH.__getitem__)
    return "III" if not_recommended else None


def esc2021(p: Patient) -> str | None:
    """ESC 2021 (full text, sections 6.2-6.5):
    SR: "CRT is recommended for symptomatic patients with HF in SR with LVEF <=35%, QRS duration
    >=150 ms, and LBBB QRS morphology" I; "... 130-149 ms, and LBBB" IIa; "... >=150 ms, and
    non-LBBB" IIa; "... 130-149 ms, and non-LBBB" IIb; symptomatic = "NYHA functional class II-IV".
    "CRT is not indicated in patients with HF and QRS duration <130 ms without an indication for
    RV pacing" III.
    AF: "CRT should be considered for patients with HF and LVEF <=35% in NYHA class III or IV ...
    if they are in AF and have intrinsic QRS >=130 ms, provided a strategy to ensure
    biventricular capture is in place" IIa. Candidates for AVJ ablation: "CRT is recommended in
    patients with HFrEF" I, "CRT rather than standard RV pacing should be considered in patients
    with HFmrEF" IIa, "CRT may be considered in patients with HFpEF" IIb (HFrEF < 40 %, HFmrEF
    40-49 %, HFpEF >= 50 %).
    "CRT rather than RV pacing is recommended for patients with HFrEF (<40%) regardless of NYHA
    class who have an indication for ventricular pacing and high-degree AVB" I.
    Upgrade: pacemaker or ICD, "symptomatic HF with LVEF <=35% ... and who have a significant
    proportion of RV pacing" IIa.
    """
    positive = []
    own_qrs = p.morphology != "paced"
    if p.rhythm == "sinus" and p.lvef <= 35 and p.nyha >= 2 and own_qrs:
        if p.qrs >= 150:
            positive.append("I" if p.lbbb else "IIa")
        elif p.qrs >= 130:
            positive.append("IIa" if p.lbbb else "IIb")
    if (p.rhythm == "af" and p.lvef <= 35 and p.nyha >= 3 and own_qrs and p.qrs >= 130
            and p.biv_assured):
        positive.append("IIa")
    if p.rhythm == "af" and p.avj_ablation:
        positive.append("I" if p.lvef < 40 else "IIa" if p.lvef < 50 else "IIb")
    if p.pacing == "high" and p.lvef < 40:
        positive.append("I")
    if p.rv_paced_high and p.lvef <= 35 and p.nyha >= 2:
        positive.append("IIa")
    return strongest(positive, p.qrs < 130 and not p.needs_pacing and p.pacing == "none")


def acc2012(p: Patient) -> str | None:
    """ACCF/AHA/HRS 2012 (CRT table, secondary copies):
    I: "LVEF <=35%, sinus rhythm, LBBB with a QRS duration >=150 ms, and NYHA class II, III, or
    ambulatory IV". IIa: "LBBB with a QRS duration 120 to 149 ms, and NYHA class II, III, or
    ambulatory IV"; "a non-LBBB pattern with a QRS duration >=150 ms, and NYHA class
    III/ambulatory class IV"; AF, LVEF <=35 %, "if (a) the patient requires ventricular pacing or
    otherwise meets CRT criteria and (b) AV nodal ablation or pharmacologic rate control will
    allow near 100% ventricular pacing"; "LVEF <=35% ... anticipated requirement for significant
    (>40%) ventricular pacing". IIb: "LVEF <=30%, ischemic etiology of heart failure, sinus
    rhythm, LBBB with a QRS duration >=150 ms, and NYHA class I"; "non-LBBB pattern with QRS
    duration 120 to 149 ms, and NYHA class III/ambulatory class IV"; "non-LBBB pattern with a QRS
    duration >=150 ms, and NYHA class II". III: "NYHA class I or II symptoms and non-LBBB pattern
    with QRS duration <150 ms".
    """
    positive = []
    sinus_hfref = p.rhythm == "sinus" and p.lvef <= 35
    if sinus_hfref and p.lbbb and p.nyha >= 2:
        positive.append("I" if p.qrs >= 150 else "IIa" if p.qrs >= 120 else None)
    if sinus_hfref and p.non_lbbb and p.qrs >= 150:
        positive.append("IIa" if p.nyha >= 3 else "IIb" if p.nyha == 2 else None)
    if sinus_hfref and p.non_lbbb and 120 <= p.qrs < 150 and p.nyha >= 3:
        positive.append("IIb")
    if p.rhythm == "af" and p.lvef <= 35:
        requires_pacing = p.pacing == "high" or p.avj_ablation
        meets_criteria = ((p.lbbb and p.qrs >= 120 and p.nyha >= 2)
                          or (p.non_lbbb and p.qrs >= 150 and p.nyha >= 3))
        if (requires_pacing or meets_criteria) and (p.avj_ablation or p.biv_assured):
            positive.append("IIa")
    if p.pacing == "high" and p.lvef <= 35:
        positive.append("IIa")
    if (p.rhythm == "sinus" and p.lvef <= 30 and p.ischaemic and p.lbbb and p.qrs >= 150
            and p.nyha == 1):
        positive.append("IIb")
    positive = [c for c in positive if c]
    return strongest(positive, p.non_lbbb and p.nyha <= 2 and p.qrs < 150 and not p.needs_pacing)


def hrs2023(p: Patient) -> str | None:
    """HRS/APHRS/LAHRS 2023 (pocket guide pp. 10 and 16, PMC11062890 table T3; the LBBB rows as
    encoded, not verified):
    Non-LBBB, LVEF <=35 %, sinus rhythm: QRS >=150 ms "NYHA class III or ambulatory class IV" 2a,
    "NYHA class II" 2b; "QRS duration 120-149 ms, and NYHA class III or IV" 2b; "QRS duration
    <150 ms, and NYHA class I or II ... not recommended" 3. "LVEF <=35%, NYHA class II to IV
    symptoms on GDMT, and QRS duration <120 ms, CRT with BiV pacing is not recommended" 3.
    Pacing indication, substantial ventricular pacing: "LVEF 36%-50%" 2a, "normal LVEF" 2b; less
    than substantial: "LVEF 36%-50% and LBBB" 2b, "normal LVEF ... CRT with BiV pacing is not
    indicated" 3. LBBB, LVEF <=35 %, sinus rhythm, NYHA II-IV: QRS >=150 ms 1 (class read in a
    summary), 120-149 ms 2a (not verified); NYHA I with LVEF <=30 % and ischaemic cause 2b (not
    verified). No AF rows (not read).
    """
    positive = []
    sinus_hfref = p.rhythm == "sinus" and p.lvef <= 35
    if sinus_hfref and p.lbbb and p.nyha >= 2 and p.qrs >= 120:
        positive.append("I" if p.qrs >= 150 else "IIa")
    if (p.rhythm == "sinus" and p.lvef <= 30 and p.ischaemic and p.lbbb and p.qrs >= 150
            and p.nyha == 1):
        positive.append("IIb")
    if sinus_hfref and p.non_lbbb and p.qrs >= 150 and p.nyha >= 2:
        positive.append("IIa" if p.nyha >= 3 else "IIb")
    if sinus_hfref and p.non_lbbb and 120 <= p.qrs < 150 and p.nyha >= 3:
        positive.append("IIb")
    mid_lvef, normal_lvef = 35 < p.lvef <= 50, p.lvef > 50
    if p.pacing == "high" and (mid_lvef or normal_lvef):
        positive.append("IIa" if mid_lvef else "IIb")
    if p.pacing == "low" and mid_lvef and p.lbbb:
        positive.append("IIb")
    not_recommended = (
        (p.lvef <= 35 and p.nyha >= 2 and p.qrs < 120 and not p.needs_pacing)
        or (sinus_hfref and p.non_lbbb and p.qrs < 150 and p.nyha <= 2 and not p.needs_pacing)
        or (p.pacing == "low" and normal_lvef))
    return strongest(positive, not_recommended)


EXPECTED = {"esc2021": esc2021, "acc2012": acc2012, "hrs2023": hrs2023}


def grid() -> list[Patient]:
    patients = []
    for lvef, qrs, morphology, nyha, ischaemic in itertools.product(
            (30, 38, 45, 55), (125, 140, 155), ("LBBB", "RBBB", "paced"), (1, 2, 3, 4),
            (False, True)):
        for pacing, rv_paced_high in itertools.product(("none", "high", "low"), (False, True)):
            patients.append(Patient(lvef, qrs, morphology, nyha, "sinus", pacing, rv_paced_high,
                                    ischaemic=ischaemic))
            for avj, biv in itertools.product((False, True), repeat=2):
                patients.append(Patient(lvef, qrs, morphology, nyha, "af", pacing, rv_paced_high,
                                        avj, biv, ischaemic))
    return patients


def inputs_of(p: Patient) -> ClinicalInputs:
    return ClinicalInputs(
        lvef=p.lvef, nyha=p.nyha, rhythm=p.rhythm, pacing_indication=p.pacing == "high",
        pacing_indication_low_burden=p.pacing == "low", rv_pacing_high=p.rv_paced_high,
        av_junction_ablation=p.avj_ablation, af_biv_pacing_assured=p.biv_assured,
        ischemic_etiology=p.ischaemic)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_engine_matches_the_independent_encoding_over_the_grid(name):
    patients = grid()
    assert len(patients) == 4 * 3 * 3 * 4 * 2 * 6 * 5
    wrong = []
    for p in patients:
        (result,) = evaluate(inputs_of(p), p.qrs, p.morphology, names=[name])
        if result.recommendation_class != EXPECTED[name](p):
            wrong.append((p, result.recommendation_class, EXPECTED[name](p), result.rule_id))
    assert not wrong, f"{len(wrong)} of {len(patients)} differ, e.g. {wrong[:3]}"


def test_grid_reaches_every_class_of_every_guideline():
    """The grid is not vacuous: each guideline gives I, IIa, IIb, III and no class somewhere."""
    for name, expected in EXPECTED.items():
        assert {expected(p) for p in grid()} == {"I", "IIa", "IIb", "III", None}, name


def test_reason_texts_never_call_a_paced_qrs_intrinsic_nor_assume_symptoms():
    """No reason calls a paced QRS intrinsic; "symptomatic" appears only where the patient has
    NYHA class II-IV or is a candidate for AV-junction ablation (the ESC table's "symptomatic AF
    and an uncontrolled heart rate"), and "symptomatic AF" only there."""
    for p in grid():
        for result in evaluate(inputs_of(p), p.qrs, p.morphology):
            reason = result.reason
            if p.morphology == "paced":
                assert "intrinsic" not in reason, (p, reason)
            if "symptomatic AF" in reason:
                assert result.rule_id.startswith("esc-af-avj"), (p, reason)
            elif "symptomatic" in reason:
                assert p.nyha >= 2, (p, reason)
