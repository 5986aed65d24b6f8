"""WFDB records: real MIT-BIH, LUDB and PTB-XL records, and every way a record can be broken."""

from __future__ import annotations

import shutil
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from ecgcrt_gui.core.io import read
from ecgcrt_gui.core.io.validate import MAX_DURATION_S
from ecgcrt_gui.core.record import EcgReadError

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import wfdb

TWELVE = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]


def _copy_record(source: Path, target_dir: Path) -> Path:
    """Copy a record's .hea and .dat into target_dir; returns the record path (no extension)."""
    for suffix in (".hea", ".dat"):
        shutil.copy(source.with_name(source.name + suffix), target_dir)
    return target_dir / source.name


def test_mitdb_100_two_leads_in_mv_with_patient(mitdb: Path) -> None:
    rec = read(mitdb / "100")
    reference = wfdb.rdrecord(str(mitdb / "100"))
    assert rec.format == "wfdb" and rec.path == str(mitdb / "100")
    assert rec.leads == ["II", "V5"]  # MLII and V5 in 100.hea
    assert rec.fs == 360 and rec.signal.shape == (650000, 2) and rec.signal.dtype == np.float32
    np.testing.assert_allclose(rec.signal, reference.p_signal, atol=1e-6)
    assert rec.meta["age"] == 69 and rec.meta["sex"] == "M"
    assert rec.meta["comments"] == ["69 M 1085 1629 x1", "Aldomet, Inderal"]
    assert rec.meta["warnings"] == []


def test_mitdb_unknown_age_is_left_out(mitdb: Path) -> None:
    meta = read(mitdb / "103").meta  # "# -1 M 742 654 x1"
    assert "age" not in meta and meta["sex"] == "M"


@pytest.mark.slow
def test_every_shared_record_reads_with_standard_leads(data: Path) -> None:
    records = [*sorted((data / "mitdb").glob("*.hea")), *sorted((data / "ludb" / "data").glob("*.hea")),
               *sorted((data / "ptbxl" / "records500").glob("*/*.hea"))]
    assert len(records) == 48 + 200 + 500
    for header in records:
        rec = read(header)
        assert rec.meta["warnings"] == [], header
        assert set(rec.leads) <= {"I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"}, header
        assert rec.duration_s >= 10 and ("sex" in rec.meta or "ptbxl" in str(header)), header


@pytest.mark.parametrize("suffix", ["", ".hea", ".dat"])
def test_record_can_be_named_by_hea_dat_or_stem(mitdb: Path, suffix: str) -> None:
    rec = read(f"{mitdb / '100'}{suffix}")
    assert rec.signal.shape == (650000, 2) and rec.format == "wfdb"
    assert rec.path.endswith("100" + suffix)


def test_mitdb_100_reads_fast(mitdb: Path) -> None:
    read(mitdb / "100")  # imports wfdb and warms the file cache
    start = time.perf_counter()
    read(mitdb / "100")
    assert time.perf_counter() - start < 0.3


def test_ludb_lowercase_leads_become_standard_names(ludb: Path) -> None:
    rec = read(ludb / "1")
    reference = wfdb.rdrecord(str(ludb / "1"))
    assert [name.lower() for name in reference.sig_name][:3] == ["i", "ii", "iii"]
    assert rec.leads == TWELVE and rec.fs == 500 and rec.signal.shape == (5000, 12)
    np.testing.assert_allclose(rec.signal, reference.p_signal, atol=1e-6)
    assert rec.meta["age"] == 51 and rec.meta["sex"] == "F"
    assert "Rhythm: Sinus bradycardia." in rec.meta["comments"]


def test_ptbxl_record(ptbxl: Path) -> None:
    rec = read(ptbxl / "00001_hr")
    reference = wfdb.rdrecord(str(ptbxl / "00001_hr"))
    assert rec.leads == TWELVE and rec.fs == 500 and rec.signal.shape == (5000, 12)
    np.testing.assert_allclose(rec.signal, reference.p_signal, atol=1e-6)
    assert 0.3 < float(np.ptp(rec.lead("II"))) < 5  # a plausible amplitude in mV


def test_microvolt_and_non_voltage_channels(tmp_path: Path, ludb: Path) -> None:
    source = wfdb.rdrecord(str(ludb / "1"), channels=[0, 1])
    resp = np.sin(np.arange(5000) / 200.0)[:, None]
    wfdb.wrsamp("mixed", fs=500, units=["uV", "mV", "mmHg"], sig_name=["i", "ii", "BP"],
                p_signal=np.hstack([source.p_signal[:, :1] * 1000, source.p_signal[:, 1:], resp]),
                fmt=["16", "16", "16"], adc_gain=[1, 1000, 1000], baseline=[0, 0, 0], write_dir=str(tmp_path))
    rec = read(tmp_path / "mixed")
    assert rec.leads == ["I", "II"]
    np.testing.assert_allclose(rec.signal, source.p_signal, atol=1e-3)
    assert any("BP" in w and "mmHg" in w for w in rec.meta["warnings"])


# --- broken records: each refused with a message naming the file, the fault and the remedy ---

def test_missing_dat(tmp_path: Path, mitdb: Path) -> None:
    record = _copy_record(mitdb / "100", tmp_path)
    record.with_suffix(".dat").unlink()
    with pytest.raises(EcgReadError, match=r"100\.hea: its signal file 100\.dat is missing\. Copy 100\.dat"):
        read(record)


