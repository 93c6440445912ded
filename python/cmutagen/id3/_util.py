# SPDX-License-Identifier: GPL-2.0-or-later
"""ID3 helpers: the id3 exceptions, unsynchronisation, synchsafe integers
(BitPaddedInt), frame-ID checks and the settings a tag is saved with."""

import re

from .._util import MutagenError


class error(MutagenError):
    """Base class for every ID3 error."""


class ID3NoHeaderError(error, ValueError):
    """The data does not start with an ID3v2 header."""


class ID3UnsupportedVersionError(error, NotImplementedError):
    """The tag's major version is not one we can read or write."""


class ID3EncryptionUnsupportedError(error, NotImplementedError):
    """The frame is encrypted; decrypting is not supported."""


class ID3JunkFrameError(error):
    """A frame's data cannot be parsed."""


class ID3BadUnsynchData(error, ValueError):
    """Unsynchronised data that no unsynchronisation could have produced."""


class ID3BadCompressedData(error, ValueError):
    """A compressed frame whose zlib data does not inflate."""


class ID3TagError(error, ValueError):
    """The tag itself is malformed."""


class ID3Warning(error, UserWarning):
    """Warned about, not raised: the tag is odd but still usable."""


def is_valid_frame_id(frame_id):
    """True for IDs made of upper-case letters and digits, starting
    anywhere (v2.2 IDs are three characters, v2.3/2.4 four)."""
    return frame_id.isalnum() and frame_id.isupper()


class ID3SaveConfig:
    """How a tag is to be written: the major version (3 or 4) and, for
    v2.3, the string joining multiple text values into one."""

    def __init__(self, v2_version=4, v23_separator=None):
        assert v2_version in (3, 4)
        self.v2_version = v2_version
        self.v23_separator = v23_separator


# A 0xFF followed by a byte that could start an MPEG sync (0xE0 and up)
# never survives unsynchronisation, so seeing one means the data is corrupt.
_FALSE_SYNC = re.compile(b"\xff[\xe0-\xff]")
# Where unsynchronisation inserts a zero: after a 0xFF that is followed by
# a possible sync byte, by a zero (so decoding stays unambiguous), or by
# nothing at all.
_NEEDS_ZERO = re.compile(b"\xff(?=[\x00\xe0-\xff]|\\Z)")


class unsynch:
    """ID3 unsynchronisation: keeps MPEG decoders from seeing frame syncs
    inside tag data."""

    @staticmethod
    def decode(value: bytes) -> bytes:
        data = bytearray(value)
        if data.endswith(b"\xff"):
            raise ValueError("string ended unsafe")
        if _FALSE_SYNC.search(data):
            raise ValueError("invalid sync-safe string")
        return bytes(data.replace(b"\xff\x00", b"\xff"))

    @staticmethod
    def encode(value: bytes) -> bytes:
        return bytes(_NEEDS_ZERO.sub(b"\xff\x00", bytearray(value)))


class _BitPaddedMixin:
    """Conversion of an integer to "bit padded" bytes: only the low
    ``bits`` bits of every byte carry data (7 for ID3 synchsafe sizes)."""

    def as_str(self, width=4, minwidth=4):
        return self.to_str(self, self.bits, self.bigendian, width, minwidth)

    @staticmethod
    def to_str(value: int, bits: int = 7, bigendian: bool = True,
               width: int = 4, minwidth: int = 4) -> bytes:
        """``width`` bytes exactly (ValueError if the value needs more),
        or with width=-1 as many as needed but at least ``minwidth``."""
        mask = (1 << bits) - 1
        if width != -1:
            out = bytearray(width)
            index = 0
            try:
                while value:
                    out[index] = value & mask
                    value >>= bits
                    index += 1
            except IndexError:
                raise ValueError("Value too wide (>%d bytes)" % width)
        else:
            out = bytearray()
            while value:
                out.append(value & mask)
                # With no width to run out of, these would never reach zero.
                if value < 0 or bits == 0:
                    raise ValueError(
                        "%r cannot be written in %r-bit groups" % (value, bits))
                value >>= bits
            out = out.ljust(minwidth, b"\x00")
        if bigendian:
            out.reverse()
        return bytes(out)

    @staticmethod
    def has_valid_padding(value, bits: int = 7) -> bool:
        """Whether the bits above the low ``bits`` of every byte are clear
        (a synchsafe size written as a plain integer fails this)."""
        assert bits <= 8
        pad_mask = ((1 << (8 - bits)) - 1) << bits
        if isinstance(value, int):
            if value < 0:
                # Sign extension sets every padding bit.
                return False
            while value:
                if value & pad_mask:
                    return False
                value >>= 8
        elif isinstance(value, bytes):
            for byte in value:
                if byte & pad_mask:
                    return False
        else:
            raise TypeError
        return True


class BitPaddedInt(int, _BitPaddedMixin):
    """An int read from bit-padded bytes (or from an int whose bytes are
    bit padded); remembers ``bits`` and ``bigendian`` for ``as_str``."""

    def __new__(cls, value, bits=7, bigendian=True):
        mask = (1 << bits) - 1
        number = 0
        shift = 0
        if isinstance(value, int):
            if value < 0:
                raise ValueError
            while value:
                number |= (value & mask) << shift
                value >>= 8
                shift += bits
        elif isinstance(value, bytes):
            if bits == 8:
                number = int.from_bytes(
                    value, "big" if bigendian else "little")
            else:
                if bigendian:
                    value = reversed(value)
                for byte in value:
                    number |= (byte & mask) << shift
                    shift += bits
        else:
            raise TypeError
        self = int.__new__(cls, number)
        self.bits = bits
        self.bigendian = bigendian
        return self
