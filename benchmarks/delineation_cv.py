"""Cross-validation by record of the QRS delineation's `Tuning` over LUDB (200 records, against its 3-lead
reference) and the QT Database development subset (35 records, q1c marks) together.

`python -m benchmarks.delineation_cv` reads every record once, delineates it with every candidate of GRID,
and keeps each record's median onset and offset error (ours - reference, ms). Each database is split into
FOLDS folds by record; in each fold a candidate is chosen by RULE (the lowest CRITERION, unless the shipped
tuning is within one standard error of it) on the other folds' records and scored on the fold's own: the
out-of-fold per-record errors are what the choice is worth on records it did not see. The candidate chosen on
all records is the one the app ships (`delineate.TUNING`; tests/test_delineation_cv.py holds them equal).
Written to benchmarks/delineation_cv.json, which bench_delineation quotes. Not part of `make bench` (a
model choice, not a benchmark): ~5 minutes on 2 cores.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from benchmarks.qrs_marks import beat_errors, ludb_reference, qtdb_reference
from ecgcrt_gui.core import io
from ecgcrt_gui.core.batch.engine import run_all
from ecgcrt_gui.core.morphology.pacing import detect_pacing
from ecgcrt_gui.core.signal import rpeaks
from ecgcrt_gui.core.signal.delineate import TUNING, Tuning, delineate_each
from ecgcrt_gui.core.support.atomic import write_text
from ecgcrt_gui.core.support.datapaths import data_dir

OUT = Path(__file__).resolve().parent / "delineation_cv.json"
GRID = {
    "lead_fraction": (0.025, 0.05, 0.075, 0.10, 0.15),
    "lead_rank": tuple(itertools.product((1.0, 1.5, 2.0), (2.0, 3.0, 4.0))),
    "settle_onset": (0.0025, 0.01, 0.03),
    "settle_offset": (0.01, 0.03, 0.06),
}
FOLDS = 5
SEED = 0
DATABASES = ("LUDB", "QTDB")
CRITERION = ("per database, RMS of the per-record onset errors + RMS of the per-record offset errors; "
             "the mean over the two databases (weighted alike, whatever their numbers of records)")
# The shipped tuning changes only for a candidate whose criterion is lower by more than one standard error of the
# paired difference (bootstrap over the records, within each database): the one-standard-error rule (Hastie,
# Tibshirani & Friedman, The Elements of Statistical Learning, 7.10) with the shipped tuning as the model to keep.
# A measurement the guideline classes turn on does not move for a difference the records cannot tell from noise.
RULE = "one standard error: the shipped tuning is kept unless a candidate's criterion is lower by more than 1 SE"
BOOTSTRAP = 500
WORKERS = 2
BEST_LISTED = 10  # the candidates with the lowest criterion on all records, listed in the record


def candidates() -> list[Tuning]:
    """Every combination of GRID's values, in grid order."""
    return [Tuning(**dict(zip(GRID, values))) for values in itertools.product(*GRID.values())]


def _record_task(item: tuple[str, str]) -> np.ndarray:
    """[candidates x 2] per-record median onset and offset error (ms) of one record; NaN where no beat matched."""
    database, path = item
    record = io.read(Path(path))
    stem = Path(path).with_suffix("")
    ref = ludb_reference(stem, 3) if database == "LUDB" else qtdb_reference(stem)
    r = rpeaks.detect(record.signal, record.fs)
    paced_after = detect_pacing(record.signal, record.fs, r).qrs_after if r.size else None
    tunings = tuple(candidates())
    out = np.full((len(tunings), 2), np.nan)
    readings = delineate_each(record.signal, record.fs, r, tunings, paced_after=paced_after)
    for k, d in enumerate(readings):
        j, err_on, err_off = beat_errors(ref, r, d.onsets, d.offsets, record.fs)
        if (j >= 0).any():
            out[k] = np.median(err_on), np.median(err_off)
    return out


def criterion(errors: np.ndarray, database: np.ndarray) -> np.ndarray:
    """CRITERION per candidate, from errors [records x candidates x 2] and each record's database."""
    per_db = []
    for name in DATABASES:
        e = errors[database == name]
        per_db.append(np.sqrt(np.nanmean(e[..., 0] ** 2, axis=0)) + np.sqrt(np.nanmean(e[..., 1] ** 2, axis=0)))
    return np.mean(per_db, axis=0)


