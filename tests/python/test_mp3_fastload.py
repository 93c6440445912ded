# SPDX-License-Identifier: GPL-2.0-or-later
"""MP3(path) reads a file in one C call (_native.read_mp3_file) where the
file is the plain case, and the general way otherwise.  Both must leave
the same object behind, or raise the same error: MP3(path) is held equal
to MP3(file object), which never takes the one-call path, over mutagen's
test files, the broken-file corpus and crafted files that sit on each edge
of what the one-call path accepts."""

import glob
import os
import random
import struct
import subprocess
import sys
import zlib

import pytest

import cmutagen

from cmutagen import _native, mp3
from cmutagen.easyid3 import EasyID3
from cmutagen.id3 import ID3, TIT2, TPE1, COMM

from conftest import ROOT


def synchsafe(n):
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])


def state(thing):
    """Everything MP3(thing) leaves behind, or the error it raises."""
    try:
        f = mp3.MP3(thing)
    except Exception as e:
        return ("raises", type(e), str(e))
    tags = f.tags
    if tags is not None:
        tags = (type(tags), tags.version, tags.size, tags._padding, tags.f_unsynch,
                tags.f_extended, tags.unknown_frames, tags._unknown_v2_version,
                [(key, type(frame), repr(frame), vars(frame)) for key, frame in tags.items()])
    return (f.filename, tags, list(vars(f.info).items()), f.info.pprint())


def check_same(path):
    by_path = state(path)
    with open(path, "rb") as fileobj:
        by_fileobj = state(fileobj)
    if by_fileobj[0] != "raises":
        # A file object has no file name to report, but its .name
        by_fileobj = (path,) + by_fileobj[1:]
    assert by_path == by_fileobj, path
    return by_path


def one_call(path):
    """Whether the one-call path takes the file (None: general way)."""
    return _native.read_mp3_file(path, mp3._INFO_KEYS, mp3._MODES) is not None


def test_upstream_files(upstream_data):
    names = sorted(os.listdir(upstream_data))
    taken = 0
    for name in names:
        path = os.path.join(upstream_data, name)
        check_same(path)
        taken += one_call(path)
    # Most MP3s there are the plain case; the path must really be used.
    assert taken >= 20


def test_broken_files(broken):
    for name in sorted(os.listdir(broken("."))):
        check_same(broken(name))


# An MPEG-1 Layer III frame header (128 kbit/s, 44.1 kHz, joint stereo):
# four back-to-back frames are a stream the scan trusts.
FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 413
AUDIO = FRAME * 8


def frame(name, body):
    return name + synchsafe(len(body)) + b"\x00\x00" + body


def v1_tag(title=b"v1 title", comment=b"v1 comment", track=7):
    return (b"TAG" + title.ljust(30, b"\x00") + b"artist".ljust(30, b"\x00") +
            b"album".ljust(30, b"\x00") + b"1999" + comment.ljust(28, b"\x00") +
            b"\x00" + bytes([track]) + b"\x11")


TITLE = frame(b"TIT2", b"\x03title")


def tag(major=4, flags=0, body=TITLE, padding=64, size=None):
    body = body + b"\x00" * padding
    size = len(body) if size is None else size
    return b"ID3" + bytes([major, 0, flags]) + synchsafe(size) + body


