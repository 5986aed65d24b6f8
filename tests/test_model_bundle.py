"""build_model, save_bundle and load_bundle: round trip, and every refusal with its message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from ecgcrt_gui.core.config import DEFAULT_CONFIG
from ecgcrt_gui.core.model.bundle import BundleError, card_path, load_bundle, new_card, save_bundle
from ecgcrt_gui.core.model.network import STEM, architecture, build_model
from ecgcrt_gui.core.text import text_problems


def _save(path: Path, depth: int = 18, dtype: torch.dtype = torch.float16) -> tuple[dict, torch.nn.Module]:
    torch.manual_seed(0)
    model = build_model(architecture(depth, 2)).eval()
    state = {k: v.to(dtype) if v.is_floating_point() else v for k, v in model.state_dict().items()}
    card = new_card("test_resnet", "0.1", "crt_response", architecture(depth, 2), ["non-responder", "responder"],
                    decision_threshold=0.5, demonstration=True)
    return save_bundle(state, card, path), model


def _rewrite_card(pt: Path, **changes) -> None:
    card = json.loads(card_path(pt).read_text())
    card.update(changes)
    card_path(pt).write_text(json.dumps(card))


@pytest.fixture
def pt(tmp_path: Path) -> Path:
    path = tmp_path / "m.pt"
    _save(path)
    return path


@pytest.mark.parametrize("depth", [18, 50])
def test_build_model_takes_two_channel_beat_images(depth):
    model = build_model(architecture(depth, 5)).eval()
    assert model.conv1.in_channels == 2
    with torch.inference_mode():
        out = model(torch.randn(3, 2, *DEFAULT_CONFIG.image_size))
    assert out.shape == (3, 5)


def test_build_model_refuses_unknown_architecture():
    with pytest.raises(ValueError, match="depth 34"):
        build_model({**architecture(), "depth": 34})
    with pytest.raises(ValueError, match="unsupported stem"):
        build_model({**architecture(), "stem": "3x3 stride-1"})


def test_round_trip_restores_the_network(tmp_path: Path):
    path = tmp_path / "sub" / "m.pt"
    card, original = _save(path, dtype=torch.float32)
    bundle = load_bundle(path)
    assert card["weights_dtype"] == "float32" and len(card["weights_sha256"]) == 64
    assert json.loads(card_path(path).read_text()) == card == bundle.card
    assert bundle.config == DEFAULT_CONFIG and not bundle.model.training
    assert bundle.info == {"name": "test_resnet", "version": "0.1", "sha256": card["weights_sha256"]}
    x = torch.randn(4, 2, *DEFAULT_CONFIG.image_size)
    with torch.inference_mode():
        assert torch.equal(bundle.model(x), original(x))
    assert sorted(p.name for p in path.parent.iterdir()) == ["m.json", "m.pt"]  # no temporary files left


def test_the_same_weights_get_the_same_sha256_wherever_they_are_written(tmp_path: Path):
    first, _ = _save(tmp_path / "a" / "m.pt")
    again, _ = _save(tmp_path / "b" / "other_name.pt")
    assert first["weights_sha256"] == again["weights_sha256"]


def test_float16_weights_load_as_float32(pt: Path):
    bundle = load_bundle(pt)
    assert bundle.card["weights_dtype"] == "float16"
    assert bundle.model.fc.weight.dtype == torch.float32


def test_one_changed_byte_is_refused(pt: Path):
    blob = bytearray(pt.read_bytes())
    blob[len(blob) // 2] ^= 0x01
    pt.write_bytes(bytes(blob))
    with pytest.raises(BundleError, match="does not match its model card: it may be corrupted or altered"):
        load_bundle(pt)


def test_changed_preprocessing_is_refused_naming_the_parameter(pt: Path):
    card = json.loads(card_path(pt).read_text())
    _rewrite_card(pt, preprocessing={**card["preprocessing"], "stft_window": 128})
    with pytest.raises(BundleError, match=r"preprocessing mismatch.*STFT window \(model 128, app 64\)") as err:
        load_bundle(pt)
    assert text_problems(str(err.value)) == []  # a message a researcher reads: no program internals


def test_unknown_preprocessing_parameter_is_refused(pt: Path):
    card = json.loads(card_path(pt).read_text())
    _rewrite_card(pt, preprocessing={**card["preprocessing"], "wavelet": "db4"})
    with pytest.raises(BundleError, match="unknown preprocessing parameters: wavelet") as err:
        load_bundle(pt)
    assert text_problems(str(err.value)) == []


def test_missing_card_is_refused(pt: Path):
    card_path(pt).unlink()
    with pytest.raises(BundleError, match="the model card m.json is missing beside m.pt"):
        load_bundle(pt)


def test_unreadable_card_is_refused(pt: Path):
    card_path(pt).write_text("{not json")
    with pytest.raises(BundleError, match="the model card m.json cannot be read"):
        load_bundle(pt)


def test_missing_weights_file_is_refused(tmp_path: Path):
    with pytest.raises(BundleError, match="model file not found"):
        load_bundle(tmp_path / "absent.pt")


def test_card_for_resnet50_with_resnet18_weights_is_refused(pt: Path):
    _rewrite_card(pt, architecture=architecture(50, 2))
    with pytest.raises(BundleError, match=r"do not fit the architecture in the model card \(ResNet-50, 2 classes\)"):
        load_bundle(pt)


def test_card_with_wrong_number_of_classes_is_refused(pt: Path):
    _rewrite_card(pt, classes=["N", "S", "V"])
    with pytest.raises(BundleError, match="number of classes differs from its list of classes") as err:
        load_bundle(pt)
    assert text_problems(str(err.value)) == []


def test_card_for_unbuildable_network_is_refused(pt: Path):
    _rewrite_card(pt, architecture={**architecture(18, 2), "stem": STEM + " (changed)"})
    with pytest.raises(BundleError, match="cannot build: unsupported stem"):
        load_bundle(pt)
