"""The training loop shared by pre-training and fine-tuning: one code path for CPU, CUDA
(mixed precision) and data-parallel runs under torchrun, with per-epoch checkpoints."""

from __future__ import annotations

import hashlib
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from training.checkpoint import load_checkpoint, save_checkpoint
from training.distributed import World


@dataclass
class TrainOptions:
    epochs: int = 5
    batch_size: int = 128
    lr: float = 1e-3
    weight_decay: float = 1e-4
    beats_per_epoch: int | None = None  # a fresh random subsample each epoch; None = all beats
    # Class balance: each epoch's beats are drawn with probability ∝ class count^-sample_power
    # (0: uniform, 1: every class alike) and the loss weighs classes ∝ count^-loss_power.
    sample_power: float = 0.0
    loss_power: float = 0.5
    seed: int = 0
    amp: bool = True  # float16 on CUDA; bfloat16 on a CPU with bf16 kernels (AMX / AVX512-BF16)
    checkpoint: Path | None = None
    resume: bool = False
    stop_after: int | None = None  # leave after this many epochs of this run (time-boxed jobs)


def seed_everything(seed: int) -> None:
    import random

    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def class_weights(labels: np.ndarray, num_classes: int, power: float = 0.5) -> np.ndarray:
    """Loss weights proportional to class frequency^-power, mean 1 over present classes.

    The default 1/sqrt: full inverse frequency would weigh one MIT-BIH F beat like 110 N beats
    and wreck N accuracy; the square root still lifts the rare classes well above their share.
    """
    counts = np.bincount(labels, minlength=num_classes).astype(np.float64)
    w = np.where(counts > 0, np.maximum(counts, 1) ** -power, 0.0)
    return w * (counts > 0).sum() / w.sum()


class Images:
    """Model inputs that are beat images alone, [n,2,H,W] (float16 or float32)."""

    def __init__(self, images: np.ndarray) -> None:
        self.images = images

    def __len__(self) -> int:
        return len(self.images)

    def batch(self, idx: np.ndarray, device: str, train: bool = False) -> tuple:
        import torch

        return (torch.from_numpy(np.ascontiguousarray(self.images[idx])).to(device).float(),)


def _as_inputs(inputs):
    """An inputs object (len, batch(idx, device, train) -> tuple of the model's arguments)."""
    return Images(inputs) if isinstance(inputs, np.ndarray) else inputs


