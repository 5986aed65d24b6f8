"""ResNet-50 and ResNet-101: the 2-channel stem, their bundles saved and loaded, transfer into a CRT model."""

from __future__ import annotations

import numpy as np
import pytest

from ecgcrt_gui.core.config import DEFAULT_CONFIG
from ecgcrt_gui.core.model.bundle import load_bundle
from ecgcrt_gui.core.model.network import architecture, build_model
from training.cohort_data import new_crt_model
from training.export import export_bundle


@pytest.mark.parametrize("depth, params", [(50, 23.5e6), (101, 42.5e6)])
def test_deep_resnet_takes_two_channel_beats_and_its_bundle_loads(tmp_path, depth, params):
    import torch

    torch.manual_seed(depth)
    model = build_model(architecture(depth, 5)).eval()
    assert model.conv1.in_channels == 2 and model.conv1.kernel_size == (7, 7) and model.conv1.stride == (2, 2)
    assert sum(p.numel() for p in model.parameters()) == pytest.approx(params, rel=0.01)
    x = torch.randn(3, 2, *DEFAULT_CONFIG.image_size)
    with torch.inference_mode():
        assert model(x).shape == (3, 5)
    card = export_bundle(model, tmp_path / f"aami_resnet{depth}.pt", name=f"aami_resnet{depth}", task="aami_beats",
                         architecture=architecture(depth, 5), classes=["N", "S", "V", "F", "Q"], demonstration=False)
    bundle = load_bundle(tmp_path / f"aami_resnet{depth}.pt")
    assert bundle.card["architecture"]["depth"] == depth and bundle.card["weights_sha256"] == card["weights_sha256"]
    with torch.inference_mode():  # the float16 bundle reproduces the float32 network within half precision
        np.testing.assert_allclose(bundle.model(x).numpy(), model(x).numpy(), atol=0.05 * float(model(x).abs().max()))
    crt = new_crt_model(depth, tmp_path / f"aami_resnet{depth}.pt")
    assert crt.fc.out_features == 2
    assert torch.equal(crt.layer4[-1].conv3.weight, bundle.model.layer4[-1].conv3.weight)
    with pytest.raises(SystemExit, match=f"is a ResNet-{depth}, not 18"):
        new_crt_model(18, tmp_path / f"aami_resnet{depth}.pt")
