"""CSV exports built from real records: delimiters, time columns, units, and refusals."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from ecgcrt_gui.core.io import read
from ecgcrt_gui.core.record import EcgReadError

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import wfdb

LUDB_NAMES = ["i", "ii", "iii", "avr", "avl", "avf", "v1", "v2", "v3", "v4", "v5", "v6"]
TWELVE = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]


@pytest.fixture(scope="module")
def ludb1(ludb: Path) -> np.ndarray:
    return wfdb.rdrecord(str(ludb / "1")).p_signal


def _write(path: Path, header: list[str], rows: np.ndarray, sep: str = ",", decimal: str = ".",
           fmt: str = "%.6f") -> Path:
    lines = [sep.join(header)]
    lines += [sep.join((fmt % value).replace(".", decimal) for value in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def _with_time(signal: np.ndarray, fs: float, scale: float = 1.0, decimals: int = 3) -> np.ndarray:
    return np.column_stack([np.round(np.arange(len(signal)) / fs * scale, decimals), signal])


@pytest.mark.parametrize(("sep", "decimal"), [(",", "."), (";", ","), ("\t", ".")])
def test_time_column_gives_rate_and_delimiters_are_found(tmp_path: Path, ludb1: np.ndarray,
                                                         sep: str, decimal: str) -> None:
    path = _write(tmp_path / "ecg.csv", ["time (s)"] + [f"{n} (mV)" for n in LUDB_NAMES],
                  _with_time(ludb1, 500), sep, decimal)
    rec = read(path)
    assert rec.format == "csv" and rec.fs == 500 and rec.leads == TWELVE
    np.testing.assert_allclose(rec.signal, ludb1, atol=1e-6)
    assert rec.meta["warnings"] == []  # units stated, rate exact: nothing guessed


def test_millisecond_time_rounded_at_360_hz(tmp_path: Path, mitdb: Path) -> None:
    source = wfdb.rdrecord(str(mitdb / "100"), sampto=3600).p_signal
    path = _write(tmp_path / "holter.csv", ["ms", "MLII", "V5"], _with_time(source, 360, 1000, 0))
    rec = read(path)
    assert rec.fs == 360 and rec.leads == ["II", "V5"]
    np.testing.assert_allclose(rec.signal, source, atol=1e-6)
    assert any("millivolts" in w for w in rec.meta["warnings"])  # units were guessed, and it says so


def test_microvolts_from_header_and_from_values(tmp_path: Path, ludb1: np.ndarray) -> None:
    stated = read(_write(tmp_path / "a.csv", ["t"] + [f"{n} [uV]" for n in LUDB_NAMES],
                         _with_time(ludb1 * 1000, 500), fmt="%.3f"))
    np.testing.assert_allclose(stated.signal, ludb1, atol=1e-5)
    assert stated.meta["warnings"] == []
    guessed = read(_write(tmp_path / "b.csv", ["t"] + LUDB_NAMES, _with_time(ludb1 * 1000, 500), fmt="%.3f"))
    np.testing.assert_allclose(guessed.signal, ludb1, atol=1e-5)
    assert any("look like microvolts" in w for w in guessed.meta["warnings"])


def test_fs_argument_without_time_column(tmp_path: Path, ludb1: np.ndarray) -> None:
    path = _write(tmp_path / "leads.csv", ["sample"] + LUDB_NAMES, np.column_stack([np.arange(5000), ludb1]))
    with pytest.raises(EcgReadError, match=r"leads\.csv: the sampling rate is unknown.*Pass the sampling rate"):
        read(path)
    rec = read(path, fs=500)
    assert rec.fs == 500 and rec.leads == TWELVE  # the sample-number column is not a lead
    np.testing.assert_allclose(rec.signal, ludb1, atol=1e-6)


def test_fs_argument_disagreeing_with_time_column_wins_with_a_warning(tmp_path: Path, ludb1: np.ndarray) -> None:
    rec = read(_write(tmp_path / "x.csv", ["time"] + LUDB_NAMES, _with_time(ludb1, 500)), fs=250)
    assert rec.fs == 250
    assert any("implies 500 Hz" in w for w in rec.meta["warnings"])


def test_irregular_time_column_is_refused(tmp_path: Path, ludb1: np.ndarray) -> None:
    rows = _with_time(ludb1, 500)
    rows[2500:, 0] += 0.5  # half a second missing in the middle
    with pytest.raises(EcgReadError, match=r"x\.csv: the time column is irregular.*Pass the sampling rate"):
        read(_write(tmp_path / "x.csv", ["time"] + LUDB_NAMES, rows))


def test_nan_cells_are_interpolated(tmp_path: Path, ludb1: np.ndarray) -> None:
    path = _write(tmp_path / "gaps.csv", ["time"] + LUDB_NAMES, _with_time(ludb1, 500))
    lines = path.read_text().splitlines()
    lines[101] = ",".join(lines[101].split(",")[:3] + [""] * 10)  # leads iii..v6 empty on one row
    path.write_text("\n".join(lines) + "\n")
    rec = read(path)
    assert np.isfinite(rec.signal).all()
    assert any("Lead V6: 1 missing" in w for w in rec.meta["warnings"])


def test_refusals(tmp_path: Path, ludb1: np.ndarray) -> None:
    headerless = _write(tmp_path / "numbers.csv", ["0.0"] + ["0.1"] * 12, _with_time(ludb1, 500))
    with pytest.raises(EcgReadError, match=r"numbers\.csv: the first row holds numbers.*header row"):
        read(headerless)
    path = _write(tmp_path / "text.csv", ["time", "II"], _with_time(ludb1[:, 1], 500))
    path.write_text(path.read_text().replace("\n0.010000,", "\n0.010000,lead off ", 1))
    with pytest.raises(EcgReadError, match=r"text\.csv: column 'II' holds text .*'lead off .*line 7"):
        read(path)
    short = _write(tmp_path / "short.csv", ["time", "II"], _with_time(ludb1[:1500, 1], 500))
    with pytest.raises(EcgReadError, match=r"short\.csv: the record lasts 3\.0 s, too short"):
        read(short)
    flat = _write(tmp_path / "flat.csv", ["time", "I", "II"], _with_time(np.zeros((5000, 2)), 500))
    with pytest.raises(EcgReadError, match=r"flat\.csv: no usable lead: every lead is a flat line"):
        read(flat)
    (tmp_path / "header_only.csv").write_text("time,I,II\n")
    with pytest.raises(EcgReadError, match=r"header_only\.csv: the table has a header row but no samples"):
        read(tmp_path / "header_only.csv")
    one_column = tmp_path / "one.csv"
    one_column.write_text("II\n" + "\n".join("0.1" for _ in range(10)))
    with pytest.raises(EcgReadError, match=r"one\.csv: no column delimiter"):
        read(one_column)