CRAFTED = {
    "plain": tag() + AUDIO,
    "plain-v23": tag(major=3, body=b"TIT2" + struct.pack(">L", 6) + b"\x00\x00\x00title") + AUDIO,
    "v22": tag(major=2, body=b"TT2\x00\x00\x06\x00title") + AUDIO,
    "with-v1": tag() + AUDIO + v1_tag(),
    "v1-only": AUDIO + v1_tag(),
    "v1-fills-gaps": tag(body=frame(b"TPE1", b"\x03v2 artist")) + AUDIO + v1_tag(),
    "no-tags": AUDIO,
    "no-audio": tag() + b"\x00" * 2000,
    "empty": b"",
    "tiny": b"ID3",
    "unsynchronised-v23": tag(major=3, flags=0x80,
                              body=b"TIT2" + struct.pack(">L", 6) + b"\x00\x00\x00title") + AUDIO,
    "extended-header-v24": tag(flags=0x40, body=synchsafe(6) + b"\x01\x00" + TITLE) + AUDIO,
    "extended-flag-no-header": tag(flags=0x40) + AUDIO,
    "undefined-flag-v24": tag(flags=0x01) + AUDIO,
    "undefined-flag-v23": tag(major=3, flags=0x10) + AUDIO,
    "footer-flag-v24": tag(flags=0x10) + AUDIO,
    "version-5": tag(major=5) + AUDIO,
    "size-not-synchsafe": b"ID3\x04\x00\x00\x00\x00\x80\x00" + TITLE + AUDIO,
    "tag-past-the-end": tag(size=100000) + AUDIO[:100],
    "two-tags": tag() + tag(body=frame(b"TPE1", b"\x03second")) + AUDIO,
    "audio-far-away": tag() + b"\x00" * 20000 + AUDIO,
    "big-tag": tag(body=frame(b"APIC", b"\x00image/png\x00\x03\x00" + bytes(range(256)) * 400)) + AUDIO,
    "ape-before-end": tag() + AUDIO + b"APETAGEX" + b"\x00" * 150,
}


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_crafted(tmp_path, name):
    path = str(tmp_path / (name + ".mp3"))
    with open(path, "wb") as f:
        f.write(CRAFTED[name])
    check_same(path)


def test_plain_files_take_the_one_call_path(tmp_path):
    for name in ("plain", "plain-v23", "v22", "with-v1", "v1-only", "no-tags",
                 "unsynchronised-v23", "big-tag", "audio-far-away"):
        path = str(tmp_path / name)
        with open(path, "wb") as f:
            f.write(CRAFTED[name])
        assert one_call(path), name
    for name in ("extended-header-v24", "undefined-flag-v24", "version-5",
                 "tag-past-the-end", "no-audio", "empty"):
        path = str(tmp_path / name)
        with open(path, "wb") as f:
            f.write(CRAFTED[name])
        assert not one_call(path), name


def test_saved_and_reloaded(tmp_path):
    # A file cmutagen wrote reads back the same both ways, with v1 and v2.
    path = str(tmp_path / "saved.mp3")
    with open(path, "wb") as f:
        f.write(AUDIO)
    tags = ID3()
    tags.add(TIT2(encoding=3, text=["a", "b"]))
    tags.add(TPE1(encoding=1, text="\u00e9t\u00e9"))
    tags.add(COMM(encoding=3, lang="eng", desc="d", text="comment"))
    tags.save(path, v1=2, v2_version=3)
    loaded = check_same(path)
    assert loaded[1][1] == (2, 3, 0)
    assert sorted(key for key, *_ in loaded[1][-1]) == ["COMM:d:eng", "TIT2", "TPE1"]


def test_directory_and_missing_file(tmp_path):
    assert not one_call(str(tmp_path))
    assert not one_call(str(tmp_path / "missing.mp3"))
    assert state(str(tmp_path))[0] == "raises"
    assert state(str(tmp_path / "missing.mp3"))[0] == "raises"


def test_bad_arguments():
    with pytest.raises(ValueError):
        _native.read_mp3_file("x.mp3", (), mp3._MODES)
    with pytest.raises(TypeError):
        _native.read_mp3_file(3, mp3._INFO_KEYS, mp3._MODES)


def frame_state(frame):
    return (type(frame), repr(frame), list(vars(frame)),
            [(type(v), v, [type(x) for x in v] if isinstance(v, list) else None)
             for v in vars(frame).values()])


def test_v1_frames_built_as_the_constructors_build_them():
    # ParseID3v1 builds its default frames without validating them; they
    # must be what the classes' constructors make (known_frames=Frames
    # takes the constructors).
    import random
    from cmutagen.id3 import Frames
    from cmutagen.id3._id3v1 import ParseID3v1
    rng = random.Random(1)
    alphabet = b"\x00\x00 \t09aZ(){}\xa0\xe9\xff-:/"
    for _ in range(3000):
        body = bytes(rng.choice(alphabet) for _ in range(125))
        data = b"TAG" + body[:rng.randint(121, 125)]
        for version in (3, 4):
            fast = ParseID3v1(data, version)
            slow = ParseID3v1(data, version, Frames)
            assert list(fast) == list(slow)
            for key in fast:
                assert frame_state(fast[key]) == frame_state(slow[key]), (data, key)


