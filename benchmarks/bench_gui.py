"""The GUI thread over a scripted session (start, open, first analysis, edit a peak, export), three ways.

Each run is a fresh interpreter (benchmarks/gui_session.py), so the first import of torch is in it.
`process`: the app as it ships, the pipeline in the worker process; `thread`: the pipeline on a worker
thread of the GUI process (the app before issue 10 item 6); `preload`: worker thread, but torch and the
pipeline imported behind a start-up screen before the window shows (the other remedy the issue named).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.gui_session import VARIANTS

REPEATS = 3
ROOT = Path(__file__).resolve().parents[1]


def _session(variant: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "benchmarks.gui_session", variant], capture_output=True, text=True,
                         timeout=900, env=env, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(data: Path) -> str:
    runs = {v: [_session(v) for _ in range(REPEATS)] for v in VARIANTS}
    lines = [
        "## GUI thread: longest stall over a scripted session",
        "",
        "Start the app, open the demo ECG (PTB-XL 00338), first analysis, delete an R-peak (re-analysis), export "
        "the PDF and the JSON; a 10 ms timer on the GUI thread, and a stall is a gap between its ticks beyond 10 ms. "
        f"Each variant {REPEATS} runs in a fresh interpreter, offscreen; median (max) over the runs. "
        "`GUI CPU in it` is the GUI thread's own CPU time during the longest stall: the rest of that stall it "
        "waited, for the interpreter lock (held by a worker thread) or for a CPU of a loaded machine. "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end. "
        "Command: `python -m benchmarks bench_gui`. Aim: no stall over 100 ms.",
        "",
        "| variant | window shown (s) | first result (s) | longest stall (ms) | GUI CPU in it (ms) | "
        "stalls > 100 ms | longest in: open + first analysis / edit / export (ms) | torch in GUI process |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    names = {"process": "worker process (the app)", "thread": "worker thread (before)",
             "preload": "worker thread, torch loaded behind a start-up screen"}
    for variant, rs in runs.items():
        def cell(key: str, fmt: str = "{:.0f}", rs=rs) -> str:
            values = [r[key] for r in rs]
            return f"{fmt.format(statistics.median(values))} ({fmt.format(max(values))})"

        steps = " / ".join(f"{statistics.median(r['by_step_ms'].get(step, 0.0) for r in rs):.0f}"
                           for step in ("open and first analysis", "edit a peak", "export"))
        lines.append(f"| {names[variant]} | {cell('window_shown_s', '{:.1f}')} | {cell('first_result_s', '{:.1f}')} | "
                     f"{cell('longest_stall_ms')} | {cell('longest_stall_gui_cpu_ms')} | {cell('over_100ms')} | "
                     f"{steps} | {'yes' if any(r['torch_in_gui'] for r in rs) else 'no'} |")
    return "\n".join(lines) + "\n"
