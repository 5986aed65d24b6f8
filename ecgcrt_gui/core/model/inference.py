"""Run the bundled networks on beat images: device choice (CUDA or CPU), batching, aggregation.

torch is imported inside functions only, so the CLI and GUI start without it.
"""

from __future__ import annotations

import copy
import functools
import logging
import time
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ecgcrt_gui.core.errors import UserFacingError
from ecgcrt_gui.core.model.bundle import BundleError, ModelBundle, load_bundle
from ecgcrt_gui.core.model.dominant_rule import DominantRule
from ecgcrt_gui.core.support.resources import MODELS_DIR
from ecgcrt_gui.core.text import english_list, percentage_points

if TYPE_CHECKING:
    import torch

__all__ = [
    "AAMI_MODEL", "CRT_MODEL", "BatchError", "BeatClassifier", "BundleError", "ModelBundle", "Prediction",
    "Predictor", "aggregate", "beat_influence", "calibrated", "choose_device", "load_bundle", "load_default", "unclassified_below",
]

log = logging.getLogger(__name__)

CRT_MODEL = MODELS_DIR / "crt_resnet18.pt"
AAMI_MODEL = MODELS_DIR / "aami_resnet18.pt"
_DEFAULTS = {"crt": CRT_MODEL, "aami": AAMI_MODEL}
BATCH_SIZE = 1024  # beats per forward pass: larger batches use the CPU's matrix units better (~1.3x over 256)
# On the CPU the networks run as oneDNN modules with batch norm folded into the convolutions (_fast_cpu):
# the same logits to ~1e-5, about 2x faster. False runs the plain torch modules (the benchmark's "before").
FAST_CPU = True
_FAST_AGREEMENT = 1e-3  # largest logit difference from the plain model that the fast one may show on a probe
# On a CPU with AMX matrix units the beat classifier's ResNet runs in bfloat16 (oneDNN), 1.9x faster, and
# every beat whose class or "not classified" verdict could differ from the float32 network's is run again in
# float32 (BeatClassifier): no beat's class changes. False: float32 throughout.
BF16_CPU = True
# Largest difference between a bfloat16 and a float32 logit of the bundled beat classifier, measured over
# 10,120 DS1 beats (training data; 460 of each record) as 0.033, tripled for headroom: decisions that close
# are rechecked in float32.
BF16_LOGIT_TOLERANCE = 0.1
_BF16_AGREEMENT = 1.0  # a bfloat16 network further than this from float32 on the probe is broken: not used
RESPONDER = "responder"
CUDA_REQUESTED_WARNING = "CUDA was requested but no usable GPU was found; ran on the CPU"


class BatchError(UserFacingError, ValueError):
    """Beat images the model cannot take (none, or of the wrong shape); the message says why."""


def aggregate(beat_probabilities: np.ndarray) -> float:
    """Patient probability: the mean of the per-beat probabilities.

    The mean of probabilities (not of logits) keeps one artefact beat with an extreme logit
    from outweighing the others, and stays an average confidence that a reader can follow.
    Training uses this same function, so cross-validation scores what the app reports.
    """
    p = np.asarray(beat_probabilities, dtype=np.float64)
    if p.size == 0:
        raise BatchError("no beats to aggregate: a prediction needs at least one beat")
    return float(p.mean())


# The patient probability of a long recording averages a sample of its beats: MEAN_BEATS of them first (a 10-s
# ECG's every beat), more where their spread leaves the sample's mean further than MEAN_STANDARD_ERROR (one
# standard error) from the mean over all beats. A 30-minute sinus Holter (MIT-BIH 100, 2,271 beats) needs the
# first 256 for a ninth of the network time; a record of mixed beats takes more.
MEAN_BEATS = 256
MEAN_STANDARD_ERROR = 0.005
# The sampled mean is within 3 of its standard errors of the mean over every beat, or within this, whichever is
# larger: where nearly every beat reads ~0 a sample's spread misses a rare higher beat (MIT-BIH 100: standard
# error 0.00001, difference 0.0001), still far below the 2 decimals P is shown with.
MEAN_TOLERANCE_FLOOR = 0.001


