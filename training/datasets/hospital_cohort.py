"""A cohort CSV: one row per patient's ECG with its CRT outcome, validated row by row.

Columns: `record` (path relative to the CSV's folder, or absolute), and either
`lvesv_baseline` + `lvesv_6m` (response = LVESV reduction of at least 15 %) or `response`
(0/1); optional `patient` (rows of one patient stay in one fold), `sex` (M/F), `lvef` (%),
`nyha` (1-4), `lbbb` (0/1), `qrs_ms`. Lines starting with `#` are comments; a leading
`# key: value` comment is metadata (the demonstration cohort says `# root: data`, meaning
paths relative to the shared data folder, and `# demonstration: true`).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from ecgcrt_gui.core.errors import UserFacingError
from ecgcrt_gui.core.support.datapaths import data_dir

RESPONSE_LVESV_REDUCTION = 0.15
META_KEYS = ("root", "demonstration", "seed", "preprocessing_digest")  # `# key: value` comments read


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


def _number(text: str, what: str, errors: list[str], lo: float = -math.inf, hi: float = math.inf) -> float | None:
    try:
        value = float(text)
    except ValueError:
        errors.append(f"{what} is not a number: {text!r}")
        return None
    if not (lo <= value <= hi) or math.isnan(value):
        errors.append(f"{what} = {text} is outside {lo:g}..{hi:g}")
        return None
    return value


def _binary(text: str, what: str, errors: list[str]) -> int | None:
    if text not in ("0", "1"):
        errors.append(f"{what} must be 0 or 1, got {text!r}")
        return None
    return int(text)


def _existing(path: Path) -> Path | None:
    """The file to read for `path`: itself, or a WFDB header `<path>.hea`."""
    for candidate in (path, Path(f"{path}.hea")):
        if candidate.is_file():
            return candidate
    return None


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
    base = _number(given["lvesv_baseline"], "lvesv_baseline", errors, 1e-6)
    after = _number(given["lvesv_6m"], "lvesv_6m", errors, 0)
    if base is None or after is None:
        return None
    return int((base - after) / base >= RESPONSE_LVESV_REDUCTION)


def _optional(row: dict[str, str], errors: list[str]) -> dict:
    out: dict = {}
    text = {k: (row.get(k) or "").strip() for k in ("sex", "lvef", "nyha", "lbbb", "qrs_ms", "p_response")}
    if text["sex"]:
        if text["sex"].upper() not in ("M", "F"):
            errors.append(f"sex must be M or F, got {text['sex']!r}")
        else:
            out["sex"] = text["sex"].upper()
    if text["lvef"]:
        out["lvef"] = _number(text["lvef"], "lvef", errors, 0, 100)
    if text["nyha"]:
        nyha = _number(text["nyha"], "nyha", errors, 1, 4)
        out["nyha"] = int(nyha) if nyha is not None else None
    if text["lbbb"]:
        out["lbbb"] = _binary(text["lbbb"], "lbbb", errors)
    if text["qrs_ms"]:
        out["qrs_ms"] = _number(text["qrs_ms"], "qrs_ms", errors, 0, 400)
    if text["p_response"]:
        out["p_response"] = _number(text["p_response"], "p_response", errors, 0, 1)
    return out


def _split_comments(lines: list[str]) -> tuple[dict[str, str], list[str]]:
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


def load_cohort(path: str | Path, root: str | Path | None = None) -> Cohort:
    """Read and validate a cohort CSV; raises CohortError listing every bad row at once."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CohortError(path, [f"cannot read the file: {exc}"]) from None
    meta, body = _split_comments(lines)
    if root is None:
        root = data_dir() if meta.get("root") == "data" else path.parent
    reader = csv.DictReader(body)
    if not reader.fieldnames or "record" not in reader.fieldnames:
        raise CohortError(path, ["no 'record' column in the header"])
    rows: list[CohortRow] = []
    errors: list[str] = []
    seen: dict[Path, int] = {}
    for n, row in enumerate(reader, start=1):
        row_errors: list[str] = []
        rel = (row.get("record") or "").strip()
        record = None
        if not rel:
            row_errors.append("record is empty")
        else:
            full = Path(rel) if Path(rel).is_absolute() else Path(root) / rel
            record = _existing(full)
            if record is None:
                row_errors.append(f"record file not found: {full}")
            elif record.resolve() in seen:
                row_errors.append(f"duplicate record {rel} (first in row {seen[record.resolve()]})")
            else:
                seen[record.resolve()] = n
        response = _response(row, row_errors)
        extra = _optional(row, row_errors)
        if row_errors:
            errors += [f"row {n}: {e}" for e in row_errors]
            continue
        patient = (row.get("patient") or "").strip() or rel
        rows.append(CohortRow(record=record, patient=patient, response=response, **extra))
    if not errors and not rows:
        errors.append("no rows")
    if errors:
        raise CohortError(path, errors)
    return Cohort(path=path, rows=rows, meta=meta)
