# SPDX-License-Identifier: GPL-2.0-or-later
"""TAK files (Tom's lossless Audio Kompressor, APEv2 tags), as mutagen.tak.

A TAK file starts with "tBaK" and a run of metadata objects, each a type
(7 bits and a flag), a 24-bit little-endian size and its data, up to an
END object.  The STREAM_INFO object packs the encoder, size and audio
format fields into bits read from the least significant bit of each byte
up; ENCODER_INFO holds the encoder's version.  See TAK's format notes
(http://www.thbeck.de/Tak/Tak.html and the Hydrogenaudio wiki).
"""

import struct

from ._file import StreamInfo
from ._util import (BitReader, BitReaderError, convert_error, endswith, enum)
from .apev2 import APEv2File, delete, error

__all__ = ["TAK", "Open", "delete"]

# Bit widths of the stream info fields, and the smallest values the
# encoded ones start from.
ENCODER_INFO_CODEC_BITS = 6
ENCODER_INFO_PROFILE_BITS = 4
ENCODER_INFO_TOTAL_BITS = ENCODER_INFO_CODEC_BITS + ENCODER_INFO_PROFILE_BITS

SIZE_INFO_FRAME_DURATION_BITS = 4
SIZE_INFO_SAMPLE_NUM_BITS = 35
SIZE_INFO_TOTAL_BITS = SIZE_INFO_FRAME_DURATION_BITS + SIZE_INFO_SAMPLE_NUM_BITS

AUDIO_FORMAT_DATA_TYPE_BITS = 3
AUDIO_FORMAT_SAMPLE_RATE_BITS = 18
AUDIO_FORMAT_SAMPLE_BITS_BITS = 5
AUDIO_FORMAT_CHANNEL_NUM_BITS = 4
AUDIO_FORMAT_HAS_EXTENSION_BITS = 1
AUDIO_FORMAT_BITS_MIN = 31
AUDIO_FORMAT_BITS_MAX = 31 + 102

SAMPLE_RATE_MIN = 6000
SAMPLE_BITS_MIN = 8
CHANNEL_NUM_MIN = 1

STREAM_INFO_BITS_MIN = (ENCODER_INFO_TOTAL_BITS + SIZE_INFO_TOTAL_BITS
                        + AUDIO_FORMAT_BITS_MIN)
STREAM_INFO_BITS_MAX = (ENCODER_INFO_TOTAL_BITS + SIZE_INFO_TOTAL_BITS
                        + AUDIO_FORMAT_BITS_MAX)
# In bytes (fractions left as they are: the size is compared with them).
STREAM_INFO_SIZE_MIN = (STREAM_INFO_BITS_MIN + 7) / 8
STREAM_INFO_SIZE_MAX = (STREAM_INFO_BITS_MAX + 7) / 8

CRC_SIZE = 3

_MAGIC = b"tBaK"
_OBJECT_HEADER_SIZE = 4
_TYPE_MASK = 0x7F


class TAKHeaderError(error):
    pass


@enum
class TAKMetadata:
    END = 0
    STREAM_INFO = 1
    SEEK_TABLE = 2  # deprecated
    SIMPLE_WAVE_DATA = 3
    ENCODER_INFO = 4
    UNUSED_SPACE = 5  # deprecated
    MD5 = 6
    LAST_FRAME_INFO = 7


class _LSBBitReader(BitReader):
    """A BitReader taking the bits of each byte from the least significant
    one up, a field's first bit being its lowest."""

    def _lsb(self, count):
        if count > self._bits:
            n_bytes = (count - self._bits + 7) // 8
            data = self._fileobj.read(n_bytes)
            if len(data) != n_bytes:
                raise BitReaderError("not enough data")
            # New bytes go above the bits still buffered.
            self._buffer |= int.from_bytes(data, "little") << self._bits
            self._bits += n_bytes * 8
        value = self._buffer & ((1 << count) - 1)
        self._buffer >>= count
        self._bits -= count
        return value

    def bits(self, count):
        if count < 0:
            raise ValueError("bit count must not be negative, got %d" % count)
        return self._lsb(count)


class TAKInfo(StreamInfo):
    """The stream info metadata of a TAK file: ``channels``,
    ``sample_rate``, ``bits_per_sample``, ``length`` in seconds and
    ``encoder_info`` (the encoder version, from its own metadata block).
    """

    channels = 0
    length = 0
    sample_rate = 0
    bitrate = 0
    encoder_info = ""

    @convert_error(IOError, TAKHeaderError)
    def __init__(self, fileobj):
        if fileobj.read(len(_MAGIC)) != _MAGIC:
            raise TAKHeaderError("not a TAK file")

        found_stream_info = False
        while True:
            header = fileobj.read(_OBJECT_HEADER_SIZE)
            if len(header) != _OBJECT_HEADER_SIZE:
                raise TAKHeaderError("not enough data")
            kind = TAKMetadata(header[0] & _TYPE_MASK)
            size = int.from_bytes(header[1:], "little")
            data_start = fileobj.tell()
            if kind == TAKMetadata.END:
                break
            try:
                if kind == TAKMetadata.STREAM_INFO:
                    self._parse_stream_info(_LSBBitReader(fileobj), size)
                    found_stream_info = True
                elif kind == TAKMetadata.ENCODER_INFO:
                    self._parse_encoder_info(_LSBBitReader(fileobj), size)
            except BitReaderError:
                raise TAKHeaderError("not enough data")
            # Objects are read from their start, whatever their fields
            # took: the next one starts where the size says.
            fileobj.seek(data_start + size, 0)

        if not found_stream_info:
            raise TAKHeaderError("missing stream info")
        self.length = self.number_of_samples / float(self.sample_rate)

    def _parse_stream_info(self, bitreader, size):
        if size < STREAM_INFO_SIZE_MIN or size > STREAM_INFO_SIZE_MAX:
            raise TAKHeaderError("stream info has invalid length")

        bitreader.skip(ENCODER_INFO_TOTAL_BITS + SIZE_INFO_FRAME_DURATION_BITS)
        self.number_of_samples = bitreader.bits(SIZE_INFO_SAMPLE_NUM_BITS)
        bitreader.skip(AUDIO_FORMAT_DATA_TYPE_BITS)
        self.sample_rate = (bitreader.bits(AUDIO_FORMAT_SAMPLE_RATE_BITS)
                            + SAMPLE_RATE_MIN)
        self.bits_per_sample = (bitreader.bits(AUDIO_FORMAT_SAMPLE_BITS_BITS)
                                + SAMPLE_BITS_MIN)
        self.channels = (bitreader.bits(AUDIO_FORMAT_CHANNEL_NUM_BITS)
                         + CHANNEL_NUM_MIN)

    def _parse_encoder_info(self, bitreader, size):
        patch = bitreader.bits(8)
        minor = bitreader.bits(8)
        major = bitreader.bits(8)
        self.encoder_info = "TAK %d.%d.%d" % (major, minor, patch)

    def pprint(self):
        return "%s, %d Hz, %d bits, %.2f seconds, %d channel(s)" % (
            self.encoder_info or "TAK", self.sample_rate,
            self.bits_per_sample, self.length, self.channels)


class TAK(APEv2File):
    """A TAK (.tak) file: ``info`` (TAKInfo), ``tags`` the APEv2 tag at its
    end, or None.
    """

    _Info = TAKInfo
    _mimes = ["audio/x-tak"]

    @staticmethod
    def score(filename, fileobj, header):
        return header.startswith(_MAGIC) + endswith(filename.lower(), ".tak")


Open = TAK
