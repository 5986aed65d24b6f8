"""The PDF report: written whole and atomically, 2 pages, notice, robust to missing parts."""

from __future__ import annotations

import re

import numpy as np
import pytest
from pypdf import PdfReader

from ecgcrt_gui.core.guidelines.engine import ClinicalInputs, evaluate
from ecgcrt_gui.core.io import read
from ecgcrt_gui.core.record import EcgRecord
from ecgcrt_gui.core.report import (
    DEMO_NOTICE,
    NOTICE,
    _layout,
    decimate_for_print,
    research_notice,
    write_pdf,
)
from ecgcrt_gui.core.signal.rpeaks import detect
from ecgcrt_gui.core.support.resources import DEMO_ECG


@pytest.fixture(scope="module")
def demo() -> EcgRecord:
    return read(DEMO_ECG)


def demo_assessment(record: EcgRecord) -> dict:
    """An assessment of the demo ECG (CLBBB, woman 69) as analyze() writes it, built by hand."""
    rpeaks = detect(record.signal, record.fs)
    rr = np.diff(rpeaks) / record.fs
    qrs_ms, label = 152.0, "LBBB"
    inputs = ClinicalInputs(lvef=30, nyha=3, sex="F", rhythm="sinus")
    crit = {
        "qrs_duration": dict(name="QRS duration ≥ 140 ms (women ≥ 130 ms)", status="met",
                             leads=[], value=qrs_ms, detail="global QRS over all leads"),
        "qs_rs_v1v2": dict(name="QS or rS in V1 and V2", status="met", leads=["V1", "V2"],
                           value=None, detail="terminal negative deflection"),
        "mid_qrs_notch": dict(name="Mid-QRS notching or slurring in ≥ 2 of I, aVL, V1, V2, V5, V6",
                              status="met", leads=["I", "aVL", "V6"], value=3, detail=""),
        "absent_q_lateral": dict(name="No q wave in I, V5, V6", status="not_assessable", leads=[],
                                 value=None, detail="V5 too noisy"),
        "rsr_v1": dict(name="rsR' in V1 (RBBB)", status="not_met", leads=[], value=None,
                       detail=""),
    }
    return {
        "schema": "ecgcrt.assessment/1",
        "record": {"path": record.path, "format": record.format, "fs": record.fs,
                   "n_samples": record.n_samples, "duration_s": record.duration_s,
                   "leads": record.leads, "age": 69, "sex": "F"},
        "rpeaks": rpeaks.tolist(),
        "heart_rate_bpm": round(60 / float(np.median(rr)), 1),
        "beats": [{"r": int(r), "qrs_on": int(r) - 40, "qrs_off": int(r) + 36, "aami_class": "N"}
                  for r in rpeaks],
        "qrs_duration_ms": qrs_ms,
        "qrs_beats": {"used": len(rpeaks), "excluded": 0},
        "morphology": {"label": label, "strauss_lbbb": True, "aha_lbbb": None, "paced": False,
                       "criteria": crit},
        "prediction": {"probability": 0.83, "label": "responder", "threshold": 0.5,
                       "n_beats": len(rpeaks), "device": "cpu", "device_name": "CPU",
                       "seconds": 0.41, "demonstration": True,
                       "model": {"name": "crt-resnet50", "version": "1.0",
                                 "sha256": "3f2a9c0d4e5b6a7980f1e2d3c4b5a69788f9e0d1c2b3a495"}},
        "inputs": {"lvef": 30, "nyha": 3, "sex": "F", "rhythm": "sinus", "rv_pacing_high": True},
        "guidelines": [g.to_dict() for g in evaluate(inputs, qrs_ms, label)],
        "warnings": ["Lead V5: baseline noise above 0.3 mV in 2 beats."],
    }


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_report_two_pages_with_notice(demo, tmp_path):
    out = tmp_path / "report.pdf"
    write_pdf(demo_assessment(demo), demo, out, compress=False)
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert _pages(pdf) == 2
    assert f"({NOTICE} {DEMO_NOTICE})".encode() in pdf
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]  # no temporary left


def test_report_text(demo, tmp_path):
    out = tmp_path / "report.pdf"
    write_pdf(demo_assessment(demo), demo, out)  # compressed, as the app writes it
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert NOTICE in text and DEMO_NOTICE in text
    for expected in ("00338_hr", "500 Hz", "QRS 152 ms", "LBBB", "83 %", "Class I", "≥ 150 ms",
                     "2021 ESC Guidelines on cardiac pacing", "Eur Heart J", "Heart Rhythm",
                     "not assessable", "sha256 3f2a9c0d4e5b", "V5: baseline noise",
                     # ACC's class I level could not be checked: said, not guessed
                     "Class I (recommended / indicated); level not verified", "Row source:",
                     "Also stated: already paced"):
        assert expected in text, expected
    for lead in ("aVR", "V1", "V4", "V6"):
        assert lead in text


