"""The machine a benchmark ran on, in words: timings move with the CPU (2-4x between the x86_64 machines these
files have been written on), so every timed section names it."""

from __future__ import annotations

import functools
import os
import platform
from pathlib import Path


@functools.cache
def cpu() -> str:
    """e.g. "AMD EPYC, 2 cores, AVX2, no AMX": the CPU's model name, its cores, torch's vector level and matrix units."""
    name = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    parts = [name, f"{os.cpu_count()} cores"]
    try:
        import torch

        from ecgcrt_gui.core.model import inference

        parts += [torch.backends.cpu.get_cpu_capability(), "AMX" if inference._amx() else "no AMX"]
    except ImportError:  # the header of a run without torch
        pass
    return ", ".join(parts)
