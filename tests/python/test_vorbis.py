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


TRUNCATED = {
    "no-framing-byte": block([b"a=b"], framing=b""),
    "last-comment-cut": block([b"a=b", b"key=value"], framing=b"")[:-3],
    "last-comment-cut-framing-taken": block([b"a=b", b"key=value"])[:-3],
    "last-comment-cut-before-equals": block([b"a=b", b"key=value"], framing=b"")[:-7],
    "last-comment-cut-inside-utf8": block([b"a=\xc3\xa4"], framing=b"")[:-1],
    "last-length-cut": block([b"a=b", b"key=value"], framing=b"")[:-11],
    "first-of-two-cut": block([b"a=b", b"key=value"], framing=b"")[:-14],
    "vendor-cut": block([])[:7],
    "count-cut": block([])[:11],
    "no-comments-no-framing": block([], framing=b""),
}


@pytest.mark.parametrize("framing", [True, False])
@pytest.mark.parametrize("errors", ["strict", "replace", "ignore"])
@pytest.mark.parametrize("name", sorted(TRUNCATED))
def test_truncated_same_as_mutagen(real_mutagen, name, errors, framing):
    """A block cut short: the last comment is kept as far as it goes, a
    missing framing byte is an IndexError (after the comments are
    decoded), anything else cut is the module's error, as in mutagen."""
    data = TRUNCATED[name]
    assert outcome(_vorbis, data, errors=errors, framing=framing) == \
        outcome(real_mutagen._vorbis, data, errors=errors, framing=framing)


def test_truncation_messages_name_the_part():
    with pytest.raises(IndexError, match="framing byte"):
        _vorbis.VComment(block([b"a=b"], framing=b""))
    with pytest.raises(_vorbis.error, match="comment list"):
        _vorbis.VComment(block([b"a=b", b"c=d"], framing=b"")[:-8])
    with pytest.raises(_vorbis.error, match="vendor string"):
        _vorbis.VComment(block([])[:7])


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


# Every way of changing a VCommentDict, each applied after a lookup (which
# builds cmutagen's key index) and followed by reading every key: the index
# must never serve a stale answer.
MUTATIONS = {
    "append": lambda c: c.append(("Title", "new")),
    "extend": lambda c: c.extend([("x", "1"), ("TITLE", "2")]),
    "insert": lambda c: c.insert(0, ("title", "first")),
    "pop": lambda c: c.pop(),
    "pop-index": lambda c: c.pop(0),
    "remove": lambda c: c.remove(("artist", "b")),
    "sort": lambda c: c.sort(),
    "reverse": lambda c: c.reverse(),
    "iadd": lambda c: c.__iadd__([("y", "3")]),
    "imul": lambda c: c.__imul__(2),
    "setitem-index": lambda c: c.__setitem__(0, ("TITLE", "replaced")),
    "setitem-slice": lambda c: c.__setitem__(slice(0, 1), [("z", "9")]),
    "delitem-index": lambda c: c.__delitem__(0),
    "delitem-slice": lambda c: c.__delitem__(slice(1, None)),
    "setitem-key": lambda c: c.__setitem__("artist", ["p", "q"]),
    "delitem-key": lambda c: c.__delitem__("ARTIST"),
    "clear": lambda c: c.clear(),
    "update": lambda c: c.update({"title": "u"}),
    "setdefault": lambda c: c.setdefault("new", ["v"]),
}


def contents(comment):
    keys = sorted(comment.keys())
    return (list(comment), keys, [comment[k] for k in keys],
            "title" in comment, "TITLE" in comment, "missing" in comment)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_dict_view_follows_every_change(real_mutagen, name):
    results = []
    for module in (_vorbis, real_mutagen._vorbis):
        comment = module.VCommentDict(block(CASES["plain"]))
        assert comment["title"] == ["a"]  # a lookup before the change
        try:
            MUTATIONS[name](comment)
        except Exception as e:  # (integer item access is refused by both)
            results.append(("raises", type(e).__name__, contents(comment)))
        else:
            results.append(contents(comment))
    assert results[0] == results[1]


def test_lookup_returns_a_new_list_each_time():
    comment = _vorbis.VCommentDict(block(CASES["plain"]))
    comment["artist"].append("not stored")
    assert comment["artist"] == ["b", "c"]


@pytest.mark.parametrize("key", ["", "a=b", "a~", "a\x7f", "é", "a b", "}", " ", "A\x1f"])
def test_is_valid_key_same_as_mutagen(real_mutagen, key):
    assert _vorbis.is_valid_key(key) == real_mutagen._vorbis.is_valid_key(key)
