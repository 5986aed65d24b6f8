"""The bundled beat classifier, through the app's own pipeline, on MIT-BIH records that WERE IN ITS
TRAINING DATA (100, 119 and 209, 5-minute excerpts: it was trained on every non-paced record), at the
accuracy its model card documents. This checks that the app feeds it what it was trained on (our
R-peaks, our RR features); how it does on patients it never saw is the DS2 figure of `make bench`."""

from __future__ import annotations

import pytest

from ecgcrt_gui.core.model.inference import AAMI_MODEL, load_default
from training.pipeline_check import pipeline_figures


def test_bundled_classifier_on_training_records_at_its_documented_accuracy(mitdb):
    documented = load_default("aami").card["metrics"]["app_pipeline_on_training_records"]
    assert documented["records"] == ["100", "119", "209"]
    measured = pipeline_figures(AAMI_MODEL, mitdb, tuple(documented["records"]))
    for name in [*documented["records"], "pooled"]:
        got, doc = measured[name], documented[name]
        assert got["matched"] == doc["matched"] >= 0.99 * doc["beats"]  # our R-peaks find the annotated beats
        assert got["accuracy_of_classified"] == pytest.approx(doc["accuracy_of_classified"], abs=0.005)
        assert got["unclassified_share"] == pytest.approx(doc["unclassified_share"], abs=0.005)
    # beats it was trained on: nearly all classified, and right
    assert measured["pooled"]["accuracy_of_classified"] >= 0.97 and measured["pooled"]["unclassified_share"] <= 0.05
