"""Every sentence an assessment and its report hold, on real records, reads as written for a clinician.

The analysis runs on real ECGs (PTB-XL subset and LUDB, 12 leads; MIT-BIH, 2 leads) with a spread of
clinical inputs; every human-readable string of the assessment (criteria, notes, warnings, guideline
reasons), the CLI's text summary and the PDF report's text (extracted with pypdf) go through
`core.text.text_problems`: no None, nan, brackets, quotes, snake_case names or float noise. The default
run checks a fixed set of telling records plus a seeded sample and the cart exports; `-m slow` checks every 12-lead record
and five whole MIT-BIH records. predict=False: the networks write no text of their own beyond what the
GUI test (tests/gui/test_text_in_window.py) checks with a prediction on screen.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from pathlib import Path

import pypdf
import pytest

from ecgcrt_gui.cli import summary
from ecgcrt_gui.core import io
from ecgcrt_gui.core.analysis import analyze
from ecgcrt_gui.core.assessment import readable_texts
from ecgcrt_gui.core.guidelines.engine import ClinicalInputs
from ecgcrt_gui.core.record import EcgRecord
from ecgcrt_gui.core.report import write_pdf
from ecgcrt_gui.core.text import text_problems

# What the clinician may have entered: nothing, a typical CRT candidate, AF, a woman with mid-range LVEF.
INPUTS = (
    ClinicalInputs(),
    ClinicalInputs(lvef=28, nyha=3, rhythm="sinus"),
    ClinicalInputs(lvef=33, nyha=2, rhythm="af", sex="M"),
    ClinicalInputs(lvef=45, nyha=4, rhythm="sinus", sex="F", pacing_indication=True),
    ClinicalInputs(lvef=25, nyha=1),
)
# LBBB, RBBB, paced, IVCD, normal, each from both 12-lead databases where it has one.
TELLING = ("ptbxl:00180", "ptbxl:00172", "ptbxl:00143", "ptbxl:00049", "ptbxl:00002",
           "ludb:83", "ludb:23", "ludb:34", "ludb:1")
MITDB = ("100", "109", "118", "107", "232")  # normal, LBBB, RBBB, paced, RBBB with long pauses
SAMPLE = 8


def _twelve_lead(data: Path) -> list[str]:
    ptbxl = sorted((data / "ptbxl" / "records500").glob("*/*_hr.hea"))
    ludb = sorted((data / "ludb" / "data").glob("*.hea"), key=lambda p: int(p.stem))
    return [f"ptbxl:{p.stem[:5]}" for p in ptbxl] + [f"ludb:{p.stem}" for p in ludb]


def _read(data: Path, name: str, seconds: float | None = None) -> EcgRecord:
    db, stem = name.split(":")
    path = {"ptbxl": lambda: next((data / "ptbxl" / "records500").glob(f"*/{stem}_hr.hea")),
            "ludb": lambda: data / "ludb" / "data" / f"{stem}.hea",
            "mitdb": lambda: data / "mitdb" / f"{stem}.hea",
            "formats": lambda: data / "formats" / stem}[db]()
    record = io.read(path)
    if seconds is not None:
        record = dataclasses.replace(record, signal=record.signal[: int(seconds * record.fs)])
    return record


def _texts(record: EcgRecord, inputs: ClinicalInputs, pdf: Path) -> list[tuple[str, str]]:
    """(where, text) for everything a person reads of this record's assessment."""
    result = analyze(record, inputs, predict=False).to_json()
    texts = readable_texts(result)
    texts.append(("CLI summary", summary(result)))
    write_pdf(result, record, pdf)
    texts += [(f"report page {i + 1}", page.extract_text()) for i, page in enumerate(pypdf.PdfReader(pdf).pages)]
    return texts


def _check(data: Path, names: list[str], tmp_path: Path, seconds: float | None = None) -> None:
    problems: dict[str, list[str]] = {}
    kinds: Counter[str] = Counter()
    n_texts = 0
    for i, name in enumerate(names):
        record = _read(data, name, seconds)
        allow = [Path(record.path).name, record.path]  # the file's own name is data, not our wording
        for where, text in _texts(record, INPUTS[i % len(INPUTS)], tmp_path / "report.pdf"):
            n_texts += 1
            for p in text_problems(text, allow=allow):
                kinds[p.split(":")[0]] += 1
                problems.setdefault(p.split(" in …")[0] + f" ({where})", []).append(name)
    print(f"checked {n_texts} texts of {len(names)} records")
    assert n_texts >= 5 * len(names)
    assert not problems, (f"{sum(kinds.values())} problems in {n_texts} texts of {len(names)} records {dict(kinds)}:\n"
                          + "\n".join(f"{k}: {v[:3]}{' …' if len(v) > 3 else ''}" for k, v in list(problems.items())[:40]))


def test_telling_records_and_a_seeded_sample_read_clean(data, tmp_path):
    rest = sorted(set(_twelve_lead(data)) - set(TELLING))
    names = list(TELLING) + random.Random(18).sample(rest, SAMPLE)
    _check(data, names, tmp_path)


def test_cart_exports_read_clean(data, tmp_path):
    """The cart formats, whose own reading (and any disagreement with ours) is shown beside ours."""
    names = [f"formats:{p.relative_to(data / 'formats')}" for p in sorted((data / "formats").glob("*/*"))
             if p.suffix.lower() in (".xml", ".scp") and not p.name.startswith("invalid")]
    assert len(names) >= 6
    _check(data, names, tmp_path)


def test_a_two_lead_mitdb_minute_reads_clean(data, tmp_path):
    _check(data, ["mitdb:109", "mitdb:107"], tmp_path, seconds=60.0)


def test_batch_summary_and_table_text_read_clean(data, tmp_path):
    """`ecgcrt batch` and File > Analyse a folder: the summary, each row's status (a reason where the
    file could not be used), the guideline reasons and the warnings, for good and bad files alike."""
    from ecgcrt_gui.core.batch.inputs import BatchItem
    from ecgcrt_gui.core.batch.run import run_batch
    from ecgcrt_gui.core.batch.task import AnalysisOptions

    garbage = tmp_path / "garbage.edf"
    garbage.write_bytes(b"0       " + bytes(range(256)))
    paths = [data / "ludb" / "data" / "34.hea", data / "ptbxl" / "records500" / "00000" / "00180_hr.hea",
             tmp_path / "missing.hea", garbage]
    items = [BatchItem(str(p), {"lvef": 28, "nyha": 3}) for p in paths]
    summary = run_batch(items, tmp_path / "table.csv", options=AnalysisOptions(predict=False), workers=1)
    assert summary.ok == 2 and summary.done == 4
    texts = [("summary", summary.text())]
    for row in summary.rows:
        texts += [(f"batch {key}", str(row[key])) for key in row  # None: an empty cell in the table
                  if row[key] is not None and (key in ("status", "warnings") or key.endswith("_reason"))]
    assert sum(where.endswith("_reason") for where, _ in texts) == 6
    allow = [str(tmp_path)] + [p.name for p in paths]
    problems = [f"{where}: {p}" for where, text in texts for p in text_problems(text, allow=allow)]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_every_twelve_lead_record_reads_clean(data, tmp_path):
    names = _twelve_lead(data)
    assert len(names) >= 700
    _check(data, names, tmp_path)


@pytest.mark.slow
def test_whole_mitdb_records_read_clean(data, tmp_path):
    _check(data, [f"mitdb:{r}" for r in MITDB], tmp_path)
