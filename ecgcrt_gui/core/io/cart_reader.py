"""ECG cart and management-system exports: GE MUSE XML, Philips Sierra XML, HL7 aECG, SCP-ECG.

Decoded by ecgdatakit (Apache-2.0): one maintained library for all four formats, including
Philips' XLI compression and SCP-ECG's Huffman tables, second differences and reference-beat
subtraction; its XML goes through defusedxml/xmltodict with entities refused. Here its record
becomes an EcgRecord in mV, with the cart's measurements and statements as a DeviceReading, and
III, aVR, aVL, aVF derived where the cart stored only I, II and V1-V6. Never copied from the
library's record: patient names, IDs, birth dates, and statements that name a person.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.device_reading import DeviceReading, statement_patterns
from ecgcrt_gui.core.io.validate import fail, finalise, reason
from ecgcrt_gui.core.record import EcgRecord

# format -> (name shown to people, what to export instead when the file cannot be read)
CART_FORMATS = {
    "muse": ("GE MUSE XML", "Export the ECG again from MUSE as XML, with its rhythm (10 s) waveform"),
    "philips": ("Philips XML", "Export the ECG again as Philips Sierra XML, version 1.03, 1.04 or 1.04.01"),
    "aecg": ("HL7 aECG", "Export the ECG again as HL7 annotated ECG (aECG) XML with its rhythm waveform"),
    "scp": ("SCP-ECG", "Export the ECG again as SCP-ECG (EN 1064) with its rhythm data"),
}
# A statement that names the physician who confirmed or read it: personal data, not a reading.
_SIGNATURE = re.compile(r"^\s*(confirmed|over-?read|reviewed|edited|interpreted|signed|read)\s+by\b", re.IGNORECASE)
# Per XML format: its root element and the element that holds the samples (lower case).
_XML_PARTS = {"muse": ("restingecg", "<waveformdata"), "philips": ("restingecgdata", "<parsedwaveforms"),
              "aecg": ("annotatedecg", "<digits")}
_LEADING_MS = re.compile(r"^\s*(\d+(\.\d+)?)\s*(ms)?\b")
_MAX_AGE = 130
CALIBRATION_MIN_S = 0.1
"""A run at least this long at either end of the record where every lead holds the same value is a
calibration pulse or padding (Philips ends its 11 s with a 1 mV pulse), not ECG: it is cut off."""


def _parser(fmt: str):
    # Each parser by its module, so that PyInstaller sees them (ecgdatakit's own dispatcher
    # finds its parsers by listing its package folder, which a frozen app does not have).
    if fmt == "muse":
        from ecgdatakit.parsing.parsers.ge_muse_xml import GEMuseXMLParser
        return GEMuseXMLParser()
    if fmt == "philips":
        from ecgdatakit.parsing.parsers.sierra_xml import SierraXMLParser
        return SierraXMLParser()
    if fmt == "aecg":
        from ecgdatakit.parsing.parsers.hl7_aecg import HL7aECGParser
        return HL7aECGParser()
    from ecgdatakit.parsing.parsers.scp_ecg import SCPECGParser
    return SCPECGParser()


def read_cart(path: Path, fmt: str) -> EcgRecord:
    """Read a cart export (fmt one of CART_FORMATS) into an EcgRecord, or raise EcgReadError."""
    from ecgdatakit import ChecksumWarning, ECGDataKitError, UnsupportedFormatError

    name, advice = CART_FORMATS[fmt]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            raw = _parser(fmt).parse(path).to_physical().convert_units("mV")
        except UnsupportedFormatError as exc:
            raise fail(path, f"this {name} file is of a version or document type this program does not read "
                       f"({_reason(exc, path)})", advice) from None
        except ECGDataKitError as exc:
            raise fail(path, _damage(path, fmt, exc), advice) from None
    if any(issubclass(w.category, ChecksumWarning) for w in caught):
        raise fail(path, f"the {name} file's checksum does not match its waveform: the file was changed or "
                   "damaged after the cart wrote it", advice)
    notes = [f"{name}: {_reason(w.message, path)}" for w in caught]
    signal, leads, fs = _signal(raw, path, name, advice)
    signal = _strip_calibration(signal, fs, notes)
    meta = _patient(raw)
    return finalise(signal, fs, leads, path=path, fmt=fmt, meta=meta, warnings=notes, derive_limb_leads=True,
                    device_reading=_device_reading(raw, name))


def _reason(exc: object, path: Path) -> str:
    """The library's message, with the file's path shortened to its name."""
    return reason(exc if isinstance(exc, BaseException) else Exception(str(exc))).replace(str(path), path.name)


def _damage(path: Path, fmt: str, exc: Exception) -> str:
    """What is wrong with a file the library recognised but could not decode."""
    if fmt in _XML_PARTS:
        root, samples = _XML_PARTS[fmt]
        text = _decoded(path.read_bytes()).lower()
        if "<!entity" in text:
            return ("the XML declares entities (<!ENTITY>), which ECG exports never use and which can expand "
                    "without limit or read other files (an 'XML bomb'); it was not opened")
        if not re.search(rf"</([\w.-]+:)?{root}\s*>\s*$", text):
            return f"the file is cut short or damaged ({_reason(exc, path)})"
        if fmt == "muse" and "<waveformtype>median" in text and "<waveformtype>rhythm" not in text:
            return "this MUSE file holds only the median (averaged) beat, not the rhythm recording beat analysis needs"
        if samples not in text:
            return f"this {CART_FORMATS[fmt][0]} file holds measurements but no ECG waveform"
    return f"the file is damaged or incomplete ({_reason(exc, path)})"


def _decoded(data: bytes) -> str:
    """An XML document's text, UTF-16 (with a byte-order mark) or else UTF-8, undecodable bytes dropped."""
    return data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8", errors="ignore")


