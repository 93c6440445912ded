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
