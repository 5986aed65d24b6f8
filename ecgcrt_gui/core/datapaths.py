"""Where the shared PhysioNet data and the bundled resources live."""

from __future__ import annotations

import os
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
MODELS_DIR = RESOURCES / "models"
SAMPLES_DIR = RESOURCES / "samples"


def data_dir() -> Path:
    """The shared PhysioNet data: $ECGCRT_DATA, else ../shared/data beside the checkout."""
    env = os.environ.get("ECGCRT_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data"
