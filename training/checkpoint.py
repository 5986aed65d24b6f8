"""Training checkpoints: one file, rewritten atomically at the end of every epoch."""

from __future__ import annotations

from pathlib import Path

from ecgcrt_gui.core.support.atomic import atomic_path


def save_checkpoint(path: Path, state: dict) -> None:
    """torch.save to a temporary file beside `path`, then rename over it (never half a file)."""
    import torch

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        torch.save(state, tmp)


def load_checkpoint(path: Path) -> dict:
    """The state saved by save_checkpoint (tensors and plain containers only)."""
    import torch

    if not Path(path).is_file():
        raise SystemExit(f"--resume: no checkpoint at {path}")
    return torch.load(path, map_location="cpu", weights_only=True)
