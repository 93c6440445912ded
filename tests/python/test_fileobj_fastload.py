# SPDX-License-Identifier: GPL-2.0-or-later
"""FLAC, MP3, EasyMP3, ID3, EasyID3, MP4, EasyMP4 and the Ogg classes read
an io.BytesIO at its start in the one C call they read a path with, over
the BytesIO's contents (getvalue(): no copy, and no export left behind).

That must leave exactly what the general way leaves (every object's class
and attributes, pprint(), the bytes a save writes) and what a load from
the path leaves, and show what mutagen shows (public values, pprint(),
saved bytes, errors, and where the BytesIO is left), on mutagen's test
files, the broken-file corpus, a sample of the benchmark corpus, files of
other formats and damaged copies.

Run as a script (``python test_fileobj_fastload.py LIBRARY``, lines
``module class path`` on stdin), it prints what LIBRARY shows of each:
that is how the oracle is asked."""

import ast
import glob
import hashlib
import io
import os
import random
import shutil
import subprocess
import sys

# The classes, the modules they live in, mutagen's test files for them and
# the benchmark corpus formats they read.
MP3_DATA = ["*.mp3"]
MP4_DATA = ["*.m4a", "*.m4b", "*.mp4", "*.3g2"]
CASES = [
    ("flac", "FLAC", ["*.flac", "empty.oggflac"], ["flac"]),
    ("mp3", "MP3", MP3_DATA, ["mp3-id3v23", "mp3-id3v24"]),
    ("mp3", "EasyMP3", MP3_DATA, ["mp3-id3v23", "mp3-id3v24"]),
    ("id3", "ID3", MP3_DATA + ["*.id3"], ["mp3-id3v23", "mp3-id3v24"]),
    ("easyid3", "EasyID3", MP3_DATA + ["*.id3"], ["mp3-id3v24"]),
    ("mp4", "MP4", MP4_DATA, ["m4a-aac", "m4a-alac"]),
    ("easymp4", "EasyMP4", MP4_DATA, ["m4a-aac"]),
    ("oggvorbis", "OggVorbis", ["*.ogg"], ["ogg-vorbis"]),
    ("oggopus", "OggOpus", ["*.opus"], ["ogg-opus"]),
    ("oggflac", "OggFLAC", ["*.oggflac"], []),
    ("oggspeex", "OggSpeex", ["*.spx"], []),
    ("oggtheora", "OggTheora", ["*.oggtheora"], []),
]
# Where mutagen leaves the BytesIO is a rule for these (the end of the file,
# or of the ID3v2 tag); MP3 and MP4 loads leave it after the last bytes
# their scans happened to read, which the general way does not reproduce
# either: there the one call leaves it at the end.
POSITION_AS_MUTAGEN = {"FLAC", "ID3", "EasyID3", "OggVorbis", "OggOpus", "OggFLAC",
                       "OggSpeex", "OggTheora"}
# Files of other formats every class is given too (its errors).
OTHER_FORMATS = ["silence-44-s.flac", "silence-44-s.mp3", "has-tags.m4a", "empty.ogg",
                 "example.opus", "emptyfile.mp3"]


# ---- what a load shows through the public API (also run under mutagen) -----

def leaf(value):
    """A plain value with its class name (so True != 1 and a str subclass
    shows), floats by repr (nan)."""
    for base in (bool, int, float, str, bytes):
        if isinstance(value, base):
            plain = repr(float(value)) if base is float else base(value)
            return (type(value).__name__, plain)
    return None


def pub(value, depth=0):
    """What the public API shows of value: plain values, containers, and
    objects by their public attributes (and items, for mappings)."""
    if value is None:
        return None
    shown = leaf(value)
    try:
        fields = vars(value) if depth < 6 else {}
    except TypeError:  # (mutagen's enums have a __dict__ that is no dict)
        fields = {}
    attrs = sorted((k, pub(v, depth + 1)) for k, v in fields.items()
                   if not k.startswith("_") and not callable(v))
    if shown is not None:
        return shown + (attrs,) if attrs else shown
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [pub(v, depth + 1) for v in value], attrs)
    if isinstance(value, dict):
        return (type(value).__name__,
                sorted((repr(k), pub(v, depth + 1)) for k, v in value.items()), attrs)
    if hasattr(value, "keys") and hasattr(value, "__getitem__") and depth < 6:
        return (type(value).__name__,
                sorted((repr(k), pub(value[k], depth + 1)) for k in value.keys()), attrs)
    return (type(value).__name__, attrs)


