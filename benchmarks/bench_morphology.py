"""Bundle-branch-block morphology against the cardiologists' labels of LUDB and PTB-XL, and
the two-lead MIT-BIH LBBB / RBBB / paced records.

Pipeline per record: `io.read` -> `rpeaks.detect` -> `delineate` -> `classify` (sex from the
database). Reference label per record, in this order: paced, complete LBBB, complete RBBB,
IVCD, incomplete LBBB, incomplete RBBB, normal (PTB-XL NORM), other (LUDB: no conduction
abnormality; PTB-XL: anything else).
"""

from __future__ import annotations

import ast
import csv
import time
from collections import Counter
from pathlib import Path

from ecgcrt_gui.core import io
from ecgcrt_gui.core.batch.engine import run_all
from ecgcrt_gui.core.morphology import LABELS, Morphology, measure
from ecgcrt_gui.core.signal import rpeaks

TRUTHS = ("paced", "LBBB", "RBBB", "IVCD", "incomplete LBBB", "incomplete RBBB", "normal", "other")
PTBXL_CODES = (("PACE", "paced"), ("CLBBB", "LBBB"), ("CRBBB", "RBBB"), ("IVCD", "IVCD"),
               ("ILBBB", "incomplete LBBB"), ("IRBBB", "incomplete RBBB"), ("NORM", "normal"))
MITDB = {"LBBB": ("109", "111", "207", "214"), "RBBB": ("118", "124", "212", "231", "232"),
         "paced": ("102", "104", "107", "217")}
WORKERS = 2  # records run on the app's batch engine


def ludb_truth(csv_path: Path) -> dict[int, tuple[str, str | None]]:
    """LUDB record id -> (reference label, sex)."""
    out = {}
    with open(csv_path, newline="") as f:
        for row in csv.DictReader(f):
            cond = row["Conduction abnormalities"].lower()
            pacing = row["Cardiac pacing"].lower()
            if "ventricular pacing" in pacing:
                truth = "paced"
            elif "complete left" in cond and "incomplete left" not in cond:
                truth = "LBBB"
            elif "complete right" in cond and "incomplete right" not in cond:
                truth = "RBBB"
            elif "intravintricular" in cond:
                truth = "IVCD"
            elif "incomplete left" in cond:
                truth = "incomplete LBBB"
            elif "incomplete right" in cond:
                truth = "incomplete RBBB"
            else:
                truth = "other"
            sex = row["Sex"].strip()
            out[int(row["ID"])] = (truth, sex if sex in ("M", "F") else None)
    return out


def ptbxl_truth(csv_path: Path, n: int = 500) -> dict[str, tuple[str, str | None]]:
    """PTB-XL filename_hr -> (reference label, sex) for ecg_id 1..n."""
    out = {}
    with open(csv_path, newline="") as f:
        for row in csv.DictReader(f):
            if int(row["ecg_id"]) > n:
                continue
            codes = ast.literal_eval(row["scp_codes"])
            truth = next((label for code, label in PTBXL_CODES if code in codes), "other")
            sex = {"0": "M", "1": "F"}.get(row["sex"].split(".")[0])
            out[row["filename_hr"]] = (truth, sex)
    return out


def analyse(item: tuple[Path, str | None]) -> tuple[Morphology, float | None, list[str]]:
    """One batch-engine task, (record path, sex): its morphology, QRS duration and lead names."""
    path, sex = item
    record = io.read(path)
    r = rpeaks.detect(record.signal, record.fs)
    d, morph = measure(record, r, sex=sex)
    return morph, d.qrs_duration_ms, list(record.leads)


def _confusion(pairs: list[tuple[str, str]]) -> list[str]:
    counts = Counter(pairs)
    lines = ["| reference \\ ours | " + " | ".join(LABELS) + " |", "|---|" + "---|" * len(LABELS)]
    for t in TRUTHS:
        if any(counts[(t, p)] for p in LABELS):
            lines.append(f"| {t} | " + " | ".join(str(counts[(t, p)]) for p in LABELS) + " |")
    return lines