# ---- everything compared ------------------------------------------------------

def tags_state(tags, name):
    """Every visible part of an ID3 (or EasyID3's wrapped ID3); name
    stands for a filename of None (read from a file object)."""
    header = tags._header
    return (type(tags), list(vars(tags)), tags.version, tags.size, tags._padding,
            tags.f_unsynch, tags.f_extended, tags.unknown_frames,
            tags._unknown_v2_version, name if tags.filename is None else tags.filename,
            None if header is None else (type(header), vars(header)),
            [(key, frame.HashKey, frame_state(frame)) for key, frame in tags.items()],
            tags.pprint())


def full_state(cls, thing, name=None):
    """Everything cls(thing) leaves behind (cls: MP3, EasyMP3 or ID3), or
    the error it raises; name stands for the filename an ID3 read from a
    file object has not (the tags of a whole file never have one)."""
    try:
        f = cls(thing)
    except Exception as e:
        return ("raises", type(e), str(e))
    if isinstance(f, ID3):
        return ("id3", tags_state(f, name))
    tags = f.tags
    if isinstance(tags, EasyID3):
        tags = (list(vars(tags)), sorted(tags.items()), tags.pprint(),
                tags_state(tags._EasyID3__id3, None))
    elif tags is not None:
        tags = tags_state(tags, None)
    return (type(f), list(vars(f)), f.filename, tags, list(vars(f.info).items()),
            f.info.pprint(), f.pprint())


def check_all_ways(path):
    """MP3, EasyMP3 and ID3 given the path equal the same given a file
    object (the general path); returns MP3's state."""
    states = []
    for cls in (mp3.MP3, mp3.EasyMP3, ID3):
        by_path = full_state(cls, path)
        with open(path, "rb") as fileobj:
            by_fileobj = full_state(cls, fileobj, path)
        if by_fileobj[0] not in ("raises", "id3"):
            # given a file object a file has no filename (its tags have)
            assert by_fileobj[2] is None
            by_fileobj = by_fileobj[:2] + (path,) + by_fileobj[3:]
        assert by_path == by_fileobj, (cls.__name__, path)
        states.append(by_path)
    return states[0]


def test_all_ways_upstream_and_broken(upstream_data, broken):
    folder = os.path.dirname(broken("x"))
    for path in ([os.path.join(upstream_data, n) for n in sorted(os.listdir(upstream_data))]
                 + [os.path.join(folder, n) for n in sorted(os.listdir(folder))]):
        check_all_ways(path)


def corpus_files():
    return sorted(glob.glob(os.path.join(ROOT, "build", "corpus", "mp3-*", "*", "*")))


def test_all_ways_bench_corpus():
    paths = corpus_files()
    assert paths, "the benchmark corpus is missing: run `make corpus`"
    for path in paths:
        check_all_ways(path)


# ---- generated tags -----------------------------------------------------------

def encode_text(enc, text):
    if enc == 0:
        return text.encode("latin1", "replace")
    if enc == 1:
        return b"\xff\xfe" + text.encode("utf-16-le")
    if enc == 2:
        return text.encode("utf-16-be")
    return text.encode("utf-8")


def null(enc):
    return b"\x00\x00" if enc in (1, 2) else b"\x00"


WORDS = ["Rock", "caf\u00e9", "\u6771\u4eac", "a/b", "", "1999", "0102", "1230",
         "1999-12-31", "x y", "(4)Rock", "4", "CR", "RX", "(21)(CR)Trance", "((paren",
         "(300)", "255", "2001-02-03T04:05", "12", "3/9", "\U0001f600", "\n"]


def text_body(rng, enc, values):
    return bytes([enc]) + null(enc).join(encode_text(enc, v) for v in values)


