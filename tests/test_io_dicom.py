"""DICOM ECG waveforms: pydicom's 12-lead test file, a 12-lead file built from LUDB record 1, broken files."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from ecgcrt_gui.core.io import read
from ecgcrt_gui.core.record import EcgReadError

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import wfdb

TWELVE = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]
TWELVE_LEAD_ECG = "1.2.840.10008.5.1.4.1.1.9.1.1"
PYDICOM_ECG = Path(get_testdata_file("waveform_ecg.dcm"))


def _code(value: str, meaning: str, scheme: str) -> Dataset:
    item = Dataset()
    item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, scheme, meaning
    return item


def _write_dicom_ecg(path: Path, signal_mv: np.ndarray, fs: float, names: list[str], uv_per_bit: float) -> None:
    """A 12-lead ECG waveform object: one rhythm group, int16 samples of uv_per_bit microvolts."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = TWELVE_LEAD_ECG
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID, ds.SOPInstanceUID = TWELVE_LEAD_ECG, ds.file_meta.MediaStorageSOPInstanceUID
    ds.Modality, ds.PatientSex, ds.PatientAge = "ECG", "F", "051Y"
    group = Dataset()
    group.MultiplexGroupLabel = "RHYTHM"
    group.SamplingFrequency = fs
    group.NumberOfWaveformChannels, group.NumberOfWaveformSamples = signal_mv.shape[1], signal_mv.shape[0]
    group.WaveformBitsAllocated, group.WaveformSampleInterpretation = 16, "SS"
    channels = []
    for index, name in enumerate(names):
        channel = Dataset()
        channel.ChannelSourceSequence = [_code(f"5.6.3-9-{index + 1}", f"Lead {name}", "SCPECG")]
        channel.ChannelSensitivity = uv_per_bit
        channel.ChannelSensitivityUnitsSequence = [_code("uV", "microvolt", "UCUM")]
        channel.ChannelSensitivityCorrectionFactor, channel.ChannelBaseline = 1, 0
        channel.WaveformBitsStored = 16
        channels.append(channel)
    group.ChannelDefinitionSequence = channels
    group.WaveformData = np.round(signal_mv * 1000 / uv_per_bit).astype("<i2").tobytes()
    ds.WaveformSequence = [group]
    ds.save_as(path, enforce_file_format=True)


def test_pydicom_12_lead_example_in_mv() -> None:
    rec = read(PYDICOM_ECG)
    assert rec.format == "dicom" and rec.leads == TWELVE and rec.fs == 1000
    assert rec.signal.shape == (10000, 12)  # the 10 s rhythm group, not the 1.2 s median beat
    rhythm = pydicom.dcmread(PYDICOM_ECG).WaveformSequence[0]
    raw = np.frombuffer(rhythm.WaveformData, dtype="<i2").reshape(10000, 12)
    np.testing.assert_allclose(rec.signal, raw * 1.25e-3, atol=1e-6)  # 1.25 uV per bit
    assert rec.meta["age"] == 42 and rec.meta["sex"] == "F"


def test_ludb_record_as_dicom_matches_wfdb(tmp_path: Path, ludb: Path) -> None:
    reference = wfdb.rdrecord(str(ludb / "1"))
    path = tmp_path / "ludb1.dcm"
    _write_dicom_ecg(path, reference.p_signal, 500, ["I", "II", "III", "aVR", "aVL", "aVF",
                                                      "V1", "V2", "V3", "V4", "V5", "V6"], uv_per_bit=0.5)
    rec = read(path)
    assert rec.leads == TWELVE and rec.fs == 500
    np.testing.assert_allclose(rec.signal, reference.p_signal, atol=0.25e-3 + 1e-6)  # half a 0.5 uV step
    assert rec.meta == {"age": 51, "sex": "F", "warnings": []}


def test_dicom_found_by_content_despite_extension(tmp_path: Path) -> None:
    disguised = tmp_path / "ecg.txt"
    shutil.copy(PYDICOM_ECG, disguised)
    assert read(disguised).format == "dicom"


def test_dicom_image_is_refused() -> None:
    with pytest.raises(EcgReadError, match=r"CT_small\.dcm: this DICOM file holds no waveform \(it is a CT"):
        read(get_testdata_file("CT_small.dcm"))


@pytest.mark.parametrize(("size", "problem"), [(200000, "this is not a readable DICOM file"),
                                              (1000, "this DICOM ECG holds no waveform data")])
def test_truncated_dicom_is_refused(tmp_path: Path, size: int, problem: str) -> None:
    path = tmp_path / "cut.dcm"
    path.write_bytes(PYDICOM_ECG.read_bytes()[:size])
    with pytest.raises(EcgReadError, match=rf"cut\.dcm: {problem}.*(e|E)xport the ECG again"):
        read(path)
