# SPDX-License-Identifier: GPL-2.0-or-later
"""Musepack files (stream versions 4 to 8, APEv2 tags), as mutagen.musepack.

Stream versions 4 to 6 open with two little-endian words holding the bit
rate, version and frame count; SV7 with "MP+", the version, the frame count,
a flags word (sample rate) and replay gain; SV8 with "MPCK" and a run of
packets (a two-letter key and a variable-length size), of which the stream
header ("SH") and replay gain ("RG") packets are read.  See the Musepack
SV7 and SV8 stream specifications (https://www.musepack.net/).  An ID3v2
tag in front of the stream is skipped.
"""

import struct

from ._file import StreamInfo
from ._util import cdata, convert_error, endswith, intround
from .apev2 import APEv2File, delete, error
from .id3._util import BitPaddedInt

__all__ = ["Musepack", "Open", "delete"]

# Sample rates by the index in the SV7 flags and the SV8 stream header.
RATES = [44100, 48000, 37800, 32000]

# Samples per frame in SV4 to SV7, and the decoder delay they start with.
_FRAME_SAMPLES = 1152
_DELAY = 576

_ID3_HEADER_SIZE = 10
_SV7_HEADER = struct.Struct("<4sIIHhHh")  # magic+version, frames, flags, gains
_OLD_HEADER_SIZE = 32  # SV4-7 headers are read as one 32-byte block
_SV8_MANDATORY = (b"SH", b"RG")
# The packets a stream's audio starts with; every header packet precedes them.
_SV8_STREAM_START = (b"AP", b"SE")


class MusepackHeaderError(error):
    pass


def _parse_sv8_int(fileobj, limit=9):
    """Read an SV8 variable-length integer (7 bits a byte, high bit set on
    every byte but the last) of at most ``limit`` bytes.

    Returns (value, bytes read); EOFError at the end of the file,
    ValueError when it runs longer than limit bytes."""
    value = 0
    for count in range(1, limit + 1):
        byte = fileobj.read(1)
        if len(byte) != 1:
            raise EOFError
        byte = byte[0]
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, count
    raise ValueError


def _calc_sv8_gain(gain):
    """An SV8 replay gain (1/256 dB below the 64.82 dB reference) in dB."""
    return 64.82 - gain / 256


def _calc_sv8_peak(peak):
    """An SV8 peak (a level in 1/256 dB) as a fraction of full scale."""
    return (10 ** (peak / (256 * 20)) / 65535)


