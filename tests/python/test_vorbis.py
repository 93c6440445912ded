# SPDX-License-Identifier: GPL-2.0-or-later
"""cmutagen._vorbis against the real mutagen on hand-made comment blocks, in
all three ``errors`` modes."""

import struct

import pytest

from cmutagen import _vorbis


def block(items, vendor=b"vendor", framing=b"\x01"):
    out = struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", len(items))
    for item in items:
        out += struct.pack("<I", len(item)) + item
    return out + framing


CASES = {
    "plain": [b"TITLE=a", b"artist=b", b"ARTIST=c"],
    "value-with-equals": [b"k=a=b"],
    "no-equals": [b"abc", b"a=b"],
    "control-char-key": [b"a\x01b=c", b"x=1"],
    "non-ascii-key": [b"\xc3\xa4=x", b"\xc3\xa4b=y"],
    "invalid-utf8-key": [b"\xff=x"],
    "invalid-utf8-value": [b"a=\xff\xfe"],
    "empty-key": [b"=v"],
    "tilde-key": [b"k~=v", b"k}=v"],
    "empty-value": [b"k="],
    "unicode-value": ["k=アップル".encode("utf-8")],
}


def outcome(module, data, **kwargs):
    try:
        comment = module.VComment(data, **kwargs)
    except Exception as e:
        # Compare the exception by where it comes from and its class name.
        return ("raises", type(e).__module__.replace("cmutagen", "mutagen"), type(e).__name__)
    return (list(comment), comment.vendor, comment._size)


@pytest.mark.parametrize("errors", ["strict", "replace", "ignore"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_same_as_mutagen(real_mutagen, name, errors):
    data = block(CASES[name])
    assert outcome(_vorbis, data, errors=errors) == \
        outcome(real_mutagen._vorbis, data, errors=errors)


@pytest.mark.parametrize("errors", ["strict", "replace", "ignore"])
def test_bad_vendor_same_as_mutagen(real_mutagen, errors):
    data = block([b"a=b"], vendor=b"\xff")
    assert outcome(_vorbis, data, errors=errors) == \
        outcome(real_mutagen._vorbis, data, errors=errors)


def test_framing_bit():
    assert list(_vorbis.VComment(block([b"a=b"]))) == [("a", "b")]
    with pytest.raises(_vorbis.VorbisUnsetFrameError):
        _vorbis.VComment(block([b"a=b"], framing=b"\x00"))
    assert list(_vorbis.VComment(block([b"a=b"], framing=b""), framing=False)) == [("a", "b")]


def test_truncation_is_a_vorbis_error_naming_the_part():
    # mutagen lets an IndexError escape here; cmutagen raises its own error.
    with pytest.raises(_vorbis.error, match="framing bit"):
        _vorbis.VComment(block([b"a=b"], framing=b""))
    with pytest.raises(_vorbis.error, match="comments"):
        _vorbis.VComment(block([b"a=b"])[:-4])


def test_position_after_load_and_size():
    import io
    data = block([b"a=b"])
    stream = io.BytesIO(data + b"rest")
    comment = _vorbis.VComment(stream)
    assert stream.read() == b"rest" and comment._size == len(data)


def test_unknown_errors_mode_is_refused():
    with pytest.raises(ValueError, match="errors must be"):
        _vorbis.VComment(block([b"a=b"]), errors="surrogateescape")


def test_write_round_trip():
    comment = _vorbis.VCommentDict(block(CASES["plain"]))
    assert _vorbis.VCommentDict(comment.write()) == comment
    assert comment["artist"] == ["b", "c"]
