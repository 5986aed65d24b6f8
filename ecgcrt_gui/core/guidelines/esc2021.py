"""2021 ESC Guidelines on cardiac pacing and CRT: the CRT recommendations as a table.

Every row is checked against the guideline's full text (Glikson et al., Eur Heart J 2021), read
in a text copy converted from the published PDF: repository bdeornelas/bdeornelas.github.io, file
claude-project-files/2021_Cardiac_Pacing_CRT.md (commit 4e1f799bcea303c2df1f44f71787df9fa6539809;
the path references/esc-guidelines-md/2021_Cardiac_Pacing_CRT.md named elsewhere is not in that
repository). Each row's `text` is the recommendation verbatim (the row's stem and item joined
where the table prints a stem), `where` the table and page.

How the rows read the inputs, from the same text:
* "symptomatic patients with HF" is NYHA class II to IV: "present CRT recommendations are
  applicable to all patients in NYHA functional class II–IV of any aetiology" (section 6.2, p. 33).
* HFrEF, HFmrEF and HFpEF are LVEF < 40 %, 40–49 % and >= 50 %: "heart failure with reduced
  ejection fraction (<40%); HFmrEF = heart failure with mildly reduced ejection fraction (40-49%);
  HFpEF = heart failure with preserved ejection fraction (>=50%)" (note to the AF table, p. 37).
* A paced QRS is not the patient's own: the AF row asks for an "intrinsic QRS >= 130 ms", and a
  patient already paced is the upgrade row's, which needs the stated proportion of RV pacing
  (one ECG cannot show it): "A limit of 20% RV pacing for considering interventions for
  pacing-induced HF is supported by observational data" (note c, p. 37).

Not encoded: AVJ ablation added for incomplete biventricular pacing in CRT recipients (row 1B of
the AF table: about ablation, not the CRT indication), "RV pacing should be considered in patients
with HFpEF" (row 2C, IIa B: about RV pacing; quoted in the HFpEF row's reason), and the HBP/CSP
alternatives.
"""

from __future__ import annotations

from ecgcrt_gui.core.guidelines.table import (
    INTRINSIC,
    NO_PACING_NEED,
    NON_LBBB,
    SYMPTOMATIC,
    Guideline,
    Rule,
)

_COPY = "full text, bdeornelas/bdeornelas.github.io claude-project-files/2021_Cardiac_Pacing_CRT.md"
_SR_TABLE = (f"section 6.2, table “Recommendations for cardiac resynchronization therapy in "
             f"patients in sinus rhythm”, p. 34; {_COPY}")
_AF_TABLE = (f"section 6.3, table “Recommendations for cardiac resynchronization therapy in "
             f"patients with persistent or permanent atrial fibrillation”, p. 37; {_COPY}")
_AVJ_STEM = ("In patients with symptomatic AF and an uncontrolled heart rate who are candidates for "
             "AVJ ablation (irrespective of QRS duration): ")
_SR_HF = (("rhythm", "==", "sinus"), ("lvef", "<=", 35), ("nyha", "in", SYMPTOMATIC))
_AVJ = (("rhythm", "==", "af"), ("av_junction_ablation", "==", True))

