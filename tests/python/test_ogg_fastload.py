# SPDX-License-Identifier: GPL-2.0-or-later
"""Ogg classes given a path read the file in one C call (_native.load_ogg)
where they can, and the general way otherwise; given a file object they
always go the general way.  Both must leave the same object behind, or
raise the same error, on mutagen's test files, the broken-file corpus, a
sample of the benchmark corpus and hundreds of damaged copies of a file of
each codec (bytes changed in the headers and the comment packet, files cut
short, page CRCs broken, pages of a second stream put in).  Where cheap, the
real mutagen is asked too."""

import glob
import importlib
import io
import os
import random
import struct

import pytest

from cmutagen import _native, ogg

from conftest import ROOT

CLASSES = [
    ("oggvorbis", "OggVorbis"),
    ("oggopus", "OggOpus"),
    ("oggspeex", "OggSpeex"),
    ("oggtheora", "OggTheora"),
    ("oggflac", "OggFLAC"),
]

# One file (or two) per codec to damage, and the class that reads it.
DAMAGED = [
    ("oggvorbis", "multipagecomment.ogg"),
    ("oggvorbis", "empty.ogg"),
    ("oggopus", "example.opus"),
    ("oggspeex", "multiplexed.spx"),
    ("oggtheora", "sample.oggtheora"),
    ("oggflac", "empty.oggflac"),
]

# mutagen's Vorbis comment parser says this of every comment block it
# cannot read, where cmutagen says where the block ends early: only the
# exception class is compared with mutagen then.
VCOMMENT_MESSAGE = "file is not a valid Vorbis comment"


def ours():
    return {module: getattr(importlib.import_module("cmutagen." + module), name)
            for module, name in CLASSES}


@pytest.fixture(scope="module")
def theirs(real_mutagen):
    return {module: getattr(importlib.import_module("mutagen." + module), name)
            for module, name in CLASSES}


def state(cls, thing):
    """Everything cls(thing) leaves behind, or the error it raises."""
    if isinstance(thing, io.BytesIO):
        thing.seek(0)
    try:
        f = cls(thing)
    except Exception as e:
        return ("raises", type(e), str(e))
    tags = f.tags
    fields = dict(vars(tags))
    # the key index is a cache the one-call path builds at once and the
    # general path on the first lookup: it must be the one a lookup builds
    index = fields.pop("_index")
    if index is not None:
        tags._index = None
        assert index == tags._lookup()
    return (f.filename, list(vars(f.info).items()), f.info.pprint(),
            fields, list(tags), tags.vendor, tags.pprint(), type(f.info), type(tags))


def public(cls, thing):
    """What the real mutagen shows of cls(thing), or its error's class name
    (and message, unless it is the Vorbis comment one)."""
    if isinstance(thing, io.BytesIO):
        thing.seek(0)
    try:
        f = cls(thing)
    except Exception as e:
        message = str(e)
        # mutagen lets an IndexError out where a Vorbis comment header has
        # no byte left for its framing bit: its message is Python's own
        if message == VCOMMENT_MESSAGE or isinstance(e, IndexError):
            message = None
        return ("raises", type(e).__name__, message)
    tags = f.tags
    return (sorted(vars(f.info).items()), f.info.pprint(), list(tags), tags.vendor,
            tags._size, getattr(tags, "_padding", None), getattr(tags, "_pad_data", None))


def check_same(cls, path, data=None):
    """cls(path) == cls(open file) == cls(BytesIO); the state."""
    with open(path, "rb") as fileobj:
        by_fileobj = state(cls, fileobj)
    by_path = state(cls, path)
    # a file object gives no filename: it differs, nothing else
    if by_path[0] != "raises":
        assert by_path[0] == path and by_fileobj[0] is None
        by_fileobj = (path,) + by_fileobj[1:]
    assert by_path == by_fileobj, (cls.__name__, path)
    if data is not None:
        by_bytes = state(cls, io.BytesIO(data))
        if by_bytes[0] != "raises":
            by_bytes = (path,) + by_bytes[1:]
        assert by_bytes == by_path, (cls.__name__, path)
    return by_path


