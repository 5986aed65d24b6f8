"""Why this probability: which parts of a beat's spectrogram moved P(response), by integrated gradients.

captum's IntegratedGradients integrates the gradient of the beat's P(response) (softmax output of the
responder class) along the straight path from a baseline image to the beat's image. The baseline is the
all-zero image: every image is z-scored per lead, so zero is "the lead's mean level everywhere", an
image with no time-frequency contrast. The map has the image's shape [2 leads, H frequency rows, W
time columns]; each pixel's value is its share of P(beat) - P(baseline) (completeness: the map sums to
that difference, up to the integral's error, which is returned). Positive pixels pushed the beat
towards "responder", negative ones away.

torch and captum are imported inside the functions: the GUI and the CLI start without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ecgcrt_gui.core.config import DEFAULT_CONFIG, PreprocessConfig
from ecgcrt_gui.core.errors import UserFacingError

if TYPE_CHECKING:
    import torch

METHOD = "integrated gradients (captum), all-zero baseline, 32 steps, target P(responder)"
STEPS = 32


@dataclass
class Attribution:
    maps: np.ndarray  # float32 [k, 2, H, W]: share of P(beat) - P(baseline) of each pixel
    probabilities: np.ndarray  # [k] P(response) of each beat
    baseline_probability: float  # P(response) of the all-zero image
    convergence_delta: np.ndarray  # [k] sum(map) - (P(beat) - P(baseline)): the integral's error
    method: str = METHOD


def _probability_model(model: torch.nn.Module, responder: int) -> torch.nn.Module:
    import torch

    class Probability(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = model

        def forward(self, x):
            return torch.softmax(self.net(x), dim=1)[:, responder : responder + 1]

    return Probability().eval()


def attribute(model: torch.nn.Module, images: np.ndarray, responder: int = 1, steps: int = STEPS) -> Attribution:
    """Integrated-gradients maps of P(class `responder`) for beat images float32 [k, 2, H, W]."""
    import torch

    try:
        from captum.attr import IntegratedGradients
    except ImportError as exc:  # an installation without captum or the matplotlib its attr package imports
        raise UserFacingError(f"The attribution map cannot be computed: this installation lacks {exc.name}, "
                              "which captum (the attribution library) needs.") from None
    x = torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32))
    if x.ndim != 4 or x.shape[1] != 2:
        raise ValueError(f"beat images must have shape [k, 2, H, W], got {list(x.shape)}")
    net = _probability_model(model, responder)
    baseline = torch.zeros_like(x[:1])
    with torch.no_grad():
        p = net(x)[:, 0].numpy()
        p0 = float(net(baseline)[0, 0])
    ig = IntegratedGradients(net)
    maps, delta = ig.attribute(x, baselines=baseline.expand_as(x), target=0, n_steps=steps,
                               internal_batch_size=4 * steps, return_convergence_delta=True)
    return Attribution(maps=maps.detach().numpy().astype(np.float32), probabilities=p.astype(np.float32),
                       baseline_probability=p0, convergence_delta=delta.detach().numpy().astype(np.float32))


def attribute_bundle(bundle, images: np.ndarray, steps: int = STEPS) -> Attribution:
    """attribute() with a CRT bundle's network and its responder column."""
    return attribute(bundle.model, images, bundle.card["classes"].index("responder"), steps)


@dataclass(frozen=True)
class Region:
    """Where a map holds most of its positive (or negative) evidence, in the image's own units."""

    lead: str
    t_ms: tuple[float, float]
    f_hz: tuple[float, float]
    share: float  # of the map's total evidence of that sign


def strongest_region(attribution_map: np.ndarray, leads: list[str], sign: int = 1,
                     cfg: PreprocessConfig = DEFAULT_CONFIG, window: tuple[int, int] = (16, 8)) -> Region | None:
    """The window (frequency rows x time columns) of one lead holding the largest share of the evidence of
    `sign` (+1 towards responder, -1 away); None when the map has none of that sign."""
    from scipy.ndimage import uniform_filter

    from ecgcrt_gui.core.signal.spectrogram import image_axes

    part = np.clip(sign * np.asarray(attribution_map, dtype=np.float64), 0, None)
    total = part.sum()
    if total <= 0:
        return None
    h, w = window
    # Mean over each h x w window (scipy), times its area: the evidence inside the window centred there.
    sums = np.stack([uniform_filter(lead, size=(h, w), mode="constant") * h * w for lead in part])
    lead, row, col = np.unravel_index(int(np.argmax(sums)), sums.shape)
    t_ms, f_hz = image_axes(cfg)
    r0, r1 = max(0, row - h // 2), min(part.shape[1], row - h // 2 + h) - 1
    c0, c1 = max(0, col - w // 2), min(part.shape[2], col - w // 2 + w) - 1
    return Region(lead=leads[lead], t_ms=(float(t_ms[c0]), float(t_ms[c1])), f_hz=(float(f_hz[r0]), float(f_hz[r1])),
                  share=float(sums[lead, row, col] / total))


def describe(region: Region | None, towards: str) -> str:
    """One sentence for the panel and the report."""
    if region is None:
        return f"No part of the beat pushed {towards}."
    return (f"Most evidence {towards}: lead {region.lead}, {region.t_ms[0]:.0f} to {region.t_ms[1]:.0f} ms from R, "
            f"{region.f_hz[0]:.0f}-{region.f_hz[1]:.0f} Hz ({100 * region.share:.0f} % of it).")


def influence_text(beat_probabilities: np.ndarray, image_beats: np.ndarray, top: int = 3) -> str:
    """The beats that pushed P(response) up and down most, by their number in the record."""
    from ecgcrt_gui.core.model.inference import beat_influence
    from ecgcrt_gui.core.text import percentage_points

    delta = beat_influence(beat_probabilities)
    if len(delta) < 2:
        return ""
    order = np.argsort(delta)

    def beats(indices) -> str:
        return ", ".join(str(int(image_beats[i]) + 1) for i in indices) or "none"

    up = [i for i in order[::-1][:top] if delta[i] > 0]
    down = [i for i in order[:top] if delta[i] < 0]
    size = percentage_points(float(np.abs(delta).max()), bound=True)
    return f"Beats that pushed P(response) up: {beats(up)}; down: {beats(down)} ({size} each)"


def beat_explanation(attribution: Attribution, leads: list[str], k: int = 0) -> str:
    """The sentences for one beat's map: its P(response) against the no-contrast image, where the evidence lies."""
    maps = attribution.maps[k]
    p, p0 = float(attribution.probabilities[k]), attribution.baseline_probability
    up = describe(strongest_region(maps, leads, +1), "towards response")
    down = describe(strongest_region(maps, leads, -1), "away from response")
    return f"P(response) {p:.2f} against {p0:.2f} for an image without contrast. {up} {down}"


def explanation_lines(assessment, attributions: dict[int, Attribution]) -> list[str]:
    """What the report says about why: the beats that moved the probability, and each explained beat's map."""
    p = assessment.prediction
    if p is None:
        return []
    lines = [t for t in [influence_text(p.beat_probabilities, assessment.image_beats[p.rows])] if t]
    for i, attribution in sorted(attributions.items()):
        lines.append(f"Beat {int(assessment.image_beats[i]) + 1}: {beat_explanation(attribution, assessment.model_leads)}")
    return lines
