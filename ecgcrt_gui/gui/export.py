"""Writing the report and the assessment: atomically, into a folder the user chose."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths


def default_folder() -> Path:
    """The user's Documents folder (else home): never the ECG's own folder unless the user picks it."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """write(tmp) into a temporary file beside path, then rename it over path in one step."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_json(assessment, path: Path) -> Path:
    """The CLI's JSON (schema ecgcrt.assessment/1)."""
    text = json.dumps(assessment.to_json(), indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path


def save_pdf(assessment, path: Path) -> Path:
    """The PDF report from core.report."""
    from ecgcrt_gui.core.report import write_pdf

    data = assessment.to_json()
    write_atomically(path, lambda tmp: write_pdf(data, assessment.record, tmp))
    return path