def words(rng, count=None):
    return [rng.choice(WORDS) for _ in range(count or rng.randrange(1, 4))]


TEXT_IDS = ["TIT2", "TPE1", "TALB", "TRCK", "TPOS", "TCON", "TBPM", "TCOM", "TKEY",
            "TDRC", "TDOR", "TYER", "TDAT", "TIME", "TORY", "TRDA", "TSIZ", "TLEN",
            "TSOP", "TIPL", "TMCL"]


def random_frame(rng, minor):
    """(frame ID, body) of one v2.3/2.4 frame of a random kind."""
    enc = rng.choice([0, 0, 1, 2, 3]) if minor == 4 else rng.choice([0, 0, 1])
    kind = rng.randrange(14)
    if kind < 5:
        frame_id = rng.choice(TEXT_IDS)
        return frame_id, text_body(rng, enc, words(rng))
    if kind == 5:
        return "TXXX", text_body(rng, enc, [rng.choice(["", "d", "REPLAYGAIN"])] + words(rng))
    if kind == 6:
        return rng.choice(["COMM", "USLT"]), (
            bytes([enc]) + rng.choice([b"eng", b"deu", b"xxx"]) +
            encode_text(enc, rng.choice(["", "d", "ID3v1 Comment"])) + null(enc) +
            encode_text(enc, rng.choice(WORDS)))
    if kind == 7:
        mime = rng.choice([b"JPG", b"PNG", b"image/jpeg", b"image/png", b""])
        return "APIC", (bytes([enc]) + mime + b"\x00" + bytes([rng.randrange(21)]) +
                        encode_text(enc, rng.choice(["", "cover", "d"])) + null(enc) +
                        bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40))))
    if kind == 8:
        return "IPLS", text_body(rng, enc, words(rng, 2 * rng.randrange(1, 3)))
    if kind == 9:
        return rng.choice(["WOAR", "WCOM", "WXXX"]), (
            (bytes([enc]) + encode_text(enc, "d") + null(enc) if rng.random() < 0.5 else b"")
            + b"http://example.com/" + bytes([rng.randrange(0x61, 0x7a)]))
    if kind == 10:
        return rng.choice(["UFID", "PRIV"]), b"owner\x00" + bytes(rng.randrange(256) for _ in range(8))
    if kind == 11:
        return rng.choice(["POPM", "PCNT"]), b"a@b\x00\x80\x00\x00\x00\x05"[rng.choice([0, 4]):]
    if kind == 12:
        return rng.choice(["XYZW", "ABCD", "abcd", "TXX\x00", "T\xe9ST"]), b"\x00raw"
    sub = b"".join(frame_bytes(minor, *random_frame(rng, minor), 0)
                   for _ in range(rng.randrange(0, 3)))
    if rng.random() < 0.5:
        return "CHAP", b"ch1\x00" + struct.pack(">LLLL", 0, 1000, 0xFFFFFFFF, 0xFFFFFFFF) + sub
    return "CTOC", b"toc\x00\x03\x01ch1\x00" + sub


def frame_bytes(minor, frame_id, body, flags, plain_size=False):
    name = frame_id.encode("latin1")
    if minor == 2:
        return name[:3] + struct.pack(">L", len(body))[1:] + body
    if minor == 4 and not plain_size:
        size = synchsafe(len(body))
    else:
        size = struct.pack(">L", len(body))
    return name + size + struct.pack(">H", flags) + body


V22_FRAMES = [("TT2", b"\x00title"), ("TP1", b"\x01\xff\xfea\x00"), ("TYE", b"\x001999"),
              ("TDA", b"\x000102"), ("TIM", b"\x001230"), ("TCO", b"\x00(17)"),
              ("COM", b"\x00engd\x00c"), ("PIC", b"\x00JPG\x03d\x00\xff\xd8"),
              ("PIC", b"\x00PNG\x00\x00\x89P"), ("TOR", b"\x001970"),
              ("IPL", b"\x00a\x00b"), ("XXX", b"\x00x"), ("CRM", b"o\x00d\x00x")]


