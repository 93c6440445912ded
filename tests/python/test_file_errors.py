# SPDX-License-Identifier: GPL-2.0-or-later
"""File() and the format classes given file objects that fail or run dry,
and FileType.save()/delete() given files in every way loadfile takes them:
what mutagen's own test___init__.py checks (only MutagenError may come out),
and where the two libraries' steps line up, the same outcome as mutagen."""

import importlib
import io
import os
import shutil

import pytest

import cmutagen
from cmutagen import File, MutagenError
from cmutagen.apev2 import APEv2File

FILES = ["silence-44-s.flac", "xing.mp3", "silence-44-s.mp3", "has-tags.m4a", "ep7.m4b",
         "empty.ogg", "example.opus", "empty.spx", "empty.oggflac", "sample.oggtheora",
         "oldtag.apev2", "click.mpc"]


class Failing:
    """A file object whose operations fail from the n-th on (read(0), used
    to probe the type of a file object, never fails), or whose reads stop
    after a number of bytes."""

    def __init__(self, data, fail_after=-1, stop_after=-1):
        self._f = io.BytesIO(data)
        self.fail_after = fail_after
        self.stop_after = stop_after
        self.ops = 0
        self.dataread = 0
        self.first_change = None  # the op number of the first write or truncate

    def _op(self):
        self.ops += 1
        if self.fail_after != -1 and self.ops > self.fail_after:
            raise OSError("fail")

    def read(self, size=-1):
        if size != 0:
            self._op()
        data = self._f.read(size)
        self.dataread += len(data)
        if self.stop_after != -1 and self.dataread > self.stop_after:
            data = data[:self.stop_after - self.dataread]
        return data

    def seek(self, offset, whence=0):
        self._op()
        return self._f.seek(offset, whence)

    def tell(self):
        self._op()
        return self._f.tell()

    def write(self, data):
        if data:
            self._op()
            self._changing()
        return self._f.write(data)

    def truncate(self, *args):
        self._op()
        self._changing()
        return self._f.truncate(*args)

    def _changing(self):
        if self.first_change is None:
            self.first_change = self.ops

    def flush(self):
        pass


def _outcome(call):
    try:
        result = call()
    except MutagenError:
        return "MutagenError"
    except Exception as e:  # what the test is for: nothing else may escape
        return "escaped %s: %s" % (type(e).__name__, e)
    return None if result is None else "loaded"


