"""Which format a file holds: its first bytes decide where they are clear, else its extension."""

from __future__ import annotations

import re
from pathlib import Path

from ecgcrt_gui.core.io.validate import fail

FORMATS = ("wfdb", "edf", "dicom", "csv")

EXTENSIONS = {
    ".hea": "wfdb", ".dat": "wfdb",
    ".edf": "edf", ".bdf": "edf",
    ".dcm": "dicom", ".dicom": "dicom",
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
}

_EDF_MAGIC = (b"0       ", b"\xffBIOSEMI")
# A WFDB header's record line: name[/segments] n_signals [fs...]; text before it may be comments.
_WFDB_RECORD_LINE = re.compile(rb"^[\w.-]+(/\d+)?[ \t]+\d+([ \t]+[\d.eE+/()-]+)*[ \t]*\r?$")
_CSV_DELIMITERS = (b",", b";", b"\t")
_HEAD_BYTES = 1024


def wfdb_header_path(path: Path) -> Path | None:
    """The .hea of a WFDB record given as its .hea, its .dat or its name without extension."""
    candidates = [path] if path.suffix.lower() == ".hea" else []
    if path.suffix.lower() == ".dat":
        candidates.append(path.with_suffix(".hea"))
    candidates.append(path.parent / (path.name + ".hea"))
    return next((c for c in candidates if c.is_file()), None)


def sniff(path: Path) -> str:
    """The format name of the file at path (one of FORMATS), or EcgReadError when it is unreadable."""
    if not path.exists():
        if wfdb_header_path(path) is not None:
            return "wfdb"
        raise fail(path, "the file does not exist", "Check the name and the folder")
    if path.is_dir():
        raise fail(path, "this is a folder, not an ECG file", "Choose the ECG file inside it")
    if not path.is_file():  # a pipe or device would block the read below
        raise fail(path, "this is not a regular file", "Choose an ECG file saved on disk")
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError as exc:
        raise fail(path, f"the file cannot be opened ({exc.strerror or exc})",
                   "Check that it exists and that you may read it") from None
    if not head:
        raise fail(path, "the file is empty (0 bytes)", "The export or copy failed; export the ECG again")
    found = _by_content(head)
    if found:
        return found
    if path.suffix.lower() in (".hea", ".dat") and wfdb_header_path(path) is not None:
        return "wfdb"  # a damaged header: let the WFDB reader say what is wrong with it
    if _looks_like_csv(head):
        return "csv"
    by_extension = EXTENSIONS.get(path.suffix.lower())
    if by_extension:
        return by_extension
    raise fail(path, "the file is not in a format this program reads",
               "Use a WFDB record (.hea + .dat), EDF/EDF+, DICOM 12-lead ECG or CSV with a header row of lead names")


def _first_line(head: bytes) -> bytes:
    return next((line for line in head.splitlines() if line.strip() and not line.lstrip().startswith(b"#")), b"")


def _by_content(head: bytes) -> str | None:
    """The format the first bytes prove: EDF and DICOM magic, or a WFDB record line."""
    if head.startswith(_EDF_MAGIC):
        return "edf"
    if head[128:132] == b"DICM":
        return "dicom"
    if b"\0" not in head and _WFDB_RECORD_LINE.match(_first_line(head).strip()):
        return "wfdb"
    return None


def _looks_like_csv(head: bytes) -> bool:
    return b"\0" not in head and any(sep in _first_line(head) for sep in _CSV_DELIMITERS)
