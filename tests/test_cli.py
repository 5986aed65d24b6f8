"""`ecgcrt analyze`: the JSON contract (docs/ARCHITECTURE.md), exit codes and messages, on real records."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from pypdf import PdfReader

from ecgcrt_gui.cli import main
from ecgcrt_gui.core.model.inference import CRT_MODEL
from ecgcrt_gui.core.support.resources import DEMO_ECG
from ecgcrt_gui.core.text import text_problems, whole_ms

CONTRACT_KEYS = {"record", "rpeaks", "heart_rate_bpm", "beats", "qrs_duration_ms", "morphology",
                 "prediction", "guidelines", "warnings"}


def run_json(capsys, *args: str) -> dict:
    assert main(["analyze", *args, "--json", "-"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_contract_on_demo_ecg(capsys):
    out = run_json(capsys, str(DEMO_ECG), "--no-predict", "--lvef", "25", "--nyha", "3", "--rhythm", "sinus")
    assert out["schema"] == "ecgcrt.assessment/1"
    assert CONTRACT_KEYS <= set(out)
    rec = out["record"]
    assert rec["format"] == "wfdb" and rec["fs"] == 500 and rec["n_samples"] == 5000
    assert rec["duration_s"] == 10.0 and len(rec["leads"]) == 12
    # 10 s of sinus rhythm: every beat found, one beat record per R-peak, indices at the file's fs
    assert 8 <= len(out["rpeaks"]) <= 16
    assert [b["r"] for b in out["beats"]] == out["rpeaks"]
    assert 45 <= out["heart_rate_bpm"] <= 100
    for beat in out["beats"]:
        if beat["qrs_on"] is not None and beat["qrs_off"] is not None:
            assert beat["qrs_on"] < beat["r"] < beat["qrs_off"]
    # PTB-XL labels this ECG complete LBBB: a wide QRS, and the three guidelines evaluated
    assert out["qrs_duration_ms"] is not None and out["qrs_duration_ms"] >= 120
    assert out["morphology"]["label"] == "LBBB"
    assert {g["name"] for g in out["guidelines"]} == {"esc2021", "acc2012", "hrs2023"}
    assert out["prediction"] is None
    json.dumps(out)  # serialisable as a whole


def test_guideline_filter_and_readable_summary(capsys):
    out = run_json(capsys, str(DEMO_ECG), "--no-predict", "--guideline", "esc2021")
    assert [g["name"] for g in out["guidelines"]] == ["esc2021"]
    assert main(["analyze", str(DEMO_ECG), "--no-predict", "--lvef", "30", "--nyha", "3", "--rhythm", "sinus"]) == 0
    text = capsys.readouterr().out
    assert "QRS duration" in text and "not a medical device" in text
    assert f"median of {out['qrs_beats']['used']} beats, beats read one by one: IQR" in text  # no classifier: none left out
    assert "Class I — ESC 2021: CRT is recommended" in text and "esc2021" not in text
    assert "Broad or notched R in I, aVL, V5 and V6" in text  # the criteria, in sentences


def test_yes_no_inputs_reach_the_json(capsys):
    """The optional guideline inputs are CLI flags, land in `inputs`, and decide rows; every
    guideline answer says where its row was read and how far it was verified."""
    out = run_json(capsys, str(DEMO_ECG), "--no-predict", "--lvef", "30", "--nyha", "3", "--rhythm", "af",
                   "--rv-pacing-high", "--morphology", "RBBB")
    assert out["inputs"]["rv_pacing_high"] is True and out["inputs"]["av_junction_ablation"] is None
    esc = next(g for g in out["guidelines"] if g["name"] == "esc2021")
    assert (esc["rule_id"], esc["recommendation_class"], esc["verification"]) == ("esc-upgrade", "IIa", "verified")
    assert "2021_Cardiac_Pacing_CRT.md" in esc["quoted_from"]
    for g in out["guidelines"]:
        assert {"rule_id", "verification", "quoted_from"} <= set(g)


def test_contradicting_pacing_flags_are_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(DEMO_ECG), "--pacing-indication", "--pacing-indication-low-burden"])
    assert exc.value.code == 2 and "not allowed with" in capsys.readouterr().err


@pytest.mark.parametrize("make_bad", ["missing", "empty", "garbage_hea"])
def test_unreadable_input_exits_2_with_one_line(tmp_path, capsys, make_bad):
    path = tmp_path / "patient.hea"
    if make_bad == "empty":
        path.write_bytes(b"")
    elif make_bad == "garbage_hea":
        path.write_text("this is not a header\n\x00\x01")
    assert main(["analyze", str(path), "--json", "-"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ecgcrt: ") and "Traceback" not in captured.err
    assert text_problems(lines[0], allow=[str(path)]) == [], lines[0]


def test_entry_point_exit_status_without_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "ecgcrt_gui.cli", "analyze", str(tmp_path / "nope.edf")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


def test_json_and_pdf_files_written(tmp_path, capsys):
    json_path, pdf_path = tmp_path / "a.json", tmp_path / "a.pdf"
    assert main(["analyze", str(DEMO_ECG), "--no-predict", "--json", str(json_path), "--pdf", str(pdf_path)]) == 0
    assert json.loads(json_path.read_text())["record"]["n_samples"] == 5000
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "a.pdf"]  # no temporary files left
    # the PDF (which reads the JSON) and the guideline reasons state the QRS as the panel does
    out = json.loads(json_path.read_text())
    shown = f"{whole_ms(out['qrs_duration_ms'])} ms"
    pdf_text = "".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    assert f"QRS duration\n{shown} (median over" in pdf_text
    assert all(f"QRS {shown}" in g["reason"] for g in out["guidelines"] if "QRS " in g["reason"])


def test_prediction_on_real_records_is_a_probability_and_repeatable(capsys):
    first = run_json(capsys, str(DEMO_ECG), "--device", "cpu")
    again = run_json(capsys, str(DEMO_ECG), "--device", "cpu")
    pred = first["prediction"]
    assert 0.0 <= pred["probability"] <= 1.0
    assert pred["probability"] == again["prediction"]["probability"]
    assert pred["n_beats"] >= 8 and pred["device"] == "cpu"
    assert pred["model"]["sha256"] and pred["label"] in {"responder", "non-responder"}
    assert first["beat_classifier"]["model"]["name"] == "aami_resnet18"
    for b in first["beats"]:  # a class, or null ("not classified") with the classifier's reason
        assert b["aami_class"] in {"N", "S", "V", "F", "Q"} or b["aami_status"] in {"uncertain", "no_input"}
        assert b["aami_confidence"] is None or 0.2 <= b["aami_confidence"] <= 1.0


def test_tampered_model_is_refused_with_exit_2(tmp_path, capsys):
    pt = tmp_path / "crt.pt"
    shutil.copy(CRT_MODEL, pt)
    shutil.copy(CRT_MODEL.with_suffix(".json"), pt.with_suffix(".json"))
    data = bytearray(pt.read_bytes())
    data[-100] ^= 0xFF
    pt.write_bytes(bytes(data))
    assert main(["analyze", str(DEMO_ECG), "--model", str(pt), "--json", "-"]) == 2
    assert "model refused" in capsys.readouterr().err


def test_unwritable_output_names_the_users_path(tmp_path, capsys):
    target = tmp_path / "missing-folder" / "report.pdf"
    assert main(["analyze", str(DEMO_ECG), "--no-predict", "--pdf", str(target)]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"ecgcrt: cannot write {target}: No such file or directory"


def test_cart_export_gives_device_reading_beside_ours(capsys, data):
    out = run_json(capsys, str(data / "formats" / "philips" / "129DYPRG.XML"), "--no-predict")
    assert out["record"]["format"] == "philips" and len(out["record"]["leads"]) == 12
    assert out["record"]["acquired"] == "2011-12-01T07:27:34" and out["record"]["derived_leads"] == []
    cart = out["device_reading"]
    assert cart["qrs_duration_ms"] == 135 and cart["heart_rate_bpm"] == 41 and cart["pr_ms"] == 151
    assert cart["system"].startswith("Philips XML") and cart["statements_source"] == "machine"
    assert "Nonspecific intraventricular conduction delay (QRSd >115mS, not LBBB/RBBB)" in cart["statements"]
    # ours is ours: measured, not copied from the cart
    assert out["qrs_duration_ms"] is not None and out["qrs_duration_ms"] != cart["qrs_duration_ms"]
    ours = round(out["qrs_duration_ms"])
    if (ours >= 130) != (135 >= 130):
        assert any("opposite sides of the guideline cut-off" in w for w in out["warnings"])

    muse = run_json(capsys, str(data / "formats" / "ge_muse" / "muse_ecg1.xml"), "--no-predict")
    assert muse["record"]["derived_leads"] == ["III", "aVR", "aVL", "aVF"]
    assert muse["device_reading"]["statements"][0] == "Ventricular-paced rhythm"
    if muse["morphology"]["measured_label"] != "paced":
        assert any("The cart's statements read" in w and "paced" in w for w in muse["warnings"])
    assert run_json(capsys, str(DEMO_ECG), "--no-predict")["device_reading"] is None


def test_unsupported_philips_version_exits_2_with_one_line(capsys, data):
    assert main(["analyze", str(data / "formats" / "philips" / "invalid-doc-version.xml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("ecgcrt: invalid-doc-version.xml: ") and "SierraECG 1.05" in err