def mean_rows(n: int, limit: int = MEAN_BEATS) -> np.ndarray:
    """Which of n beats the patient probability averages: all of them up to `limit`; beyond, one beat drawn from
    each of `limit` equal spans of the recording (stratified, seeded by n: the same record gives the same rows),
    so that a rhythm that repeats every few beats (bigeminy) cannot fall in step with the sample."""
    if n <= limit:
        return np.arange(n)
    edges = np.ceil(np.linspace(0, n, limit + 1)).astype(np.int64)
    offsets = np.random.default_rng(n).random(limit)
    return edges[:-1] + (offsets * (edges[1:] - edges[:-1])).astype(np.int64)


def sampling_error(sampled: np.ndarray, n: int) -> float:
    """Standard error of the mean of `sampled` beat probabilities as an estimate of the mean over all n beats
    (without replacement; the simple random sample's formula, which a stratified sample does not exceed)."""
    m = len(sampled)
    if m >= n or m < 2:
        return 0.0
    return float(np.std(sampled, ddof=1) / np.sqrt(m) * np.sqrt(1.0 - m / n))


def sample_size(sampled: np.ndarray, n: int, standard_error: float = MEAN_STANDARD_ERROR) -> int:
    """How many of n beats a sample needs for its mean to have `standard_error`, from the spread of `sampled`."""
    variance = float(np.var(sampled, ddof=1)) if len(sampled) > 1 else 0.0
    needed = int(np.ceil(variance / (standard_error ** 2 + variance / n)))
    return min(n, max(len(sampled), needed))  # never fewer beats than the spread was measured on


def beat_influence(beat_probabilities: np.ndarray) -> np.ndarray:
    """How much each beat moved the patient probability: aggregate() with it minus aggregate() without it.

    Positive: the beat pushed P(response) up. For the mean this is (p_i - P) / (n - 1); one beat alone
    has no influence to compare (0).
    """
    p = np.asarray(beat_probabilities, dtype=np.float64)
    if p.size < 2:
        return np.zeros(p.size)
    return (p - aggregate(p)) / (p.size - 1)


@functools.cache
def load_default(kind: str) -> ModelBundle:
    """The bundled 'crt' or 'aami' model, loaded and verified once per process."""
    if kind not in _DEFAULTS:
        raise ValueError(f"unknown model kind {kind!r}; expected one of {sorted(_DEFAULTS)}")
    return load_bundle(_DEFAULTS[kind])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _cuda_status() -> tuple[bool, str]:
    """(usable, GPU name) or (False, why not): a tiny op must succeed, not just the driver answer."""
    import torch

    if not torch.cuda.is_available():
        return False, "no CUDA device"
    try:
        (torch.ones(8, device="cuda") * 2).sum().item()
        return True, torch.cuda.get_device_name()
    except Exception as exc:  # noqa: BLE001 - a broken driver or an unsupported GPU: use the CPU
        return False, _first_line(exc)


def _cpu_name() -> str:
    import torch

    return f"CPU ({torch.get_num_threads()} threads)"


def choose_device(requested: str = "auto") -> tuple[torch.device, str, list[str]]:
    """(device, human-readable name, warnings) for 'auto', 'cpu' or 'cuda'."""
    import torch

    if requested not in ("auto", "cpu", "cuda"):
        raise ValueError(f"unknown device {requested!r}; expected auto, cpu or cuda")
    if requested != "cpu":
        usable, detail = _cuda_status()
        if usable:
            return torch.device("cuda"), detail, []
        if requested == "cuda":
            return torch.device("cpu"), _cpu_name(), [CUDA_REQUESTED_WARNING]
        if torch.cuda.is_available():
            return torch.device("cpu"), _cpu_name(), [f"A GPU was found but could not be used ({detail}); ran on the CPU"]
    return torch.device("cpu"), _cpu_name(), []


def _place(model: torch.nn.Module, device: torch.device) -> torch.nn.Module:
    """The model on `device`; a copy off the CPU, so the cached bundle's model stays usable by others."""
    return model if device.type == "cpu" else copy.deepcopy(model).to(device)


