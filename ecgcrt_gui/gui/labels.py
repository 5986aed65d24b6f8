"""Labels that never hide text: one wraps and takes the height it needs, one elides and keeps the whole
text in its tooltip."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy


class WrapLabel(QLabel):
    """QLabel with word wrap whose minimum height follows its width.

    A wrapped QLabel inside a dock or a main window's layout can be given less height than its lines need
    (those layouts do not ask for height-for-width), and its last lines are cut off. Here each resize sets
    the minimum height to what the text needs at the new width, so nothing is ever clipped.
    """

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def _fit_height(self) -> None:
        needed = self.heightForWidth(max(self.width(), 1))
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit_height()


class ElidedLabel(QLabel):
    """One line that ends in an ellipsis when space runs out; its tooltip always holds the whole text.

    A plain QLabel asks for its whole text's width, so a long status line would widen the window past
    a small screen; this one can shrink. text() is the whole text; shown_text() what is drawn.
    """

    def __init__(self, text: str = "", tip: str = "", parent=None):
        super().__init__(parent)
        self._full = ""
        self._tip = tip
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def setText(self, text: str) -> None:
        self._full = text
        self._update_tip()
        self._elide()

    def set_tip(self, tip: str) -> None:
        """What the label means, shown under the whole text in the tooltip."""
        self._tip = tip
        self._update_tip()

    def _update_tip(self) -> None:
        self.setToolTip("\n\n".join(t for t in (self._full, self._tip) if t))

    def _elide(self) -> None:
        super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(self.width(), 1)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right() + 4
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(min(60, self.sizeHint().width()), super().minimumSizeHint().height())
