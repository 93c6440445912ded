# SPDX-License-Identifier: GPL-2.0-or-later
"""Microsoft WAVE/RIFF audio file/stream information and tags.

A RIFF file of form type WAVE (Microsoft/IBM Multimedia Programming
Interface and Data Specifications 1.0; WAVE_FORMAT_EXTENSIBLE files are
read the same way): the stream information comes from the "fmt " chunk
(WAVEFORMAT's first 16 bytes) and the size of the "data" chunk; the tag is
an ID3v2 tag in an "id3 " (or "ID3 ") chunk.
"""

import struct

from ._file import FileType, StreamInfo
from ._util import convert_error, endswith, loadfile
from ._iff import InvalidChunk, error as _IffError, _save_in_chunk
from ._riff import RiffFile
from .id3 import ID3
from .id3._util import ID3NoHeaderError, error as ID3Error

__all__ = ["WAVE", "Open", "delete"]

_fmt = struct.Struct("<HHLLHH")

# The IDs of the chunk holding the tag; the first one in the file counts.
_ID3_CHUNK_IDS = ("id3", "ID3")


class error(_IffError):
    """WAVE stream parsing errors."""


class _WaveFile(RiffFile):
    """Representation of a RIFF/WAVE file"""

    def __init__(self, fileobj):
        RiffFile.__init__(self, fileobj)

        if self.file_type != 'WAVE':
            raise error("Expected RIFF/WAVE.")

    def _find_id3_chunk(self):
        """The chunk holding the ID3 tag, or None."""
        for chunk in self.root.subchunks():
            if chunk.id in _ID3_CHUNK_IDS:
                return chunk
        return None


class WaveStreamInfo(StreamInfo):
    """WaveStreamInfo()

    Microsoft WAVE file information.

    Information is parsed from the 'fmt' & 'data'chunk of the RIFF/WAVE file

    Attributes:
        length (`float`): audio length, in seconds
        bitrate (`int`): audio bitrate, in bits per second
        channels (`int`): The number of audio channels
        sample_rate (`int`): audio sample rate, in Hz
        bits_per_sample (`int`): The audio sample size
    """

    length = 0.0
    bitrate = 0
    channels = 0
    sample_rate = 0
    bits_per_sample = 0

    SIZE = 16

    @convert_error(IOError, error)
    def __init__(self, fileobj):
        """Raises error"""

        wave_file = _WaveFile(fileobj)
        try:
            wave_format = wave_file['fmt']
        except KeyError as e:
            raise error(str(e))

        data = wave_format._read(self.SIZE)
        if len(data) < self.SIZE:
            raise InvalidChunk("fmt chunk is %d bytes, needs %d"
                               % (len(data), self.SIZE))

        # The average byte rate is not used: the bitrate is what the
        # samples take uncompressed.
        (self.audio_format, self.channels, self.sample_rate, byte_rate,
         block_align, self.bits_per_sample) = _fmt.unpack(data)
        self.bitrate = (self.channels * self.bits_per_sample *
                        self.sample_rate)

        # Samples from the size of the data chunk; one block holds one
        # sample of every channel.
        self._number_of_samples = 0
        if block_align > 0:
            try:
                data_chunk = wave_file['data']
            except KeyError:
                pass
            else:
                self._number_of_samples = data_chunk.data_size / block_align

        if self.sample_rate > 0:
            self.length = self._number_of_samples / self.sample_rate

    def pprint(self):
        return "%d channel RIFF @ %d bps, %s Hz, %.2f seconds" % (
            self.channels, self.bitrate, self.sample_rate, self.length)


class _WaveID3(ID3):
    """A Wave file with ID3v2 tags"""

    def _pre_load_header(self, fileobj):
        try:
            chunk = _WaveFile(fileobj)._find_id3_chunk()
        except InvalidChunk:
            chunk = None
        if chunk is None:
            raise ID3NoHeaderError("No ID3 chunk")
        fileobj.seek(chunk.data_offset)

    @convert_error(IOError, error)
    @loadfile(writable=True)
    def save(self, filething, v1=1, v2_version=4, v23_sep='/', padding=None):
        """Save ID3v2 data to the Wave/RIFF file"""

        # An ID3v1 tag has no place in a RIFF file: v1 is not used.
        fileobj = filething.fileobj
        wave_file = _WaveFile(fileobj)
        _save_in_chunk(self, fileobj, wave_file.root, 'id3',
                       wave_file._find_id3_chunk(), v2_version, v23_sep,
                       padding, error)

    @convert_error(IOError, error)
    @loadfile(writable=True)
    def delete(self, filething):
        """Completely removes the ID3 chunk from the RIFF/WAVE file"""

        delete(filething.fileobj)
        self.clear()


@convert_error(IOError, error)
@loadfile(method=False, writable=True)
def delete(filething):
    """Completely removes the ID3 chunk from the RIFF/WAVE file"""

    try:
        chunk = _WaveFile(filething.fileobj)._find_id3_chunk()
    except InvalidChunk:
        chunk = None
    if chunk is not None:
        chunk.delete()


class WAVE(FileType):
    """WAVE(filething)

    A Waveform Audio File Format
    (WAVE, or more commonly known as WAV due to its filename extension)

    Arguments:
        filething (filething)

    Attributes:
        tags (`mutagen.id3.ID3`)
        info (`WaveStreamInfo`)
    """

    _mimes = ["audio/wav", "audio/wave"]

    @staticmethod
    def score(filename, fileobj, header):
        filename = filename.lower()

        return (header.startswith(b"RIFF") + (header[8:12] == b'WAVE')
                + endswith(filename, b".wav") + endswith(filename, b".wave"))

    def add_tags(self):
        """Add an empty ID3 tag to the file."""
        if self.tags is None:
            self.tags = _WaveID3()
        else:
            raise error("an ID3 tag already exists")

    @convert_error(IOError, error)
    @loadfile()
    def load(self, filething, **kwargs):
        """Load stream and tag information from a file."""

        self.filename = filething.filename
        fileobj = filething.fileobj

        self.info = WaveStreamInfo(fileobj)
        fileobj.seek(0, 0)

        try:
            self.tags = _WaveID3(fileobj, **kwargs)
        except ID3NoHeaderError:
            self.tags = None
        except ID3Error as e:
            raise error(e)
        else:
            self.tags.filename = self.filename


Open = WAVE
