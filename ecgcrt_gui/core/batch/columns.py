"""The batch table's columns: one row per ECG, flattening the assessment JSON (schema ecgcrt.assessment/1).

The column set is versioned (TABLE_SCHEMA, also the first column of every row): columns are added
only with a new version, and never change meaning within one. docs/BATCH_COLUMNS.md is generated
from COLUMNS (`python -m ecgcrt_gui.core.batch.columns > docs/BATCH_COLUMNS.md`) and a test keeps
the two equal. A cell is empty where the value does not exist (not measured, not run, a failed row).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecgcrt_gui.core.guidelines.engine import GUIDELINES, ClinicalInputs
from ecgcrt_gui.core.morphology.labels import CRITERIA

TABLE_SCHEMA = "ecgcrt.batch/2"  # /2: the QRS duration's spread and the guideline cut-offs inside it
OK = "ok"
AAMI_CLASSES = ("N", "S", "V", "F", "Q")  # the AAMI EC57 beat classes the bundled beat classifier names
_LIST_SEPARATOR = "; "
_PROBABILITY_DIGITS = 6  # as the JSON's per-beat probabilities: the table does not depend on float noise

Getter = Callable[[dict], Any]


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "str" | "float" | "int" | "bool"
    description: str
    get: Getter = dataclasses.field(repr=False, compare=False)


def _path(*keys: str) -> Getter:
    """Getter of a nested JSON value; None where any level is missing or null."""
    def get(result: dict) -> Any:
        value: Any = result
        for key in keys:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value
    return get


def _joined(getter: Getter) -> Getter:
    def get(result: dict) -> Any:
        value = getter(result)
        # empty list: empty cell; a number as the JSON has it, without a trailing .0 (150, not 150.0)
        return _LIST_SEPARATOR.join(f"{v:g}" if isinstance(v, float) else str(v) for v in value) if value else None
    return get


def _item(getter: Getter, index: int) -> Getter:
    """Element `index` of a list value; None where the list is missing."""
    def get(result: dict) -> Any:
        value = getter(result)
        return value[index] if value else None
    return get


def _beat_count(cls: str | None) -> Getter:
    """Beats of AAMI class `cls` (None: not classified); empty where the beat classifier did not run."""
    def get(result: dict) -> Any:
        beats = result.get("beats") or []
        if result.get("beat_classifier") is None and not any(b.get("aami_class") is not None for b in beats):
            return None
        return sum(1 for b in beats if b.get("aami_class") == cls)
    return get


def _rounded(getter: Getter, digits: int) -> Getter:
    def get(result: dict) -> Any:
        value = getter(result)
        return None if value is None else round(float(value), digits)
    return get


def _n_beats(result: dict) -> Any:
    return None if result.get("rpeaks") is None else len(result["rpeaks"])


def _guideline(name: str, key: str) -> Getter:
    def get(result: dict) -> Any:
        for g in result.get("guidelines") or []:
            if g.get("name") == name:
                value = g.get(key)
                if isinstance(value, list):
                    return _LIST_SEPARATOR.join(value) if value else None
                return value
        return None
    return get


def _columns() -> tuple[Column, ...]:
    c = Column
    cols = [
        c("schema", "str", f"column-set version, `{TABLE_SCHEMA}`", lambda r: TABLE_SCHEMA),
        c("path", "str", "the ECG file read (for WFDB, its .hea)", _path("_batch", "path")),
        c("file_sha256", "str", "sha256 of the record's files (for WFDB: the header, then each signal file); "
          "with `path`, the key `--resume` matches on", _path("_batch", "file_sha256")),
        c("status", "str", f"`{OK}`, or the one-line reason the ECG could not be used", _path("_batch", "status")),
        c("format", "str", "file format as read (wfdb, edf, dicom, csv, ...)", _path("record", "format")),
        c("fs_hz", "float", "sampling rate, Hz", _path("record", "fs")),
        c("n_samples", "int", "samples per lead", _path("record", "n_samples")),
        c("duration_s", "float", "record length, s", _path("record", "duration_s")),
        c("n_leads", "int", "number of leads", lambda r: len(r["record"]["leads"]) if r.get("record") else None),
        c("leads", "str", "lead names, `; `-separated", _joined(_path("record", "leads"))),
        c("age", "float", "patient age from the file, years", _path("record", "age")),
        c("file_sex", "str", "patient sex from the file (M/F)", _path("record", "sex")),
    ]
    for f in dataclasses.fields(ClinicalInputs):
        cols.append(c(f"input_{f.name}", "bool" if f.name not in ("lvef", "nyha", "sex", "rhythm") else
                      {"lvef": "float", "nyha": "int"}.get(f.name, "str"),
                      f"clinical input `{f.name}` the guidelines used (cohort column or command-line option)",
                      _path("inputs", f.name)))
    cols += [
        c("n_beats", "int", "R-peaks found", _n_beats),
        c("heart_rate_bpm", "float", "mean heart rate from the RR intervals, bpm", _path("heart_rate_bpm")),
    ]
    cols += [c(f"beats_{k}", "int", f"beats the beat classifier calls AAMI class {k} (empty when it did not run)"
               + ("; paced beats are Q" if k == "Q" else ""), _beat_count(k)) for k in AAMI_CLASSES]
    cols += [
        c("beats_unclassified", "int", "beats not classified: the classifier's calibrated top-class probability below "
          "its card's threshold, a paced record's beat without a pacemaker artefact, or no image", _beat_count(None)),
        c("qrs_duration_ms", "float", "global QRS duration, median over the dominant beats, ms", _path("qrs_duration_ms")),
        c("qrs_beats_used", "int", "beats the QRS median used", _path("qrs_beats", "used")),
        c("qrs_beats_excluded", "int", "beats the beat classes leave out of the QRS median: all but those the classifier "
          "is sure are N (in a paced record, all but the paced beats); a beat that could not be delineated, or reads "
          "far from the others, is neither used nor excluded",
          _path("qrs_beats", "excluded")),
        c("qrs_basis", "str", "the beats the QRS median was taken over: `sure N`; where fewer than 3, `not called "
          "ectopic`, else `every beat`; in a paced record `paced`, else `every beat`; empty without the classifier",
          _path("qrs_beats", "basis")),
        c("qrs_iqr_low_ms", "float", "25th percentile of the dominant beats' QRS durations, each beat read on its own, ms",
          _item(_path("qrs_duration_iqr_ms"), 0)),
        c("qrs_iqr_high_ms", "float", "75th percentile of the same durations, ms", _item(_path("qrs_duration_iqr_ms"), 1)),
        c("qrs_cutoffs_within_iqr", "str", "guideline QRS cut-offs (ms) inside that interquartile range, `; `-separated: "
          "a class that turns on one of them depends on a measurement within its own uncertainty",
          _joined(_path("qrs_cutoffs_within_iqr"))),
        c("morphology", "str", "QRS morphology: LBBB, RBBB, IVCD, paced, normal, undetermined",
          _path("morphology", "label")),
        c("strauss_lbbb", "bool", "LBBB by Strauss 2011 (empty: not assessable)", _path("morphology", "strauss_lbbb")),
        c("aha_lbbb", "bool", "LBBB by AHA/ACCF/HRS 2009 (empty: not assessable)", _path("morphology", "aha_lbbb")),
        c("rbbb", "bool", "RBBB criteria met (empty: not assessable)", _path("morphology", "rbbb")),
        c("paced", "bool", "pacing verdict: pacemaker artefacts before the QRS", _path("morphology", "paced")),
        c("partial_criteria", "bool", "the verdict rests on partial criteria (leads not recorded)",
          _path("morphology", "partial_criteria")),
    ]
    for key in CRITERIA:
        cols.append(c(f"crit_{key}", "str", f"criterion `{key}`: met, not_met or not_assessable",
                      _path("morphology", "criteria", key, "status")))
        cols.append(c(f"crit_{key}_leads", "str", f"leads that met criterion `{key}`, `; `-separated",
                      _joined(_path("morphology", "criteria", key, "leads"))))
    cols += [
        c("p_response", "float", "the CRT model's patient-level P(response) (demonstration model: simulated outcomes)",
          _rounded(_path("prediction", "probability"), _PROBABILITY_DIGITS)),
        c("prediction", "str", "responder or non-responder at the model's threshold", _path("prediction", "label")),
        c("prediction_threshold", "float", "the model card's decision threshold", _path("prediction", "threshold")),
        c("prediction_beats", "int", "beats the CRT model averaged over", _path("prediction", "n_beats")),
        c("device", "str", "where the networks ran: cpu or cuda", _path("prediction", "device")),
        c("model_name", "str", "CRT model name", _path("prediction", "model", "name")),
        c("model_sha256", "str", "CRT weights sha256", _path("prediction", "model", "sha256")),
        c("model_demonstration", "bool", "the CRT model is the demonstration model (simulated outcomes)",
          _path("prediction", "demonstration")),
    ]
    for name in GUIDELINES:
        cols += [
            c(f"{name}_class", "str", f"{name}: class of recommendation for CRT (I, IIa, IIb, III; empty: none)",
              _guideline(name, "recommendation_class")),
            c(f"{name}_level", "str", f"{name}: level of evidence", _guideline(name, "level_of_evidence")),
            c(f"{name}_missing", "str", f"{name}: inputs that would decide it, `; `-separated",
              _guideline(name, "missing_inputs")),
            c(f"{name}_reason", "str", f"{name}: the reason, as the app words it", _guideline(name, "reason")),
            c(f"{name}_qrs_uncertainty", "str", f"{name}: where the class depends on a QRS cut-off inside the beats' "
              "spread, the app's sentence saying so", _guideline(name, "qrs_uncertainty")),
        ]
    cols += [
        c("cart_system", "str", "the cart's own reading, read from the file (not computed here): its system",
          _path("device_reading", "system")),
        c("cart_qrs_duration_ms", "float", "the cart's QRS duration, ms (the cart's, not ours)",
          _path("device_reading", "qrs_duration_ms")),
        c("cart_heart_rate_bpm", "float", "the cart's heart rate, bpm (the cart's, not ours)",
          _path("device_reading", "heart_rate_bpm")),
        c("cart_statements", "str", "the cart's interpretation statements, `; `-separated",
          _joined(_path("device_reading", "statements"))),
        c("cart_statements_source", "str", "who made the cart's statements: machine, confirmed or overread",
          _path("device_reading", "statements_source")),
        c("cart_patterns", "str", "conduction patterns the cart's statements name (LBBB, RBBB, IVCD, paced)",
          _joined(_path("device_reading", "patterns"))),
        c("n_warnings", "int", "number of warnings", lambda r: None if r.get("warnings") is None else len(r["warnings"])),
        c("warnings", "str", "every warning, `; `-separated", _joined(_path("warnings"))),
        c("app_version", "str", "ECG-CRT version that computed the row", _path("app_version")),
    ]
    return tuple(cols)


COLUMNS: tuple[Column, ...] = _columns()
NAMES: tuple[str, ...] = tuple(col.name for col in COLUMNS)
KINDS: dict[str, str] = {col.name: col.kind for col in COLUMNS}


def flatten(result: dict | None, *, path: str, file_sha256: str | None, status: str) -> dict[str, Any]:
    """One table row from an assessment's JSON (None for an ECG that could not be read)."""
    full = dict(result or {})
    full["_batch"] = {"path": path, "file_sha256": file_sha256, "status": status}
    return {col.name: _typed(col.kind, col.get(full)) for col in COLUMNS}


def _typed(kind: str, value: Any) -> Any:
    """The value as its column's type (an age of 51 is 51.0 in a float column), so a row read back from
    the table equals the row written."""
    if value is None:
        return None
    value = {"float": float, "int": int, "bool": bool, "str": str}[kind](value)
    return None if value == "" else value


def markdown() -> str:
    """docs/BATCH_COLUMNS.md: the documented column set."""
    lines = [
        f"# Batch table columns, `{TABLE_SCHEMA}`",
        "",
        "`ecgcrt batch INPUT... --out TABLE` writes one row per ECG, in input order, with these columns "
        "(CSV, or Parquet with typed columns). An empty cell: the value does not exist for that ECG. "
        "Lists are `; `-separated. Generated from `ecgcrt_gui/core/batch/columns.py`; a new column is a new version.",
        "",
        "| column | type | meaning |",
        "|---|---|---|",
        *[f"| `{col.name}` | {col.kind} | {col.description} |" for col in COLUMNS],
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
