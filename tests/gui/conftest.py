"""GUI fixtures: offscreen Qt, settings in a temporary folder, a main window torn down cleanly."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ANALYSIS_TIMEOUT_MS = 120_000


@pytest.fixture(scope="session", autouse=True)
def isolated_settings(tmp_path_factory):
    """Never read or write the developer's real settings."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("settings")))


@pytest.fixture
def window(qtbot):
    from PySide6.QtCore import QThreadPool

    from ecgcrt_gui.gui.mainwindow import MainWindow
    from ecgcrt_gui.gui.qtapp import make_app

    make_app()
    from ecgcrt_gui.gui.mainwindow import settings

    settings().clear()  # each test starts as on a first launch
    win = MainWindow(show_dialogs=False)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    yield win
    win.session.cancel()
    QThreadPool.globalInstance().waitForDone(60_000)  # no worker may outlive its window


@pytest.fixture
def analysed(qtbot):
    """analysed(window, check, timeout): wait for an analysis result satisfying check; fail on a reported error."""

    def wait(win, check=lambda a: True, timeout=ANALYSIS_TIMEOUT_MS):
        qtbot.waitUntil(lambda: bool(win.errors) or (win.session.assessment is not None
                                                     and not win.session.busy() and check(win.session.assessment)),
                        timeout=timeout)
        assert not win.errors, win.errors
        return win.session.assessment

    return wait
