"""Command line: `ecgcrt analyze PATH ...` prints a readable summary or the assessment as JSON;
`ecgcrt batch INPUT... --out TABLE` analyses many ECGs into one table (batch_cli.py)."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from ecgcrt_gui import __version__
from ecgcrt_gui.core.assessment import left_out_words
from ecgcrt_gui.core.batch.columns import TABLE_SCHEMA
from ecgcrt_gui.core.io.sniff import FORMATS
from ecgcrt_gui.core.morphology.labels import STATUS_WORDS
from ecgcrt_gui.core.text import beats_averaged, english_list, seconds, whole_ms

NOTICE = "For research use; not a medical device."

DESCRIPTION = f"""\
ECG-CRT {__version__}: reads an ECG, finds every beat, measures the QRS duration and the
bundle-branch-block morphology, runs the CRT-response model and evaluates the guideline
recommendations for cardiac resynchronization therapy. {NOTICE}
The bundled CRT model is a demonstration trained on real ECGs with simulated outcomes."""

ANALYZE_EPILOG = """\
examples:
  ecgcrt analyze patient.hea --lvef 30 --nyha 3 --sex F
  ecgcrt analyze patient.edf --json result.json --pdf report.pdf
  ecgcrt analyze export.csv --fs 500 --json -
  ecgcrt analyze muse_export.xml --json -

Formats: WFDB (.hea/.dat), EDF/EDF+, DICOM 12-lead waveform, GE MUSE XML, Philips Sierra XML
(1.03-1.04.02), HL7 aECG, SCP-ECG, CSV (one column per lead). The cart's own measurements and
statements in a cart export are reported beside ours as "device_reading", labelled as the cart's.
Exit status: 0 success; 2 when the ECG or the model file cannot be used (reason on stderr)."""



BATCH_EPILOG = f"""\
examples:
  ecgcrt batch /data/crt_ecgs --out results.csv
  ecgcrt batch cohort.csv --out results.parquet --json-dir assessments/
  ecgcrt batch a.hea b.edf c.xml --out t.csv --lvef 30 --nyha 3 --rhythm sinus
  ecgcrt batch /archive --out archive.csv --resume               (continue an interrupted run)
  ecgcrt batch /archive --out archive.csv --dask tcp://scheduler:8786

