"""MIT-BIH beat labels against the .atr annotations, and the on-disk cache."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest

from training.datasets.mitdb_beats import AAMI_CLASSES, DS1, DS2, PACED, SYMBOL_TO_CLASS, annotated_beats, record_beats


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ECGCRT_CACHE", str(tmp_path))
    return tmp_path


def test_record_100_aami_counts(mitdb):
    r, labels = annotated_beats(mitdb / "100")
    counts = dict(zip(AAMI_CLASSES, np.bincount(labels, minlength=5).tolist()))
    assert counts == {"N": 2239, "S": 33, "V": 1, "F": 0, "Q": 0}
    assert len(r) == 2273 and np.all(np.diff(r) > 0)


def test_labels_follow_wfdb_symbols(mitdb):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import wfdb

        ann = wfdb.rdann(str(mitdb / "208"), "atr")
    _, labels = annotated_beats(mitdb / "208")
    symbols = [s for s in ann.symbol if s in SYMBOL_TO_CLASS]
    assert len(symbols) < len(ann.symbol)  # 208 has rhythm/noise annotations that are not beats
    expected = np.bincount([AAMI_CLASSES.index(SYMBOL_TO_CLASS[s]) for s in symbols], minlength=5)
    assert np.array_equal(np.bincount(labels, minlength=5), expected)
    assert expected[AAMI_CLASSES.index("F")] == 373  # 208 holds most of MIT-BIH's fusion beats


def test_de_chazal_split_is_disjoint_and_complete():
    assert len(DS1) == len(DS2) == 22 and not set(DS1) & set(DS2) and not set(PACED) & (set(DS1) | set(DS2))


def test_record_beats_images_labels_and_cache(mitdb, cache):
    t0 = time.perf_counter()
    first = record_beats(mitdb, "100")
    cold = time.perf_counter() - t0
    _, labels = annotated_beats(mitdb / "100")
    assert first["images"].shape[1:] == (2, 64, 64) and first["images"].dtype == np.float16
    assert len(first["images"]) == len(first["labels"]) >= len(labels) - 2  # only edge beats lack a window
    assert np.all(np.bincount(first["labels"], minlength=5) <= np.bincount(labels, minlength=5))
    assert list(cache.rglob("*.npz")) and not list(cache.rglob("*.tmp"))
    t0 = time.perf_counter()
    again = record_beats(mitdb, "100")
    assert time.perf_counter() - t0 < cold / 3
    assert np.array_equal(again["images"], first["images"]) and np.array_equal(again["r"], first["r"])


def test_cache_key_covers_sources_that_exist():
    from training.cache import PIPELINE_SOURCES, pipeline_version

    assert len(pipeline_version()) == 8 and "signal/spectrogram.py" in PIPELINE_SOURCES
    with pytest.raises(FileNotFoundError, match="core/moved.py does not exist"):
        pipeline_version(("moved.py",))
