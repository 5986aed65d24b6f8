"""QRS onset, offset and duration against cardiologists' marks, beside neurokit2: LUDB (12 leads,
500 Hz, marked lead by lead), the QT Database subset (2-lead Holter, 250 Hz, marked on both leads
at once), and how often PTB-XL's normal ECGs are called IVCD.

Each marked QRS is matched to a detected beat by R within 150 ms and scored per beat and per record
(the median of its beats' errors). Ours: `rpeaks.detect` + `morphology.measure` (pacing evidence,
then `delineate` over all leads) on the whole record. neurokit2: `nk.ecg_peaks` and
`ecg_delineate(method="dwt")` on one lead (LUDB: II; QTDB: the first signal, on the marked stretch
+/- 10 s, as its wavelet transform of a 15-min record takes ~15 s), scored identically.
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import numpy as np

from benchmarks import delineation_cv, machine
from benchmarks.qrs_marks import QTDB_SECOND, beat_errors, ludb_reference, qtdb_reference
from ecgcrt_gui.core import io
from ecgcrt_gui.core.batch.engine import run_all
from ecgcrt_gui.core.morphology import measure
from ecgcrt_gui.core.signal import rpeaks

CUTOFFS_MS = (120, 130, 150)  # where the CRT guidelines' classes change
CSE_SD_MS = {"onset": 6.5, "offset": 11.6}
WORKERS = 2  # records run on the app's batch engine, each timed inside its own task


def _ours(record) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r = rpeaks.detect(record.signal, record.fs)
    d, _ = measure(record, r)
    return r, d.onsets, d.offsets


def _timed(method, *args) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], float]:
    t0 = time.perf_counter()
    out = method(*args)
    return out, time.perf_counter() - t0


def _ludb_task(path: Path) -> dict:
    """One LUDB record: ours and neurokit2's beats (each timed), and the three references."""
    record = io.read(path)
    stem = path.with_suffix("")
    return {"fs": record.fs, "ours": _timed(_ours, record), "neurokit2": _timed(_neurokit, record),
            "refs": {k: ludb_reference(stem, k) for k in (1, 2, 3)}}


def _qtdb_task(path: Path) -> dict:
    """One QT Database record: ours on the whole record, neurokit2 on the marked stretch +/- 10 s."""
    record = io.read(path)
    stem = path.with_suffix("")
    ref = qtdb_reference(stem)
    pad = int(10 * record.fs)
    span = (max(0, int(ref[:, 1].min()) - pad), min(record.n_samples, int(ref[:, 2].max()) + pad))
    second = qtdb_reference(stem, QTDB_SECOND) if stem.with_suffix(f".{QTDB_SECOND}").exists() else None
    return {"fs": record.fs, "ref": ref, "second": second, "ours": _timed(_ours, record),
            "neurokit2": _timed(_neurokit, record, 0, span)}


def _ptbxl_task(path: Path) -> tuple[str, float | None]:
    record = io.read(path)
    d, morph = measure(record, rpeaks.detect(record.signal, record.fs))
    return morph.label, d.qrs_duration_ms