def check_mutagen(theirs, module, cls, path, general=True):
    """cls given a file object (the general path, not counted) or a path
    shows what mutagen shows."""
    expected = public(theirs[module], path)
    if general:
        with open(path, "rb") as fileobj:
            got = public(cls, fileobj)
    else:
        got = public(cls, path)
    if expected[0] == "raises" and expected[2] is None:
        got = got[:2] + (None,)
    assert got == expected, (cls.__name__, path)


class Counter:
    """_native.load_ogg, counting the calls given a path that returned a
    reading (an io.BytesIO is read by the one call too, from its buffer)."""

    def __init__(self, monkeypatch):
        self.read = 0
        real = _native.load_ogg

        def load_ogg(*args, **kwargs):
            result = real(*args, **kwargs)
            self.read += args[0].__class__ is str
            return result
        monkeypatch.setattr(_native, "load_ogg", load_ogg)


def test_upstream_and_broken_files(upstream_data, broken, theirs, monkeypatch):
    counter = Counter(monkeypatch)
    classes = ours()
    loaded = 0
    for folder in (upstream_data, broken(".")):
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                data = f.read()
            for module, cls in classes.items():
                loaded += check_same(cls, path, data)[0] != "raises"
                check_mutagen(theirs, module, cls, path)
    # the ten upstream Ogg files, each read by its class (one by two)
    assert loaded >= 10
    # ... and every one of them in one C call
    assert counter.read == loaded


def corpus_sample():
    paths = sorted(glob.glob(os.path.join(ROOT, "build", "corpus", "ogg-*", "*", "*")))
    return random.Random(5).sample(paths, min(40, len(paths)))


def test_corpus_sample(theirs, monkeypatch):
    counter = Counter(monkeypatch)
    classes = ours()
    paths = corpus_sample()
    assert paths, "the benchmark corpus is missing: run `make corpus`"
    for path in paths:
        module = "oggopus" if "/ogg-opus/" in path else "oggvorbis"
        assert check_same(classes[module], path)[0] != "raises", path
        check_mutagen(theirs, module, classes[module], path)
    assert counter.read == len(paths)


# ---- damaged copies ----------------------------------------------------------

def page_offsets(data):
    """(offset, header size, data size) of each page, as far as they read."""
    pages = []
    at = 0
    while at + 27 <= len(data) and data[at:at + 4] == b"OggS":
        segments = data[at + 26]
        lacing = data[at + 27:at + 27 + segments]
        pages.append((at, 27 + segments, sum(lacing)))
        at += 27 + segments + sum(lacing)
    return pages


def header_end(data, pages):
    """Where the audio starts: the end of the page after which no header
    packet (a first byte with its top bit set, or any of the first three
    pages) starts."""
    end = 0
    for i, (at, head, size) in enumerate(pages[:8]):
        first = data[at + head:at + head + 1]
        if i < 3 or (first and first[0] & 0x81) or data[at + head:at + head + 4] == b"Opus":
            end = at + head + size
    return end


def with_crc(page):
    """A page with its CRC computed (the CRC field is ignored when read,
    but a page of a second stream might as well be right)."""
    p = ogg.OggPage(io.BytesIO(page))
    return p.write()


