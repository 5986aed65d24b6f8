"""Model bundle: a state_dict (.pt) beside its model card (.json); save, load and verify.

The app refuses weights whose file hash or preprocessing disagrees with the card, so a
corrupted download or a model trained on other inputs is never run silently.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecgcrt_gui.core.config import DEFAULT_CONFIG, DEFAULT_CONTEXT, BeatContextConfig, PreprocessConfig
from ecgcrt_gui.core.errors import BundleError
from ecgcrt_gui.core.support.atomic import atomic_path, write_text
from ecgcrt_gui.core.text import english_list, label_from_key, number

if TYPE_CHECKING:
    import torch

SCHEMA = "ecgcrt.modelcard/1"
_REQUIRED = ("name", "version", "task", "architecture", "classes", "preprocessing", "weights_sha256")


@dataclass
class ModelBundle:
    path: Path
    card: dict
    model: torch.nn.Module  # eval mode, on the CPU
    config: PreprocessConfig
    context: BeatContextConfig | None = None  # the beat classifier's RR-feature parameters

    @property
    def info(self) -> dict:
        """{name, version, sha256}: what results and reports cite."""
        return {"name": self.card["name"], "version": self.card["version"], "sha256": self.card["weights_sha256"]}


def new_card(name: str, version: str, task: str, architecture: dict, classes: list[str], **extra: Any) -> dict:
    """A model card for this app's preprocessing (and beat context, for a network that takes it);
    `extra` adds the rest (threshold, training, ...)."""
    card = {
        "schema": SCHEMA, "name": name, "version": version, "task": task, "architecture": architecture,
        "classes": list(classes), "preprocessing": DEFAULT_CONFIG.to_dict(),
        "preprocessing_digest": DEFAULT_CONFIG.digest(),
    }
    if "context" in architecture:
        card["beat_context"] = DEFAULT_CONTEXT.to_dict()
    return {**card, **extra}


def card_path(pt_path: str | os.PathLike) -> Path:
    """The model card beside a weights file: same name, .json."""
    return Path(pt_path).with_suffix(".json")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_bundle(state_dict: dict, card: dict, pt_path: str | os.PathLike) -> dict:
    """Write the weights and their card (filling schema, weights_sha256, weights_dtype); return the card."""
    import torch

    pt_path = Path(pt_path)
    pt_path.parent.mkdir(parents=True, exist_ok=True)
    # through a file object: torch.save given a path names the zip's records after that (temporary) file, so
    # the same weights would get another sha256 each time they are written
    with atomic_path(pt_path) as tmp, open(tmp, "wb") as fh:
        torch.save(state_dict, fh)
    dtypes = sorted({str(t.dtype).removeprefix("torch.") for t in state_dict.values() if t.is_floating_point()})
    card = {"schema": SCHEMA, **card, "weights_sha256": file_sha256(pt_path), "weights_dtype": ",".join(dtypes)}
    text = json.dumps(card, indent=2, ensure_ascii=False) + "\n"
    write_text(card_path(pt_path), text)
    return card


def read_card(pt_path: str | os.PathLike) -> dict:
    """The model card beside a weights file, checked for its schema and required fields (not yet
    against the weights: `load_bundle` does that)."""
    pt_path = Path(pt_path)
    path = card_path(pt_path)
    if not path.exists():
        raise BundleError(f"the model card {path.name} is missing beside {pt_path.name}; the weights cannot be verified")
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"the model card {path.name} cannot be read: {exc}") from None
    if not isinstance(card, dict) or card.get("schema") != SCHEMA:
        raise BundleError(f"the model card {path.name} is not an {SCHEMA} card")
    missing = [key for key in _REQUIRED if key not in card]
    if missing:
        raise BundleError(f"the model card {path.name} lacks {', '.join(missing)}")
    return card


def _check_preprocessing(card: dict) -> PreprocessConfig:
    """The card's PreprocessConfig, if it equals what this version of the app computes."""
    try:
        config = PreprocessConfig.from_dict(card["preprocessing"])
    except (TypeError, ValueError) as exc:
        raise BundleError(f"the model card's preprocessing cannot be used by this version of the app: {exc}") from None
    differing = _differing(config, DEFAULT_CONFIG)
    if differing:
        raise BundleError(
            "preprocessing mismatch: the model was trained on inputs this version of the app does not "
            f"compute; differing parameters: {'; '.join(differing)}"
        )
    if card.get("preprocessing_digest", config.digest()) != config.digest():
        raise BundleError("the model card's preprocessing fingerprint does not match its preprocessing parameters")
    return config


