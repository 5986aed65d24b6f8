"""Format sniffing: content decides where it is clear, the extension otherwise; plain refusals."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydicom.data import get_testdata_file

from ecgcrt_gui.core.io import FILE_FILTER, SUPPORTED_EXTENSIONS, read
from ecgcrt_gui.core.io.sniff import sniff
from ecgcrt_gui.core.record import EcgReadError

EDF = Path(__file__).parent / "fixtures" / "io" / "ludb1_10s.edf"
DICOM = Path(get_testdata_file("waveform_ecg.dcm"))


@pytest.mark.parametrize(("name", "expected"), [("100", "wfdb"), ("100.hea", "wfdb"), ("100.dat", "wfdb")])
def test_wfdb_record_by_stem_hea_or_dat(mitdb: Path, name: str, expected: str) -> None:
    assert sniff(mitdb / name) == expected


@pytest.mark.parametrize(("source", "disguise", "expected"), [
    (EDF, "ecg.dcm", "edf"), (EDF, "ecg", "edf"),
    (DICOM, "ecg.edf", "dicom"), (DICOM, "ecg.csv", "dicom"),
])
def test_content_beats_a_wrong_extension(tmp_path: Path, source: Path, disguise: str, expected: str) -> None:
    shutil.copy(source, tmp_path / disguise)
    assert sniff(tmp_path / disguise) == expected


def test_csv_text_found_by_content(tmp_path: Path, ludb: Path) -> None:
    header = (ludb / "1.hea").read_text()
    (tmp_path / "record.hea").write_text(header)
    assert sniff(tmp_path / "record.hea") == "wfdb"
    (tmp_path / "export.edf").write_text("time;I;II\n0,000;0,1;0,2\n")
    assert sniff(tmp_path / "export.edf") == "csv"


def test_forced_format_overrides_sniffing(tmp_path: Path) -> None:
    shutil.copy(EDF, tmp_path / "ecg.bin")
    with pytest.raises(EcgReadError, match=r"ecg\.bin: "):
        read(tmp_path / "ecg.bin", fmt="dicom")
    assert read(tmp_path / "ecg.bin", fmt="edf").format == "edf"
    with pytest.raises(EcgReadError, match="Unknown format xml; choose one of"):
        read(EDF, fmt="xml")


def test_plain_refusals(tmp_path: Path) -> None:
    with pytest.raises(EcgReadError, match=r"nothing\.edf: the file does not exist"):
        read(tmp_path / "nothing.edf")
    with pytest.raises(EcgReadError, match="this is a folder"):
        read(tmp_path)
    (tmp_path / "empty.edf").write_bytes(b"")
    with pytest.raises(EcgReadError, match=r"empty\.edf: the file is empty \(0 bytes\)"):
        read(tmp_path / "empty.edf")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    with pytest.raises(EcgReadError, match=r"photo\.jpg: the file is not in a format this program reads"):
        read(tmp_path / "photo.jpg")


def test_file_filter_lists_every_extension() -> None:
    assert ".hea" in SUPPORTED_EXTENSIONS and ".edf" in SUPPORTED_EXTENSIONS
    assert ".dcm" in SUPPORTED_EXTENSIONS and ".csv" in SUPPORTED_EXTENSIONS
    assert all(f"*{ext}" in FILE_FILTER for ext in SUPPORTED_EXTENSIONS)
    assert FILE_FILTER.endswith("All files (*)")


def test_reading_never_writes_beside_the_file(tmp_path: Path, ludb: Path) -> None:
    for suffix in (".hea", ".dat"):
        shutil.copy(ludb / f"1{suffix}", tmp_path)
    shutil.copy(EDF, tmp_path)
    shutil.copy(DICOM, tmp_path)
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    for name in ("1", "ludb1_10s.edf", "waveform_ecg.dcm"):
        read(tmp_path / name)
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before
