"""The CRT guideline tables and their engine: every row, the boundaries, missing inputs."""

from __future__ import annotations

import pytest

from ecgcrt_gui.core.guidelines.engine import GUIDELINES, ClinicalInputs, evaluate
from ecgcrt_gui.core.guidelines.table import LEVEL_NOT_VERIFIED, NOT_VERIFIED, VERIFIED

SR = dict(rhythm="sinus")
AF = dict(rhythm="af")

# One patient per table row that must be decided by exactly that row:
# rule id -> (ClinicalInputs kwargs, QRS ms, morphology, expected class, expected level).
# Classes and levels are those read in the sources each row names (`Rule.where`); a level that
# could not be verified is None.
ROW_CASES = {
    # ESC 2021
    "esc-sr-lbbb-150": (dict(lvef=30, nyha=2, **SR), 150, "LBBB", "I", "A"),
    "esc-sr-lbbb-130": (dict(lvef=35, nyha=3, **SR), 130, "LBBB", "IIa", "B"),
    "esc-sr-nonlbbb-150": (dict(lvef=25, nyha=4, **SR), 160, "RBBB", "IIa", "B"),
    "esc-sr-nonlbbb-130": (dict(lvef=30, nyha=2, **SR), 149, "IVCD", "IIb", "B"),
    "esc-narrow-qrs": (dict(lvef=30, nyha=3, **SR), 129, "LBBB", "III", "A"),
    "esc-af-130": (dict(lvef=30, nyha=3, af_biv_pacing_assured=True, **AF), 130, "RBBB",
                   "IIa", "C"),
    "esc-af-avj-hfref": (dict(lvef=39, nyha=2, av_junction_ablation=True, **AF), 100, "normal",
                         "I", "B"),
    "esc-af-avj-hfmref": (dict(lvef=45, nyha=2, av_junction_ablation=True, **AF), 100, "normal",
                          "IIa", "C"),
    "esc-af-avj-hfpef": (dict(lvef=50, nyha=2, av_junction_ablation=True, **AF), 100, "normal",
                         "IIb", "C"),
    "esc-pacing-hfref": (dict(lvef=38, nyha=1, pacing_indication=True, **SR), 100, "normal",
                         "I", "A"),
    "esc-upgrade": (dict(lvef=35, nyha=2, rv_pacing_high=True, **SR), 170, "paced", "IIa", "B"),
    # ACCF/AHA/HRS 2012
    "acc-limited-survival": (dict(lvef=25, nyha=3, limited_survival=True, **SR), 170, "LBBB",
                             "III", "C"),
    "acc-sr-lbbb-150": (dict(lvef=30, nyha=4, **SR), 150, "LBBB", "I", None),
    "acc-sr-lbbb-120": (dict(lvef=35, nyha=2, **SR), 120, "LBBB", "IIa", "B"),
    "acc-sr-nonlbbb-150-nyha34": (dict(lvef=30, nyha=3, **SR), 150, "IVCD", "IIa", "A"),
    "acc-af-pacing": (dict(lvef=30, nyha=1, pacing_indication=True, af_biv_pacing_assured=True,
                           **AF), 100, "normal", "IIa", "B"),
    "acc-af-avj": (dict(lvef=30, nyha=2, av_junction_ablation=True, **AF), 100, "normal",
                   "IIa", "B"),
    "acc-af-lbbb-120": (dict(lvef=30, nyha=2, af_biv_pacing_assured=True, **AF), 120, "LBBB",
                        "IIa", "B"),
    "acc-af-nonlbbb-150": (dict(lvef=30, nyha=3, af_biv_pacing_assured=True, **AF), 150, "RBBB",
                           "IIa", "B"),
    "acc-pacing-40": (dict(lvef=35, nyha=3, pacing_indication=True, **SR), 100, "normal",
                      "IIa", "C"),
    "acc-sr-lbbb-150-nyha1": (dict(lvef=30, nyha=1, ischemic_etiology=True, **SR), 150, "LBBB",
                              "IIb", "C"),
    "acc-sr-nonlbbb-120-nyha34": (dict(lvef=30, nyha=3, **SR), 120, "RBBB", "IIb", "B"),
    "acc-sr-nonlbbb-150-nyha2": (dict(lvef=30, nyha=2, **SR), 150, "RBBB", "IIb", "B"),
    "acc-nonlbbb-narrow-nyha12": (dict(lvef=30, nyha=2, **SR), 149, "RBBB", "III", "B"),
    # HRS/APHRS/LAHRS 2023
    "hrs-sr-lbbb-150": (dict(lvef=35, nyha=2, **SR), 150, "LBBB", "I", None),
    "hrs-sr-lbbb-120": (dict(lvef=30, nyha=4, **SR), 120, "LBBB", "IIa", None),
    "hrs-sr-lbbb-150-nyha1": (dict(lvef=30, nyha=1, ischemic_etiology=True, **SR), 150, "LBBB",
                              "IIb", None),
    "hrs-sr-nonlbbb-150-nyha34": (dict(lvef=30, nyha=3, **SR), 150, "RBBB", "IIa", "A"),
    "hrs-sr-nonlbbb-150-nyha2": (dict(lvef=30, nyha=2, **SR), 150, "IVCD", "IIb", "B-R"),
    "hrs-sr-nonlbbb-120-nyha34": (dict(lvef=30, nyha=3, **SR), 120, "IVCD", "IIb", "B-NR"),
    "hrs-pacing-lvef36-50": (dict(lvef=50, nyha=1, pacing_indication=True, **SR), 100, "normal",
                             "IIa", "B-R"),
    "hrs-pacing-normal-lvef": (dict(lvef=55, nyha=1, pacing_indication=True, **SR), 100,
                               "normal", "IIb", "B-NR"),
    "hrs-pacing-low-lvef36-50-lbbb": (dict(lvef=45, nyha=2, pacing_indication_low_burden=True,
                                           **SR), 140, "LBBB", "IIb", "C-LD"),
    "hrs-pacing-low-normal-lvef": (dict(lvef=60, nyha=1, pacing_indication_low_burden=True, **SR),
                                   100, "normal", "III", "B-R"),
    "hrs-narrow-qrs": (dict(lvef=30, nyha=3, **SR), 119, "LBBB", "III", "B-R"),
    "hrs-sr-nonlbbb-narrow-nyha12": (dict(lvef=30, nyha=1, **SR), 149, "RBBB", "III", "B-R"),
}


