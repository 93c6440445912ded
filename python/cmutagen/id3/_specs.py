# SPDX-License-Identifier: GPL-2.0-or-later
"""ID3 frame field specs (mutagen.id3._specs).

A frame class lists its fields as specs.  Each spec knows how to take its
field off the front of the frame data (``read(header, frame, data)`` returns
the value and the rest), how to render a value (``write(config, frame,
value)``) and how to check or coerce a value assigned by a user
(``validate(frame, value)``; ``_validate23`` does the same for ID3v2.3).
Also here: the Encoding, PictureType and CTOCFlags enumerations and
ID3TimeStamp.
"""

import functools
import re
import struct

from .._util import decode_terminated, enum, flags, intround
from ._util import BitPaddedInt, is_valid_frame_id


@enum
class PictureType:
    """What an attached picture shows (the APIC picture type byte; FLAC
    and Vorbis comment pictures use the same numbers)."""

    OTHER = 0
    FILE_ICON = 1
    OTHER_FILE_ICON = 2
    COVER_FRONT = 3
    COVER_BACK = 4
    LEAFLET_PAGE = 5
    MEDIA = 6
    LEAD_ARTIST = 7
    ARTIST = 8
    CONDUCTOR = 9
    BAND = 10
    COMPOSER = 11
    LYRICIST = 12
    RECORDING_LOCATION = 13
    DURING_RECORDING = 14
    DURING_PERFORMANCE = 15
    SCREEN_CAPTURE = 16
    FISH = 17
    ILLUSTRATION = 18
    BAND_LOGOTYPE = 19
    PUBLISHER_LOGOTYPE = 20

    def _pprint(self):
        """The type in words ("cover front"), or its number if unknown."""
        name = str(self)
        if "." not in name:
            return name
        return name.split(".", 1)[1].lower().replace("_", " ")


@flags
class CTOCFlags:
    """Flags of a table of contents (CTOC) frame."""

    TOP_LEVEL = 0x2
    ORDERED = 0x1


@enum
class Encoding:
    """The text encoding byte that starts most text frames."""

    LATIN1 = 0
    UTF16 = 1
    UTF16BE = 2
    UTF8 = 3


_ENCODINGS = (Encoding.LATIN1, Encoding.UTF16, Encoding.UTF16BE,
              Encoding.UTF8)


class SpecError(Exception):
    """Frame data that a spec cannot parse, or a value it cannot write."""


def _first_byte(data):
    # Empty input fails with the same error the oracle gives.
    if not data:
        raise IndexError("bytearray index out of range")
    return data[0]


class Spec:
    """A named field of a frame, with its default value."""

    handle_nodata = False  # True if read() copes with no data at all

    def __init__(self, name, default):
        self.name = name
        self.default = default

    def __hash__(self):
        raise TypeError("Spec objects are unhashable")

    def _validate23(self, frame, value, **kwargs):
        """The value as it has to be for an ID3v2.3 frame."""
        return value

    def read(self, header, frame, data):
        raise NotImplementedError

    def write(self, config, frame, value):
        raise NotImplementedError

    def validate(self, frame, value):
        raise NotImplementedError


class ByteSpec(Spec):
    """One unsigned byte."""

    def __init__(self, name, default=0):
        super().__init__(name, default)

    def read(self, header, frame, data):
        return _first_byte(data), data[1:]

    def write(self, config, frame, value):
        return bytes([value])

    def validate(self, frame, value):
        if value is not None:
            bytes([value])
        return value


class PictureTypeSpec(ByteSpec):
    """A picture type byte, as a PictureType."""

    def __init__(self, name, default=PictureType.COVER_FRONT):
        super().__init__(name, default)

    def read(self, header, frame, data):
        return PictureType(_first_byte(data)), data[1:]

    def validate(self, frame, value):
        value = super().validate(frame, value)
        if value is not None:
            return PictureType(value)
        return value


class CTOCFlagsSpec(ByteSpec):
    """The CTOC flags byte, as CTOCFlags."""

    def read(self, header, frame, data):
        return CTOCFlags(_first_byte(data)), data[1:]

    def validate(self, frame, value):
        value = super().validate(frame, value)
        if value is not None:
            return CTOCFlags(value)
        return value


