"""2023 HRS/APHRS/LAHRS guideline on cardiac physiologic pacing: the CRT rows as a table.

The document writes classes 1/2a/2b/3; rows keep that wording (cor) and are mapped to I/IIa/IIb/III.
Where the guideline grades CRT and CSP separately, the level for CRT (BiV pacing) is used. NYHA
class IV is assumed ambulatory. Rows marked UNSURE are encoded conservatively.

Verification against the guideline's own pocket guide (Guideline Central, HRS app edition):

* https://eguideline.guidelinecentral.com/i/1499526-cardiac-physiologic-pacing-for-the-avoidance-and-mitigation-of-heart-failure/15
  ("Indications for CPP in patients with HF", the non-LBBB and QRS < 150 ms tables):
  hrs-sr-nonlbbb-150-nyha34 (2a A), hrs-sr-nonlbbb-150-nyha2 (2b B-R for CRT),
  hrs-sr-nonlbbb-120-nyha34 (2b B-NR for CRT), hrs-narrow-qrs (3: No Benefit B-R) and
  hrs-sr-nonlbbb-narrow-nyha12 (3: No Benefit B-R): class, level, thresholds and wording.
* .../heart-failure/9 ("Indications for CPP in patients with indications for pacemaker
  therapy", substantial ventricular pacing): hrs-pacing-lvef36-50 (2a, level B-R for CRT,
  B-NR for HBP/LBBAP: corrected from B-NR) and hrs-pacing-normal-lvef (2b B-NR); wording of
  both corrected to the guideline's.
* hrs-sr-lbbb-150: class 1 for LVEF ≤ 35 %, LBBB, QRS ≥ 150 ms, NYHA II–IV on GDMT confirmed by
  the take-home messages at https://sattimd.com/guidelines/hrs-physiologic-pacing-2023.html;
  its level of evidence was not found (the pocket-guide page with the LBBB tables is not in the
  searchable copy) and stays UNSURE.
* Still UNSURE, not found in any readable source despite queries for their wording: the LBBB
  120–149 ms row, the NYHA class I row, the LVEF 36–50 % heart-failure row and the AF rows.

Not encoded: the CSP (HBP/LBBAP) alternatives, which choose how to pace, not whether
resynchronisation is indicated; and the pacing-indication rows for less than substantial
ventricular pacing (page 9, and https://pmc.ncbi.nlm.nih.gov/articles/PMC11062890/table/T3:
LVEF 36–50 % with LBBB, 2b C-LD; normal LVEF, CRT not indicated, 3: No Benefit B-R), because
the engine's pacing input means a high expected pacing burden and has no "less than
substantial" value.
"""

from __future__ import annotations

from ecgcrt_gui.core.guidelines.table import NON_LBBB, SYMPTOMATIC, Guideline, Rule

_SR_HFREF = (("rhythm", "==", "sinus"), ("lvef", "<=", 35))
_AF_PACED = (("rhythm", "==", "af"), ("lvef", "<=", 35), ("af_biv_pacing_assured", "==", True))
_AF_TEXT = (
    "In patients with AF and LVEF ≤ 35 % who otherwise meet CRT criteria, CRT is reasonable "
    "when near 100 % biventricular pacing can be achieved (rate control or AV node ablation)"
)
# The QRS-based "not recommended" rows address CRT for conduction delay; patients with a
# pacing indication are covered by the guideline's pacing-indication section instead.
_NO_PACING = ("pacing_indication", "==", False)

