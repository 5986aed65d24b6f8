"""PhysioNet WFDB records (.hea + .dat): MIT-BIH, LUDB, PTB-XL and the like."""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.io.sniff import wfdb_header_path
from ecgcrt_gui.core.io.units import mv_per_unit
from ecgcrt_gui.core.io.validate import check_duration, check_fs, fail, finalise, reason
from ecgcrt_gui.core.record import EcgRecord

# Bytes each sample takes in the signal file, per WFDB storage format (WFDB "signal" spec).
_BYTES_PER_SAMPLE = {"8": 1, "16": 2, "24": 3, "32": 4, "61": 2, "80": 1, "160": 2,
                     "212": 1.5, "310": 4 / 3, "311": 4 / 3}
_LUDB_FIELD = re.compile(r"^<?(age|sex)>?\s*:\s*(\S+)", re.IGNORECASE)
# MIT-BIH's first comment: "<age> <sex> <other numbers>", e.g. "69 M 1085 1629 x1"; age -1 where unknown.
_MITDB_FIRST = re.compile(r"^(-?\d+|\?+)\s+([MF?])(\s|$)")


def import_wfdb():
    """The wfdb module, imported without the warnings pandas prints at import."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas warns at import
        import wfdb
    return wfdb


def read_wfdb(path: Path) -> EcgRecord:
    """Read a WFDB record given as its .hea, its .dat or its name without extension."""
    wfdb = import_wfdb()
    header_path = wfdb_header_path(path)
    if header_path is None:
        raise fail(path, "the WFDB header (.hea) of this record was not found",
                   "Keep the record's .hea and .dat files together in one folder")
    record_name = str(header_path.with_suffix(""))
    try:
        header = wfdb.rdheader(record_name)
    except Exception as exc:  # wfdb raises bare Exception/ValueError on malformed headers
        raise fail(header_path, f"this is not a valid WFDB header ({reason(exc)})",
                   "Check that the file is the record's original .hea") from None
    fs = check_fs(_declared_fs(header_path, header.fs), header_path)
    if not header.n_sig:
        raise fail(header_path, "the header lists no signals", "Check that the file is the record's original .hea")
    if header.sig_len:
        check_duration(header.sig_len, fs, header_path)
    if getattr(header, "seg_name", None) is None:  # single-segment: the signal files can be checked first
        _check_signal_files(header, header_path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rec = wfdb.rdrecord(record_name, physical=True, return_res=32)
    except Exception as exc:  # wfdb, numpy and OSError; the message names the cause
        raise fail(header_path, f"the signal could not be read ({reason(exc)})",
                   "The record may be damaged; copy it again from its source") from None
    signal, leads, notes = _to_millivolts(rec.p_signal, list(rec.sig_name), list(rec.units or []), header_path)
    meta = _patient_meta(list(rec.comments or []))
    return finalise(signal, fs, leads, path=path, fmt="wfdb", meta=meta, warnings=notes)


def _declared_fs(header_path: Path, parsed_fs: float) -> float | str:
    """The sampling rate as written in the record line; wfdb reads "-500" as its default 250 Hz."""
    lines = header_path.read_text(encoding="latin-1").splitlines()
    fields = next((line.split() for line in lines if line.strip() and not line.lstrip().startswith("#")), [])
    if len(fields) < 3:
        return parsed_fs  # no rate written: WFDB's default applies
    written = fields[2].split("/")[0]
    try:
        return float(written)
    except ValueError:
        return written


def _check_signal_files(header, header_path: Path) -> None:
    """Each signal file the header names exists and holds as many samples as the header claims."""
    folder = header_path.parent
    frame_bytes: dict[str, float] = {}
    for name, fmt, spf in zip(header.file_name, header.fmt, header.samps_per_frame or [1] * header.n_sig):
        if not (folder / name).is_file():
            raise fail(header_path, f"its signal file {name} is missing",
                       f"Copy {name} into the same folder as {header_path.name}")
        if fmt in _BYTES_PER_SAMPLE:
            frame_bytes[name] = frame_bytes.get(name, 0.0) + _BYTES_PER_SAMPLE[fmt] * (spf or 1)
    if not header.sig_len:
        return
    offsets = dict(zip(header.file_name, header.byte_offset or [None] * header.n_sig))
    for name, per_frame in frame_bytes.items():
        needed = (offsets.get(name) or 0) + math.floor(header.sig_len * per_frame)
        size = (folder / name).stat().st_size
        if size < needed:
            held_s = max(size - (offsets.get(name) or 0), 0) / per_frame / header.fs
            claimed_s = header.sig_len / header.fs
            raise fail(header_path, f"its signal file {name} holds only {held_s:.1f} s of the {claimed_s:.1f} s "
                       "the header declares (the file is truncated or the header is wrong)",
                       "Copy the complete record again from its source")


def _to_millivolts(signal: np.ndarray, names: list[str], units: list[str],
                   header_path: Path) -> tuple[np.ndarray, list[str], list[str]]:
    """Scale each channel to mV in place; channels in non-voltage units (mmHg, %) are left out."""
    notes = []
    keep = []
    for col, name in enumerate(names):
        unit = units[col] if col < len(units) else ""
        factor = mv_per_unit(unit or "mV")  # WFDB's default unit is mV
        if factor is None:
            notes.append(f"Channel {name} left out: its unit '{unit}' is not a voltage.")
            continue
        keep.append(col)
        if factor != 1.0:
            signal[:, col] *= factor
    if not keep:
        raise fail(header_path, "no usable lead: no channel is an ECG in volts, millivolts or microvolts",
                   f"Units found: {', '.join(sorted(set(units)))}; choose a record that holds ECG leads")
    if len(keep) < len(names):
        signal = np.ascontiguousarray(signal[:, keep])
        names = [names[col] for col in keep]
    return signal, names, notes


def _patient_meta(comments: list[str]) -> dict:
    """Age and sex from the header comments (LUDB "<age>: 51", MIT-BIH "69 M ..."); the rest kept."""
    meta: dict = {}
    rest = []
    for index, line in enumerate(comments):
        text = line.strip()
        field = _LUDB_FIELD.match(text)
        first = _MITDB_FIRST.match(text) if index == 0 else None
        if field:
            _set_patient(meta, field.group(1).lower(), field.group(2))
        elif first:
            _set_patient(meta, "age", first.group(1))
            _set_patient(meta, "sex", first.group(2))
            rest.append(text)  # the other numbers on this line are MIT-BIH's own, kept as they are
        elif text:
            rest.append(text)
    meta["comments"] = rest
    return meta


def _set_patient(meta: dict, key: str, value: str) -> None:
    if key == "age" and value.isdigit():
        meta["age"] = int(value)
    elif key == "sex" and value[:1].upper() in ("M", "F"):
        meta["sex"] = value[:1].upper()
