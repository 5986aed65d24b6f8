"""2012 ACCF/AHA/HRS focused update on device-based therapy: the CRT recommendations as a table.

NYHA class IV is taken as ambulatory class IV. The AF recommendation (IIa B) applies "if the
patient requires ventricular pacing or otherwise meets CRT criteria": it is split into one row
per alternative, and "otherwise meets CRT criteria" is read conservatively as the class I/IIa
sinus-rhythm criteria (LBBB ≥ 120 ms with NYHA II–IV, or non-LBBB ≥ 150 ms with NYHA III–IV).

Verification: every row (class, level, thresholds, wording) was checked against the
focused update's CRT table ("Recommendations for Cardiac Resynchronization Therapy in Patients
With Severe Systolic Heart Failure" of Tracy et al. 2012) as reproduced in:
the ACCF/AHA/HRS device-therapy pocket guide, https://eguideline.guidelinecentral.com/i/244039/10
(the three IIb rows and the two class III rows with their levels, "III-B: No Benefit" and
"III-C: No Benefit"), its CRT figure https://eguideline.guidelinecentral.com/i/222921/31 (NYHA,
QRS, LVEF and rhythm per box), http://lab230.com/gl3.html (the levels of every row),
https://dallasheart.com/page1/page5/page5.html and https://ctxheart.com/guidelines/crt (the
wording of every row), and the ACC journal scan of the update,
http://acc.org/latest-in-cardiology/journal-scans/2012/09/10/13/42/2012-accf-aha-hrs-focused-update-of-the-2008-guidelines-for-device-based-therapy.
The class I level split (A for NYHA III/IV, B for the NYHA II extension) is supported by
lab230 (B, the new NYHA II part) and https://www.droracle.ai/articles/600212 (A for NYHA
III/ambulatory IV); no single page read shows both. No class or level changed; the class III
rows now carry the guideline's own grade "III: No Benefit".
"""

from __future__ import annotations

from ecgcrt_gui.core.guidelines.table import NON_LBBB, SYMPTOMATIC, Guideline, Rule

_SR_HFREF = (("rhythm", "==", "sinus"), ("lvef", "<=", 35))
_AF_PACED = (("rhythm", "==", "af"), ("lvef", "<=", 35), ("af_biv_pacing_assured", "==", True))
_AF_TEXT = (
    "CRT can be useful in patients with atrial fibrillation and LVEF ≤ 35 % on GDMT if the patient "
    "requires ventricular pacing or otherwise meets CRT criteria and AV nodal ablation or "
    "pharmacologic rate control will allow near 100 % ventricular pacing with CRT"
)
_LBBB_150_TEXT = (
    "CRT is indicated for patients who have LVEF ≤ 35 %, sinus rhythm, LBBB with a QRS duration "
    "≥ 150 ms, and NYHA class II, III, or ambulatory IV symptoms on GDMT"
)

RULES = (
    Rule(
        "acc-limited-survival", "III", "C", (("limited_survival", "==", True),),
        "CRT is not indicated for patients whose comorbidities and/or frailty limit survival with "
        "good functional capacity to less than 1 year",
        cor="III: No Benefit", overrides=True,
    ),
    Rule(
        "acc-sr-lbbb-150-nyha34", "I", "A",
        (*_SR_HFREF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 150), ("nyha", "in", (3, 4))),
        _LBBB_150_TEXT + " (level A for NYHA class III/IV)",
    ),
    Rule(
        "acc-sr-lbbb-150-nyha2", "I", "B",
        (*_SR_HFREF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 150), ("nyha", "==", 2)),
        _LBBB_150_TEXT + " (level B for NYHA class II)",
    ),
    Rule(
        "acc-sr-lbbb-120", "IIa", "B",
        (*_SR_HFREF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 120), ("qrs_ms", "<", 150),
         ("nyha", "in", SYMPTOMATIC)),
        "CRT can be useful for patients who have LVEF ≤ 35 %, sinus rhythm, LBBB with a QRS "
        "duration 120 to 149 ms, and NYHA class II, III, or ambulatory IV symptoms on GDMT",
    ),
    Rule(
        "acc-sr-nonlbbb-150-nyha34", "IIa", "A",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 150), ("nyha", "in", (3, 4))),
        "CRT can be useful for patients who have LVEF ≤ 35 %, sinus rhythm, a non-LBBB pattern "
        "with a QRS duration ≥ 150 ms, and NYHA class III/ambulatory class IV symptoms on GDMT",
    ),
    Rule("acc-af-pacing", "IIa", "B", (*_AF_PACED, ("pacing_indication", "==", True)), _AF_TEXT),
    Rule(
        "acc-af-lbbb-120", "IIa", "B",
        (*_AF_PACED, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 120),
         ("nyha", "in", SYMPTOMATIC)),
        _AF_TEXT,
    ),
    Rule(
        "acc-af-nonlbbb-150", "IIa", "B",
        (*_AF_PACED, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 150),
         ("nyha", "in", (3, 4))),
        _AF_TEXT,
    ),
    Rule(
        "acc-pacing-40", "IIa", "C", (("lvef", "<=", 35), ("pacing_indication", "==", True)),
        "CRT can be useful for patients on GDMT who have LVEF ≤ 35 % and are undergoing new or "
        "replacement device placement with anticipated requirement for significant (> 40 %) "
        "ventricular pacing",
    ),
    Rule(
        "acc-sr-lbbb-150-nyha1", "IIb", "C",
        (("rhythm", "==", "sinus"), ("lvef", "<=", 30), ("ischemic_etiology", "==", True),
         ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 150), ("nyha", "==", 1)),
        "CRT may be considered for patients who have LVEF ≤ 30 %, ischemic etiology of heart "
        "failure, sinus rhythm, LBBB with a QRS duration ≥ 150 ms, and NYHA class I symptoms on GDMT",
    ),
    Rule(
        "acc-sr-nonlbbb-120-nyha34", "IIb", "B",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 120), ("qrs_ms", "<", 150),
         ("nyha", "in", (3, 4))),
        "CRT may be considered for patients who have LVEF ≤ 35 %, sinus rhythm, a non-LBBB "
        "pattern with QRS duration 120 to 149 ms, and NYHA class III/ambulatory class IV on GDMT",
    ),
    Rule(
        "acc-sr-nonlbbb-150-nyha2", "IIb", "B",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 150), ("nyha", "==", 2)),
        "CRT may be considered for patients who have LVEF ≤ 35 %, sinus rhythm, a non-LBBB "
        "pattern with a QRS duration ≥ 150 ms, and NYHA class II symptoms on GDMT",
    ),
    Rule(
        "acc-nonlbbb-narrow-nyha12", "III", "B",
        (("nyha", "in", (1, 2)), ("morphology", "in", NON_LBBB), ("qrs_ms", "<", 150)),
        "CRT is not recommended for patients with NYHA class I or II symptoms and non-LBBB "
        "pattern with QRS duration < 150 ms",
        cor="III: No Benefit",
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
