"""Run every benchmark in one process and write benchmarks/RESULTS.md.

Each module `benchmarks/bench_*.py` exposes `run(data: Path) -> str`, a Markdown section
with its figures and the command that produced them.
"""

from __future__ import annotations

import importlib
import pkgutil
import platform
import sys
import time
from pathlib import Path

from benchmarks import machine
from ecgcrt_gui.core.support.atomic import write_text
from ecgcrt_gui.core.support.datapaths import data_dir

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    only = set(argv)
    data = data_dir()
    names = sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))
    sections = []
    for name in names:
        if only and name not in only:
            continue
        t0 = time.perf_counter()
        print(f"running {name} ...", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        sections.append(module.run(data).rstrip() + "\n")
        print(f"  {name} done in {time.perf_counter() - t0:.0f} s", flush=True)
    header = (
        "# Benchmark results\n\n"
        f"Written by `make bench` on {time.strftime('%Y-%m-%d')}; "
        f"{machine.cpu()}; Python {platform.python_version()}. "
        "Each section names the command that produced it.\n"
    )
    out = HERE / "RESULTS.md"
    if only and out.exists():  # a partial run replaces only its own sections
        print("partial run: printing instead of overwriting RESULTS.md\n")
        print("\n".join(sections))
        return 0
    write_text(out, header + "\n" + "\n".join(sections))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
