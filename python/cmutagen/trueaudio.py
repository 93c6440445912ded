# SPDX-License-Identifier: GPL-2.0-or-later
"""True Audio files (lossless audio with ID3 tags), as mutagen.trueaudio.

The stream, after an ID3v2 tag if there is one, opens with "TTA", a
format version, then little-endian audio format, channels, bits per sample,
sample rate and sample count; see the True Audio codec format description
(http://tausoft.org/wiki/True_Audio_Codec_Format).
"""

import struct

from ._file import StreamInfo
from ._util import MutagenError, cdata, convert_error, endswith
from .id3 import ID3FileType, delete

__all__ = ["TrueAudio", "Open", "delete", "EasyTrueAudio"]

_MAGIC = b"TTA"
# "TTA" and the version, format (2), channels (2), bits per sample (2),
# sample rate (4), sample count (4).
_HEADER = struct.Struct("<4s6xII")


class error(MutagenError):
    pass


class TrueAudioHeaderError(error):
    pass


class TrueAudioInfo(StreamInfo):
    """The header of a True Audio stream (after any ID3v2 tag):
    ``sample_rate`` and ``length`` in seconds.
    """

    @convert_error(IOError, TrueAudioHeaderError)
    def __init__(self, fileobj, offset):
        # The stream starts after the ID3v2 tag (offset is its size).
        fileobj.seek(offset or 0)
        header = fileobj.read(_HEADER.size)
        if len(header) != _HEADER.size or not header.startswith(_MAGIC):
            raise TrueAudioHeaderError("TTA header not found")
        _magic, self.sample_rate, samples = _HEADER.unpack(header)
        if self.sample_rate == 0:
            self.length = 0.0
        else:
            self.length = float(samples) / self.sample_rate

    def pprint(self):
        return "True Audio, %.2f seconds, %d Hz." % (self.length, self.sample_rate)


class TrueAudio(ID3FileType):
    """A True Audio (.tta) file: ``info`` (TrueAudioInfo), ``tags`` its ID3
    tag (read with the ``ID3`` class given, if any), or None.
    """

    _Info = TrueAudioInfo
    _mimes = ["audio/x-tta"]

    @staticmethod
    def score(filename, fileobj, header):
        return ((header.startswith(b"ID3") or header.startswith(_MAGIC))
                + endswith(filename.lower(), ".tta") * 2)


Open = TrueAudio


class EasyTrueAudio(TrueAudio):
    """TrueAudio whose ``tags`` is an EasyID3: keys such as "title" in
    place of ID3 frame names.
    """

    # Imported here, as the class attribute only: the module itself does
    # not export EasyID3.
    from .easyid3 import EasyID3 as ID3
