"""Which files hold an ECG: the files of one record, and the records a folder holds.

The readers' own extension table (sniff.EXTENSIONS) decides what counts, so a format added to
core/io is found in folders without a second list. A WFDB record is several files: it is listed
once, by its header, and its signal files belong to it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ecgcrt_gui.core.io.sniff import EXTENSIONS, wfdb_header_path
from ecgcrt_gui.core.record import EcgReadError

_DIGITS = re.compile(r"(\d+)")


def _natural(path: Path) -> list:
    """Sort key that puts 2.hea before 10.hea."""
    return [int(part) if part.isdigit() else part.lower() for part in _DIGITS.split(path.as_posix())]


def folder_records(folder: str | Path) -> list[Path]:
    """Every ECG file under `folder` (recursively) in a format core/io reads, in natural path order;
    a WFDB record by its .hea (a .dat without its header is listed, so that it is reported)."""
    folder = Path(folder)
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            path = Path(dirpath) / name
            fmt = EXTENSIONS.get(path.suffix.lower())
            if fmt is None or name.startswith("."):
                continue
            if fmt == "wfdb" and path.suffix.lower() != ".hea" and wfdb_header_path(path) is not None:
                continue  # a signal file of a record listed by its header
            found.append(path)
    return sorted(found, key=_natural)


def record_files(path: str | Path) -> list[Path]:
    """The files that make up the record at `path`: the file itself, or a WFDB header and the signal
    files it names. Raises EcgReadError where the record has no file at all."""
    path = Path(path)
    wfdb_like = path.suffix.lower() in (".hea", ".dat") or not path.exists()
    header = wfdb_header_path(path) if wfdb_like else None
    if header is None:
        if not path.is_file():
            raise EcgReadError(f"{path.name}: the file does not exist. Check the name and the folder")
        return [path]
    files = [header]
    try:
        text = header.read_text(errors="replace").splitlines()
    except OSError:
        return files
    lines = [ln.split() for ln in text if ln.strip() and not ln.lstrip().startswith("#")]
    if lines and "/" not in lines[0][0]:  # single segment: one line per signal, its file first
        for fields in lines[1:]:
            signal_file = header.parent / fields[0]
            if fields and signal_file.is_file() and signal_file not in files:
                files.append(signal_file)
    return files


def record_bytes(path: str | Path) -> int:
    """Size on disk of the record's files (0 where it has none): a cheap measure of its length."""
    try:
        return sum(f.stat().st_size for f in record_files(path))
    except (EcgReadError, OSError):
        return 0
