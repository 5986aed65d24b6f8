"""Which format a file holds: its first bytes decide where they are clear, else its extension."""

from __future__ import annotations

import re
from pathlib import Path

from ecgcrt_gui.core.io.validate import fail

FORMATS = ("wfdb", "edf", "dicom", "csv", "muse", "philips", "aecg", "scp")

EXTENSIONS = {
    ".hea": "wfdb", ".dat": "wfdb",
    ".edf": "edf", ".bdf": "edf",
    ".dcm": "dicom", ".dicom": "dicom",
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".xml": "xml",  # GE MUSE, Philips or HL7 aECG: told apart by the root element only
    ".scp": "scp",
}
# The root element of each XML format (compared in lower case; a namespace prefix is ignored).
XML_ROOTS = {"restingecg": "muse", "restingecgdata": "philips", "annotatedecg": "aecg"}

_EDF_MAGIC = (b"0       ", b"\xffBIOSEMI")
# A WFDB header's record line: name[/segments] n_signals [fs...]; text before it may be comments.
_WFDB_RECORD_LINE = re.compile(rb"^[\w.-]+(/\d+)?[ \t]+\d+([ \t]+[\d.eE+/()-]+)*[ \t]*\r?$")
_CSV_DELIMITERS = (b",", b";", b"\t")
_HEAD_BYTES = 4096
_XML_HEAD_BYTES = 1 << 16  # comments or a document type declaration may come before the root element
_XML_START = re.compile(r"^\ufeff?\s*<[?!A-Za-z_]")
_XML_COMMENT = re.compile(r"<!--.*?(-->|$)", re.DOTALL)
_XML_ELEMENT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_FORMAT_LIST = ("a WFDB record (.hea + .dat), EDF/EDF+, DICOM 12-lead ECG, GE MUSE XML, Philips XML, HL7 aECG, "
                "SCP-ECG or CSV with a header row of lead names")


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
    xml = _xml_text(head)
    if xml is not None:
        if len(head) == _HEAD_BYTES:
            with path.open("rb") as fh:
                xml = _xml_text(fh.read(_XML_HEAD_BYTES)) or xml
        return _xml_format(xml, path)
    if path.suffix.lower() in (".hea", ".dat") and wfdb_header_path(path) is not None:
        return "wfdb"  # a damaged header: let the WFDB reader say what is wrong with it
    if _looks_like_csv(head):
        return "csv"
    by_extension = EXTENSIONS.get(path.suffix.lower())
    if by_extension == "xml":
        raise fail(path, "the file is named .xml but does not hold XML", f"Use {_FORMAT_LIST}")
    if by_extension:
        return by_extension
    raise fail(path, "the file is not in a format this program reads", f"Use {_FORMAT_LIST}")


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
    if b"\0" in head and _is_scp(head):
        return "scp"
    return None


def _is_scp(head: bytes) -> bool:
    """SCP-ECG has no magic number: ecgdatakit checks the record length and section 0's pointers."""
    from ecgdatakit.parsing.parsers.scp_ecg import SCPECGParser

    return SCPECGParser.can_parse(Path(), head)


def _xml_text(head: bytes) -> str | None:
    """The first bytes as text where they begin an XML document (UTF-8 or UTF-16), else None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    elif head.startswith(b"<\0"):
        text = head.decode("utf-16-le", errors="ignore")
    elif head.startswith(b"\0<"):
        text = head.decode("utf-16-be", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    return text if _XML_START.match(text) else None


def _xml_format(text: str, path: Path) -> str:
    """The cart format an XML document's root element names, or EcgReadError."""
    body = re.sub(r"<\?.*?(\?>|$)", "", _XML_COMMENT.sub("", text), flags=re.DOTALL)
    body = re.sub(r"<!DOCTYPE(\s[^\[>]*)?(\[.*?(\]\s*>|$)|>)", "", body, flags=re.DOTALL)
    root = _XML_ELEMENT.search(body)
    if root is None:
        raise fail(path, "the XML file ends before its first element: it is empty or cut short",
                   "Export the ECG again")
    fmt = XML_ROOTS.get(root.group(1).lower())
    if fmt is None:
        raise fail(path, f"this XML file is not an ECG this program reads (its root element is <{root.group(1)}>)",
                   "Use GE MUSE XML (<RestingECG>), Philips XML (<restingecgdata>) or HL7 aECG (<AnnotatedECG>)")
    return fmt


def _looks_like_csv(head: bytes) -> bool:
    return b"\0" not in head and any(sep in _first_line(head) for sep in _CSV_DELIMITERS)
