"""2023 HRS/APHRS/LAHRS guideline on cardiac physiologic pacing: the CRT rows as a table.

The document writes classes 1/2a/2b/3; rows keep that wording (cor) and are mapped to I/IIa/IIb/III.
Where the guideline grades CRT and CSP separately, the level for CRT (BiV pacing) is used. NYHA
class IV is read as ambulatory class IV, "normal LVEF" as LVEF > 50 %.

Readable copies of the guideline (its full text could not be read):
* _POCKET_HF: the guideline's pocket guide (Guideline Central, HRS app edition), "Indications for
  CPP in Patients with HF", the non-LBBB and QRS < 150 ms tables,
  https://eguideline.guidelinecentral.com/i/1499526-cardiac-physiologic-pacing-for-the-avoidance-and-mitigation-of-heart-failure/15
* _POCKET_PACING: the same pocket guide, "Indications for CPP in Patients with Indications for
  Pacemaker Therapy", substantial and less than substantial ventricular pacing, page .../9, and
  the guideline's author manuscript in PMC, table "Recommendations for less than substantial
  ventricular pacing", https://pmc.ncbi.nlm.nih.gov/articles/PMC11062890/table/T3
  (rows 3 and 5 there are the two low-burden rows below, word for word).
  Guideline Central's summary page (guidelinecentral.com/guideline/2774942) prints the
  LVEF 36–50 % substantial-pacing row as "(IIa, B-NR)"; the pocket guide separates B-R for CRT
  from B-NR for HBP/LBBAP, and the CRT level is used.

Not verified: the pocket-guide page with the LBBB tables is in none of the searchable copies, nor
is any AF recommendation. The LBBB >= 150 ms row's class 1 is given by the guideline's take-home
messages as summarised at https://sattimd.com/guidelines/hrs-physiologic-pacing-2023.html
(message 6), its level by nothing read: "level not verified". The LBBB 120–149 ms and NYHA class I
rows are kept, marked "class and level not verified" in the app, the NYHA class I row read
conservatively (ischaemic cause, LVEF <= 30 %) as the 2012 ACCF/AHA/HRS row (acc2012) and the
matching 2022 AHA/ACC/HFSA row ("LVEF <= 30 %, ischemic cause of HF, sinus rhythm, LBBB ... NYHA
class I ... 2b B-NR") read it. Removed, because no copy showed them: the AF rows (their wording was
the app's own) and an "LVEF 36–50 %, LBBB >= 150 ms, NYHA II–IV" heart-failure row (2b C-LD),
which merged a heart-failure row with the pacing-indication row of that level; the verified
pacing-indication row (LVEF 36–50 %, LBBB, less than substantial pacing) is encoded instead. Where
those unread parts would matter the app says so (`gaps`).

Not encoded: the CSP (HBP/LBBAP) alternatives, which choose how to pace, not whether
resynchronisation is indicated.
"""

from __future__ import annotations

from ecgcrt_gui.core.guidelines.table import (
    LEVEL_NOT_VERIFIED,
    NO_PACING_NEED,
    NON_LBBB,
    NOT_VERIFIED,
    SYMPTOMATIC,
    Guideline,
    Rule,
)

_POCKET = ("eguideline.guidelinecentral.com/i/1499526-cardiac-physiologic-pacing-for-the-"
           "avoidance-and-mitigation-of-heart-failure")
_POCKET_HF = f"“Indications for CPP in Patients with HF”, pocket guide p. 16; {_POCKET}/15"
_POCKET_PACING = ("“Indications for CPP in Patients with Indications for Pacemaker Therapy”, "
                  f"pocket guide p. 10; {_POCKET}/9")
_PMC_T3 = "pmc.ncbi.nlm.nih.gov/articles/PMC11062890/table/T3"
_NOT_FOUND = ("LBBB table of “Indications for CPP in Patients with HF”: not in any readable copy "
              f"(looked for in {_POCKET} and PMC11062890)")
_SR_HFREF = (("rhythm", "==", "sinus"), ("lvef", "<=", 35))

