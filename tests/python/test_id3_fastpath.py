# SPDX-License-Identifier: GPL-2.0-or-later
"""The C frame reader (_native.id3_read_frames) against the Python walk it
replaces (cmutagen.id3._tags._py_read_frames): the same frames (class,
__dict__, repr), the same raw unsupported frames and the same rest, over
mutagen's test files, crafted tags that take each fallback to the Python
specs, and random hostile bodies; and no reference leaks."""

import gc
import os
import random
import struct
import sys
import tracemalloc
import zlib

import pytest

from cmutagen.id3 import ID3, Frames, ID3Tags
from cmutagen.id3 import _tags
from cmutagen.id3._tags import ID3Header, _py_read_frames, read_frames
from cmutagen._util import read_full


def test_the_c_walk_is_built():
    # The package needs its extension; these tests compare its walk.
    assert _tags._c_read_frames is not None


def header(minor, flags=0):
    h = ID3Header()
    h.version = (2, minor, 0)
    h._flags = flags
    return h


def synchsafe(n):
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])


def frame(name, body, minor=4, flags=0, size=None):
    """One frame as stored in a tag of version 2.minor."""
    size = len(body) if size is None else size
    if minor == 2:
        return name + struct.pack(">L", size)[1:] + body
    packed = synchsafe(size) if minor == 4 else struct.pack(">L", size)
    return name + packed + struct.pack(">H", flags) + body


def same_value(a, b):
    """Equal, of one type, and (for objects such as ID3TimeStamp, which
    compare by their text) with equal fields."""
    if type(a) is not type(b) or a != b:
        return False
    if isinstance(a, list):
        return all(same_value(x, y) for x, y in zip(a, b))
    if hasattr(a, "__dict__") and not isinstance(a, type):
        return vars(a) == vars(b)
    return True


def same_frame(a, b):
    return (type(a) is type(b) and list(vars(a)) == list(vars(b))
            and all(same_value(vars(a)[k], vars(b)[k]) for k in vars(a))
            and repr(a) == repr(b))


def outcome(fn, h, data, frames):
    try:
        return fn(h, data, frames)
    except Exception as e:  # both sides must fail the same way
        return ("raised", type(e), str(e))


def check_same(h, data, frames=None):
    """read_frames in C and in Python agree, as lists and as filled tags."""
    frames = h.known_frames if frames is None else frames
    py = outcome(_py_read_frames, h, data, frames)
    c = outcome(read_frames, h, data, frames)
    if py[0] == "raised" or c[0] == "raised":
        assert py == c
        return
    assert len(py[0]) == len(c[0])
    for a, b in zip(py[0], c[0]):
        assert same_frame(a, b), (a, b)
    assert py[1] == c[1]
    assert py[2] == c[2]

    # ID3Tags._read puts the frames into its dict itself: same keys (each
    # the frame's HashKey), order and merged frames as adding them one by one
    h._known_frames = frames
    by_c = ID3Tags()
    rest = by_c._read(h, data)
    by_py = ID3Tags()
    for f in _py_read_frames(h, data, frames)[0]:
        by_py._add(f, False)
    assert rest == py[2]
    assert list(by_c.keys()) == list(by_py.keys())
    for key, f in by_c.items():
        assert key == f.HashKey
        assert same_frame(f, by_py[key])
    assert by_c.unknown_frames == py[1]


def tag_files(folder):
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        with open(path, "rb") as f:
            try:
                h = ID3Header(f)
            except Exception:
                continue
            size = h.size - 10
            if h.f_extended:
                size -= 4 + len(h._extdata)
            try:
                data = read_full(f, size)
            except Exception:
                continue
        yield name, h, data


def test_upstream_files(upstream_data):
    count = 0
    for name, h, data in tag_files(upstream_data):
        check_same(h, data)
        count += 1
    assert count >= 10


def test_broken_files(broken):
    for name, h, data in tag_files(os.path.dirname(broken("x"))):
        check_same(h, data)


