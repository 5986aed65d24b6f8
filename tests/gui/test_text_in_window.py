"""Every text the window shows (labels, buttons, menus, tooltips, status bar, criteria tree, guideline
results, the attribution's sentences, the model card dialog) reads as written for a clinician, with a real analysis on screen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItemIterator,
    QWidget,
)

from ecgcrt_gui.core.guidelines.engine import ClinicalInputs
from ecgcrt_gui.core.model.bundle import read_card
from ecgcrt_gui.core.model.inference import CRT_MODEL
from ecgcrt_gui.core.text import text_problems
from ecgcrt_gui.gui.dialogs import ModelCardDialog


def _plain(text: str) -> str:
    """Rich text as a reader sees it (tags gone, entities decoded), menu mnemonics (&) dropped."""
    if "<" in text:
        doc = QTextDocument()
        doc.setHtml(text)
        text = doc.toPlainText()
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _tree_texts(tree: QTreeWidget) -> list[str]:
    texts = [tree.headerItem().text(col) for col in range(tree.columnCount())]
    it = QTreeWidgetItemIterator(tree)
    while it.value():
        item = it.value()
        texts += [item.text(col) for col in range(tree.columnCount())]
        texts += [item.toolTip(col) for col in range(tree.columnCount())]
        it += 1
    return texts


def widget_texts(root: QWidget) -> list[tuple[str, str]]:
    """(widget class, text) for every text under `root`, its menus and actions included."""
    found: list[tuple[str, str]] = [("window title", root.windowTitle())]
    for w in [root, *root.findChildren(QWidget)]:
        kind = type(w).__name__
        found += [(f"{kind} tooltip", w.toolTip()), (f"{kind} status tip", w.statusTip())]
        if isinstance(w, (QLabel, QAbstractButton)):
            found.append((kind, w.text()))
        if isinstance(w, QGroupBox):
            found.append((kind, w.title()))
        if isinstance(w, QDockWidget):
            found.append((kind, w.windowTitle()))
        if isinstance(w, QLineEdit):
            found.append((f"{kind} placeholder", w.placeholderText()))
        if isinstance(w, QTextBrowser):
            found.append((kind, w.toPlainText()))
        if isinstance(w, QComboBox):
            found += [(kind, w.itemText(i)) for i in range(w.count())]
            found += [(f"{kind} special value", getattr(w, "specialValueText", lambda: "")())]
        if isinstance(w, QTreeWidget):
            found += [(kind, t) for t in _tree_texts(w)]
        if isinstance(w, QMenu):
            found.append((kind, w.title()))
        for action in w.actions():
            found += [("action", action.text()), ("action tooltip", action.toolTip()),
                      ("action status tip", action.statusTip())]
    return [(where, _plain(text)) for where, text in found if text]


def _problems(texts: list[tuple[str, str]], allow: list[str]) -> list[str]:
    return [f"{where}: {p}" for where, text in texts for p in text_problems(text, allow=allow)]


def test_window_with_an_analysis_reads_clean(qtbot, window, analysed):
    window.open_initial(None)  # the demo ECG: complete LBBB
    a = analysed(window, lambda a: a.prediction is not None)
    window.session.set_inputs(ClinicalInputs(lvef=28, nyha=3, rhythm="sinus", sex="F"))
    panel = window.spectrogram_panel
    panel.why_box.setChecked(True)  # the attribution's sentences too
    qtbot.waitUntil(lambda: "Most evidence" in panel.why_text.text() or bool(window.errors), timeout=120_000)
    assert not window.errors, window.errors
    assert window.guideline_panel.criteria.topLevelItemCount() >= 4
    texts = widget_texts(window) + [("status bar", window.statusBar().currentMessage())]
    assert any("Broad or notched R in" in t for _, t in texts)  # the criteria's sentences are on screen
    # The record's file name and the model's name are names, not our wording.
    allow = [Path(a.record.path).name, str(a.prediction.model.get("name", ""))]
    problems = _problems(texts, allow)
    assert not problems, "\n".join(problems[:40])


def test_model_card_dialog_reads_clean(qtbot):
    card = read_card(CRT_MODEL)
    dialog = ModelCardDialog(card)
    qtbot.addWidget(dialog)
    # Names and command lines are shown as they are spelt and typed.
    verbatim = [card["name"], card["training"]["device"]] + _commands(card)
    problems = _problems(widget_texts(dialog), verbatim)
    assert not problems, "\n".join(problems[:40])


def test_training_dialog_reads_clean(qtbot):
    from ecgcrt_gui.gui.training_dialog import TrainingDialog

    dialog = TrainingDialog()
    qtbot.addWidget(dialog)
    # The cohort CSV's column names are what the user types into the file, spelt as they must be.
    problems = _problems(widget_texts(dialog), ["lvesv_baseline", "lvesv_6m"])
    assert not problems, "\n".join(problems[:40])


def _commands(card) -> list[str]:
    if isinstance(card, dict):
        return [v for k, v in card.items() if k.endswith("command")] + [c for v in card.values() for c in _commands(v)]
    return [c for v in card for c in _commands(v)] if isinstance(card, list) else []
