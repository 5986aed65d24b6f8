"""Results JSON files under training/results, written atomically."""

from __future__ import annotations

import json
from pathlib import Path

from ecgcrt_gui.core.support.atomic import write_text


def write_json(path: Path, obj: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, json.dumps(obj, indent=2) + "\n")
    return path


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
