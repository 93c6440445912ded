# SPDX-License-Identifier: GPL-2.0-or-later
"""AIFF audio stream information and tags.

Audio Interchange File Format (Apple, AIFF 1.3 and AIFF-C): an IFF "FORM"
file with big-endian chunk sizes.  The stream information comes from the
COMM chunk; the tag is an ID3v2 tag in an "ID3 " chunk.
"""

import struct
from struct import pack

from ._file import FileType, StreamInfo
from ._util import convert_error, endswith, loadfile
from ._iff import (IffChunk, IffContainerChunkMixin, IffFile, IffID3,
                   InvalidChunk, error as IffError)
from .id3._util import ID3NoHeaderError, error as ID3Error

__all__ = ["AIFF", "Open", "delete"]


class error(IffError):
    pass


# The largest double (what C's HUGE_VAL was on the machines AIFF came from).
_HUGE_VAL = 1.79769313486231e+308

_comm = struct.Struct(">hLh10s")
_chunk_header = struct.Struct(">4sI")


def read_float(data):
    """The 80-bit IEEE extended float in `data`, as a Python float
    (OverflowError when it does not fit one)."""

    # An 80-bit IEEE 754 extended float, big-endian: sign and 15-bit
    # exponent, then a 64-bit mantissa with an explicit integer bit.
    assert len(data) == 10
    expon, mantissa = struct.unpack(">HQ", data)
    sign = -1 if expon & 0x8000 else 1
    expon &= 0x7FFF
    if expon == 0x7FFF:
        raise OverflowError("inf and nan not supported")
    if expon == 0 and mantissa == 0:
        value = 0.0
    else:
        # The mantissa (rounded to a double) times 2 ** (exponent - bias -
        # 63); the power overflows (OverflowError) for the largest
        # exponents, the product may still become inf.
        value = mantissa * pow(2.0, expon - 16383 - 63)
    return sign * value


class AIFFChunk(IffChunk):
    """A chunk of an AIFF file: ID, then a big-endian 32-bit size."""

    @classmethod
    def parse_header(cls, header):
        return _chunk_header.unpack(header)

    @classmethod
    def get_class(cls, id):
        if id == 'FORM':
            return AIFFFormChunk
        else:
            return cls

    def write_new_header(self, id_, size):
        self._fileobj.write(_chunk_header.pack(id_, size))

    def write_size(self):
        self._fileobj.write(pack('>I', self.data_size))


class AIFFFormChunk(AIFFChunk, IffContainerChunkMixin):
    """The "FORM" chunk at an AIFF file's root: the form type ("AIFF" or
    "AIFC") and then every other chunk.
    """

    def parse_next_subchunk(self):
        return AIFFChunk.parse(self._fileobj, self)

    def __init__(self, fileobj, id, data_size, parent_chunk):
        AIFFChunk.__init__(self, fileobj, id, data_size, parent_chunk)
        self.init_container()


class AIFFFile(IffFile):
    """An AIFF file; its root must be a "FORM" chunk (InvalidChunk if
    not).  The ID "FORM" itself is found too, and gives the root.
    """

    def __init__(self, fileobj):
        # The root chunk is the FORM chunk; its name is AIFF or AIFC, which
        # is not checked.
        super().__init__(AIFFChunk, fileobj)

        if self.root.id != 'FORM':
            raise InvalidChunk("Root chunk must be a FORM chunk, got %s"
                               % self.root.id)

    def __contains__(self, id_):
        if id_ == 'FORM':  # For backwards compatibility
            return True
        return super().__contains__(id_)

    def __getitem__(self, id_):
        if id_ == 'FORM':  # For backwards compatibility
            return self.root
        return super().__getitem__(id_)


class AIFFInfo(StreamInfo):
    """AIFFInfo(fileobj)

    What the COMM chunk says about the sound.

    Attributes:
        length (`float`): seconds, the frame count over the sample rate
        bitrate (`int`): channels * bits per sample * sample rate
        channels (`int`): how many channels
        sample_rate (`int`): frames a second, from the 80-bit float
        bits_per_sample (`int`): bits in one channel's sample
    """

    length = 0
    bitrate = 0
    channels = 0
    sample_rate = 0

    @convert_error(IOError, error)
    def __init__(self, fileobj):
        """Reads the COMM chunk; the module's error if it is missing or
        damaged."""

        iff = AIFFFile(fileobj)
        try:
            common_chunk = iff['COMM']
        except KeyError as e:
            raise error(str(e))

        # channels, frames, bits per sample and the sample rate; AIFF-C
        # adds the compression type after them, which is not read.
        data = common_chunk._read(_comm.size)
        if len(data) < _comm.size:
            raise error("COMM chunk is %d bytes, needs %d"
                        % (len(data), _comm.size))
        channels, frame_count, sample_size, sample_rate = _comm.unpack(data)

        try:
            self.sample_rate = int(read_float(sample_rate))
        except OverflowError:
            raise error("Invalid sample rate")
        if self.sample_rate < 0:
            raise error("Invalid sample rate")
        if self.sample_rate != 0:
            self.length = frame_count / float(self.sample_rate)

        self.bits_per_sample = sample_size
        self.sample_size = sample_size  # For backward compatibility
        self.channels = channels
        self.bitrate = channels * sample_size * self.sample_rate

    def pprint(self):
        return "%d channel AIFF @ %d bps, %s Hz, %.2f seconds" % (
            self.channels, self.bitrate, self.sample_rate, self.length)


class _IFFID3(IffID3):
    """The ID3 tag of an AIFF file, kept in its "ID3 " chunk."""

    def _load_file(self, fileobj):
        return AIFFFile(fileobj)


@convert_error(IOError, error)
@loadfile(method=False, writable=True)
def delete(filething):
    """Cut the "ID3 " chunk, and with it the tag, out of the AIFF file
    `filething`; a file without one is left alone.
    """

    try:
        del AIFFFile(filething.fileobj)['ID3']
    except KeyError:
        pass


class AIFF(FileType):
    """AIFF(filething)

    An AIFF or AIFF-C file, read from `filething`.

    Attributes:
        info (`AIFFInfo`): from the COMM chunk
        tags: the ID3 tag of the "ID3 " chunk, or None without one
    """

    _mimes = ["audio/aiff", "audio/x-aiff"]

    @staticmethod
    def score(filename, fileobj, header):
        filename = filename.lower()

        return (header.startswith(b"FORM") * 2 + endswith(filename, b".aif") +
                endswith(filename, b".aiff") + endswith(filename, b".aifc"))

    def add_tags(self):
        """Give the file a new, empty ID3 tag; error if it has a tag."""
        if self.tags is None:
            self.tags = _IFFID3()
        else:
            raise error("an ID3 tag already exists")

    @convert_error(IOError, error)
    @loadfile()
    def load(self, filething, **kwargs):
        """Read the ID3 tag (None if there is none) and the stream
        information from `filething`; keyword arguments go to the tag."""

        self.filename = filething.filename
        fileobj = filething.fileobj

        try:
            self.tags = _IFFID3(fileobj, **kwargs)
        except ID3NoHeaderError:
            self.tags = None
        except ID3Error as e:
            raise error(e)
        else:
            self.tags.filename = self.filename

        fileobj.seek(0, 0)
        self.info = AIFFInfo(fileobj)


Open = AIFF
