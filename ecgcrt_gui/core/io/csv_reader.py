"""CSV / TSV exports: a header row of lead names, one row per sample.

Rules, in order:
- Delimiter: whichever of , ; tab occurs most often in the header row; with ; a decimal comma is
  accepted ("0,125").
- Sampling rate: the fs argument; else a time column (time, t, s, sec, seconds in seconds; ms, msec,
  milliseconds or "time (ms)" in milliseconds). The rate is the number of steps over the time span,
  not the median step: times rounded to 1 ms make single steps uneven (360 Hz -> 2 or 3 ms) while
  the span stays exact. Every time must lie within half a sample of the regular grid, else refused.
  Neither fs nor a time column: refused, asking for the sampling rate.
- Units: a unit in the column name wins ("II (uV)", "V1 [mV]"). Without one, a guess on the values,
  always reported in meta["warnings"]: a largest lead range (0.1-99.9 percentile) above 50 means
  microvolts, below 0.05 means volts, otherwise millivolts.
- Columns named sample, index, # or left unnamed are row numbers and are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.io.units import mv_per_unit
from ecgcrt_gui.core.io.validate import check_fs, fail, finalise, reason
from ecgcrt_gui.core.record import EcgRecord
from ecgcrt_gui.core.text import english_list, mv

_DELIMITERS = (",", ";", "\t")
_UNIT_IN_NAME = re.compile(r"^(.*?)\s*[(\[]\s*([^)\]]*?)\s*[)\]]\s*$")
_SECONDS = {"time", "t", "s", "sec", "secs", "seconds", "time s", "time sec", "t s"}
_MILLISECONDS = {"ms", "msec", "milliseconds", "time ms", "t ms"}
_ROW_NUMBERS = {"sample", "samples", "sample number", "index", "#", "n", "row", ""}
MICROVOLT_RANGE = 50.0
"""A largest lead range above this, in the file's own unit, is read as microvolts."""
VOLT_RANGE = 0.05
"""A largest lead range below this, in the file's own unit, is read as volts."""


def read_csv(path: Path, *, fs: float | None = None) -> EcgRecord:
    """Read a CSV of leads (columns) by samples (rows); see the module docstring for the rules."""
    import pandas as pd

    sep, decimal, header = _dialect(path)
    try:
        # the header row is parsed here, not by pandas, which would rename a repeated lead "II.1"
        table = pd.read_csv(path, sep=sep, decimal=decimal, skipinitialspace=True, encoding="utf-8-sig",
                            header=None, skiprows=1, names=range(len(header)))
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise fail(path, f"the table could not be read ({reason(exc)})",
                   "Check that every row has the same number of columns as the header") from None
    if table.empty:
        raise fail(path, "the table has a header row but no samples below it",
                   "The export is incomplete; export the ECG again")
    columns = [_split_unit(name) for name in header]
    if all(_is_number(name) for name, _ in columns):
        raise fail(path, "the first row holds numbers, not lead names",
                   "Add a header row naming each lead (e.g. time,I,II,V1)")
    notes: list[str] = []
    time_col, leads, units = None, [], []
    for col, (name, unit) in enumerate(columns):
        kind = name.lower().replace("_", " ")
        if kind in _ROW_NUMBERS or kind.startswith("unnamed:"):
            continue
        if time_col is None and (kind in _SECONDS or kind in _MILLISECONDS):
            time_col = (col, 1e-3 if kind in _MILLISECONDS or unit.lower() == "ms" else 1.0)
            continue
        leads.append((col, name))
        units.append(unit)
    if not leads:
        raise fail(path, "no usable lead: no column besides time or sample number",
                   "Add one column per lead, with the lead's name in the header row")
    _check_numeric(table, header, [col for col, _ in leads] + ([time_col[0]] if time_col else []), path)
    fs = _sampling_rate(table, time_col, fs, path, notes)
    signal = np.ascontiguousarray(table.iloc[:, [col for col, _ in leads]].to_numpy(dtype=np.float32))
    _to_millivolts(signal, [name for _, name in leads], units, notes)
    return finalise(signal, fs, [name for _, name in leads], path=path, fmt="csv", meta={}, warnings=notes)


