"""Model > Train on my cohort...: a tiny cohort of real LUDB ECGs, end to end, with a cancel in the middle."""

from __future__ import annotations

import json

import pytest

TIMEOUT_MS = 600_000


@pytest.fixture
def tiny_cohort(tmp_path, ludb):
    """Eight LUDB ECGs, response given by the CSV (the ECGs are real, the outcomes made up for the test)."""
    rows = ["record,response,patient"] + [f"{ludb / f'{i}.hea'},{int(i % 2 == 0)},p{i}" for i in range(1, 9)]
    path = tmp_path / "tiny cohort.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def _dialog(window, csv, out):
    window.train_on_cohort()
    d = window.training_dialog
    d.csv_edit.setText(str(csv))
    d.out_edit.setText(str(out))
    d.epochs.setValue(1)
    d.beats.setValue(16)
    d.folds.setValue(2)
    d.repeats.setValue(1)
    d.bootstrap = 50
    return d


def test_problems_are_listed_by_row(qtbot, window, tmp_path, ludb):
    bad = tmp_path / "bad.csv"
    bad.write_text(f"record,response\n{ludb / '1.hea'},1\nmissing.hea,0\n{ludb / '2.hea'},7\n")
    d = _dialog(window, bad, tmp_path)
    d.train_button.click()
    text = d.report.toPlainText()
    assert "2 problem(s)" in text and "row 2: record file not found" in text and "row 3: response must be 0 or 1" in text
    assert not d.busy() and list(tmp_path.iterdir()) == [bad]


def test_train_cancel_then_train_and_use_the_model(qtbot, window, analysed, tiny_cohort, tmp_path):
    out = tmp_path / "models"
    out.mkdir()
    d = _dialog(window, tiny_cohort, out)
    d.train_button.click()
    assert d.busy() and "8 ECGs of 8 patients, 4 responders" in d.report.toPlainText()
    qtbot.waitUntil(lambda: "fold" in d.status.text() or not d.busy(), timeout=TIMEOUT_MS)
    assert d.busy(), d.status.text()
    window.lead_view.zoom_by(1.5)  # the GUI stays responsive while the process trains
    d.cancel_button.click()
    assert not d.busy() and d.status.text() == "Cancelled: nothing was written."
    assert list(out.iterdir()) == []  # no bundle, no staging folder, no stray temporary file

    d.train_button.click()
    qtbot.waitUntil(lambda: not d.busy(), timeout=TIMEOUT_MS)
    assert d.status.text().startswith("Done: 8 patients, 4 responders"), d.status.text()
    folder = out / "crt_tiny_cohort_resnet18"
    assert sorted(p.name for p in out.iterdir()) == [folder.name]
    names = {p.name for p in folder.iterdir()}
    assert {"crt_tiny_cohort_resnet18.pt", "crt_tiny_cohort_resnet18.json", "crossval_tiny cohort.json",
            "crossval_tiny cohort_roc.png"} <= names
    card = json.loads((folder / "crt_tiny_cohort_resnet18.json").read_text())
    assert card["training"]["cohort"]["n_patients"] == 8 and "LVESV" in card["training"]["cohort"]["outcome"]
    assert card["preprocessing"] and card["training"]["code_version"] and not card["demonstration"]
    assert set(card["metrics"]["cross_validation_pooled"]) >= {"guideline", "resnet18_transfer", "resnet18_scratch"}
    shown = [d.table.item(r, 0).text() for r in range(d.table.rowCount())]
    assert shown == ["resnet18_transfer", "resnet18_scratch", "guideline", "svm", "random_forest"]
    assert "[" in d.table.item(0, 4).text()  # the pooled AUC with its interval

    window.open_initial(None)
    analysed(window)
    d.load_button.click()
    qtbot.waitUntil(lambda: window.session.model_path is not None or bool(window.errors), timeout=60_000)
    a = analysed(window, lambda a: a.prediction is not None and a.prediction.trained_on is not None)
    assert a.prediction.model["name"] == "crt_tiny_cohort_resnet18"
    notice = window.prediction_panel.notice
    assert notice.isVisible() and notice.text().startswith("Trained on tiny cohort, n = 8")