RULES = (
    Rule(
        "hrs-sr-lbbb-150", "I", "",
        (*_SR_HFREF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 150),
         ("nyha", "in", SYMPTOMATIC)),
        "CRT with BiV recommended for LVEF ≤ 35 %, LBBB, QRS ≥ 150 ms, NYHA II–IV on GDMT",
        f"{_NOT_FOUND}; class: take-home message 6 as summarised at "
        "sattimd.com/guidelines/hrs-physiologic-pacing-2023.html",
        cor="1", verification=LEVEL_NOT_VERIFIED,
        note=("The row itself was not found in a readable copy: its class and the words quoted "
              "are a secondary summary of the guideline's take-home messages; it is applied in "
              "sinus rhythm only, like the guideline's other heart-failure rows read."),
    ),
    Rule(
        "hrs-sr-lbbb-120", "IIa", "",
        (*_SR_HFREF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 120), ("qrs_ms", "<", 150),
         ("nyha", "in", SYMPTOMATIC)),
        "Patients with LVEF ≤ 35 %, sinus rhythm, LBBB with QRS duration 120–149 ms and NYHA "
        "class II–IV symptoms on GDMT: CRT encoded as class 2a",
        _NOT_FOUND, cor="2a", verification=NOT_VERIFIED,
        note="The row was not found in a readable copy; the wording is the app's summary.",
    ),
    Rule(
        "hrs-sr-lbbb-150-nyha1", "IIb", "",
        (("rhythm", "==", "sinus"), ("lvef", "<=", 30), ("ischemic_etiology", "==", True),
         ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 150), ("nyha", "==", 1)),
        "Patients with LVEF ≤ 30 %, ischaemic cause of HF, sinus rhythm, LBBB with QRS duration "
        "≥ 150 ms and NYHA class I symptoms on GDMT: CRT encoded as class 2b",
        _NOT_FOUND, cor="2b", verification=NOT_VERIFIED,
        note=("The row was not found in a readable copy; the wording is the app's summary, read as "
              "narrowly as the matching 2012 ACCF/AHA/HRS and 2022 AHA/ACC/HFSA rows (LVEF ≤ 30 %, "
              "ischaemic cause)."),
    ),
    Rule(
        "hrs-sr-nonlbbb-150-nyha34", "IIa", "A",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 150), ("nyha", "in", (3, 4))),
        "In patients who have LVEF ≤ 35 %, sinus rhythm, a non-LBBB pattern with QRS duration "
        "≥ 150 ms, and NYHA class III or ambulatory class IV symptoms on GDMT, CRT with BiV pacing "
        "can be useful to improve functional class, cardiac structure, and LVEF",
        f"“Non-LBBB, sinus rhythm, QRS duration ≥ 150 ms”, row 1; {_POCKET_HF}", cor="2a",
    ),
    Rule(
        "hrs-sr-nonlbbb-150-nyha2", "IIb", "B-R",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 150), ("nyha", "==", 2)),
        "In patients who have LVEF ≤ 35 %, sinus rhythm, a non-LBBB pattern with QRS duration "
        "≥ 150 ms, and NYHA class II symptoms on GDMT, CPP may be considered to potentially "
        "improve mortality, heart failure hospitalization (HFH), LVEF, and/or functional class",
        f"“Non-LBBB, sinus rhythm, QRS duration ≥ 150 ms”, row 2 (B-R for CRT); {_POCKET_HF}",
        cor="2b",
    ),
    Rule(
        "hrs-sr-nonlbbb-120-nyha34", "IIb", "B-NR",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 120), ("qrs_ms", "<", 150),
         ("nyha", "in", (3, 4))),
        "In patients who have LVEF ≤ 35 %, sinus rhythm, a non-LBBB pattern with QRS duration "
        "120–149 ms, and NYHA class III or IV symptoms on GDMT, the usefulness of CPP is not well "
        "established",
        f"“Non-LBBB, QRS duration < 150 ms”, row 1 (B-NR for CRT); {_POCKET_HF}", cor="2b",
    ),
    Rule(
        "hrs-pacing-lvef36-50", "IIa", "B-R",
        (("pacing_indication", "==", True), ("lvef", ">", 35), ("lvef", "<=", 50)),
        "In patients with an indication for permanent pacing with an LVEF 36 %–50 % who are "
        "anticipated to require substantial ventricular pacing, CPP is reasonable to reduce the "
        "risk of PICM",
        f"“Substantial ventricular pacing”, row 1 (B-R for CRT); {_POCKET_PACING}", cor="2a",
        reading=("Applied to the stated indication for ventricular pacing with a high expected "
                 "pacing burden, read as substantial (≥ 20–40 %) ventricular pacing."),
    ),
    Rule(
        "hrs-pacing-normal-lvef", "IIb", "B-NR",
        (("pacing_indication", "==", True), ("lvef", ">", 50)),
        "In patients with normal LVEF who are anticipated to require substantial ventricular "
        "pacing, it may be reasonable to treat patients with CPP to reduce the risk of PICM",
        f"“Substantial ventricular pacing”, row 2; {_POCKET_PACING}", cor="2b",
        reading=("Applied to the stated indication for ventricular pacing with a high expected "
                 "pacing burden, read as substantial (≥ 20–40 %) ventricular pacing; normal LVEF "
                 "read as LVEF > 50 %."),
    ),
    Rule(
        "hrs-pacing-low-lvef36-50-lbbb", "IIb", "C-LD",
        (("pacing_indication_low_burden", "==", True), ("lvef", ">", 35), ("lvef", "<=", 50),
         ("morphology", "==", "LBBB")),
        "In patients with an indication for permanent pacing, LVEF 36 %–50 % and LBBB, and who "
        "are anticipated to require less than substantial ventricular pacing, CPP may be "
        "considered to potentially improve symptoms and LVEF",
        f"“Less than substantial ventricular pacing”, row 3; {_POCKET_PACING}; {_PMC_T3}, row 3",
        cor="2b",
    ),
    Rule(
        "hrs-pacing-low-normal-lvef", "III", "B-R",
        (("pacing_indication_low_burden", "==", True), ("lvef", ">", 50)),
        "In patients with normal LVEF who are anticipated to require less than substantial "
        "ventricular pacing, CRT with BiV pacing is not indicated",
        f"“Less than substantial ventricular pacing”, row 5; {_POCKET_PACING}; {_PMC_T3}, row 5",
        cor="3: No Benefit",
        reading="Normal LVEF read as LVEF > 50 %.",
    ),
    Rule(
        "hrs-narrow-qrs", "III", "B-R",
        (("lvef", "<=", 35), ("nyha", "in", SYMPTOMATIC), ("qrs_ms", "<", 120), *NO_PACING_NEED),
        "In patients with LVEF ≤ 35 %, NYHA class II to IV symptoms on GDMT, and QRS duration "
        "< 120 ms, CRT with BiV pacing is not recommended",
        f"“Non-LBBB, QRS duration < 150 ms”, row 2; {_POCKET_HF}", cor="3: No Benefit",
    ),
    Rule(
        "hrs-sr-nonlbbb-narrow-nyha12", "III", "B-R",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", "<", 150), ("nyha", "in", (1, 2)),
         *NO_PACING_NEED),
        "In patients who have LVEF ≤ 35 %, sinus rhythm, a non-LBBB pattern with a QRS duration "
        "< 150 ms, and NYHA class I or II symptoms on GDMT, CRT with BiV pacing is not recommended",
        f"“Non-LBBB, QRS duration < 150 ms”, row 3; {_POCKET_HF}", cor="3: No Benefit",
    ),
)

GAPS = (
    ((("rhythm", "==", "af"),),
     "its recommendations for patients in AF could not be read in any available copy and are not "
     "encoded"),
    ((("lvef", "<=", 35), ("pacing_indication", "==", True)),
     "its pacing-indication table (pocket guide p. 10) has rows for LVEF 36–50 % and normal LVEF "
     "only; no row for LVEF ≤ 35 % with a high expected pacing burden was found"),
    ((("lvef", ">", 35), ("lvef", "<=", 50), ("pacing_indication", "==", False),
      ("pacing_indication_low_burden", "==", False)),
     "its heart-failure recommendations for LVEF 36–50 % without a pacing indication could not be "
     "read and are not encoded"),
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
    gaps=GAPS,
)