class EncodingSpec(ByteSpec):
    """The text encoding byte (0-3), as an Encoding."""

    def __init__(self, name, default=Encoding.UTF16):
        super().__init__(name, default)

    def read(self, header, frame, data):
        enc = _first_byte(data)
        if enc > 3:
            raise SpecError("Invalid Encoding: %d" % enc)
        return _ENCODINGS[enc], data[1:]

    def validate(self, frame, value):
        if value is None:
            raise TypeError
        if value in _ENCODINGS:
            return Encoding(value)
        raise ValueError("Invalid Encoding: %r" % value)

    def _validate23(self, frame, value, **kwargs):
        # ID3v2.3 knows only Latin-1 and UTF-16 with a BOM.
        if value not in (0, 1):
            return Encoding.UTF16
        return value


class StringSpec(Spec):
    """A fixed number of ASCII characters (a language code, a date)."""

    def __init__(self, name, length, default=None):
        if default is None:
            default = " " * length
        super().__init__(name, default)
        self.len = length

    def read(s, header, frame, data):
        chunk = data[:s.len]
        try:
            text = chunk.decode("ascii")
        except UnicodeDecodeError:
            raise SpecError("not ascii")
        return text, data[s.len:]

    def write(self, config, frame, value):
        # Short values are padded with zeros, long ones cut.
        return (value.encode("ascii") + b"\x00" * self.len)[:self.len]

    def validate(self, frame, value):
        if value is None:
            raise TypeError
        if not isinstance(value, str):
            raise TypeError("%s has to be str" % self.name)
        value.encode("ascii")
        if len(value) == self.len:
            return value
        raise ValueError("Invalid StringSpec[%d] data: %r" % (self.len, value))


class FrameIDSpec(StringSpec):
    """A frame ID (LINK frames name the frame they point at)."""

    def __init__(self, name, length):
        super().__init__(name, length, "X" * length)

    def validate(self, frame, value):
        value = super().validate(frame, value)
        if not is_valid_frame_id(value):
            raise ValueError("Invalid frame ID")
        return value


class BinaryDataSpec(Spec):
    """All the remaining data, as bytes."""

    handle_nodata = True

    def __init__(self, name, default=b""):
        super().__init__(name, default)

    def read(self, header, frame, data):
        return data, b""

    def write(self, config, frame, value):
        if isinstance(value, bytes):
            return value
        return str(value).encode("ascii")

    def validate(self, frame, value):
        if value is None:
            raise TypeError
        if not isinstance(value, bytes):
            raise TypeError("%s has to be bytes" % self.name)
        return value


def iter_text_fixups(data, encoding):
    """The data, then repaired versions of it to try when it does not
    decode: UTF-16 written without a BOM (taken as little endian) and
    UTF-16 cut one byte short of its terminator are both common."""
    yield data
    if encoding == Encoding.UTF16:
        yield data + b"\x00"
        yield b"\xff\xfe" + data
        yield b"\xff\xfe" + data + b"\x00"
    elif encoding == Encoding.UTF16BE:
        yield data + b"\x00"


class EncodedTextSpec(Spec):
    """Text in the frame's encoding, up to a terminator (or the end)."""

    # Codec and terminator for each encoding byte.
    _encodings = {
        Encoding.LATIN1: ("latin1", b"\x00"),
        Encoding.UTF16: ("utf16", b"\x00\x00"),
        Encoding.UTF16BE: ("utf_16_be", b"\x00\x00"),
        Encoding.UTF8: ("utf8", b"\x00"),
    }

    def __init__(self, name, default=""):
        super().__init__(name, default)

    def read(self, header, frame, data):
        codec = self._encodings[frame.encoding][0]
        try:
            text, rest = decode_terminated(data, codec, strict=False)
        except UnicodeError as first_error:
            error = first_error
            fixups = iter_text_fixups(data, frame.encoding)
            next(fixups)  # the data as it is, tried above
            for fixed in fixups:
                try:
                    text, rest = decode_terminated(fixed, codec, strict=False)
                except UnicodeError as e:
                    error = e
                else:
                    break
            else:
                raise SpecError(error)

        # Some ID3v2.3 writers pad text frames with extra zeros after the
        # terminator; they are not another (empty) value.
        if header.version < header._V24 and not rest.strip(b"\x00"):
            rest = b""
        return text, rest

    def write(self, config, frame, value):
        codec, term = self._encodings[frame.encoding]
        try:
            return value.encode(codec) + term
        except UnicodeEncodeError as e:
            raise SpecError(e)

    def validate(self, frame, value):
        return str(value)


