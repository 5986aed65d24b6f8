"""PreprocessConfig: every parameter that changes what the model sees, in one place.

The model card stores `to_dict()`; the app refuses weights whose card disagrees with the
config it would use, so training and inference cannot drift apart.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class PreprocessConfig:
    # Baseline wander removal: zero-phase Butterworth high-pass.
    highpass_hz: float = 0.5
    highpass_order: int = 2
    # R-peak detection (He et al.): Chebyshev type I band-pass, then Shannon energy.
    bandpass_hz: tuple[float, float] = (8.0, 20.0)
    bandpass_order: int = 4
    bandpass_ripple_db: float = 0.5
    refractory_s: float = 0.25
    # Beat windows: beat_window_rr x the local RR interval, a fraction of it before R.
    beat_window_rr: float = 1.2
    beat_pre_fraction: float = 1.0 / 3.0
    # Model input: two leads, each beat resampled to model_fs, STFT (Hamming), log-magnitude.
    model_leads: tuple[str, str] = ("II", "V1")
    model_fs: float = 360.0
    stft_window: int = 64
    stft_hop: int = 4
    stft_nfft: int = 512
    fmax_hz: float = 60.0
    image_size: tuple[int, int] = (64, 64)

    def to_dict(self) -> dict:
        """JSON-ready dict (tuples become lists)."""
        return json.loads(json.dumps(asdict(self)))

    @classmethod
    def from_dict(cls, data: dict) -> "PreprocessConfig":
        """Inverse of to_dict; unknown keys are an error, not silently dropped."""
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown preprocessing parameters: {sorted(unknown)}")
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})

    def digest(self) -> str:
        """Short stable hash: names caches and is checked against model cards."""
        blob = json.dumps(self.to_dict(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


DEFAULT_CONFIG = PreprocessConfig()