def _signal(raw, path: Path, name: str, advice: str) -> tuple[np.ndarray, list[str], float]:
    """[samples x leads] in mV from the library's leads; unequal lengths or rates are refused."""
    leads = [lead for lead in raw.leads if len(lead.samples)]
    if not leads:
        if raw.median_beats:
            raise fail(path, f"this {name} file holds only the median (averaged) beat, no rhythm recording", advice)
        raise fail(path, f"this {name} file holds measurements but no ECG waveform", advice)
    rates = {lead.sampling_rate for lead in leads}
    if len(rates) > 1:
        raise fail(path, f"its leads are sampled at different rates ({', '.join(f'{r} Hz' for r in sorted(rates))})",
                   advice)
    lengths = [len(lead.samples) for lead in leads]
    common = max(set(lengths), key=lengths.count)
    odd = [f"{lead.label} ({len(lead.samples)} samples)" for lead in leads if len(lead.samples) != common]
    if odd:
        raise fail(path, f"lead {', '.join(odd)} is not as long as the others ({common} samples): "
                   "the waveform is damaged", advice)
    signal = np.empty((common, len(leads)), dtype=np.float32)
    for col, lead in enumerate(leads):
        signal[:, col] = lead.samples
    return signal, [lead.label for lead in leads], float(rates.pop())


def _strip_calibration(signal: np.ndarray, fs: float, notes: list[str]) -> np.ndarray:
    """The signal without a calibration pulse or padding at its ends (see CALIBRATION_MIN_S)."""
    if signal.shape[1] < 2:
        return signal
    differs = np.flatnonzero(np.any(signal != signal[:, :1], axis=1))
    if not len(differs):
        return signal  # one value everywhere: finalise refuses the flat leads
    start, end = int(differs[0]), int(differs[-1]) + 1
    start = start if start >= CALIBRATION_MIN_S * fs else 0
    end = end if signal.shape[0] - end >= CALIBRATION_MIN_S * fs else signal.shape[0]
    if (start, end) == (0, signal.shape[0]):
        return signal
    cut = (signal.shape[0] - (end - start)) / fs
    notes.append(f"{cut:.2f} s where every lead holds the same value (a calibration pulse or padding, not ECG) "
                 "were left out.")
    return signal[start:end]


