"""Saving: a default folder that is never the ECG's own."""

from __future__ import annotations

from ecgcrt_gui.core.support.resources import SAMPLES_DIR
from ecgcrt_gui.gui.export import default_folder


def test_default_folder_is_the_users_not_the_ecgs(qapp):
    folder = default_folder()
    assert folder.is_dir()
    assert folder.resolve() != SAMPLES_DIR.resolve()
