"""Where the shared PhysioNet data live (tests, benchmarks, training; the app itself never reads them)."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The shared PhysioNet data: $ECGCRT_DATA, else ../shared/data beside the checkout."""
    env = os.environ.get("ECGCRT_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[4] / "shared" / "data"