class EncodedNumericTextSpec(EncodedTextSpec):
    """Encoded text holding a number (TBPM, TLEN...)."""


class EncodedNumericPartTextSpec(EncodedTextSpec):
    """Encoded text holding "n" or "n/total" (TRCK, TPOS)."""


class Latin1TextSpec(Spec):
    """Latin-1 text up to a zero byte (or the end)."""

    def __init__(self, name, default=""):
        super().__init__(name, default)

    def read(self, header, frame, data):
        if b"\x00" in data:
            text, data = data.split(b"\x00", 1)
        else:
            text, data = data, b""
        return text.decode("latin1"), data

    def write(self, config, data, value):
        return value.encode("latin1") + b"\x00"

    def validate(self, frame, value):
        return str(value)


class Latin1TextListSpec(Spec):
    """A count byte, then that many zero-terminated Latin-1 strings."""

    def __init__(self, name, default=[]):
        super().__init__(name, default)
        self._bspec = ByteSpec("entry_count", default=0)
        self._lspec = Latin1TextSpec("child_element_id")

    def read(self, header, frame, data):
        count, data = self._bspec.read(header, frame, data)
        entries = []
        for i in range(count):
            entry, data = self._lspec.read(header, frame, data)
            entries.append(entry)
        return entries, data

    def write(self, config, frame, value):
        parts = [self._bspec.write(config, frame, len(value))]
        for entry in value:
            parts.append(self._lspec.write(config, frame, entry))
        return b"".join(parts)

    def validate(self, frame, value):
        return [self._lspec.validate(frame, entry) for entry in value]


# ID3TimeStamp's text for its first n fields, by n
_STAMP_FORMATS = ("", "%04d", "%04d-%02d", "%04d-%02d-%02d", "%04d-%02d-%02d %02d",
                  "%04d-%02d-%02d %02d:%02d", "%04d-%02d-%02d %02d:%02d:%02d")


@functools.total_ordering
class ID3TimeStamp:
    """An ID3v2.4 time stamp: "YYYY-MM-DD HH:MM:SS" or any leading part
    of it ("YYYY", "YYYY-MM-DD HH"...).

    The parts are kept as the attributes year, month, day, hour, minute
    and second (None where absent); ``text`` puts them back together.
    """

    _FIELDS = ("year", "month", "day", "hour", "minute", "second")
    _FORMATS = ("%04d", "-%02d", "-%02d", " %02d", ":%02d", ":%02d")

    def __init__(self, text):
        if isinstance(text, ID3TimeStamp):
            text = text.text
        elif not isinstance(text, str):
            raise TypeError("not a str")
        self.text = text

    def get_text(self):
        # The fields up to the first None, each in its format: one format
        # string per count of fields (every value read from a file is
        # shown through here, so it is worth not looping).
        values = (self.year, self.month, self.day, self.hour, self.minute, self.second)
        count = values.index(None) if None in values else 6
        return _STAMP_FORMATS[count] % values[:count]

    def set_text(self, text, splitre=re.compile("[-T:/.]|\\s+")):
        # Padding guarantees six parts; a part that is not a number ends
        # the time stamp there (get_text stops at the first None).
        parts = splitre.split(text + ":::::")[:6]
        for field, part in zip(self._FIELDS, parts):
            # (an empty part, the common case, without raising ValueError)
            if not part:
                value = None
            else:
                try:
                    value = int(part)
                except ValueError:
                    value = None
            setattr(self, field, value)

    text = property(get_text, set_text, doc="the time stamp as text")

    def __str__(self):
        return self.text

    def __bytes__(self):
        return self.text.encode("utf-8")

    def __repr__(self):
        return repr(self.text)

    def __eq__(self, other):
        if not isinstance(other, ID3TimeStamp):
            return NotImplemented
        return self.text == other.text

    def __lt__(self, other):
        return self.text < other.text

    # Hashed by identity, as mutagen's are.
    __hash__ = object.__hash__

    def encode(self, *args):
        return self.text.encode(*args)