def _differing(config, app) -> list[str]:
    """Each field of a card's config dataclass that differs from the app's, as a person reads it."""
    return [f"{label_from_key(f.name)} (model {_shown(getattr(config, f.name))}, app {_shown(getattr(app, f.name))})"
            for f in fields(config) if getattr(config, f.name) != getattr(app, f.name)]


def _shown(value) -> str:
    """A preprocessing parameter as a person reads it: 0.5, II and V1, 64 x 64."""
    if isinstance(value, (list, tuple)):
        return " x ".join(map(_shown, value)) if all(isinstance(v, int) for v in value) else english_list(map(_shown, value))
    return number(value, 2) if isinstance(value, float) else str(value)


def _check_context(card: dict) -> BeatContextConfig | None:
    """The card's BeatContextConfig, if the network takes beat context and it equals the app's; None
    for a network on images alone (a CRT model, or a beat classifier of an earlier version, whose
    ResNet can still start a CRT model's transfer: the app's BeatClassifier refuses it)."""
    from ecgcrt_gui.core.signal.beat_context import FEATURES

    arch = card["architecture"] if isinstance(card["architecture"], dict) else {}
    context = arch.get("context")
    if context is None:
        return None
    if "beat_context" not in card:
        raise BundleError("the model card describes a network that takes beat context but has no 'beat_context'")
    try:
        config = BeatContextConfig.from_dict(card["beat_context"])
    except (TypeError, ValueError) as exc:
        raise BundleError(f"the model card's beat_context cannot be used by this version of the app: {exc}") from None
    differing = _differing(config, DEFAULT_CONTEXT)
    features = list(context.get("features", []))
    if features != list(FEATURES):
        differing.append(f"RR features (model {english_list(features) or 'none'}, app {english_list(FEATURES)})")
    if differing:
        raise BundleError(
            "beat context mismatch: the model was trained on RR features this version of the app does not compute; "
            f"differing parameters: {'; '.join(differing)}"
        )
    return config


def _fit_state_dict(model: torch.nn.Module, state: dict, arch: dict) -> None:
    """Load `state` into `model` (as float32), or say plainly how it does not fit."""
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    reshaped = [k for k in expected if k in state and tuple(state[k].shape) != tuple(expected[k].shape)]
    if missing or unexpected or reshaped:
        problems = [f"{len(v)} {what} (e.g. {v[0]})" for what, v in
                    (("missing", missing), ("unexpected", unexpected), ("of another shape", reshaped)) if v]
        raise BundleError(
            f"the weights do not fit the architecture in the model card (ResNet-{arch['depth']}, "
            f"{arch['num_classes']} classes): tensors {', '.join(problems)}"
        )
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})


def load_bundle(pt_path: str | os.PathLike) -> ModelBundle:
    """Load and verify a bundle; the model is in eval mode on the CPU. Raises BundleError."""
    import torch

    from ecgcrt_gui.core.model.network import build_model

    pt_path = Path(pt_path)
    if not pt_path.is_file():
        raise BundleError(f"model file not found: {pt_path}")
    card = read_card(pt_path)
    if file_sha256(pt_path) != card["weights_sha256"]:
        raise BundleError(
            f"the weights file {pt_path.name} does not match its model card: it may be corrupted or altered"
        )
    config = _check_preprocessing(card)
    context = _check_context(card)
    arch = card["architecture"]
    if not isinstance(arch, dict) or arch.get("num_classes") != len(card["classes"]):
        raise BundleError("the model card is inconsistent: its architecture's number of classes differs from its "
                          "list of classes")
    try:
        model = build_model(arch)
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"the model card describes a network this app cannot build: {exc}") from None
    try:
        state = torch.load(pt_path, weights_only=True, map_location="cpu")
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means an unusable file
        raise BundleError(f"the weights file {pt_path.name} cannot be read: {exc}") from None
    if not isinstance(state, dict):
        raise BundleError(f"the weights file {pt_path.name} does not hold network weights (a PyTorch state dictionary)")
    _fit_state_dict(model, state, arch)
    return ModelBundle(path=pt_path, card=card, model=model.eval(), config=config, context=context)
