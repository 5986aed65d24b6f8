"""`ecgcrt batch` and the batch engine on real records: inputs, statuses, resume, workers, Dask, columns."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from ecgcrt_gui.cli import main
from ecgcrt_gui.core.batch import columns
from ecgcrt_gui.core.batch.inputs import BatchInputError, BatchItem, expand
from ecgcrt_gui.core.batch.run import run_batch
from ecgcrt_gui.core.batch.table import journal_path, read_table
from ecgcrt_gui.core.batch.task import AnalysisOptions
from ecgcrt_gui.core.support.resources import DEMO_ECG

DOCS = Path(__file__).resolve().parent.parent / "docs" / "BATCH_COLUMNS.md"
NO_NETWORKS = AnalysisOptions(predict=False, device="cpu")


def _rows(path: Path) -> list[dict]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def _noise_csv(path: Path) -> Path:
    """12 s of noise: beats are 'found', but no QRS can be delineated."""
    t = np.arange(0, 12, 1 / 250)
    x = np.random.default_rng(0).normal(size=t.size) * 0.2
    path.write_text("time,I,II\n" + "".join(f"{a:.4f},{b:.4f},{0.8 * b:.4f}\n" for a, b in zip(t, x)))
    return path


def _folder(tmp_path: Path, ludb: Path) -> Path:
    """A folder tree of linked LUDB records (read in place), nested, with a stray file."""
    root = tmp_path / "ecgs"
    (root / "sub").mkdir(parents=True)
    for n, where in ((10, root), (2, root), (3, root / "sub")):
        for ext in (".hea", ".dat"):
            (where / f"{n}{ext}").symlink_to(ludb / f"{n}{ext}")
    (root / ".hidden.hea").write_text("x")
    (root / "notes.pdf").write_text("not an ECG")
    return root


def test_columns_match_the_documented_set(tmp_path):
    assert DOCS.read_text() == columns.markdown(), "regenerate: python -m ecgcrt_gui.core.batch.columns > docs/BATCH_COLUMNS.md"
    assert len(set(columns.NAMES)) == len(columns.NAMES) and columns.NAMES[:4] == ("schema", "path", "file_sha256", "status")
    out = tmp_path / "t.csv"
    run_batch([BatchItem(str(DEMO_ECG))], out, options=NO_NETWORKS, workers=1)
    with open(out, newline="") as fh:
        assert tuple(next(csv.reader(fh))) == columns.NAMES


def test_every_criterion_of_a_reading_has_its_column(tmp_path):
    from ecgcrt_gui.core.analysis import analyze
    from ecgcrt_gui.core.guidelines.engine import ClinicalInputs
    from ecgcrt_gui.core.io import read
    from ecgcrt_gui.core.morphology.labels import CRITERIA

    result = analyze(read(DEMO_ECG), ClinicalInputs(), predict=False)
    assert tuple(result.morphology.criteria) == CRITERIA


def test_folder_search_finds_each_record_once_in_natural_order(tmp_path, ludb):
    root = _folder(tmp_path, ludb)
    items = expand([root])
    assert [Path(i.path).relative_to(root).as_posix() for i in items] == ["2.hea", "10.hea", "sub/3.hea"]


def test_folder_search_uses_the_readers_extensions(tmp_path, monkeypatch):
    import importlib

    sniff = importlib.import_module("ecgcrt_gui.core.io.sniff")  # the readers' extension table
    (tmp_path / "a.xyz").write_text("x")
    assert expand([tmp_path]) == []
    monkeypatch.setitem(sniff.EXTENSIONS, ".xyz", "csv")  # a format core/io learns is found at once
    assert [Path(i.path).name for i in expand([tmp_path])] == ["a.xyz"]


def test_cohort_csv_feeds_each_rows_guidelines(tmp_path, ludb):
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("\n".join([
        "# a hospital's list",
        "record,lvef,nyha,sex,rhythm,response",
        f"{DEMO_ECG},30,3,F,sinus,1",
        f"{ludb / '1'},45,2,,af,0",           # a WFDB record by its name
        "missing.hea,30,3,,,1",
        f"{ludb / '2.hea'},200,3,,,1",         # LVEF out of range
    ]) + "\n")
    items = expand([cohort], {"nyha": 4})
    assert items[0].inputs == {"lvef": 30.0, "nyha": 3, "sex": "F", "rhythm": "sinus"}
    assert items[1].inputs == {"lvef": 45.0, "nyha": 2, "rhythm": "af"} and items[1].path.endswith("1.hea")
    assert "row 3" in items[2].problem and "not found" in items[2].problem
    assert "row 4" in items[3].problem and "lvef" in items[3].problem
    out = tmp_path / "t.csv"
    summary = run_batch(items, out, options=NO_NETWORKS, workers=1)
    rows = _rows(out)
    assert [r["status"] for r in rows][2:] == [items[2].problem, items[3].problem] and summary.ok == 2
    demo = rows[0]
    # PTB-XL's complete LBBB, 158 ms, LVEF 30 %, NYHA III, sinus: class I in all three guidelines
    assert (demo["morphology"], demo["input_lvef"], demo["input_rhythm"]) == ("LBBB", "30.0", "sinus")
    assert (demo["esc2021_class"], demo["acc2012_class"], demo["hrs2023_class"]) == ("I", "I", "I")
    assert rows[1]["input_rhythm"] == "af" and rows[1]["input_nyha"] == "2"


def test_bad_files_get_their_status_and_good_rows_are_complete(tmp_path, ludb):
    bad = tmp_path / "garbage.edf"
    bad.write_bytes(b"0       " + os.urandom(300))
    noise = _noise_csv(tmp_path / "noise.csv")
    paths = [ludb / "1.hea", tmp_path / "missing.hea", bad, noise, DEMO_ECG]
    out = tmp_path / "t.csv"
    assert main(["batch", *map(str, paths), "--out", str(out), "--workers", "1"]) == 0
    rows = _rows(out)
    assert [Path(r["path"]).name for r in rows] == [p.name for p in paths]
    status = [r["status"] for r in rows]
    assert status[0] == status[4] == "ok"
    assert "does not exist" in status[1]
    assert "could not be read" in status[2] or "EDF" in status[2]
    assert status[3] == "QRS duration not measurable" and rows[3]["n_beats"] not in ("", "0")
    for good in (rows[0], rows[4]):  # every measurement and the prediction are there
        for name in ("file_sha256", "n_beats", "heart_rate_bpm", "beats_N", "qrs_duration_ms", "morphology",
                     "crit_strauss_qrs", "p_response", "prediction", "model_sha256", "esc2021_reason"):
            assert good[name] != "", name
    assert rows[4]["p_response"] and 0 <= float(rows[4]["p_response"]) <= 1
    assert not journal_path(out).exists()


def test_exit_2_when_nothing_can_be_read_or_arguments_are_wrong(tmp_path, capsys):
    out = tmp_path / "t.csv"
    assert main(["batch", str(tmp_path / "a.hea"), str(tmp_path / "b.edf"), "--out", str(out), "--workers", "1"]) == 2
    assert "no ECG could be read" in capsys.readouterr().err and len(_rows(out)) == 2
    assert main(["batch", str(DEMO_ECG), "--out", str(out)]) == 2  # exists, neither --resume nor --overwrite
    assert "--resume" in capsys.readouterr().err
    assert main(["batch", str(DEMO_ECG), "--out", str(tmp_path / "no" / "t.csv")]) == 2
    with pytest.raises(BatchInputError):
        expand([DEMO_ECG], {"lvef": 200})


def test_resume_after_an_interruption_equals_an_uninterrupted_run(tmp_path, ludb):
    items = expand([ludb / f"{n}.hea" for n in range(1, 7)])
    whole = tmp_path / "whole.csv"
    run_batch(items, whole, options=NO_NETWORKS, workers=1)
    part = tmp_path / "part.csv"
    done = []
    summary = run_batch(items, part, options=NO_NETWORKS, workers=1, progress=lambda n, _: done.append(n),
                        cancelled=lambda: len(done) > 3)
    assert summary.interrupted and 0 < len(_rows(part)) < len(items)
    computed = []
    summary = run_batch(items, part, options=NO_NETWORKS, workers=1, resume=True,
                        on_result=lambda i, _: computed.append(i))
    assert not summary.interrupted and summary.resumed == 3 and computed == [3, 4, 5]
    assert part.read_bytes() == whole.read_bytes()


def test_resume_reads_a_killed_runs_journal_and_redoes_changed_files(tmp_path, ludb):
    (tmp_path / "e").mkdir()
    for n in (1, 2):
        for ext in (".hea", ".dat"):
            (tmp_path / "e" / f"{n}{ext}").write_bytes((ludb / f"{n}{ext}").read_bytes())
    items = expand([tmp_path / "e"])
    out = tmp_path / "t.csv"
    first = run_batch(items, out, options=NO_NETWORKS, workers=1)
    journal_path(out).write_text("".join(__import__("json").dumps(r) + "\n" for r in first.rows))
    out.unlink()  # as if killed before the table was written
    again = run_batch(items, out, options=NO_NETWORKS, workers=1, resume=True)
    assert again.resumed == 2
    dat = tmp_path / "e" / "2.dat"
    dat.write_bytes(dat.read_bytes()[::-1])  # the file changed: its row is computed again
    computed = []
    run_batch(items, out, options=NO_NETWORKS, workers=1, resume=True, on_result=lambda i, _: computed.append(i))
    assert computed == [1]


def test_worker_count_does_not_change_the_table(tmp_path, ludb):
    items = expand([ludb / f"{n}.hea" for n in (1, 2, 3, 4)] + [DEMO_ECG, tmp_path / "missing.hea"])
    options = AnalysisOptions(device="cpu")
    one, two = tmp_path / "one.csv", tmp_path / "two.parquet"
    run_batch(items, one, options=options, workers=1)
    summary = run_batch(items, two, options=options, workers=2)
    assert summary.workers == 2 and summary.peak_rss_mb > 100
    assert read_table(two) == read_table(one)  # Parquet and CSV alike, value for value
    assert read_table(one)[4]["p_response"] is not None


def test_dask_local_cluster_gives_the_local_table(tmp_path, ludb):
    distributed = pytest.importorskip("distributed")
    items = expand([ludb / "1.hea", tmp_path / "missing.hea", DEMO_ECG])
    local = tmp_path / "local.csv"
    run_batch(items, local, options=AnalysisOptions(device="cpu"), workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        out = tmp_path / "dask.csv"
        summary = run_batch(items, out, options=AnalysisOptions(device="cpu"), dask=cluster.scheduler_address)
        assert summary.backend.startswith("Dask") and out.read_bytes() == local.read_bytes()
        # resume on the cluster: nothing left to compute
        computed = []
        run_batch(items, out, options=AnalysisOptions(device="cpu"), dask=cluster.scheduler_address, resume=True,
                  on_result=lambda i, _: computed.append(i))
        assert computed == [] and out.read_bytes() == local.read_bytes()


def test_ctrl_c_keeps_finished_rows_and_resume_finishes(tmp_path, ludb):
    inputs = [str(ludb / f"{n}.hea") for n in range(1, 41)]
    out = tmp_path / "t.csv"
    cmd = [sys.executable, "-m", "ecgcrt_gui.cli", "batch", *inputs, "--out", str(out), "--workers", "2", "--no-predict"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if journal_path(out).exists() and journal_path(out).read_text().count("\n") >= 2:
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the batch finished before the interrupt")
    assert proc.returncode == 130 and "Traceback" not in err
    kept = _rows(out)
    assert 2 <= len(kept) < len(inputs) and all(r["status"] == "ok" for r in kept)
    assert main(["batch", *inputs, "--out", str(out), "--workers", "1", "--no-predict", "--resume"]) == 0
    final = {r["path"]: r for r in _rows(out)}
    assert [r["path"] for r in _rows(out)] == inputs and all(final[r["path"]] == r for r in kept)



def test_the_table_carries_the_qrs_spread_and_the_cut_offs_inside_it(ludb):
    """LUDB 127 (complete LBBB, beats spread across 150 ms; see tests/test_delineate.py): with LVEF 30 %,
    NYHA III, the row names the spread, the 150 ms cut-off inside it and ESC 2021's sentence saying so."""
    from ecgcrt_gui.core import io
    from ecgcrt_gui.core.analysis import analyze
    from ecgcrt_gui.core.guidelines.engine import ClinicalInputs

    out = analyze(io.read(ludb / "127.hea"), ClinicalInputs(lvef=30, nyha=3, rhythm="sinus"), predict=False).to_json()
    row = columns.flatten(out, path="127.hea", file_sha256=None, status=columns.OK)
    assert [row["qrs_iqr_low_ms"], row["qrs_iqr_high_ms"]] == out["qrs_duration_iqr_ms"]
    assert row["qrs_iqr_low_ms"] < 150 <= row["qrs_iqr_high_ms"]
    assert "150" in row["qrs_cutoffs_within_iqr"].split("; ")
    esc = next(g for g in out["guidelines"] if g["name"] == "esc2021")
    assert row["esc2021_qrs_uncertainty"] == esc["qrs_uncertainty"] and "150 ms" in row["esc2021_qrs_uncertainty"]
    # a record whose spread holds no cut-off leaves those cells empty
    demo = columns.flatten(analyze(io.read(DEMO_ECG), ClinicalInputs(), predict=False).to_json(), path="demo",
                           file_sha256=None, status=columns.OK)
    assert demo["qrs_iqr_low_ms"] is not None and demo["qrs_cutoffs_within_iqr"] is None
    assert demo["qrs_basis"] is None  # predict=False: no classifier, every beat without a basis named
