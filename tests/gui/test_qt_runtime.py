"""The Qt binding itself: faults in it that would bring the application down are caught here."""

from __future__ import annotations

import sys


def test_emitting_a_signal_keeps_the_reference_count_of_true(qapp):
    """PySide6 6.12.0 decrements True's count on every Signal.emit: the app aborts once it reaches zero."""
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        value = Signal(object)
        flag = Signal(bool)

    emitter = Emitter()
    heard = []
    emitter.value.connect(heard.append)
    emitter.flag.connect(heard.append)
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.value.emit(1)
        emitter.flag.emit(False)
    assert len(heard) == 400
    assert sys.getrefcount(True) - before > -10, "Signal.emit leaks references to True: use another PySide6"