def _one(name: str, qrs: float | None, morphology: str, **inputs):
    (result,) = evaluate(ClinicalInputs(**inputs), qrs, morphology, names=[name])
    return result


def test_every_row_has_a_case():
    rows = {rule.id for g in GUIDELINES.values() for rule in g.rules}
    assert rows == set(ROW_CASES)
    assert list(GUIDELINES) == ["esc2021", "acc2012", "hrs2023"]


@pytest.mark.parametrize("rule_id", sorted(ROW_CASES))
def test_row_decides(rule_id: str):
    inputs, qrs, morphology, cls, loe = ROW_CASES[rule_id]
    name = {"esc": "esc2021", "acc": "acc2012", "hrs": "hrs2023"}[rule_id[:3]]
    result = _one(name, qrs, morphology, **inputs)
    assert result.rule_id == rule_id
    assert (result.recommendation_class, result.level_of_evidence) == (cls, loe)
    assert result.missing_inputs == []
    assert f"Class {cls}" in result.reason
    assert result.reason.startswith(GUIDELINES[name].short + ": ")
    rule = next(r for r in GUIDELINES[name].rules if r.id == rule_id)
    assert result.quoted_from == rule.where and result.verification == rule.verification
    if loe is None:  # never a guessed level: the reason says it was not verified
        assert result.verification in (LEVEL_NOT_VERIFIED, NOT_VERIFIED)
        assert result.verification in result.reason
    else:
        assert result.verification == VERIFIED and loe in result.reason


def test_every_row_says_where_it_was_read():
    """Verified rows name the readable copy they were checked against; the others say what is
    missing."""
    copies = {"esc2021": ("bdeornelas/bdeornelas.github.io",),
              "acc2012": ("ctxheart.com", "lab230.com", "eguideline.guidelinecentral.com"),
              "hrs2023": ("eguideline.guidelinecentral.com", "PMC11062890", "sattimd.com")}
    for name, g in GUIDELINES.items():
        for rule in g.rules:
            assert any(c in rule.where for c in copies[name]), rule.id
            if rule.verification == VERIFIED:
                assert rule.loe and "not in any readable copy" not in rule.where, rule.id
            else:
                assert not rule.loe and rule.note, rule.id


