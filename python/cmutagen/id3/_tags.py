# SPDX-License-Identifier: GPL-2.0-or-later
"""The ID3v2 tag as a whole: its header (ID3Header), the frame walk that
turns tag bytes into frames (read_frames, determine_bpi), the rendering of
one frame (save_frame), and ID3Tags, the dict of frames keyed by HashKey
with the v2.3 <-> v2.4 translations.

read_frames is the hot path of every ID3 read.  _py_read_frames is its
reference walk, in Python; read_frames runs the same walk in C
(_native.id3_read_frames), which builds the frames of the common kinds
itself from a table derived from each class's _framespec and leaves the
rest to the class's _fromData.  ID3Tags._read has the C walk fill its dict
directly.
"""

import re
import struct
from itertools import zip_longest

from cmutagen._tags import Tags
from cmutagen._util import DictProxy, convert_error, read_full

from ._util import (BitPaddedInt, unsynch, ID3JunkFrameError,
                    is_valid_frame_id, error,
                    ID3NoHeaderError, ID3UnsupportedVersionError,
                    ID3SaveConfig)
from ._frames import (TDRC, APIC, TDOR, TIME, TIPL, TORY, TDAT, Frames_2_2,
                      TextFrame, TYER, Frame, IPLS, Frames, TXXX, WXXX, COMM,
                      USLT, UrlFrameU, POPM, PRIV, UFID, GEOB, TCON)
from ._specs import Encoding, ID3TimeStamp
from . import _specs as specs

try:
    from cmutagen._native import id3_read_frames as _c_read_frames
except ImportError:  # the extension is not built: the Python walk only
    _c_read_frames = None

_V24 = (2, 4, 0)
_V23 = (2, 3, 0)
_V22 = (2, 2, 0)


class ID3Header:
    """The ten bytes that start an ID3v2 tag (and the extended header that
    may follow them): version, flags and the size of the whole tag.

    ``size`` counts the ten header bytes too.  Created without a file it
    only has ``_flags`` (0); callers then set ``version`` themselves."""

    _V24 = _V24
    _V23 = _V23
    _V22 = _V22
    _V11 = (1, 1)

    # None: the frames of the tag's version (see known_frames).
    _known_frames = None

    @convert_error(IOError, error)
    def __init__(self, fileobj=None):
        if fileobj is None:
            self._flags = 0
            return

        fn = getattr(fileobj, "name", "<unknown>")
        data = fileobj.read(10)
        if len(data) != 10:
            raise ID3NoHeaderError("%s: too small" % fn)

        id3, vmaj, vrev, flags, size = struct.unpack(">3sBBB4s", data)
        self._flags = flags
        self.size = BitPaddedInt(size) + 10
        self.version = (2, vmaj, vrev)

        if id3 != b"ID3":
            raise ID3NoHeaderError("%r doesn't start with an ID3 tag" % fn)
        if vmaj not in (2, 3, 4):
            raise ID3UnsupportedVersionError(
                "%r ID3v2.%d not supported" % (fn, vmaj))
        if not BitPaddedInt.has_valid_padding(size):
            raise error("Header size not synchsafe")

        # Flag bits a version does not define must be clear (v2.2 is not
        # checked: its one extra bit, compression, is read as "extended").
        if self.version >= _V24:
            undefined = flags & 0x0F
        elif self.version >= _V23:
            undefined = flags & 0x1F
        else:
            undefined = 0
        if undefined:
            raise error("%r has invalid flags %#02x" % (fn, flags))

        if self.f_extended:
            extsize_data = read_full(fileobj, 4)
            if extsize_data.decode("latin1") in Frames:
                # Some taggers set the extended header flag with no
                # extended header: what follows is the first frame.
                self._flags ^= 0x40
                extsize = 0
                fileobj.seek(-4, 1)
            elif self.version >= _V24:
                # v2.4 counts the four size bytes in the size, v2.3 not.
                extsize = BitPaddedInt(extsize_data) - 4
                if not BitPaddedInt.has_valid_padding(extsize_data):
                    raise error("Extended header size not synchsafe")
            else:
                extsize = struct.unpack(">L", extsize_data)[0]

            if extsize < 0:
                raise error("invalid extended header size")
            self._extdata = read_full(fileobj, extsize) if extsize else b""

    @classmethod
    def _plain(cls, major, revision, flags, size):
        """The header of a tag whose ten bytes were read elsewhere (MP3's
        one-call read), one __init__ accepts as it is: no extended header,
        no undefined flags; size as stored (after the header)."""
        header = cls.__new__(cls)
        header._flags = flags
        header.size = size + 10
        header.version = (2, major, revision)
        return header

    @property
    def known_frames(self):
        """The frame classes to read the tag with, by frame ID."""
        if self._known_frames is not None:
            return self._known_frames
        if self.version >= _V23:
            return Frames
        if self.version >= _V22:
            return Frames_2_2
        return None

    @property
    def f_unsynch(self):
        return bool(self._flags & 0x80)

    @property
    def f_extended(self):
        return bool(self._flags & 0x40)

    @property
    def f_experimental(self):
        return bool(self._flags & 0x20)

    @property
    def f_footer(self):
        return bool(self._flags & 0x10)


