"""Inference speed on this machine's CPU: a 10-s 12-lead ECG (~12 beats) and a 30-min record (~2,300 beats)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks import machine
from ecgcrt_gui.core.config import DEFAULT_CONFIG
from ecgcrt_gui.core.model import inference
from ecgcrt_gui.core.model.bundle import load_bundle, new_card, save_bundle
from ecgcrt_gui.core.model.network import architecture, build_model
from ecgcrt_gui.core.model.torchvision_compat import torchvision_mode

TARGETS = {12: 1.0, 2300: 20.0}  # beats -> seconds allowed once the model is loaded


def _bundle(tmp: Path) -> tuple[inference.ModelBundle, str, float]:
    """(bundle, which model, seconds to load and verify it): the bundled CRT model, else a random-init one."""
    if inference.CRT_MODEL.exists():
        path, which = inference.CRT_MODEL, f"bundled `{inference.CRT_MODEL.name}`"
    else:
        import torch

        torch.manual_seed(0)
        arch = architecture(18, 2)
        path = tmp / "random_resnet18.pt"
        save_bundle(build_model(arch).state_dict(), new_card("random", "0", "crt_response", arch,
                                                             ["non-responder", "responder"]), path)
        which = "randomly initialised ResNet-18 (no bundled weights yet; same architecture)"
    start = time.perf_counter()
    bundle = load_bundle(path)
    return bundle, which, time.perf_counter() - start


def _timed(predictor: inference.Predictor, images: np.ndarray) -> tuple[float, float]:
    """(wall seconds of the network, CPU seconds of this process over the call)."""
    cpu = time.process_time()
    wall = predictor.predict(images).seconds
    return wall, time.process_time() - cpu


def run(data: Path) -> str:
    import torch

    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        bundle, which, load_s = _bundle(Path(tmp))
    predictor = inference.Predictor(bundle, device="cpu")
    rng = np.random.default_rng(0)
    rows = []
    for n_beats, target in TARGETS.items():
        images = rng.normal(size=(n_beats, 2, *DEFAULT_CONFIG.image_size)).astype(np.float32)
        prediction = predictor.predict(images)
        first, averaged = prediction.seconds, prediction.n_beats
        timed = [_timed(predictor, images) for _ in range(5 if n_beats < 100 else 1)]
        wall = statistics.median(t[0] for t in timed)
        cpu = statistics.median(t[1] for t in timed)
        rows.append(f"| {n_beats:,} | {averaged:,} | {first:.3f} | {wall:.3f} | {cpu:.3f} | {1000 * wall / averaged:.2f} "
                    f"| < {target:g} | "
                    f"{'met' if max(first, wall) < target else 'MISSED'} |")
    return "\n".join([
        "## Inference speed (CPU)",
        "",
        f"Model: {which}, image {DEFAULT_CONFIG.image_size[0]}x{DEFAULT_CONFIG.image_size[1]}, 2 channels; "
        f"{inference.choose_device('cpu')[1]}, {machine.cpu()}; torch {torch.__version__}, "
        f"torchvision {torchvision_mode()}; batch {inference.BATCH_SIZE}. Loading and verifying the bundle "
        f"(sha256, card, state_dict): {load_s:.2f} s. Network time only (beat images given). Load average "
        f"{load:.1f} on {os.cpu_count()} cores at the start: wall times grow with other work on "
        "the machine, CPU seconds much less.",
        "",
        "| beats given | beats through the network | first call (s) | warm median (s) | CPU (s) | ms/beat | target (s) | |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
        *rows,
        "",
        "12 beats ~ a 10-s ECG; 2,300 beats ~ a 30-min Holter-length record, whose patient mean the CRT model takes "
        f"over a sample of {inference.MEAN_BEATS} beats or more (inference.mean_rows; these random images differ "
        "little, so the first sample suffices). Command: `python -m benchmarks bench_inference`.",
    ]) + "\n"