def test_c_builds_the_common_frames(monkeypatch):
    # The frames of a plain tag come from the C table, not _fromData.
    data = b"".join([
        frame(b"TIT2", b"\x00title"),
        frame(b"TXXX", b"\x03desc\x00value"),
        frame(b"WOAR", b"http://a"),
        frame(b"WXXX", b"\x00d\x00http://b"),
        frame(b"COMM", b"\x00engdesc\x00text"),
        frame(b"USLT", b"\x00engd\x00lyrics"),
        frame(b"APIC", b"\x00image/png\x00\x03d\x00\x89PNG"),
        frame(b"UFID", b"owner\x00id"),
        frame(b"PRIV", b"owner\x00\xff\x00"),
        frame(b"POPM", b"a@b\x00\x80\x00\x00\x01\x00"),
        frame(b"PCNT", b"\x00\x00\x00\x07"),
        frame(b"TDRC", b"\x002001-02-03"),
        frame(b"TRCK", b"\x003/9"),
        frame(b"TIPL", b"\x00mix\x00A"),
    ])
    expected = _py_read_frames(header(4), data, Frames)[0]
    assert len(expected) == 14

    def refuse(cls, *args):
        raise AssertionError("%s read by _fromData" % cls.__name__)

    for f in expected:
        monkeypatch.setattr(type(f), "_fromData", classmethod(refuse))
    got = read_frames(header(4), data, Frames)[0]
    assert len(got) == len(expected)
    for a, b in zip(expected, got):
        assert same_frame(a, b)


UTF16_BOM = b"\xff\xfe"

# Bodies the C reader leaves to the specs (or that it must read exactly as
# they do), one per fallback rule.
CRAFTED = {
    "utf16 without bom": frame(b"TIT2", b"\x01a\x00b\x00"),
    "utf16 odd length": frame(b"TIT2", b"\x01" + UTF16_BOM + b"a\x00b"),
    "utf16 lone surrogate": frame(b"TIT2", b"\x01" + UTF16_BOM + b"\x00\xd8\x00\x00"),
    "utf16 big endian bom": frame(b"TIT2", b"\x01\xfe\xff\x00a\x00\x00\x00b"),
    "utf16 bom only": frame(b"TIT2", b"\x01" + UTF16_BOM),
    "utf16be": frame(b"TIT2", b"\x02\x00a\x00\x00\x00b"),
    "utf16be odd": frame(b"TIT2", b"\x02\x00a\x00"),
    "utf16be bom kept": frame(b"TIT2", b"\x02\xfe\xff\x00a"),
    "utf8 invalid": frame(b"TIT2", b"\x03\xff\xfe"),
    "utf8 surrogate": frame(b"TIT2", b"\x03\xed\xa0\x80"),
    "bad encoding": frame(b"TIT2", b"\x04abc"),
    "encoding only": frame(b"TIT2", b"\x00"),
    "trailing empty value": frame(b"TIT2", b"\x00a\x00"),
    "lang not ascii": frame(b"COMM", b"\x00\xe9ngd\x00t"),
    "lang short": frame(b"COMM", b"\x00en"),
    "comm no text": frame(b"COMM", b"\x00engdesc\x00"),
    "apic short": frame(b"APIC", b"\x00image/png"),
    "pcnt wide": frame(b"PCNT", b"\x01" * 12),
    "pcnt empty": frame(b"PCNT", b""),
    "popm no count": frame(b"POPM", b"a@b\x00\x05"),
    "popm wide count": frame(b"POPM", b"a@b\x00\x05" + b"\x01" * 9),
    "tipl pairs": frame(b"TIPL", b"\x00a\x00b\x00c\x00d"),
    "tipl half pair": frame(b"TIPL", b"\x00a\x00b\x00c"),
    "tdrc stamps": frame(b"TDRC", b"\x002001\x002002-03\x00junk"),
    "tdrc unicode digits": frame(b"TDRC", b"\x03\xd9\xa2\xd9\xa0"),
    "tdrc full": frame(b"TDRC", b"\x002001-02-03T04:05:06"),
    "tdrc odd separators": frame(b"TDRC", b"\x002001  02/03.4:5\x00-\x00\x002001-"),
    "tdrc long parts": frame(b"TDRC", b"\x00" + b"1" * 25 + b"-" + b"2" * 18 + b"-" + b"3" * 19),
    "tdrc junk after six": frame(b"TDRC", b"\x001-2-3-4-5-6-x!"),
    "tdrc sign and tab": frame(b"TDRC", b"\x00+5-\t3\x002001\x1f02\x00 2001\xa002"),
    "tdrc huge": frame(b"TDRC", b"\x00" + b"9" * 5000),
    "rvrb sized ints": frame(b"RVRB", b"\x00\x01\x00\x02" + bytes(8)),
    "rvrb short": frame(b"RVRB", b"\x00\x01"),
    "link": frame(b"LINK", b"TIT2http://x\x00data"),
    "compressed": frame(b"TIT2", synchsafe(6) + zlib.compress(b"\x00hello"), flags=0x0009),
    "bad compression": frame(b"TIT2", b"\x00\x00\x00\x05junk!", flags=0x0008),
    "data length": frame(b"TIT2", synchsafe(3) + b"\x00ab", flags=0x0001),
    "frame unsync": frame(b"TIT2", b"\x00a\xff\x00b", flags=0x0002),
    "encrypted": frame(b"TIT2", b"\x01\x00abc", flags=0x0004),
    "status flags only": frame(b"TIT2", b"\x00abc", flags=0x6000),
    "grouped": frame(b"TIT2", b"\x00abc", flags=0x0040),
    "unknown id": frame(b"XYZW", b"\x00abc"),
    "lowercase id": frame(b"tit2", b"\x00abc"),
    "digits only id": frame(b"1234", b"\x00abc"),
    "non ascii id": frame(b"TI\xc92", b"\x00abc"),
    "v2.2 id in v2.4": frame(b"TT2\x00", b"\x00abc"),
    "unknown v2.2 id": frame(b"ZZZ\x00", b"\x00abc"),
    "zero size": frame(b"TIT2", b"") + frame(b"TPE1", b"\x00a"),
    "size past end": frame(b"TIT2", b"\x00abc", size=100),
    "padding then junk": frame(b"TIT2", b"\x00a") + b"\x00" * 10 + b"TPE1junk",
    "short header": frame(b"TIT2", b"\x00a") + b"TPE",
    "duplicates": frame(b"TIT2", b"\x00x") + frame(b"TIT2", b"\x03x\x00y")
                  + frame(b"APIC", b"\x00m\x00\x03\x00a") + frame(b"APIC", b"\x00m\x00\x03\x00b")
                  + frame(b"TXXX", b"\x00d\x00a") + frame(b"TXXX", b"\x00d\x00a"),
    "chapters": frame(b"CHAP", b"ch\x00" + bytes(16) + frame(b"TIT2", b"\x00in")),
    "mcdi empty": frame(b"MCDI", b""),
}