class TimeStampSpec(EncodedTextSpec):
    """Encoded text holding an ID3TimeStamp (written with a "T" between
    date and time, as ID3v2.4 asks)."""

    def read(self, header, frame, data):
        value, data = super().read(header, frame, data)
        return self.validate(frame, value), data

    def write(self, config, frame, data):
        return super().write(config, frame, data.text.replace(" ", "T"))

    def validate(self, frame, value):
        try:
            return ID3TimeStamp(value)
        except TypeError:
            raise ValueError("Invalid ID3TimeStamp: %r" % value)


class MultiSpec(Spec):
    """A list of values (or of records, with several specs) filling the
    rest of the frame.  ``sep`` splits a str assigned as the value."""

    def __init__(self, name, *specs, **kw):
        super().__init__(name, default=kw.get("default"))
        self.specs = specs
        self.sep = kw.get("sep")

    def read(self, header, frame, data):
        values = []
        if len(self.specs) == 1:
            spec = self.specs[0]
            while data:
                value, data = spec.read(header, frame, data)
                values.append(value)
        elif self.specs:
            while data:
                record = []
                for spec in self.specs:
                    value, data = spec.read(header, frame, data)
                    record.append(value)
                values.append(record)
        return values, data

    def write(self, config, frame, value):
        parts = []
        if len(self.specs) == 1:
            spec = self.specs[0]
            for v in value:
                parts.append(spec.write(config, frame, v))
        else:
            for record in value:
                for v, spec in zip(record, self.specs):
                    parts.append(spec.write(config, frame, v))
        return b"".join(parts)

    def validate(self, frame, value):
        if self.sep and isinstance(value, str):
            value = value.split(self.sep)
        if isinstance(value, list):
            if len(self.specs) == 1:
                spec = self.specs[0]
                return [spec.validate(frame, v) for v in value]
            return [[s.validate(frame, v) for (v, s) in zip(record, self.specs)]
                    for record in value]
        raise ValueError("Invalid MultiSpec data: %r" % value)

    def _validate23(self, frame, value, **kwargs):
        if len(self.specs) != 1:
            return [[s._validate23(frame, v, **kwargs)
                     for (v, s) in zip(record, self.specs)]
                    for record in value]

        spec = self.specs[0]
        # Only plain text lists are merged for v2.3, which has no multiple
        # values; time stamps are converted by their frames instead.
        if not isinstance(spec, EncodedTextSpec) or \
                isinstance(spec, TimeStampSpec):
            return value
        value = [spec._validate23(frame, v, **kwargs) for v in value]
        sep = kwargs.get("sep")
        if sep is not None:
            return [sep.join(value)]
        return value


class ID3FramesSpec(Spec):
    """Embedded frames (the sub-frames of CHAP and CTOC), as ID3Tags."""

    handle_nodata = True

    def __init__(self, name, default=[]):
        super().__init__(name, default)

    def read(self, header, frame, data):
        from ._tags import ID3Tags

        tags = ID3Tags()
        return tags, tags._read(header, data)

    def _validate23(self, frame, value, **kwargs):
        from ._tags import ID3Tags

        v23 = ID3Tags()
        for subframe in value.values():
            v23.add(subframe._get_v23_frame(**kwargs))
        return v23

    def write(self, config, frame, value):
        return value._write(config)

    def validate(self, frame, value):
        from ._tags import ID3Tags

        if isinstance(value, ID3Tags):
            return value
        tags = ID3Tags()
        for subframe in value:
            tags.add(subframe)
        return tags