@pytest.mark.parametrize(
    "qrs, morphology, expected",
    [(129, "LBBB", "III"), (130, "LBBB", "IIa"), (149, "LBBB", "IIa"), (149.4, "LBBB", "IIa"), (149.6, "LBBB", "I"),
     (150, "LBBB", "I"), (129, "RBBB", "III"), (130, "RBBB", "IIb"), (150, "RBBB", "IIa")],
)
def test_esc_qrs_boundaries(qrs, morphology, expected):
    assert _one("esc2021", qrs, morphology, lvef=30, nyha=3, **SR).recommendation_class == expected


@pytest.mark.parametrize(
    "name, qrs, morphology, expected",
    [("acc2012", 119, "LBBB", None), ("acc2012", 120, "LBBB", "IIa"), ("acc2012", 150, "LBBB", "I"),
     ("hrs2023", 119, "LBBB", "III"), ("hrs2023", 120, "LBBB", "IIa"),
     ("hrs2023", 119, "RBBB", "III"), ("hrs2023", 120, "RBBB", "IIb")],
)
def test_us_qrs_boundaries(name, qrs, morphology, expected):
    assert _one(name, qrs, morphology, lvef=30, nyha=3, **SR).recommendation_class == expected


@pytest.mark.parametrize("name", list(GUIDELINES))
def test_lvef_boundary(name):
    assert _one(name, 160, "LBBB", lvef=35, nyha=3, **SR).recommendation_class == "I"
    assert _one(name, 160, "LBBB", lvef=36, nyha=3, **SR).recommendation_class != "I"


@pytest.mark.parametrize(
    "name, nyha, expected",
    [("esc2021", 1, None), ("esc2021", 2, "I"), ("esc2021", 4, "I"),
     ("acc2012", 1, None), ("acc2012", 2, "I"), ("acc2012", 4, "I"),
     ("hrs2023", 1, None), ("hrs2023", 2, "I"), ("hrs2023", 4, "I")],
)
def test_nyha_boundaries(name, nyha, expected):
    result = _one(name, 160, "LBBB", lvef=30, nyha=nyha, **SR)
    assert result.recommendation_class == expected


def test_acc_nyha1_needs_ischaemic_aetiology_and_lvef_30():
    assert _one("acc2012", 160, "LBBB", lvef=30, nyha=1, ischemic_etiology=False,
                **SR).recommendation_class is None
    assert _one("acc2012", 160, "LBBB", lvef=31, nyha=1, ischemic_etiology=True,
                **SR).recommendation_class is None


def test_missing_inputs_are_named():
    results = evaluate(ClinicalInputs(), 160, "LBBB")
    for r in results:
        assert r.recommendation_class is None
        assert {"LVEF", "NYHA class", "rhythm"} <= set(r.missing_inputs)
        assert r.reason.endswith("; needed: LVEF, NYHA class and rhythm."), r.reason
    only_nyha = evaluate(ClinicalInputs(lvef=30, rhythm="sinus"), 160, "LBBB")
    assert [r.missing_inputs for r in only_nyha] == [["NYHA class"]] * 3


def test_undetermined_morphology_and_missing_qrs_are_missing_inputs():
    r = _one("esc2021", 140, "undetermined", lvef=30, nyha=3, **SR)
    assert r.recommendation_class is None and r.missing_inputs == ["QRS morphology"]
    r = _one("acc2012", None, "LBBB", lvef=30, nyha=3, **SR)
    assert r.recommendation_class is None and r.missing_inputs == ["QRS duration"]
    # A class III row that does not depend on morphology still decides: no stronger row waits on
    # the morphology (the upgrade row asks for the stated RV pacing, not a paced-looking QRS).
    r = _one("esc2021", 110, "undetermined", lvef=30, nyha=3, **SR)
    assert r.rule_id == "esc-narrow-qrs" and r.missing_inputs == []
    r = _one("acc2012", 130, "undetermined", lvef=30, nyha=2, **SR)
    assert r.recommendation_class is None and r.missing_inputs == ["QRS morphology"]


