"""EDF / EDF+ (and BDF) files, read with pyedflib."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.io.leads import STANDARD_LEADS, normalise_lead_name
from ecgcrt_gui.core.io.units import mv_per_unit
from ecgcrt_gui.core.io.validate import check_duration, check_fs, fail, finalise, reason
from ecgcrt_gui.core.record import EcgRecord
from ecgcrt_gui.core.text import english_list

_ECG_LABEL = re.compile(r"\b(ecg|ekg)\b", re.IGNORECASE)


def read_edf(path: Path) -> EcgRecord:
    """Read the ECG channels of an EDF/EDF+ file; they must share one sampling rate (else the
    most common rate is kept and the others are named in meta["warnings"])."""
    import pyedflib

    try:
        edf = pyedflib.EdfReader(str(path))
    except OSError as exc:
        raise fail(path, f"this is not a readable EDF file ({reason(exc)})",
                   "Check that the file is complete; export it again as EDF or EDF+") from None
    try:
        channels, notes = _ecg_channels(edf, path)
        fs = check_fs(edf.getSampleFrequency(channels[0]), path)
        n_samples = min(int(edf.getNSamples()[ch]) for ch in channels)
        check_duration(n_samples, fs, path)
        signal = np.empty((n_samples, len(channels)), dtype=np.float32)
        for col, ch in enumerate(channels):
            signal[:, col] = edf.readSignal(ch, n=n_samples)
            signal[:, col] *= mv_per_unit(edf.getPhysicalDimension(ch))
        leads = [edf.getLabel(ch) for ch in channels]
        meta = _patient_meta(edf)
    finally:
        edf.close()
    return finalise(signal, fs, leads, path=path, fmt="edf", meta=meta, warnings=notes)


def _ecg_channels(edf, path: Path) -> tuple[list[int], list[str]]:
    """Channels to read: voltage channels (only the ECG ones where labels say which), at one rate."""
    notes: list[str] = []
    labels = edf.getSignalLabels()
    voltage = [ch for ch in range(edf.signals_in_file)
               if mv_per_unit(edf.getPhysicalDimension(ch)) is not None
               and "annotation" not in labels[ch].lower()]
    if not voltage:
        units = sorted({edf.getPhysicalDimension(ch) for ch in range(edf.signals_in_file)})
        raise fail(path, "no usable lead: no channel is in volts, millivolts or microvolts "
                   f"(units found: {english_list(units) or 'none'})", "Choose a file that holds ECG leads")
    ecg = [ch for ch in voltage if _ECG_LABEL.search(labels[ch]) or normalise_lead_name(labels[ch]) in STANDARD_LEADS]
    if ecg and len(ecg) < len(voltage):
        others = [labels[ch] for ch in voltage if ch not in ecg]
        notes.append(f"Channels not labelled as ECG leads left out: {english_list(others)}.")
    chosen = ecg or voltage
    rates = Counter(edf.getSampleFrequency(ch) for ch in chosen)
    # the most common rate; between equally common rates the higher one
    rate = max(rates, key=lambda r: (rates[r], r))
    if len(rates) > 1:
        others = [f"{labels[ch]} ({edf.getSampleFrequency(ch):g} Hz)" for ch in chosen if edf.getSampleFrequency(ch) != rate]
        notes.append(f"Leads sampled at another rate than {rate:g} Hz left out: {english_list(others)}.")
    return [ch for ch in chosen if edf.getSampleFrequency(ch) == rate], notes


def _patient_meta(edf) -> dict:
    """Sex, and age at the recording where the birth date is given (EDF+ patient field)."""
    meta: dict = {}
    sex = (edf.getSex() or "").strip()[:1].upper()
    if sex in ("M", "F"):
        meta["sex"] = sex
    try:
        born = datetime.datetime.strptime(edf.getBirthdate().strip(), "%d %b %Y").date()
    except ValueError:
        return meta
    recorded = edf.getStartdatetime().date()
    age = recorded.year - born.year - ((recorded.month, recorded.day) < (born.month, born.day))
    if 0 <= age < 130:
        meta["age"] = age
    return meta
