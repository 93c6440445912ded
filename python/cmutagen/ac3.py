# SPDX-License-Identifier: GPL-2.0-or-later
"""AC-3 and E-AC-3 streams, as mutagen.ac3.

The first sync frame's syncinfo() and bit stream information (bsi()) give
the sample rate, channels and bitrate (ATSC A/52, ETSI TS 102 366 and its
Annex E for E-AC-3); the length is the bytes after that header at that
bitrate, an estimate as mutagen makes it.  mutagen reads the E-AC-3 bsi()
a little differently from the standard (it stops at mixing metadata,
reads convsync and blkid under other conditions, and in AC-3 takes two
bits for the mix levels whatever the channel mode): the reading here is
mutagen's, as its length depends on how many bytes were read.
"""

from io import BytesIO

from ._file import FileType, StreamInfo
from ._util import (BitReader, BitReaderError, MutagenError, convert_error,
                    endswith, enum, loadfile)

__all__ = ["AC3", "Open"]


class AC3Error(MutagenError):
    pass


error = AC3Error


@enum
class ChannelMode:
    """acmod: the coded channels (front/rear)."""

    DUALMONO = 0
    MONO = 1
    STEREO = 2
    C3F = 3
    C2F1R = 4
    C3F1R = 5
    C2F2R = 6
    C3F2R = 7


@enum
class EAC3FrameType:
    """strmtyp of an E-AC-3 frame."""

    INDEPENDENT = 0
    DEPENDENT = 1
    AC3_CONVERT = 2
    RESERVED = 3


AC3_CHANNELS = {
    ChannelMode.DUALMONO: 2,
    ChannelMode.MONO: 1,
    ChannelMode.STEREO: 2,
    ChannelMode.C3F: 3,
    ChannelMode.C2F1R: 3,
    ChannelMode.C3F1R: 4,
    ChannelMode.C2F2R: 4,
    ChannelMode.C3F2R: 5,
}

AC3_HEADER_SIZE = 7

# By fscod.
AC3_SAMPLE_RATES = [48000, 44100, 32000]

# kbit/s, by frmsizecod // 2.
AC3_BITRATES = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256,
                320, 384, 448, 512, 576, 640]

# Audio blocks (of 256 samples) per E-AC-3 frame, by numblkscod.
EAC3_BLOCKS = [1, 2, 3, 6]

# The whole bsi() of either kind is far shorter: read once, parse in memory.
_HEADER_READ = 512