def test_answer_with_a_stronger_row_still_open_lists_the_gap():
    # ACC: the pacing row (IIa) applies; the class I LBBB row waits on the NYHA class.
    r = _one("acc2012", 160, "LBBB", lvef=30, nyha=None, pacing_indication=True, **SR)
    assert r.rule_id == "acc-pacing-40" and r.missing_inputs == ["NYHA class"]
    # With a pacing need the class III row steps aside; the pacing row waits on the LVEF.
    r = _one("acc2012", 130, "RBBB", lvef=None, nyha=2, pacing_indication=True, **SR)
    assert r.recommendation_class is None and r.missing_inputs == ["LVEF"]


def test_paced_qrs_is_not_a_non_lbbb_pattern():
    for name in ("acc2012", "hrs2023"):
        r = _one(name, 170, "paced", lvef=30, nyha=3, **SR)
        assert r.recommendation_class is None and r.missing_inputs == []
        assert "paced" in r.reason


def test_no_match_names_the_inputs_and_the_optional_ones_that_could_apply():
    r = _one("hrs2023", 120, "LBBB", lvef=45, nyha=2, **SR)
    assert r.recommendation_class is None
    assert "no CRT recommendation applies to LVEF 45 %, NYHA II, sinus rhythm, QRS 120 ms" in r.reason
    assert "indication for ventricular pacing" in r.reason
    r = _one("acc2012", 120, "LBBB", lvef=45, nyha=2, **SR)
    assert r.reason.endswith("LBBB morphology.")


def test_strongest_class_wins_and_positive_beats_class_iii():
    # ESC pacing indication (I A) alongside the sinus-rhythm IIb row.
    r = _one("esc2021", 140, "RBBB", lvef=30, nyha=2, pacing_indication=True, **SR)
    assert r.rule_id == "esc-pacing-hfref"
    # ACC: NYHA II non-LBBB < 150 ms is class III, but a > 40 % pacing need is a separate IIa.
    r = _one("acc2012", 130, "RBBB", lvef=30, nyha=2, pacing_indication=True, **SR)
    assert r.rule_id == "acc-pacing-40"
    # ESC: AV-junction ablation lifts the < 130 ms class III.
    r = _one("esc2021", 100, "normal", lvef=30, nyha=2, av_junction_ablation=True, **AF)
    assert r.rule_id == "esc-af-avj-hfref"


def test_contraindication_overrides_class_i():
    r = _one("acc2012", 170, "LBBB", lvef=25, nyha=3, limited_survival=True, **SR)
    assert r.recommendation_class == "III" and "to < 1 year" in r.reason


def test_af_needs_assured_biventricular_pacing():
    r = _one("esc2021", 140, "LBBB", lvef=30, nyha=3, **AF)
    assert r.recommendation_class is None
    assert "near-100 % biventricular pacing" in r.reason
    r = _one("esc2021", 140, "LBBB", lvef=30, nyha=2, af_biv_pacing_assured=True, **AF)
    assert r.recommendation_class is None  # ESC AF row needs NYHA III-IV


def test_hrs_pacing_rows_split_at_lvef_50():
    r = _one("hrs2023", 100, "normal", lvef=36, nyha=1, pacing_indication=True, **SR)
    assert (r.rule_id, r.level_of_evidence) == ("hrs-pacing-lvef36-50", "B-R")
    r = _one("hrs2023", 100, "normal", lvef=51, nyha=1, pacing_indication=True, **SR)
    assert r.rule_id == "hrs-pacing-normal-lvef"


def test_class_iii_rows_keep_the_guidelines_grade():
    r = _one("acc2012", 149, "RBBB", lvef=30, nyha=2, **SR)
    assert "COR III: No Benefit, LOE B; Class III" in r.reason
    r = _one("hrs2023", 119, "LBBB", lvef=30, nyha=2, **SR)
    assert "COR 3: No Benefit, LOE B-R; Class III" in r.reason


def test_esc_upgrade_row_uses_the_guideline_wording():
    r = _one("esc2021", 170, "paced", lvef=35, nyha=2, rv_pacing_high=True, **SR)
    assert "who subsequently develop symptomatic HF" in r.reason


