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
    """Raised for a WAVE file that cannot be read or changed."""


class _WaveFile(RiffFile):
    """A RIFF file whose form type must be "WAVE" (error if not)."""

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
    """WaveStreamInfo(fileobj)

    The format from the "fmt " chunk; the duration is counted from the size
    of the "data" chunk.

    Attributes:
        length (`float`): seconds; 0 without a data chunk
        bitrate (`int`): channels * bits per sample * sample rate
        channels (`int`): how many channels
        sample_rate (`int`): frames a second
        bits_per_sample (`int`): bits in one channel's sample
    """

    length = 0.0
    bitrate = 0
    channels = 0
    sample_rate = 0
    bits_per_sample = 0

    SIZE = 16

    @convert_error(IOError, error)
    def __init__(self, fileobj):
        """Reads the "fmt " chunk and the "data" chunk's size; the
        module's error if either is missing or damaged."""

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
    """The ID3 tag of a WAVE file, kept in its first "id3 " or "ID3 "
    chunk.
    """

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
        """Write the tag into its chunk, resized to fit, or into a new "id3 "
        chunk at the end of the file.  `v1` is ignored: a RIFF file has no
        place for an ID3v1 tag.
        """

        # An ID3v1 tag has no place in a RIFF file: v1 is not used.
        fileobj = filething.fileobj
        wave_file = _WaveFile(fileobj)
        _save_in_chunk(self, fileobj, wave_file.root, 'id3',
                       wave_file._find_id3_chunk(), v2_version, v23_sep,
                       padding, error)

    @convert_error(IOError, error)
    @loadfile(writable=True)
    def delete(self, filething):
        """Cut the tag's chunk out of the file, if it has one, and clear
        the tag."""

        delete(filething.fileobj)
        self.clear()


@convert_error(IOError, error)
@loadfile(method=False, writable=True)
def delete(filething):
    """Cut the chunk holding the ID3 tag out of the WAVE file
    `filething`; a file without one is left alone."""

    try:
        chunk = _WaveFile(filething.fileobj)._find_id3_chunk()
    except InvalidChunk:
        chunk = None
    if chunk is not None:
        chunk.delete()


class WAVE(FileType):
    """WAVE(filething)

    A .wav file (RIFF of form type WAVE), read from `filething`.

    Attributes:
        info (`WaveStreamInfo`): from the "fmt " and "data" chunks
        tags: the ID3 tag (see _WaveID3), or None without one
    """

    _mimes = ["audio/wav", "audio/wave"]

    @staticmethod
    def score(filename, fileobj, header):
        filename = filename.lower()

        return (header.startswith(b"RIFF") + (header[8:12] == b'WAVE')
                + endswith(filename, b".wav") + endswith(filename, b".wave"))

    def add_tags(self):
        """Start an empty ID3 tag for the file; error if it has one."""
        if self.tags is None:
            self.tags = _WaveID3()
        else:
            raise error("an ID3 tag already exists")

    @convert_error(IOError, error)
    @loadfile()
    def load(self, filething, **kwargs):
        """Read the stream information and the ID3 tag (None without one)
        from `filething`; keyword arguments go to the tag."""

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