@pytest.mark.parametrize("name", sorted(CRAFTED))
@pytest.mark.parametrize("minor", [3, 4])
def test_crafted(name, minor):
    data = CRAFTED[name]
    if minor == 3:
        # the same frames with v2.3 sizes and flags (compression 0x80)
        data = resize_to_v23(data)
    check_same(header(minor), data)


def resize_to_v23(data):
    out = b""
    pos = 0
    while pos + 10 <= len(data):
        name = data[pos:pos + 4]
        if name == b"\x00" * 4:
            break
        size = _tags.BitPaddedInt(data[pos + 4:pos + 8])
        flags = struct.unpack(">H", data[pos + 8:pos + 10])[0]
        body = data[pos + 10:pos + 10 + size]
        v23_flags = (0x80 if flags & 0x08 else 0) | (0x40 if flags & 0x04 else 0)
        out += name + struct.pack(">LH", size, v23_flags) + body
        pos += 10 + size
    return out + data[pos:]


def test_v24_plain_int_sizes():
    # v2.4 frames whose sizes a v2.3-minded tagger wrote as plain ints
    body = b"\x00" + b"x" * 200
    data = b"TIT2" + struct.pack(">LH", len(body), 0) + body
    data += b"TPE1" + struct.pack(">LH", 3, 0) + b"\x00ab"
    check_same(header(4), data)


def test_tag_unsynchronisation():
    data = frame(b"TIT2", b"\x00a\xff\x00b") + frame(b"TPE1", b"\x00c")
    check_same(header(4, 0x80), data)
    check_same(header(3, 0x80), resize_to_v23(data))
    check_same(header(3, 0x80), resize_to_v23(data) + b"\xff")  # invalid: kept


def test_v23_zero_padded_text():
    data = resize_to_v23(frame(b"TIT2", b"\x00a\x00\x00\x00") + frame(b"TPE1", b"\x01" + UTF16_BOM + b"a\x00\x00\x00\x00\x00"))
    check_same(header(3), data)


def test_v22_tags():
    data = b"".join([
        frame(b"TT2", b"\x00title", 2),
        frame(b"COM", b"\x00engd\x00c", 2),
        frame(b"PIC", b"\x00PNG\x03d\x00data", 2),
        frame(b"TXX", b"\x00d\x00v", 2),
        frame(b"UFI", b"o\x00i", 2),
        frame(b"XXX", b"\x00abc", 2),
        frame(b"TT2", b"", 2),
        frame(b"TT2", b"\x00a", 2),
    ])
    check_same(header(2), data)


