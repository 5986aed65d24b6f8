"""Cart formats: read time beside the other readers, our QRS against the cart's, and the fuzz counts."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.mutants import SLOW_S, cart_files, run_mutants, summary
from ecgcrt_gui.core.analysis import analyze
from ecgcrt_gui.core.guidelines.engine import ClinicalInputs
from ecgcrt_gui.core.io import read

REPEATS = 7
FUZZ_MUTANTS = 1200
FUZZ_SEED = 11


def _reference_files(data: Path) -> list[tuple[str, Path]]:
    """10-s 12-lead records in the formats the app read before (EDF and DICOM from the test fixtures)."""
    from pydicom.data import get_testdata_file

    root = Path(__file__).resolve().parent.parent
    return [("WFDB (PTB-XL 00001, 12 x 5000)", data / "ptbxl" / "records500" / "00000" / "00001_hr.hea"),
            ("EDF+ (LUDB 1, 12 x 5000)", root / "tests" / "fixtures" / "io" / "ludb1_10s.edf"),
            ("DICOM (pydicom example, 12 x 10000)", Path(get_testdata_file("waveform_ecg.dcm")))]


def _read_ms(path: Path) -> float:
    read(path)  # warm: imports and the file in the page cache
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        read(path)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def _csv_copy(data: Path, folder: Path) -> Path:
    record = read(data / "ptbxl" / "records500" / "00000" / "00001_hr.hea")
    path = folder / "00001_hr.csv"
    rows = ["time," + ",".join(record.leads)]
    rows += [f"{i / record.fs:.4f}," + ",".join(f"{v:.4f}" for v in row) for i, row in enumerate(record.signal)]
    path.write_text("\n".join(rows) + "\n")
    return path


def run(data: Path) -> str:
    carts = [p for p in cart_files(data / "formats") if not p.name.startswith("invalid-")]
    lines = [
        "## Cart formats: GE MUSE, Philips, HL7 aECG, SCP-ECG",
        "",
        f"Read time through `core.io.read` (median of {REPEATS}, after one warm read; ecgdatakit decodes the cart "
        "formats), beside the readers the app had. Command: `python -m benchmarks bench_formats`.",
        "",
        "| file | format | leads (derived) | samples | read ms |",
        "|---|---|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for path in carts:
            record = read(path)
            lines.append(f"| {path.parent.name}/{path.name} | {record.format} | {len(record.leads)} "
                         f"({len(record.derived_leads)}) | {record.n_samples} | {_read_ms(path):.1f} |")
        for name, path in _reference_files(data) + [("CSV (PTB-XL 00001 as text)", _csv_copy(data, Path(tmp)))]:
            record = read(path)
            lines.append(f"| {name} | {record.format} | {len(record.leads)} | {record.n_samples} | "
                         f"{_read_ms(path):.1f} |")
    lines += [
        "",
        "Our global QRS duration (median over the dominant beats, all leads) against the cart's own, as the file "
        "states it. The cart is not truth: these are differences between two measurements, per file.",
        "",
        "| file | cart | QRS ours ms | QRS cart ms | ours - cart ms | our morphology | cart's statements name |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for path in carts:
        record = read(path)
        a = analyze(record, ClinicalInputs(), predict=False)
        cart = record.device_reading
        ours = a.delineation.qrs_duration_ms
        theirs = cart.qrs_duration_ms if cart else None
        diff = f"{ours - theirs:+.0f}" if ours is not None and theirs is not None else "–"
        source = " (from wave boundaries)" if cart and "qrs_duration_ms" in cart.from_wave_boundaries else ""
        lines.append(f"| {path.name} | {cart.system if cart else '–'} | {_ms(ours)} | {_ms(theirs)}{source} | {diff} "
                     f"| {a.morphology.label} | {', '.join(cart.patterns) if cart and cart.patterns else '–'} |")
    with tempfile.TemporaryDirectory() as tmp:
        outcomes = run_mutants(cart_files(data / "formats"), FUZZ_MUTANTS, FUZZ_SEED, Path(tmp))
    fuzz = summary(outcomes)
    by_kind = {kind: [o for o in outcomes if o.kind == kind] for kind in dict.fromkeys(o.kind for o in outcomes)}
    lines += [
        "",
        f"Robustness: {fuzz['mutants']} mutants (seed {FUZZ_SEED}) of the {len(cart_files(data / 'formats'))} real "
        "files, the two malformed Philips files included (tests/test_io_fuzz.py runs the same, `-m slow`): every "
        f"mutant read as a valid record or refused with EcgReadError; limit {SLOW_S:.0f} s each.",
        "",
        "| damage | mutants | read | refused | other exception | slowest s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, group in by_kind.items():
        part = summary(group)
        lines.append(f"| {kind} | {part['mutants']} | {part['read']} | {part['refused']} | {part['crash']} "
                     f"| {part['slowest_s']:.2f} |")
    lines.append(f"| all | {fuzz['mutants']} | {fuzz['read']} | {fuzz['refused']} | {fuzz['crash']} "
                 f"| {fuzz['slowest_s']:.2f} |")
    return "\n".join(lines) + "\n"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"