def _forward(model: torch.nn.Module, images: np.ndarray, device: torch.device,
             context: np.ndarray | None = None, template: np.ndarray | None = None,
             bf16: bool = False) -> tuple[np.ndarray, bool]:
    """(logits float32 [k, classes], whether bfloat16 was used), BATCH_SIZE beats at a time; fp16 autocast on
    CUDA, oneDNN on the CPU, in bfloat16 when `bf16` is asked and the CPU has AMX (see BF16_CPU).
    `context` [k, F]: a beat classifier's per-beat RR features; `template` [2, H, W]: the record's template."""
    import torch

    # A beat classifier's ResNet runs like any other (oneDNN on the CPU); its small fusion head takes
    # the ResNet's features with the RR features as plain tensors.
    resnet = model if context is None else model.image
    fast, dtype = None, torch.float32
    if device.type == "cpu" and FAST_CPU:
        if bf16 and BF16_CPU and _amx():
            fast, dtype = _fast_cpu(resnet, images, torch.bfloat16), torch.bfloat16
        if fast is None:
            fast, dtype = _fast_cpu(resnet, images), torch.float32

    def image_features(batch: torch.Tensor) -> torch.Tensor:
        return (_mkldnn_forward(fast, batch, dtype) if fast is not None else resnet(batch)).float()

    outputs = []
    with torch.inference_mode(), torch.autocast("cuda", dtype=torch.float16, enabled=device.type == "cuda"):
        template_feats = None if template is None else image_features(torch.from_numpy(template[None]).to(device))
        for start in range(0, len(images), BATCH_SIZE):
            batch = torch.from_numpy(images[start:start + BATCH_SIZE]).to(device)
            if context is None:
                outputs.append(image_features(batch).cpu())
                continue
            ctx = torch.from_numpy(context[start:start + BATCH_SIZE]).to(device)
            beat_templates = None if template_feats is None else template_feats.expand(len(batch), -1)
            outputs.append(model.fuse(image_features(batch), ctx, beat_templates).float().cpu())
    return torch.cat(outputs).numpy(), fast is not None and dtype == torch.bfloat16


@functools.cache
def _amx() -> bool:
    """Whether this CPU has AMX matrix units (bfloat16 is then faster than float32; elsewhere it is not)."""
    import torch

    try:  # torch has no public query; _init_amx is what its own CPU kernels use
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported() and torch._C._cpu._init_amx())
    except (AttributeError, RuntimeError):
        return False


# plain model -> {dtype: its oneDNN model, or None}
_FAST_MODELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _mkldnn_forward(fast: torch.nn.Module, batch: torch.Tensor, dtype: torch.dtype | None = None) -> torch.Tensor:
    out = fast(batch.to_mkldnn() if dtype is None else batch.to_mkldnn(dtype))
    return out.to_dense() if out.is_mkldnn else out


def _fast_cpu(model: torch.nn.Module, images: np.ndarray, dtype: torch.dtype | None = None) -> torch.nn.Module | None:
    """The model for the CPU as oneDNN (MKLDNN) modules, batch norm folded into each convolution, in float32
    (or `dtype`), made once per model and checked against the plain model on the first beats it sees; None (use
    the plain model) where torch lacks oneDNN, the network cannot be converted (a module torch.fx cannot
    trace, an input branch oneDNN tensors do not fit) or the two disagree."""
    import torch

    dtype = dtype or torch.float32
    made = _FAST_MODELS.setdefault(model, {})
    if dtype in made:
        return made[dtype]
    fast = None
    if torch.backends.mkldnn.is_available() and not model.training:
        try:
            from torch.fx.experimental.optimization import fuse
            from torch.utils import mkldnn

            candidate = mkldnn.to_mkldnn(fuse(copy.deepcopy(model)), dtype)
            probe = torch.from_numpy(np.ascontiguousarray(images[:4], dtype=np.float32))
            with torch.inference_mode():
                gap = float((_mkldnn_forward(candidate, probe, dtype).float() - model(probe)).abs().max())
            if gap <= (_FAST_AGREEMENT if dtype == torch.float32 else _BF16_AGREEMENT):
                fast = candidate
            else:
                log.warning("oneDNN %s model differs from the plain one by %.2g; not used", dtype, gap)
        except Exception:  # noqa: BLE001 - any conversion failure: the plain model is always right
            log.debug("no oneDNN %s model for %s", dtype, type(model).__name__, exc_info=True)
    made[dtype] = fast
    return fast