def test_hrs_reason_keeps_original_class():
    r = _one("hrs2023", 120, "RBBB", lvef=30, nyha=3, **SR)
    assert "COR 2b, LOE B-NR; Class IIb" in r.reason
    r = _one("hrs2023", 120, "LBBB", lvef=30, nyha=2, **SR)
    assert "COR 2a as encoded; Class IIa; class and level not verified" in r.reason


def test_to_dict_keys_and_order_of_results():
    results = evaluate(ClinicalInputs(30, 3, "F", "sinus"), 160.0, "LBBB")
    assert [r.name for r in results] == ["esc2021", "acc2012", "hrs2023"]
    d = results[0].to_dict()
    assert set(d) == {"name", "title", "recommendation_class", "level_of_evidence", "reason",
                      "missing_inputs", "source", "rule_id", "verification", "quoted_from",
                      "qrs_uncertainty"}
    assert (d["rule_id"], d["verification"]) == ("esc-sr-lbbb-150", VERIFIED)
    assert "2021_Cardiac_Pacing_CRT.md" in d["quoted_from"]
    acc = results[1].to_dict()  # a class whose level could not be checked: no level, and says so
    assert (acc["level_of_evidence"], acc["verification"]) == (None, LEVEL_NOT_VERIFIED)
    assert d["recommendation_class"] == "I" and "Eur Heart J" in d["source"]
    assert "3427" in d["source"] and "Glikson" in d["source"]
    assert "Circulation" in results[1].source and "Heart Rhythm" in results[2].source


def test_bad_inputs_raise_plain_errors():
    with pytest.raises(ValueError, match="NYHA"):
        ClinicalInputs(nyha=5)
    with pytest.raises(ValueError, match="LVEF"):
        ClinicalInputs(lvef=120)
    with pytest.raises(ValueError, match="rhythm"):
        ClinicalInputs(rhythm="flutter")
    with pytest.raises(ValueError, match="unknown guideline"):
        evaluate(ClinicalInputs(), 120, "LBBB", names=["nice2014"])
    with pytest.raises(ValueError, match="morphology"):
        evaluate(ClinicalInputs(), 120, "LBBB-ish")


def test_qrs_is_judged_and_quoted_to_the_whole_ms():
    """A measured 149.7 ms is reported as 150 ms, so it is judged as 150 ms (ESC class I with LBBB)."""
    inputs = ClinicalInputs(lvef=30, nyha=2, rhythm="sinus")
    esc = evaluate(inputs, 149.7, "LBBB", ["esc2021"])[0]
    assert esc.recommendation_class == "I"
    none = evaluate(ClinicalInputs(), 180.556, "paced", ["acc2012"])[0]
    assert "QRS 181 ms" in none.reason and "180.556" not in none.reason


def test_class_that_changes_within_the_qrs_spread_says_so():
    """LBBB, LVEF 30 %, NYHA III: ESC 2021 gives class IIa at 130-149 ms and class I from 150 ms; a
    148 ms median whose beats read 144-153 ms is a class that rests on the measurement's uncertainty."""
    from ecgcrt_gui.core.guidelines.engine import cutoffs_within, evaluate_with_spread

    inputs = ClinicalInputs(lvef=30, nyha=3, rhythm="sinus")
    results = {g.name: g for g in evaluate_with_spread(inputs, 148.0, (144.0, 153.0), "LBBB")}
    esc = results["esc2021"]
    assert esc.recommendation_class == "IIa"  # the class itself is still the median's
    assert "the 150 ms cut-off" in esc.qrs_uncertainty and "class I at 153 ms" in esc.qrs_uncertainty
    assert esc.to_dict()["qrs_uncertainty"] == esc.qrs_uncertainty
    assert cutoffs_within((144.0, 153.0)) == (150.0,)
    # a spread that stays on one side of every cut-off, or no spread at all: nothing to say
    assert all(g.qrs_uncertainty is None for g in evaluate_with_spread(inputs, 160.0, (155.0, 166.0), "LBBB"))
    assert all(g.qrs_uncertainty is None for g in evaluate_with_spread(inputs, 148.0, None, "LBBB"))
    # the spread crosses 150 but no class changes there (LVEF 60 %: no CRT row applies either side)
    assert all(g.qrs_uncertainty is None
               for g in evaluate_with_spread(ClinicalInputs(lvef=60, nyha=3, rhythm="sinus"), 148.0, (144.0, 153.0), "LBBB"))
