"""On-disk cache of preprocessed arrays, keyed by the preprocessing digest, written atomically."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.config import PreprocessConfig
from ecgcrt_gui.core.support.atomic import atomic_path

REPO_ROOT = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    """$ECGCRT_CACHE, else .cache/ under the repository root."""
    env = os.environ.get("ECGCRT_CACHE")
    return Path(env) if env else REPO_ROOT / ".cache"


# The core modules whose code decides what is cached (paths under ecgcrt_gui/core): a change to one
# of them starts a fresh cache.
IMAGE_SOURCES = ("io", "record.py", "signal/preprocess.py", "signal/beats.py", "signal/geometry.py",
                 "signal/spectrogram.py")
PIPELINE_SOURCES = (*IMAGE_SOURCES, "signal/rpeaks.py", "signal/delineate.py", "morphology")


def pipeline_version(sources: tuple[str, ...] = PIPELINE_SOURCES) -> str:
    """Short hash of these core sources' code (the config digest alone misses code changes).
    A source that is not there is an error: a moved module must not silently drop out of the key."""
    core = REPO_ROOT / "ecgcrt_gui" / "core"
    h = hashlib.sha256()
    for name in sources:
        if not (core / name).exists():
            raise FileNotFoundError(f"cache key source ecgcrt_gui/core/{name} does not exist: update training/cache.py")
        for f in sorted((core / name).rglob("*.py")) if (core / name).is_dir() else [core / name]:
            h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()[:8]


def cache_path(kind: str, key: str, cfg: PreprocessConfig, sources: tuple[str, ...] = PIPELINE_SOURCES) -> Path:
    """File for one item: <cache>/<kind>/<config digest>-<pipeline version>/<key>.npz (key made file-name safe)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
    if safe != key:  # two keys that clean to the same name must still differ
        safe += "-" + hashlib.sha256(key.encode()).hexdigest()[:8]
    return cache_dir() / kind / f"{cfg.digest()}-{pipeline_version(sources)}" / f"{safe}.npz"


def save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays to path atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez(f, **arrays)


def cached(
    kind: str, key: str, cfg: PreprocessConfig, build: Callable[[], dict[str, np.ndarray]],
    sources: tuple[str, ...] = PIPELINE_SOURCES,
) -> dict[str, np.ndarray]:
    """The arrays stored for (kind, key, cfg, code of `sources`), building and storing them on a miss."""
    path = cache_path(kind, key, cfg, sources)
    if path.exists():
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    arrays = build()
    save_npz(path, arrays)
    return arrays
