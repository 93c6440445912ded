# SPDX-License-Identifier: GPL-2.0-or-later
"""ID3v1 and ID3v1.1: the fixed 128-byte tag at the end of a file.

Layout: "TAG", title (30), artist (30), album (30), year (4), comment
(30), genre (1).  ID3v1.1 keeps a track number in the last comment byte
when the one before it is a null.  Text is Latin-1, null padded.
"""

import errno
# Under the names mutagen's module has them (StructError, unpack, bchr), so
# code that imports them from here keeps working.
from struct import error as StructError, unpack  # noqa: F401

from cmutagen._constants import GENRES
from cmutagen._util import bchr

from ._frames import TCON, TRCK, COMM, TDRC, TYER, TALB, TPE1, TIT2
from ._specs import Encoding, ID3TimeStamp

# APEv2 tags (which often sit just before or instead of an ID3v1 tag) end
# in "APETAGEX": read this many bytes more to tell its "TAG" from a v1 one.
_APE_TAG_OFFSET = b"APETAGEX".index(b"TAG")


def find_id3v1(fileobj, v2_version=4, known_frames=None):
    """Look for an ID3v1 tag at the end of fileobj.

    Returns (frames by ID, offset of the tag from the end of the file, a
    negative number) or (None, 0).  The file position is kept.  Tags of
    124 to 128 bytes (a short year field) are accepted too."""

    position = fileobj.tell()
    try:
        want = _V1_WINDOW
        try:
            fileobj.seek(-want, 2)
        except IOError as e:
            if e.errno != errno.EINVAL:
                raise
            fileobj.seek(0, 0)  # the file is smaller than that
        return _find_id3v1_in(fileobj.read(want), v2_version, known_frames)
    finally:
        fileobj.seek(position, 0)


# How many bytes from the end of a file find_id3v1 looks at.
_V1_WINDOW = 128 + _APE_TAG_OFFSET


def _find_id3v1_in(data, v2_version=4, known_frames=None):
    """find_id3v1 on the last bytes of a file (up to _V1_WINDOW of them)."""
    idx = data.find(b"TAG")
    if idx == -1:
        return None, 0
    start = idx - _APE_TAG_OFFSET
    if start >= 0 and data[start:start + 8] == b"APETAGEX":
        return None, 0  # the "TAG" of an APEv2 header or footer

    frames = ParseID3v1(data[idx:], v2_version, known_frames)
    if frames is None:
        return None, 0
    return frames, idx - len(data)


# (frame ID, default class) of the frames a v1 tag gives, in the order
# they are made.
_V1_FRAMES = [("TIT2", TIT2), ("TPE1", TPE1), ("TALB", TALB),
              ("TYER", TYER), ("TDRC", TDRC), ("COMM", COMM),
              ("TRCK", TRCK), ("TCON", TCON)]


def ParseID3v1(data, v2_version=4, known_frames=None):
    """The frames of an ID3v1 tag starting at the first "TAG" in data, or
    None if there is none or it is not 124 to 128 bytes long.

    The year becomes TDRC for v2_version 4 and TYER for 3.  With
    known_frames (frame classes by ID) only the frames found there are
    made, with those classes."""

    if v2_version not in (3, 4):
        raise ValueError("Only 3 and 4 possible for v2_version")

    idx = data.find(b"TAG")
    if idx == -1:
        return None
    data = data[idx:]
    if not 124 <= len(data) <= 128:
        return None

    # Short tags have a short year field (see find_id3v1).
    fields = unpack("3s30s30s30s%ds29sBB" % (len(data) - 124), data)
    _tag, title, artist, album, year, comment, track, genre = fields

    def text(field):
        return field.split(b"\x00")[0].strip().decode("latin1")

    # v1.1: a null before the last comment byte makes that byte the track
    # number; otherwise it is the comment's last character.
    is_v11 = comment[-1] == 0 and track != 0
    if not is_v11:
        comment += bchr(track)

    if known_frames is None:
        classes = dict(_V1_FRAMES)
        make = _latin1_frame
    else:
        classes = {name: known_frames[name] for name, _ in _V1_FRAMES
                   if name in known_frames}
        make = _constructed_frame

    values = {
        "TIT2": text(title),
        "TPE1": text(artist),
        "TALB": text(album),
        "TYER" if v2_version == 3 else "TDRC": text(year),
    }

    frames = {}
    for name, _ in _V1_FRAMES:
        cls = classes.get(name)
        if cls is None:
            continue
        if name == "COMM":
            value = text(comment)
            if value:
                frames[name] = make(cls, value, lang="eng", desc="ID3v1 Comment")
        elif name == "TRCK":
            if is_v11:
                frames[name] = make(cls, str(track))
        elif name == "TCON":
            if genre != 255:
                frames[name] = make(cls, str(genre))
        elif values.get(name):
            frames[name] = make(cls, values[name])
    return frames


def _constructed_frame(cls, text, **fields):
    return cls(encoding=0, text=text, **fields)


def _latin1_frame(cls, text, **fields):
    """_constructed_frame for the classes of _V1_FRAMES, without the
    validation their specs would do on values valid by construction (text
    decoded from Latin-1).  Loading a file with a v1 tag makes several."""
    frame = cls.__new__(cls)
    frame.__dict__.update(encoding=Encoding.LATIN1, **fields,
                          text=[ID3TimeStamp(text) if cls is TDRC else text])
    return frame


def _v1_field(id3, key):
    # The first value of a text frame, as Latin-1 bytes.
    if key not in id3:
        return b""
    return id3[key].text[0].encode("latin1", "replace")


def _pad(value, size):
    value = value[:size]
    return value + b"\x00" * (size - len(value))


def MakeID3v1(id3):
    """The 128 bytes of an ID3v1.1 tag for a dict of frames (an ID3 or a
    plain dict): title, artist, album, year (TDRC, else TYER), the comment
    under the key "COMM", track number and genre."""

    # The fields are computed in this order so that a bad value fails the
    # same way it does in mutagen.
    title = _pad(_v1_field(id3, "TIT2"), 30)
    artist = _pad(_v1_field(id3, "TPE1"), 30)
    album = _pad(_v1_field(id3, "TALB"), 30)
    comment = _v1_field(id3, "COMM")

    track = None
    if "TRCK" in id3:
        try:
            track = +id3["TRCK"]
        except ValueError:
            pass
        else:
            if not 0 <= track <= 255:
                track = None
    if track is None:
        comment = _pad(comment, 30)
    else:
        comment = _pad(comment, 28) + b"\x00" + bchr(track)

    genre = 255
    if "TCON" in id3:
        genres = id3["TCON"].genres
        if genres and genres[0] in GENRES:
            genre = GENRES.index(genres[0])

    if "TDRC" in id3:
        year = str(id3["TDRC"]).encode("ascii")
    elif "TYER" in id3:
        year = str(id3["TYER"]).encode("ascii")
    else:
        year = b""
    year = _pad(year, 4)

    return (b"TAG" + title + artist + album + year + comment +
            bchr(genre))
