"""Writing the report and the assessment: atomically, into a folder the user chose."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from ecgcrt_gui.core.support.atomic import write_text


def default_folder() -> Path:
    """The user's Documents folder (else home): never the ECG's own folder unless the user picks it."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def save_json(assessment, path: Path) -> Path:
    """The CLI's JSON (schema ecgcrt.assessment/1)."""
    write_text(path, json.dumps(assessment.to_json(), indent=2, ensure_ascii=False) + "\n")
    return path


def save_pdf(assessment, path: Path, attributions: dict | None = None) -> Path:
    """The PDF report from core.report (which writes atomically itself), with why the model said what it said."""
    from ecgcrt_gui.core.model.attribution import explanation_lines
    from ecgcrt_gui.core.report import write_pdf

    write_pdf(assessment.to_json(), assessment.record, path, explanation=explanation_lines(assessment, attributions or {}))
    return path
