"""2021 ESC Guidelines on cardiac pacing and CRT: the CRT recommendations of Section 5 as a table.

"Symptomatic ... despite OMT" is read as NYHA class II to ambulatory IV. Rows marked UNSURE are
encoded from the text as best known and conservatively (they need every stated condition).
Not encoded: AVJ ablation for incomplete biventricular pacing in CRT recipients (IIa B; about
ablation, not the CRT indication), and the HBP/CSP alternatives.
"""

from __future__ import annotations

from ecgcrt_gui.core.guidelines.table import NON_LBBB, SYMPTOMATIC, Guideline, Rule

_SR_HFREF = (("rhythm", "==", "sinus"), ("lvef", "<=", 35), ("nyha", "in", SYMPTOMATIC))

RULES = (
    Rule(
        "esc-sr-lbbb-150", "I", "A",
        (*_SR_HFREF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 150)),
        "CRT is recommended for symptomatic patients with HF in sinus rhythm with LVEF ≤ 35 %, "
        "QRS duration ≥ 150 ms and LBBB QRS morphology despite OMT",
    ),
    Rule(
        "esc-sr-lbbb-130", "IIa", "B",
        (*_SR_HFREF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 130), ("qrs_ms", "<", 150)),
        "CRT should be considered for symptomatic patients with HF in sinus rhythm with "
        "LVEF ≤ 35 %, QRS duration 130–149 ms and LBBB QRS morphology despite OMT",
    ),
    Rule(
        "esc-sr-nonlbbb-150", "IIa", "B",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 150)),
        "CRT should be considered for symptomatic patients with HF in sinus rhythm with "
        "LVEF ≤ 35 %, QRS duration ≥ 150 ms and non-LBBB QRS morphology despite OMT",
    ),
    Rule(
        "esc-sr-nonlbbb-130", "IIb", "B",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 130), ("qrs_ms", "<", 150)),
        "CRT may be considered for symptomatic patients with HF in sinus rhythm with "
        "LVEF ≤ 35 %, QRS duration 130–149 ms and non-LBBB QRS morphology despite OMT",
    ),
    Rule(
        "esc-narrow-qrs", "III", "A",
        (("qrs_ms", "<", 130), ("pacing_indication", "==", False),
         ("av_junction_ablation", "==", False)),
        "CRT is not indicated in patients with HF and QRS duration < 130 ms without an "
        "indication for RV pacing",
    ),
    # UNSURE: class IIa, level C (the 2016 HF guideline gave IIa B); needs the stated strategy
    # to ensure biventricular capture, which the text makes a proviso.
    Rule(
        "esc-af-130", "IIa", "C",
        (("rhythm", "==", "af"), ("lvef", "<=", 35), ("nyha", "in", (3, 4)),
         ("qrs_ms", ">=", 130), ("af_biv_pacing_assured", "==", True)),
        "CRT should be considered for patients with symptomatic AF, LVEF ≤ 35 % and NYHA class "
        "III–IV despite OMT with intrinsic QRS ≥ 130 ms, provided a strategy to ensure "
        "biventricular capture is in place",
    ),
    # UNSURE: HFrEF read as LVEF < 40 %, as this guideline writes it in its pacing recommendation.
    Rule(
        "esc-af-avj-hfref", "I", "B",
        (("rhythm", "==", "af"), ("av_junction_ablation", "==", True), ("lvef", "<", 40)),
        "In patients with symptomatic AF and uncontrolled heart rate who are candidates for "
        "AV-junction ablation (irrespective of QRS duration), CRT is recommended in patients "
        "with HFrEF",
    ),
    # UNSURE: HFmrEF read as LVEF 40–49 %.
    Rule(
        "esc-af-avj-hfmref", "IIa", "C",
        (("rhythm", "==", "af"), ("av_junction_ablation", "==", True), ("lvef", ">=", 40),
         ("lvef", "<", 50)),
        "In patients with symptomatic AF and uncontrolled heart rate who are candidates for "
        "AV-junction ablation, CRT should be considered in patients with HFmrEF",
    ),
    Rule(
        "esc-pacing-hfref", "I", "A",
        (("pacing_indication", "==", True), ("lvef", "<", 40)),
        "CRT rather than RV pacing is recommended for patients with HFrEF (LVEF < 40 %) "
        "regardless of NYHA class who have an indication for ventricular pacing and high-degree "
        "AV block, including patients with AF",
    ),
    # The ECG's paced QRS stands for "a significant proportion of RV pacing".
    Rule(
        "esc-upgrade-paced", "IIa", "B",
        (("morphology", "==", "paced"), ("lvef", "<=", 35), ("nyha", "in", SYMPTOMATIC)),
        "Patients with a conventional pacemaker or ICD who develop symptomatic HF with "
        "LVEF ≤ 35 % despite OMT and have a significant proportion of RV pacing should be "
        "considered for upgrade to CRT",
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