class IntegerSpec(Spec):
    """A big-endian unsigned integer of any length filling the rest of
    the frame (at least four bytes when written)."""

    def read(self, header, frame, data):
        return int(BitPaddedInt(data, bits=8)), b""

    def write(self, config, frame, value):
        return BitPaddedInt.to_str(value, bits=8, width=-1)

    def validate(self, frame, value):
        return value


class SizedIntegerSpec(Spec):
    """A big-endian unsigned integer of a fixed number of bytes."""

    def __init__(self, name, size, default):
        self.name = name
        self.__sz = size
        self.default = default

    def read(self, header, frame, data):
        return int(BitPaddedInt(data[:self.__sz], bits=8)), data[self.__sz:]

    def write(self, config, frame, value):
        return BitPaddedInt.to_str(value, bits=8, width=self.__sz)

    def validate(self, frame, value):
        return value


class ASPIIndexSpec(Spec):
    """The fraction-at-index table of an ASPI frame: frame.N entries of
    frame.b (8 or 16) bits each."""

    _FORMATS = {8: ("B", 1), 16: ("H", 2)}

    def read(self, header, frame, data):
        if frame.b not in self._FORMATS:
            raise SpecError("invalid bit count in ASPI (%d)" % frame.b)
        code, size = self._FORMATS[frame.b]
        end = frame.N * size
        try:
            values = struct.unpack(">" + code * frame.N, data[:end])
        except struct.error as e:
            raise SpecError(e)
        return list(values), data[end:]

    def write(self, config, frame, values):
        if frame.b not in self._FORMATS:
            raise SpecError("frame.b must be 8 or 16")
        code = self._FORMATS[frame.b][0]
        try:
            return struct.pack(">" + code * frame.N, *values)
        except struct.error as e:
            raise SpecError(e)

    def validate(self, frame, values):
        return list(values)


class SynchronizedTextSpec(EncodedTextSpec):
    """SYLT lyrics: (text, time stamp) pairs, each text terminated and
    followed by a 32-bit time."""

    def read(self, header, frame, data):
        codec = self._encodings[frame.encoding][0]
        texts = []
        while data:
            try:
                text, data = decode_terminated(data, codec)
            except ValueError:
                raise SpecError("decoding error")
            if len(data) < 4:
                raise SpecError("not enough data")
            time, = struct.unpack(">I", data[:4])
            texts.append((text, time))
            data = data[4:]
        return texts, b""

    def write(self, config, frame, value):
        codec, term = self._encodings[frame.encoding]
        parts = []
        for text, time in value:
            try:
                encoded = text.encode(codec) + term
            except UnicodeEncodeError as e:
                raise SpecError(e)
            parts.append(encoded + struct.pack(">I", time))
        return b"".join(parts)

    def validate(self, frame, value):
        return value


class KeyEventSpec(Spec):
    """ETCO events: (event type, 32-bit time stamp) pairs."""

    def read(self, header, frame, data):
        events = []
        while len(data) >= 5:
            events.append(struct.unpack(">bI", data[:5]))
            data = data[5:]
        return events, data

    def write(self, config, frame, value):
        return b"".join(struct.pack(">bI", *event) for event in value)

    def validate(self, frame, value):
        return list(value)


class VolumeAdjustmentsSpec(Spec):
    """EQU2 adjustment points: (frequency in Hz, gain in dB) pairs,
    stored as 1/2 Hz and 1/512 dB units, sorted by frequency."""

    def read(self, header, frame, data):
        points = {}
        while len(data) >= 4:
            freq, adj = struct.unpack(">Hh", data[:4])
            data = data[4:]
            points[freq / 2.0] = adj / 512.0
        return sorted(points.items()), data

    def write(self, config, frame, value):
        # Sorted in place; units are truncated, not rounded, as by mutagen.
        value.sort()
        return b"".join(struct.pack(">Hh", int(freq * 2), int(adj * 512))
                        for (freq, adj) in value)

    def validate(self, frame, value):
        return list(value)