# What each task's model is, in words (the card's task names are code words).
_TASKS = {"aami_beats": "a beat classifier", "crt_response": "a CRT-response model"}


class _Runner:
    """One bundle on one device; falls back to the CPU (for good) if the GPU fails mid-run."""

    def __init__(self, bundle: ModelBundle, device: str, task: str) -> None:
        if bundle.card.get("task") != task:
            raise BundleError(f"the model {bundle.card.get('name')} is {_TASKS.get(bundle.card.get('task'), 'of another kind')}, "
                              f"not {_TASKS[task]}")
        self.bundle = bundle
        self.device, self.device_name, self.warnings = choose_device(device)
        self._model: Any = None

    def logits(self, images: np.ndarray, context: np.ndarray | None = None,
               template: np.ndarray | None = None, bf16: bool = False) -> tuple[np.ndarray, float, bool]:
        """(logits [k, classes], seconds spent in the network, whether it ran in bfloat16 (asked by `bf16`))."""
        import torch

        images = self._check(images)
        args = (images, context, template, bf16)
        start = time.perf_counter()
        try:
            out = self._logits_on_device(*args)
        except RuntimeError as exc:  # CUDA errors (OOM, illegal access, lost device) are RuntimeErrors
            if self.device.type == "cpu":
                raise
            log.debug("GPU failed, rerunning on the CPU", exc_info=True)
            self.warnings.append(f"The GPU failed during the analysis ({_first_line(exc)}); reran on the CPU")
            self.device, self.device_name, self._model = torch.device("cpu"), _cpu_name(), None
            out = self._logits_on_device(*args)
        logits, used_bf16 = out
        return logits, time.perf_counter() - start, used_bf16

    def _logits_on_device(self, images: np.ndarray, context: np.ndarray | None, template: np.ndarray | None,
                          bf16: bool) -> tuple[np.ndarray, bool]:
        if self._model is None:
            self._model = _place(self.bundle.model, self.device)
        return _forward(self._model, images, self.device, context, template, bf16)

    def _check(self, images: np.ndarray) -> np.ndarray:
        images = np.asarray(images)
        expected = (2, *self.bundle.config.image_size)
        if images.ndim != 4 or images.shape[1:] != expected:
            raise BatchError(f"beat images must have shape [k, {', '.join(map(str, expected))}], got {list(images.shape)}")
        if len(images) == 0:
            raise BatchError("no beats to analyse: the record gave no beat the model can take")
        return np.ascontiguousarray(images, dtype=np.float32)


@dataclass
class Prediction:
    probability: float
    label: str  # "responder" | "non-responder"
    threshold: float
    beat_probabilities: np.ndarray  # one per averaged beat: row `rows[i]` of the images given
    device: str  # "cuda" | "cpu"
    device_name: str
    seconds: float
    model: dict  # {name, version, sha256}
    demonstration: bool
    rows: np.ndarray  # rows of the images given that were averaged (mean_rows)
    beats_given: int  # images given; more than n_beats when a sample was averaged
    warnings: list[str] = field(default_factory=list)
    trained_on: str | None = None  # "<cohort name>, n = <patients>" from the card of a cohort-trained bundle
    sampling_error: float = 0.0  # standard error of the sampled mean against all beats' (0: all averaged)

    @property
    def n_beats(self) -> int:
        return len(self.beat_probabilities)

    @property
    def sampled(self) -> bool:
        return self.n_beats < self.beats_given

    def beat_probability(self, row: int) -> float | None:
        """P(response) of image row `row`, None where that beat was not in the averaged sample."""
        hit = np.flatnonzero(self.rows == row)
        return float(self.beat_probabilities[hit[0]]) if len(hit) else None

    def to_dict(self) -> dict:
        """JSON-ready; warnings are left to the caller, which merges them into the assessment's."""
        return {
            "probability": self.probability, "label": self.label, "threshold": self.threshold,
            "n_beats": self.n_beats, "device": self.device, "device_name": self.device_name,
            "seconds": round(self.seconds, 4), "model": dict(self.model), "demonstration": self.demonstration,
            "trained_on": self.trained_on, "beats_given": self.beats_given,
            "sampling_standard_error": round(self.sampling_error, 6),
            "beat_rows": [int(r) for r in self.rows],
            "beat_probabilities": [round(float(p), 6) for p in self.beat_probabilities],
        }


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def calibrated(logits: np.ndarray, temperature: float = 1.0, class_bias: np.ndarray | list | None = None) -> np.ndarray:
    """softmax((logits + class_bias) / temperature): the beat classifier's probabilities under its card's
    calibration; training fits that calibration (training/calibration.py) with this same function."""
    shifted = np.asarray(logits, np.float64) + (0.0 if class_bias is None else np.asarray(class_bias, np.float64))
    return _softmax(shifted / temperature)


