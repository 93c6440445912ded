# SPDX-License-Identifier: GPL-2.0-or-later
"""cmutagen._util beyond what mutagen's test__util.py checks."""

import io
import os

import pytest

from cmutagen import MutagenError
from cmutagen._util import _write_back, read_file_prefix


def test_write_back_replaces_the_file_whole_and_keeps_its_mode(tmp_path):
    path = tmp_path / "song.mp3"
    path.write_bytes(b"old contents")
    os.chmod(path, 0o640)
    _write_back(str(path), io.BytesIO(b"new"))
    assert path.read_bytes() == b"new"
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["song.mp3"]  # no temporary file left


def test_write_back_failure_keeps_the_original(tmp_path, monkeypatch):
    """The copy is written and synced before it replaces the file: a
    failure on the way (here the sync) leaves the original and no debris."""
    path = tmp_path / "song.mp3"
    path.write_bytes(b"old contents")

    def failing_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(MutagenError):
        _write_back(str(path), io.BytesIO(b"new"))
    assert path.read_bytes() == b"old contents"
    assert os.listdir(tmp_path) == ["song.mp3"]


@pytest.mark.parametrize("request_size", [0, 10, 100, 101, 10**9])
def test_read_file_prefix_refuses_requests_that_cannot_progress(request_size):
    """A parser asking for bytes it already has, or past the end of the
    file, gets an error instead of an endless loop."""
    with pytest.raises(ValueError):
        read_file_prefix(io.BytesIO(b"x" * 100), lambda data, size: request_size)


def test_read_file_prefix_reads_what_is_asked():
    seen = []

    def parse(data, size):
        seen.append(len(data))
        return "done" if len(data) >= 70000 else 70000

    assert read_file_prefix(io.BytesIO(b"x" * 100000), parse) == "done"
    assert seen == [65536, 70000]
