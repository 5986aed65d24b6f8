"""R-peak detection on real records: MIT-BIH 100, noise in one lead, LUDB, PTB-XL, any fs."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest
from scipy.signal import resample_poly

from benchmarks.scoring import match, reference_beats
from ecgcrt_gui.core.io import read
from ecgcrt_gui.core.signal.rpeaks import detect


@pytest.fixture(scope="module")
def ref100(mitdb):
    ref = reference_beats(mitdb / "100")
    assert ref.size == 2273
    return ref


def test_record_100_matches_annotated_beats(mitdb100, ref100):
    found = detect(mitdb100.signal, mitdb100.fs)
    assert found.dtype == np.int64 and np.all(np.diff(found) > 0)
    score = match(ref100, found, mitdb100.fs)
    assert score.se >= 99.5 and score.ppv >= 99.5, score


@pytest.mark.parametrize("lead", [0, 1])
@pytest.mark.parametrize("damage", ["noise", "zeros"])
def test_one_bad_lead_does_not_spoil_detection(mitdb100, ref100, lead, damage):
    x = mitdb100.signal.copy()
    rng = np.random.default_rng(0)
    # Strong broadband noise (3 mV rms, more than the R waves) or a disconnected electrode.
    x[:, lead] = rng.normal(0.0, 3.0, x.shape[0]) if damage == "noise" else 0.0
    score = match(ref100, detect(x, mitdb100.fs), mitdb100.fs)
    assert score.se >= 99.5 and score.ppv >= 99.5, score


def test_single_lead_input_and_short_input(mitdb100, ref100):
    one = detect(mitdb100.signal[:, 0], mitdb100.fs)
    score = match(ref100, one, mitdb100.fs)
    assert score.se >= 99.5 and score.ppv >= 99.5
    assert detect(mitdb100.signal[:100], mitdb100.fs).size == 0
    assert detect(np.zeros((5000, 2), np.float32), mitdb100.fs).size == 0


@pytest.mark.parametrize("fs_new", [250, 1000])
def test_resampled_record_gives_the_same_beats(mitdb100, fs_new):
    x = mitdb100.signal[: int(300 * mitdb100.fs)]
    base = detect(x, mitdb100.fs) / mitdb100.fs
    ratio = Fraction(fs_new, int(mitdb100.fs))
    y = resample_poly(x, ratio.numerator, ratio.denominator, axis=0)
    other = detect(y, fs_new) / fs_new
    assert other.size == base.size
    assert np.max(np.abs(other - base)) <= 0.010


def _ludb_qrs(path) -> np.ndarray:
    """LUDB's QRS peaks of lead II: the 'N' between '(' and ')' in the .ii annotation file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import wfdb
    ann = wfdb.rdann(str(path), "ii")
    return np.array([s for s, sym in zip(ann.sample, ann.symbol) if sym == "N"], dtype=np.int64)


@pytest.mark.parametrize("name", ["1", "2", "8", "50", "104", "150", "200"])
def test_ludb_12_lead_matches_cardiologist_qrs(ludb, name):
    rec = read(ludb / f"{name}.hea")
    assert rec.fs == 500 and rec.signal.shape[1] == 12
    found = detect(rec.signal, rec.fs)
    qrs = _ludb_qrs(ludb / name)
    score = match(qrs, found, rec.fs)
    assert score.fn == 0, score
    # LUDB leaves the first and last beats unannotated: extra detections only lie outside them.
    extra = found[(found < qrs[0] - 75) | (found > qrs[-1] + 75)]
    assert score.fp == extra.size <= 2


@pytest.mark.parametrize(
    "name, expected",
    [("00001_hr", 11), ("00002_hr", 7), ("00010_hr", 10)],  # counts agreed by XQRS and by eye
)
def test_ptbxl_12_lead_beat_count(ptbxl, name, expected):
    rec = read(ptbxl / f"{name}.hea")
    found = detect(rec.signal, rec.fs)
    assert found.size == expected
    rr = np.diff(found) / rec.fs
    assert rr.min() > 0.3 and rr.max() / rr.min() < 1.6  # sinus rhythm: no doubled or missed beat


def test_demo_lbbb_record(ptbxl):
    from ecgcrt_gui.core.support.resources import DEMO_ECG

    rec = read(DEMO_ECG)
    found = detect(rec.signal, rec.fs)
    assert found.size == 12  # RR ~0.8 s over 10 s, first R at 0.44 s
    assert np.ptp(np.diff(found)) < 0.05 * rec.fs


@pytest.mark.slow
def test_all_ludb_records(ludb):
    missed = extra = total = 0
    for hea in sorted(ludb.glob("*.hea"), key=lambda p: int(p.stem)):
        rec = read(hea)
        qrs = _ludb_qrs(hea.with_suffix(""))
        found = detect(rec.signal, rec.fs)
        score = match(qrs, found, rec.fs)
        inner = found[(found >= qrs[0] - 75) & (found <= qrs[-1] + 75)]
        missed += score.fn
        extra += match(qrs, inner, rec.fs).fp
        total += qrs.size
    assert missed <= 0.005 * total and extra <= 0.005 * total, (missed, extra, total)