def trained_on(card: dict) -> str | None:
    """"<cohort name>, n = <patients>" for a bundle fine-tuned on a cohort (its card says so), else None."""
    cohort = (card.get("training") or {}).get("cohort")
    if not isinstance(cohort, dict) or "name" not in cohort or "n_patients" not in cohort:
        return None
    return f"{cohort['name']}, n = {cohort['n_patients']}"


class Predictor:
    """CRT response from a patient's beat images [k, 2, H, W]."""

    def __init__(self, bundle: ModelBundle, device: str = "auto") -> None:
        self._runner = _Runner(bundle, device, "crt_response")
        classes = bundle.card["classes"]
        if RESPONDER not in classes:
            raise BundleError(f"the model {bundle.card['name']} has no {RESPONDER} class (its classes: {english_list(classes)})")
        self._responder = classes.index(RESPONDER)
        self.threshold = float(bundle.card.get("decision_threshold", 0.5))

    def predict(self, images: np.ndarray) -> Prediction:
        """The patient probability over the beats mean_rows picks (every beat of an ordinary ECG)."""
        images, n = np.asarray(images), len(images)
        rows = mean_rows(n, MEAN_BEATS)
        beats, seconds = self._beat_probabilities(images[rows])
        if sampling_error(beats, n) > MEAN_STANDARD_ERROR:  # beats that differ: a larger sample (or all)
            larger = mean_rows(n, sample_size(beats, n))
            new = np.setdiff1d(larger, rows)  # the first sample's beats are not run again
            known = np.empty(n)
            known[rows] = beats
            known[new], more = self._beat_probabilities(images[new])
            rows, beats, seconds = larger, known[larger], seconds + more
        probability = aggregate(beats)
        runner = self._runner
        error = sampling_error(beats, n)
        warnings = list(runner.warnings)
        if len(rows) < n:
            warnings.append(f"The CRT model averaged {len(rows):,} of the {n:,} beats, one from each of {len(rows):,} "
                            f"equal spans of the recording: P(response) has a standard error of {percentage_points(error)} "
                            "against the mean over every beat.")
        return Prediction(
            probability=probability,
            label=RESPONDER if probability >= self.threshold else "non-responder",  # threshold inclusive
            threshold=self.threshold,
            beat_probabilities=beats.astype(np.float32),
            device=runner.device.type,
            device_name=runner.device_name,
            seconds=seconds,
            model=runner.bundle.info,
            demonstration=bool(runner.bundle.card.get("demonstration", False)),
            warnings=warnings,
            trained_on=trained_on(runner.bundle.card),
            rows=rows,
            beats_given=n,
            sampling_error=error,
        )

    def _beat_probabilities(self, images: np.ndarray) -> tuple[np.ndarray, float]:
        logits, seconds, _ = self._runner.logits(images)
        return _softmax(logits.astype(np.float64))[:, self._responder], seconds


def unclassified_below(card: dict) -> float:
    """The calibrated top-class probability below which a beat is left "not classified" (card's calibration)."""
    return float(card.get("calibration", {}).get("unclassified_below", 0.0))