def test_truncated_dat(tmp_path: Path, mitdb: Path) -> None:
    record = _copy_record(mitdb / "100", tmp_path)
    dat = record.with_name("100.dat")
    dat.write_bytes(dat.read_bytes()[: 360 * 3 * 60])  # one minute of the 30
    with pytest.raises(EcgReadError, match=r"100\.hea: its signal file 100\.dat holds only 60\.0 s of the 1805\.6 s"):
        read(record)


def test_header_claiming_more_samples_than_the_dat_holds(tmp_path: Path, ludb: Path) -> None:
    record = _copy_record(ludb / "1", tmp_path)
    header = record.with_name("1.hea")
    header.write_text(header.read_text().replace("1 12 500 5000", "1 12 500 50000", 1))
    with pytest.raises(EcgReadError, match=r"holds only 10\.0 s of the 100\.0 s the header declares"):
        read(record)


def test_missing_header(tmp_path: Path) -> None:
    (tmp_path / "rec.dat").write_bytes(b"\0" * 4000)
    with pytest.raises(EcgReadError, match=r"rec\.dat: .*\.hea"):
        read(tmp_path / "rec.dat", fmt="wfdb")


def test_empty_header(tmp_path: Path) -> None:
    (tmp_path / "rec.hea").write_bytes(b"")
    with pytest.raises(EcgReadError, match=r"rec\.hea: the file is empty"):
        read(tmp_path / "rec.hea")


def test_garbage_header(tmp_path: Path) -> None:
    (tmp_path / "rec.hea").write_text("Dear colleague,\nplease find attached the ECG.\n")
    with pytest.raises(EcgReadError, match=r"rec\.hea: this is not a valid WFDB header"):
        read(tmp_path / "rec.hea")


@pytest.mark.parametrize("rate", ["0", "-500"])
def test_zero_or_negative_sampling_rate(tmp_path: Path, ludb: Path, rate: str) -> None:
    record = _copy_record(ludb / "1", tmp_path)
    header = record.with_name("1.hea")
    header.write_text(header.read_text().replace("1 12 500 5000", f"1 12 {rate} 5000", 1))
    with pytest.raises(EcgReadError, match=r"1\.hea: (the sampling rate .* is not valid|this is not a valid WFDB)"):
        read(record)


def test_three_second_record_is_too_short(tmp_path: Path, mitdb: Path) -> None:
    source = wfdb.rdrecord(str(mitdb / "100"), sampto=3 * 360, physical=False)
    wfdb.wrsamp("short", fs=360, units=source.units, sig_name=source.sig_name, d_signal=source.d_signal,
                fmt=source.fmt, adc_gain=source.adc_gain, baseline=source.baseline, write_dir=str(tmp_path))
    with pytest.raises(EcgReadError, match=r"short\.hea: the record lasts 3\.0 s, too short for beat analysis"):
        read(tmp_path / "short")


def test_record_longer_than_the_cap_is_refused_before_reading(tmp_path: Path) -> None:
    n = int(MAX_DURATION_S * 360) + 360 * 3600  # 49 h claimed; no signal file needed to refuse
    (tmp_path / "holter.hea").write_text(f"holter 2 360 {n}\nholter.dat 16 200 11 0 0 0 0 ECG1\n"
                                         "holter.dat 16 200 11 0 0 0 0 ECG2\n")
    with pytest.raises(EcgReadError, match=r"holter\.hea: the record lasts 49\.0 h, longer than the 48 h"):
        read(tmp_path / "holter")


def test_nan_samples_in_a_record_are_interpolated(tmp_path: Path, ludb: Path) -> None:
    source = wfdb.rdrecord(str(ludb / "1"), physical=False)
    digital = source.d_signal.copy()
    digital[1000:1004, 1] = -32768  # WFDB's "invalid sample" value for format 16
    wfdb.wrsamp("gaps", fs=500, units=source.units, sig_name=source.sig_name, d_signal=digital,
                fmt=source.fmt, adc_gain=source.adc_gain, baseline=source.baseline, write_dir=str(tmp_path))
    rec = read(tmp_path / "gaps")
    assert np.isfinite(rec.signal).all() and rec.leads == TWELVE
    assert any("Lead II: 4 missing" in w for w in rec.meta["warnings"])


@pytest.mark.slow
def test_24_hour_holter_reads_within_memory(tmp_path: Path, mitdb: Path) -> None:
    import tracemalloc

    source = wfdb.rdrecord(str(mitdb / "100"), physical=False)
    n = 24 * 3600 * 360
    digital = np.resize(source.d_signal.astype(np.int16), (n, 2))
    wfdb.wrsamp("holter", fs=360, units=source.units, sig_name=source.sig_name, d_signal=digital,
                fmt=["16", "16"], adc_gain=source.adc_gain, baseline=source.baseline, write_dir=str(tmp_path))
    del digital
    tracemalloc.start()
    rec = read(tmp_path / "holter")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rec.signal.shape == (n, 2) and rec.signal.dtype == np.float32
    assert rec.duration_s == 24 * 3600
    assert peak < 4 * rec.signal.nbytes  # about 250 MB of signal; no float64 copies of it kept around
