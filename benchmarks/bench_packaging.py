"""Packaged installer: build time and sizes, as recorded by the last `make package-check`.

Reads benchmarks/packaging.json (written by packaging/check.sh) instead of rebuilding:
a package build takes minutes and belongs to `make package-check`, not to `make bench`.
"""

from __future__ import annotations

import json
from pathlib import Path

RECORD = Path(__file__).resolve().parent / "packaging.json"
MB = 1_000_000


def _mb(value: int | None) -> str:
    return "–" if value is None else f"{value / MB:.0f} MB"


def _budget(entry: dict, key: str) -> str:
    limit = (entry.get("budget_bytes") or {}).get(key)
    return "no budget" if limit is None else f"≤ {limit / MB:.0f} MB"


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def run(data: Path) -> str:
    head = "## Packaged installer (`make package-check`)\n\n"
    if not RECORD.exists():
        return head + "No package check recorded yet: run `make package-check`.\n"
    record = json.loads(RECORD.read_text())
    rows = []
    for flavour, e in sorted(record.items()):
        rows.append(
            f"| {flavour} (torch {e.get('torch') or '?'}) | {_seconds(e.get('build_s'))} "
            f"| {_mb(e.get('installed_bytes'))} ({_budget(e, 'installed_bytes')}) "
            f"| {_mb(e.get('deb_bytes'))} ({_budget(e, 'deb_bytes')}, {e.get('deb_compression')}) "
            f"| {_mb(e.get('tarball_bytes'))} ({_budget(e, 'tarball_bytes')}) "
            f"| {_seconds(e.get('self_test_s'))} | {_seconds(e.get('analyze_s'))} "
            f"| {'yes' if e.get('within_budget') else 'NO'} | {e.get('machine')}, {e.get('date')} |"
        )
    lines = [
        "Build = PyInstaller + strip + .deb + .tar.xz (`make package`); installed = the .deb unpacked by "
        "`dpkg -x`; self-test = installed `ecgcrt-gui --self-test` offscreen; analyze = installed "
        "`ecgcrt analyze <demo> --json -`. Both times include the programs' start-up.",
        "",
        "| flavour | build | installed | .deb | portable .tar.xz | self-test | analyze | within budget | machine, date |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
    ]
    lines += [f"Self-test line ({flavour}): `{e.get('self_test')}`" for flavour, e in sorted(record.items())]
    lines += ["", "Command: `make package-check` (records `benchmarks/packaging.json`), then `make bench`."]
    return head + "\n".join(lines) + "\n"