def _neurokit(record, lead: int | None = None, span: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """neurokit2's R-peaks and dwt QRS onsets/offsets on one lead (default II), optionally on a
    [start, stop) stretch of the record; sample indices of the whole record."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import neurokit2 as nk

        start, stop = span or (0, record.n_samples)
        x = record.signal[start:stop, record.leads.index("II") if lead is None else lead].astype(np.float64)
        try:
            _, info = nk.ecg_peaks(nk.ecg_clean(x, sampling_rate=int(record.fs)), sampling_rate=int(record.fs))
            r = np.asarray(info["ECG_R_Peaks"], np.int64)
            _, waves = nk.ecg_delineate(x, r, sampling_rate=int(record.fs), method="dwt")
        except Exception:  # neurokit2 raises on some short or odd records; score as "not found"
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64)
    on = np.nan_to_num(np.asarray(waves["ECG_R_Onsets"], float) + start, nan=-1).astype(np.int64)
    off = np.nan_to_num(np.asarray(waves["ECG_R_Offsets"], float) + start, nan=-1).astype(np.int64)
    return r + start, on, off


class _Score:
    def __init__(self) -> None:
        self.on: list[float] = []
        self.off: list[float] = []
        self.dur_err: list[float] = []
        self.rec_on: list[float] = []  # per record: median over its beats of the error
        self.rec_off: list[float] = []
        self.within_on: list[float] = []  # per beat: error minus its record's mean error
        self.within_off: list[float] = []
        self.within_corr: list[float] = []  # per record: correlation of its beats' onset and offset errors
        self.ref_dur_sd: list[float] = []  # per record: SD of the reference's own durations of its beats
        self.durations: list[tuple[float, float]] = []  # per record: (ours, reference) median QRS ms
        self.missed = 0
        self.total = 0
        self.seconds = 0.0

    def add(self, ref: np.ndarray, r: np.ndarray, on: np.ndarray, off: np.ndarray, fs: float) -> None:
        j, err_on, err_off = beat_errors(ref, r, on, off, fs)
        found = j >= 0
        self.total += ref.shape[0]
        self.missed += int((~found).sum())
        ms = 1000.0 / fs
        self.on += list(err_on)
        self.off += list(err_off)
        if found.any():
            self.rec_on.append(float(np.median(err_on)))
            self.rec_off.append(float(np.median(err_off)))
            self.within_on += list(err_on - err_on.mean())
            self.within_off += list(err_off - err_off.mean())
            if err_on.size >= 3 and err_on.std() > 0 and err_off.std() > 0:
                self.within_corr.append(float(np.corrcoef(err_on, err_off)[0, 1]))
            ref_dur = (ref[found, 2] - ref[found, 1]) * ms
            self.ref_dur_sd.append(float(np.std(ref_dur)))
            ours = np.median((off[j[found]] - on[j[found]]) * ms)
            truth = np.median(ref_dur)
            self.dur_err.append(float(ours - truth))
            self.durations.append((float(ours), float(truth)))

    def side_changes(self) -> dict[int, int]:
        """Per guideline cut-off, the records whose QRS is on one side of it by ours and on the other
        by the reference."""
        d = np.array(self.durations).reshape(-1, 2)
        return {c: int(np.sum((np.round(d[:, 0]) >= c) != (np.round(d[:, 1]) >= c))) for c in CUTOFFS_MS}

    def row(self, name: str, timed: bool = True) -> str:
        on, off, dur = np.array(self.on), np.array(self.off), np.abs(self.dur_err)
        seconds = f"{self.seconds:.1f}" if timed else "-"
        within = np.mean((np.abs(on) <= 10) & (np.abs(off) <= 10)) if on.size else 0.0
        rec_on, rec_off = np.array(self.rec_on), np.array(self.rec_off)
        return (
            f"| {name} | {on.size}/{self.total} ({on.size / max(self.total, 1):.1%}) "
            f"| {on.mean():+.1f} ± {on.std():.1f} | {off.mean():+.1f} ± {off.std():.1f} "
            f"| {np.median(np.abs(on)):.0f} / {np.median(np.abs(off)):.0f} | {within:.2f} "
            f"| {rec_on.mean():+.1f} ± {rec_on.std():.1f} | {rec_off.mean():+.1f} ± {rec_off.std():.1f} "
            f"| {dur.mean():.1f} ({len(dur)}) | {seconds} |"
        )


REFERENCES = {
    1: "strict: earliest onset / latest offset on any lead",
    2: "2 leads: 2nd earliest / 2nd latest",
    3: "3 leads: 3rd earliest / 3rd latest",
}


def run(data: Path) -> str:
    return "\n\n".join((_ludb_section(data), _qtdb_section(data), _ptbxl_section(data)))


def _ludb_section(data: Path) -> str:
    ludb = data / "ludb" / "data"
    meta = _ludb_meta(data / "ludb" / "ludb.csv")
    scores = {(m, k, sub): _Score() for m in ("ours", "neurokit2") for k in REFERENCES for sub in ("all", "np")}
    seconds = {"ours": 0.0, "neurokit2": 0.0}
    normal_durations: dict[str, list[float]] = {"ours": [], **{f"rank {k}": [] for k in (1, 2, 3)}}
    runs = run_all(_ludb_task, [ludb / f"{rec}.hea" for rec in range(1, 201)], workers=WORKERS, what="LUDB delineation")
    for rec, run in zip(range(1, 201), runs):
        refs, fs = run["refs"], run["fs"]
        paced, normal = meta[rec]
        for name in ("ours", "neurokit2"):
            (r, on, off), spent = run[name]
            seconds[name] += spent
            for k in REFERENCES:
                scores[(name, k, "all")].add(refs[k], r, on, off, fs)
                if not paced:
                    scores[(name, k, "np")].add(refs[k], r, on, off, fs)
            if name == "ours" and normal and on.size:
                ok = (on >= 0) & (off > on)
                normal_durations["ours"].append(float(np.median(off[ok] - on[ok]) * 1000 / fs))
        if normal:
            for k in (1, 2, 3):
                normal_durations[f"rank {k}"].append(float(np.median(refs[k][:, 2] - refs[k][:, 1]) * 1000 / fs))
    for (name, _, sub), score in scores.items():
        score.seconds = seconds[name] if sub == "all" else 0.0
    head = (
        "| reference | method | beats scored / annotated | per beat: onset error ms (mean ± SD) | per beat: offset error ms "
        "| median abs error on / off ms | beats with both within 10 ms | per record: onset error ms (mean ± SD) "
        "| per record: offset error ms | QRS-duration MAE ms (records) | seconds |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )
    rows = []
    for k, ref_name in REFERENCES.items():
        for sub, sub_name in (("all", ""), ("np", ", non-paced records")):
            rows.append(f"| {ref_name} " + scores[("ours", k, sub)].row(f"ours: 12-lead global{sub_name}", sub == "all"))
            rows.append(f"| {ref_name} " + scores[("neurokit2", k, sub)].row(f"neurokit2 dwt, lead II{sub_name}", sub == "all"))
    within = {k: np.std(scores[("ours", k, "all")].within_on) for k in REFERENCES}
    durations = " | ".join(
        f"{name}: median {np.median(v):.0f} ms, {np.mean(np.array(v) > 110):.0%} > 110 ms" for name, v in normal_durations.items()
    )
    return "\n".join(
        [
            "## QRS delineation (LUDB, 200 records, 12 leads, 500 Hz)",
            "",
            "LUDB's cardiologists marked QRS onset and offset on each lead separately. Three global references per "
            "beat: **strict**, the earliest onset and the latest offset marked on any of the 12 leads; **2 leads**, the "
            "second-earliest onset and second-latest offset; **3 leads**, the third-earliest and third-latest. Ours "
            "reads each lead and takes the third-earliest lead onset and third-latest lead offset on 12 leads "
            "(between the two leads' edges on 2 leads); " + _cv_sentence() + " Why not the strict reference: "
            "marks made lead by lead and "
            "combined by min/max run long (durations of normal records below), beyond the norms of the automated "
            "12-lead global QRS (healthy adults: median ~90-100 ms, upper limit ~110 ms) on which the guideline "
            "thresholds were set; the 3-lead reference also scatters least from beat to beat. Error = ours - "
            "reference (negative: earlier). Duration MAE compares each record's median QRS duration with the "
            f"reference median. CSE tolerances for the SD: onset {CSE_SD_MS['onset']} ms, offset "
            f"{CSE_SD_MS['offset']} ms.",
            "",
            "Per record: the median of a record's beat errors, then mean ± SD over the records. This is how the CSE "
            "tolerances are defined (one global measurement per record against the referees), and it takes out "
            "the reference's own beat-to-beat scatter: within a record our onsets are consistent (dominant beats "
            "share the record's onset relative to their aligned position), and our onset error still scatters "
            "around the record's mean by "
            + ", ".join(f"{within[k]:.1f} ms ({REFERENCES[k].split(':')[0]})" for k in REFERENCES)
            + " SD, mostly the annotators' beat-to-beat scatter; a method that reads every dominant beat alike "
            "cannot get a per-beat SD below that against the reference.",
            "",
            head,
            *rows,
            "",
            f"QRS duration of the {len(normal_durations['ours'])} LUDB records with no conduction abnormality and no "
            f"pacing (reference rank k = k-th earliest onset to k-th latest offset): {durations}. The same "
            "cardiologists called all of these records free of conduction delay.",
            "",
            "Records whose QRS lies on the other side of a guideline cut-off by ours than by the reference "
            "(record medians, all 200 records): "
            + "; ".join(
                f"{REFERENCES[k].split(':')[0]}: " + ", ".join(f"{c} ms: {n}" for c, n in scores[("ours", k, "all")].side_changes().items())
                for k in (3, 2)
            )
            + ".",
            "",
            "Before issue 16 (leads combined instant by instant, the third-largest slope of 12; main 0549f91), the "
            "same run read, per record against the 3-lead reference: onset -3.1 ± 6.2, offset -0.1 ± 7.1 ms, "
            "duration MAE 7.9 ms; normal records median 106 ms, 40 % > 110 ms; records changing side, 3 leads: "
            "120 ms: 28, 130 ms: 11, 150 ms: 6; 2 leads: 120 ms: 40, 130 ms: 16, 150 ms: 7.",
            "",
            _seconds_line(),
            "",
            "Command: `python -m benchmarks bench_delineation`",
        ]
    )


def _seconds_line() -> str:
    return f"Seconds: each method's time inside the record tasks (R-peaks and delineation), on {machine.cpu()}."


def _cv_sentence() -> str:
    """What the recorded cross-validation of the delineation's parameters chose and is worth out of fold."""
    cv = json.loads(delineation_cv.OUT.read_text())
    oof = cv["out_of_fold"]
    figures = "; ".join(
        f"{db} onset {oof[db]['onset_mean_sd_ms'][0]:+.1f} ± {oof[db]['onset_mean_sd_ms'][1]:.1f}, offset "
        f"{oof[db]['offset_mean_sd_ms'][0]:+.1f} ± {oof[db]['offset_mean_sd_ms'][1]:.1f} ms" for db in oof
    )
    best = cv["best_on_all"][0]
    lead, se = cv["best_lead_over_shipped_ms"]
    kept = "kept" if cv["chosen_on_all"] == cv["shipped"] else "replaced"
    return (
        f"its parameters were chosen by {cv['folds']}-fold cross-validation by record over these "
        f"{cv['records']['LUDB']} records (against the 3-lead reference) and the QT Database subset below "
        f"together, over {np.prod([len(v) for v in cv['grid'].values()])} candidates (`{cv['command']}`, "
        f"`benchmarks/delineation_cv.json`), out-of-fold per-record errors: {figures}. The best candidate on all "
        f"records (lead fraction {best['lead_fraction']}, lead rank {tuple(best['lead_rank'])}) is {lead:.2f} ms "
        f"ahead on the criterion with a standard error of {se:.2f} ms: the shipped parameters are {kept} "
        "(one-standard-error rule)."
    )


def _qtdb_section(data: Path) -> str:
    qtdb = data / "qtdb"
    names = (qtdb / "RECORDS").read_text().split()
    scores = {"ours": _Score(), "neurokit2": _Score()}
    # the records a second cardiologist marked too: the two cardiologists against each other, and ours against each
    doubly = {"second": _Score(), "ours_first": _Score(), "ours_second": _Score()}
    doubly_names = []
    for name, run in zip(names, run_all(_qtdb_task, [qtdb / f"{name}.hea" for name in names], workers=WORKERS,
                                        what="QTDB delineation")):
        for method in scores:
            (r, on, off), spent = run[method]
            scores[method].seconds += spent
            scores[method].add(run["ref"], r, on, off, run["fs"])
        if run["second"] is not None:
            doubly_names.append(name)
            second, (r, on, off) = run["second"], run["ours"][0]
            doubly["second"].add(run["ref"], second[:, 0], second[:, 1], second[:, 2], run["fs"])
            doubly["ours_first"].add(run["ref"], r, on, off, run["fs"])
            doubly["ours_second"].add(second, r, on, off, run["fs"])
    head = (
        "| method | beats scored / marked | per beat: onset error ms (mean ± SD) | per beat: offset error ms "
        "| median abs error on / off ms | beats with both within 10 ms | per record: onset error ms (mean ± SD) "
        "| per record: offset error ms | QRS-duration MAE ms (records) | seconds |\n"
        "|---|---|---|---|---|---|---|---|---|---|"
    )
    ours = scores["ours"]
    within_on, within_off = np.std(ours.within_on), np.std(ours.within_off)
    return "\n".join(
        [
            f"## QRS delineation (QT Database subset: {len(names)} records, 2 leads, 250 Hz)",
            "",
            "The development third of the QT Database (`../shared/data/qtdb`; the other 70 records are held out "
            "elsewhere): 15-min two-lead Holter excerpts from seven databases, with one cardiologist's QRS onset and "
            "offset (`q1c`) on ~30 beats per record, each marked once with both leads in view. Ours reads the "
            "whole record; neurokit2 the first signal on the marked stretch +/- 10 s. Targets (issue 16): "
            "onset and offset mean error within +/- 5 ms, SD <= 8 ms (onset) and <= 12 ms (offset) per beat, "
            "QRS-duration MAE <= 10 ms, >= 99 % of marked beats delineated. Our onset error scatters "
            f"{within_on:.1f} ms SD around each record's own mean: the cardiologist's beat-to-beat scatter on beats "
            "that look alike and that we read alike (reading each beat on its own scatters more, ~10 ms), so a "
            "per-beat onset SD of 8 ms would need every record's mean error within ~3 ms of the others'. The "
            f"marks' own scatter: the cardiologist's QRS durations of the marked beats of one record have an SD of "
            f"{np.median(ours.ref_dur_sd):.1f} ms (median over the records), and within a record our onset and offset "
            f"errors correlate by {np.mean(ours.within_corr):+.2f} on average (a misaligned beat of ours would move "
            f"both the same way); with every record's mean error at 0, the per-beat SDs would still be "
            f"{within_on:.1f} ms (onset) and {within_off:.1f} ms (offset).",
            "",
            "Before issue 16 (main 0549f91) the same run read: onset -9.3 ± 10.5, offset +11.8 ± 13.1 ms per beat "
            "(per record -9.2 ± 6.6 / +12.7 ± 9.2), duration MAE 22.2 ms, 1133/1133 beats: the union of the two "
            "leads' QRS, ~20 ms long.",
            "",
            head,
            scores["ours"].row("ours: 2-lead global"),
            scores["neurokit2"].row("neurokit2 dwt, first signal"),
            "",
            _second_cardiologist(doubly, doubly_names, head),
            "",
            _seconds_line(),
            "",
            "Command: `python -m benchmarks bench_delineation`",
        ]
    )


def _second_cardiologist(doubly: dict[str, _Score], names: list[str], head: str) -> str:
    """What the per-beat targets mean: on the records a second cardiologist also marked, how far the two
    cardiologists differ beat by beat, beside ours against each of them."""
    if not names:
        return "No record of this subset carries a second cardiologist's marks."
    def errors(score: _Score) -> str:
        return (f"{np.mean(score.on):+.1f} ± {np.std(score.on):.1f} ms (onset) and {np.mean(score.off):+.1f} ± "
                f"{np.std(score.off):.1f} ms (offset)")

    second = doubly["second"]
    return "\n".join([
        f"**Two cardiologists** ({', '.join(names)}: the records here that a second cardiologist also marked, "
        f"`{QTDB_SECOND}`): per beat, the second's marks differ from the first's by {errors(second)}, on "
        f"{len(second.on)} beats: the targets' per-beat SDs (8 and 12 ms) are about the spread between two "
        f"cardiologists' marks of the same beats. On these records ours differs from the first cardiologist by "
        f"{errors(doubly['ours_first'])} and from the second by {errors(doubly['ours_second'])}. "
        f"{len(names)} records are a small sample; the table scores each against the first cardiologist "
        "(the reference above) unless it says so.",
        "",
        head,
        second.row("second cardiologist (q2c)", timed=False),
        doubly["ours_first"].row("ours: 2-lead global", timed=False),
        doubly["ours_second"].row("ours, against the second cardiologist", timed=False),
    ])


def _ptbxl_section(data: Path) -> str:
    import ast
    import csv

    rows = []
    with open(data / "ptbxl" / "ptbxl_database.csv", newline="") as f:
        for row in csv.DictReader(f):
            codes = set(ast.literal_eval(row["scp_codes"]))
            path = data / "ptbxl" / f"{row['filename_hr']}.hea"
            if "NORM" in codes and path.exists():
                rows.append((path, codes <= {"NORM", "SR"}))
    found = {True: [], False: []}  # NORM-only -> [(label, qrs)]
    measured = run_all(_ptbxl_task, [path for path, _ in rows], workers=WORKERS, what="PTB-XL delineation")
    for (_, only), label_qrs in zip(rows, measured):
        found[only].append(label_qrs)

    def line(items: list[tuple[str, float | None]], what: str) -> str:
        qrs = np.array([q for _, q in items if q is not None])
        ivcd = sum(1 for label, _ in items if label == "IVCD")
        return (f"| {what} | {len(items)} | {ivcd} ({ivcd / max(len(items), 1):.0%}) | {np.median(qrs):.0f} "
                f"| {np.percentile(qrs, 90):.0f} | {np.mean(qrs > 110):.0%} |")

    return "\n".join(
        [
            "## QRS duration on PTB-XL's normal ECGs (12 leads, 500 Hz)",
            "",
            "PTB-XL records 1-500 with the NORM statement; NORM-only: NORM and sinus rhythm (SR) are their only "
            "statements. Healthy adults' automated global QRS: median ~90-100 ms, upper limit ~110 ms; IVCD is "
            "our label for QRS > 110 ms without a bundle-branch pattern. Targets (issue 16): NORM-only called IVCD "
            "<= 10 %, their median QRS <= 100 ms.",
            "",
            "| records | n | called IVCD | median QRS ms | 90th percentile ms | QRS > 110 ms |",
            "|---|---|---|---|---|---|",
            line(found[True], "NORM-only (NORM, SR)"),
            line(found[True] + found[False], "all with NORM"),
            "",
            "Before issue 16 (main 0549f91): NORM-only 64 of 247 called IVCD (26 %), median 102 ms; all with NORM "
            "80 of 297 (27 %). Why the target is not met: our 12-lead reading agrees with LUDB's 3-lead "
            "reference, and that reference itself puts 29 % of LUDB's 130 normal records above 110 ms (ours: 28 %, "
            "section above); the same reading calls a quarter of PTB-XL's normals IVCD. Meeting the target would "
            "take reading every 12-lead QRS ~8 ms shorter (measured: 8 ms off these durations leaves 9 % over "
            "110 ms), i.e. well inside LUDB's cardiologists' 3-lead marks, which the cross-validation against "
            "them does not choose.",
            "",
            "Command: `python -m benchmarks bench_delineation`",
        ]
    )


def _ludb_meta(csv_path: Path) -> dict[int, tuple[bool, bool]]:
    """LUDB record -> (ventricular pacing, no conduction abnormality and no pacing)."""
    import csv

    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for row in rows:
        paced = "ventricular pacing" in row["Cardiac pacing"].lower()
        out[int(row["ID"])] = (paced, not paced and not row["Conduction abnormalities"].strip() and not row["Cardiac pacing"].strip())
    return out