class VolumeAdjustmentSpec(Spec):
    """An RVA2 gain in dB, stored as a signed 16-bit count of 1/512 dB."""

    def read(self, header, frame, data):
        value, = struct.unpack(">h", data[0:2])
        return value / 512.0, data[2:]

    def write(self, config, frame, value):
        number = intround(value * 512)
        if not -32768 <= number <= 32767:
            raise SpecError("not in range")
        return struct.pack(">h", number)

    def validate(self, frame, value):
        if value is not None:
            try:
                self.write(None, frame, value)
            except SpecError:
                raise ValueError("out of range")
        return value


class VolumePeakSpec(Spec):
    """An RVA2 peak volume: a bit count, then the peak in that many bits
    (at most 32 are read); 1.0 is full scale.  Written as 16 bits."""

    def read(self, header, frame, data):
        bits = _first_byte(data)
        size = min(4, (bits + 7) >> 3)
        if size > len(data) - 1:
            raise SpecError("not enough frame data")
        peak = 0
        for byte in data[1:1 + size]:
            peak = (peak << 8) | byte
        # Scale to 32 bits: the read bytes go to the top, and a bit count
        # that is not whole bytes is left-aligned within them.
        peak <<= ((8 - (bits & 7)) & 7) + (4 - size) * 8
        return peak / (2 ** 31 - 1), data[1 + size:]

    def write(self, config, frame, value):
        number = intround(value * 32768)
        if not 0 <= number < 2 ** 16:
            raise SpecError("not in range")
        return b"\x10" + struct.pack(">H", number)

    def validate(self, frame, value):
        if value is not None:
            try:
                self.write(None, frame, value)
            except SpecError:
                raise ValueError("out of range")
        return value


class ChannelSpec(ByteSpec):
    """The RVA2 channel type byte."""

    (OTHER, MASTER, FRONTRIGHT, FRONTLEFT, BACKRIGHT, BACKLEFT, FRONTCENTRE,
     BACKCENTRE, SUBWOOFER) = range(9)


# RVAD/RVA values: volume changes and peaks, alternating by channel pair
# (right/left change, right/left peak, back right/left change, back peaks,
# centre change, centre peak, bass change, bass peak).  Only the changes
# have a sign; these are their indices, in the order of the flag bits.
_RVA_SIGNED = (0, 1, 4, 5, 8, 10)


class RVASpec(Spec):
    """The values of an RVAD (v2.3) or RVA (v2.2) frame: 2 to 12 (2 to 4
    for stereo only) integers; see _RVA_SIGNED for their order."""

    def __init__(self, name, stereo_only, default=[0, 0]):
        super().__init__(name, default)
        self._max_values = 4 if stereo_only else 12

    def read(self, header, frame, data):
        signs = _first_byte(data)
        if len(data) < 2:
            raise SpecError("truncated")
        bits = data[1]
        if bits == 0:
            raise SpecError("bits used has to be > 0")
        size = (bits + 7) // 8

        values = []
        pos = 2
        while len(values) < self._max_values and pos + size <= len(data):
            values.append(int(BitPaddedInt(data[pos:pos + size], bits=8)))
            pos += size
        if len(values) < 2:
            raise SpecError("First two values not optional")

        for bit, index in enumerate(_RVA_SIGNED):
            if index < len(values) and not signs & (1 << bit):
                values[index] = -values[index]
        return values, data[pos:]

    def write(self, config, frame, values):
        if not 2 <= len(values) <= self._max_values:
            raise SpecError(
                "at least two volume change values required, max %d"
                % self._max_values)

        signs = 0
        for bit, index in enumerate(_RVA_SIGNED):
            if index < len(values) and not values[index] < 0:
                signs |= 1 << bit

        # Every value gets as many bytes as the widest needs (at least 2).
        # A narrower value is padded with zeros after its bytes, not before:
        # that is what mutagen writes.
        encoded = [BitPaddedInt.to_str(abs(v) if i in _RVA_SIGNED else v,
                                       bits=8, width=-1, minwidth=2)
                   for i, v in enumerate(values)]
        size = max(len(e) for e in encoded)
        return bytes([signs, size * 8]) + b"".join(
            e.ljust(size, b"\x00") for e in encoded)

    def validate(self, frame, values):
        if not 2 <= len(values) <= self._max_values:
            raise ValueError("needs list of length 2..%d" % self._max_values)
        return values