class MusepackInfo(StreamInfo):
    """A Musepack stream's header (stream versions 4 to 8): ``channels``,
    ``sample_rate``, ``length`` in seconds, ``bitrate`` over the whole
    file and ``version``.  Versions 7 and 8 also carry replay gain:
    ``title_gain``/``album_gain`` in dB and ``title_peak``/``album_peak``
    as a fraction of full scale (absent where the file has none).
    """

    @convert_error(IOError, MusepackHeaderError)
    def __init__(self, fileobj):
        start = fileobj.tell()
        header = fileobj.read(4)
        if len(header) != 4:
            raise MusepackHeaderError("not a Musepack file")

        # Skip an ID3v2 tag (its size is syncsafe, the footer not counted).
        if header[:3] == b"ID3":
            header = fileobj.read(6)
            if len(header) != 6:
                raise MusepackHeaderError("not a Musepack file")
            size = _ID3_HEADER_SIZE + BitPaddedInt(header[2:6])
            fileobj.seek(start + size, 0)
            header = fileobj.read(4)
            if len(header) != 4:
                raise MusepackHeaderError("not a Musepack file")

        if header.startswith(b"MPCK"):
            self.__parse_sv8(fileobj)
        else:
            self.__parse_sv467(fileobj, header)

        if not self.bitrate and self.length != 0:
            fileobj.seek(0, 2)
            self.bitrate = intround(fileobj.tell() * 8 / self.length)

    def __parse_sv8(self, fileobj):
        # Walk the packets until both mandatory ones were read; the key of
        # the packet after the last one read must look like a key as well.
        key_pos = fileobj.tell()
        mandatory = list(_SV8_MANDATORY)
        key = fileobj.read(2)
        while True:
            # Keys compare as two bytes between "AA" and "ZZ".
            if len(key) != 2 or not b"AA" <= key <= b"ZZ":
                raise MusepackHeaderError("Invalid frame key.")
            if key in _SV8_STREAM_START or not mandatory:
                break
            try:
                size, size_len = _parse_sv8_int(fileobj)
            except (EOFError, ValueError):
                raise MusepackHeaderError("Invalid packet size.")
            # The size counts the key and the size bytes.
            data_size = size - 2 - size_len
            if key == b"SH":
                if b"SH" not in mandatory:
                    raise MusepackHeaderError("Duplicate SH packet")
                self.__parse_stream_header(fileobj, data_size)
                mandatory.remove(b"SH")
            elif key == b"RG":
                if b"RG" not in mandatory:
                    raise MusepackHeaderError("Duplicate RG packet")
                self.__parse_replaygain_packet(fileobj, data_size)
                mandatory.remove(b"RG")
            elif size == 0:
                # The next packet would start at this one, for ever.
                raise MusepackHeaderError("Invalid packet size.")
            key_pos += size
            fileobj.seek(key_pos, 0)
            key = fileobj.read(2)

        if mandatory:
            raise MusepackHeaderError(
                "Missing mandatory packets: %s."
                % ", ".join(repr(packet) for packet in mandatory))

        self.length = float(self.samples) / self.sample_rate
        self.bitrate = 0

    def __parse_stream_header(self, fileobj, data_size):
        # CRC (4 bytes), version (1), sample count and leading silence
        # (variable-length integers), then two bytes of bit fields.
        fileobj.seek(4, 1)
        remaining = data_size - 4
        version = fileobj.read(1)
        if len(version) != 1:
            raise MusepackHeaderError("SH packet ended unexpectedly.")
        self.version = version[0]
        remaining -= 1
        try:
            samples, length1 = _parse_sv8_int(fileobj)
            silence, length2 = _parse_sv8_int(fileobj)
        except (EOFError, ValueError):
            raise MusepackHeaderError("SH packet: Invalid sample counts.")
        self.samples = samples - silence
        remaining -= length1 + length2
        if remaining < 2:
            raise MusepackHeaderError("SH packet ended unexpectedly.")
        data = fileobj.read(remaining)
        if len(data) != remaining:
            raise MusepackHeaderError("SH packet ended unexpectedly.")
        rate_index = data[0] >> 5
        if rate_index >= len(RATES):
            raise MusepackHeaderError("Invalid sample rate")
        self.sample_rate = RATES[rate_index]
        self.channels = (data[1] >> 4) + 1

    def __parse_replaygain_packet(self, fileobj, data_size):
        # Version (1 byte), then title gain, title peak, album gain, album
        # peak (signed 16-bit big-endian each); 0 means "not given".
        if data_size < 9:
            raise MusepackHeaderError("Invalid RG packet size.")
        data = fileobj.read(data_size)
        if len(data) != data_size:
            raise MusepackHeaderError("RG packet ended unexpectedly.")
        title_gain, title_peak, album_gain, album_peak = \
            struct.unpack(">hhhh", data[1:9])
        if title_gain:
            self.title_gain = _calc_sv8_gain(title_gain)
        if title_peak:
            self.title_peak = _calc_sv8_peak(title_peak)
        if album_gain:
            self.album_gain = _calc_sv8_gain(album_gain)
        if album_peak:
            self.album_peak = _calc_sv8_peak(album_peak)

    def __parse_sv467(self, fileobj, header):
        fileobj.seek(-4, 1)
        header = fileobj.read(_OLD_HEADER_SIZE)
        if len(header) != _OLD_HEADER_SIZE:
            raise MusepackHeaderError("not a Musepack file")

        if header.startswith(b"MP+"):
            # SV7 (and later versions written the SV7 way).
            self.version = header[3] & 0xF
            if self.version < 7:
                raise MusepackHeaderError("not a Musepack file")
            (_magic, frames, flags, title_peak, title_gain, album_peak,
             album_gain) = _SV7_HEADER.unpack_from(header)
            # Gains in 1/100 dB, peaks as 16-bit sample values.
            self.title_peak = title_peak / 65535.0
            self.title_gain = title_gain / 100.0
            self.album_peak = album_peak / 65535.0
            self.album_gain = album_gain / 100.0
            self.sample_rate = RATES[(flags >> 16) & 0x3]
            self.bitrate = 0
        else:
            # SV4 to SV6: bit rate (9 bits), two flags, version (10 bits)...
            word0, word1 = struct.unpack_from("<II", header)
            self.version = (word0 >> 11) & 0x03FF
            if not 4 <= self.version <= 6:
                raise MusepackHeaderError("not a Musepack file")
            self.bitrate = (word0 >> 23) & 0x01FF
            self.sample_rate = 44100
            # SV4 keeps the frame count in the high half of the word.
            frames = word1 >> 16 if self.version == 4 else word1
            # SV4 and SV5 count one frame more than they hold.
            if self.version < 6:
                frames -= 1

        self.channels = 2
        self.length = float(frames * _FRAME_SAMPLES - _DELAY) / self.sample_rate

    def pprint(self):
        rg_data = []
        if hasattr(self, "title_gain"):
            rg_data.append("%+0.2f (title)" % self.title_gain)
        if hasattr(self, "album_gain"):
            rg_data.append("%+0.2f (album)" % self.album_gain)
        rg_data = (rg_data and ", Gain: " + ", ".join(rg_data)) or ""

        return "Musepack SV%d, %.2f seconds, %d Hz, %d bps%s" % (
            self.version, self.length, self.sample_rate, self.bitrate, rg_data)


class Musepack(APEv2File):
    """A Musepack (.mpc) file: ``info`` (MusepackInfo), ``tags`` the APEv2
    tag at its end, or None.
    """

    _Info = MusepackInfo
    _mimes = ["audio/x-musepack", "audio/x-mpc"]

    @staticmethod
    def score(filename, fileobj, header):
        filename = filename.lower()
        return (header.startswith(b"MP+") + header.startswith(b"MPCK")
                + endswith(filename, ".mpc"))


Open = Musepack
