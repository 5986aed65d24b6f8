"""Predictor, BeatClassifier, device choice and the GPU-to-CPU fallback (failures injected on CPU)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import torch

from ecgcrt_gui.core.config import DEFAULT_CONFIG
from ecgcrt_gui.core.model import inference
from ecgcrt_gui.core.model.bundle import load_bundle, new_card, save_bundle
from ecgcrt_gui.core.model.inference import (
    CUDA_REQUESTED_WARNING,
    BatchError,
    BeatClassifier,
    BundleError,
    Predictor,
    aggregate,
    choose_device,
    load_default,
)
from ecgcrt_gui.core.model.network import architecture, build_model
from ecgcrt_gui.core.signal.beat_context import FEATURES, record_template

CRT_CLASSES = ["non-responder", "responder"]
AAMI_CLASSES = ["N", "S", "V", "F", "Q"]
CONTEXT = {"features": list(FEATURES), "hidden": 8, "template": True}


def _make_bundle(path: Path, task: str, classes: list[str], seed: int, context: dict | None = None, **extra) -> Path:
    torch.manual_seed(seed)
    arch = architecture(18, len(classes), context)
    model = build_model(arch).eval()
    card = new_card(path.stem, "0.1", task, arch, classes, decision_threshold=0.5, demonstration=True, **extra)
    save_bundle(model.state_dict(), card, path)
    return path


@pytest.fixture(scope="module")
def crt(tmp_path_factory) -> inference.ModelBundle:
    return load_bundle(_make_bundle(tmp_path_factory.mktemp("crt") / "crt.pt", "crt_response", CRT_CLASSES, 1))


@pytest.fixture(scope="module")
def aami(tmp_path_factory) -> inference.ModelBundle:
    return load_bundle(_make_bundle(tmp_path_factory.mktemp("aami") / "aami.pt", "aami_beats", AAMI_CLASSES, 2,
                                    CONTEXT, calibration={"temperature": 2.0, "unclassified_below": 0.3}))


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(7, 2, *DEFAULT_CONFIG.image_size)).astype(np.float32)


@pytest.fixture(scope="module")
def context() -> np.ndarray:
    return np.random.default_rng(1).uniform(0.5, 1.5, size=(7, len(FEATURES))).astype(np.float32)


def _reference_probabilities(bundle, images: np.ndarray) -> np.ndarray:
    with torch.inference_mode():
        return torch.softmax(bundle.model(torch.from_numpy(images)).double(), dim=1)[:, 1].numpy()


@pytest.fixture
def no_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


@pytest.fixture
def fake_gpu(monkeypatch) -> list[str]:
    """A 'GPU' that passes the probe; the model stays on the CPU. Returns the devices _forward ran on."""
    monkeypatch.setattr(inference, "_cuda_status", lambda: (True, "Fake GPU"))
    monkeypatch.setattr(inference, "_place", lambda model, device: model)
    ran_on = []
    real_forward = inference._forward

    def forward(model, images, device, *rest):
        ran_on.append(device.type)
        if device.type == "cuda":
            raise RuntimeError("CUDA error: an illegal memory access was encountered\nCUDA kernel errors ...")
        return real_forward(model, images, device, *rest)

    monkeypatch.setattr(inference, "_forward", forward)
    return ran_on


def test_aggregate_is_the_mean_beat_probability():
    assert aggregate(np.array([0.2, 0.4, 0.9])) == pytest.approx(0.5)
    with pytest.raises(BatchError, match="at least one beat"):
        aggregate(np.array([]))


def test_prediction_on_cpu(crt, images, no_gpu):
    pred = Predictor(crt, device="auto").predict(images)
    expected = _reference_probabilities(crt, images)
    np.testing.assert_allclose(pred.beat_probabilities, expected, rtol=1e-5)
    assert pred.probability == pytest.approx(expected.mean(), rel=1e-6)
    assert pred.label == ("responder" if pred.probability >= 0.5 else "non-responder")
    assert pred.device == "cpu" and pred.device_name == f"CPU ({torch.get_num_threads()} threads)"
    assert pred.warnings == [] and pred.demonstration is True and pred.seconds > 0
    d = pred.to_dict()
    assert set(d) == {"probability", "label", "threshold", "n_beats", "device", "device_name", "seconds", "model",
                      "beat_probabilities", "demonstration", "trained_on", "beats_given", "sampling_standard_error",
                      "beat_rows"}
    assert d["beats_given"] == 7 and d["beat_rows"] == list(range(7)) and d["sampling_standard_error"] == 0
    assert d["trained_on"] is None  # the bundled demonstration model names no cohort of recorded outcomes
    assert d["n_beats"] == 7 and d["threshold"] == 0.5 and len(d["beat_probabilities"]) == 7
    assert d["model"] == {"name": "crt", "version": "0.1", "sha256": crt.card["weights_sha256"]}


def test_label_follows_the_cards_threshold(crt, images, no_gpu):
    p = Predictor(crt, "cpu").predict(images).probability
    below = dataclasses.replace(crt, card={**crt.card, "decision_threshold": p - 1e-6})
    above = dataclasses.replace(crt, card={**crt.card, "decision_threshold": p + 1e-6})
    assert Predictor(below, "cpu").predict(images).label == "responder"
    assert Predictor(above, "cpu").predict(images).label == "non-responder"


def test_batches_give_the_same_result(crt, images, monkeypatch):
    whole = Predictor(crt, "cpu").predict(images).beat_probabilities
    monkeypatch.setattr(inference, "BATCH_SIZE", 3)
    np.testing.assert_allclose(Predictor(crt, "cpu").predict(images).beat_probabilities, whole, rtol=1e-5, atol=1e-6)


def test_zero_beats_and_wrong_shapes_are_refused(crt):
    predictor = Predictor(crt, "cpu")
    with pytest.raises(BatchError, match="no beats to analyse"):
        predictor.predict(np.zeros((0, 2, *DEFAULT_CONFIG.image_size), np.float32))
    with pytest.raises(BatchError, match=r"must have shape \[k, 2, 64, 64\], got \[3, 2, 32, 32\]"):
        predictor.predict(np.zeros((3, 2, 32, 32), np.float32))


def test_models_are_used_only_for_their_task(crt, aami):
    with pytest.raises(BundleError, match="aami is a beat classifier, not a CRT-response model"):
        Predictor(aami, "cpu")
    with pytest.raises(BundleError, match="the model crt is a CRT-response model, not a beat classifier"):
        BeatClassifier(crt, "cpu")


def _reference_aami(bundle, images: np.ndarray, context: np.ndarray) -> np.ndarray:
    """Calibrated probabilities by hand: the record's median image as template, logits / T."""
    template = torch.from_numpy(record_template(images)[None])
    with torch.inference_mode():
        logits = bundle.model(torch.from_numpy(images), torch.from_numpy(context), template,
                              torch.zeros(len(images), dtype=torch.long))
    return torch.softmax(logits.double() / bundle.card["calibration"]["temperature"], dim=1).numpy()


