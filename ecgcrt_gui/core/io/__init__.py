"""Read an ECG file of any supported format into an EcgRecord (float32 mV, normalised lead names).

Supported: WFDB (.hea + .dat), EDF/EDF+ (and BDF), DICOM 12-lead ECG waveforms, the cart exports
GE MUSE XML, Philips Sierra XML, HL7 aECG and SCP-ECG, CSV with a header row of lead names. The
format is told by the file's first bytes where they are clear (an XML file by its root element),
else by its extension. Files are only ever opened for reading. Anything unreadable raises EcgReadError with a
message that names the file, says what is wrong and what to do.
"""

from __future__ import annotations

from pathlib import Path

from ecgcrt_gui.core.io.cart_reader import CART_FORMATS, read_cart
from ecgcrt_gui.core.io.sniff import EXTENSIONS, FORMATS, sniff
from ecgcrt_gui.core.io.validate import MAX_DURATION_S, MIN_DURATION_S, fail, reason
from ecgcrt_gui.core.record import EcgReadError, EcgRecord
from ecgcrt_gui.core.text import english_list

SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(EXTENSIONS)
FILE_FILTER = ";;".join([
    "ECG files (" + " ".join(f"*{ext}" for ext in SUPPORTED_EXTENSIONS) + ")",
    "WFDB records (*.hea *.dat)",
    "EDF/EDF+ (*.edf *.bdf)",
    "DICOM ECG (*.dcm *.dicom)",
    "GE MUSE, Philips or HL7 aECG XML (*.xml)",
    "SCP-ECG (*.scp)",
    "CSV (*.csv *.tsv *.txt)",
    "All files (*)",
])


def _read_as(fmt: str, path: Path, fs: float | None) -> EcgRecord:
    # Imported on demand (each reader pulls in its own library), but spelled out so that
    # PyInstaller sees every reader.
    if fmt == "wfdb":
        from ecgcrt_gui.core.io.wfdb_reader import read_wfdb
        return read_wfdb(path)
    if fmt == "edf":
        from ecgcrt_gui.core.io.edf_reader import read_edf
        return read_edf(path)
    if fmt == "dicom":
        from ecgcrt_gui.core.io.dicom_reader import read_dicom
        return read_dicom(path)
    if fmt in CART_FORMATS:  # ecgdatakit is imported by read_cart
        return read_cart(path, fmt)
    from ecgcrt_gui.core.io.csv_reader import read_csv
    return read_csv(path, fs=fs)


def read(path: str | Path, *, fs: float | None = None, fmt: str | None = None) -> EcgRecord:
    """Read the ECG at path. fs: sampling rate in Hz for files that lack it (CSV without a time
    column); fmt forces a reader (one of FORMATS) instead of sniffing."""
    path = Path(path)
    if fmt is not None and fmt not in FORMATS:
        raise EcgReadError(f"Unknown format {fmt}; choose one of {english_list(FORMATS, 'or')}.")
    fmt = fmt or sniff(path)
    try:
        return _read_as(fmt, path, fs)
    except EcgReadError:
        raise
    except MemoryError:
        raise fail(path, "the recording is too large for this computer's memory",
                   "Export a shorter part of the recording") from None
    except Exception as exc:  # any library failure below the readers' own checks
        raise fail(path, f"it could not be read as {fmt.upper()} ({reason(exc)})",
                   "Check that the file is complete and in the format its name says") from None


__all__ = ["read", "FILE_FILTER", "SUPPORTED_EXTENSIONS", "FORMATS", "MIN_DURATION_S", "MAX_DURATION_S",
           "EcgReadError", "EcgRecord"]
