"""2021 ESC Guidelines on cardiac pacing and CRT: the CRT recommendations as a table.

"Symptomatic ... despite OMT" is read as NYHA class II to ambulatory IV. Rows marked UNSURE are
encoded conservatively (they need every stated condition).

Verification (done with the project's public-text search; the primary PDF, doi
10.1093/eurheartj/ehab364, could not be read, only its first page at
https://readkong.com/page/2021-esc-guidelines-on-cardiac-pacing-and-cardiac-3811525):

* esc-pacing-hfref (I A) and esc-upgrade-paced (IIa B): class, level, the HFrEF < 40 % footnote
  and the wording checked against the verbatim quotation of section 6.5 (table "Recommendation
  for patients with heart failure and atrioventricular block") and section 6.4 (upgrade row,
  note c: 20 % RV pacing) in a public evidence note held in the code index (file id
  70927622140, "Preuves ESC 2026 - I44"). The upgrade wording was corrected to the guideline's.
* esc-sr-* and esc-narrow-qrs: only the classes (LBBB >= 150 I; LBBB 130-149 IIa; non-LBBB
  >= 150 IIa; non-LBBB 130-149 IIb; < 130 ms not indicated) are corroborated, and only
  indirectly, by a public summary of the ESC heart-failure CRT table that lists the same classes
  (code index file id 70895979690); no readable source gave this guideline's wording or levels
  of evidence for them, so the levels stay UNSURE.
* esc-af-130, esc-af-avj-hfref, esc-af-avj-hfmref (the CRT-in-AF and AVJ-ablation tables):
  not found in any readable source (queries for the AF, HFmrEF and AVJ-ablation wording returned
  only the guideline's title page); kept UNSURE as encoded.
* A second, independent secondary source agrees: an open-source clinical-rules module in the code
  index (file id 8278928808, "ESC 2021 Pacing/CRT Guidelines") encodes the same class and level
  for esc-sr-lbbb-150 (I A), esc-sr-lbbb-130 (IIa B), esc-sr-nonlbbb-150 (IIa B),
  esc-sr-nonlbbb-130 (IIb B), the < 130 ms "not indicated" row, esc-af-130 (IIa C, NYHA III-IV,
  QRS >= 130 ms, a strategy to ensure biventricular capture) and esc-pacing-hfref (I A). Two
  secondary sources agreeing is not the document itself, so these rows keep their UNSURE mark.

Not encoded: AVJ ablation for incomplete biventricular pacing in CRT recipients (about ablation,
not the CRT indication), the HBP/CSP alternatives, and any HFpEF row of the AVJ-ablation table
(not verifiable here, so not added).
"""

from __future__ import annotations

from ecgcrt_gui.core.guidelines.table import NON_LBBB, SYMPTOMATIC, Guideline, Rule

_SR_HFREF = (("rhythm", "==", "sinus"), ("lvef", "<=", 35), ("nyha", "in", SYMPTOMATIC))

