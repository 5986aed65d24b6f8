"""EDF/EDF+: a real LUDB segment written as EDF+ (tests/fixtures/io/ludb1_10s.edf), and broken files."""

from __future__ import annotations

import datetime
import shutil
import warnings
from pathlib import Path

import numpy as np
import pyedflib
import pytest

from ecgcrt_gui.core.io import read
from ecgcrt_gui.core.record import EcgReadError

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import wfdb

FIXTURE = Path(__file__).parent / "fixtures" / "io" / "ludb1_10s.edf"
TWELVE = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]


def _write_edf(path: Path, signals: list[np.ndarray], labels: list[str], rates: list[float],
               units: list[str]) -> None:
    signals = [np.ascontiguousarray(sig, dtype=np.float64) for sig in signals]
    headers = [{"label": label, "dimension": unit, "sample_frequency": rate,
                "physical_min": float(np.floor(sig.min()) - 1), "physical_max": float(np.ceil(sig.max()) + 1),
                "digital_min": -32768, "digital_max": 32767, "transducer": "", "prefilter": ""}
               for sig, label, rate, unit in zip(signals, labels, rates, units)]
    pyedflib.highlevel.write_edf(str(path), signals, headers, file_type=pyedflib.FILETYPE_EDFPLUS)


def test_ludb_segment_in_microvolts_matches_wfdb(ludb: Path) -> None:
    rec = read(FIXTURE)
    reference = wfdb.rdrecord(str(ludb / "1"))
    assert rec.format == "edf" and rec.path == str(FIXTURE)
    assert rec.leads == TWELVE and rec.fs == 500 and rec.signal.shape == (5000, 12)
    assert rec.signal.dtype == np.float32
    edf = pyedflib.EdfReader(str(FIXTURE))
    # one digital step of each channel, converted from the file's uV to mV
    resolution = np.array([(edf.getPhysicalMaximum(ch) - edf.getPhysicalMinimum(ch))
                           / (edf.getDigitalMaximum(ch) - edf.getDigitalMinimum(ch)) for ch in range(12)]) / 1000
    edf.close()
    error = np.abs(rec.signal - reference.p_signal).max(axis=0)
    assert (error <= resolution + 1e-6).all(), (error, resolution)  # 1 step (edflib truncates) + float32
    assert rec.meta["sex"] == "F" and rec.meta["age"] == 51


def test_wrong_extension_is_ignored_when_the_header_is_edf(tmp_path: Path) -> None:
    disguised = tmp_path / "export.csv"
    shutil.copy(FIXTURE, disguised)
    rec = read(disguised)
    assert rec.format == "edf" and rec.leads == TWELVE


def test_mixed_rates_keep_the_most_common_and_warn(tmp_path: Path, ludb: Path) -> None:
    lead_i, lead_ii, lead_v1 = wfdb.rdrecord(str(ludb / "1"), channels=[0, 1, 6]).p_signal.T
    path = tmp_path / "mixed.edf"
    _write_edf(path, [lead_i, lead_ii, lead_v1[::2], np.linspace(0, 100, 5000)],
               ["ECG I", "ECG II", "ECG V1", "SpO2"], [500, 500, 250, 500], ["mV", "mV", "mV", "%"])
    rec = read(path)
    assert rec.leads == ["I", "II"] and rec.fs == 500
    np.testing.assert_allclose(rec.signal[:, 1], lead_ii, atol=1e-3)
    assert any("V1 (250 Hz)" in w for w in rec.meta["warnings"])


def test_non_ecg_voltage_channels_are_left_out_when_labels_name_the_ecg(tmp_path: Path, ludb: Path) -> None:
    lead_ii = wfdb.rdrecord(str(ludb / "1"), channels=[1]).p_signal[:, 0]
    path = tmp_path / "psg.edf"
    _write_edf(path, [lead_ii * 1000, lead_ii * 0.5], ["EKG", "EEG Fp1"], [500, 500], ["uV", "mV"])
    rec = read(path)
    assert rec.leads == ["EKG"]
    np.testing.assert_allclose(rec.signal[:, 0], lead_ii, atol=1e-3)
    assert any("EEG Fp1" in w for w in rec.meta["warnings"])


def test_truncated_edf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cut.edf"
    path.write_bytes(FIXTURE.read_bytes()[:40000])
    with pytest.raises(EcgReadError, match=r"cut\.edf: this is not a readable EDF file .*export it again"):
        read(path)


def test_edf_with_only_non_voltage_channels_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pleth.edf"
    _write_edf(path, [np.sin(np.arange(5000) / 50.0) * 50 + 50], ["Pleth"], [500], ["%"])
    with pytest.raises(EcgReadError, match=r"pleth\.edf: no usable lead.*units found: %"):
        read(path)


def test_short_edf_is_refused(tmp_path: Path, ludb: Path) -> None:
    lead_ii = wfdb.rdrecord(str(ludb / "1"), channels=[1], sampto=1500).p_signal[:, 0]
    path = tmp_path / "short.edf"
    _write_edf(path, [lead_ii], ["ECG II"], [500], ["mV"])
    with pytest.raises(EcgReadError, match=r"short\.edf: the record lasts 3\.0 s, too short"):
        read(path)


def test_edf_birthdate_gives_age_at_recording() -> None:
    edf = pyedflib.EdfReader(str(FIXTURE))
    recorded = edf.getStartdatetime()
    edf.close()
    assert recorded == datetime.datetime(2020, 6, 1, 10, 0)
    assert read(FIXTURE).meta["age"] == 51  # born 2 July 1968, a month before her 52nd birthday
