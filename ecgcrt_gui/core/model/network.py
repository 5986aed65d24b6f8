"""Network construction: torchvision ResNet-18/50/101 taking 2-channel beat images."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

# torchvision's stem geometry with a 2-channel first conv. A 3x3 stride-1 stem without the
# max-pool runs the 64x64 images at full resolution through layer1 and costs ~30x the
# compute (67 ms vs 2 ms per beat for ResNet-18 on this CPU): a 30-minute record would
# take minutes on a clinic laptop instead of seconds.
STEM = "torchvision 7x7 stride-2 conv with 2 input channels, then 3x3 stride-2 max-pool"
DEPTHS = (18, 50, 101)


def architecture(depth: int = 18, num_classes: int = 2) -> dict:
    """The card's `architecture` entry for a ResNet of this depth and number of classes."""
    return {"family": "resnet", "depth": depth, "in_channels": 2, "num_classes": num_classes, "stem": STEM}


def build_model(architecture: dict) -> torch.nn.Module:
    """A randomly initialised ResNet as described by a model card's `architecture`."""
    from torch import nn

    from ecgcrt_gui.core.model.torchvision_compat import resnet_constructor

    family = architecture.get("family")
    depth = architecture.get("depth")
    stem = architecture.get("stem", STEM)
    if family != "resnet" or depth not in DEPTHS:
        raise ValueError(f"unsupported architecture {family!r} depth {depth!r}; expected resnet 18, 50 or 101")
    if stem != STEM:
        raise ValueError(f"unsupported stem {stem!r}; this version builds: {STEM!r}")
    model = resnet_constructor(depth)(weights=None, num_classes=int(architecture["num_classes"]))
    model.conv1 = nn.Conv2d(int(architecture.get("in_channels", 2)), 64, 7, 2, 3, bias=False)
    return model
