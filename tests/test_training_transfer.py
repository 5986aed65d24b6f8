"""The CRT model's transfer starts from the beat classifier's image backbone (its RR branch and head stay behind)."""

from __future__ import annotations

import torch

from ecgcrt_gui.core.model.bundle import load_bundle, new_card, save_bundle
from ecgcrt_gui.core.model.network import architecture, build_model
from ecgcrt_gui.core.signal.beat_context import FEATURES
from training.cohort_data import new_crt_model


def test_crt_model_takes_the_beat_classifiers_resnet(tmp_path):
    torch.manual_seed(3)
    arch = architecture(18, 5, {"features": list(FEATURES), "hidden": 8, "template": True})
    pt = tmp_path / "aami.pt"
    save_bundle(build_model(arch).state_dict(), new_card("aami", "0.1", "aami_beats", arch, list("NSVFQ")), pt)
    source = load_bundle(pt).model.image.state_dict()
    crt = new_crt_model(18, pt).state_dict()
    body = [k for k in crt if not k.startswith("fc.")]
    assert body and all(torch.equal(crt[k], source[k]) for k in body)
    assert crt["fc.weight"].shape == (2, 512)
    fresh = new_crt_model(18, None).state_dict()
    assert not torch.equal(fresh["conv1.weight"], crt["conv1.weight"])
