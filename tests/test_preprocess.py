"""Baseline removal and the detection band-pass: designed from fs, zero phase, on real ECG."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal as sps

from ecgcrt_gui.core.config import DEFAULT_CONFIG
from ecgcrt_gui.core.signal.preprocess import bandpass, bandpass_sos, remove_baseline


@pytest.fixture(scope="module")
def minute_100(mitdb100):
    """First minute of MIT-BIH 100 (MLII, V5), mV, 360 Hz."""
    rec = mitdb100
    return rec.signal[: int(60 * rec.fs)], rec.fs


def test_remove_baseline_takes_out_wander_and_keeps_qrs(minute_100):
    x, fs = minute_100
    t = np.arange(x.shape[0]) / fs
    wander = 1.0 + 0.8 * np.sin(2 * np.pi * 0.15 * t)  # offset + breathing-like drift, mV
    clean = remove_baseline(x, fs)
    drifted = remove_baseline(x + wander[:, None], fs)
    middle = slice(int(5 * fs), int(55 * fs))  # away from the edges
    assert np.sqrt(np.mean((drifted[middle] - clean[middle]) ** 2)) < 0.05
    assert abs(float(np.median(drifted[middle, 0]))) < 0.1  # baseline near 0 mV
    # R waves of MLII in record 100 are ~1.5-2 mV above baseline: the high-pass keeps them.
    assert 1.0 < float(np.percentile(clean[middle, 0], 99.9)) < 3.0


def test_remove_baseline_shapes_and_dtype(minute_100):
    x, fs = minute_100
    assert remove_baseline(x, fs).dtype == np.float32
    assert remove_baseline(x, fs).shape == x.shape
    one = remove_baseline(x[:, 0], fs)
    assert one.shape == (x.shape[0],)
    np.testing.assert_allclose(one, remove_baseline(x, fs)[:, 0], atol=1e-5)


def test_nan_samples_do_not_spread(minute_100):
    x, fs = minute_100
    y = x.copy()
    y[1000:1010] = np.nan
    assert np.isfinite(remove_baseline(y, fs)).all()
    assert np.isfinite(bandpass(y, fs)).all()


@pytest.mark.parametrize("fs", [250.0, 360.0, 500.0, 1000.0])
def test_bandpass_is_designed_from_fs(fs):
    sos = bandpass_sos(fs, DEFAULT_CONFIG)
    freqs = np.array([1.0, 14.0, 50.0, 100.0])
    _, h = sps.sosfreqz(sos, worN=freqs, fs=fs)
    gain = np.abs(h)
    assert 0.9 < gain[1] <= 1.01  # pass band: within the 0.5 dB ripple
    assert gain[0] < 0.01 and gain[2] < 0.1 and gain[3] < 0.01  # baseline, mains, EMG are stopped


def test_bandpass_is_zero_phase():
    fs = 360.0
    impulse = np.zeros(2001)
    impulse[1000] = 1.0
    out = bandpass(impulse, fs)
    assert int(np.argmax(np.abs(out))) == 1000
    np.testing.assert_allclose(out[1000 - 200 : 1000], out[1001 : 1201][::-1], atol=1e-9)
