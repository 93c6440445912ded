# SPDX-License-Identifier: GPL-2.0-or-later
"""WavPack files (lossless or hybrid audio with APEv2 tags), as mutagen.wavpack.

A WavPack file is a run of blocks, each opening with a 32-byte header
("wvpk", block size, version, track and index numbers, total samples of the
file, first sample and sample count of the block, flags, CRC); see "WavPack
4 & 5 Binary File / Block Format" (http://www.wavpack.com/file_format.txt).
The first block's header gives the stream info; when it does not know the
file's total sample count, the blocks' own counts are summed.
"""

import struct

from ._file import StreamInfo
from ._util import cdata, convert_error
from .apev2 import APEv2File, delete, error

__all__ = ["WavPack", "Open", "delete"]

# Sample rates by the 4-bit index in bits 23-26 of the flags (15: custom).
RATES = [6000, 8000, 9600, 11025, 12000, 16000, 22050, 24000, 32000, 44100,
         48000, 64000, 88200, 96000, 192000]

_HEADER = struct.Struct("<4sIHBBIIIII")
_MAGIC = b"wvpk"
# total_samples when the encoder did not know the length.
_UNKNOWN_TOTAL = 0xFFFFFFFF

# Flag bits.
_BYTES_STORED = 0x3  # bytes per sample, less one
_MONO = 0x4
_RATE_SHIFT = 23
_RATE_MASK = 0xF
_DSD = 0x80000000
# DSD audio is stored a byte (eight 1-bit samples) at a time; the rate
# index then counts bytes per second divided by 4.
_DSD_RATE_FACTOR = 4


class WavPackHeaderError(error):
    pass


class _WavPackHeader:
    """One block header, its fields named as in the format's description
    (total_samples is -1 when unknown)."""

    def __init__(self, block_size, version, track_no, index_no, total_samples,
                 block_index, block_samples, flags, crc):
        self.block_size = block_size
        self.version = version
        self.track_no = track_no
        self.index_no = index_no
        self.total_samples = total_samples
        self.block_index = block_index
        self.block_samples = block_samples
        self.flags = flags
        self.crc = crc

    @classmethod
    @convert_error(IOError, WavPackHeaderError)
    def from_fileobj(cls, fileobj):
        """The header at the file's position; WavPackHeaderError if there
        is none there (or it cannot be read)."""
        data = fileobj.read(_HEADER.size)
        return cls._from_bytes(data)

    @classmethod
    def _from_bytes(cls, data):
        if len(data) != _HEADER.size or not data.startswith(_MAGIC):
            raise WavPackHeaderError("not a WavPack header: %r" % data)
        fields = _HEADER.unpack(data)[1:]
        header = cls(*fields)
        if header.total_samples == _UNKNOWN_TOTAL:
            header.total_samples = -1
        return header


class WavPackInfo(StreamInfo):
    """The first WavPack block's header: ``channels``, ``sample_rate``,
    ``bits_per_sample`` (1 for DSD audio), ``version`` (of the stream
    format) and ``length`` in seconds, from the total sample count (or
    the blocks walked when the first block does not start the stream).
    """

    def __init__(self, fileobj):
        try:
            header = _WavPackHeader.from_fileobj(fileobj)
        except WavPackHeaderError:
            raise WavPackHeaderError("not a WavPack file")

        flags = header.flags
        self.version = header.version
        # mutagen 1.48.1 reports a mono stream's channel count as True (== 1).
        self.channels = bool(flags & _MONO) or 2
        rate_index = (flags >> _RATE_SHIFT) & _RATE_MASK
        if rate_index >= len(RATES):
            # Index 15 means the rate is in a metadata sub-block; mutagen
            # does not read it (and fails with an IndexError).
            raise WavPackHeaderError("custom sample rate (index %d) not supported"
                                     % rate_index)
        self.sample_rate = RATES[rate_index]
        if flags & _DSD:
            self.sample_rate *= _DSD_RATE_FACTOR
            self.bits_per_sample = 1
        else:
            self.bits_per_sample = ((flags & _BYTES_STORED) + 1) * 8

        samples = header.total_samples
        # The total is only trusted in a first block that starts the stream.
        if samples == -1 or header.block_index != 0:
            samples = self._count_samples(fileobj, header)
        self.length = float(samples) / self.sample_rate

    @staticmethod
    def _count_samples(fileobj, header):
        """The sample counts of the block whose header was just read and of
        every block right after it, up to the first place without a block
        header."""
        samples = header.block_samples
        while True:
            # The size counts the block after its first 8 bytes: the next
            # one starts that far from the end of the block's header.
            fileobj.seek(header.block_size + 8 - _HEADER.size, 1)
            try:
                header = _WavPackHeader.from_fileobj(fileobj)
            except WavPackHeaderError:
                return samples
            samples += header.block_samples

    def pprint(self):
        return "WavPack, %.2f seconds, %d Hz" % (self.length, self.sample_rate)


class WavPack(APEv2File):
    """A WavPack (.wv) file: ``info`` (WavPackInfo), ``tags`` the APEv2 tag
    at its end, or None.
    """

    _Info = WavPackInfo
    _mimes = ["audio/x-wavpack"]

    @staticmethod
    def score(filename, fileobj, header):
        return header.startswith(_MAGIC) * 2


Open = WavPack
