"""The torchvision shim: ResNets import on CPU-only torch; other import errors still surface."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

from ecgcrt_gui.core.model import torchvision_compat as tvc


def test_resnets_run_forward_on_cpu_in_a_fresh_interpreter():
    code = (
        "import torch\n"
        "from ecgcrt_gui.core.model.torchvision_compat import resnet_constructor, torchvision_mode\n"
        "for depth in (18, 50):\n"
        "    net = resnet_constructor(depth)(weights=None, num_classes=3).eval()\n"
        "    with torch.inference_mode():\n"
        "        out = net(torch.randn(2, 3, 64, 64))\n"
        "    assert out.shape == (2, 3) and torch.isfinite(out).all(), out\n"
        "print(torchvision_mode())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in {"native", "models-only"}


def test_native_import_is_returned_untouched():
    real = types.ModuleType("torchvision.models")
    modules = {"torchvision": types.ModuleType("torchvision")}
    got, mode = tvc._import_models(lambda name: real, modules)
    assert got is real and mode == "native"
    assert list(modules) == ["torchvision"]


def test_missing_op_error_installs_stubs_and_retries():
    real = types.ModuleType("torchvision.models")
    calls = []

    def importer(name):
        calls.append(name)
        if len(calls) == 1:
            modules["torchvision.ops"] = types.ModuleType("torchvision.ops")  # a half import
            raise RuntimeError("operator torchvision::nms does not exist")
        return real

    modules = {"torchvision": types.ModuleType("torchvision"), "numpy": types.ModuleType("numpy")}
    got, mode = tvc._import_models(importer, modules)
    assert got is real and mode == "models-only" and len(calls) == 2
    assert sorted(modules) == ["numpy", "torchvision._autograd_registrations", "torchvision._meta_registrations"]


@pytest.mark.parametrize("error", [RuntimeError("CUDA driver too old"), ImportError("no module named torchvision")])
def test_other_import_errors_propagate(error):
    def importer(name):
        raise error

    modules = {"torchvision": types.ModuleType("torchvision")}
    with pytest.raises(type(error), match=str(error)):
        tvc._import_models(importer, modules)
    assert list(modules) == ["torchvision"]


def test_unsupported_depth_is_refused():
    with pytest.raises(ValueError, match="unsupported ResNet depth 34"):
        tvc.resnet_constructor(34)
