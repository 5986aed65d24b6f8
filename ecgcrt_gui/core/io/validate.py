"""Checks shared by every reader: one place decides what counts as a usable ECG."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.device_reading import DeviceReading
from ecgcrt_gui.core.io.leads import normalise_lead_name
from ecgcrt_gui.core.io.limb_leads import complete_limb_leads
from ecgcrt_gui.core.record import EcgReadError, EcgRecord
from ecgcrt_gui.core.text import english_list

MIN_DURATION_S = 5.0
"""Shortest record accepted: beat analysis needs several RR intervals."""
MAX_DURATION_S = 48 * 3600.0
"""Longest record accepted: 48 h, two days of Holter, about 500 MB for 2 leads at 360 Hz."""
MAX_NAN_FRACTION = 0.05
"""A lead with up to this share of missing samples is interpolated; above it the lead is dropped,
because a straight line drawn over a longer gap would be shown as if it were measured."""
FLAT_PTP_MV = 1e-6
"""A lead whose peak-to-peak amplitude is below this (mV) is constant: a disconnected electrode."""


def fail(path: str | Path, problem: str, advice: str) -> EcgReadError:
    """An EcgReadError whose message names the file, says what is wrong and what to do."""
    return EcgReadError(f"{Path(path).name}: {problem}. {advice}")


def reason(exc: BaseException) -> str:
    """A library exception's first line, short enough for a message box."""
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def check_fs(fs: float, path: str | Path) -> float:
    """The sampling rate as a float, refused unless finite and positive."""
    try:
        value = float(fs)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise fail(path, f"the sampling rate ({fs} Hz) is not valid",
                   "It must be a positive number of samples per second; check the file or pass the right rate")
    return value


def check_duration(n_samples: int, fs: float, path: str | Path) -> None:
    """Refuse a record shorter than MIN_DURATION_S or longer than MAX_DURATION_S."""
    seconds = n_samples / fs
    if n_samples <= 0:
        raise fail(path, "the record holds no samples", "Check that the file was exported completely")
    if seconds < MIN_DURATION_S:
        raise fail(path, f"the record lasts {seconds:.1f} s, too short for beat analysis",
                   f"At least {MIN_DURATION_S:.0f} s of ECG are needed; export a longer recording")
    if seconds > MAX_DURATION_S:
        raise fail(path, f"the record lasts {seconds / 3600:.1f} h, longer than the {MAX_DURATION_S / 3600:.0f} h "
                   "this program reads", "Export the part of the recording you want analysed")


def finalise(signal: np.ndarray, fs: float, leads: list[str], *, path: str | Path, fmt: str,
             meta: dict | None = None, warnings: list[str] | None = None, derive_limb_leads: bool = False,
             device_reading: DeviceReading | None = None) -> EcgRecord:
    """Validate a reader's raw output and return the EcgRecord, or raise EcgReadError.

    signal: [n_samples, n_leads] in mV (converted to float32, copied only when needed).
    Missing samples (NaN/inf) are interpolated or their lead dropped; constant leads are dropped;
    lead names are normalised and duplicates renamed; each change is added to meta["warnings"].
    derive_limb_leads: add III, aVR, aVL, aVF where the file stores I and II without them (cart
    formats that store 8 leads), named in the record's derived_leads and in a warning.
    """
    fs = check_fs(fs, path)
    signal = np.asarray(signal, dtype=np.float32)
    if signal.ndim != 2 or signal.shape[1] != len(leads):
        raise fail(path, f"the reader found {len(leads)} lead names for a signal of shape {signal.shape}",
                   "The file is inconsistent; export it again")
    check_duration(signal.shape[0], fs, path)
    notes = list(warnings or [])
    names = [normalise_lead_name(name) for name in leads]
    signal, names = _repair_missing(signal, names, path, notes)
    signal, names = _drop_flat(signal, names, path, notes)
    names = _rename_duplicates(names, notes)
    derived: tuple[str, ...] = ()
    if derive_limb_leads:
        signal, names, derived = complete_limb_leads(signal, names)
        if derived:
            notes.append(f"Leads {english_list(derived)} are not stored in the file; they were derived from I and II "
                         "(Einthoven, Goldberger).")
    meta = {**(meta or {}), "warnings": notes}
    return EcgRecord(signal=signal, fs=fs, leads=names, path=str(Path(path).absolute()), format=fmt, meta=meta,
                     derived_leads=derived, device_reading=device_reading)


def _repair_missing(signal: np.ndarray, names: list[str], path: str | Path,
                    notes: list[str]) -> tuple[np.ndarray, list[str]]:
    """Interpolate short runs of NaN/inf, drop leads with too many; refuse when nothing is left."""
    finite = np.isfinite(signal)
    missing = signal.shape[0] - np.count_nonzero(finite, axis=0)
    if not missing.any():
        return signal, names
    if missing.min() == signal.shape[0]:
        raise fail(path, "every sample is missing (NaN)", "The recording holds no ECG; check the export")
    keep = []
    for col, (name, n_missing) in enumerate(zip(names, missing)):
        share = n_missing / signal.shape[0]
        if share > MAX_NAN_FRACTION:
            notes.append(f"Lead {name} dropped: {share:.0%} of its samples are missing.")
            continue
        keep.append(col)
        if n_missing:
            if not signal.flags.writeable:
                signal = signal.copy()
            good = finite[:, col]
            idx = np.flatnonzero(~good)
            signal[idx, col] = np.interp(idx, np.flatnonzero(good), signal[good, col])
            notes.append(f"Lead {name}: {n_missing} missing sample(s) filled by linear interpolation.")
    if not keep:
        raise fail(path, "no usable lead: every lead has too many missing samples",
                   "The recording cannot be analysed; check the electrodes and the export")
    return _select(signal, names, keep)


def _drop_flat(signal: np.ndarray, names: list[str], path: str | Path,
               notes: list[str]) -> tuple[np.ndarray, list[str]]:
    """Drop leads that never change; refuse when every lead is flat."""
    ptp = signal.max(axis=0) - signal.min(axis=0)
    keep = [col for col, amplitude in enumerate(ptp) if amplitude >= FLAT_PTP_MV]
    if not keep:
        raise fail(path, "no usable lead: every lead is a flat line",
                   "Check that the electrodes were connected and the recording was exported with its signal")
    for col in sorted(set(range(len(names))) - set(keep)):
        notes.append(f"Lead {names[col]} dropped: it is a flat line (electrode disconnected?).")
    return _select(signal, names, keep)


def _select(signal: np.ndarray, names: list[str], keep: list[int]) -> tuple[np.ndarray, list[str]]:
    if len(keep) == len(names):
        return signal, names
    return np.ascontiguousarray(signal[:, keep]), [names[col] for col in keep]


def _rename_duplicates(names: list[str], notes: list[str]) -> list[str]:
    """Make names unique: a second "II" becomes "II (2)", so lookups by name find the first."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        if seen[name] == 1:
            unique.append(name)
        else:
            unique.append(f"{name} ({seen[name]})")
            notes.append(f"Two leads are named {name}; the later one is shown as {unique[-1]}.")
    return unique