class AC3Info(StreamInfo):
    """The audio properties of an AC-3 or E-AC-3 stream: ``channels``,
    ``length`` (an estimate), ``sample_rate``, ``bitrate`` and ``codec``
    (``"ac-3"`` or ``"ec-3"``)."""

    channels = 0
    length = 0
    sample_rate = 0
    bitrate = 0
    codec = "ac-3"

    @convert_error(IOError, AC3Error)
    def __init__(self, fileobj):
        header = fileobj.read(_HEADER_READ)
        r = BitReader(BytesIO(header))
        try:
            if r.bits(16) != 0x0B77:
                raise AC3Error("not a AC3 file")
            # bsid sits at the same place in both kinds of frame.
            bitstream_id = header[5] >> 3 if len(header) > 5 else None
            if bitstream_id is None:
                raise BitReaderError("not enough data")
            if bitstream_id <= 10:
                self._read_normal(r, bitstream_id)
            elif bitstream_id <= 16:
                self._read_enhanced(r)
            else:
                raise AC3Error("invalid bitstream_id %i" % bitstream_id)
        except BitReaderError as e:
            raise AC3Error(e)
        # The stream is taken to run, at this bitrate, from the end of the
        # header to the end of the file.
        header_size = r.get_position() // 8 + (1 if r.get_position() % 8 else 0)
        fileobj.seek(0, 2)
        self.length = (fileobj.tell() - header_size) * 8 / self.bitrate

    def _read_normal(self, r, bitstream_id):
        r.skip(16)  # crc1
        sr_code = r.bits(2)
        if sr_code == 3:
            raise AC3Error("invalid sample rate code %i" % sr_code)
        frame_size_code = r.bits(6)
        if frame_size_code > 37:
            raise AC3Error("invalid frame size code %i" % frame_size_code)
        r.skip(5)  # bsid
        r.skip(3)  # bsmod
        channel_mode = ChannelMode(r.bits(3))
        # cmixlev, surmixlev and dsurmod take 0 to 4 bits by acmod; mutagen
        # skips two bits whatever acmod is.
        r.skip(2)
        lfe_on = r.bits(1)
        # Half and quarter rate streams (bsid 9 and 10).
        shift = max(bitstream_id, 8) - 8
        self.sample_rate = AC3_SAMPLE_RATES[sr_code] >> shift
        self.bitrate = (AC3_BITRATES[frame_size_code >> 1] * 1000) >> shift
        self.channels = AC3_CHANNELS[channel_mode] + lfe_on
        self._skip_rest_normal(r, channel_mode)

    @staticmethod
    def _skip_rest_normal(r, channel_mode):
        # dialnorm, compr, langcod, mixlevel/roomtyp: once per channel of a
        # dual mono stream.
        for _ in range(2 if channel_mode == ChannelMode.DUALMONO else 1):
            r.skip(5)
            for width in (8, 8, 7):
                if r.bits(1):
                    r.skip(width)
        r.skip(2)  # copyrightb, origbs
        # timecod1/timecod2, or in the alternate syntax xbsi1/xbsi2: 14 bits
        # each way.  mutagen reads both presence flags first, then the
        # fields (the standard has each flag before its field).
        present = r.bits(1) + r.bits(1)
        for _ in range(present):
            r.skip(14)
        _read_addbsi(r)

    def _read_enhanced(self, r):
        self.codec = "ec-3"
        frame_type = EAC3FrameType(r.bits(2))
        if frame_type == EAC3FrameType.RESERVED:
            raise AC3Error("invalid frame type %i" % frame_type)
        r.skip(3)  # substreamid
        frame_size = (r.bits(11) + 1) * 2
        if frame_size < AC3_HEADER_SIZE:
            raise AC3Error("invalid frame size %i" % frame_size)
        sr_code = r.bits(2)
        if sr_code == 3:
            # A reduced sample rate, half of one of the others.
            sr_code_half = r.bits(2)
            if sr_code_half == 3:
                raise AC3Error("invalid sample rate code %i" % sr_code_half)
            self.sample_rate = AC3_SAMPLE_RATES[sr_code_half] // 2
            numblocks_code = 3
        else:
            self.sample_rate = AC3_SAMPLE_RATES[sr_code]
            numblocks_code = r.bits(2)
        channel_mode = ChannelMode(r.bits(3))
        lfe_on = r.bits(1)
        self.bitrate = 8 * frame_size * self.sample_rate // (
            EAC3_BLOCKS[numblocks_code] * 256)
        r.skip(5)  # bsid
        self.channels = AC3_CHANNELS[channel_mode] + lfe_on
        self._skip_rest_enhanced(r, frame_type, channel_mode, sr_code, numblocks_code)

    @staticmethod
    def _skip_rest_enhanced(r, frame_type, channel_mode, sr_code, numblocks_code):
        # dialnorm and compr, once per channel of a dual mono stream.
        for _ in range(2 if channel_mode == ChannelMode.DUALMONO else 1):
            r.skip(5)
            if r.bits(1):
                r.skip(8)
        if frame_type == EAC3FrameType.DEPENDENT:
            if r.bits(1):
                r.skip(16)  # chanmap
        if r.bits(1):
            # Mixing metadata: mutagen reads no further than this flag.
            return
        if r.bits(1):  # infomdate
            r.skip(5)  # bsmod, copyrightb, origbs
            if channel_mode == ChannelMode.STEREO:
                r.skip(4)  # dsurmod, dheadphonmod
            if channel_mode >= ChannelMode.C2F2R:
                r.skip(2)  # dsurexmod
            for _ in range(2 if channel_mode == ChannelMode.DUALMONO else 1):
                if r.bits(1):
                    r.skip(8)  # mixlevel, roomtyp, adconvtyp
            if sr_code < 3:
                r.skip(1)  # sourcefscod
        # convsync and blkid/frmsizecod, under mutagen's conditions.
        if frame_type == EAC3FrameType.INDEPENDENT and numblocks_code == 3:
            r.skip(1)
        if frame_type == EAC3FrameType.AC3_CONVERT and numblocks_code != 3:
            if r.bits(1):
                r.skip(6)
        _read_addbsi(r)

    def pprint(self):
        return "%s, %d Hz, %.2f seconds, %d channel(s), %d bps" % (
            self.codec, self.sample_rate, self.length, self.channels, self.bitrate)


def _read_addbsi(r):
    """Skip the additional bit stream information.  Skipping seeks over
    whole bytes, so a file that ends inside it is an error only when the
    skip ends inside a byte (and as in mutagen, the header may then end
    after the file does)."""
    if r.bits(1):
        r.skip((r.bits(6) + 1) * 8)


class AC3(FileType):
    """An AC-3 or E-AC-3 stream: ``info`` (AC3Info).  It has no tags of its
    own; use the ID3 or APEv2 classes on such a file directly."""

    _mimes = ["audio/ac3"]

    @loadfile()
    def load(self, filething):
        self.filename = filething.filename
        self.info = AC3Info(filething.fileobj)

    def add_tags(self):
        raise AC3Error("doesn't support tags")

    @staticmethod
    def score(filename, fileobj, header):
        by_name = endswith(filename, ".ac3") or endswith(filename, ".eac3")
        return header.startswith(b"\x0b\x77") * 2 + by_name


Open = AC3
