"""Network construction: torchvision ResNet-18/50/101 taking 2-channel beat images, and the beat
classifier that fuses those images with each beat's context features (RR intervals)."""

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
FUSION = "concat(ResNet image features, ResNet features minus the record template's, MLP(log context)) -> linear"


def architecture(depth: int = 18, num_classes: int = 2, context: dict | None = None) -> dict:
    """The card's `architecture` entry: a ResNet of this depth and number of classes; with
    `context` ({features: [names], hidden: int, template: bool}) the fused beat classifier."""
    arch = {"family": "resnet", "depth": depth, "in_channels": 2, "num_classes": num_classes, "stem": STEM}
    if context is not None:
        arch["context"] = {**context, "fusion": FUSION}
    return arch


def _resnet(architecture: dict, num_classes: int) -> torch.nn.Module:
    from torch import nn

    from ecgcrt_gui.core.model.torchvision_compat import resnet_constructor

    family = architecture.get("family")
    depth = architecture.get("depth")
    stem = architecture.get("stem", STEM)
    if family != "resnet" or depth not in DEPTHS:
        raise ValueError(f"unsupported architecture {family!r} depth {depth!r}; expected resnet 18, 50 or 101")
    if stem != STEM:
        raise ValueError(f"unsupported stem {stem!r}; this version builds: {STEM!r}")
    model = resnet_constructor(depth)(weights=None, num_classes=num_classes)
    model.conv1 = nn.Conv2d(int(architecture.get("in_channels", 2)), 64, 7, 2, 3, bias=False)
    return model


def build_model(architecture: dict) -> torch.nn.Module:
    """A randomly initialised network as described by a model card's `architecture`."""
    if "context" in architecture:
        return _beat_net(architecture)
    return _resnet(architecture, int(architecture["num_classes"]))


def image_backbone_state(model: torch.nn.Module) -> dict:
    """The ResNet weights of a network, its classification layer excluded, keyed as a plain ResNet's:
    what the CRT model's transfer starts from (a beat classifier's `image` ResNet, or a plain ResNet)."""
    resnet = getattr(model, "image", model)
    return {k: v for k, v in resnet.state_dict().items() if not k.startswith("fc.")}


def _beat_net(architecture: dict) -> torch.nn.Module:
    import torch
    from torch import nn

    context = architecture["context"]
    if context.get("fusion") != FUSION:
        raise ValueError(f"unsupported fusion {context.get('fusion')!r}; this version builds: {FUSION!r}")
    n_context, hidden, template = len(context["features"]), int(context["hidden"]), bool(context.get("template"))
    image = _resnet(architecture, 1)
    width = image.fc.in_features
    image.fc = nn.Identity()

    class BeatNet(nn.Module):
        """logits = head([image features, image - template features, MLP(log context)]).

        `image` is a plain ResNet (its fc removed): the CRT model's transfer starts from it.
        Context features are positive (seconds and ratios of RR intervals): their logarithm makes a
        ratio and its inverse symmetric about 0 before a learned normalisation (BatchNorm).
        """

        def __init__(self) -> None:
            super().__init__()
            self.image = image
            self.context = nn.Sequential(nn.BatchNorm1d(n_context), nn.Linear(n_context, hidden), nn.ReLU(),
                                         nn.Linear(hidden, hidden), nn.ReLU())
            self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(width * (2 if template else 1) + hidden,
                                                                 int(architecture["num_classes"])))

        def forward(self, images: torch.Tensor, context: torch.Tensor, templates: torch.Tensor | None = None,
                    template_index: torch.Tensor | None = None) -> torch.Tensor:
            """images [k,2,H,W], context [k,F]; templates [m,2,H,W] (the beats' records' median
            images) and template_index [k] (each beat's row in templates) when the card has a template."""
            template_feats = self.image(templates)[template_index] if template else None
            return self.fuse(self.image(images), context, template_feats)

        def fuse(self, feats: torch.Tensor, context: torch.Tensor,
                 template_feats: torch.Tensor | None = None) -> torch.Tensor:
            """logits from the beats' image features [k, width], their context [k,F] and (with a
            template) their templates' image features [k, width]: the head on the ResNet's output,
            so inference may run the ResNet on its own (core/model/inference.py, oneDNN on the CPU)."""
            parts = [feats]
            if template:
                parts.append(feats - template_feats)
            parts.append(self.context(torch.log(context.clamp_min(1e-3))))
            return self.head(torch.cat(parts, dim=1))

    return BeatNet()