INPUT: ECG files, folders (searched recursively for every format the app reads) or a cohort CSV
(a `record` column; its lvef, nyha, sex and rhythm columns feed the guidelines of that row).
One row per ECG in input order; the columns are docs/BATCH_COLUMNS.md ({TABLE_SCHEMA}); a row's
`status` is `ok` or the reason the ECG could not be used. A bad file never stops the batch.
Exit status: 0 the batch ran (failures are in the table); 2 nothing could be read, or wrong
arguments; 130 stopped by Ctrl-C (finished rows kept: --resume continues)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecgcrt", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"ecgcrt {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    a = sub.add_parser("analyze", help="analyse one ECG file", description=DESCRIPTION,
                       epilog=ANALYZE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("path", help="the ECG file (for WFDB, the .hea file or the record name)")
    patient = _patient_options(a)
    patient.add_argument("--guideline", choices=["esc2021", "acc2012", "hrs2023"], action="append",
                         help="guideline to evaluate (repeatable; default: all three)")
    patient.add_argument("--morphology", choices=["LBBB", "RBBB", "IVCD", "normal"],
                         help="override the measured QRS morphology")
    _reading_and_model_options(a)
    out = a.add_argument_group("output")
    out.add_argument("--json", metavar="FILE", help="write the assessment as JSON ('-' for standard output)")
    out.add_argument("--pdf", metavar="FILE", help="write a PDF report")

    b = sub.add_parser("batch", help="analyse many ECGs into one table", description=DESCRIPTION,
                       epilog=BATCH_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("inputs", nargs="+", metavar="INPUT", help="ECG files, folders or cohort CSVs")
    b.add_argument("--out", required=True, metavar="TABLE", help="the results table: .csv, or .parquet (needs pyarrow)")
    b.add_argument("--json-dir", metavar="DIR", help="also write each ECG's full assessment JSON here")
    b.add_argument("--resume", action="store_true",
                   help="keep the rows TABLE already has (same path and file hash) and analyse the rest")
    b.add_argument("--overwrite", action="store_true", help="replace an existing TABLE")
    run = b.add_argument_group("where it runs")
    run.add_argument("--workers", type=_positive_int, metavar="N", help="worker processes (default: the machine's cores)")
    run.add_argument("--dask", metavar="ADDRESS", help="run on a Dask distributed scheduler, e.g. tcp://host:8786")
    _patient_options(b, "for every ECG; a cohort CSV's columns win for their row")
    _reading_and_model_options(b)
    return parser


def _patient_options(p: argparse.ArgumentParser, note: str = "") -> argparse._ArgumentGroup:
    title = "what the ECG cannot tell (for the guideline recommendation" + (f"; {note})" if note else ")")
    patient = p.add_argument_group(title)
    patient.add_argument("--lvef", type=_lvef, metavar="PERCENT", help="left-ventricular ejection fraction, %%")
    patient.add_argument("--nyha", type=_nyha, metavar="CLASS", help="NYHA class, 1 to 4")
    patient.add_argument("--sex", choices=["F", "M"], help="patient sex (default: from the file, if it says)")
    patient.add_argument("--rhythm", choices=["sinus", "af"], help="underlying rhythm: sinus or atrial fibrillation")
    _add_yes_no_inputs(patient)
    return patient


def _reading_and_model_options(p: argparse.ArgumentParser) -> None:
    reading = p.add_argument_group("reading the file")
    reading.add_argument("--fs", type=float, metavar="HZ", help="sampling rate, for CSV files without a time column")
    reading.add_argument("--format", dest="fmt", choices=FORMATS,
                         help="force the file format (default: detected from content and extension)")
    model = p.add_argument_group("the model")
    model.add_argument("--model", metavar="FILE", help="CRT weights (.pt beside its .json model card); default: bundled")
    model.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                       help="where the network runs (default: the GPU if usable, else the CPU)")
    model.add_argument("--no-predict", action="store_true", help="skip the networks: measurements and guidelines only")


def _clinical(args: argparse.Namespace) -> dict:
    """The ClinicalInputs fields the command line gives."""
    from ecgcrt_gui.core.guidelines.table import OPTIONAL_INPUTS

    return {"lvef": args.lvef, "nyha": args.nyha, "sex": args.sex, "rhythm": args.rhythm,
            **{name: True for name in OPTIONAL_INPUTS if getattr(args, name)}}


def _add_yes_no_inputs(group) -> None:
    """One flag per optional yes/no guideline input (absent means "no"); contradicting ones exclude
    each other."""
    from ecgcrt_gui.core.guidelines.table import EXCLUSIVE_INPUTS, OPTIONAL_INPUTS

    exclusive = {}
    for a, b in EXCLUSIVE_INPUTS:
        exclusive[a] = exclusive[b] = group.add_mutually_exclusive_group()
    for key, text in OPTIONAL_INPUTS.items():
        exclusive.get(key, group).add_argument(
            "--" + key.replace("_", "-"), action="store_true",
            help=text.replace("%", "%%"))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    warnings.filterwarnings("ignore")  # library chatter must not mix with the JSON on stdout
    if args.command == "batch":
        from ecgcrt_gui.batch_cli import run

        return run(args, _clinical(args))
    from ecgcrt_gui.core.analysis import analyze
    from ecgcrt_gui.core.guidelines.engine import ClinicalInputs
    from ecgcrt_gui.core.io import read
    from ecgcrt_gui.core.model.bundle import BundleError
    from ecgcrt_gui.core.record import EcgReadError
    from ecgcrt_gui.core.support.atomic import write_text

    try:
        record = read(args.path, fs=args.fs, fmt=args.fmt)
        inputs = ClinicalInputs(**{**_clinical(args), "sex": args.sex or record.meta.get("sex")})
        assessment = analyze(record, inputs, model_path=args.model, device=args.device,
                             morphology_override=args.morphology, predict=not args.no_predict)
    except EcgReadError as exc:
        return _fail(str(exc))
    except BundleError as exc:
        return _fail(f"model refused: {exc}")

    result = assessment.to_json()
    if args.guideline:
        result["guidelines"] = [g for g in result["guidelines"] if g["name"] in args.guideline]
    outputs = []
    if args.pdf:
        from ecgcrt_gui.core.report import write_pdf

        outputs.append((args.pdf, lambda: write_pdf(result, record, args.pdf)))
    if args.json and args.json != "-":
        outputs.append((args.json, lambda: write_text(args.json, json.dumps(result, indent=1) + "\n")))
    for target, write in outputs:
        try:
            write()
        except OSError as exc:
            print(f"ecgcrt: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    if args.json == "-":
        json.dump(result, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(summary(result))
    return 0


def summary(result: dict) -> str:
    """A few lines a clinician can read in a terminal."""
    rec = result["record"]
    lines = [f"{Path(rec['path']).name}: {rec['format']}, {len(rec['leads'])} leads, "
             f"{rec['fs']:g} Hz, {seconds(rec['duration_s'])}"]
    hr = result["heart_rate_bpm"]
    lines.append(f"beats: {len(result['rpeaks'])}" + (f", heart rate {hr:.0f} bpm" if hr else ""))
    qrs = result["qrs_duration_ms"]
    cart = result.get("device_reading") or {}
    cart_qrs = f" · {cart['qrs_duration_ms']:.0f} ms (cart)" if cart.get("qrs_duration_ms") is not None else ""
    iqr = result.get("qrs_duration_iqr_ms") if qrs is not None else None
    ours = (f"{whole_ms(qrs)} ms" if qrs is not None else "not measurable") + (" (ours)" if cart_qrs else "")
    spread = f", beats read one by one: IQR {iqr[0]:.0f} to {iqr[1]:.0f} ms" if iqr else ""
    beats = result.get("qrs_beats") or {}
    left_out = left_out_words(beats.get("excluded_why") or {})
    median = (f", median of {beats['used']} beats" + (f" ({left_out} left out)" if left_out else "")
              if qrs is not None and beats else "")
    lines.append(f"QRS duration: {ours}{median}{spread}{cart_qrs}; morphology: {result['morphology']['label']}")
    if cart:
        lines.append(f"cart's reading ({cart['system']}): " + ("; ".join(cart["statements"]) or "no statements"))
    for c in result["morphology"]["criteria"].values():
        lines.append(f"  {STATUS_WORDS[c['status']] + (' (partly)' if c['partial'] else ''):<20} {c['name']}: {c['detail']}")
    pred = result["prediction"]
    if pred:
        lines.append(f"CRT response: p = {pred['probability']:.2f} ({pred['label']}, threshold "
                     f"{pred['threshold']:.2f}, {beats_averaged(pred['n_beats'], pred.get('beats_given'))}, {pred['device']})")
        if pred.get("demonstration"):
            lines.append("  demonstration model: trained on real ECGs with SIMULATED outcomes")
    for g in result["guidelines"]:  # each reason opens with the guideline's short name
        cls = f"Class {g['recommendation_class']}" if g["recommendation_class"] else "No recommendation class"
        missing = f" (missing: {english_list(g['missing_inputs'])})" if g["missing_inputs"] else ""
        lines.append(f"{cls}{missing} — {g['reason']}")
        if g.get("qrs_uncertainty"):
            lines.append(f"  {g['qrs_uncertainty']}")
    lines.extend(f"warning: {w}" for w in result["warnings"])
    lines.append(NOTICE)
    return "\n".join(lines)


def _fail(message: str) -> int:
    print(f"ecgcrt: {message.splitlines()[0] if message else 'error'}", file=sys.stderr)
    return 2


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _lvef(text: str) -> float:
    from ecgcrt_gui.core.guidelines.engine import LVEF_RANGE

    value = float(text)
    if not LVEF_RANGE[0] <= value <= LVEF_RANGE[1]:
        raise argparse.ArgumentTypeError(f"LVEF must be a percentage between {LVEF_RANGE[0]} and {LVEF_RANGE[1]}")
    return value


def _nyha(text: str) -> int:
    value = {"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(text.lower(), None) or int(text)
    if value not in (1, 2, 3, 4):
        raise argparse.ArgumentTypeError("NYHA class must be 1, 2, 3 or 4 (or I-IV)")
    return value


if __name__ == "__main__":
    sys.exit(main())