def test_beat_classifier_labels_each_beat_above_its_threshold(monkeypatch, aami, images, context):
    monkeypatch.setattr(inference, "BF16_CPU", False)  # float32 against the plain model's; bfloat16 tested below
    classifier = BeatClassifier(aami, "cpu")
    labels, confidence = classifier.classify(images, context)
    expected = _reference_aami(aami, images, context)
    np.testing.assert_allclose(confidence, expected.max(axis=1), rtol=1e-5)
    assert classifier.threshold == 0.3
    # the unclassified threshold is applied: None exactly where the calibrated top probability is below it
    assert labels == [AAMI_CLASSES[i] if p >= 0.3 else None for i, p in zip(expected.argmax(axis=1), expected.max(axis=1))]
    at = float(np.sort(confidence)[3])  # a threshold at the 4th most confident beat leaves the 3 below unclassified
    strict = BeatClassifier(dataclasses.replace(aami, card={**aami.card, "calibration": {"temperature": 2.0,
                                                                                         "unclassified_below": at}}), "cpu")
    labels, _ = strict.classify(images, context)
    assert sum(label is None for label in labels) == 3 and all((label is None) == (c < at) for label, c in zip(labels, confidence))


def _with_rule(bundle, min_similarity: float, min_pre_over_local: float = 0.0):
    """The bundle with a dominant-beat rule, and a class bias that makes V the top class of most beats."""
    rule = {"min_similarity": min_similarity, "min_pre_over_local": min_pre_over_local, "classes": ["V", "F"]}
    return dataclasses.replace(bundle, card={**bundle.card, "calibration": {
        **bundle.card["calibration"], "class_bias": [0.0, 0.0, 0.5, 0.0, 0.0], "dominant_beats": rule}})