def test_known_frames_subset_and_mapping():
    data = frame(b"TIT2", b"\x00a") + frame(b"TPE1", b"\x00b")
    check_same(header(4), data, {"TIT2": Frames["TIT2"]})

    class Mapping:
        def __getitem__(self, key):
            return Frames[key]

        def __contains__(self, key):
            return key in Frames

    check_same(header(4), data, Mapping())


def test_hostile_bodies():
    rng = random.Random(4)
    ids = sorted(Frames) + ["ZZZZ"]
    alphabet = [0, 1, 2, 3, 4, 0xFF, 0xFE, 0xD8, 0xDC, 0x80, 0x41, 0x00]
    for _ in range(3000):
        name = rng.choice(ids).encode()
        length = rng.randrange(0, 24)
        if rng.random() < 0.5:
            body = bytes(rng.choice(alphabet) for _ in range(length))
        else:
            body = bytes(rng.randrange(256) for _ in range(length))
        minor = rng.choice([3, 4])
        flags = rng.choice([0, 0, 0, 0x0001, 0x0002, 0x0008, 0x0040, 0x0080, 0x4000])
        data = frame(name, body, 4, flags)
        if minor == 3:
            data = name + struct.pack(">LH", len(body), flags) + body
        if rng.random() < 0.2:
            data = data[:rng.randrange(len(data) + 1)]
        check_same(header(minor), data)


def test_hostile_tags(upstream_data):
    # real tags with bytes flipped
    rng = random.Random(5)
    tags = [(h, data) for _, h, data in tag_files(upstream_data) if data][:40]
    for h, data in tags:
        for _ in range(20):
            mutated = bytearray(data[:2048])
            for _ in range(rng.randrange(1, 6)):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            check_same(h, bytes(mutated))


def test_loaded_like_python(upstream_data):
    # ID3() as a whole: what the file gives, read either way
    for name in sorted(os.listdir(upstream_data)):
        if not name.endswith((".mp3", ".id3")):
            continue
        path = os.path.join(upstream_data, name)
        try:
            fast = ID3(path)
        except Exception as e:
            fast = e
        saved = _tags._c_read_frames
        _tags._c_read_frames = None
        try:
            try:
                slow = ID3(path)
            except Exception as e:
                slow = e
        finally:
            _tags._c_read_frames = saved
        if isinstance(fast, Exception):
            assert type(fast) is type(slow) and str(fast) == str(slow)
            continue
        assert list(fast.keys()) == list(slow.keys())
        for key in fast.keys():
            assert same_frame(fast[key], slow[key])
        assert fast.unknown_frames == slow.unknown_frames
        assert fast._padding == slow._padding


def test_bad_arguments():
    native = _tags._c_read_frames
    ctx = _tags._native_context()
    with pytest.raises(TypeError):
        native(ctx, header(4), b"", 4, False, Frames, [])
    with pytest.raises(TypeError):
        native((), header(4), b"", 4, False, Frames, [], None)
    with pytest.raises(TypeError):
        native(ctx, header(4), "text", 4, False, Frames, [], None)
    with pytest.raises(TypeError):
        native(ctx, header(4), b"", 4, False, Frames, {}, None)


def test_no_reference_leaks(upstream_data):
    ctx = _tags._native_context()
    tags = [(h, data) for _, h, data in tag_files(upstream_data)]
    tags += [(header(4), body) for body in CRAFTED.values()]
    watched = list(ctx[1]) + [ctx[2][3], ctx[0][Frames["TIT2"]][3], Frames["TIT2"],
                             Frames["APIC"], ctx[3]]

    def run():
        for h, data in tags:
            read_frames(h, data, h.known_frames)
            ID3Tags()._read(h, data)

    # A reference leaked per frame or per call would grow these counts by
    # at least one per tag and run; frames alive for other reasons may
    # come and go between runs, so only growth is looked for.
    run()
    gc.collect()
    before = [sys.getrefcount(o) for o in watched]
    data_refs = [sys.getrefcount(data) for _, data in tags]
    tracemalloc.start()
    run()
    gc.collect()
    first, _ = tracemalloc.get_traced_memory()
    runs = 5
    for _ in range(runs):
        run()
    gc.collect()
    last, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = [sys.getrefcount(o) for o in watched]
    assert all(b - a < runs for a, b in zip(before, after)), (before, after)
    assert [sys.getrefcount(data) for _, data in tags] == data_refs
    assert last - first < 64 * 1024
