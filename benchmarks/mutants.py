"""Mutated copies of real ECG files: how the readers take damage (tests/test_io_fuzz.py, bench_formats).

Four kinds of damage, as files meet them: cut short at a random point, random bytes flipped, a run
of bytes zeroed, a section duplicated (an XML element repeated beside itself; a run of bytes of a
binary file copied elsewhere). Each mutant is read through the app's front door: it must come back
as a valid EcgRecord or be refused with EcgReadError, never another exception, and quickly.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

KINDS = ("truncate", "flip", "zero", "duplicate")
SLOW_S = 5.0  # no mutant may take longer to read or refuse
_ELEMENT = re.compile(rb"<([A-Za-z][\w.-]*)[^>]*>.*?</\1>", re.DOTALL)


@dataclass(frozen=True)
class Outcome:
    source: str
    kind: str
    result: str  # "read", "refused" or "crash"
    seconds: float
    detail: str


def cart_files(formats: Path) -> list[Path]:
    """Every real cart-format file in shared/data/formats, the malformed ones included."""
    return sorted(p for p in formats.rglob("*") if p.suffix.lower() in (".xml", ".scp"))


@cache
def _content(path: Path) -> bytes:
    return path.read_bytes()


def mutate(data: bytes, kind: str, rng: np.random.Generator) -> bytes:
    """One damaged copy of data."""
    n = len(data)
    if kind == "truncate":
        return data[: int(rng.integers(0, n))]
    if kind == "flip":
        out = bytearray(data)
        for i in rng.integers(0, n, size=int(rng.integers(1, 17))):
            out[i] ^= int(rng.integers(1, 256))
        return bytes(out)
    if kind == "zero":
        start = int(rng.integers(0, n))
        length = min(int(rng.integers(1, 4097)), n - start)
        return data[:start] + bytes(length) + data[start + length:]
    if data.lstrip()[:1] == b"<" or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        elements = [m.span() for m in _ELEMENT.finditer(data, int(rng.integers(0, n)))][:50]
        if elements:
            a, b = elements[int(rng.integers(0, len(elements)))]
            return data[:b] + data[a:b] + data[b:]
    a = int(rng.integers(0, n))
    length = int(rng.integers(16, max(17, n // 4)))
    at = int(rng.integers(0, n))
    return data[:at] + data[a:a + length] + data[at:]


def run_mutants(sources: list[Path], count: int, seed: int, folder: Path) -> list[Outcome]:
    """Read `count` mutants of the sources (each source and kind in turn), written into folder."""
    from ecgcrt_gui.core.io import EcgReadError, read

    rng = np.random.default_rng(seed)
    outcomes = []
    for i in range(count):
        source = sources[i % len(sources)]
        kind = KINDS[(i // len(sources)) % len(KINDS)]
        path = folder / source.name
        path.write_bytes(mutate(_content(source), kind, rng))
        start = time.perf_counter()
        try:
            record = read(path)
            problem = _invalid(record)
            result, detail = ("crash", problem) if problem else ("read", f"{len(record.leads)} leads, "
                                                                          f"{record.duration_s:.1f} s")
        except EcgReadError as exc:
            result, detail = "refused", str(exc)
        except Exception as exc:  # what the test exists to catch
            result, detail = "crash", f"{type(exc).__name__}: {exc}"
        outcomes.append(Outcome(source.name, kind, result, time.perf_counter() - start, detail))
    return outcomes


def _invalid(record) -> str:
    """Why a record that came back is not a valid EcgRecord; '' when it is."""
    signal = record.signal
    if signal.dtype != np.float32 or signal.ndim != 2 or signal.shape[1] != len(record.leads):
        return f"bad signal {signal.dtype} {signal.shape} for {len(record.leads)} leads"
    if not np.isfinite(signal).all() or not record.fs > 0:
        return "non-finite samples or sampling rate"
    return ""


def summary(outcomes: list[Outcome]) -> dict:
    """Counts by result, slowest time, and the crashes and slow reads (which should be none)."""
    counts = Counter(o.result for o in outcomes)
    return {"mutants": len(outcomes), "read": counts["read"], "refused": counts["refused"],
            "crash": counts["crash"], "slowest_s": max((o.seconds for o in outcomes), default=0.0),
            "failures": [o for o in outcomes if o.result == "crash" or o.seconds > SLOW_S]}
