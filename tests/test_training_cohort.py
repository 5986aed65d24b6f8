"""The demonstration cohort (Bayes oracle, seeded draw, committed CSV) and hospital CSV validation."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from ecgcrt_gui.core.support.resources import DEMO_COHORT
from training.datasets.crt_demo_cohort import cohort_csv_text, draw_responses, p_response
from training.datasets.hospital_cohort import CohortError, load_cohort

DEMO = DEMO_COHORT


def _normal(x, m, s):
    return math.exp(-0.5 * ((x - m) / s) ** 2) / s


def test_p_response_is_bayes_rule_on_table_1():
    num = 0.648 * 0.957 * _normal(170, 179.4, 19.8)
    den = num + 0.352 * 0.520 * _normal(170, 158.4, 23.7)
    assert p_response(True, 170) == pytest.approx(num / den)
    assert p_response(False, 130) < 0.05 < p_response(True, 130) < p_response(True, 200)


MEASURED = [{"record": f"r{i}", "patient": f"p{i}", "source": "x", "lbbb": i % 3 == 0, "sex": "F",
             "qrs_ms": 100 + 2.5 * i} for i in range(60)]


def test_draw_is_reproducible_from_its_seed():
    a, b, c = draw_responses(MEASURED, 7), draw_responses(MEASURED, 7), draw_responses(MEASURED, 8)
    assert cohort_csv_text(a, 7) == cohort_csv_text(b, 7)
    assert [r["response"] for r in a] != [r["response"] for r in c]
    assert all(float(r["qrs_ms"]) > 120 for r in a) and len(a) == 51


def _demo_rows():
    lines = DEMO.read_text().splitlines()
    seed = int(next(ln for ln in lines if ln.startswith("# seed:")).split(":")[1])
    return seed, list(csv.DictReader(ln for ln in lines if not ln.startswith("#")))


def test_committed_demo_cohort_matches_its_seed():
    seed, rows = _demo_rows()
    redrawn = draw_responses([{k: r[k] for k in ("record", "patient", "source", "lbbb", "sex", "qrs_ms")} for r in rows], seed)
    assert [r["response"] for r in redrawn] == [int(r["response"]) for r in rows]
    assert [r["p_response"] for r in redrawn] == [r["p_response"] for r in rows]
    expected = sum(float(r["p_response"]) for r in rows)  # responders ~ sum of Bernoulli(p): mean and SD
    sd = math.sqrt(sum(float(r["p_response"]) * (1 - float(r["p_response"])) for r in rows))
    assert abs(sum(int(r["response"]) for r in rows) - expected) < 4 * sd


def test_demo_cohort_loads_against_the_data(data):
    cohort = load_cohort(DEMO)
    assert cohort.demonstration and len(cohort.rows) >= 30
    assert {r.record.parent.parent.name for r in cohort.rows} >= {"records500", "ludb"}
    assert sum(r.lbbb for r in cohort.rows) >= 8  # PTB-XL CLBBB and LUDB complete LBBB with wide QRS


def test_hospital_csv_errors_are_collected_by_row(tmp_path, ludb):
    ok = ludb / "1.hea"
    (tmp_path / "ecg").mkdir()
    (tmp_path / "ecg" / "a.hea").write_text("x")
    text = "\n".join([
        "record,lvesv_baseline,lvesv_6m,response,sex,lvef,nyha",
        f"{ok},100,80,,F,30,3",          # 1: fine (20 % reduction: responder)
        "ecg/a,120,110,,M,,",             # 2: fine, relative path + WFDB .hea, 8 %: non-responder
        "ecg/missing.hea,,,1,,,",        # 3: missing file
        f"{ok},100,80,,,,",               # 4: duplicate of row 1
        "ecg/a.hea,abc,80,,,,",          # 5: duplicate + bad number
        f"{ludb / '2.hea'},100,80,1,,,",  # 6: both outcomes
        f"{ludb / '3.hea'},,,,,,",        # 7: neither outcome
        f"{ludb / '4.hea'},,,2,X,130,5",  # 8: response 2, sex X, lvef 130, nyha 5
    ])
    path = tmp_path / "cohort.csv"
    path.write_text(text)
    with pytest.raises(CohortError) as err:
        load_cohort(path)
    errors = err.value.errors
    by_row = {n: [e for e in errors if e.startswith(f"row {n}:")] for n in range(1, 9)}
    assert not by_row[1] and not by_row[2]
    assert "record file not found" in by_row[3][0]
    assert "duplicate record" in by_row[4][0] and "first in row 1" in by_row[4][0]
    assert any("duplicate" in e for e in by_row[5]) and any("lvesv_baseline is not a number" in e for e in by_row[5])
    assert "both outcome columns" in by_row[6][0]
    assert "no outcome" in by_row[7][0]
    assert len(by_row[8]) == 4
    assert str(path) in str(err.value)


def test_hospital_csv_outcomes(tmp_path, ludb):
    path = tmp_path / "c.csv"
    path.write_text(f"record,lvesv_baseline,lvesv_6m,patient\n{ludb / '1.hea'},100,85,p1\n{ludb / '2'},100,86,p1\n")
    cohort = load_cohort(path)
    assert [r.response for r in cohort.rows] == [1, 0] and not cohort.demonstration
    assert {r.patient for r in cohort.rows} == {"p1"}


def test_hospital_csv_takes_cart_exports(tmp_path, data, monkeypatch):
    from training.cohort_data import prepare

    monkeypatch.setenv("ECGCRT_CACHE", str(tmp_path / "cache"))
    formats = data / "formats"
    path = tmp_path / "carts.csv"
    path.write_text("record,response,patient\n"
                    f"{formats / 'ge_muse' / 'muse_ecg1.xml'},1,a\n{formats / 'philips' / '129DYPRG.XML'},0,b\n"
                    f"{formats / 'hl7_aecg' / 'Example_aECG.xml'},1,c\n{formats / 'scp_ecg' / 'Example.scp'},0,d\n")
    cohort = load_cohort(path)
    assert [r.response for r in cohort.rows] == [1, 0, 1, 0]
    prepared = prepare(cohort)
    assert not prepared.dropped and all(len(images) >= 5 for images in prepared.images)
    assert np.isfinite(prepared.features[:, 0]).all()  # our QRS measured on each