RULES = (
    # Class verified (sattimd take-home message 6). UNSURE: level of evidence (A or B-R).
    Rule(
        "hrs-sr-lbbb-150", "I", "A",
        (*_SR_HFREF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 150),
         ("nyha", "in", SYMPTOMATIC)),
        "In patients who have LVEF ≤ 35 %, sinus rhythm, LBBB with QRS duration ≥ 150 ms, and "
        "NYHA class II–IV (ambulatory) symptoms on GDMT, CRT is indicated",
        cor="1",
    ),
    # UNSURE: class 2a and level B-NR; not found in a readable source.
    Rule(
        "hrs-sr-lbbb-120", "IIa", "B-NR",
        (*_SR_HFREF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 120), ("qrs_ms", "<", 150),
         ("nyha", "in", SYMPTOMATIC)),
        "In patients who have LVEF ≤ 35 %, sinus rhythm, LBBB with QRS duration 120–149 ms, and "
        "NYHA class II–IV (ambulatory) symptoms on GDMT, CRT is reasonable",
        cor="2a",
    ),
    # Verified (pocket guide p. 15).
    Rule(
        "hrs-sr-nonlbbb-150-nyha34", "IIa", "A",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 150), ("nyha", "in", (3, 4))),
        "In patients who have LVEF ≤ 35 %, sinus rhythm, a non-LBBB pattern with QRS duration "
        "≥ 150 ms, and NYHA class III or ambulatory class IV symptoms on GDMT, CRT with BiV pacing "
        "can be useful to improve functional class, cardiac structure, and LVEF",
        cor="2a",
    ),
    # Verified (pocket guide p. 15; B-R is the CRT level, C-LD the HBP/LBBAP one).
    Rule(
        "hrs-sr-nonlbbb-150-nyha2", "IIb", "B-R",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 150), ("nyha", "==", 2)),
        "In patients who have LVEF ≤ 35 %, sinus rhythm, a non-LBBB pattern with QRS duration "
        "≥ 150 ms, and NYHA class II symptoms on GDMT, CPP may be considered to potentially "
        "improve mortality, heart failure hospitalization (HFH), LVEF, and/or functional class",
        cor="2b",
    ),
    # Verified (pocket guide p. 15; B-NR is the CRT level).
    Rule(
        "hrs-sr-nonlbbb-120-nyha34", "IIb", "B-NR",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 120), ("qrs_ms", "<", 150),
         ("nyha", "in", (3, 4))),
        "In patients who have LVEF ≤ 35 %, sinus rhythm, a non-LBBB pattern with QRS duration "
        "120–149 ms, and NYHA class III or IV symptoms on GDMT, the usefulness of CPP is not well "
        "established",
        cor="2b",
    ),
    # UNSURE: not found in a readable source: whether the 2023 text keeps "ischaemic aetiology"
    # (2012 did; not required here), and the class 2b / level B-NR.
    Rule(
        "hrs-sr-lbbb-150-nyha1", "IIb", "B-NR",
        (("rhythm", "==", "sinus"), ("lvef", "<=", 30), ("morphology", "==", "LBBB"),
         ("qrs_ms", ">=", 150), ("nyha", "==", 1)),
        "In patients who have LVEF ≤ 30 %, sinus rhythm, LBBB with QRS duration ≥ 150 ms, and "
        "NYHA class I symptoms on GDMT, CRT may be considered",
        cor="2b",
    ),
    # UNSURE: the whole row (wording, NYHA range and level C-LD); not found in a readable source.
    # The pocket guide's only LVEF 36–50 % + LBBB row found (p. 9) is a different one: patients
    # with a pacing indication and less than substantial pacing (2b C-LD, not encoded).
    Rule(
        "hrs-lvef36-50-lbbb-150", "IIb", "C-LD",
        (("lvef", ">", 35), ("lvef", "<=", 50), ("morphology", "==", "LBBB"),
         ("qrs_ms", ">=", 150), ("nyha", "in", SYMPTOMATIC)),
        "In patients with LVEF 36–50 %, LBBB with QRS duration ≥ 150 ms, and NYHA class II–IV "
        "symptoms, CPP may be considered",
        cor="2b",
    ),
    # UNSURE: class and level of the AF row, not found in a readable source; "otherwise meets
    # CRT criteria" read as the class 1/2a sinus-rhythm criteria, one row per alternative.
    Rule(
        "hrs-af-lbbb-120", "IIa", "B-NR",
        (*_AF_PACED, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 120),
         ("nyha", "in", SYMPTOMATIC)),
        _AF_TEXT, cor="2a",
    ),
    Rule(
        "hrs-af-nonlbbb-150", "IIa", "B-NR",
        (*_AF_PACED, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 150),
         ("nyha", "in", (3, 4))),
        _AF_TEXT, cor="2a",
    ),
    # Verified (pocket guide p. 9): level B-R for CRT (B-NR is the HBP/LBBAP level).
    Rule(
        "hrs-pacing-lvef36-50", "IIa", "B-R",
        (("pacing_indication", "==", True), ("lvef", ">", 35), ("lvef", "<=", 50)),
        "In patients with an indication for permanent pacing with an LVEF 36 %–50 % who are "
        "anticipated to require substantial ventricular pacing, CPP is reasonable to reduce the "
        "risk of PICM",
        cor="2a",
    ),
    # Verified (pocket guide p. 9).
    Rule(
        "hrs-pacing-normal-lvef", "IIb", "B-NR",
        (("pacing_indication", "==", True), ("lvef", ">", 50)),
        "In patients with normal LVEF who are anticipated to require substantial ventricular "
        "pacing, it may be reasonable to treat patients with CPP to reduce the risk of PICM",
        cor="2b",
    ),
    # Verified (pocket guide p. 15).
    Rule(
        "hrs-narrow-qrs", "III", "B-R",
        (("lvef", "<=", 35), ("nyha", "in", SYMPTOMATIC), ("qrs_ms", "<", 120), _NO_PACING),
        "In patients with LVEF ≤ 35 %, NYHA class II to IV symptoms on GDMT, and QRS duration "
        "< 120 ms, CRT with BiV pacing is not recommended",
        cor="3: No Benefit",
    ),
    # Verified (pocket guide p. 15).
    Rule(
        "hrs-sr-nonlbbb-narrow-nyha12", "III", "B-R",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", "<", 150), ("nyha", "in", (1, 2)),
         _NO_PACING),
        "In patients who have LVEF ≤ 35 %, sinus rhythm, a non-LBBB pattern with a QRS duration "
        "< 150 ms, and NYHA class I or II symptoms on GDMT, CRT with BiV pacing is not recommended",
        cor="3: No Benefit",
    ),
)

GUIDELINE = Guideline(
    name="hrs2023",
    short="HRS/APHRS/LAHRS 2023",
    title=(
        "2023 HRS/APHRS/LAHRS guideline on cardiac physiologic pacing for the avoidance and "
        "mitigation of heart failure"
    ),
    source=(
        "Chung MK, Patton KK, Lau CP, et al. 2023 HRS/APHRS/LAHRS guideline on cardiac physiologic "
        "pacing for the avoidance and mitigation of heart failure. Heart Rhythm. "
        "2023;20(9):e17–e91. doi:10.1016/j.hrthm.2023.03.1538"
    ),
    rules=RULES,
)