def random_v1(rng):
    def field(n):
        return bytes(rng.choice(b"\x00 \tab\xe9(4)19") for _ in range(rng.randrange(n + 1))).ljust(n, b"\x00")
    year = rng.choice([b"1999", b"", b"19", b"abcd", b"2001"]).ljust(4, b"\x00")
    comment = field(28) + bytes([rng.choice([0, 0, 65])]) + bytes([rng.choice([0, 5, 200])])
    data = b"TAG" + field(30) + field(30) + field(30) + year + comment + bytes([rng.choice([0, 17, 255, 200])])
    if rng.random() < 0.1:
        data = data[:-rng.randrange(1, 5)]
    return data


def random_file(rng):
    """The bytes of an MP3 with a random ID3v2 tag (or none) and maybe an
    ID3v1 tag."""
    minor = rng.choice([2, 3, 3, 4, 4])
    flags = 0
    if rng.random() < 0.1:
        flags = 0x80
    plain_size = minor == 4 and rng.random() < 0.1
    if minor == 2:
        body = b"".join(frame_bytes(2, *rng.choice(V22_FRAMES), 0)
                        for _ in range(rng.randrange(1, 8)))
    else:
        parts = []
        for _ in range(rng.randrange(1, 12)):
            frame_id, data = random_frame(rng, minor)
            frame_flags = 0
            if rng.random() < 0.05:
                frame_flags = rng.choice([0x0080, 0x0040, 0x0002, 0x0009, 0x4000, 0x0001])
            if frame_flags in (0x0009,) and minor == 4:
                data = struct.pack(">L", len(data)) + zlib.compress(data)
            parts.append(frame_bytes(minor, frame_id, data, frame_flags, plain_size))
            if rng.random() < 0.1:
                parts.append(parts[-1])  # the same frame twice: merged
        body = b"".join(parts)
    body += b"\x00" * rng.choice([0, 0, 10, 100])
    if rng.random() < 0.15:
        v2 = b""
    else:
        v2 = b"ID3" + bytes([minor, 0, flags]) + synchsafe(len(body)) + body
    v1 = random_v1(rng) if rng.random() < 0.4 else b""
    return v2 + AUDIO + v1


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    rng = random.Random(8)
    paths = []
    for i in range(400):
        path = str(folder / ("%03d.mp3" % i))
        with open(path, "wb") as f:
            f.write(random_file(rng))
        paths.append(path)
    return paths


def test_all_ways_generated(generated):
    for path in generated:
        check_all_ways(path)


# ---- the oracle -------------------------------------------------------------------

# Run with either library as `lib`: what a program sees of MP3(path) and
# ID3(path) for each path, as text (reprs, sorted where order is the
# library's own business).
DESCRIBE = r'''
import importlib, sys
lib = sys.argv[1]
mp3 = importlib.import_module(lib + ".mp3")
id3 = importlib.import_module(lib + ".id3")

def tags_text(tags):
    return [tags.filename, tags.version, tags.size, tags.f_unsynch, tags.f_extended,
            [(k, f.HashKey, repr(f)) for k, f in sorted(tags.items())],
            sorted(tags.unknown_frames), tags.pprint()]

for path in sys.stdin.read().splitlines():
    out = []
    for cls in (mp3.MP3, mp3.EasyMP3, id3.ID3):
        try:
            f = cls(path)
        except Exception as e:
            out.append(("raises", type(e).__name__))
            continue
        if cls is id3.ID3:
            out.append(tags_text(f))
            continue
        tags = f.tags
        if cls is mp3.EasyMP3:
            tags = None if tags is None else sorted(tags.items())
        elif tags is not None:
            tags = tags_text(tags)
        out.append((sorted(vars(f.info).items()), f.info.pprint(), tags))
    print(repr(out))
'''


def describe(pythonpath, lib, paths):
    env = dict(os.environ, PYTHONPATH=pythonpath)
    result = subprocess.run([sys.executable, "-c", DESCRIBE, lib], input="\n".join(paths),
                            env=env, capture_output=True, text=True, check=True)
    return result.stdout.splitlines()


