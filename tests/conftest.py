"""Shared fixtures: the real PhysioNet data under $ECGCRT_DATA (default ../shared/data)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
warnings.filterwarnings("ignore", message=".*Pandas4Warning.*")

from ecgcrt_gui.core.support.datapaths import data_dir  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def data() -> Path:
    """Root of the shared data; a missing folder is an error, never a skip (CI must have it)."""
    root = data_dir()
    if not (root / "mitdb" / "100.hea").exists():
        pytest.fail(f"shared PhysioNet data not found at {root}; set ECGCRT_DATA")
    return root


@pytest.fixture(scope="session")
def mitdb(data: Path) -> Path:
    return data / "mitdb"


@pytest.fixture(scope="session")
def mitdb100(mitdb: Path):
    """MIT-BIH 100 (MLII, V5; 30 min at 360 Hz), read once for the session; tests must not modify it."""
    from ecgcrt_gui.core.io import read

    return read(mitdb / "100.hea")


@pytest.fixture(scope="session")
def ludb(data: Path) -> Path:
    return data / "ludb" / "data"


@pytest.fixture(scope="session")
def qtdb(data: Path) -> Path:
    """The QT Database development subset (35 records, 2 leads, 250 Hz, cardiologist's q1c marks)."""
    return data / "qtdb"


@pytest.fixture(scope="session")
def ptbxl(data: Path) -> Path:
    return data / "ptbxl" / "records500" / "00000"