def determine_bpi(data, frames, EMPTY=b"\x00" * 10):
    """Whether the frame sizes of a v2.4 tag are synchsafe (BitPaddedInt,
    as the spec says) or plain ints (as some v2.3-minded taggers wrote
    them): the class to read them with.

    The frames are walked both ways; plain ints win if that walk finds more
    known frame IDs, or as many and stays inside the data where the
    synchsafe walk runs past its end."""

    def walk(size_of):
        # Returns (known frame IDs met, how far the walk ended past the end
        # of the data; <= 0 when it stopped inside the data or padding).
        pos = 0
        found = 0
        while pos < len(data) - 10:
            part = data[pos:pos + 10]
            if part == EMPTY:
                return found, -((len(data) - pos) % 10)
            name, size, flags = struct.unpack(">4sLH", part)
            pos += 10 + size_of(size)
            if name.decode("latin1") in frames:
                found += 1
        return found, pos - len(data)

    asbpi, bpi_over = walk(BitPaddedInt)
    asint, int_over = walk(int)
    if asint > asbpi or (asint == asbpi and bpi_over >= 1 and int_over <= 1):
        return int
    return BitPaddedInt


# --- the C frame reader's table ---------------------------------------------

# How _native.id3_read_frames reads each spec class (its opcodes); a frame
# class is built in C only if every one of its specs is listed here.
_SPEC_OPCODES = {
    specs.EncodingSpec: 1,
    specs.Latin1TextSpec: 2,
    specs.StringSpec: 3,
    specs.FrameIDSpec: 3,
    specs.PictureTypeSpec: 4,
    specs.ByteSpec: 5,
    specs.EncodedTextSpec: 6,
    specs.EncodedNumericTextSpec: 6,
    specs.EncodedNumericPartTextSpec: 6,
    specs.BinaryDataSpec: 7,
    specs.IntegerSpec: 8,
    specs.SizedIntegerSpec: 9,
}
_TEXT_SPECS = (specs.EncodedTextSpec, specs.EncodedNumericTextSpec,
               specs.EncodedNumericPartTextSpec)
_OP_MULTI_TEXT, _OP_MULTI_STAMP, _OP_MULTI_PAIRS = 10, 11, 12

# HashKey properties that join the frame ID and some fields with ":" (a
# bytes field shown as Latin-1), so C can make the key.  APIC's adds its
# salt, which is "" for every frame read from a file.
_HASH_FIELDS = {
    Frame.HashKey: (),
    TXXX.HashKey: ("desc",),
    WXXX.HashKey: ("desc",),
    GEOB.HashKey: ("desc",),
    APIC.HashKey: ("desc",),
    COMM.HashKey: ("desc", "lang"),
    USLT.HashKey: ("desc", "lang"),
    UrlFrameU.HashKey: ("url",),
    POPM.HashKey: ("email",),
    UFID.HashKey: ("owner",),
    PRIV.HashKey: ("owner", "data"),
}


def _spec_op(spec):
    """(opcode, argument) for one spec, or None if C does not read it."""
    kind = type(spec)
    if kind is specs.MultiSpec:
        parts = [type(s) for s in spec.specs]
        if parts == [specs.TimeStampSpec]:
            return _OP_MULTI_STAMP, 0
        if len(parts) == 1 and parts[0] in _TEXT_SPECS:
            return _OP_MULTI_TEXT, 0
        if len(parts) == 2 and all(p in _TEXT_SPECS for p in parts):
            return _OP_MULTI_PAIRS, 0
        return None
    op = _SPEC_OPCODES.get(kind)
    if op == 3:
        return op, spec.len
    if op == 9:
        size = spec._SizedIntegerSpec__sz
        return (op, size) if 0 < size <= 8 else None
    return None if op is None else (op, 0)


