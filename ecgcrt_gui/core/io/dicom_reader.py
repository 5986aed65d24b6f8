"""DICOM ECG waveforms (12-lead, general and ambulatory ECG), read with pydicom."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ecgcrt_gui.core.io.units import mv_per_unit
from ecgcrt_gui.core.io.validate import check_duration, check_fs, fail, finalise, reason
from ecgcrt_gui.core.record import EcgRecord

_WAVEFORM_CLASSES = "1.2.840.10008.5.1.4.1.1.9."  # the DICOM waveform storage SOP classes
_AGE_UNIT_YEARS = {"Y": 1.0, "M": 1 / 12, "W": 7 / 365.25, "D": 1 / 365.25}


def read_dicom(path: Path) -> EcgRecord:
    """Read the rhythm group of a DICOM ECG: the multiplex group with the highest sampling rate,
    then the most channels, then the most samples (a 10 s rhythm strip before a median beat)."""
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        ds = pydicom.dcmread(str(path))
    except (InvalidDicomError, OSError, ValueError, EOFError) as exc:
        raise fail(path, f"this is not a readable DICOM file ({reason(exc)})",
                   "Check that the file is complete; export the ECG again as DICOM") from None
    groups = list(ds.get("WaveformSequence") or [])
    if not groups and str(ds.get("SOPClassUID", "")).startswith(_WAVEFORM_CLASSES):
        raise fail(path, "this DICOM ECG holds no waveform data (the file may be cut short)",
                   "Export the ECG again as DICOM")
    if not groups:
        raise fail(path, f"this DICOM file holds no waveform (it is a {ds.get('Modality', 'non-ECG')} object)",
                   "Choose a DICOM ECG (12-lead or ambulatory ECG waveform)")
    index = max(range(len(groups)), key=lambda i: _group_rank(groups[i]))
    group = groups[index]
    fs = check_fs(group.get("SamplingFrequency", 0), path)
    check_duration(int(group.get("NumberOfWaveformSamples", 0)), fs, path)
    try:
        values = ds.waveform_array(index)  # sensitivity, correction factor and baseline applied
    except Exception as exc:  # pydicom raises ValueError/AttributeError/KeyError on malformed groups
        raise fail(path, f"the ECG waveform could not be decoded ({reason(exc)})",
                   "The file may be damaged; export the ECG again") from None
    signal = np.asarray(values, dtype=np.float32)
    leads, notes = [], []
    for col, channel in enumerate(group.ChannelDefinitionSequence):
        leads.append(_channel_name(channel, col))
        factor, note = _channel_factor(channel, leads[-1])
        signal[:, col] *= factor
        if note:
            notes.append(note)
    return finalise(signal, fs, leads, path=path, fmt="dicom", meta=_patient_meta(ds), warnings=notes)


def _group_rank(group) -> tuple[float, int, int]:
    return (float(group.get("SamplingFrequency", 0) or 0), int(group.get("NumberOfWaveformChannels", 0) or 0),
            int(group.get("NumberOfWaveformSamples", 0) or 0))


def _channel_name(channel, col: int) -> str:
    sources = channel.get("ChannelSourceSequence") or []
    if sources and sources[0].get("CodeMeaning"):
        return str(sources[0].CodeMeaning)
    return str(channel.get("ChannelLabel") or f"channel {col + 1}")


def _channel_factor(channel, lead: str) -> tuple[float, str | None]:
    """mV per value of waveform_array for this channel, and a warning where units had to be assumed."""
    units = channel.get("ChannelSensitivityUnitsSequence") or []
    unit = str(units[0].get("CodeValue", "")) if units else ""
    factor = mv_per_unit(unit) if unit else None
    if factor is not None:
        return factor, None
    # DICOM ECGs almost always store microvolts; say so, since the amplitude rests on it
    return 1e-3, f"Lead {lead}: amplitude unit '{unit or 'not given'}' unknown; microvolts assumed."


def _patient_meta(ds) -> dict:
    meta: dict = {}
    sex = str(ds.get("PatientSex", "") or "").strip().upper()
    if sex in ("M", "F"):
        meta["sex"] = sex
    age = str(ds.get("PatientAge", "") or "").strip().upper()  # "042Y", "006M"
    if len(age) >= 2 and age[:-1].isdigit() and age[-1] in _AGE_UNIT_YEARS:
        years = int(age[:-1]) * _AGE_UNIT_YEARS[age[-1]]
        meta["age"] = int(years) if age[-1] == "Y" else round(years, 2)
    return meta