def saved_digest(obj, path, copy):
    """The digest of the file obj.save() writes to a copy of path, or its
    error."""
    shutil.copyfile(path, copy)
    try:
        obj.save(copy)
    except Exception as e:
        return ("raises", type(e).__name__, str(e))
    with open(copy, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


def show(cls, path, copy, pos=0, prefix=b""):
    """What cls(BytesIO of the file at path, after prefix, at pos) shows:
    the public values, pprint(), where the BytesIO is left and the bytes a
    save to a copy writes; or the error.  (Not a save into the BytesIO:
    mutagen's FLAC.save reads the file object from where it is, which
    after a load is its end, where cmutagen's reads from the start.)"""
    with open(path, "rb") as f:
        bio = io.BytesIO(prefix + f.read())
    bio.seek(pos)
    try:
        obj = cls(bio)
    except Exception as e:
        return ("raises", type(e).__name__, str(e))
    info = getattr(obj, "info", None)
    shown = (type(obj).__name__, obj.filename, bio.tell(), pub(info),
             None if info is None else info.pprint(), pub(getattr(obj, "tags", obj)),
             pub(obj) if hasattr(obj, "info") else None, obj.pprint())
    if not prefix:
        shown += (saved_digest(obj, path, copy),)
    return shown


def main(library):
    copy = os.path.join(os.environ["FASTLOAD_SAVE_DIR"], "copy")
    for line in sys.stdin:
        module, name, pos, prefix, path = line.rstrip("\n").split(" ", 4)
        cls = getattr(__import__(library + "." + module, fromlist=[name]), name)
        print(repr(show(cls, path, copy, int(pos), prefix.encode() if prefix != "-" else b"")))


if __name__ == "__main__":
    main(sys.argv[1])
    sys.exit(0)


# ---- the tests --------------------------------------------------------------

import pytest  # noqa: E402

from conftest import BROKEN, DATA, ORACLE, ROOT  # noqa: E402

from cmutagen import FileType, _native  # noqa: E402


def the_class(module, name):
    return getattr(__import__("cmutagen." + module, fromlist=[name]), name)


class Plain(io.BytesIO):
    """A BytesIO the one call does not take (not exactly io.BytesIO): the
    general way over the same bytes."""


def deep(value, path=()):
    """Everything value holds: every object's class and attributes in
    order, private ones included, items of lists and mappings, bound
    methods by function and class of their object."""
    if value is None or type(value) in (bool, int, str, bytes):
        return (type(value), value)
    if type(value) is float:
        return (float, repr(value))
    if id(value) in path:
        return ("cycle", type(value))
    path += (id(value),)
    if hasattr(value, "__self__") and hasattr(value, "__func__"):
        return ("method", value.__func__, type(value.__self__))
    parts = [type(value)]
    base = leaf(value)
    if base is not None:
        parts.append(base)
    if isinstance(value, (list, tuple)):
        parts.append([deep(v, path) for v in value])
    if isinstance(value, dict):
        parts.append([(deep(k, path), deep(v, path)) for k, v in value.items()])
    if hasattr(value, "__dict__"):
        fields = dict(vars(value))
        # A comment block's key index is a cache the one call builds at once
        # and the general way on the first lookup: it must be what a lookup
        # builds.
        if isinstance(value, list) and fields.get("_index") is not None:
            fresh = {}
            for key, v in value:
                fresh.setdefault(key.lower(), []).append(v)
            assert fields["_index"] == fresh
            fields["_index"] = None
        parts.append([(k, deep(v, path)) for k, v in fields.items()])
    return tuple(parts)


def everything(cls, thing, copy, path):
    """deep() of cls(thing), its pprint, the bytes a save to a copy of path
    writes; or the error (type and message)."""
    try:
        obj = cls(thing)
    except Exception as e:
        return ("raises", type(e), str(e))
    return (deep(obj), obj.pprint(), saved_digest(obj, path, copy))


def named(cls, bio, path):
    """cls(bio) given the name path as File() gives it to the file types
    (ID3 and EasyID3 take no filename: it is set after)."""
    if issubclass(cls, FileType):
        return cls(bio, filename=path)
    obj = cls(bio)
    obj.filename = path
    return obj


def outcome(load, copy, path):
    """deep() of what load() returns, its pprint and the bytes its save to
    a copy of path writes; or the error's class (its message names the
    file as given)."""
    try:
        obj = load()
    except Exception as e:
        return ("raises", type(e))
    return (deep(obj), obj.pprint(), saved_digest(obj, path, copy))


class OneCalls:
    """Counts the one-call loads given a memoryview that returned objects."""

    CALLS = {"load_flac": lambda r: r is True, "load_mp3": lambda r: r is not None,
             "load_id3": lambda r: r is not None, "read_mp4": lambda r: type(r) is tuple,
             "load_ogg": lambda r: True}

    def __init__(self, monkeypatch):
        self.done = 0
        for name, ok in self.CALLS.items():
            monkeypatch.setattr(_native, name, self.counted(getattr(_native, name), ok))

    def counted(self, real, ok):
        def call(*args):
            result = real(*args)
            if any(isinstance(a, memoryview) for a in args) and ok(result):
                self.done += 1
            return result
        return call


def files_for(patterns, corpus_formats, per_profile=3):
    paths = sorted({p for pattern in patterns for p in glob.glob(os.path.join(DATA, pattern))})
    corpus = []
    for fmt in corpus_formats:
        for profile in ("minimal", "library"):
            found = sorted(glob.glob(os.path.join(ROOT, "build", "corpus", fmt, profile, "*")))
            assert found, "the benchmark corpus is missing: run `make corpus`"
            corpus += found[:per_profile]
    return paths, corpus


def damaged(paths, folder, rng):
    """Copies of paths cut short and with bytes changed near the start."""
    out = []
    for n, path in enumerate(paths):
        with open(path, "rb") as f:
            data = f.read()
        variants = [data[:cut] for cut in (0, 4, 40, len(data) // 2, len(data) - 1)]
        for _ in range(6):
            b = bytearray(data)
            for _ in range(rng.choice([1, 3])):
                if b:
                    b[rng.randrange(min(len(b), 4096))] = rng.randrange(256)
            variants.append(bytes(b))
        for i, v in enumerate(variants):
            name = os.path.join(folder, "%d-%d-%s" % (n, i, os.path.basename(path)))
            with open(name, "wb") as f:
                f.write(v)
            out.append(name)
    return out


def oracle(lines, tmp):
    env = dict(os.environ, PYTHONPATH=ORACLE, FASTLOAD_SAVE_DIR=str(tmp))
    out = subprocess.run([sys.executable, __file__, "mutagen"], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, env=env, check=True).stdout
    return [ast.literal_eval(line) for line in out.splitlines()]


def same_as_mutagen(name, ours, theirs):
    """show() of cmutagen and of mutagen agree: the same values, or the
    same exception class (cmutagen's message may say more, after
    mutagen's: where in the file); the position where mutagen has a rule."""
    if ours[0] == "raises" or theirs[0] == "raises":
        assert ours[:2] == theirs[:2]
        if not ours[2].startswith(theirs[2]):
            print("MSGDIFF", name, repr(ours[2]), repr(theirs[2]))
        return
    if name not in POSITION_AS_MUTAGEN:
        ours, theirs = ours[:2] + ours[3:], theirs[:2] + theirs[3:]
    assert ours == theirs


@pytest.fixture(scope="module")
def damaged_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("damaged")
    rng = random.Random(5)
    by_class = {}
    for module, name, patterns, corpus_formats in CASES:
        paths, corpus = files_for(patterns, corpus_formats, 1)
        by_class[name] = damaged((paths[:2] + corpus)[:3], str(folder), rng)
    return by_class


@pytest.mark.parametrize("module,name,patterns,corpus_formats", CASES,
                         ids=[case[1] for case in CASES])
def test_bytesio_like_general_path_and_mutagen(module, name, patterns, corpus_formats,
                                               damaged_files, tmp_path, monkeypatch):
    if not os.path.isdir(os.path.join(ORACLE, "mutagen")):
        pytest.fail("the real mutagen is not installed at %s: run `make test`" % ORACLE)
    cls = the_class(module, name)
    calls = OneCalls(monkeypatch)
    paths, corpus = files_for(patterns, corpus_formats)
    if name == "FLAC":
        paths += sorted(glob.glob(os.path.join(BROKEN, "*")))
    paths += [os.path.join(DATA, n) for n in OTHER_FORMATS if os.path.join(DATA, n) not in paths]
    paths += corpus + damaged_files[name]
    copy = str(tmp_path / "copy")

    loaded = 0
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        before = calls.done
        fast = everything(cls, io.BytesIO(data), copy, path)
        took = calls.done > before
        after = calls.done
        general = everything(cls, Plain(data), copy, path)
        assert calls.done == after  # (Plain never takes it)
        assert fast == general, path
        # given the name too (as File() does), it equals a load from the path
        bio = io.BytesIO(data)
        assert outcome(lambda: named(cls, bio, path), copy, path) == outcome(
            lambda: cls(path), copy, path), path
        if fast[0] != "raises":
            loaded += 1
            # every file of the benchmark corpus takes the one call
            assert took or path not in corpus, path
            # the buffer is let go: the BytesIO grows
            bio.seek(0, 2)
            bio.write(b"\0" * 100000)
            assert len(bio.getvalue()) == len(data) + 100000
    assert loaded >= len(corpus)

    # the same as mutagen: from the start, not from the start, after junk
    lines = ["%s %s 0 - %s" % (module, name, p) for p in paths]
    some = paths[:3] + corpus[:1]
    lines += ["%s %s 7 - %s" % (module, name, p) for p in some]
    lines += ["%s %s 8 JUNKJUNK %s" % (module, name, p) for p in some]
    lines += ["%s %s 0 JUNKJUNK %s" % (module, name, p) for p in some]
    theirs = oracle(lines, tmp_path)
    assert len(theirs) == len(lines)
    for line, expected in zip(lines, theirs):
        _module, _name, pos, prefix, path = line.split(" ", 4)
        prefix = prefix.encode() if prefix != "-" else b""
        ours = show(cls, path, copy, int(pos), prefix)
        try:
            same_as_mutagen(name, ours, expected)
        except AssertionError:
            raise AssertionError("%s\nours:   %r\nmutagen: %r" % (line, ours, expected))


def test_load_methods_take_the_one_call(monkeypatch, upstream_data):
    """X.load(f) where it exists, and File(f), read an io.BytesIO in the one
    call as X(f) does, with the same result."""
    from cmutagen import File
    from cmutagen.flac import FLAC
    from cmutagen.id3 import ID3
    from cmutagen.mp3 import MP3
    from cmutagen.mp4 import MP4
    from cmutagen.oggvorbis import OggVorbis
    calls = OneCalls(monkeypatch)
    for cls, name in [(FLAC, "silence-44-s.flac"), (ID3, "silence-44-s.mp3"),
                      (MP3, "silence-44-s.mp3"), (MP4, "has-tags.m4a"),
                      (OggVorbis, "multipagecomment.ogg")]:
        with open(os.path.join(upstream_data, name), "rb") as f:
            data = f.read()
        with pytest.warns(DeprecationWarning) if cls is not ID3 else _nothing():
            obj = cls()
        before = calls.done
        bio = io.BytesIO(data)
        obj.load(bio)
        assert calls.done == before + 1, cls
        assert deep(obj) == deep(cls(Plain(data))), cls
        bio.write(b"grows")
        before = calls.done
        chosen = File(io.BytesIO(data))
        assert type(chosen) is cls or cls is ID3
        if cls is not ID3:
            assert calls.done == before + 1, cls
            assert deep(chosen) == deep(cls(Plain(data))), cls


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_what_the_one_call_leaves_alone(upstream_data, monkeypatch):
    """A closed BytesIO, a subclass, a BytesIO not at its start and a
    load given other arguments go the general way, with its errors."""
    from cmutagen.flac import FLAC
    from cmutagen.id3 import ID3
    calls = OneCalls(monkeypatch)
    with open(os.path.join(upstream_data, "silence-44-s.flac"), "rb") as f:
        data = f.read()
    closed = io.BytesIO(data)
    closed.close()
    with pytest.raises(ValueError):
        FLAC(closed)
    bio = io.BytesIO(b"junk" + data)
    bio.seek(4)
    assert FLAC(bio).info.length == FLAC(io.BytesIO(data)).info.length
    with open(os.path.join(upstream_data, "silence-44-s.mp3"), "rb") as f:
        mp3_data = f.read()
    tags = ID3(io.BytesIO(mp3_data), v2_version=3)
    assert tags.version == (2, 3, 0)
    assert calls.done == 1  # only FLAC(io.BytesIO(data))
