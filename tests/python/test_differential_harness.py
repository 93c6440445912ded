# SPDX-License-Identifier: GPL-2.0-or-later
"""Tests of the differential harness itself (tests/differential).

Both sides are fake mutagen-like packages registered in sys.modules, so the
harness can be made to see exactly one difference at a time.
"""

import functools
import importlib.util
import io
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

DIFFERENTIAL_DIR = Path(__file__).resolve().parents[1] / "differential"
# run.py imports its sibling as plain `snapshot`.
sys.path.insert(0, str(DIFFERENTIAL_DIR))

import snapshot  # noqa: E402  (needs the sys.path entry above)


def _load_harness():
    # tests/conformance has a run.py too: load ours under a name of its own.
    spec = importlib.util.spec_from_file_location(
        "differential_run", DIFFERENTIAL_DIR / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run = _load_harness()

FLAC_BYTES = b"fLaC" + bytes(60)


class FakeStreamInfo:
    def __init__(self, length, bitrate):
        self.length = length
        self.bitrate = bitrate
        self.channels = 2


class FakePicture:
    def __init__(self, data):
        self.type = 3
        self.mime = "image/png"
        self.desc = "cover"
        self.width = self.height = 1
        self.depth = 24
        self.colors = 0
        self.data = data


class FakeTags(dict):
    """A tags object whose default repr carries an address and a module."""

    __repr__ = object.__repr__


class FakeFLAC:
    mime = ["audio/flac", "audio/x-flac"]

    def __init__(self, info, tags, pictures):
        self.info = info
        self.tags = tags
        self.pictures = pictures

    # Tags are left out so that each test's difference shows up first in
    # the part of the snapshot the test is about.
    def pprint(self):
        return "FLAC, %.2f seconds" % self.info.length

    def keys(self):
        return list(self.tags.keys())

    def __getitem__(self, key):
        return self.tags[key]


def read_all(filething):
    if isinstance(filething, str):
        with open(filething, "rb") as fileobj:
            return fileobj.read()
    return filething.read()


def standard_load(kinds, filething, easy, length=3.5, bitrate=221,
                  tags=None, picture=b"\x89PNG"):
    """What both fakes do unless a test changes one argument."""
    if not read_all(filething).startswith(b"fLaC"):
        return None
    if tags is None:
        tags = {"title": ["Silence"], "artist": ["piman", "jzig"]}
    if easy:
        tags = {key.upper(): value for key, value in tags.items()}
    return kinds.FLAC(kinds.StreamInfo(length, bitrate),
                      kinds.Tags(tags), [kinds.Picture(picture)])


def make_library(monkeypatch, root, label, load=standard_load):
    """A fake package `root` with File() and flac.FLAC() both calling load."""
    module_name = root + ".flac"

    def local(name, base):
        return type(name, (base,), {"__module__": module_name})

    error = local("error", Exception)
    kinds = types.SimpleNamespace(
        FLAC=local("FLAC", FakeFLAC),
        StreamInfo=local("StreamInfo", FakeStreamInfo),
        Picture=local("Picture", FakePicture),
        Tags=local("VCFLACDict", FakeTags),
        error=error,
        FLACNoHeaderError=local("FLACNoHeaderError", error))

    package = types.ModuleType(root)
    package.File = lambda filething, easy=False: load(kinds, filething, easy)
    flac = types.ModuleType(module_name)
    flac.FLAC = lambda filething: load(kinds, filething, False)
    monkeypatch.setitem(sys.modules, root, package)
    monkeypatch.setitem(sys.modules, module_name, flac)
    return run.Library(label, package)


@pytest.fixture
def data_dir(tmp_path):
    (tmp_path / "song.flac").write_bytes(FLAC_BYTES)
    (tmp_path / "song.mp3").write_bytes(b"\xff\xfb" + bytes(60))
    return tmp_path


def compare(monkeypatch, data_dir, candidate_load, formats=("flac",)):
    """Run the harness over data_dir; returns (exit status, report)."""
    oracle = make_library(monkeypatch, "fakeoracle", "mutagen")
    candidate = make_library(monkeypatch, "fakecand", "cmutagen",
                             candidate_load)
    out = io.StringIO()
    status = run.run([str(data_dir)], oracle, candidate, set(formats),
                     out=out)
    return status, out.getvalue()


def test_identical_libraries_pass(monkeypatch, data_dir):
    status, report = compare(monkeypatch, data_dir, standard_load)
    assert status == 0
    assert "OK %s" % (data_dir / "song.flac") in report
    assert ("differential: 1 files compared, 0 mismatches, "
            "1 skipped (format not implemented)") in report
    assert report.splitlines()[-1] == "1 passed, 0 failed"


def test_value_mismatch(monkeypatch, data_dir):
    status, report = compare(
        monkeypatch, data_dir, functools.partial(standard_load, bitrate=220))
    assert status == 1
    assert ("MISMATCH %s: File(path): f.info.bitrate: mutagen 221 != "
            "cmutagen 220" % (data_dir / "song.flac")) in report
    assert report.splitlines()[-1] == "0 passed, 1 failed"


def test_float_compared_exactly(monkeypatch, data_dir):
    status, report = compare(
        monkeypatch, data_dir,
        functools.partial(standard_load, length=3.5000000000000004))
    assert status == 1
    assert ("f.info.length: mutagen 3.5 != cmutagen 3.5000000000000004"
            in report)


def test_type_mismatch(monkeypatch, data_dir):
    status, report = compare(
        monkeypatch, data_dir, functools.partial(standard_load, bitrate=221.0))
    assert status == 1
    assert ("f.info.bitrate: mutagen 221 (int) != cmutagen 221.0 (float)"
            in report)


def test_exception_class_mismatch(monkeypatch, data_dir):
    def oracle_load(kinds, filething, easy):
        raise kinds.error("file said 16 bytes, read 0 bytes")

    def candidate_load(kinds, filething, easy):
        raise kinds.FLACNoHeaderError("not a FLAC file")

    oracle = make_library(monkeypatch, "fakeoracle", "mutagen", oracle_load)
    candidate = make_library(monkeypatch, "fakecand", "cmutagen",
                             candidate_load)
    result = run.check_file(str(data_dir / "song.flac"), oracle, candidate,
                            {"flac"})
    line = run.format_difference(result.first_difference, oracle, candidate)
    assert line == (
        "File(path): f: mutagen raises mutagen.flac.error != cmutagen raises "
        "mutagen.flac.FLACNoHeaderError [mutagen: 'file said 16 bytes, read 0 "
        "bytes'; cmutagen: 'not a FLAC file']")


def test_same_exception_with_other_message_passes(monkeypatch, data_dir):
    def raising(message, kinds, filething, easy):
        raise kinds.error(message)

    oracle = make_library(monkeypatch, "fakeoracle", "mutagen",
                          functools.partial(raising, "oracle words"))
    candidate = make_library(monkeypatch, "fakecand", "cmutagen",
                             functools.partial(raising, "other words"))
    result = run.check_file(str(data_dir / "song.flac"), oracle, candidate,
                            {"flac"})
    assert result.checked and result.first_difference is None


def test_empty_exception_message_fails(monkeypatch, data_dir):
    def raising(message, kinds, filething, easy):
        raise kinds.error(message)

    oracle = make_library(monkeypatch, "fakeoracle", "mutagen",
                          functools.partial(raising, "bad block"))
    candidate = make_library(monkeypatch, "fakecand", "cmutagen",
                             functools.partial(raising, ""))
    result = run.check_file(str(data_dir / "song.flac"), oracle, candidate,
                            {"flac"})
    assert result.first_difference.difference.actual == (
        "raises mutagen.flac.error with an empty message")


def test_raise_versus_return(monkeypatch, data_dir):
    def candidate_load(kinds, filething, easy):
        raise ValueError("unexpected")

    status, report = compare(monkeypatch, data_dir, candidate_load)
    assert status == 1
    assert ("f: mutagen mutagen.flac.FLAC object != cmutagen raises "
            "builtins.ValueError") in report


def test_none_versus_object(monkeypatch, data_dir):
    status, report = compare(monkeypatch, data_dir,
                             lambda kinds, filething, easy: None)
    assert status == 1
    assert ("File(path): f: mutagen mutagen.flac.FLAC object != cmutagen None"
            in report)


def test_key_order_and_values(monkeypatch, data_dir):
    reordered = {"artist": ["piman", "jzig"], "title": ["Silence"]}
    status, report = compare(monkeypatch, data_dir,
                             functools.partial(standard_load, tags=reordered))
    assert status == 1
    assert "f.keys()[0]: mutagen 'title' != cmutagen 'artist'" in report

    changed = {"title": ["Silence"], "artist": ["piman", "jzig", "x"]}
    status, report = compare(monkeypatch, data_dir,
                             functools.partial(standard_load, tags=changed))
    assert "len(f['artist']): mutagen 2 != cmutagen 3" in report


def test_picture_bytes_compared(monkeypatch, data_dir):
    status, report = compare(
        monkeypatch, data_dir,
        functools.partial(standard_load, picture=b"\x89PNH"))
    assert status == 1
    assert ("hex(f.pictures[0].data): mutagen '89504e47' != "
            "cmutagen '89504e48'") in report


def test_easy_view_compared(monkeypatch, data_dir):
    def candidate_load(kinds, filething, easy):
        return standard_load(kinds, filething, False)

    status, report = compare(monkeypatch, data_dir, candidate_load)
    assert status == 1
    assert "File(path, easy=True): f.keys()[0]: mutagen 'TITLE'" in report


def test_file_object_views_compared(monkeypatch, data_dir):
    def candidate_load(kinds, filething, easy):
        loaded = standard_load(kinds, filething, easy)
        if not isinstance(filething, str):
            loaded.info.channels = 1
        return loaded

    status, report = compare(monkeypatch, data_dir, candidate_load)
    assert status == 1
    assert ("File(open(path, 'rb')): f.info.channels: mutagen 2 != "
            "cmutagen 1") in report


def test_direct_class_view_compared(monkeypatch, data_dir):
    oracle = make_library(monkeypatch, "fakeoracle", "mutagen")
    candidate = make_library(monkeypatch, "fakecand", "cmutagen")
    sys.modules["fakecand.flac"].FLAC = lambda filething: None
    result = run.check_file(str(data_dir / "song.flac"), oracle, candidate,
                            {"flac"})
    assert [view.name for view in result.views][-1] == "flac.FLAC(path)"
    assert result.first_difference.name == "flac.FLAC(path)"


def test_unimplemented_format_skipped_without_loading(monkeypatch, data_dir):
    def candidate_load(kinds, filething, easy):
        raise AssertionError("a skipped file must not reach the candidate")

    (data_dir / "song.flac").unlink()
    status, report = compare(monkeypatch, data_dir, candidate_load)
    assert status == 0
    assert "0 files compared, 0 mismatches, 1 skipped" in report


def test_recognised_content_is_checked_whatever_the_extension(
        monkeypatch, data_dir):
    (data_dir / "song.mp3").write_bytes(FLAC_BYTES)
    oracle = make_library(monkeypatch, "fakeoracle", "mutagen")
    candidate = make_library(monkeypatch, "fakecand", "cmutagen")
    result = run.check_file(str(data_dir / "song.mp3"), oracle, candidate,
                            {"flac"})
    assert result.formats == ["flac", "mp3"]
    assert result.checked


def test_addresses_and_package_names_normalised(monkeypatch, data_dir):
    # FakeTags' repr is "<fakecand.flac.VCFLACDict object at 0x...>".
    status, report = compare(monkeypatch, data_dir, standard_load)
    assert status == 0
    loaded = sys.modules["fakecand"].File(str(data_dir / "song.flac"))
    tags = snapshot.snapshot(loaded, "fakecand")[".tags"]
    assert tags == {"type": "mutagen.flac.VCFLACDict",
                    "repr": "<mutagen.flac.VCFLACDict object>"}


def test_object_of_the_real_mutagen_is_foreign():
    leaked = type("FLAC", (), {"__module__": "mutagen.flac"})()
    assert snapshot.snapshot(leaked, "cmutagen")["type"] == (
        "foreign:mutagen.flac.FLAC")


def test_snapshot_is_plain_json(monkeypatch, data_dir):
    oracle = make_library(monkeypatch, "fakeoracle", "mutagen")
    loaded = oracle.package.File(str(data_dir / "song.flac"))
    taken = snapshot.snapshot(loaded, "fakeoracle")
    assert json.loads(json.dumps(taken)) == taken
    reloaded = json.loads(json.dumps(taken))
    assert snapshot.first_difference(taken, reloaded) is None


def test_long_text_difference_shows_where():
    before = "x" * 100 + "44100 Hz" + "y" * 100
    after = "x" * 100 + "48000 Hz" + "y" * 100
    difference = snapshot.first_difference({".pprint()": before},
                                           {".pprint()": after})
    assert difference.path == "f.pprint() at char 101"
    assert "xx44100 Hzyy" in difference.expected
    assert "xx48000 Hzyy" in difference.actual


def test_candidate_import_hook_is_refused(monkeypatch, tmp_path):
    hook = type("MutagenAliasFinder", (),
                {"__module__": "cmutagen._install"})()
    monkeypatch.setattr(sys, "meta_path", [hook] + sys.meta_path)
    with pytest.raises(run.SetupError, match="import hook"):
        run.check_separation(tmp_path)


def test_mutagen_from_elsewhere_is_refused(monkeypatch, tmp_path):
    impostor = types.ModuleType("mutagen")
    impostor.__file__ = "/elsewhere/mutagen/__init__.py"
    monkeypatch.setitem(sys.modules, "mutagen", impostor)
    with pytest.raises(run.SetupError, match="not the oracle"):
        run.check_separation(tmp_path)


def run_cli(*args):
    return subprocess.run(
        [sys.executable, str(DIFFERENTIAL_DIR / "run.py"), *args],
        capture_output=True, text=True, check=False)


def test_self_check_cli_on_small_files(oracle_dir, tmp_path):
    (tmp_path / "empty.flac").write_bytes(b"")
    (tmp_path / "garbage.flac").write_bytes(b"fLaC\x00\x00\x00\x22")
    (tmp_path / "notes.txt").write_bytes(b"hello")
    completed = run_cli("--self-check", "--oracle", oracle_dir, str(tmp_path))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "2 files compared, 0 mismatches, 1 skipped" in completed.stdout
    assert completed.stdout.splitlines()[-1] == "2 passed, 0 failed"


def test_self_check_cli_on_upstream_data(oracle_dir):
    data = (run.REPO_ROOT / "build" / "conformance" / "mutagen-1.48.1"
            / "tests" / "data")
    assert data.is_dir(), "upstream test data missing: run `make upstream-data`"
    completed = run_cli("--self-check", "--oracle", oracle_dir, str(data))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "0 mismatches" in completed.stdout


def test_missing_oracle_is_a_setup_error(tmp_path):
    completed = run_cli("--oracle", str(tmp_path), str(tmp_path))
    assert completed.returncode == 2
    assert "no mutagen in" in completed.stderr
