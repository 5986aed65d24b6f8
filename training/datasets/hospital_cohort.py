"""A cohort CSV for training: one row per patient's ECG with its CRT outcome, validated row by row.

The file format (comments, metadata, `record`, the clinical columns) is ecgcrt_gui/core/cohort.py's,
shared with `ecgcrt batch`. Training adds: either `lvesv_baseline` + `lvesv_6m` (response = LVESV
reduction of at least 15 %) or `response` (0/1); optional `patient` (rows of one patient stay in
one fold), `lbbb` (0/1), `qrs_ms`, `p_response` (the demonstration cohort's oracle).
A file with any bad row is refused as a whole, every problem listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ecgcrt_gui.core.cohort import CohortFileError, clinical_cells, number, read_table
from ecgcrt_gui.core.errors import UserFacingError

RESPONSE_LVESV_REDUCTION = 0.15


class CohortError(UserFacingError, ValueError):
    """A cohort CSV that cannot be used; `errors` lists every problem found, by row."""

    def __init__(self, path: Path, errors: list[str]):
        self.errors = errors
        super().__init__(f"{path}: {len(errors)} problem(s):\n" + "\n".join(f"  {e}" for e in errors))


@dataclass(frozen=True)
class CohortRow:
    record: Path
    patient: str
    response: int
    sex: str | None = None
    lvef: float | None = None
    nyha: int | None = None
    rhythm: str | None = None
    lbbb: int | None = None
    qrs_ms: float | None = None
    p_response: float | None = None  # the demonstration cohort's simulation oracle


@dataclass
class Cohort:
    path: Path
    rows: list[CohortRow]
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def demonstration(self) -> bool:
        return self.meta.get("demonstration", "false").lower() == "true"


def _binary(text: str, what: str, errors: list[str]) -> int | None:
    if text not in ("0", "1"):
        errors.append(f"{what} must be 0 or 1, got {text!r}")
        return None
    return int(text)


def _response(row: dict[str, str], errors: list[str]) -> int | None:
    given = {k: (row.get(k) or "").strip() for k in ("response", "lvesv_baseline", "lvesv_6m")}
    has_lvesv = bool(given["lvesv_baseline"] or given["lvesv_6m"])
    if given["response"] and has_lvesv:
        errors.append("both outcome columns are filled: give either response or lvesv_baseline + lvesv_6m")
        return None
    if given["response"]:
        return _binary(given["response"], "response", errors)
    if not has_lvesv:
        errors.append("no outcome: give response (0/1) or lvesv_baseline + lvesv_6m")
        return None
    if not (given["lvesv_baseline"] and given["lvesv_6m"]):
        errors.append("lvesv_baseline and lvesv_6m must both be given")
        return None
    base = number(given["lvesv_baseline"], "lvesv_baseline", errors, 1e-6)
    after = number(given["lvesv_6m"], "lvesv_6m", errors, 0)
    if base is None or after is None:
        return None
    return int((base - after) / base >= RESPONSE_LVESV_REDUCTION)


def _optional(row: dict[str, str], errors: list[str]) -> dict:
    out = clinical_cells(row, errors)
    if row.get("lbbb"):
        out["lbbb"] = _binary(row["lbbb"], "lbbb", errors)
    if row.get("qrs_ms"):
        out["qrs_ms"] = number(row["qrs_ms"], "qrs_ms", errors, 0, 400)
    if row.get("p_response"):
        out["p_response"] = number(row["p_response"], "p_response", errors, 0, 1)
    return out


def load_cohort(path: str | Path, root: str | Path | None = None) -> Cohort:
    """Read and validate a cohort CSV; raises CohortError listing every bad row at once."""
    path = Path(path)
    try:
        table = read_table(path, root)
    except CohortFileError as exc:
        raise CohortError(path, [str(exc)]) from None
    rows: list[CohortRow] = []
    errors: list[str] = []
    seen: dict[Path, int] = {}
    for line in table.lines:
        row_errors = [line.record_error] if line.record_error else []
        record = line.record
        if record is not None:
            if record.resolve() in seen:
                row_errors.append(f"duplicate record {line.cells['record']} (first in row {seen[record.resolve()]})")
            else:
                seen[record.resolve()] = line.number
        response = _response(line.cells, row_errors)
        extra = _optional(line.cells, row_errors)
        if row_errors:
            errors += [f"row {line.number}: {e}" for e in row_errors]
            continue
        patient = line.cells.get("patient") or line.cells["record"]
        rows.append(CohortRow(record=record, patient=patient, response=response, **extra))
    if not errors and not rows:
        errors.append("no rows")
    if errors:
        raise CohortError(path, errors)
    return Cohort(path=path, rows=rows, meta=table.meta)
