# SPDX-License-Identifier: GPL-2.0-or-later
"""Monkey's Audio files (lossless audio with APEv2 tags), as
mutagen.monkeysaudio.

Files start with "MAC " and a 16-bit version.  From version 3.98 on a
descriptor is followed by the header proper (compression level, flags,
blocks per frame, blocks in the final frame, frame count, bits per sample,
channels, sample rate); older files have a shorter header in another order
and keep the sample size only in the WAV header they embed.  See the
Monkey's Audio SDK (http://www.monkeysaudio.com/).
"""

import struct

from ._file import StreamInfo
from ._util import cdata, convert_error, endswith
from .apev2 import APEv2File, delete, error

__all__ = ["MonkeysAudio", "Open", "delete"]

_MAGIC = b"MAC "
# Every header field this module reads lies in the first 76 bytes.
_HEADER_SIZE = 76
_NEW_HEADER_VERSION = 3980
# Versions >= 3.98: the header fields at a fixed place after the descriptor.
_NEW_HEADER = struct.Struct("<4xIIIHHI")  # at 52: flags..sample rate
_NEW_HEADER_OFFSET = 52
# Older versions: compression, flags, channels, sample rate, header and
# terminating bytes, frame count, blocks in the final frame.
_OLD_HEADER = struct.Struct("<6xHHHIIIII")
# The embedded WAV header (when the file kept one) and its sample size.
_OLD_WAV_MAGIC = b"WAVEfmt"
_OLD_WAV_MAGIC_OFFSET = 48
_OLD_WAV_BITS = struct.Struct("<H")
_OLD_WAV_BITS_OFFSET = 74


class MonkeysAudioHeaderError(error):
    pass


def _old_blocks_per_frame(version):
    """Samples per frame of a file older than 3.98."""
    if version >= 3950:
        return 73728 * 4
    if version >= 3900:
        return 73728
    return 9216


class MonkeysAudioInfo(StreamInfo):
    """A Monkey's Audio header (the layout before 3.98 and the one from
    3.98 on): ``channels``, ``sample_rate``, ``bits_per_sample``,
    ``length`` in seconds and the encoder ``version`` as a float
    (3.99 for 3990).
    """

    @convert_error(IOError, MonkeysAudioHeaderError)
    def __init__(self, fileobj):
        header = fileobj.read(_HEADER_SIZE)
        if len(header) != _HEADER_SIZE or not header.startswith(_MAGIC):
            raise MonkeysAudioHeaderError("not a Monkey's Audio file")
        version = struct.unpack_from("<H", header, 4)[0]
        self.version = version / 1000.0

        if version >= _NEW_HEADER_VERSION:
            (blocks_per_frame, final_frame_blocks, total_frames,
             self.bits_per_sample, self.channels,
             self.sample_rate) = _NEW_HEADER.unpack_from(header, _NEW_HEADER_OFFSET)
        else:
            (_compression, _flags, self.channels, self.sample_rate,
             _header_bytes, _terminating_bytes, total_frames,
             final_frame_blocks) = _OLD_HEADER.unpack_from(header)
            blocks_per_frame = _old_blocks_per_frame(version)
            wav_magic_end = _OLD_WAV_MAGIC_OFFSET + len(_OLD_WAV_MAGIC)
            if header[_OLD_WAV_MAGIC_OFFSET:wav_magic_end] == _OLD_WAV_MAGIC:
                self.bits_per_sample = _OLD_WAV_BITS.unpack_from(
                    header, _OLD_WAV_BITS_OFFSET)[0]
            else:
                self.bits_per_sample = 0

        if self.sample_rate == 0 or total_frames == 0:
            self.length = 0.0
        else:
            samples = (total_frames - 1) * blocks_per_frame + final_frame_blocks
            self.length = float(samples) / self.sample_rate

    def pprint(self):
        return "Monkey's Audio %.2f, %.2f seconds, %d Hz" % (
            self.version, self.length, self.sample_rate)


class MonkeysAudio(APEv2File):
    """A Monkey's Audio (.ape) file: ``info`` (MonkeysAudioInfo), ``tags``
    the APEv2 tag at its end, or None.
    """

    _Info = MonkeysAudioInfo
    _mimes = ["audio/ape", "audio/x-ape"]

    @staticmethod
    def score(filename, fileobj, header):
        return header.startswith(_MAGIC) + endswith(filename.lower(), ".ape")


Open = MonkeysAudio