class BeatClassifier:
    """AAMI class (N/S/V/F/Q) of each beat of one record, from its image and its RR features.

    Probabilities are calibrated by the card's class_bias (prior shift) and temperature, then the card's dominant-beat
    rule (model/dominant_rule.py) takes V and F from beats shaped like the record's dominant beat and not early; a beat
    whose top-class probability is below the card's `unclassified_below` threshold gets no class (None): all were
    chosen on training data alone (DS1 out-of-fold predictions, training/README.md).
    """

    def __init__(self, bundle: ModelBundle, device: str = "auto") -> None:
        self._runner = _Runner(bundle, device, "aami_beats")
        if bundle.context is None:
            raise BundleError(
                f"the beat classifier {bundle.card['name']} was made for an earlier version of the app: it takes beat "
                "images alone, and this version also gives it each beat's RR intervals. Use the bundled classifier, "
                "or retrain it with: python -m training pretrain --split all --export FOLDER"
            )
        self.classes = list(bundle.card["classes"])
        calibration = bundle.card.get("calibration", {})
        self.temperature = float(calibration.get("temperature", 1.0))
        # DS1's prior shift (training/calibration.py), absent from cards made before it
        self.class_bias = np.asarray(calibration.get("class_bias", np.zeros(len(self.classes))), np.float64)
        self.threshold = unclassified_below(bundle.card)
        self.rule = DominantRule.from_calibration(calibration)
        self._features = list(bundle.card["architecture"]["context"]["features"])
        self._template = bool(bundle.card["architecture"]["context"].get("template"))

    @property
    def warnings(self) -> list[str]:
        return list(self._runner.warnings)

    def probabilities(self, images: np.ndarray, context: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities [k, classes] of all the beats of ONE record (images
        [k, 2, H, W], context [k, F] from beat_context.rr_features): their median is the record's template."""
        from ecgcrt_gui.core.signal.beat_context import record_template, template_similarity

        context = np.asarray(context, dtype=np.float32)
        if context.shape != (len(images), len(self._features)):
            raise BatchError(f"beat context must be one row of RR features per beat image, got shape {list(context.shape)}")
        if not np.isfinite(context).all():
            raise BatchError("beat context needs at least two R-peaks (RR intervals) per record")
        template = record_template(images) if (self._template or self.rule) and len(images) else None
        similarity = None if self.rule is None or template is None else template_similarity(images, template)
        network_template = template if self._template else None
        logits, _, bf16 = self._runner.logits(images, context, network_template, bf16=True)
        if bf16:
            again = self._near_a_decision(logits, BF16_LOGIT_TOLERANCE)
            if similarity is not None:  # and the decision among the classes the rule leaves
                again |= self._near_a_decision(self._ruled(logits, context, similarity), BF16_LOGIT_TOLERANCE)
            if again.any():
                logits[again] = self._runner.logits(np.asarray(images)[again], context[again], network_template)[0]
        if similarity is not None:
            logits = self._ruled(logits, context, similarity)
        return calibrated(logits, self.temperature, self.class_bias)

    def _ruled(self, logits: np.ndarray, context: np.ndarray, similarity: np.ndarray) -> np.ndarray:
        """The logits after the dominant-beat rule (the rule's classes at -inf where it applies)."""
        return self.rule.apply(logits, self.classes, similarity, context[:, self._features.index("pre_over_local")],
                               self.class_bias)

    def _near_a_decision(self, logits: np.ndarray, tolerance: float) -> np.ndarray:
        """Beats whose class or "not classified" verdict could change if each logit moved by up to `tolerance`:
        the top two calibrated logits closer than twice that, or the top class's log-probability (which moves by
        at most twice that) that close to the threshold's."""
        z = (np.asarray(logits, np.float64) + self.class_bias) / self.temperature
        step = 2.0 * tolerance / self.temperature
        top2 = np.sort(z, axis=1)[:, -2:]
        log_top = -np.log(np.exp(z - top2[:, 1:]).sum(axis=1))  # log softmax of the top class
        near_threshold = self.threshold > 0 and np.abs(log_top - np.log(max(self.threshold, 1e-12))) <= step
        return (top2[:, 1] - top2[:, 0] <= step) | near_threshold

    def classify(self, images: np.ndarray, context: np.ndarray) -> tuple[list[str | None], np.ndarray]:
        """(class per beat, None where the top-class probability is below the threshold; that probability)."""
        p = self.probabilities(images, context)
        top = p.max(axis=1)
        labels = [self.classes[i] if c >= self.threshold else None for i, c in zip(p.argmax(axis=1), top)]
        return labels, top
