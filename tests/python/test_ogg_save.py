# SPDX-License-Identifier: GPL-2.0-or-later
"""The Ogg formats against the real mutagen 1.48.1, file by file: the same
stream properties and tags, the same bytes for the same save (unchanged,
with other padding, with tags added, grown over several pages, shrunk
again, deleted), files written by one library read identically by the
other, and a save that fails leaves the file as it was.

Files: mutagen's own Ogg test files, and a sample of the benchmark corpus
(real oggenc/opusenc output tagged by mutagen)."""

import importlib
import os
import shutil

import pytest

from cmutagen import oggflac, oggopus, oggspeex, oggtheora, oggvorbis
from cmutagen.ogg import error as OggError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (module name, class name): the same in cmutagen and mutagen
KINDS = [
    ("oggvorbis", "OggVorbis"),
    ("oggopus", "OggOpus"),
    ("oggspeex", "OggSpeex"),
    ("oggtheora", "OggTheora"),
    ("oggflac", "OggFLAC"),
]
OURS = {"oggvorbis": oggvorbis, "oggopus": oggopus, "oggspeex": oggspeex,
        "oggtheora": oggtheora, "oggflac": oggflac}

UPSTREAM_SUFFIXES = (".ogg", ".oga", ".opus", ".spx", ".oggflac", ".oggtheora")


@pytest.fixture(scope="module")
def theirs(real_mutagen):
    """mutagen's Ogg modules, by name."""
    return {name: importlib.import_module("mutagen." + name) for name, _ in KINDS}


@pytest.fixture(scope="module")
def corpus_sample():
    """Every tenth Ogg Vorbis and Ogg Opus file of the benchmark corpus
    (`make corpus`; the small `make bench-check` one will do)."""
    for folder in ("corpus", "corpus-check"):
        base = os.path.join(ROOT, "build", folder)
        if os.path.isdir(os.path.join(base, "ogg-vorbis")):
            break
    else:
        pytest.fail("no benchmark corpus in build/: run `make corpus`")
    paths = []
    for fmt in ("ogg-vorbis", "ogg-opus"):
        for profile in sorted(os.listdir(os.path.join(base, fmt))):
            folder = os.path.join(base, fmt, profile)
            names = sorted(os.listdir(folder))
            paths.extend(os.path.join(folder, n) for n in names[::10])
    assert len(paths) >= 4
    return paths


def upstream_files(data_dir):
    names = sorted(n for n in os.listdir(data_dir) if n.endswith(UPSTREAM_SUFFIXES))
    assert len(names) >= 10
    return [os.path.join(data_dir, n) for n in names]


def load(module, class_name, path):
    """(file, None) or (None, exception class name and message)."""
    try:
        return getattr(module, class_name)(path), None
    except Exception as e:  # what is compared is the exception
        return None, (type(e).__name__, str(e))


def save_or_error(audio, **options):
    """None, or the class name and message of what the save raised (a
    damaged file fails to save in both libraries alike)."""
    try:
        audio.save(**options)
    except Exception as e:  # what is compared is the exception
        return type(e).__name__, str(e)
    return None


def snapshot(audio):
    """What a caller sees of a loaded file."""
    info = dict(vars(audio.info))
    return {
        "info": info,
        "info_pprint": audio.info.pprint(),
        "tags": list(audio.tags),
        "vendor": audio.tags.vendor,
        "padding": getattr(audio.tags, "_padding", None),
        "pad_data": getattr(audio.tags, "_pad_data", None),
        "pprint": audio.pprint(),
        "mime": audio.mime,
    }


# Edits applied to a loaded file before saving it: (name, edit, save keywords)
def _unchanged(audio):
    pass


def _set_some(audio):
    audio["title"] = ["Tïtle", "Second title"]
    audio["ARTIST"] = "Ärtist"
    audio["tracknumber"] = "3/12"


def _grow(audio):
    # Several pages' worth of comments.
    audio["big"] = "ab" * 40000
    audio["bigger"] = ["xyz" * 10000, "0123456789" * 3000]


def _clear(audio):
    audio.tags.clear()


EDITS = [
    ("unchanged", _unchanged, {}),
    ("no padding", _unchanged, {"padding": lambda info: 0}),
    ("padding 5000", _unchanged, {"padding": lambda info: 5000}),
    ("set", _set_some, {}),
    ("grow", _grow, {}),
    ("clear", _clear, {}),
]


