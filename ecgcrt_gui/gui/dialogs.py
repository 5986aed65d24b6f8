"""Small dialogs: the model card, shown readably."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecgcrt_gui.core.text import label_from_key, number

_IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")


class ModelCardDialog(QDialog):
    """The card as an expandable tree of its fields."""

    def __init__(self, card: dict, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Model card: {card.get('name', '?')} {card.get('version', '')}")
        self.resize(720, 560)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Field", "Value"])
        self.tree.setToolTip("Every field of the model card; expand an entry to see its parts")
        for key, value in card.items():
            self.tree.addTopLevelItem(_item(key, value))
        self.tree.expandToDepth(0)
        self.tree.resizeColumnToContents(0)
        self.summary = QLabel(card_summary(card))
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.summary)
        box.addWidget(self.tree)
        box.addWidget(buttons)


def card_summary(card: dict) -> str:
    """The lines a clinician reads first: which model, what for, and whether it is a demonstration."""
    lines = [f"<b>{html.escape(str(card.get('name', '?')))}</b> version {html.escape(str(card.get('version', '?')))}"]
    if card.get("intended_use"):
        lines.append(html.escape(str(card["intended_use"])))
    if card.get("demonstration"):
        lines.append("<span style='color:#8a3b00'><b>Demonstration model:</b> its CRT outcomes are simulated. "
                     "For research use only; not a medical device.</span>")
    return "<br>".join(lines)


def _item(key: str, value) -> QTreeWidgetItem:
    """A card field as a labelled row: 'highpass_hz' reads 'Highpass (Hz)', 0.3333 reads 0.33; a
    command line stays as it is typed."""
    label = label_from_key(key)
    if isinstance(value, dict):
        item = QTreeWidgetItem([label, ""])
        for k, v in value.items():
            item.addChild(_item(k, v))
        return item
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        item = QTreeWidgetItem([label, f"{len(value)} entries"])
        for i, v in enumerate(value):
            item.addChild(_item(str(i + 1), v))
        return item
    if str(key).endswith("command"):
        text = str(value)
    else:
        text = ", ".join(map(_value, value)) if isinstance(value, list) else _value(value)
    item = QTreeWidgetItem([label, text])
    item.setToolTip(1, text)
    return item


def _value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return number(value, 2)
    if isinstance(value, str) and _IDENTIFIER.fullmatch(value):
        return value.replace("_", " ")  # a card's own code word (crt_response): its words
    return str(value)