def damage(data, rng):
    """A damaged copy of an Ogg file and what was done to it."""
    pages = page_offsets(data)
    end = header_end(data, pages)
    sample = bytearray(data)
    kind = rng.randrange(7)
    if kind == 0:  # bytes of the header pages changed
        for _ in range(rng.randint(1, 4)):
            sample[rng.randrange(end)] = rng.randrange(256)
    elif kind == 1:  # page header fields changed (flags, granule, serial, lacing)
        for _ in range(rng.randint(1, 2)):
            at, head, _ = rng.choice(pages[:6] + pages[-2:])
            sample[at + rng.randrange(4, head)] = rng.choice([0, 1, 2, 4, 0xFF, rng.randrange(256)])
    elif kind == 2:  # cut short
        cut = rng.choice([rng.randrange(end + 1), rng.randrange(len(data))])
        del sample[cut:]
    elif kind == 3:  # page CRCs broken
        for at, _, _ in rng.sample(pages, min(len(pages), rng.randint(1, 5))):
            sample[at + 22 + rng.randrange(4)] ^= 1 + rng.randrange(255)
    elif kind == 4:  # a page of a second stream put between two pages
        at, head, size = rng.choice(pages)
        foreign = bytearray(data[at:at + head + size])
        foreign[14:18] = struct.pack("<I", rng.choice([0, 1, 77, 0xFFFFFFFF]))
        foreign[5] = rng.choice([0, 2, 4, 6, foreign[5]])
        into = rng.choice([p[0] for p in pages[:5]] + [len(data)])
        sample[into:into] = with_crc(bytes(foreign))
    elif kind == 5:  # the last pages changed (where the length comes from)
        for _ in range(rng.randint(1, 3)):
            at, head, size = rng.choice(pages[-3:])
            sample[at + rng.randrange(4, head + min(size, 8))] = rng.randrange(256)
    else:  # the comment packet's bytes changed: lengths, text, framing
        comment = pages[1] if len(pages) > 1 else pages[0]
        start = comment[0] + comment[1]
        stop = min(len(data), start + comment[2])
        for _ in range(rng.randint(1, 3)):
            sample[rng.randrange(start, max(start + 1, min(stop, start + 64)))] = rng.randrange(256)
        if rng.random() < 0.3:
            sample[rng.randrange(start, stop)] = rng.randrange(256)
    return bytes(sample), kind


@pytest.mark.parametrize("module,name", DAMAGED)
def test_damaged_copies(module, name, upstream_data, theirs, tmp_path, monkeypatch):
    counter = Counter(monkeypatch)
    cls = ours()[module]
    with open(os.path.join(upstream_data, name), "rb") as f:
        data = f.read()
    rng = random.Random(name)
    path = str(tmp_path / name)
    loaded = 0
    kinds = set()
    count = 300 if name != "empty.ogg" else 100
    for _ in range(count):
        sample, kind = damage(data, rng)
        kinds.add(kind)
        with open(path, "wb") as f:
            f.write(sample)
        loaded += check_same(cls, path, sample)[0] != "raises"
        check_mutagen(theirs, module, cls, path)
    assert kinds == set(range(7))
    # most damage leaves a readable file, and most of those read in C
    assert loaded > count // 2
    assert counter.read > loaded // 2


def test_comment_packet_cut_short(theirs, tmp_path):
    """A comment packet that ends inside its last comment: mutagen keeps
    the comment as far as it goes (a Vorbis header, which then has no
    framing bit, raises).  Both paths read as mutagen does."""
    from test_ogg_native import ID, comment_packet, page
    path = str(tmp_path / "cut.ogg")
    classes = ours()
    for codec, module in (("vorbis", "oggvorbis"), ("opus", "oggopus"), ("speex", "oggspeex"),
                          ("theora", "oggtheora"), ("flac", "oggflac")):
        packet = comment_packet(codec, entries=[b"A=1", b"B=" + b"x" * 10])
        for cut in range(1, 16):
            data = (page(7, 0, [ID[codec]], first=True) + page(7, 1, [packet[:-cut]])
                    + page(7, 2, [b"a" * 50], granule=5000, last=True))
            with open(path, "wb") as f:
                f.write(data)
            check_same(classes[module], path, data)
            check_mutagen(theirs, module, classes[module], path, general=False)


def test_other_ways_to_name_a_file(upstream_data, theirs, tmp_path, monkeypatch):
    """A non-ASCII name, a bytes name, a PathLike, load() on an instance:
    all read in one C call, as from a str; a missing file raises as
    mutagen's does."""
    import pathlib
    counter = Counter(monkeypatch)
    cls = ours()["oggvorbis"]
    source = os.path.join(upstream_data, "multipagecomment.ogg")
    path = str(tmp_path / "ünïcödé.ogg")
    with open(source, "rb") as f, open(path, "wb") as g:
        g.write(f.read())
    expected = state(cls, source)[1:]
    for name in (path, os.fsencode(path), pathlib.Path(path)):
        assert state(cls, name)[1:] == expected
    f = cls(source)
    f.load(path)
    assert f.filename == path and f.tags.vendor == cls(source).tags.vendor
    assert counter.read == 7
    missing = str(tmp_path / "missing.ogg")
    assert public(cls, missing) == public(theirs["oggvorbis"], missing)
    assert public(cls, missing)[1] == "MutagenError"