def check_file(theirs, path, tmp_path):
    """Load path with every Ogg class of both libraries, compare what each
    sees, then every edit's saved bytes.  Returns how many saves were
    compared."""
    compared = 0
    base = os.path.basename(path)
    for module_name, class_name in KINDS:
        ours_module, their_module = OURS[module_name], theirs[module_name]
        our_file, our_error = load(ours_module, class_name, path)
        their_file, their_error = load(their_module, class_name, path)
        assert our_error == their_error, (path, class_name)
        if their_file is None:
            continue
        assert snapshot(our_file) == snapshot(their_file), (path, class_name)

        for number, (edit_name, edit, options) in enumerate(EDITS):
            ours_path = str(tmp_path / ("ours-%s-%d-%s" % (class_name, number, base)))
            theirs_path = str(tmp_path / ("theirs-%s-%d-%s" % (class_name, number, base)))
            shutil.copy(path, ours_path)
            shutil.copy(path, theirs_path)
            mine = getattr(ours_module, class_name)(ours_path)
            other = getattr(their_module, class_name)(theirs_path)
            edit(mine)
            edit(other)
            assert save_or_error(mine, **options) == save_or_error(other, **options), \
                (path, class_name, edit_name)
            with open(ours_path, "rb") as h:
                our_bytes = h.read()
            with open(theirs_path, "rb") as h:
                their_bytes = h.read()
            assert our_bytes == their_bytes, (path, class_name, edit_name)

            # Each reads the other's file as its own.
            read_by_them, their_error = load(their_module, class_name, ours_path)
            read_by_us, our_error = load(ours_module, class_name, theirs_path)
            assert our_error == their_error, (path, class_name, edit_name)
            if read_by_us is not None:
                assert snapshot(read_by_us) == snapshot(read_by_them), \
                    (path, class_name, edit_name)
            compared += 1

        # Shrinking back after growing, and deleting, from the grown file.
        ours_path = str(tmp_path / ("ours-%s-shrink-%s" % (class_name, base)))
        theirs_path = str(tmp_path / ("theirs-%s-shrink-%s" % (class_name, base)))
        outcomes = []
        for target, module in ((ours_path, ours_module), (theirs_path, their_module)):
            shutil.copy(path, target)
            audio = getattr(module, class_name)(target)
            _grow(audio)
            outcome = [save_or_error(audio)]
            audio, error = load(module, class_name, target)
            if audio is not None:
                del audio["big"]
                outcome.append(save_or_error(audio))
                audio, error = load(module, class_name, target)
            if audio is not None:
                try:
                    audio.delete()
                except Exception as e:
                    outcome.append((type(e).__name__, str(e)))
            outcomes.append(outcome)
        assert outcomes[0] == outcomes[1], (path, class_name)
        with open(ours_path, "rb") as a, open(theirs_path, "rb") as b:
            assert a.read() == b.read(), (path, class_name, "shrink, delete")
        compared += 1
    return compared


def test_upstream_files_match_mutagen(theirs, upstream_data, tmp_path):
    compared = sum(check_file(theirs, path, tmp_path)
                   for path in upstream_files(upstream_data))
    # Every upstream Ogg file loads with at least one class.
    assert compared >= 10 * (len(EDITS) + 1)


def test_corpus_sample_matches_mutagen(theirs, corpus_sample, tmp_path):
    compared = sum(check_file(theirs, path, tmp_path) for path in corpus_sample)
    assert compared == len(corpus_sample) * (len(EDITS) + 1)


def test_module_delete_matches_mutagen(theirs, upstream_data, tmp_path):
    for name in ("multipage-setup.ogg", "example.opus", "multiplexed.spx",
                 "sample.oggtheora", "empty.oggflac"):
        source = os.path.join(upstream_data, name)
        paths = []
        for label, module in (("ours", OURS), ("theirs", theirs)):
            target = str(tmp_path / (label + "-" + name))
            shutil.copy(source, target)
            for module_name, class_name in KINDS:
                if load(module[module_name], class_name, target)[0] is not None:
                    module[module_name].delete(target)
                    break
            paths.append(target)
        with open(paths[0], "rb") as a, open(paths[1], "rb") as b:
            assert a.read() == b.read(), name


# --- failed saves ------------------------------------------------------------

FAILURE_FILES = [
    ("empty.ogg", oggvorbis.OggVorbis),
    ("multipage-setup.ogg", oggvorbis.OggVorbis),
    ("example.opus", oggopus.OggOpus),
    ("multiplexed.spx", oggspeex.OggSpeex),
    ("sample.oggtheora", oggtheora.OggTheora),
    ("empty.oggflac", oggflac.OggFLAC),
]


class FailingWrites:
    """A file object over a real file whose first non-empty write raises
    OSError (a full disk, an I/O error), before it changed anything."""

    def __init__(self, path):
        self._file = open(path, "rb+")
        self.name = path

    def write(self, data):
        if data:
            raise OSError(28, "No space left on device")
        return 0

    def __getattr__(self, name):
        return getattr(self._file, name)

    def close(self):
        self._file.close()


def _boom(info):
    raise ZeroDivisionError("padding callback failed")


@pytest.mark.parametrize("name,kind", FAILURE_FILES)
@pytest.mark.parametrize("edit", [_unchanged, _set_some, _grow, _clear])
def test_failed_write_leaves_file(upstream_data, tmp_path, name, kind, edit):
    path = str(tmp_path / name)
    shutil.copy(os.path.join(upstream_data, name), path)
    with open(path, "rb") as h:
        before = h.read()
    audio = kind(path)
    edit(audio)
    fileobj = FailingWrites(path)
    try:
        with pytest.raises(OggError) as raised:
            audio.save(fileobj)
        assert isinstance(raised.value, kind._Error)
        assert "No space left on device" in str(raised.value)
    finally:
        fileobj.close()
    with open(path, "rb") as h:
        assert h.read() == before


@pytest.mark.parametrize("name,kind", FAILURE_FILES)
def test_failed_padding_callback_leaves_file(upstream_data, tmp_path, name, kind):
    path = str(tmp_path / name)
    shutil.copy(os.path.join(upstream_data, name), path)
    with open(path, "rb") as h:
        before = h.read()
    audio = kind(path)
    _grow(audio)
    if kind is oggflac.OggFLAC:
        # Ogg FLAC comments get no padding: the callback is never asked.
        audio.save(padding=_boom)
        assert kind(path)["big"] == ["ab" * 40000]
        return
    with pytest.raises(ZeroDivisionError):
        audio.save(padding=_boom)
    with open(path, "rb") as h:
        assert h.read() == before


@pytest.mark.parametrize("name,kind", FAILURE_FILES)
def test_invalid_value_leaves_file(upstream_data, tmp_path, name, kind):
    path = str(tmp_path / name)
    shutil.copy(os.path.join(upstream_data, name), path)
    with open(path, "rb") as h:
        before = h.read()
    audio = kind(path)
    _grow(audio)
    audio.tags.append(("fine", b"bytes are not text"))
    with pytest.raises(ValueError):
        audio.save()
    with open(path, "rb") as h:
        assert h.read() == before
