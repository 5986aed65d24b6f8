"""Size budget of the packaged app, and the record of each package check in benchmarks/packaging.json.

Called by packaging/check.sh:
    python packaging/budget.py --flavour cpu --build-s 412 --installed-bytes N --deb dist/x.deb
        --tarball dist/x.tar.xz --self-test-line "..." --self-test-s 9.1 --analyze-s 4.2
Prints the sizes and any budget overrun; exits 1 when over budget.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

MB = 1_000_000
# The budget for the CPU flavour; a CUDA build carries ~3 GB of NVIDIA libraries and has none.
BUDGET_BYTES = {"cpu": {"installed_bytes": 900 * MB, "deb_bytes": 300 * MB, "tarball_bytes": 300 * MB}}
RECORD = Path(__file__).resolve().parent.parent / "benchmarks" / "packaging.json"


def over_budget(flavour: str, sizes: dict[str, int]) -> list[str]:
    """One plain sentence per size above the flavour's budget; empty when within it (or no budget)."""
    limits = BUDGET_BYTES.get(flavour, {})
    return [
        f"{key.removesuffix('_bytes')} size {sizes[key] / MB:.0f} MB exceeds the {flavour} budget of {limit / MB:.0f} MB"
        for key, limit in limits.items()
        if sizes.get(key, 0) > limit
    ]


def update_record(path: Path, flavour: str, entry: dict) -> dict:
    """Refresh the flavour's entry in the JSON record (None values keep the recorded ones); atomic."""
    record = json.loads(path.read_text()) if path.exists() else {}
    old = record.get(flavour, {})
    record[flavour] = {key: old.get(key) if value is None else value for key, value in entry.items()}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)
    return record


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--flavour", required=True, help="cpu or cuda: the torch build that was bundled")
    p.add_argument("--torch", default="", help="bundled torch version")
    p.add_argument("--build-s", type=float, help="wall time of make package (default: the recorded one)")
    p.add_argument("--installed-bytes", type=int, required=True)
    p.add_argument("--deb", type=Path, required=True)
    p.add_argument("--deb-compression", default="-Zxz -z1")
    p.add_argument("--tarball", type=Path, required=True)
    p.add_argument("--self-test-line", default="")
    p.add_argument("--self-test-s", type=float)
    p.add_argument("--analyze-s", type=float)
    p.add_argument("--record", type=Path, default=RECORD)
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    args = _parse(argv)
    sizes = {
        "installed_bytes": args.installed_bytes,
        "deb_bytes": args.deb.stat().st_size,
        "tarball_bytes": args.tarball.stat().st_size,
    }
    problems = over_budget(args.flavour, sizes)
    entry = {
        **sizes,
        "flavour": args.flavour,
        "torch": args.torch,
        "build_s": args.build_s,
        "deb": args.deb.name,
        "deb_compression": args.deb_compression,
        "tarball": args.tarball.name,
        "self_test": args.self_test_line,
        "self_test_s": args.self_test_s,
        "analyze_s": args.analyze_s,
        "budget_bytes": BUDGET_BYTES.get(args.flavour),
        "within_budget": not problems,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    entry = update_record(args.record, args.flavour, entry)[args.flavour]
    print(
        f"package ({args.flavour}): build {entry['build_s']} s; installed {sizes['installed_bytes'] / MB:.0f} MB, "
        f".deb {sizes['deb_bytes'] / MB:.0f} MB, .tar.xz {sizes['tarball_bytes'] / MB:.0f} MB; recorded in {args.record}"
    )
    for problem in problems:
        print(f"OVER BUDGET: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
