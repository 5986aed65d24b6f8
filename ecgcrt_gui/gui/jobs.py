"""The session's slow steps as plain functions (no Qt) that the worker process runs: read, analyse,
re-evaluate the guidelines, verify weights, explain a beat. Each takes progress(fraction, text) and cancelled().

An assessment comes back without its record (`record=None`): the session puts its own record back, so
that the record on screen and the one the assessment describes stay the same object, and a 30-minute
record is not copied back through the pipe each time.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path


def read_for_display(path: Path, *, progress, cancelled):
    """(record, its leads with the baseline wander removed for display)."""
    from ecgcrt_gui.core import io
    from ecgcrt_gui.core.signal.preprocess import remove_baseline

    progress(0.1, f"Reading {path.name}")
    record = io.read(path)
    progress(0.6, "Removing baseline wander for display")
    return record, remove_baseline(record.signal, record.fs)


def analyse(record, inputs, rpeaks, model_path, device, morphology_override, *, progress, cancelled):
    """The whole pipeline (core.analysis.analyze); the assessment without its record."""
    from ecgcrt_gui.core.analysis import analyze

    assessment = analyze(record, inputs, rpeaks=rpeaks, model_path=model_path, device=device,
                         morphology_override=morphology_override, progress=progress, cancelled=cancelled)
    return dataclasses.replace(assessment, record=None)


def update_guidelines(assessment, inputs, morphology_override, *, progress, cancelled):
    """Guidelines (and, for a new sex, the morphology) for new inputs; the assessment without its record."""
    from ecgcrt_gui.core.analysis import update_guidelines as update

    return dataclasses.replace(update(assessment, inputs, morphology_override), record=None)


def verify_bundle(path: Path, *, progress, cancelled) -> Path:
    """Load the weights once to check their hash and preprocessing against the card (BundleError if not)."""
    from ecgcrt_gui.core.model.bundle import load_bundle

    progress(0.2, f"Verifying {path.name}")
    load_bundle(path)
    return path


def explain(images, model_path, *, progress, cancelled):
    """The CRT network's attribution map of beat images [k, 2, H, W] (core.model.attribution)."""
    from ecgcrt_gui.core.model import attribution, inference

    progress(0.1, "Computing the attribution map")
    bundle = inference.load_default("crt") if model_path is None else inference.load_bundle(model_path)
    return attribution.attribute_bundle(bundle, images)
