"""finalise(): the checks every reader shares (missing samples, flat leads, rate, duration, names)."""

import numpy as np
import pytest

from ecgcrt_gui.core.io.validate import MAX_NAN_FRACTION, MIN_DURATION_S, finalise
from ecgcrt_gui.core.record import EcgReadError

FS = 250.0


def _signal(seconds: float = 10.0, leads: int = 3) -> np.ndarray:
    t = np.arange(int(seconds * FS)) / FS
    return np.stack([np.sin(2 * np.pi * (1 + k) * t) for k in range(leads)], axis=1)


def _finalise(signal, fs=FS, leads=("I", "II", "V1")):
    return finalise(signal, fs, list(leads), path="/tmp/rec.csv", fmt="csv")


def test_clean_signal_becomes_float32_with_normalised_names() -> None:
    rec = _finalise(_signal(), leads=("i", "MLII", "v1 "))
    assert rec.signal.dtype == np.float32 and rec.signal.shape == (2500, 3)
    assert rec.leads == ["I", "II", "V1"]
    assert rec.meta["warnings"] == []
    assert rec.fs == FS and rec.format == "csv" and rec.path == "/tmp/rec.csv"


def test_float32_input_is_not_copied() -> None:
    signal = _signal().astype(np.float32)
    assert _finalise(signal).signal is signal


def test_few_nans_are_interpolated_and_reported() -> None:
    signal = _signal()
    truth = signal[100:103, 1].copy()
    signal[100:103, 1] = np.nan
    rec = _finalise(signal)
    assert np.isfinite(rec.signal).all()
    np.testing.assert_allclose(rec.signal[100:103, 1], truth, atol=0.01)
    assert any("II" in w and "3 missing" in w for w in rec.meta["warnings"])


def test_mostly_nan_lead_is_dropped_and_reported() -> None:
    signal = _signal()
    signal[: int(len(signal) * (MAX_NAN_FRACTION + 0.5)), 2] = np.inf
    rec = _finalise(signal)
    assert rec.leads == ["I", "II"]
    assert any("V1 dropped" in w for w in rec.meta["warnings"])


def test_all_nan_is_refused() -> None:
    with pytest.raises(EcgReadError, match="rec.csv: every sample is missing"):
        _finalise(np.full((2500, 3), np.nan))


def test_flat_lead_is_dropped_and_all_flat_refused() -> None:
    signal = _signal()
    signal[:, 0] = 0.25
    rec = _finalise(signal)
    assert rec.leads == ["II", "V1"]
    assert any("I dropped" in w and "flat" in w for w in rec.meta["warnings"])
    with pytest.raises(EcgReadError, match="no usable lead"):
        _finalise(np.ones((2500, 3)))


@pytest.mark.parametrize("fs", [0, -360, float("nan"), float("inf")])
def test_bad_sampling_rate_is_refused(fs: float) -> None:
    with pytest.raises(EcgReadError, match="sampling rate .* not valid"):
        _finalise(_signal(), fs=fs)


def test_short_record_is_refused_naming_the_minimum() -> None:
    with pytest.raises(EcgReadError, match=r"3\.0 s, too short for beat analysis.*At least 5 s"):
        _finalise(_signal(seconds=3.0))
    assert _finalise(_signal(seconds=MIN_DURATION_S)).duration_s == MIN_DURATION_S


def test_duplicate_lead_names_are_made_unique() -> None:
    rec = _finalise(_signal(), leads=("II", "MLII", "V1"))
    assert rec.leads == ["II", "II (2)", "V1"]
    assert rec.lead("II") is not None and np.array_equal(rec.lead("II"), rec.signal[:, 0])
    assert any("II (2)" in w for w in rec.meta["warnings"])


def test_lead_count_mismatch_is_refused() -> None:
    with pytest.raises(EcgReadError, match="2 lead names"):
        _finalise(_signal(), leads=("I", "II"))
