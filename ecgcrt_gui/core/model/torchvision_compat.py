"""The one place that imports torchvision, so its ResNets load even on CPU-only torch.

A torchvision wheel built for CUDA, installed beside a CPU build of torch, cannot load its
compiled extension; `torchvision/_meta_registrations.py` then registers fake kernels for
detection ops (nms, roi_align, ...) that do not exist and the import fails with
"operator torchvision::nms does not exist". The ResNets never use those ops, so on that
error we replace the two registration modules by empty ones and import again.
"""

from __future__ import annotations

import importlib
import logging
import sys
import types
from collections.abc import Callable, MutableMapping
from typing import Any

log = logging.getLogger(__name__)

# Modules that only register kernels for torchvision's compiled (detection) ops.
_REGISTRATION_MODULES = ("torchvision._meta_registrations", "torchvision._autograd_registrations")
_CONSTRUCTORS = {18: "resnet18", 50: "resnet50", 101: "resnet101"}

_state: dict[str, Any] = {}


def _import_models(
    import_module: Callable[[str], types.ModuleType],
    modules: MutableMapping[str, types.ModuleType],
) -> tuple[types.ModuleType, str]:
    """Import torchvision.models natively, else with stubbed op registrations; (module, mode)."""
    try:
        return import_module("torchvision.models"), "native"
    except RuntimeError as exc:
        if "torchvision::" not in str(exc):
            raise
        log.debug("torchvision extension unusable (%s); importing models without it", exc)
    for name in [n for n in modules if n == "torchvision" or n.startswith("torchvision.")]:
        del modules[name]  # half-imported leftovers of the failed attempt
    for name in _REGISTRATION_MODULES:
        modules[name] = types.ModuleType(name)
    return import_module("torchvision.models"), "models-only"


def _models() -> types.ModuleType:
    if "models" not in _state:
        _state["models"], _state["mode"] = _import_models(importlib.import_module, sys.modules)
    return _state["models"]


def resnet_constructor(depth: int) -> Callable[..., Any]:
    """torchvision.models.resnet18/50/101 for depth 18/50/101."""
    if depth not in _CONSTRUCTORS:
        raise ValueError(f"unsupported ResNet depth {depth}; expected one of {sorted(_CONSTRUCTORS)}")
    return getattr(_models(), _CONSTRUCTORS[depth])


def torchvision_mode() -> str:
    """'native' when torchvision imported whole, 'models-only' when its op extension was skipped."""
    _models()
    return _state["mode"]