def test_same_as_mutagen(oracle_dir, upstream_data, generated):
    paths = [os.path.join(upstream_data, n) for n in sorted(os.listdir(upstream_data))
             if n.endswith((".mp3", ".id3"))]
    paths += generated + corpus_files()[::8]
    # (the cmutagen these tests import: the source tree's has no extension
    # unless `make dev` linked one into it)
    ours = describe(os.path.dirname(os.path.dirname(cmutagen.__file__)), "cmutagen", paths)
    theirs = describe(oracle_dir, "mutagen", paths)
    assert len(ours) == len(theirs) == len(paths)
    for path, a, b in zip(paths, ours, theirs):
        assert a == b, path


def test_generated_take_the_one_call_path(generated, monkeypatch):
    # Most generated files are read by load_mp3 as a whole, many of them
    # upgraded to v2.4 in C and many by ID3Tags.update_to_v24 (genre
    # references, v2.2 pictures, chapters): both are held equal above.
    from cmutagen.id3 import _file
    spec = _file._load_spec()
    update = spec[8]
    assert update is ID3.update_to_v24
    calls = []

    def counted_update(tags):
        calls.append(tags)
        return update(tags)

    monkeypatch.setattr(_file, "_LOAD_SPEC", spec[:8] + (counted_update,) + spec[9:])
    whole = 0
    for path in generated:
        result = _native.load_mp3(path, _file._LOAD_SPEC, mp3.MPEGInfo, mp3._INFO_KEYS, mp3._MODES)
        whole += result is not None and len(result) == 2
    assert whole >= 300
    assert 50 <= len(calls) <= whole - 50
    # and ID3(path) (ID3.load) the same way
    taken = sum(_native.load_id3(path, spec, ID3(), path) is not None for path in generated)
    assert taken >= 300


def test_load_bad_arguments(tmp_path):
    from cmutagen.id3 import _file
    path = str(tmp_path / "plain.mp3")
    with open(path, "wb") as f:
        f.write(CRAFTED["with-v1"])
    spec = _file._load_spec()
    with pytest.raises(TypeError):
        _native.load_mp3(path, spec, mp3.MPEGInfo, mp3._INFO_KEYS)
    with pytest.raises(ValueError):
        _native.load_mp3(path, spec, mp3.MPEGInfo, (), mp3._MODES)
    with pytest.raises(TypeError):
        _native.load_mp3(path, spec, None, mp3._INFO_KEYS, mp3._MODES)
    with pytest.raises(TypeError):
        _native.load_mp3(path, spec[:-1], mp3.MPEGInfo, mp3._INFO_KEYS, mp3._MODES)
    with pytest.raises(TypeError):
        _native.load_id3(path, spec, ID3())
    # an ID3 that holds frames, or is not exactly an ID3: the general way
    full = ID3()
    full.add(TIT2(encoding=3, text="kept"))
    assert _native.load_id3(path, spec, full, path) is None

    class MyID3(ID3):
        pass
    assert _native.load_id3(path, spec, MyID3(), path) is None
    assert _native.load_id3(path, spec, ID3(), path) is not None


def test_no_reference_leaks(generated, upstream_data):
    import gc
    import tracemalloc
    from cmutagen.id3 import _file
    spec = _file._load_spec()
    paths = generated[:100] + [os.path.join(upstream_data, n) for n in sorted(os.listdir(upstream_data))
                               if n.endswith(".mp3")]

    def run():
        for path in paths:
            _native.load_mp3(path, spec, mp3.MPEGInfo, mp3._INFO_KEYS, mp3._MODES)
            _native.load_id3(path, spec, ID3(), path)

    run()
    gc.collect()
    watched = [spec[1], spec[2], mp3.MPEGInfo, spec[12]] + list(spec[9])
    before = [sys.getrefcount(o) for o in watched]
    tracemalloc.start()
    run()
    gc.collect()
    first, _ = tracemalloc.get_traced_memory()
    for _ in range(3):
        run()
    gc.collect()
    last, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = [sys.getrefcount(o) for o in watched]
    assert all(b - a < 3 for a, b in zip(before, after)), (before, after)
    assert last - first < 64 * 1024
