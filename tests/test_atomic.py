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


def test_a_pipe_is_written_through_not_replaced(tmp_path):
    """`--json /dev/stdout` or a FIFO: the rename would leave a regular file where the pipe was."""
    import threading

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    write_text(fifo, "through the pipe")
    reader.join(timeout=10)
    assert received == ["through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.fifo"]
