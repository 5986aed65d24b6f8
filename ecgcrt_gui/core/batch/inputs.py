"""What a batch analyses: the command line's INPUTs (files, folders, cohort CSVs) as ECGs in order."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from ecgcrt_gui.core.cohort import CohortFileError, clinical_cells, is_cohort_csv, read_table
from ecgcrt_gui.core.errors import UserFacingError
from ecgcrt_gui.core.guidelines.engine import ClinicalInputs
from ecgcrt_gui.core.io.files import folder_records


class BatchInputError(UserFacingError, ValueError):
    """The inputs cannot be turned into a list of ECGs (an unreadable cohort CSV, no input at all)."""


@dataclass(frozen=True)
class BatchItem:
    """One ECG to analyse.

    path: absolute path of the file to read (for WFDB, its .hea where it exists).
    inputs: ClinicalInputs fields for its guidelines (the cohort row's columns over the command line's).
    problem: why it cannot be analysed, known before reading (a bad cohort row); None otherwise.
    """

    path: str
    inputs: dict = field(default_factory=dict)
    problem: str | None = None


def _absolute(path: str | Path) -> str:
    return os.path.abspath(os.fspath(path))


def _cohort_items(csv_path: Path, defaults: dict) -> list[BatchItem]:
    try:
        table = read_table(csv_path)
    except CohortFileError as exc:
        raise BatchInputError(f"{csv_path}: {exc}") from None
    items = []
    for line in table.lines:
        rel = line.cells.get("record", "")
        where = f"{csv_path.name} row {line.number}"
        if line.record is None:
            target = Path(rel) if Path(rel).is_absolute() else table.root / rel
            items.append(BatchItem(_absolute(target) if rel else "", dict(defaults), f"{where}: {line.record_error}"))
            continue
        errors: list[str] = []
        inputs = {**defaults, **clinical_cells(line.cells, errors)}
        problem = f"{where}: {'; '.join(errors)}" if errors else _invalid(inputs, where)
        items.append(BatchItem(_absolute(line.record), inputs, problem))
    return items


def _invalid(inputs: dict, where: str) -> str | None:
    """Why these clinical inputs are refused by the guidelines (e.g. an LVEF out of range), or None."""
    try:
        ClinicalInputs(**inputs)
    except (TypeError, ValueError) as exc:
        return f"{where}: {exc}"
    return None


def expand(inputs: list[str | Path], defaults: dict | None = None) -> list[BatchItem]:
    """The ECGs the inputs name, in order: a file as itself, a folder's ECG files recursively in natural
    order (every format core/io reads), a cohort CSV's rows. defaults: ClinicalInputs fields for every
    ECG (a cohort column overrides them for its row). A missing file is kept: the batch reports it."""
    defaults = {k: v for k, v in (defaults or {}).items() if v is not None}
    unknown = set(defaults) - {f.name for f in dataclasses.fields(ClinicalInputs)}
    if unknown:
        raise BatchInputError(f"unknown clinical inputs: {', '.join(sorted(unknown))}")
    problem = _invalid(defaults, "command line")
    if problem:
        raise BatchInputError(problem)
    if not inputs:
        raise BatchInputError("no input: give ECG files, folders or a cohort CSV")
    items: list[BatchItem] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            items += [BatchItem(_absolute(p), dict(defaults)) for p in folder_records(path)]
        elif is_cohort_csv(path):
            items += _cohort_items(path, defaults)
        else:
            items.append(BatchItem(_absolute(path), dict(defaults)))
    return items