def _dialect(path: Path) -> tuple[str, str, list[str]]:
    """Delimiter, decimal mark and header fields, from the header row and the first data row."""
    with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
        header = fh.readline()
        first_row = fh.readline()
    counts = {sep: header.count(sep) for sep in _DELIMITERS}
    sep = max(counts, key=counts.get)
    if counts[sep] == 0:
        raise fail(path, "no column delimiter found in the first row",
                   "Separate the columns with commas, semicolons or tabs, one lead per column")
    decimal = "," if sep == ";" and "," in first_row else "."
    return sep, decimal, [field.strip().strip('"') for field in header.rstrip("\r\n").split(sep)]


def _split_unit(name: str) -> tuple[str, str]:
    """'II (uV)' -> ('II', 'uV'); 'II' -> ('II', '')."""
    name = name.strip()
    match = _UNIT_IN_NAME.match(name)
    return (match.group(1).strip(), match.group(2)) if match else (name, "")


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _check_numeric(table, header: list[str], cols: list[int], path: Path) -> None:
    for col in cols:
        column = table.iloc[:, col]
        if column.dtype.kind in "fiu":
            continue
        text = column.astype(str)
        bad = text[~text.str.strip().str.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|nan|NaN|")]
        row = int(bad.index[0]) + 2 if len(bad) else "?"
        example = bad.iloc[0] if len(bad) else "?"
        raise fail(path, f"column '{header[col]}' holds text where numbers are expected "
                   f"('{example}' on line {row})", "Keep only numbers below the header row")


def _sampling_rate(table, time_col: tuple[int, float] | None, fs: float | None, path: Path,
                   notes: list[str]) -> float:
    """fs as given, else from the time column (steps over span, checked against a regular grid)."""
    if fs is not None:
        fs = check_fs(fs, path)
    if time_col is None:
        if fs is None:
            raise fail(path, "the sampling rate is unknown: the file has no time column",
                       "Pass the sampling rate (samples per second), or add a time column in seconds")
        return fs
    t = table.iloc[:, time_col[0]].to_numpy(dtype=np.float64) * time_col[1]
    span = t[-1] - t[0] if len(t) > 1 else 0.0
    if not np.isfinite(t).all() or span <= 0 or np.any(np.diff(t) <= 0):
        if fs is not None:
            notes.append("The time column is not increasing; the sampling rate given was used.")
            return fs
        raise fail(path, "the time column has gaps, repeats or goes backwards",
                   "Pass the sampling rate (samples per second) to read the file without its time column")
    estimate = (len(t) - 1) / span
    if abs(estimate - round(estimate)) < 1e-3 * estimate:
        estimate = float(round(estimate))
    off_grid = np.abs(t - (t[0] + np.arange(len(t)) / estimate)).max() * estimate
    if off_grid > 0.5:
        if fs is not None:
            notes.append("The time column is irregular; the sampling rate given was used.")
            return fs
        raise fail(path, f"the time column is irregular (a sample lies {off_grid:.1f} samples off a steady "
                   f"{estimate:.4g} Hz rate)", "Pass the sampling rate, or export the ECG at a fixed rate")
    if fs is not None and abs(fs - estimate) > 0.01 * fs:
        notes.append(f"The time column implies {estimate:g} Hz; the sampling rate given ({fs:g} Hz) was used.")
        return fs
    return fs if fs is not None else estimate


def _to_millivolts(signal: np.ndarray, names: list[str], units: list[str], notes: list[str]) -> None:
    """Scale columns to mV in place: stated units first, the range rule for the others."""
    guessed = []
    for col, (name, unit) in enumerate(zip(names, units)):
        factor = mv_per_unit(unit) if unit else None
        if factor is None:
            if unit:
                notes.append(f"Lead {name}: unit '{unit}' not recognised; guessed from the values.")
            guessed.append(col)
        elif factor != 1.0:
            signal[:, col] *= factor
    if not guessed:
        return
    part = signal[:, guessed]
    has_values = np.isfinite(part).any(axis=0)
    largest = 0.0
    if has_values.any():
        lows, highs = np.nanpercentile(part[:, has_values], [0.1, 99.9], axis=0)
        largest = float((highs - lows).max())
    if largest > MICROVOLT_RANGE:
        unit, factor = "microvolts", 1e-3
    elif 0 < largest < VOLT_RANGE:
        unit, factor = "volts", 1e3
    else:
        unit, factor = "millivolts", 1.0
    if factor != 1.0:
        signal[:, guessed] *= factor
    leads = english_list(names[col] for col in guessed)
    notes.append(f"Amplitude unit not stated for {leads}; the values look like {unit} and were read as such "
                 f"(largest range {mv(largest * factor)}).")
