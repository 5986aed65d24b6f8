"""Atomic writes: all or nothing, and readable by colleagues like any new file."""

from __future__ import annotations

import os
import stat

import pytest

from ecgcrt_gui.core.support.atomic import atomic_path, write_text


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old report")
    with pytest.raises(OSError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half a rep")
        raise OSError("disk full")
    assert target.read_bytes() == b"old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_a_successful_write_replaces_whole_with_normal_permissions(tmp_path):
    target = tmp_path / "a.json"
    target.write_text("old")
    old_umask = os.umask(0o022)
    try:
        write_text(target, "new ✓")
    finally:
        os.umask(old_umask)
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