def _patient(raw) -> dict:
    """Age, sex and acquisition time; nothing that names or identifies the patient."""
    meta: dict = {}
    if raw.patient.sex in ("M", "F"):
        meta["sex"] = raw.patient.sex
    if raw.patient.age is not None and 0 <= raw.patient.age <= _MAX_AGE:
        meta["age"] = int(raw.patient.age)
    if raw.recording.date is not None:
        meta["acquired"] = raw.recording.date.isoformat()
    return meta


def _device_reading(raw, name: str) -> DeviceReading | None:
    """The cart's measurements and statements, None where the file has neither."""
    m, interp, notes = raw.measurements, raw.interpretation, raw.annotations
    statements = _statements([left for left, _ in interp.statements], [right for _, right in interp.statements])
    machine = []
    if interp.source != "machine" and notes.get("machine_interpretation"):
        lines = [line.partition(" | ") for line in notes["machine_interpretation"].splitlines()]
        machine = _statements([left for left, _, _ in lines], [right for _, _, right in lines])
    intervals, from_boundaries = _intervals(m, notes)
    qtc, formula = _qtc(m, notes)
    reading = DeviceReading(
        system=_system(raw, name),
        heart_rate_bpm=_number(m.heart_rate),
        qtc_ms=qtc,
        qtc_formula=formula,
        p_axis_deg=_number(m.p_axis),
        qrs_axis_deg=_number(m.qrs_axis),
        t_axis_deg=_number(m.t_axis),
        statements=tuple(text for text, _ in statements),
        statements_source=interp.source if statements else "",
        machine_statements=tuple(text for text, _ in machine),
        patterns=statement_patterns([primary for _, primary in statements + machine]),
        from_wave_boundaries=from_boundaries,
        **intervals,
    )
    return None if reading.is_empty() else reading


def _statements(primary: list[str], qualifier: list[str]) -> list[tuple[str, str]]:
    """(text shown, primary text) per statement, signature lines left out."""
    out = []
    for left, right in zip(primary, qualifier):
        left, right = " ".join(left.split()), " ".join(right.split())
        if not (left or right) or _SIGNATURE.match(left):
            continue
        out.append((f"{left} ({right})" if left and right else left or right, left))
    return out


def _intervals(m, notes: dict) -> tuple[dict, tuple[str, ...]]:
    """QRS, PR and QT in ms; where the file states only the wave boundaries of its median beat
    (SCP-ECG section 7), the intervals between them, named in from_wave_boundaries."""
    values = {"qrs_duration_ms": _number(m.qrs_duration), "pr_ms": _number(m.pr_interval),
              "qt_ms": _number(m.qt_interval)}
    bounds = {key: _number(notes.get(f"median_{key}_ms")) for key in ("p_onset", "qrs_onset", "qrs_offset", "t_offset")}
    spans = {"qrs_duration_ms": ("qrs_onset", "qrs_offset"), "pr_ms": ("p_onset", "qrs_onset"),
             "qt_ms": ("qrs_onset", "t_offset")}
    derived = []
    for key, (start, end) in spans.items():
        if values[key] is None and bounds[start] is not None and bounds[end] is not None and bounds[end] > bounds[start]:
            values[key] = bounds[end] - bounds[start]
            derived.append(key)
    return values, tuple(derived)


def _qtc(m, notes: dict) -> tuple[float | None, str | None]:
    if m.qtc_bazett is not None:
        return _number(m.qtc_bazett), "Bazett"
    if m.qtc_fridericia is not None:
        return _number(m.qtc_fridericia), "Fridericia"
    stated = notes.get("qtc") or notes.get("QTCorrected") or notes.get("MDC_ECG_TIME_PD_QTc") or ""
    match = _LEADING_MS.match(str(stated))
    return (float(match.group(1)), None) if match else (None, None)


def _system(raw, name: str) -> str:
    """'GE MUSE XML: MAC55 (software 010B)' - the format and the cart, as the file names them."""
    device = raw.recording.device
    cart = " ".join(dict.fromkeys(p for p in (device.manufacturer, device.model) if p))
    version = device.software_version
    software = f" (software {version})" if version and version.lower() != "unknown" else ""
    return f"{name}: {cart}{software}" if cart else name


def _number(value) -> float | None:
    """A finite measurement as a float; None where absent or not a number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None