def _is_data_descriptor(cls, name):
    """Whether cls has a data descriptor (a property...) called name: then
    storing the attribute is not storing it in the instance, which is what
    the C reader does."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return hasattr(type(vars(klass)[name]), "__set__")
    return False


def _frame_entry(cls):
    """The entry of one frame class in the C reader's table, or None when
    only its Python _fromData may read it."""
    if (cls.__new__ is not object.__new__
            or cls._fromData.__func__ is not Frame._fromData.__func__
            or cls._readData is not Frame._readData):
        return None
    fields = list(cls._framespec) + list(cls._optionalspec)
    program = []
    has_encoding = False
    for spec in fields:
        op = _spec_op(spec)
        if op is None:
            return None
        if op[0] == 1:
            has_encoding = True
        elif op[0] in (6, 10, 11, 12) and not has_encoding:
            return None
        program += op
    names = tuple(spec.name for spec in fields)
    if (len(set(names)) != len(names) or len(names) > 16
            or any(_is_data_descriptor(cls, name) for name in names)):
        return None

    frame_id = cls.__name__
    hash_fields = _HASH_FIELDS.get(cls.HashKey)
    if (hash_fields is None or len(frame_id) != 4
            or cls.FrameID is not Frame.FrameID
            or cls._upgrade_frame is not Frame._upgrade_frame
            or (cls.HashKey is APIC.HashKey and cls.salt != "")
            or not set(hash_fields) <= set(names[:len(cls._framespec)])):
        hash_index = None  # the frame goes through ID3Tags._add
    else:
        hash_index = tuple(names.index(name) for name in hash_fields)
    return (bytes(program), names, len(cls._framespec), frame_id, hash_index)


def _build_native_context():
    table = {}
    for cls in list(Frames.values()) + list(Frames_2_2.values()):
        entry = _frame_entry(cls)
        if entry is not None:
            table[cls] = entry
    pictypes = tuple(specs.PictureType(i) for i in range(256))
    # C fills an ID3TimeStamp's fields itself where set_text would store
    # them in the instance __dict__ (see fast_stamp in id3_objects.c).
    stamp = specs.ID3TimeStamp
    stamp_fields = None
    if (stamp.__new__ is object.__new__ and stamp.__init__ is _STAMP_INIT
            and stamp.text is _STAMP_TEXT
            and not any(_is_data_descriptor(stamp, name) for name in stamp._FIELDS)):
        stamp_fields = tuple(stamp._FIELDS)
    return (table, specs._ENCODINGS, pictypes, stamp, ID3JunkFrameError,
            Frames_2_2, (), stamp_fields)


_STAMP_INIT = specs.ID3TimeStamp.__init__
_STAMP_TEXT = specs.ID3TimeStamp.text


_NATIVE_CONTEXT = None


def _native_context():
    """The table and values _native.id3_read_frames works with."""
    global _NATIVE_CONTEXT
    if _NATIVE_CONTEXT is None:
        _NATIVE_CONTEXT = _build_native_context()
    return _NATIVE_CONTEXT


def read_frames(id3, data, frames):
    """Parse the frames of a tag body.

    ``id3`` is the ID3Header (version and flags), ``data`` the tag bytes
    after the header, ``frames`` the frame classes by ID.  Returns
    (frames read, raw bytes of the frames with no class or that could not
    be decoded, the bytes after the last frame: padding or junk).  Frames
    whose content is broken are dropped."""

    if _c_read_frames is None:
        return _py_read_frames(id3, data, frames)
    result = []
    unsupported_frames, data = _read_frames_into(id3, data, frames, result, None)
    return result, unsupported_frames, data


def _read_frames_into(id3, data, frames, sink, add):
    """read_frames in C, each frame going to ``sink`` (see
    _native.id3_read_frames); returns (unsupported frames, rest)."""

    version = id3.version
    assert version >= _V22
    unsync = id3.f_unsynch
    if version >= _V24:
        minor = 4
    else:
        minor = 3 if version >= _V23 else 2
        if unsync:
            # Before v2.4 unsynchronisation applies to the whole tag body.
            try:
                data = unsynch.decode(data)
            except ValueError:
                pass
            unsync = False
    if type(data) is not bytes:
        data = bytes(data)
    return _c_read_frames(_NATIVE_CONTEXT or _native_context(), id3, data,
                          minor, unsync, frames, sink, add)


def _py_read_frames(id3, data, frames):
    """Parse the frames of a tag body (the reference walk; read_frames
    does the same in C where the extension is there).

    ``id3`` is the ID3Header (version and flags), ``data`` the tag bytes
    after the header, ``frames`` the frame classes by ID.  Returns
    (frames read, raw bytes of the frames with no class or that could not
    be decoded, the bytes after the last frame: padding or junk).  Frames
    whose content is broken are dropped."""

    assert id3.version >= _V22

    result = []
    unsupported_frames = []

    if id3.version < _V24 and id3.f_unsynch:
        # Before v2.4 unsynchronisation applies to the whole tag body.
        try:
            data = unsynch.decode(data)
        except ValueError:
            pass

    if id3.version >= _V23:
        if id3.version < _V24:
            bpi = int
        else:
            bpi = determine_bpi(data, frames)

        while data:
            header = data[:10]
            try:
                name, size, flags = struct.unpack(">4sLH", header)
            except struct.error:
                break  # not enough data left for a frame header
            if name.strip(b"\x00") == b"":
                break  # padding

            size = bpi(size)
            framedata = data[10:10 + size]
            data = data[10 + size:]
            if size == 0:
                continue  # frames have at least one byte; skip empty ones

            try:
                name = name.decode("ascii")
            except UnicodeDecodeError:
                continue
            if name[3] == "\x00" and name[:3] in Frames_2_2:
                # A v2.2 frame moved into a v2.3 tag under its 3-letter ID:
                # read it as the frame it upgrades to.
                name = Frames_2_2[name[:3]].__bases__[0].__name__
            if not is_valid_frame_id(name):
                continue

            try:
                tag = frames[name]
            except KeyError:
                unsupported_frames.append(header + framedata)
                continue
            try:
                result.append(tag._fromData(id3, flags, framedata))
            except NotImplementedError:
                unsupported_frames.append(header + framedata)
            except ID3JunkFrameError:
                pass

    else:
        # v2.2: 3-byte IDs and 3-byte plain sizes, no flags.
        while data:
            header = data[:6]
            try:
                name, size = struct.unpack(">3s3s", header)
            except struct.error:
                break
            if name.strip(b"\x00") == b"":
                break

            size = struct.unpack(">L", b"\x00" + size)[0]
            framedata = data[6:6 + size]
            data = data[6 + size:]
            if size == 0:
                continue

            try:
                name = name.decode("ascii")
            except UnicodeDecodeError:
                continue
            if not is_valid_frame_id(name):
                continue

            try:
                tag = frames[name]
            except KeyError:
                unsupported_frames.append(header + framedata)
                continue
            try:
                result.append(tag._fromData(id3, 0, framedata))
            except NotImplementedError:
                unsupported_frames.append(header + framedata)
            except ID3JunkFrameError:
                pass

    return result, unsupported_frames, data


def save_frame(frame, name=None, config=None):
    """The bytes of one frame (header and content) for a tag of
    ``config.v2_version``; b"" for a text frame with no text, which is
    left out of the tag.  ``name`` (bytes) replaces the frame ID."""

    if config is None:
        config = ID3SaveConfig()

    if isinstance(frame, TextFrame) and len(str(frame)) == 0:
        return b""

    framedata = frame._writeData(config)

    if name is not None:
        assert isinstance(name, bytes)
        frame_name = name
    else:
        frame_name = type(frame).__name__.encode("ascii")

    if config.v2_version == 4:
        size = BitPaddedInt.to_str(len(framedata), width=4)
    else:
        size = struct.pack(">L", len(framedata))

    return struct.pack(">4s4sH", frame_name, size, 0) + framedata


# Frames written first, in this order; the rest follow smallest first, and
# pictures go last so that readers stopping early still find the text.
_FIRST_FRAMES = {name: index for index, name in enumerate(
    ["TIT2", "TPE1", "TRCK", "TALB", "TPOS", "TDRC", "TCON"])}

# v2.2 picture formats, as v2.3/2.4 MIME types.
_PIC_MIMES = {"PNG": "image/png", "JPG": "image/jpeg"}

# Frames that only exist in v2.3 (dropped by update_to_v24) and only in
# v2.4 (dropped by update_to_v23), by hash key; what can be converted is
# converted first.
_V23_ONLY = ["TYER", "TDAT", "TIME", "TORY", "IPLS", "RVAD", "TRDA", "TSIZ"]
_V24_ONLY = ["ASPI", "EQU2", "RVA2", "SEEK", "SIGN", "TDEN", "TDOR", "TDRC",
             "TDRL", "TDTG", "TIPL", "TMCL", "TMOO", "TPRO", "TSOA", "TSOP",
             "TSOT", "TSST"]

_V23_ONLY_SET = frozenset(_V23_ONLY)
_V24_ONLY_SET = frozenset(_V24_ONLY)

_FOUR_DIGITS = re.compile(r"[0-9]{4}")
_V23_YEAR = re.compile(r"([0-9]{4})(-[0-9]{2}-[0-9]{2})?")


def _valid_v23_stamp(text):
    return _FOUR_DIGITS.fullmatch(text) is not None


def _v24_stamps(years, dates, times):
    """The v2.4 time stamps for v2.3's TYER, TDAT and TIME texts, taken
    side by side, as ID3TimeStamps; a year that is not one is skipped.

    The stamps are built from their parts, not parsed from text: every
    part is digits a pattern below has matched, so the text they give is
    the text mutagen would have parsed."""
    stamps = []
    for year, date, time in zip_longest(years, dates, times, fillvalue=""):
        # YYYY, or a full YYYY-MM-DD some taggers put in TYER; TDAT is
        # DDMM, TIME HHMM.
        match = _V23_YEAR.fullmatch(year)
        if match is None:
            continue
        month = day = hour = minute = second = None
        if _valid_v23_stamp(date):
            day, month = int(date[:2]), int(date[2:])
        elif match.group(2):
            month, day = int(match.group(2)[1:3]), int(match.group(2)[4:6])
        if month is not None and _valid_v23_stamp(time):
            hour, minute, second = int(time[:2]), int(time[2:]), 0
        stamp = ID3TimeStamp.__new__(ID3TimeStamp)
        stamp.__dict__.update(year=int(match.group(1)), month=month, day=day, hour=hour,
                              minute=minute, second=second)
        stamps.append(stamp)
    return stamps


# Classes (ID3Tags and subclasses) whose frames the C reader may put into
# their dict itself: those that store and look up frames as ID3Tags does.
_PLAIN_STORES = {}


def _stores_plainly(cls):
    plain = _PLAIN_STORES.get(cls)
    if plain is None:
        plain = _PLAIN_STORES[cls] = all(
            getattr(cls, name) is getattr(ID3Tags, name)
            for name in ("__setitem__", "__getitem__", "__contains__",
                         "_add", "add", "loaded_frame", "keys"))
    return plain


class ID3Tags(DictProxy, Tags):
    """The frames of an ID3v2 tag, keyed by their HashKey ("TIT2",
    "COMM:desc:eng", ...).  ``unknown_frames`` holds the raw bytes of
    frames that could not be read, written back unchanged when the tag is
    saved in the version they were read from."""

    __module__ = "cmutagen.id3"

    def __init__(self, *args, **kwargs):
        self.unknown_frames = []
        self._unknown_v2_version = 4
        super().__init__(*args, **kwargs)

    def _read(self, header, data):
        if _c_read_frames is not None and _stores_plainly(type(self)):
            # Frames go straight into our dict (the ones whose key is taken
            # through _add, to be merged).
            unknown_frames, data = _read_frames_into(
                header, data, header.known_frames, self._DictProxy__dict,
                self._add)
        else:
            frames, unknown_frames, data = read_frames(
                header, data, header.known_frames)
            for frame in frames:
                self._add(frame, False)
        self.unknown_frames = unknown_frames
        self._unknown_v2_version = header.version[1]
        return data

    def _write(self, config):
        # (position, size, bytes): ties in size go by content, so the
        # layout does not depend on the order frames were added in.
        ordered = []
        pictures = []
        last = len(_FIRST_FRAMES)
        for frame in self.values():
            data = save_frame(frame, config=config)
            if not data:
                continue
            frame_id = frame.FrameID
            if frame_id == "APIC":
                pictures.append(data)
            else:
                ordered.append((_FIRST_FRAMES.get(frame_id, last), len(data), data))
        ordered.sort()

        data = bytearray()
        for _, _, frame_data in ordered:
            data += frame_data
        for frame_data in pictures:
            data += frame_data
        # Raw frames can only go back into a tag of their own version.
        if config.v2_version == self._unknown_v2_version:
            for frame_data in self.unknown_frames:
                data += frame_data
        return data

    def getall(self, key):
        """The frames for a frame ID ("COMM": every COMM frame) or a full
        hash key ("COMM:desc:eng": that one); [] if none."""
        if key in self:
            return [self[key]]
        key = key + ":"
        return [frame for hash_key, frame in self.items()
                if hash_key.startswith(key)]

    def _has_none(self, key):
        """Whether getall(key) would be empty, found without building it."""
        if not _stores_plainly(type(self)) or type(self).getall is not ID3Tags.getall:
            return not self.getall(key)
        if key in self:
            return False
        prefix = key + ":"
        for hash_key in self.keys():
            if hash_key.startswith(prefix):
                return False
        return True

    def setall(self, key, values):
        """Replace the frames for ``key`` (as in getall) with ``values``."""
        self.delall(key)
        for tag in values:
            self[tag.HashKey] = tag

    def delall(self, key):
        """Delete the frames for ``key`` (as in getall)."""
        if key in self:
            del self[key]
            return
        key = key + ":"
        for hash_key in list(self.keys()):
            if hash_key.startswith(key):
                del self[hash_key]

    def pprint(self):
        """The frames as text, one per line, sorted."""
        return "\n".join(sorted(Frame.pprint(frame) for frame in self.values()))

    def _add(self, frame, strict):
        """Add a frame, upgraded to v2.3/2.4 if it is a v2.2 one.

        strict: replace a frame with the same hash key, and raise TypeError
        for a v2.2 frame that has no later equivalent.  Not strict (reading
        a file): drop such frames, and merge a frame into the one already
        there as the frame class says (text frames gain the values,
        pictures get a distinct key, others replace)."""
        if not isinstance(frame, Frame):
            raise TypeError("%r not a Frame instance" % frame)

        orig_frame = frame
        frame = frame._upgrade_frame()
        if frame is None:
            if not strict:
                return
            raise TypeError("Can't upgrade %r frame" % type(orig_frame).__name__)

        hash_key = frame.HashKey
        if strict or hash_key not in self:
            self[hash_key] = frame
            return

        while True:
            new_frame = self[hash_key]._merge_frame(frame)
            new_key = new_frame.HashKey
            if new_key == hash_key:
                self[hash_key] = new_frame
                return
            # The merge gave the frame a key of its own; that one may be
            # taken too, so try again there.
            frame = new_frame
            hash_key = new_key
            if hash_key not in self:
                self[hash_key] = frame
                return

    def loaded_frame(self, tag):
        """Add a frame (kept for old callers; same as add)."""
        self._add(tag, True)

    def add(self, frame):
        """Add a frame, replacing any with the same hash key."""
        self.loaded_frame(frame)

    def __setitem__(self, key, tag):
        if not isinstance(tag, Frame):
            raise TypeError("%r not a Frame instance" % tag)
        super().__setitem__(key, tag)

    def __update_common(self):
        """Conversions done for both target versions."""
        frames = self._frames()
        tcon = frames.get("TCON")
        if tcon is not None and not (type(tcon) is TCON and tcon._reads_as_itself()):
            # Resolves "(4)Rock"-style references to genre names (for a
            # TCON that has none, setting them back would change nothing).
            genres = tcon.genres
            if type(tcon) is not TCON or genres != tcon.text:
                tcon.genres = genres

        # A new frame, not an edit of the old: the old one may be shared
        # (a _copy of these tags holds the same frame objects).
        if frames is self:
            pics = self.getall("APIC")
        else:  # getall("APIC") on the dict
            pics = ([frames["APIC"]] if "APIC" in frames else
                    [frame for key, frame in frames.items() if key[:5] == "APIC:"])
        for pic in pics:
            if pic.mime in _PIC_MIMES:
                self.add(APIC(encoding=pic.encoding, mime=_PIC_MIMES[pic.mime],
                              type=pic.type, desc=pic.desc, data=pic.data))

    def __has_sub_frames(self):
        for frame in self._frames().values():
            if getattr(frame, "sub_frames", None) is not None:
                return True
        return False

    def _frames(self):
        """The frames by key for reading: our dict itself when this class
        stores frames as ID3Tags does (lookups without a Python call),
        else self."""
        if _stores_plainly(type(self)):
            return self._DictProxy__dict
        return self

    def update_to_v24(self):
        """Convert v2.3-only frames to their v2.4 equivalents (TYER, TDAT
        and TIME to TDRC, TORY to TDOR, IPLS to TIPL) unless those are
        already there, and drop v2.3-only frames."""
        self.__update_common()
        # Reads go to the dict itself when frames are stored plainly (no
        # Python call per lookup); changes go through our methods.
        frames = self._frames()
        v23_only = _V23_ONLY_SET.intersection(frames.keys())
        if not v23_only and not self.__has_sub_frames():
            # Nothing below applies: every conversion starts from a v2.3-only
            # frame (the common case: a v2.4 tag with no chapters).
            return

        tyer = frames.get("TYER")
        if tyer is not None and "TDRC" not in frames:
            tdat = frames.get("TDAT")
            time = frames.get("TIME")
            stamps = _v24_stamps(tyer.text, tdat.text if tdat is not None else [],
                                 time.text if time is not None else [])
            if stamps:
                if frames is not self:
                    # TDRC(encoding=0, text=stamps) added, without
                    # validating values that are valid by construction.
                    frame = TDRC.__new__(TDRC)
                    frame.__dict__.update(encoding=Encoding.LATIN1, text=stamps)
                    frames["TDRC"] = frame
                else:
                    self.add(TDRC(encoding=0, text=[stamp.text for stamp in stamps]))

        tory = frames.get("TORY")
        if tory is not None and "TDOR" not in frames:
            self.add(TDOR(encoding=0, text=str(tory)))

        ipls = frames.get("IPLS")
        if ipls is not None and "TIPL" not in frames:
            self.add(TIPL(encoding=ipls.encoding, people=ipls.people))

        for key in v23_only:
            del self[key]

        for frame in list(frames.values()):
            sub_frames = getattr(frame, "sub_frames", None)
            if sub_frames is not None:
                sub_frames.update_to_v24()

    def update_to_v23(self):
        """Convert v2.4-only frames to their v2.3 equivalents (TIPL and
        TMCL to IPLS, TDOR to TORY, TDRC to TYER, TDAT and TIME) unless
        those are already there, and drop v2.4-only frames.

        v2.3 has no UTF-8 and joins multiple values into one; that
        conversion happens when saving with v2_version=3."""
        self.__update_common()

        if "IPLS" not in self and ("TIPL" in self or "TMCL" in self):
            people = []
            encoding = None
            for key in ("TIPL", "TMCL"):
                if key in self:
                    frame = self[key]
                    people.extend(frame.people)
                    encoding = frame.encoding
            self.add(IPLS(encoding=encoding, people=people))

        if "TDOR" in self and "TORY" not in self:
            frame = self["TDOR"]
            if frame.text:
                stamp = frame.text[0]
                if stamp.year:
                    self.add(TORY(encoding=frame.encoding,
                                  text="%04d" % stamp.year))

        if "TDRC" in self:
            frame = self["TDRC"]
            if frame.text:
                stamp = frame.text[0]
                if stamp.year and "TYER" not in self:
                    self.add(TYER(encoding=frame.encoding,
                                  text="%04d" % stamp.year))
                if stamp.month and stamp.day and "TDAT" not in self:
                    self.add(TDAT(encoding=frame.encoding,
                                  text="%02d%02d" % (stamp.day, stamp.month)))
                if stamp.hour and stamp.minute and "TIME" not in self:
                    self.add(TIME(encoding=frame.encoding,
                                  text="%02d%02d" % (stamp.hour, stamp.minute)))

        for key in _V24_ONLY_SET.intersection(self.keys()):
            del self[key]

        for frame in self.values():
            sub_frames = getattr(frame, "sub_frames", None)
            if sub_frames is not None:
                sub_frames.update_to_v23()

    def _copy(self):
        """A snapshot of the frames (and the frames inside CHAP/CTOC) for
        _restore: the same frame objects, not copies of them."""
        items = list(self.items())
        subs = {}
        for key, frame in items:
            sub_frames = getattr(frame, "sub_frames", None)
            if sub_frames is not None:
                subs[key] = sub_frames._copy()
        return items, subs

    def _restore(self, value):
        """Put back the frames of a _copy()."""
        items, subs = value
        self.clear()
        for key, frame in items:
            self[key] = frame
            if key in subs:
                frame.sub_frames._restore(subs[key])
