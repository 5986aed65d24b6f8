"""A cohort CSV: one row per ECG, the file to read and what the clinician knows of the patient.

One format for `ecgcrt batch` and for the training package (`python -m training finetune --cohort`):

- `record`: the ECG file, relative to the CSV's folder or absolute; a WFDB record by its .hea or its
  name without extension.
- clinical columns, all optional, fed to the guidelines of that row: `lvef` (%), `nyha` (1-4),
  `sex` (M/F), `rhythm` (sinus/af).
- training columns (outcome, `patient`, `lbbb`, `qrs_ms`, ...): read by training/datasets/hospital_cohort.py,
  ignored by the batch.

Lines starting with `#` are comments; a `# key: value` comment with a key of META_KEYS is metadata
(the demonstration cohort says `# root: data`: paths are relative to the shared data folder).
This module reads the rows and resolves their files; it leaves each consumer to decide what a bad
row means (the batch writes it as a failed row, training refuses the whole file).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from ecgcrt_gui.core.support.datapaths import data_dir

META_KEYS = ("root", "demonstration", "seed", "preprocessing_digest")
RECORD_COLUMN = "record"
CLINICAL_COLUMNS = ("lvef", "nyha", "sex", "rhythm")
RHYTHMS = ("sinus", "af")


class CohortFileError(ValueError):
    """The whole file cannot be used as a cohort (unreadable, or no `record` column)."""


@dataclass(frozen=True)
class CohortLine:
    """One data row: its number (1 = first row after the header), its cells, and its ECG file
    (None where the cell is empty or names no file; `record_error` says which)."""

    number: int
    cells: dict[str, str]
    record: Path | None
    record_error: str | None


@dataclass
class CohortTable:
    path: Path
    root: Path
    meta: dict[str, str] = field(default_factory=dict)
    lines: list[CohortLine] = field(default_factory=list)


def _comment_meta(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """(metadata from `# key: value` comments, the lines that are not comments)."""
    meta: dict[str, str] = {}
    body = []
    for line in lines:
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if sep and key.strip() in META_KEYS:
                meta.setdefault(key.strip(), value.strip())
        else:
            body.append(line)
    return meta, body


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CohortFileError(f"cannot read the file: {exc}") from None


def is_cohort_csv(path: str | Path) -> bool:
    """True for a CSV whose header row (after any comments) has a `record` column."""
    path = Path(path)
    if path.suffix.lower() != ".csv" or not path.is_file():
        return False
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            header = next((ln for ln in fh if ln.strip() and not ln.startswith("#")), "")
    except OSError:
        return False
    return RECORD_COLUMN in (cell.strip() for cell in next(csv.reader([header]), []))


def existing_record(path: Path) -> Path | None:
    """The file to read for `path`: itself, or the WFDB header `<path>.hea`."""
    for candidate in (path, Path(f"{path}.hea")):
        if candidate.is_file():
            return candidate
    return None


def read_table(path: str | Path, root: str | Path | None = None) -> CohortTable:
    """The rows of a cohort CSV with their files resolved; raises CohortFileError for an unusable file.

    root: the folder relative paths start from; default the CSV's folder (or the shared data folder
    for `# root: data`).
    """
    path = Path(path)
    meta, body = _comment_meta(_read_lines(path))
    if root is None:
        root = data_dir() if meta.get("root") == "data" else path.parent
    reader = csv.DictReader(body)
    if not reader.fieldnames or RECORD_COLUMN not in reader.fieldnames:
        raise CohortFileError(f"no '{RECORD_COLUMN}' column in the header")
    table = CohortTable(path=path, root=Path(root), meta=meta)
    for n, cells in enumerate(reader, start=1):
        cells = {k: (v or "").strip() for k, v in cells.items() if k is not None}
        rel = cells.get(RECORD_COLUMN, "")
        record, error = None, None
        if not rel:
            error = "record is empty"
        else:
            full = Path(rel) if Path(rel).is_absolute() else Path(root) / rel
            record = existing_record(full)
            if record is None:
                error = f"record file not found: {full}"
        table.lines.append(CohortLine(n, cells, record, error))
    return table


def number(text: str, what: str, errors: list[str], lo: float = -math.inf, hi: float = math.inf) -> float | None:
    """`text` as a number in [lo, hi], or None with the reason appended to `errors`."""
    try:
        value = float(text)
    except ValueError:
        errors.append(f"{what} is not a number: {text!r}")
        return None
    if not (lo <= value <= hi) or math.isnan(value):
        errors.append(f"{what} = {text} is outside {lo:g}..{hi:g}")
        return None
    return value


def clinical_cells(cells: dict[str, str], errors: list[str]) -> dict:
    """The row's filled clinical columns (lvef, nyha, sex, rhythm) as ClinicalInputs values; problems
    are appended to `errors`. The LVEF range a guideline accepts is checked by ClinicalInputs itself."""
    out: dict = {}
    sex = cells.get("sex", "")
    if sex:
        if sex.upper() not in ("M", "F"):
            errors.append(f"sex must be M or F, got {sex!r}")
        else:
            out["sex"] = sex.upper()
    if cells.get("lvef"):
        out["lvef"] = number(cells["lvef"], "lvef", errors, 0, 100)
    if cells.get("nyha"):
        nyha = number(cells["nyha"], "nyha", errors, 1, 4)
        if nyha is not None and nyha != int(nyha):
            errors.append(f"nyha must be 1, 2, 3 or 4, got {cells['nyha']!r}")
            nyha = None
        out["nyha"] = None if nyha is None else int(nyha)
    rhythm = cells.get("rhythm", "").lower()
    if rhythm:
        if rhythm not in RHYTHMS:
            errors.append(f"rhythm must be {' or '.join(RHYTHMS)}, got {cells['rhythm']!r}")
        else:
            out["rhythm"] = rhythm
    return {k: v for k, v in out.items() if v is not None}
