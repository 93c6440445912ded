# SPDX-License-Identifier: GPL-2.0-or-later
"""The methods _native/pymethods.c gives a C body do what their Python
bodies did."""
import random

import pytest

from cmutagen import _native
from cmutagen.id3 import TCON, TIT2, TPE1, TRCK, TextFrame


def test_text_frame_str_joins_the_values_with_nul():
    rng = random.Random(7)
    alphabet = "ab\u00e9\u4e2d\U0001f600 /\x00"
    for _ in range(300):
        values = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(6)))
                  for _ in range(rng.randrange(4))]
        for kind in (TIT2, TPE1, TRCK, TCON):
            frame = kind(encoding=3, text=values)
            assert str(frame) == "\x00".join(frame.text)
            assert bytes(frame) == "\x00".join(frame.text).encode("utf-8")


def test_text_frame_str_is_the_c_body_and_fails_as_join_does():
    assert type(TextFrame.__dict__["__str__"]).__name__ == "method_descriptor"
    frame = TIT2(encoding=3, text=["a"])
    frame.__dict__["text"] = ["a", 2]  # past the spec's validation
    with pytest.raises(TypeError) as excinfo:
        str(frame)
    with pytest.raises(TypeError) as python_error:
        "\x00".join(["a", 2])
    assert str(excinfo.value) == str(python_error.value)
    with pytest.raises(ValueError):
        _native.c_method(TextFrame, "__repr__")


def _outcome(call):
    """What a call gives: its value, or its exception's type and message."""
    try:
        return ("value", call())
    except Exception as e:  # noqa: BLE001 - the exception is the outcome compared
        return (type(e).__name__, str(e))


_KEY_CHARS = "aAbBzZ09 _-}~=\x1f\u00e9"


def test_vcomment_dict_reads_as_mutagen_reads(real_mutagen):
    """VCommentDict's C __getitem__ and keys() against mutagen's on random
    comments: the same values, the same errors, and keys() in the same order
    (both sets are built in this process, with the same hash seed)."""
    from cmutagen._vorbis import VCommentDict
    rng = random.Random(11)
    for _ in range(400):
        pairs = []
        for _ in range(rng.randrange(8)):
            key = "".join(rng.choice("aAbBcCdD") for _ in range(rng.randrange(1, 4)))
            pairs.append((key, "".join(rng.choice("xy\u00e9") for _ in range(3))))
        ours, theirs = VCommentDict(), real_mutagen._vorbis.VCommentDict()
        ours.extend(pairs)
        theirs.extend(pairs)
        assert ours.keys() == theirs.keys()
        probes = [key for key, _ in pairs] + [
            "".join(rng.choice(_KEY_CHARS) for _ in range(rng.randrange(4))) for _ in range(6)]
        for probe in probes:
            for key in (probe, probe.upper(), probe.lower()):
                assert _outcome(lambda: ours[key]) == _outcome(lambda: theirs[key]), key
        ours.append(("NEW", "v"))  # the index is rebuilt after a change
        theirs.append(("NEW", "v"))
        assert ours["new"] == theirs["new"] and ours.keys() == theirs.keys()


def test_vcomment_dict_other_keys_fail_as_in_mutagen(real_mutagen):
    from cmutagen._vorbis import VCommentDict, is_valid_key

    class Text(str):
        pass

    keys = [1, b"ab", None, 1.5, ["a"], ("a",), [1], [], ["~"], ["a", "="], bytearray(b"a"),
            {"a": 1}, "a\x7f", Text("aB"), Text("a=b"), slice(0, 1), "", "a=b", "\u00e9"]
    ours, theirs = VCommentDict(), real_mutagen._vorbis.VCommentDict()
    for tags in (ours, theirs):
        tags.extend([("aB", "1"), ("c", "2")])
    for key in keys:
        assert _outcome(lambda: is_valid_key(key)) == \
            _outcome(lambda: real_mutagen._vorbis.is_valid_key(key)), key
        for op in (lambda t: t[key], lambda t: key in t):
            assert _outcome(lambda: op(ours)) == _outcome(lambda: op(theirs)), key
