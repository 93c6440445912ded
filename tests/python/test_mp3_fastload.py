# SPDX-License-Identifier: GPL-2.0-or-later
"""MP3(path) reads a file in one C call (_native.read_mp3_file) where the
file is the plain case, and the general way otherwise.  Both must leave
the same object behind, or raise the same error: MP3(path) is held equal
to MP3(file object), which never takes the one-call path, over mutagen's
test files, the broken-file corpus and crafted files that sit on each edge
of what the one-call path accepts."""

import os
import struct

import pytest

from cmutagen import _native, mp3
from cmutagen.id3 import ID3, TIT2, TPE1, COMM


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
