"""File > Analyse a folder...: the batch in the background, its progress, cancel, and the summary it ends with."""

from __future__ import annotations

import csv
from pathlib import Path

from ecgcrt_gui.core.text import text_problems
from ecgcrt_gui.gui.batch_dialog import BatchDialog, time_left


def _folder(tmp_path: Path, ludb: Path, records) -> Path:
    folder = tmp_path / "ecgs"
    folder.mkdir()
    for n in records:
        for ext in (".hea", ".dat"):
            (folder / f"{n}{ext}").symlink_to(ludb / f"{n}{ext}")
    (folder / "broken.edf").write_bytes(b"0       " + b"\1" * 200)
    return folder


def _texts(dialog: BatchDialog) -> list[str]:
    return [dialog.windowTitle(), dialog.heading.text(), dialog.status.text(), dialog.report.toPlainText(),
            dialog.cancel_button.text(), dialog.close_button.text(),
            *(w.toolTip() for w in (dialog.progress, dialog.status, dialog.report, dialog.cancel_button))]


def test_folder_analysed_in_the_background_then_summarised(qtbot, tmp_path, ludb):
    folder = _folder(tmp_path, ludb, (1, 2))
    table = tmp_path / "out" / "table.csv"
    table.parent.mkdir()
    dialog = BatchDialog(folder, table, workers=1)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    assert dialog.is_running()
    with qtbot.waitSignal(dialog.finished_table, timeout=300_000) as signal:
        pass
    assert signal.args == [str(table)] and not dialog.is_running()
    rows = list(csv.DictReader(open(table)))
    assert [Path(r["path"]).name for r in rows] == ["1.hea", "2.hea", "broken.edf"]
    assert [r["status"] == "ok" for r in rows] == [True, True, False]
    report = dialog.report.toPlainText()
    assert "3 of 3 ECGs are in the table" in report and "2 could be used; 1 could not" in report
    assert str(table) in dialog.status.text() and dialog.close_button.isVisible()
    problems = [p for t in _texts(dialog) for p in text_problems(t, allow=[str(table), str(folder)])]
    assert not problems, problems


def test_cancel_keeps_the_finished_rows(qtbot, tmp_path, ludb):
    folder = _folder(tmp_path, ludb, range(1, 31))
    table = tmp_path / "table.csv"
    dialog = BatchDialog(folder, table, workers=1)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress.value() >= 2, timeout=300_000)
    dialog.cancel()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=300_000)
    rows = list(csv.DictReader(open(table)))
    assert 2 <= len(rows) < 31 and dialog.summary.interrupted
    assert "Stopped before the end" in dialog.report.toPlainText() and "Analyse a folder" in dialog.report.toPlainText()


def test_time_left_reads_as_a_person_would_say_it():
    assert time_left(10, 10, 40, 0) == "about 30 s left"
    assert time_left(60, 10, 110, 0) == "about 10 min left"
    assert time_left(3600, 10, 40, 0) == "about 3 h left"
    assert time_left(10, 20, 40, 10) == "about 20 s left"  # rows kept from an earlier run do not set the pace
    assert time_left(10, 40, 40, 0) == ""
