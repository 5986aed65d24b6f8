"""Model cards and bundles written by training, in the format `core.bundle` loads."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

INTENDED_USE_AAMI = (
    "Labels each beat of an ECG with an AAMI EC57 class (N, S, V, F, Q); used as the pre-trained "
    "starting point of the CRT model and to flag ectopic beats. For research use; not a medical device."
)
INTENDED_USE_CRT = (
    "Estimates the probability that a patient with a wide QRS responds to cardiac resynchronization "
    "therapy (LVESV reduction of at least 15 % at 6 months) from the beats of a 12-lead ECG. "
    "For research use; not a medical device."
)
REPO_ROOT = Path(__file__).resolve().parent.parent


def code_version() -> str:
    """$ECGCRT_CODE_VERSION (set where the checkout has no .git), else `git describe --always --dirty`."""
    env = os.environ.get("ECGCRT_CODE_VERSION")
    if env:
        return env
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def device_description(device: str, amp: bool) -> str:
    """Where a model was trained, and in which precision (`amp`: mixed precision was asked for)."""
    import torch

    if device.startswith("cuda"):
        precision = ", AMP float16" if amp else ", float32"
        return f"{torch.cuda.get_device_name(torch.device(device))} (CUDA {torch.version.cuda}, torch {torch.__version__}{precision})"
    import platform

    from training.engine import cpu_bf16

    precision = ", bfloat16 autocast" if amp and cpu_bf16() else ", float32"
    return f"CPU {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads (torch {torch.__version__}{precision})"


def training_entry(data: str, command: str, seed: int, epochs: int, device: str, amp: bool, **extra) -> dict:
    """The card's `training` object."""
    return {
        "data": data, "command": command, "code_version": code_version(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "seed": seed, "epochs": epochs,
        "device": device_description(device, amp), **extra,
    }


def export_bundle(model, pt_path: Path, *, name: str, task: str, architecture: dict, classes: list[str], **card_extra) -> dict:
    """Save `model` as a bundle (float16 tensors: half the installer size) and return its card."""
    from ecgcrt_gui.core.model.bundle import new_card, save_bundle

    state = {k: v.detach().cpu().half() if v.is_floating_point() else v.detach().cpu() for k, v in model.state_dict().items()}
    card = new_card(name, card_extra.pop("version", "1.0"), task, architecture, classes, **card_extra)
    return save_bundle(state, card, pt_path)


def add_to_card(pt_path: Path, section: str, key: str, value) -> dict:
    """Add `value` as card[section][key] to an exported bundle's card (the weights, and so their hash, stay)."""
    import json

    from ecgcrt_gui.core.model.bundle import card_path
    from ecgcrt_gui.core.support.atomic import write_text

    path = card_path(pt_path)
    card = json.loads(path.read_text(encoding="utf-8"))
    card.setdefault(section, {})[key] = value
    write_text(path, json.dumps(card, indent=2, ensure_ascii=False) + "\n")
    return card