@pytest.mark.parametrize("name", FILES)
def test_file_on_failing_file_objects_raises_only_mutagen_errors(upstream_data, name):
    with open(os.path.join(upstream_data, name), "rb") as h:
        data = h.read()
    probe = Failing(data)
    File(probe)
    for n in range(probe.ops + 2):
        assert not (_outcome(lambda: File(Failing(data, fail_after=n))) or "").startswith("escaped"), n
    for n in range(0, probe.dataread + 1, max(1, probe.dataread // 200)):
        assert not (_outcome(lambda: File(Failing(data, stop_after=n))) or "").startswith("escaped"), n


@pytest.mark.parametrize("name", ["xing.mp3", "has-tags.m4a", "ep7.m4b", "oldtag.apev2"])
@pytest.mark.parametrize("method", ["save", "delete"])
def test_save_and_delete_on_failing_file_objects(upstream_data, name, method):
    """Only MutagenError comes out, and a save that fails before its first
    write leaves the bytes as they were.  (A file object that fails half way
    through the writes cannot be undone: the guarantee for those is the
    path save's.)"""
    with open(os.path.join(upstream_data, name), "rb") as h:
        data = h.read()
    loaded = File(io.BytesIO(data))
    probe = Failing(data)
    getattr(loaded, method)(fileobj=probe)
    for n in range(probe.ops + 2):
        target = Failing(data, fail_after=n)
        outcome = _outcome(lambda: getattr(loaded, method)(fileobj=target))
        assert not (outcome or "").startswith("escaped"), (n, outcome)
        if outcome == "MutagenError" and n < (probe.first_change or 0):
            assert target._f.getvalue() == data, n
        loaded = File(io.BytesIO(data))


def test_header_is_read_where_the_file_object_is(real_mutagen, upstream_data):
    for name in ["silence-44-s.flac", "xing.mp3", "empty.ogg", "has-tags.m4a"]:
        with open(os.path.join(upstream_data, name), "rb") as h:
            data = h.read()
        for position in (0, 5, 128):
            ours, theirs = io.BytesIO(data), io.BytesIO(data)
            ours.seek(position)
            theirs.seek(position)
            a, b = File(ours), real_mutagen.File(theirs)
            assert (a is None) == (b is None), (name, position)
            if a is not None:
                assert type(a).__name__ == type(b).__name__


class _NamedUnreadableHeader(io.BytesIO):
    """Fails the header read only: File() scores it as an empty header."""
    name = "song.mp3"

    def read(self, size=-1):
        if size == 128:
            raise OSError("header unreadable")
        return super().read(size)


def test_unreadable_header_scores_as_empty(real_mutagen, upstream_data):
    with open(os.path.join(upstream_data, "xing.mp3"), "rb") as h:
        data = h.read()
    assert type(real_mutagen.File(_NamedUnreadableHeader(data))).__name__ == "MP3"
    assert type(File(_NamedUnreadableHeader(data))).__name__ == "MP3"


def test_apev2_score_on_failing_file_objects_equals_mutagen(real_mutagen):
    theirs = importlib.import_module("mutagen.apev2").APEv2File  # (the real one: see conftest)
    for size in (50, 200):
        data = b"\0" * (size - 32) + b"APETAGEX" + b"\0" * 24
        for n in range(-1, 8):
            a, b = Failing(data, fail_after=n), Failing(data, fail_after=n)
            a._f.seek(10)
            b._f.seek(10)
            assert APEv2File.score("x", a, data[:128]) == theirs.score("x", b, data[:128]), (size, n)
            assert a._f.tell() == b._f.tell()


@pytest.mark.parametrize("name", ["xing.mp3", "has-tags.m4a", "oldtag.apev2"])
def test_filetype_save_and_delete_take_files_as_mutagen_does(real_mutagen, upstream_data, tmp_path,
                                                             name):
    """filename=/fileobj= keywords; a missing file is a MutagenError even
    when there are no tags to write."""
    results = []
    for lib in (cmutagen, real_mutagen):
        path = str(tmp_path / (lib.__name__ + "-" + name))
        shutil.copy(os.path.join(upstream_data, name), path)
        f = lib.File(path)
        steps = []
        with open(path, "rb+") as h:
            f.save(fileobj=h)
            h.seek(0)
            f.delete(fileobj=h)
        steps.append(open(path, "rb").read())
        f.save(filename=path)
        steps.append(open(path, "rb").read())
        os.remove(path)
        for call in (f.save, f.delete, lambda: f.save(path + ".none"),
                     lambda: f.delete(path + ".none")):
            try:
                call()
                steps.append("ok")
            except Exception as e:
                steps.append(type(e).__name__)
        f.tags = None
        for call in (lambda: f.save(path + ".none"), lambda: f.delete(path + ".none")):
            try:
                call()
                steps.append("ok")
            except Exception as e:
                steps.append(type(e).__name__)
        results.append(steps)
    assert results[0] == results[1]


def test_file_takes_filename_and_fileobj_keywords(real_mutagen, upstream_data):
    path = os.path.join(upstream_data, "silence-44-s.flac")
    with open(path, "rb") as h:
        data = h.read()
    loaded = File(fileobj=io.BytesIO(data), filename=path)
    assert loaded.filename == real_mutagen.File(fileobj=io.BytesIO(data), filename=path).filename
    assert type(File(filename=path)).__name__ == "FLAC"


def test_pprint_without_info_fails_as_mutagen(real_mutagen):
    outcomes = []
    for base in (cmutagen.FileType, real_mutagen.FileType):
        kind = type("Kind", (base,), {})
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = kind()
        try:
            f.pprint()
        except Exception as e:
            outcomes.append(type(e).__name__)
    assert outcomes == ["AssertionError", "AssertionError"]
