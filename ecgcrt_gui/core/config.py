"""The parameters that change what the models see, in one place.

PreprocessConfig: the beat images (every model). BeatContextConfig: the RR-interval features
beside the images that only the beat classifier takes. Each model card stores `to_dict()` of
what its model was trained on; the app refuses weights whose card disagrees with the config it
would use, so training and inference cannot drift apart.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields

from ecgcrt_gui.core.text import english_list


class _Config:
    """to_dict / from_dict / digest shared by the config dataclasses."""

    _kind = "configuration"  # what its parameters are called in an error message

    def to_dict(self) -> dict:
        """JSON-ready dict (tuples become lists)."""
        return json.loads(json.dumps(asdict(self)))

    @classmethod
    def from_dict(cls, data: dict):
        """Inverse of to_dict; unknown keys are an error, not silently dropped."""
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown {cls._kind} parameters: {english_list(sorted(unknown))}")
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})

    def digest(self) -> str:
        """Short stable hash: names caches and is checked against model cards."""
        blob = json.dumps(self.to_dict(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


@dataclass(frozen=True)
class PreprocessConfig(_Config):
    _kind = "preprocessing"
    # Baseline wander removal: zero-phase Butterworth high-pass.
    highpass_hz: float = 0.5  # cut-off (Hz); below the slowest heart rate's fundamental
    highpass_order: int = 2  # Butterworth order (run forwards and backwards, so doubled)
    # R-peak detection (He et al.): Chebyshev type I band-pass, then Shannon energy.
    bandpass_hz: tuple[float, float] = (8.0, 20.0)  # pass band (Hz) where QRS energy dominates P/T
    bandpass_order: int = 4  # cheby1 prototype order (scipy/MATLAB convention), zero phase
    bandpass_ripple_db: float = 0.5  # pass-band ripple of the Chebyshev type I filter (dB)
    refractory_s: float = 0.25  # no second R-peak within this time (s) of the previous one
    envelope_window_s: float = 0.1  # moving-average width (s) of the Shannon energy: about one QRS
    # Beat windows: beat_window_rr x the local RR interval, a fraction of it before R.
    beat_window_rr: float = 1.2  # beat window length in RR intervals (He et al.)
    beat_pre_fraction: float = 1.0 / 3.0  # share of the window before the R-peak
    # Model input: two leads, each beat resampled to model_fs, STFT (Hamming), log-magnitude.
    model_leads: tuple[str, str] = ("II", "V1")  # the two image channels, in this order
    model_fs: float = 360.0  # beats are resampled to this rate (Hz) before the STFT (MIT-BIH's rate)
    image_span_s: float = 1.2  # fixed time span (s) of a beat image: the 1.2 RR window zero-padded
    #                            or cropped to it, beat_pre_fraction of it before R (1.2 RR at 60 bpm)
    stft_window: int = 64  # Hamming window length (samples at model_fs: 178 ms)
    stft_hop: int = 6  # hop between STFT frames (samples at model_fs: 17 ms, about one image column)
    stft_nfft: int = 512  # FFT length (the paper's "512"): 0.70 Hz bins at 360 Hz
    fmax_hz: float = 60.0  # the image's frequency band is 0..fmax_hz
    image_size: tuple[int, int] = (64, 64)  # (H frequency rows, W time columns) of each image


@dataclass(frozen=True)
class BeatContextConfig(_Config):
    """The beat classifier's second input: each beat's RR intervals, raw and normalised
    (core/signal/beat_context.py), which carry the prematurity a fixed-span image barely shows."""

    _kind = "beat context"

    local_intervals: int = 10  # RR intervals (centred on the beat) in its local median RR
    min_rr_s: float = 0.15  # RR intervals are clipped to [min_rr_s, max_rr_s] (detection slips)
    max_rr_s: float = 3.0


DEFAULT_CONFIG = PreprocessConfig()
DEFAULT_CONTEXT = BeatContextConfig()