def _sens_spec(pairs: list[tuple[str, bool | None]], positive: str) -> str:
    """Sensitivity and specificity of a yes/no verdict (None counts as no) for the `positive` label."""
    tp = sum(1 for t, v in pairs if t == positive and v)
    fn = sum(1 for t, v in pairs if t == positive and not v)
    tn = sum(1 for t, v in pairs if t != positive and not v)
    fp = sum(1 for t, v in pairs if t != positive and v)
    sens = tp / (tp + fn) if tp + fn else float("nan")
    spec = tn / (tn + fp) if tn + fp else float("nan")
    return f"{sens:.2f} ({tp}/{tp + fn}) | {spec:.3f} ({tn}/{tn + fp})"


def run(data: Path) -> str:
    t0 = time.perf_counter()
    todo = []  # (database, truth, path, sex)
    for rec, (truth, sex) in sorted(ludb_truth(data / "ludb" / "ludb.csv").items()):
        todo.append(("LUDB", truth, data / "ludb" / "data" / f"{rec}.hea", sex))
    for name, (truth, sex) in sorted(ptbxl_truth(data / "ptbxl" / "ptbxl_database.csv").items()):
        path = data / "ptbxl" / f"{name}.hea"
        if path.exists():
            todo.append(("PTB-XL", truth, path, sex))
    measured = run_all(analyse, [(path, sex) for _, _, path, sex in todo], workers=WORKERS, what="morphology")
    results = [(db, truth, morph) for (db, truth, _, _), (morph, _, _) in zip(todo, measured)]
    seconds_12 = time.perf_counter() - t0

    lines = ["## QRS morphology (LUDB 200 + PTB-XL 1-500, 12 leads)", ""]
    for db in ("LUDB", "PTB-XL", "both"):
        sel = [(t, m) for d, t, m in results if db in ("both", d)]
        lines += [f"**{db}** ({len(sel)} records): confusion matrix, reference label by row", ""]
        lines += _confusion([(t, m.label) for t, m in sel]) + [""]
    sel = [(t, m) for _, t, m in results]
    lines += [
        "| verdict (both databases) | sensitivity | specificity |",
        "|---|---|---|",
        f"| label LBBB vs complete LBBB | {_sens_spec([(t, m.label == 'LBBB') for t, m in sel], 'LBBB')} |",
        f"| Strauss 2011 verdict | {_sens_spec([(t, m.strauss_lbbb) for t, m in sel], 'LBBB')} |",
        f"| AHA 2009 verdict | {_sens_spec([(t, m.aha_lbbb) for t, m in sel], 'LBBB')} |",
        f"| Strauss or AHA | {_sens_spec([(t, bool(m.strauss_lbbb or m.aha_lbbb)) for t, m in sel], 'LBBB')} |",
        f"| label RBBB vs complete RBBB | {_sens_spec([(t, m.label == 'RBBB') for t, m in sel], 'RBBB')} |",
        f"| label paced vs paced | {_sens_spec([(t, m.label == 'paced') for t, m in sel], 'paced')} |",
        "",
        f"Paced records called LBBB: {sum(1 for t, m in sel if t == 'paced' and m.label == 'LBBB')} "
        f"of {sum(1 for t, _ in sel if t == 'paced')}. 12-lead records analysed in {seconds_12:.0f} s "
        f"({WORKERS} workers on the batch engine).",
        "",
        "**MIT-BIH** (30 min, 2 leads, 360 Hz; no exclusion of ectopic beats)",
        "",
        "| record | expected | leads | ours | QRS ms | partial criteria | Strauss | notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    mitdb = [(expected, rec) for expected, records in MITDB.items() for rec in records]
    runs = run_all(analyse, [(data / "mitdb" / f"{rec}.hea", None) for _, rec in mitdb], workers=WORKERS,
                   what="MIT-BIH morphology")
    for (expected, rec), (morph, qrs, lead_names) in zip(mitdb, runs):
        qrs_txt = "-" if qrs is None else f"{qrs:.0f}"
        notes = "; ".join(morph.notes)[:120]
        lines.append(f"| {rec} | {expected} | {'+'.join(lead_names)} | {morph.label} | {qrs_txt} | {morph.partial} "
                     f"| {morph.strauss_lbbb} | {notes} |")
    lines += ["", "Command: `python -m benchmarks bench_morphology`"]
    return "\n".join(lines)
