"""Attribution maps checked for meaning: a constructed input whose evidence is known, and the
model-randomisation sanity check (Adebayo et al. 2018) on the bundled CRT model and a real ECG."""

from __future__ import annotations

import numpy as np
import pytest

from ecgcrt_gui.core.config import DEFAULT_CONFIG
from ecgcrt_gui.core.model.attribution import attribute, attribute_bundle, describe, strongest_region
from ecgcrt_gui.core.model.inference import aggregate, beat_influence
from ecgcrt_gui.core.signal.spectrogram import image_axes

H, W = DEFAULT_CONFIG.image_size
ROWS, COLS = slice(20, 30), slice(40, 48)  # the only evidence the constructed model reads: lead V1


def _known_evidence_model():
    import torch

    class RegionReader(torch.nn.Module):
        def forward(self, x):
            evidence = 10.0 * x[:, 1, ROWS, COLS].mean(dim=(1, 2))
            return torch.stack([torch.zeros_like(evidence), evidence], dim=1)

    return RegionReader().eval()


def test_a_constructed_input_puts_all_evidence_where_the_model_reads_it():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (2, 2, H, W)).astype(np.float32)
    x[:, 1, ROWS, COLS] = np.abs(x[:, 1, ROWS, COLS]) + 0.5  # positive evidence for "responder"
    a = attribute(_known_evidence_model(), x)
    outside = a.maps.copy()
    outside[:, 1, ROWS, COLS] = 0
    assert np.abs(outside).max() == 0  # nothing the model does not read gets any credit
    assert (a.maps[:, 1, ROWS, COLS] > 0).all()
    # Completeness: the map sums to P(beat) - P(baseline), here sigmoid(evidence) - 0.5.
    np.testing.assert_allclose(a.maps.sum(axis=(1, 2, 3)), a.probabilities - a.baseline_probability, atol=2e-3)
    assert a.baseline_probability == pytest.approx(0.5)
    region = strongest_region(a.maps[0], ["II", "V1"])
    t_ms, f_hz = image_axes()
    assert region.lead == "V1" and region.share > 0.99
    assert region.t_ms[0] <= t_ms[40] and region.t_ms[1] >= t_ms[47]
    assert region.f_hz[0] <= f_hz[20] and region.f_hz[1] >= f_hz[29]
    assert strongest_region(a.maps[0], ["II", "V1"], sign=-1) is None
    assert describe(None, "away from response") == "No part of the beat pushed away from response."


@pytest.fixture(scope="module")
def demo_beats():
    from ecgcrt_gui.core import io
    from ecgcrt_gui.core.signal import rpeaks, spectrogram
    from ecgcrt_gui.core.support.resources import DEMO_ECG

    record = io.read(DEMO_ECG)
    signal2, _, _ = spectrogram.model_signal(record)
    images, _ = spectrogram.beat_images(signal2, record.fs, rpeaks.detect(record.signal, record.fs))
    return images[:2]


def test_randomised_weights_change_the_map_of_the_bundled_model(demo_beats):
    import torch
    from scipy.stats import spearmanr

    from ecgcrt_gui.core.model.inference import load_default
    from ecgcrt_gui.core.model.network import build_model

    bundle = load_default("crt")
    trained = attribute_bundle(bundle, demo_beats)
    again = attribute_bundle(bundle, demo_beats)
    torch.manual_seed(1)
    randomised = attribute(build_model(bundle.card["architecture"]).eval(), demo_beats)
    for i in range(len(demo_beats)):
        assert spearmanr(trained.maps[i].ravel(), again.maps[i].ravel())[0] == pytest.approx(1.0)  # deterministic
        rho = spearmanr(trained.maps[i].ravel(), randomised.maps[i].ravel())[0]
        assert abs(rho) < 0.3, rho  # the map depends on what the network learnt, not on the image alone
    np.testing.assert_allclose(trained.maps.sum(axis=(1, 2, 3)), trained.probabilities - trained.baseline_probability,
                               atol=float(np.abs(trained.convergence_delta).max()) + 1e-4)


def test_beat_influence_is_the_leave_one_out_change_of_the_patient_probability():
    p = np.array([0.9, 0.2, 0.5, 0.6])
    loo = [aggregate(p) - aggregate(np.delete(p, i)) for i in range(len(p))]
    np.testing.assert_allclose(beat_influence(p), loo)
    assert beat_influence(np.array([0.7])).tolist() == [0.0]


def test_a_missing_attribution_library_is_said_plainly(monkeypatch):
    import sys

    from ecgcrt_gui.core.errors import UserFacingError

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as in a build that leaves matplotlib out
    for name in [m for m in sys.modules if m == "captum" or m.startswith("captum.")]:
        monkeypatch.delitem(sys.modules, name)  # captum imported afresh (monkeypatch puts it back after)
    with pytest.raises(UserFacingError, match="this installation lacks matplotlib"):
        attribute(_known_evidence_model(), np.zeros((1, 2, H, W), np.float32))
