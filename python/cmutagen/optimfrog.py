# SPDX-License-Identifier: GPL-2.0-or-later
"""OptimFROG files (.ofr lossless and .ofs DualStream, APEv2 tags), as
mutagen.optimfrog.

Files start with "OFR ", the size of the header data that follows, a 48-bit
sample count (all channels together), the sample type, the channel
configuration and the sample rate; headers of version 4.5 and later add
the encoder's id (its version) and compression settings.  See the
OptimFROG documentation (http://www.losslessaudio.org/).
"""

import struct

from ._file import StreamInfo
from ._util import convert_error, endswith
from .apev2 import APEv2File, delete, error

__all__ = ["OptimFROG", "Open", "delete"]

# Bits per sample by sample type (signed and unsigned of each size).
SAMPLE_TYPE_BITS = {0: 8, 1: 8, 2: 16, 3: 16, 4: 24, 5: 24, 6: 32, 7: 32}

_MAGIC = b"OFR "
# The header this module reads is read as one block of this size.
_HEADER_SIZE = 76
_HEADER = struct.Struct("<4sIIHBBIH")
# Header data sizes: 12 bytes before encoder ids existed, 15 or more since.
_SIZE_NO_ENCODER = 12
_SIZE_WITH_ENCODER = 15
# The encoder id holds the version less 4.5, in thousandths, above 4 bits.
_ENCODER_VERSION_BASE = 4500


class OptimFROGHeaderError(error):
    pass


class OptimFROGInfo(StreamInfo):
    """An OptimFROG header (lossless .ofr or DualStream .ofs): ``channels``,
    ``sample_rate``, ``bits_per_sample``, ``length`` in seconds and
    ``encoder_info`` (the encoder version as text, where the header has
    it).
    """

    @convert_error(IOError, OptimFROGHeaderError)
    def __init__(self, fileobj):
        header = fileobj.read(_HEADER_SIZE)
        if len(header) != _HEADER_SIZE or not header.startswith(_MAGIC):
            raise OptimFROGHeaderError("not an OptimFROG file")
        (_magic, data_size, samples_low, samples_high, sample_type,
         channel_config, sample_rate, encoder_id) = _HEADER.unpack_from(header)
        if data_size != _SIZE_NO_ENCODER and data_size < _SIZE_WITH_ENCODER:
            raise OptimFROGHeaderError("not an OptimFROG file")

        total_samples = samples_low + (samples_high << 32)
        self.channels = channel_config + 1
        self.sample_rate = sample_rate
        self.bits_per_sample = SAMPLE_TYPE_BITS.get(sample_type)
        if self.sample_rate:
            self.length = float(total_samples) / (self.channels * self.sample_rate)
        else:
            self.length = 0.0
        if data_size >= _SIZE_WITH_ENCODER:
            version = (encoder_id >> 4) + _ENCODER_VERSION_BASE
            self.encoder_info = "%d.%03d" % (version // 1000, version % 1000)
        else:
            self.encoder_info = ""

    def pprint(self):
        return "OptimFROG, %.2f seconds, %d Hz" % (self.length, self.sample_rate)


class OptimFROG(APEv2File):
    """An OptimFROG (.ofr/.ofs) file: ``info`` (OptimFROGInfo), ``tags`` the
    APEv2 tag at its end, or None.
    """

    _Info = OptimFROGInfo

    @staticmethod
    def score(filename, fileobj, header):
        filename = filename.lower()
        # The score is less strict than the reader about the magic.
        return (header.startswith(_MAGIC[:3]) + endswith(filename, ".ofr")
                + endswith(filename, ".ofs"))


Open = OptimFROG