def test_dominant_beat_rule_takes_v_and_f_from_beats_like_the_template(monkeypatch, aami, images, context):
    monkeypatch.setattr(inference, "BF16_CPU", False)
    plain = BeatClassifier(_with_rule(aami, 1.01), "cpu").probabilities(images, context)  # a rule no beat meets
    without = dataclasses.replace(aami, card={**aami.card, "calibration": {**aami.card["calibration"],
                                                                           "class_bias": [0.0, 0.0, 0.5, 0.0, 0.0]}})
    np.testing.assert_array_equal(BeatClassifier(without, "cpu").probabilities(images, context), plain)
    # a rule every beat meets: wherever the network's top class was V or F, those two are out and the rest renormalised
    everywhere = BeatClassifier(_with_rule(aami, -1.0), "cpu").probabilities(images, context)
    assert np.isin(plain.argmax(axis=1), [2, 3]).all()
    assert (everywhere[:, 2:4] == 0).all()
    rest = [0, 1, 4]
    np.testing.assert_allclose(everywhere[:, rest], plain[:, rest] / plain[:, rest].sum(axis=1, keepdims=True))
    # the RR condition: beats earlier than min_pre_over_local x the local RR keep V and F
    pre_over_local = context[:, FEATURES.index("pre_over_local")]
    at = float(np.median(pre_over_local))
    some = BeatClassifier(_with_rule(aami, -1.0, at), "cpu").probabilities(images, context)
    on_time = pre_over_local >= at
    assert 0 < on_time.sum() < len(images)
    np.testing.assert_array_equal(some[on_time], everywhere[on_time])
    np.testing.assert_array_equal(some[~on_time], plain[~on_time])


def test_beat_classifier_needs_one_context_row_per_beat(aami, images, context):
    with pytest.raises(BatchError, match="one row of RR features per beat image"):
        BeatClassifier(aami, "cpu").classify(images, context[:3])
    with pytest.raises(BatchError, match="at least two R-peaks"):
        BeatClassifier(aami, "cpu").classify(images, np.full_like(context, np.nan))


def test_beat_classifier_without_rr_input_is_refused(tmp_path):
    old = load_bundle(_make_bundle(tmp_path / "aami_old.pt", "aami_beats", AAMI_CLASSES, 4))  # images alone, as before
    with pytest.raises(BundleError, match=r"made for an earlier version of the app: it takes beat images alone, "
                                          r"and this version also gives it each beat's RR intervals"):
        BeatClassifier(old, "cpu")


def test_choose_device_without_gpu(no_gpu):
    assert choose_device("cpu")[0].type == "cpu" and choose_device("cpu")[2] == []
    device, name, warnings = choose_device("auto")
    assert device.type == "cpu" and name.startswith("CPU (") and warnings == []
    device, _, warnings = choose_device("cuda")
    assert device.type == "cpu" and warnings == [CUDA_REQUESTED_WARNING]
    with pytest.raises(ValueError, match="unknown device 'gpu'"):
        choose_device("gpu")


def test_choose_device_with_a_gpu_that_fails_the_probe(monkeypatch):
    if torch.cuda.is_available():
        pytest.skip("a real GPU is present: the CPU-only probe failure cannot be simulated this way")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)  # the probe op then fails on CPU-only torch
    device, _, warnings = choose_device("auto")
    assert device.type == "cpu" and len(warnings) == 1
    assert warnings[0].startswith("A GPU was found but could not be used (")
    assert choose_device("cuda")[2] == [CUDA_REQUESTED_WARNING]