def state_hash(state_dict: dict) -> str:
    """sha256 over every tensor of a state_dict, in key order (equal weights, equal hash)."""
    h = hashlib.sha256()
    for key in sorted(state_dict):
        h.update(key.encode())
        h.update(state_dict[key].detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def cpu_bf16() -> bool:
    """True where oneDNN has bfloat16 kernels on this CPU (AMX or AVX512-BF16): training there is
    ~1.5x faster in bf16 autocast with channels-last (ResNet-18, 64x64 beats, measured on this machine)."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def _epoch_indices(labels: np.ndarray, opts: TrainOptions, epoch: int) -> np.ndarray:
    """This epoch's beats: the same on every rank (seeded by seed and epoch). With sample_power,
    rare classes are drawn more often (with replacement, so a class of 30 beats can fill its share)."""
    n = len(labels)
    size = n if opts.beats_per_epoch is None else opts.beats_per_epoch
    if opts.sample_power == 0 and size >= n:
        return np.arange(n)
    rng = np.random.default_rng([opts.seed, epoch])
    if opts.sample_power == 0:
        return np.sort(rng.choice(n, size, replace=False))
    counts = np.bincount(labels).astype(np.float64)
    p = counts[labels] ** -opts.sample_power  # so a class's share ∝ count^(1 - power)
    return np.sort(rng.choice(n, size, replace=True, p=p / p.sum()))


def _sync_buffers(model, world: World) -> None:
    """BatchNorm running statistics from rank 0, so every rank ends an epoch with equal state."""
    if world.distributed:
        import torch.distributed as dist

        for buf in model.buffers():
            dist.broadcast(buf, 0)


def _progress(iterable, total: int, desc: str, world: World):
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, leave=False, disable=not (world.is_main and sys.stderr.isatty()))


def _epoch_order(labels: np.ndarray, opts: TrainOptions, epoch: int, world: World) -> tuple[np.ndarray, int]:
    """This rank's beats for the epoch, shuffled, and how many beats the epoch draws over all ranks."""
    from torch.utils.data.distributed import DistributedSampler

    chosen = _epoch_indices(labels, opts, epoch)
    sampler = DistributedSampler(range(len(chosen)), num_replicas=world.size, rank=world.rank, shuffle=True, seed=opts.seed)
    sampler.set_epoch(epoch)
    return chosen[np.fromiter(iter(sampler), dtype=np.int64)], len(chosen)


def train_one_epoch(net, loss_fn, optimizer, scaler, inputs, labels_t, order: np.ndarray, opts: TrainOptions,
                    device: str, desc: str, world: World) -> tuple[float, int]:
    """One pass over `order` (indices into the inputs) in batches; returns (summed loss, beats seen).
    Mixed precision where fit() turned it on: float16 on CUDA, bfloat16 on a CPU that has its kernels."""
    import torch

    cuda = device.startswith("cuda")
    amp = opts.amp and (cuda or cpu_bf16())
    n_batches = math.ceil(len(order) / opts.batch_size)
    net.train()
    total, seen = 0.0, 0
    for b in _progress(range(n_batches), n_batches, desc, world):
        idx = order[b * opts.batch_size:(b + 1) * opts.batch_size]
        xs = inputs.batch(idx, device, train=True)
        if amp:
            xs = (xs[0].contiguous(memory_format=torch.channels_last), *xs[1:])
        y = labels_t[torch.from_numpy(idx)].to(device, non_blocking=True)
        with torch.autocast(device_type="cuda" if cuda else "cpu", dtype=torch.float16 if cuda else torch.bfloat16,
                            enabled=amp):
            loss = loss_fn(net(*xs).float(), y)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        total += float(loss.detach()) * len(idx)
        seen += len(idx)
    return total, seen


def fit(model, inputs, labels: np.ndarray, num_classes: int, opts: TrainOptions, world: World, device: str):
    """Train `model` in place on (inputs, labels [n]); returns the per-epoch history.
    `inputs`: beat images [n,2,H,W], or an object whose batch(idx, device, train) gives the model's arguments."""
    import torch
    from torch import nn

    cuda = device.startswith("cuda")
    amp = opts.amp and (cuda or cpu_bf16())
    model.to(device)
    if amp:
        model = model.to(memory_format=torch.channels_last)
    net = nn.parallel.DistributedDataParallel(model, device_ids=[device] if cuda else None) if world.distributed else model
    inputs = _as_inputs(inputs)
    weights = torch.tensor(class_weights(labels, num_classes, opts.loss_power), dtype=torch.float32, device=device)
    loss_fn = nn.CrossEntropyLoss(weight=weights)
    optimizer = torch.optim.AdamW(model.parameters(), lr=opts.lr, weight_decay=opts.weight_decay)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(opts.epochs, 1))
    scaler = torch.amp.GradScaler("cuda", enabled=amp and cuda)  # bfloat16 needs no loss scaling
    parts = {"model": model, "optimizer": optimizer, "scheduler": scheduler, "scaler": scaler}
    history: list[dict] = []
    start = 0
    if opts.resume and opts.checkpoint is not None:
        state = load_checkpoint(opts.checkpoint)
        for key, part in parts.items():
            part.load_state_dict(state[key])
        torch.set_rng_state(state["torch_rng"])  # dropout draws on where the interrupted run left off
        start, history = int(state["epoch"]) + 1, list(state["history"])
    labels_t = torch.from_numpy(labels.astype(np.int64))
    done_this_run = 0
    for epoch in range(start, opts.epochs):
        order, drawn = _epoch_order(labels, opts, epoch, world)
        total, seen = train_one_epoch(net, loss_fn, optimizer, scaler, inputs, labels_t, order, opts, device,
                                      f"epoch {epoch + 1}/{opts.epochs}", world)
        scheduler.step()
        _sync_buffers(model, world)
        history.append({"epoch": epoch + 1, "loss": total / max(seen, 1), "beats": int(drawn)})
        if world.is_main:
            print(f"epoch {epoch + 1}/{opts.epochs}: loss {history[-1]['loss']:.4f} on {seen} beats", flush=True)
            if opts.checkpoint is not None:
                save_checkpoint(opts.checkpoint, {**{key: part.state_dict() for key, part in parts.items()},
                                                  "torch_rng": torch.get_rng_state(), "epoch": epoch,
                                                  "history": history})
        if world.distributed:
            import torch.distributed as dist

            dist.barrier()
        done_this_run += 1
        if opts.stop_after is not None and done_this_run >= opts.stop_after:
            break
    model.to(memory_format=torch.contiguous_format)
    return history


def predict_logits(model, inputs, device: str, batch_size: int = 512, amp: bool = True) -> np.ndarray:
    """Logits [n, classes] for beat images [n,2,H,W] or an inputs object (eval mode, no gradients)."""
    import torch

    inputs = _as_inputs(inputs)
    cuda = device.startswith("cuda")
    model.to(device).eval()
    out = []
    with torch.inference_mode():
        for b in range(0, len(inputs), batch_size):
            xs = inputs.batch(np.arange(b, min(b + batch_size, len(inputs))), device)
            with torch.autocast(device_type="cuda", dtype=torch.float16, enabled=amp and cuda):
                out.append(model(*xs).float().cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, 0), dtype=np.float32)


def predict_proba(model, inputs, device: str, batch_size: int = 512, amp: bool = True) -> np.ndarray:
    """Softmax probabilities [n, classes] (see predict_logits)."""
    from scipy.special import softmax

    logits = predict_logits(model, inputs, device, batch_size, amp)
    return softmax(logits, axis=1) if logits.size else logits
