"""2012 ACCF/AHA/HRS focused update on device-based therapy: the CRT recommendations as a table.

The primary text (Tracy et al., Circulation 2012) could not be read; every row was checked against
secondary copies of its table "Recommendations for Cardiac Resynchronization Therapy in Patients
With Severe Systolic Heart Failure":
* _WORDING: https://ctxheart.com/guidelines/crt and https://dallasheart.com/page1/page5/page5.html
  (the wording and class of every row, identical on both);
* _LEVELS: http://lab230.com/gl3.html (the level of every row);
* _POCKET: the ACCF/AHA/HRS pocket guide, https://eguideline.guidelinecentral.com/i/244039/10
  (the three IIb rows and the two class III rows with their levels, "III-B: No Benefit",
  "III-C: No Benefit") and its CRT figure, https://eguideline.guidelinecentral.com/i/222921/31
  (NYHA, QRS, LVEF and rhythm per box).

The class I row's level is not verified: lab230 prints one level, B, for the whole row, while the
split "A for NYHA class III/IV, B for NYHA class II" appears only in a machine-written summary
(https://www.droracle.ai/articles/600212, A for class III/ambulatory IV); no copy of the table read
here prints both. The app shows "level not verified" for it.

NYHA class IV is taken as ambulatory class IV. The AF row applies "if (a) the patient requires
ventricular pacing or otherwise meets CRT criteria and (b) AV nodal ablation or pharmacologic rate
control will allow near 100 % ventricular pacing with CRT": it is split into one row per
alternative, "otherwise meets CRT criteria" read as the class I/IIa sinus-rhythm criteria (LBBB
>= 120 ms with NYHA II-IV, or non-LBBB >= 150 ms with NYHA III-IV), and a planned AV-nodal
ablation meets (a) and (b) at once (it makes the patient need ventricular pacing and lets CRT pace
near 100 %).
"""

from __future__ import annotations

from ecgcrt_gui.core.guidelines.table import (
    LEVEL_NOT_VERIFIED,
    NO_PACING_NEED,
    NON_LBBB,
    SYMPTOMATIC,
    Guideline,
    Rule,
)

_WORDING = "wording and class: ctxheart.com/guidelines/crt, dallasheart.com/page1/page5/page5.html"
_LEVELS = "level: lab230.com/gl3.html"
_POCKET = "ACCF/AHA/HRS pocket guide, eguideline.guidelinecentral.com/i/244039/10"
_CLASS_I = f"focused update, CRT table, Class I (1); {_WORDING}; {_LEVELS}"
_CLASS_IIA = "focused update, CRT table, Class IIa ({}); " + f"{_WORDING}; {_LEVELS}"
_CLASS_IIB = "focused update, CRT table, Class IIb ({}); " + f"{_WORDING}; {_POCKET}"
_CLASS_III = "focused update, CRT table, Class III ({}); " + f"{_WORDING}; {_POCKET}"

_SR_HFREF = (("rhythm", "==", "sinus"), ("lvef", "<=", 35))
_AF_HFREF = (("rhythm", "==", "af"), ("lvef", "<=", 35))
_AF_PACED = (*_AF_HFREF, ("af_biv_pacing_assured", "==", True))
_AF_TEXT = (
    "CRT can be useful in patients with atrial fibrillation and LVEF ≤ 35 % on GDMT if (a) the "
    "patient requires ventricular pacing or otherwise meets CRT criteria and (b) AV nodal ablation "
    "or pharmacologic rate control will allow near 100 % ventricular pacing with CRT"
)