def choose(errors: np.ndarray, database: np.ndarray, incumbent: int, seed: int = SEED) -> tuple[int, float, float]:
    """The candidate RULE picks, the criterion's lead of the best candidate over the incumbent (ms) and the
    bootstrap standard error of that lead."""
    crit = criterion(errors, database)
    best = int(np.argmin(crit))
    if best == incumbent:
        return best, 0.0, 0.0
    pair = errors[:, [incumbent, best]]
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(database == name) for name in DATABASES]
    leads = []
    for _ in range(BOOTSTRAP):
        rows = np.concatenate([rng.choice(g, g.size) for g in groups])
        c = criterion(pair[rows], database[rows])
        leads.append(c[0] - c[1])
    lead, se = float(crit[incumbent] - crit[best]), float(np.std(leads))
    return (best if lead > se else incumbent), lead, se


def folds(database: np.ndarray, n_folds: int = FOLDS, seed: int = SEED) -> np.ndarray:
    """Fold of each record: each database's records dealt into n_folds folds in a seeded random order."""
    fold = np.empty(database.size, np.int64)
    rng = np.random.default_rng(seed)
    for name in DATABASES:
        rows = np.flatnonzero(database == name)
        fold[rows[rng.permutation(rows.size)]] = np.arange(rows.size) % n_folds
    return fold


def cross_validate(errors: np.ndarray, database: np.ndarray, incumbent: int) -> dict:
    """Per fold the candidate chosen on the other folds, the out-of-fold per-record errors, and the candidate
    chosen on all records (with the best candidate's lead over the incumbent and its standard error)."""
    fold = folds(database)
    chosen = []
    oof = np.full((errors.shape[0], 2), np.nan)
    for f in range(FOLDS):
        train = fold != f
        pick = choose(errors[train], database[train], incumbent)[0]
        chosen.append(pick)
        oof[~train] = errors[~train, pick]
    summary = {}
    for name in DATABASES:
        e = oof[database == name]
        e = e[~np.isnan(e).any(axis=1)]
        summary[name] = {"records": int(e.shape[0]), "onset_mean_sd_ms": [float(e[:, 0].mean()), float(e[:, 0].std())],
                         "offset_mean_sd_ms": [float(e[:, 1].mean()), float(e[:, 1].std())]}
    pick, lead, se = choose(errors, database, incumbent)
    return {"chosen_by_fold": chosen, "out_of_fold": summary, "chosen_on_all": pick, "lead_ms": lead, "lead_se_ms": se,
            "criterion_on_all": criterion(errors, database)}


def _items(data: Path) -> list[tuple[str, str]]:
    ludb = [("LUDB", str(data / "ludb" / "data" / f"{rec}.hea")) for rec in range(1, 201)]
    names = (data / "qtdb" / "RECORDS").read_text().split()
    return ludb + [("QTDB", str(data / "qtdb" / f"{name}.hea")) for name in names]


def main() -> int:
    t0 = time.perf_counter()
    items = _items(data_dir())
    errors = np.stack(run_all(_record_task, items, workers=WORKERS, what="delineation cross-validation"))
    database = np.array([db for db, _ in items])
    result = cross_validate(errors, database, candidates().index(TUNING))
    grid = [asdict(t) for t in candidates()]
    out = {
        "command": "python -m benchmarks.delineation_cv",
        "grid": {k: [list(v) if isinstance(v, tuple) else v for v in values] for k, values in GRID.items()},
        "folds": FOLDS, "seed": SEED, "criterion": CRITERION, "rule": RULE, "bootstrap": BOOTSTRAP,
        "shipped": asdict(TUNING),
        "records": {name: int((database == name).sum()) for name in DATABASES},
        "chosen_by_fold": [grid[k] for k in result["chosen_by_fold"]],
        "out_of_fold": result["out_of_fold"],
        "chosen_on_all": grid[result["chosen_on_all"]],
        "best_lead_over_shipped_ms": [round(result["lead_ms"], 3), round(result["lead_se_ms"], 3)],
        "best_on_all": [{**grid[k], "criterion_ms": round(float(result["criterion_on_all"][k]), 3)}
                        for k in np.argsort(result["criterion_on_all"])[:BEST_LISTED]],
        "seconds": round(time.perf_counter() - t0, 1),
    }
    write_text(OUT, json.dumps(out, indent=1) + "\n")
    shown = ("chosen_by_fold", "out_of_fold", "chosen_on_all", "best_lead_over_shipped_ms", "best_on_all", "seconds")
    print(json.dumps({k: out[k] for k in shown}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
