"""The beat classifier's context: RR features (known and real intervals), the record template, similarity to it."""

from __future__ import annotations

import numpy as np
import pytest

from ecgcrt_gui.core.config import BeatContextConfig
from ecgcrt_gui.core.signal.beat_context import FEATURES, record_template, rr_features, template_similarity

FS = 360.0
COL = {name: i for i, name in enumerate(FEATURES)}


def test_rr_features_of_known_intervals():
    # 0.8 s rhythm, one premature beat 0.5 s after its predecessor and a compensatory 1.1 s pause
    rr = [0.8] * 10 + [0.5, 1.1] + [0.8] * 10
    r = np.round(np.concatenate([[0.0], np.cumsum(rr)]) * FS).astype(int) + 100
    f = rr_features(r, FS)
    assert f.shape == (23, len(FEATURES)) and f.dtype == np.float32
    p = 11  # the premature beat
    expected = {"pre_rr_s": 0.5, "post_rr_s": 1.1, "local_rr_s": 0.8, "record_rr_s": 0.8, "pre_over_post": 0.5 / 1.1,
                "pre_over_local": 0.625, "post_over_local": 1.375, "pre_over_record": 0.625,
                "post_over_record": 1.375, "local_over_record": 1.0}
    for name, value in expected.items():
        assert f[p, COL[name]] == pytest.approx(value, abs=2e-3), name
    assert f[p + 1, COL["pre_over_local"]] == pytest.approx(1.375, abs=2e-3)  # the beat after the pause
    steady = f[3]
    np.testing.assert_allclose(steady[COL["pre_over_post"]:], 1.0, atol=2e-3)
    # the first beat takes its post as pre, the last its pre as post
    assert f[0, COL["pre_rr_s"]] == f[0, COL["post_rr_s"]] == pytest.approx(0.8, abs=2e-3)
    assert f[-1, COL["post_rr_s"]] == pytest.approx(0.8, abs=2e-3)


def test_rr_features_follow_the_callers_order_and_clip_slips():
    r = np.array([0, 288, 576, 864, 1152])
    shuffled = np.array([3, 0, 4, 1, 2])
    np.testing.assert_array_equal(rr_features(r[shuffled], FS), rr_features(r, FS)[shuffled])
    slip = rr_features(np.array([0, 10, 298, 586]), FS, BeatContextConfig(min_rr_s=0.15))  # a double detection
    assert slip[1, COL["pre_rr_s"]] == pytest.approx(0.15)
    assert np.isnan(rr_features(np.array([500]), FS)).all()  # one R-peak: no interval


def test_rr_features_of_mitdb_100_detected_as_annotated(mitdb, mitdb100):
    """The app's own R-peaks give the cardiologists' RR features; record 100's 33 S beats are premature."""
    from ecgcrt_gui.core.signal import rpeaks
    from training.datasets.mitdb_beats import AAMI_CLASSES, annotated_beats

    r_ann, labels = annotated_beats(mitdb / "100")
    detected = rpeaks.detect(mitdb100.signal, mitdb100.fs)
    inner = (r_ann > FS) & (r_ann < mitdb100.n_samples - FS)  # the first and last second: edge beats aside
    r_ann, labels = r_ann[inner], labels[inner]
    nearest = np.abs(detected[None, :] - r_ann[:, None]).argmin(axis=1)
    assert np.abs(detected[nearest] - r_ann).max() <= 0.05 * FS  # every annotated beat was found
    ours, theirs = rr_features(detected, FS)[nearest], rr_features(r_ann, FS)
    np.testing.assert_allclose(ours[:, :4], theirs[:, :4], atol=0.02)  # RR in s, within 20 ms
    s = labels == AAMI_CLASSES.index("S")
    assert s.sum() == 33  # all of record 100's S beats lie inside
    assert np.median(theirs[s, COL["pre_over_local"]]) < 0.75 < np.median(theirs[~s, COL["pre_over_local"]])
    assert np.median(theirs[~s, COL["pre_over_local"]]) == pytest.approx(1.0, abs=0.02)


def test_record_template_is_the_pixelwise_median():
    images = np.stack([np.full((2, 4, 4), v, np.float16) for v in (1.0, 5.0, 2.0)])
    np.testing.assert_array_equal(record_template(images), np.full((2, 4, 4), 2.0, np.float32))
    with pytest.raises(ValueError, match="k >= 1"):
        record_template(np.zeros((0, 2, 4, 4)))


def test_template_similarity_is_the_shape_not_the_amplitude():
    rng = np.random.default_rng(0)
    template = rng.normal(size=(2, 8, 8)).astype(np.float32)
    flat = np.zeros((2, 8, 8), np.float32)
    beats = np.stack([template, 3 * template + 1, -template, flat, np.stack([template[0], -template[1]])])
    np.testing.assert_allclose(template_similarity(beats, template), [1, 1, -1, 0, 0], atol=1e-5)
