"""On-disk cache of preprocessed arrays, keyed by the preprocessing digest, written atomically."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.config import PreprocessConfig

REPO_ROOT = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    """$ECGCRT_CACHE, else .cache/ under the repository root."""
    env = os.environ.get("ECGCRT_CACHE")
    return Path(env) if env else REPO_ROOT / ".cache"


def cache_path(kind: str, key: str, cfg: PreprocessConfig) -> Path:
    """File for one item: <cache>/<kind>/<config digest>/<key>.npz (key made file-name safe)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
    if safe != key:  # two keys that clean to the same name must still differ
        safe += "-" + hashlib.sha256(key.encode()).hexdigest()[:8]
    return cache_dir() / kind / cfg.digest() / f"{safe}.npz"


def save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays to path atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached(kind: str, key: str, cfg: PreprocessConfig, build: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The arrays stored for (kind, key, cfg), building and storing them on a miss."""
    path = cache_path(kind, key, cfg)
    if path.exists():
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    arrays = build()
    save_npz(path, arrays)
    return arrays
