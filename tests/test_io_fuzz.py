"""Damaged copies of every real cart-format file: each is read as a valid record or refused with
EcgReadError, never another exception, none slower than 5 s (benchmarks/mutants.py says how)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.mutants import KINDS, SLOW_S, cart_files, run_mutants, summary

SEED = 11


def _check(data: Path, tmp_path: Path, count: int) -> dict:
    sources = cart_files(data / "formats")
    assert len(sources) == 10
    result = summary(run_mutants(sources, count, SEED, tmp_path))
    assert result["mutants"] == count
    assert not result["failures"], "\n".join(f"{o.source} {o.kind}: {o.result} in {o.seconds:.1f} s: {o.detail}"
                                            for o in result["failures"])
    return result


def test_seeded_sample_of_mutants(data: Path, tmp_path: Path) -> None:
    result = _check(data, tmp_path, 10 * len(KINDS) * 2)
    assert result["refused"] > 0 and result["slowest_s"] < SLOW_S


@pytest.mark.slow
def test_thousand_mutants(data: Path, tmp_path: Path) -> None:
    result = _check(data, tmp_path, 1200)
    assert result["read"] > 0 and result["refused"] > 0
