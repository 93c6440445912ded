# SPDX-License-Identifier: GPL-2.0-or-later
"""ID3v2.3 date frames (TYER, TDAT, TIME) read as v2.4's TDRC, built from
their parts without parsing text, held equal to mutagen's reading on random
values, valid and not, through both the general and the one-call path."""

import importlib
import io
import random

from cmutagen.id3 import ID3
from cmutagen.mp3 import MP3

_DIGITS = "0123456789"


def _text(rng):
    kind = rng.random()
    if kind < 0.5:
        return "".join(rng.choice(_DIGITS) for _ in range(4))
    if kind < 0.6:
        return "".join(rng.choice(_DIGITS) for _ in range(4)) + "-%02d-%02d" % (
            rng.randrange(100), rng.randrange(100))
    if kind < 0.7:
        return ""
    return "".join(rng.choice(_DIGITS + "x -:") for _ in range(rng.randrange(1, 8)))


def _v23_tag(mutagen_id3, rng):
    """A v2.3 tag written by mutagen with random TYER/TDAT/TIME values."""
    tags = mutagen_id3.ID3()
    for frame_id in ("TYER", "TDAT", "TIME"):
        if rng.random() < 0.85:
            values = [_text(rng) for _ in range(rng.randrange(1, 3))]
            tags.add(getattr(mutagen_id3, frame_id)(encoding=0, text=values))
    # A v2.3 tag whose v2.3-only frames stay as they are: mutagen's save
    # with v2_version=3 keeps TYER/TDAT/TIME.
    out = io.BytesIO()
    tags.save(out, v2_version=3)
    return out.getvalue()


def _tdrc(tags):
    frame = tags.get("TDRC")
    if frame is None:
        return None
    return [(stamp.text, stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute,
             stamp.second, repr(stamp)) for stamp in frame.text], frame.encoding, frame.pprint()


def test_tdrc_from_v23_dates_equals_mutagen(real_mutagen, tmp_path):
    mutagen_id3 = importlib.import_module("mutagen.id3")
    mutagen_mp3 = importlib.import_module("mutagen.mp3")
    rng = random.Random(23)
    # One MPEG frame after the tag, so that MP3(path) takes the C path.
    frame = b"\xff\xfb\x90\x00" + b"\x00" * 413
    for i in range(400):
        tag = _v23_tag(mutagen_id3, rng)
        expected = _tdrc(mutagen_id3.ID3(io.BytesIO(tag)))
        assert _tdrc(ID3(io.BytesIO(tag))) == expected, tag
        path = tmp_path / ("%d.mp3" % (i % 4))
        path.write_bytes(tag + frame * 4)
        assert _tdrc(MP3(str(path)).tags) == expected, tag
        assert _tdrc(mutagen_mp3.MP3(str(path)).tags) == expected
