"""The batch table on disk: CSV (or Parquet, by the .parquet extension), written atomically; a journal
of finished rows beside it while a batch runs, so that nothing finished is lost to a crash or a kill.

CSV cells: empty for a missing value, `true`/`false`, numbers as Python writes them (they read back
to the same value), so a table read back and written again is byte-identical (what --resume relies on).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ecgcrt_gui.core.batch.columns import KINDS, NAMES
from ecgcrt_gui.core.errors import UserFacingError
from ecgcrt_gui.core.support.atomic import atomic_path, write_text

PARQUET_SUFFIXES = (".parquet", ".pq")
JOURNAL_SUFFIX = ".journal"


class TableError(UserFacingError):
    """A table that cannot be written or read back for --resume; the message says why."""


def is_parquet(path: str | Path) -> bool:
    return Path(path).suffix.lower() in PARQUET_SUFFIXES


def journal_path(path: str | Path) -> Path:
    """Beside the table: finished rows, one JSON object per line, while the batch runs."""
    path = Path(path)
    return path.with_name(path.name + JOURNAL_SUFFIX)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse(kind: str, text: str) -> Any:
    if text == "":
        return None
    if kind == "float":
        return float(text)
    if kind == "int":
        return int(text)
    if kind == "bool":
        return text == "true"
    return text


def csv_text(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(NAMES)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in NAMES])
    return buf.getvalue()


def _arrow_schema():
    import pyarrow as pa

    types = {"str": pa.string(), "float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}
    return pa.schema([(name, types[KINDS[name]]) for name in NAMES])


def _pyarrow():
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise TableError("Parquet tables need pyarrow: pip install 'ecgcrt[parquet]' (or write a .csv)") from None
    return pq


def write_table(path: str | Path, rows: list[dict]) -> None:
    """The whole table, atomically: a reader never sees half of it."""
    path = Path(path)
    try:
        if is_parquet(path):
            pq = _pyarrow()
            import pyarrow as pa

            table = pa.Table.from_pylist([{n: r.get(n) for n in NAMES} for r in rows], schema=_arrow_schema())
            with atomic_path(path) as tmp:
                pq.write_table(table, tmp)
        else:
            write_text(path, csv_text(rows))
    except OSError as exc:
        raise TableError(f"cannot write {path}: {exc.strerror or exc}") from None


def read_table(path: str | Path) -> list[dict]:
    """Rows of a table this module wrote; TableError where it is not one (other columns, unreadable)."""
    path = Path(path)
    try:
        if is_parquet(path):
            rows = _pyarrow().read_table(path).to_pylist()
            names = list(rows[0]) if rows else list(NAMES)
        else:
            with open(path, newline="", encoding="utf-8") as fh:
                reader = csv.reader(fh)
                names = next(reader, [])
                rows = [{n: _parse(KINDS.get(n, "str"), v) for n, v in zip(names, cells)} for cells in reader]
    except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
        raise TableError(f"cannot read {path} to resume: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - pyarrow's errors for a file that is not Parquet
        raise TableError(f"cannot read {path} to resume: {exc}") from None
    if tuple(names) != NAMES:
        raise TableError(f"{path} has other columns than this version's table (not an ecgcrt batch table, "
                         "or from another version): write to a new file instead of --resume")
    return rows


class Journal:
    """Append-only record of finished rows (JSON lines), flushed row by row."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._fh = open(path, "a", encoding="utf-8")
        except OSError as exc:
            raise TableError(f"cannot write beside the table ({path}): {exc.strerror or exc}") from None

    def add(self, row: dict) -> None:
        self._fh.write(json.dumps(row, allow_nan=True) + "\n")
        self._fh.flush()

    def close(self, remove: bool) -> None:
        self._fh.close()
        if remove:
            self.path.unlink(missing_ok=True)


def read_journal(path: Path) -> list[dict]:
    """Rows a killed batch left in its journal (a torn last line is skipped)."""
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return rows
    for line in lines:
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and tuple(row) == NAMES:
            rows.append(row)
    return rows


def json_name(index: int, path: str) -> str:
    """File name of one ECG's assessment JSON in --json-dir: input position, then the file's stem."""
    stem = Path(path).stem or "ecg"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)
    return f"{index + 1:06d}-{safe}.json"