def test_choose_device_with_a_usable_gpu(fake_gpu):
    device, name, warnings = choose_device("auto")
    assert (device.type, name, warnings) == ("cuda", "Fake GPU", [])


def test_gpu_failure_mid_run_reruns_on_cpu(crt, images, fake_gpu):
    predictor = Predictor(crt, "auto")
    first = predictor.predict(images)
    assert fake_gpu == ["cuda", "cpu"]
    assert first.device == "cpu" and first.device_name.startswith("CPU (")
    assert first.warnings == ["The GPU failed during the analysis (CUDA error: an illegal memory access was "
                              "encountered); reran on the CPU"]
    np.testing.assert_allclose(first.beat_probabilities, _reference_probabilities(crt, images), rtol=1e-5)
    predictor.predict(images)
    assert fake_gpu == ["cuda", "cpu", "cpu"]  # stays on the CPU once the GPU has failed


def test_gpu_failure_while_loading_the_model_reruns_on_cpu(aami, images, context, fake_gpu, monkeypatch):
    def place(model, device):
        if device.type == "cuda":
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 MiB")
        return model

    monkeypatch.setattr(inference, "_place", place)
    classifier = BeatClassifier(aami, "cuda")
    assert len(classifier.classify(images, context)[0]) == len(images)
    assert classifier.warnings == ["The GPU failed during the analysis (CUDA out of memory. Tried to allocate "
                                   "20.00 MiB); reran on the CPU"]


def test_cpu_errors_are_not_retried(crt, images, monkeypatch):
    def broken(model, images, device, *rest):
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")

    monkeypatch.setattr(inference, "_forward", broken)
    with pytest.raises(RuntimeError, match="shapes cannot be multiplied"):
        Predictor(crt, "cpu").predict(images)


def test_load_default_loads_once(tmp_path, monkeypatch):
    pt = _make_bundle(tmp_path / "crt_x.pt", "crt_response", CRT_CLASSES, 3)
    monkeypatch.setattr(inference, "_DEFAULTS", {"crt": pt, "aami": tmp_path / "absent.pt"})
    load_default.cache_clear()
    try:
        assert load_default("crt") is load_default("crt")
        with pytest.raises(BundleError, match="model file not found"):
            load_default("aami")
        with pytest.raises(ValueError, match="unknown model kind 'x'"):
            load_default("x")
    finally:
        load_default.cache_clear()


def test_bundled_crt_model_predicts_on_the_demo_ecg():
    from ecgcrt_gui.core import io
    from ecgcrt_gui.core.signal import rpeaks, spectrogram
    from ecgcrt_gui.core.support.resources import DEMO_ECG

    bundle = load_default("crt")
    assert bundle.card["demonstration"] is True and "not a medical device" in bundle.card["intended_use"]
    record = io.read(DEMO_ECG)
    signal2, _, _ = spectrogram.model_signal(record, bundle.config)
    images, _ = spectrogram.beat_images(signal2, record.fs, rpeaks.detect(record.signal, record.fs), bundle.config)
    pred = Predictor(bundle, "cpu").predict(images)
    assert 8 <= pred.n_beats <= 20 and 0.0 <= pred.probability <= 1.0
    assert pred.model["sha256"] == bundle.card["weights_sha256"]


def test_bundled_aami_model_loads():
    bundle = load_default("aami")
    assert bundle.card["classes"] == AAMI_CLASSES and bundle.card["task"] == "aami_beats"


