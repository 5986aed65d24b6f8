"""torch.distributed set-up: env:// when launched by torchrun, a world of one otherwise."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class World:
    rank: int = 0
    size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.size > 1


def init(kind: str) -> World:
    """Join the process group torchrun describes (nccl on CUDA, gloo on CPU); else World()."""
    if "WORLD_SIZE" not in os.environ or int(os.environ["WORLD_SIZE"]) <= 1:
        return World()
    import torch
    import torch.distributed as dist

    world = World(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), int(os.environ.get("LOCAL_RANK", 0)))
    if kind == "cuda":
        torch.cuda.set_device(world.local_rank)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if kind == "cuda" else "gloo", init_method="env://")
    return world


def resolve_kind(requested: str) -> str:
    """'auto' -> 'cuda' when torch sees a GPU, else 'cpu'; a plain message when cuda is missing."""
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("--device cuda was asked for, but torch sees no CUDA GPU")
    return "cuda" if requested.startswith("cuda") else requested


def device_for(kind: str, world: World) -> str:
    """One GPU per local rank."""
    return f"cuda:{world.local_rank}" if kind == "cuda" else kind


def barrier(world: World) -> None:
    if world.distributed:
        import torch.distributed as dist

        dist.barrier()


def shutdown(world: World) -> None:
    if world.distributed:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.destroy_process_group()