RULES = (
    Rule(
        "acc-limited-survival", "III", "C", (("limited_survival", "==", True),),
        "CRT is not recommended for patients whose comorbidities and/or frailty limit survival "
        "with good functional capacity to < 1 year",
        f"focused update, CRT table, Class III (2); wording, class and level: {_POCKET} (the "
        "wording copies end before this row)", cor="III: No Benefit", overrides=True,
    ),
    Rule(
        "acc-sr-lbbb-150", "I", "",
        (*_SR_HFREF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 150),
         ("nyha", "in", SYMPTOMATIC)),
        "CRT is indicated for patients who have LVEF ≤ 35 %, sinus rhythm, LBBB with a QRS "
        "duration ≥ 150 ms, and NYHA class II, III, or ambulatory IV symptoms on GDMT",
        _CLASS_I, verification=LEVEL_NOT_VERIFIED,
        note=("Level: lab230 prints B for the whole row; a split into A for NYHA class III/IV and "
              "B for class II was not found in any copy of the table read."),
    ),
    Rule(
        "acc-sr-lbbb-120", "IIa", "B",
        (*_SR_HFREF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 120), ("qrs_ms", "<", 150),
         ("nyha", "in", SYMPTOMATIC)),
        "CRT can be useful for patients who have LVEF ≤ 35 %, sinus rhythm, LBBB with a QRS "
        "duration 120 to 149 ms, and NYHA class II, III, or ambulatory IV symptoms on GDMT",
        _CLASS_IIA.format(1),
    ),
    Rule(
        "acc-sr-nonlbbb-150-nyha34", "IIa", "A",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 150), ("nyha", "in", (3, 4))),
        "CRT can be useful for patients who have LVEF ≤ 35 %, sinus rhythm, a non-LBBB pattern "
        "with a QRS duration ≥ 150 ms, and NYHA class III/ambulatory class IV symptoms on GDMT",
        _CLASS_IIA.format(2),
    ),
    Rule(
        "acc-af-pacing", "IIa", "B", (*_AF_PACED, ("pacing_indication", "==", True)), _AF_TEXT,
        _CLASS_IIA.format(3),
        reading=("Applied as: the patient requires ventricular pacing (stated) and near-100 % "
                 "ventricular pacing is ensured (stated)."),
    ),
    Rule(
        "acc-af-avj", "IIa", "B", (*_AF_HFREF, ("av_junction_ablation", "==", True)), _AF_TEXT,
        _CLASS_IIA.format(3),
        reading=("Applied as: the planned AV-junction ablation makes the patient need ventricular "
                 "pacing and allows near-100 % ventricular pacing with CRT."),
    ),
    Rule(
        "acc-af-lbbb-120", "IIa", "B",
        (*_AF_PACED, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 120),
         ("nyha", "in", SYMPTOMATIC)),
        _AF_TEXT, _CLASS_IIA.format(3),
        reading=("Applied as: the patient otherwise meets CRT criteria (LBBB, QRS ≥ 120 ms, NYHA "
                 "II–IV) and near-100 % ventricular pacing is ensured (stated)."),
    ),
    Rule(
        "acc-af-nonlbbb-150", "IIa", "B",
        (*_AF_PACED, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 150),
         ("nyha", "in", (3, 4))),
        _AF_TEXT, _CLASS_IIA.format(3),
        reading=("Applied as: the patient otherwise meets CRT criteria (non-LBBB, QRS ≥ 150 ms, "
                 "NYHA III–IV) and near-100 % ventricular pacing is ensured (stated)."),
    ),
    Rule(
        "acc-pacing-40", "IIa", "C", (("lvef", "<=", 35), ("pacing_indication", "==", True)),
        "CRT can be useful for patients on GDMT who have LVEF ≤ 35 % and are undergoing new or "
        "replacement device placement with anticipated requirement for significant (> 40 %) "
        "ventricular pacing",
        _CLASS_IIA.format(4),
        reading=("Applied to the stated indication for ventricular pacing with a high expected "
                 "pacing burden, read as more than 40 % ventricular pacing."),
    ),
    Rule(
        "acc-sr-lbbb-150-nyha1", "IIb", "C",
        (("rhythm", "==", "sinus"), ("lvef", "<=", 30), ("ischemic_etiology", "==", True),
         ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 150), ("nyha", "==", 1)),
        "CRT may be considered for patients who have LVEF ≤ 30 %, ischemic etiology of heart "
        "failure, sinus rhythm, LBBB with a QRS duration ≥ 150 ms, and NYHA class I symptoms on GDMT",
        _CLASS_IIB.format(1),
    ),
    Rule(
        "acc-sr-nonlbbb-120-nyha34", "IIb", "B",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 120), ("qrs_ms", "<", 150),
         ("nyha", "in", (3, 4))),
        "CRT may be considered for patients who have LVEF ≤ 35 %, sinus rhythm, a non-LBBB "
        "pattern with QRS duration 120 to 149 ms, and NYHA class III/ambulatory class IV on GDMT",
        _CLASS_IIB.format(2),
    ),
    Rule(
        "acc-sr-nonlbbb-150-nyha2", "IIb", "B",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 150), ("nyha", "==", 2)),
        "CRT may be considered for patients who have LVEF ≤ 35 %, sinus rhythm, a non-LBBB "
        "pattern with a QRS duration ≥ 150 ms, and NYHA class II symptoms on GDMT",
        _CLASS_IIB.format(3),
    ),
    Rule(
        "acc-nonlbbb-narrow-nyha12", "III", "B",
        (("nyha", "in", (1, 2)), ("morphology", "in", NON_LBBB), ("qrs_ms", "<", 150),
         *NO_PACING_NEED),
        "CRT is not recommended for patients with NYHA class I or II symptoms and non-LBBB "
        "pattern with QRS duration < 150 ms",
        _CLASS_III.format(1), cor="III: No Benefit",
    ),
)

GUIDELINE = Guideline(
    name="acc2012",
    short="ACCF/AHA/HRS 2012",
    title=(
        "2012 ACCF/AHA/HRS focused update of the 2008 guidelines for device-based therapy of "
        "cardiac rhythm abnormalities"
    ),
    source=(
        "Tracy CM, Epstein AE, Darbar D, et al. 2012 ACCF/AHA/HRS focused update of the 2008 "
        "guidelines for device-based therapy of cardiac rhythm abnormalities. Circulation. "
        "2012;126(14):1784–1800. doi:10.1161/CIR.0b013e3182618569"
    ),
    rules=RULES,
)