def _mitdb_beats(record, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first n detected beats' images and RR features, as analysis.py makes them."""
    from ecgcrt_gui.core.signal import rpeaks, spectrogram
    from ecgcrt_gui.core.signal.beat_context import rr_features

    peaks = rpeaks.detect(record.signal, record.fs)[:n]
    signal2, _, _ = spectrogram.model_signal(record)
    images, image_beats = spectrogram.beat_images(signal2, record.fs, peaks)
    return images, rr_features(peaks, record.fs)[image_beats]


@pytest.mark.parametrize("kind", ["aami", "crt"])
def test_fast_cpu_path_gives_the_plain_models_logits(monkeypatch, mitdb100, kind):
    """The oneDNN path (batch norm folded) on real beats: every class the same, logits within 1e-4. The
    beat classifier's ResNet takes that path and its fusion head the ResNet's features with the RR features."""
    images, context = _mitdb_beats(mitdb100, 600)
    bundle = load_default(kind)
    model = bundle.model
    extra = (context,) if kind == "aami" else ()
    if kind == "aami" and bundle.card["architecture"]["context"].get("template"):
        extra += (record_template(images),)
    monkeypatch.setattr(inference, "FAST_CPU", False)
    plain, _ = inference._forward(model, images, torch.device("cpu"), *extra)
    monkeypatch.setattr(inference, "FAST_CPU", True)
    fast, bf16 = inference._forward(model, images, torch.device("cpu"), *extra)
    resnet = model.image if kind == "aami" else model
    assert not bf16 and inference._FAST_MODELS[resnet][torch.float32] is not None, \
        "the fast path must apply to the bundled ResNet-18"
    assert (fast.argmax(1) == plain.argmax(1)).all()
    assert np.abs(fast - plain).max() < 1e-4


def test_fast_cpu_beat_classifier_gives_the_plain_models_classes(monkeypatch, mitdb100):
    """BeatClassifier end to end (calibration, threshold) on both float32 paths: the same class for every beat."""
    monkeypatch.setattr(inference, "BF16_CPU", False)
    images, context = _mitdb_beats(mitdb100, 600)
    classifier = BeatClassifier(load_default("aami"), "cpu")
    monkeypatch.setattr(inference, "FAST_CPU", False)
    plain, plain_conf = classifier.classify(images, context)
    monkeypatch.setattr(inference, "FAST_CPU", True)
    fast, fast_conf = classifier.classify(images, context)
    assert fast == plain
    np.testing.assert_allclose(fast_conf, plain_conf, atol=1e-5)


def test_fast_cpu_path_falls_back_to_the_plain_model_it_cannot_convert():
    class Branchy(torch.nn.Module):  # data-dependent control flow: torch.fx cannot trace it
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(2, 3, 3)

        def forward(self, x):
            y = self.conv(x).mean((2, 3))
            return y if float(y.sum()) > 0 else -y

    model = Branchy().eval()
    images = np.random.default_rng(0).normal(size=(5, 2, 16, 16)).astype(np.float32)
    out, _ = inference._forward(model, images, torch.device("cpu"))
    assert inference._FAST_MODELS[model][torch.float32] is None
    with torch.inference_mode():
        assert np.allclose(out, model(torch.from_numpy(images)).numpy())


@pytest.mark.skipif(not inference._amx(), reason="bfloat16 runs only on a CPU with AMX")
def test_bfloat16_beat_classifier_keeps_every_float32_class(monkeypatch, mitdb100):
    """The AMX path (bfloat16, near decisions rechecked in float32) on 900 real beats: the float32 network's class
    and "not classified" verdict for every beat; its logits within the tolerance the recheck assumes."""
    images, context = _mitdb_beats(mitdb100, 900)
    bundle = load_default("aami")
    classifier = BeatClassifier(bundle, "cpu")
    monkeypatch.setattr(inference, "BF16_CPU", False)
    plain, plain_conf = classifier.classify(images, context)
    monkeypatch.setattr(inference, "BF16_CPU", True)
    fast, fast_conf = classifier.classify(images, context)
    assert fast == plain
    template = record_template(images)
    f32, _ = inference._forward(bundle.model, images, torch.device("cpu"), context, template)
    bf16, used = inference._forward(bundle.model, images, torch.device("cpu"), context, template, bf16=True)
    assert used and 1e-4 < np.abs(bf16 - f32).max() < inference.BF16_LOGIT_TOLERANCE
    # a shown confidence moves by at most its logits' tolerance (a factor exp(2 x tolerance / temperature))
    assert np.all(np.abs(np.log(fast_conf / plain_conf)) <= 2 * inference.BF16_LOGIT_TOLERANCE / classifier.temperature)


def test_near_a_decision_flags_the_beats_a_small_logit_error_could_flip():
    classifier = BeatClassifier(load_default("aami"), "cpu")
    classifier.class_bias, classifier.temperature, classifier.threshold = np.zeros(5), 1.0, 0.5
    logits = np.array([[5.0, 0.0, 0.0, 0.0, 0.0],      # sure N: nothing near
                       [2.0, 1.95, -9, -9, -9],        # N and S within 0.05: could swap
                       [np.log(0.5 / 0.5), 0.0, -50, -50, -50]])  # top probability 0.5: on the threshold
    assert classifier._near_a_decision(logits, 0.1).tolist() == [False, True, True]
    assert not classifier._near_a_decision(logits[:1], 0.1).any()


def test_mean_rows_takes_every_beat_of_an_ecg_and_one_per_span_of_a_holter():
    from ecgcrt_gui.core.model.inference import MEAN_BEATS, mean_rows

    assert mean_rows(12).tolist() == list(range(12))
    rows = mean_rows(2272)
    assert len(rows) == MEAN_BEATS and np.array_equal(rows, mean_rows(2272))  # the same record, the same rows
    spans = np.ceil(np.linspace(0, 2272, MEAN_BEATS + 1)).astype(int)
    assert np.all((rows >= spans[:-1]) & (rows < spans[1:]))
    # a bigeminy (N, V, N, V ...) cannot fall in step with the sample: both kinds are drawn, about half each
    assert 0.4 < np.mean(rows % 2) < 0.6
    assert 0.25 < np.mean(mean_rows(3000) % 3 == 0) < 0.42  # and a trigeminy


@pytest.mark.parametrize("name", ["100", "203"])
def test_sampled_patient_probability_is_the_whole_records_within_its_standard_error(monkeypatch, mitdb, name):
    """30-minute records (sinus; frequent V beats of many shapes): the sampled mean is the mean over all within
    3 of its standard errors (or MEAN_TOLERANCE_FLOOR), which are at most MEAN_STANDARD_ERROR; 100 needs only the
    first sample."""
    from ecgcrt_gui.core.io import read

    record = read(mitdb / f"{name}.hea")
    images, _ = _mitdb_beats(record, 10**6)
    predictor = Predictor(load_default("crt"), "cpu")
    sampled = predictor.predict(images)
    with monkeypatch.context() as m:
        m.setattr(inference, "MEAN_BEATS", 10**9)
        everything = predictor.predict(images).probability
    assert sampled.sampled and sampled.beats_given == len(images)
    assert sampled.sampling_error <= inference.MEAN_STANDARD_ERROR * 1.1
    assert abs(sampled.probability - everything) <= max(3 * sampled.sampling_error, inference.MEAN_TOLERANCE_FLOOR)
    assert (sampled.n_beats == inference.MEAN_BEATS) == (name == "100")
    assert any(f"averaged {sampled.n_beats:,} of the {len(images):,} beats" in w for w in sampled.warnings)
    row = int(sampled.rows[5])
    assert sampled.beat_probability(row) == pytest.approx(float(sampled.beat_probabilities[5]))
    assert sampled.beat_probability(int(np.setdiff1d(np.arange(len(images)), sampled.rows)[0])) is None


def test_sample_size_follows_the_beats_spread():
    from ecgcrt_gui.core.model.inference import sample_size, sampling_error

    same = np.full(256, 0.3)
    assert sample_size(same, 2000) == 256 and sampling_error(same, 2000) < 1e-12
    mixed = np.tile([0.0, 1.0], 128)  # standard deviation 0.5: 0.005 needs ~10,000 beats, 1,668 of 2,000
    for n in (2000, 100_000):
        m = sample_size(mixed, n)
        alternating = np.tile([0.0, 1.0], n // 2)
        assert sampling_error(alternating[:m], n) <= 0.005 < sampling_error(alternating[: m - 40], n)
    assert sample_size(mixed, 2000) == 1668 and 9_000 < sample_size(mixed, 100_000) < 10_100