def test_report_robust_to_missing_parts(demo, tmp_path):
    a = demo_assessment(demo)
    a.update(prediction=None, qrs_duration_ms=None, heart_rate_bpm=None, warnings=[])
    a["morphology"] = {"label": "undetermined", "strauss_lbbb": None, "aha_lbbb": None,
                       "criteria": {}}
    a["guidelines"] = [g.to_dict() for g in evaluate(ClinicalInputs(), None, "undetermined")]
    del a["inputs"], a["qrs_beats"]
    out = tmp_path / "bare.pdf"
    write_pdf(a, demo, out, compress=False)
    pdf = out.read_bytes()
    assert _pages(pdf) == 2
    assert f"({NOTICE})".encode() in pdf and DEMO_NOTICE.encode() not in pdf


def test_long_content_still_fits_two_pages(demo, tmp_path):
    a = demo_assessment(demo)
    crit = a["morphology"]["criteria"]
    for i in range(14):
        crit[f"extra{i}"] = dict(name=f"Criterion {i} with a long descriptive name of the rule",
                                 status="not_met", leads=["I", "aVL", "V5", "V6"], value=0.12,
                                 detail="a detail sentence that wraps over more than one line "
                                        "of the table cell it is in")
    a["warnings"] = [f"Warning number {i} about something in the record." for i in range(40)]
    a["guidelines"] = [g.to_dict() for g in evaluate(ClinicalInputs(), None, "undetermined")]
    out = tmp_path / "long.pdf"
    write_pdf(a, demo, out, compress=False)
    assert _pages(out.read_bytes()) == 2


def test_stacked_layout_for_a_two_lead_record(mitdb, tmp_path):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import wfdb
    rec = wfdb.rdrecord(str(mitdb / "100"), sampto=3600)
    record = EcgRecord(signal=rec.p_signal.astype(np.float32), fs=float(rec.fs),
                       leads=list(rec.sig_name), path=str(mitdb / "100"), format="wfdb")
    out = tmp_path / "mitdb.pdf"
    write_pdf({"record": {}, "guidelines": [], "prediction": None}, record, out, compress=False)
    assert _pages(out.read_bytes()) == 2
    assert _layout(record) == [[(0.0, 10.0, "MLII")], [(0.0, 10.0, "V5")]]


def test_failed_write_leaves_no_file(demo, tmp_path):
    out = tmp_path / "broken.pdf"
    out.write_bytes(b"old report")
    bad = demo_assessment(demo)
    bad["prediction"]["probability"] = "not a number"
    with pytest.raises(ValueError):
        write_pdf(bad, demo, out)
    assert out.read_bytes() == b"old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.pdf"]


def test_a_cohort_trained_model_and_the_explanation_in_the_report(demo, tmp_path):
    a = demo_assessment(demo)
    a["prediction"] = {**a["prediction"], "demonstration": False, "trained_on": "St Elsewhere 2019-2024, n = 212"}
    a["prediction"]["model"] = {**a["prediction"]["model"], "demonstration": False}
    why = ["Beats that pushed P(response) up: 3, 5; down: 7 (under 0.1 percentage points each)",
           "Beat 3: P(response) 0.98 against 0.17 for an image without contrast. Most evidence towards response: "
           "lead V1, -114 to 19 ms from R, 3-17 Hz (19 % of it)."]
    out = tmp_path / "report.pdf"
    write_pdf(a, demo, out, explanation=why)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(out).pages).split())
    assert "CRT model trained on St Elsewhere 2019-2024, n = 212" in text and DEMO_NOTICE not in text
    assert "Why this probability" in text and "lead V1, -114 to 19 ms from R" in text and "up: 3, 5" in text
    assert len(PdfReader(out).pages) == 2


def test_research_notice_only_names_simulated_outcomes_for_the_demo_model():
    assert research_notice({"prediction": None}) == NOTICE
    assert research_notice({"prediction": {"model": {"demonstration": True}}}).endswith(DEMO_NOTICE)
    assert research_notice({"prediction": {"demonstration": False, "model": {}}}) == NOTICE


def test_decimation_keeps_the_extremes(demo):
    lead = demo.lead("V1")
    t, v = decimate_for_print(lead, demo.fs)
    assert len(v) <= len(lead) * 0.45  # 500 Hz -> 200 points/s
    assert v.max() == pytest.approx(lead.max()) and v.min() == pytest.approx(lead.min())
    assert np.all(np.diff(t) > 0)


def test_cart_reading_beside_ours_labelled_as_the_carts(data, tmp_path):
    from ecgcrt_gui.core.analysis import analyze
    from ecgcrt_gui.core.io import read

    record = read(data / "formats" / "ge_muse" / "muse_ecg1.xml")
    a = analyze(record, ClinicalInputs(lvef=30, nyha=3), predict=False).to_json()
    out = tmp_path / "muse.pdf"
    write_pdf(a, record, out)
    pages = PdfReader(out).pages
    assert len(pages) == 2
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    for expected in (f"QRS {a['qrs_duration_ms']:.0f} ms (ours) · 78 ms (cart)",  # the summary on page 1
                     f"{a['qrs_duration_ms']:.0f} ms (ours) (median over", "· 78 ms (cart)", "60 bpm (cart)",
                     "The cart's reading (from the file, not measured by ECG-CRT)", "GE MUSE XML: MAC55", "PR 158 ms",
                     "Ventricular-paced rhythm", "confirmed by a physician", "The cart's own statements",
                     "Wide QRS rhythm", "12 (4 derived*)", "III*", "* derived from I and II"):
        assert expected in text, expected
    assert "Doe" not in text and "TEST 05" not in text  # the physician and patient names stay out
