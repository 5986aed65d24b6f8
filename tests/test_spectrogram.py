"""Model input: lead choice with substitutes, beat images (shape, axes, band, rate independence)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import resample_poly

from ecgcrt_gui.core.config import DEFAULT_CONFIG, PreprocessConfig
from ecgcrt_gui.core.io import read
from ecgcrt_gui.core.record import EcgRecord
from ecgcrt_gui.core.signal.rpeaks import detect
from ecgcrt_gui.core.signal.spectrogram import beat_images, image_axes, model_signal


@pytest.fixture(scope="module")
def ludb1(ludb):
    return read(ludb / "1.hea")


@pytest.fixture(scope="module")
def minute_100(mitdb100):
    rec = mitdb100
    x = rec.signal[: int(60 * rec.fs)]
    return x, rec.fs, detect(x, rec.fs)


def _subset(rec: EcgRecord, names: list[str]) -> EcgRecord:
    cols = [rec.leads.index(n) for n in names]
    return EcgRecord(rec.signal[:, cols], rec.fs, names)


def test_model_signal_takes_ii_and_v1(ludb1):
    x, used, warnings = model_signal(ludb1)
    assert used == ["II", "V1"] and warnings == []
    assert x.shape == (ludb1.n_samples, 2) and x.dtype == np.float32
    assert abs(float(np.median(x[:, 1]))) < 0.1  # baseline removed


@pytest.mark.parametrize(
    "leads, used",
    [
        (["I", "II", "V2", "V5"], ["II", "V2"]),
        (["II", "V4"], ["II", "V4"]),
        (["I", "III", "V1"], ["I", "V1"]),
        (["III", "aVF"], ["III", "aVF"]),
        (["V1", "V3"], ["V1", "V3"]),  # no limb lead: the first lead is II's stand-in, V3 is V1's
        (["II"], ["II", "II"]),
    ],
)
def test_missing_leads_are_substituted_with_a_warning(ludb1, leads, used):
    x, got, warnings = model_signal(_subset(ludb1, leads))
    assert got == used
    substituted = [u for u, wanted in zip(used, DEFAULT_CONFIG.model_leads) if u != wanted]
    assert len(warnings) == len(substituted)
    for name, warning in zip(substituted, warnings):
        assert f"lead {name}" in warning
    if leads == ["II"]:
        np.testing.assert_array_equal(x[:, 0], x[:, 1])


def test_mitdb_record_uses_mlii_and_its_chest_lead(mitdb100):
    x, used, warnings = model_signal(mitdb100)
    assert used == ["II", "V5"] and len(warnings) == 1 and "V5" in warnings[0]


def test_images_shape_finite_normalised_and_indices(minute_100):
    x, fs, r = minute_100
    images, idx = beat_images(x, fs, r)
    h, w = DEFAULT_CONFIG.image_size
    assert images.shape == (idx.size, 2, h, w) and images.dtype == np.float32
    assert idx.dtype == np.int64
    assert r.size - 2 <= idx.size <= r.size  # only edge beats may lack a whole window
    assert np.isfinite(images).all()
    np.testing.assert_allclose(images.mean(axis=(2, 3)), 0.0, atol=1e-4)
    np.testing.assert_allclose(images.std(axis=(2, 3)), 1.0, atol=1e-3)
    again, idx2 = beat_images(x, fs, r)
    np.testing.assert_array_equal(images, again)
    np.testing.assert_array_equal(idx, idx2)


def test_image_axes_match_the_config():
    t, f = image_axes()
    h, w = DEFAULT_CONFIG.image_size
    assert t.shape == (w,) and f.shape == (h,)
    assert t[0] == pytest.approx(-400.0) and 790.0 < t[-1] <= 800.0  # 1.2 s span, 1/3 before R
    assert f[0] == 0.0 and 59.0 < f[-1] <= DEFAULT_CONFIG.fmax_hz
    cfg = PreprocessConfig(image_size=(32, 48), fmax_hz=40.0)
    t2, f2 = image_axes(cfg)
    assert t2.shape == (48,) and f2.shape == (32,) and f2[-1] <= 40.0


def test_qrs_energy_lies_at_r_in_the_qrs_band(minute_100):
    x, fs, r = minute_100
    images, _ = beat_images(x, fs, r)
    t, f = image_axes()
    mean = images[:, 0].mean(axis=0)  # lead II, averaged over beats
    band = (f >= 10.0) & (f <= 25.0)  # where the QRS, and hardly the P or T wave, has energy
    assert abs(t[np.argmax(mean[band].mean(axis=0))]) <= 60.0  # the band peaks at the R-peak
    at_r = mean[:, np.argmin(np.abs(t))]
    assert at_r[band].mean() > at_r[f > 45.0].mean() + 1.0  # and falls off above the QRS band
    late = (t > 500) & (t < 700)  # diastole: well below the QRS
    assert mean[band][:, late].mean() < mean[band][:, np.abs(t) < 40].mean() - 1.0


def test_images_look_alike_at_360_and_500_hz(minute_100):
    x, fs, r = minute_100
    images, idx = beat_images(x, fs, r)
    y = resample_poly(x, 25, 18, axis=0)  # 360 -> 500 Hz
    r500 = np.round(r * 500.0 / fs).astype(np.int64)
    images500, idx500 = beat_images(y, 500.0, r500)
    np.testing.assert_array_equal(idx, idx500)
    corr = np.corrcoef(images.ravel(), images500.ravel())[0, 1]
    assert corr > 0.98


def test_indices_refer_to_the_callers_order(minute_100):
    x, fs, r = minute_100
    images, idx = beat_images(x, fs, r)
    shuffled = r[::-1].copy()
    images_s, idx_s = beat_images(x, fs, shuffled)
    np.testing.assert_array_equal(np.sort(shuffled[idx_s]), r[idx])
    order = np.argsort(shuffled[idx_s])
    np.testing.assert_array_equal(images_s[order], images)


def test_no_beats_and_bad_input(minute_100):
    x, fs, _ = minute_100
    images, idx = beat_images(x, fs, np.array([], dtype=np.int64))
    assert images.shape == (0, 2, *DEFAULT_CONFIG.image_size) and idx.size == 0
    with pytest.raises(ValueError):
        beat_images(x[:, 0], fs, np.array([1000]))
    flat = np.zeros_like(x)
    images, _ = beat_images(flat, fs, np.arange(1000, 20000, 300))
    assert np.all(images == 0)