RULES = (
    Rule(
        "esc-sr-lbbb-150", "I", "A",
        (*_SR_HF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 150)),
        "CRT is recommended for symptomatic patients with HF in SR with LVEF ≤ 35 %, QRS duration "
        "≥ 150 ms, and LBBB QRS morphology despite OMT, in order to improve symptoms and reduce "
        "morbidity and mortality",
        _SR_TABLE,
    ),
    Rule(
        "esc-sr-lbbb-130", "IIa", "B",
        (*_SR_HF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 130), ("qrs_ms", "<", 150)),
        "CRT should be considered for symptomatic patients with HF in SR with LVEF ≤ 35 %, QRS "
        "duration 130–149 ms, and LBBB QRS morphology despite OMT, in order to improve symptoms "
        "and reduce morbidity and mortality",
        _SR_TABLE,
    ),
    Rule(
        "esc-sr-nonlbbb-150", "IIa", "B",
        (*_SR_HF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 150)),
        "CRT should be considered for symptomatic patients with HF in SR with LVEF ≤ 35 %, QRS "
        "duration ≥ 150 ms, and non-LBBB QRS morphology despite OMT, in order to improve symptoms "
        "and reduce morbidity",
        _SR_TABLE,
    ),
    Rule(
        "esc-sr-nonlbbb-130", "IIb", "B",
        (*_SR_HF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 130), ("qrs_ms", "<", 150)),
        "CRT may be considered for symptomatic patients with HF in SR with LVEF ≤ 35 %, QRS "
        "duration 130–149 ms, and non-LBBB QRS morphology despite OMT, in order to improve "
        "symptoms and reduce morbidity",
        _SR_TABLE,
    ),
    # "without an indication for RV pacing": also no pacing indication of low burden.
    Rule(
        "esc-narrow-qrs", "III", "A",
        (("qrs_ms", "<", 130), *NO_PACING_NEED, ("pacing_indication_low_burden", "==", False)),
        "CRT is not indicated in patients with HF and QRS duration < 130 ms without an indication "
        "for RV pacing",
        _SR_TABLE,
    ),
    Rule(
        "esc-af-130", "IIa", "C",
        (("rhythm", "==", "af"), ("lvef", "<=", 35), ("nyha", "in", (3, 4)),
         ("morphology", "in", INTRINSIC), ("qrs_ms", ">=", 130),
         ("af_biv_pacing_assured", "==", True)),
        "In patients with HF with permanent AF who are candidates for CRT: CRT should be "
        "considered for patients with HF and LVEF ≤ 35 % in NYHA class III or IV despite OMT if "
        "they are in AF and have intrinsic QRS ≥ 130 ms, provided a strategy to ensure "
        "biventricular capture is in place, in order to improve symptoms and reduce morbidity and "
        "mortality",
        _AF_TABLE + " (row 1A)",
    ),
    Rule(
        "esc-af-avj-hfref", "I", "B", (*_AVJ, ("lvef", "<", 40)),
        _AVJ_STEM + "CRT is recommended in patients with HFrEF",
        _AF_TABLE + " (row 2A)",
    ),
    Rule(
        "esc-af-avj-hfmref", "IIa", "C", (*_AVJ, ("lvef", ">=", 40), ("lvef", "<", 50)),
        _AVJ_STEM + "CRT rather than standard RV pacing should be considered in patients with "
        "HFmrEF",
        _AF_TABLE + " (row 2B)",
    ),
    Rule(
        "esc-af-avj-hfpef", "IIb", "C", (*_AVJ, ("lvef", ">=", 50)),
        _AVJ_STEM + "CRT may be considered in patients with HFpEF",
        _AF_TABLE + " (row 2D)",
        note=("The same table recommends RV pacing for these patients: \"RV pacing should be "
              "considered in patients with HFpEF\" (Class IIa, B; row 2C). The guideline's list of "
              "new recommendations (p. 10) prints this CRT row as Class IIb, level B; its table "
              "prints level C, shown here."),
    ),
    Rule(
        "esc-pacing-hfref", "I", "A", (("pacing_indication", "==", True), ("lvef", "<", 40)),
        "CRT rather than RV pacing is recommended for patients with HFrEF (< 40 %) regardless of "
        "NYHA class who have an indication for ventricular pacing and high-degree AVB in order to "
        "reduce morbidity. This includes patients with AF",
        f"section 6.5, table “Recommendation for patients with heart failure and atrioventricular "
        f"block”, p. 38; {_COPY}",
        reading=("Applied to the stated indication for ventricular pacing with a high expected "
                 "pacing burden; the guideline writes this row for patients with high-degree AVB."),
    ),
    Rule(
        "esc-upgrade", "IIa", "B",
        (("rv_pacing_high", "==", True), ("lvef", "<=", 35), ("nyha", "in", SYMPTOMATIC)),
        "Patients who have received a conventional pacemaker or an ICD and who subsequently "
        "develop symptomatic HF with LVEF ≤ 35 % despite OMT, and who have a significant "
        "proportion of RV pacing, should be considered for upgrade to CRT",
        f"section 6.4, table “Recommendation for upgrade from right ventricular pacing to cardiac "
        f"resynchronization therapy”, p. 37, note c (a limit of 20 % RV pacing); {_COPY}",
        reading=("Applied to the stated high proportion of RV pacing (about 20 % or more, the "
                 "guideline's note c) in a patient already paced; the ECG alone cannot show it."),
    ),
)

GUIDELINE = Guideline(
    name="esc2021",
    short="ESC 2021",
    title="2021 ESC Guidelines on cardiac pacing and cardiac resynchronization therapy",
    source=(
        "Glikson M, Nielsen JC, Kronborg MB, et al. 2021 ESC Guidelines on cardiac pacing and "
        "cardiac resynchronization therapy. Eur Heart J. 2021;42(35):3427–3520. "
        "doi:10.1093/eurheartj/ehab364"
    ),
    rules=RULES,
)
