"""Saving: atomic writes, and a default folder that is never the ECG's own."""

from __future__ import annotations

import pytest

from ecgcrt_gui.core.datapaths import SAMPLES_DIR
from ecgcrt_gui.gui.export import default_folder, write_atomically


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old report")

    def broken(tmp):
        tmp.write_bytes(b"half a rep")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomically(target, broken)
    assert target.read_bytes() == b"old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]
    write_atomically(target, lambda tmp: tmp.write_bytes(b"new report"))
    assert target.read_bytes() == b"new report" and [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_default_folder_is_the_users_not_the_ecgs(qapp):
    folder = default_folder()
    assert folder.is_dir()
    assert folder.resolve() != SAMPLES_DIR.resolve()