RULES = (
    # UNSURE: level of evidence only (class corroborated, see the module docstring).
    Rule(
        "esc-sr-lbbb-150", "I", "A",
        (*_SR_HFREF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 150)),
        "CRT is recommended for symptomatic patients with HF in sinus rhythm with LVEF ≤ 35 %, "
        "QRS duration ≥ 150 ms and LBBB QRS morphology despite OMT",
    ),
    # UNSURE: level of evidence only (class corroborated, see the module docstring).
    Rule(
        "esc-sr-lbbb-130", "IIa", "B",
        (*_SR_HFREF, ("morphology", "==", "LBBB"), ("qrs_ms", ">=", 130), ("qrs_ms", "<", 150)),
        "CRT should be considered for symptomatic patients with HF in sinus rhythm with "
        "LVEF ≤ 35 %, QRS duration 130–149 ms and LBBB QRS morphology despite OMT",
    ),
    # UNSURE: level of evidence only (class corroborated, see the module docstring).
    Rule(
        "esc-sr-nonlbbb-150", "IIa", "B",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 150)),
        "CRT should be considered for symptomatic patients with HF in sinus rhythm with "
        "LVEF ≤ 35 %, QRS duration ≥ 150 ms and non-LBBB QRS morphology despite OMT",
    ),
    # UNSURE: level of evidence only (class corroborated, see the module docstring).
    Rule(
        "esc-sr-nonlbbb-130", "IIb", "B",
        (*_SR_HFREF, ("morphology", "in", NON_LBBB), ("qrs_ms", ">=", 130), ("qrs_ms", "<", 150)),
        "CRT may be considered for symptomatic patients with HF in sinus rhythm with "
        "LVEF ≤ 35 %, QRS duration 130–149 ms and non-LBBB QRS morphology despite OMT",
    ),
    # UNSURE: level of evidence only (class corroborated, see the module docstring).
    Rule(
        "esc-narrow-qrs", "III", "A",
        (("qrs_ms", "<", 130), ("pacing_indication", "==", False),
         ("av_junction_ablation", "==", False)),
        "CRT is not indicated in patients with HF and QRS duration < 130 ms without an "
        "indication for RV pacing",
    ),
    # UNSURE: class IIa, level C (the 2016 HF guideline gave IIa B), NYHA III-IV and QRS >= 130 ms:
    # not found in a readable source. Needs the stated strategy to ensure biventricular capture,
    # which the text makes a proviso.
    Rule(
        "esc-af-130", "IIa", "C",
        (("rhythm", "==", "af"), ("lvef", "<=", 35), ("nyha", "in", (3, 4)),
         ("qrs_ms", ">=", 130), ("af_biv_pacing_assured", "==", True)),
        "CRT should be considered for patients with symptomatic AF, LVEF ≤ 35 % and NYHA class "
        "III–IV despite OMT with intrinsic QRS ≥ 130 ms, provided a strategy to ensure "
        "biventricular capture is in place",
    ),
    # UNSURE: class I, level B not found in a readable source; HFrEF read as LVEF < 40 %, as this
    # guideline's footnote defines it (verified for the AV-block row below).
    Rule(
        "esc-af-avj-hfref", "I", "B",
        (("rhythm", "==", "af"), ("av_junction_ablation", "==", True), ("lvef", "<", 40)),
        "In patients with symptomatic AF and uncontrolled heart rate who are candidates for "
        "AV-junction ablation (irrespective of QRS duration), CRT is recommended in patients "
        "with HFrEF",
    ),
    # UNSURE: class IIa, level C not found in a readable source; HFmrEF read as LVEF 40–49 %
    # (2021 ESC HF definition).
    Rule(
        "esc-af-avj-hfmref", "IIa", "C",
        (("rhythm", "==", "af"), ("av_junction_ablation", "==", True), ("lvef", ">=", 40),
         ("lvef", "<", 50)),
        "In patients with symptomatic AF and uncontrolled heart rate who are candidates for "
        "AV-junction ablation, CRT should be considered in patients with HFmrEF",
    ),
    # Verified (section 6.5, wording and footnote "HFrEF ... (<40%)").
    Rule(
        "esc-pacing-hfref", "I", "A",
        (("pacing_indication", "==", True), ("lvef", "<", 40)),
        "CRT rather than RV pacing is recommended for patients with HFrEF (< 40 %) regardless "
        "of NYHA class who have an indication for ventricular pacing and high-degree AVB in order "
        "to reduce morbidity. This includes patients with AF",
    ),
    # Verified (section 6.4). The ECG's paced QRS stands for "a significant proportion of RV
    # pacing" (note c of the table: a limit of 20 % RV pacing).
    Rule(
        "esc-upgrade-paced", "IIa", "B",
        (("morphology", "==", "paced"), ("lvef", "<=", 35), ("nyha", "in", SYMPTOMATIC)),
        "Patients who have received a conventional pacemaker or an ICD and who subsequently "
        "develop symptomatic HF with LVEF ≤ 35 % despite OMT, and who have a significant "
        "proportion of RV pacing, should be considered for upgrade to CRT",
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
