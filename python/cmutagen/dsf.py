# SPDX-License-Identifier: GPL-2.0-or-later
"""Read and write DSF audio stream information and tags.

Sony's DSD Stream File format (DSF File Format Specification 1.01): a
"DSD " chunk (file size and the offset of the metadata), a "fmt " chunk
(the stream information) and a "data" chunk, all with little-endian 64-bit
sizes; the metadata, an ID3v2 tag, is the last thing in the file.
"""

import struct

from ._file import FileType, StreamInfo
from ._util import MutagenError, convert_error, endswith, loadfile
from .id3 import ID3
from .id3._tags import ID3Header
from .id3._util import ID3NoHeaderError, error as ID3Error

__all__ = ["DSF", "Open", "delete"]


class error(MutagenError):
    pass


class DSFChunk:
    """Base of the DSF chunks: reads its chunk from where the file is
    (unless ``create`` is set) and remembers that offset."""

    chunk_offset = 0
    chunk_header = "    "
    chunk_size = -1

    def __init__(self, fileobj, create=False):
        self.fileobj = fileobj

        if not create:
            # A chunk is read where the file is.
            self.chunk_offset = fileobj.tell()
            self.load()

    def load(self):
        raise NotImplementedError

    def write(self):
        raise NotImplementedError

    def _read_fields(self, fmt, header, what):
        """Read the chunk (fmt, a struct.Struct, with its header and size
        first) and check its header; returns the fields after the size."""
        data = self.fileobj.read(fmt.size)
        if len(data) != fmt.size:
            raise error("DSF chunk truncated")
        fields = fmt.unpack(data)
        self.chunk_header = fields[0]
        if self.chunk_header != header:
            raise error("DSF %s header not found" % what)
        self.chunk_size = fields[1]
        return fields[2:]


_dsd_chunk = struct.Struct("<4sQQQ")
_fmt_chunk = struct.Struct("<4sQLLLLLLQL4x")
_data_chunk = struct.Struct("<4sQ")


class DSDChunk(DSFChunk):
    """The "DSD " chunk that opens a DSF file: the total file size and
    where the ID3v2 tag starts (0 for no tag)."""

    CHUNK_SIZE = 28

    total_size = 0
    offset_metdata_chunk = 0

    def __init__(self, fileobj, create=False):
        super().__init__(fileobj, create)

        if create:
            self.chunk_header = b"DSD "
            self.chunk_size = DSDChunk.CHUNK_SIZE

    def load(self):
        self.total_size, self.offset_metdata_chunk = self._read_fields(
            _dsd_chunk, b"DSD ", "dsd")
        if self.chunk_size != DSDChunk.CHUNK_SIZE:
            raise error("DSF dsd header size mismatch")

    def write(self):
        data = _dsd_chunk.pack(self.chunk_header, self.chunk_size,
                               self.total_size, self.offset_metdata_chunk)
        self.fileobj.seek(self.chunk_offset)
        self.fileobj.write(data)

    def pprint(self):
        return ("DSD Chunk (Total file size = %d, "
                "Pointer to Metadata chunk = %d)" % (
                    self.total_size, self.offset_metdata_chunk))


class FormatChunk(DSFChunk):

    CHUNK_SIZE = 52

    VERSION = 1

    FORMAT_DSD_RAW = 0

    format_version = VERSION
    format_id = FORMAT_DSD_RAW
    channel_type = 1
    channel_num = 1
    sampling_frequency = 2822400
    bits_per_sample = 1
    sample_count = 0
    block_size_per_channel = 4096

    def __init__(self, fileobj, create=False):
        super().__init__(fileobj, create)

        if create:
            self.chunk_header = b"fmt "
            self.chunk_size = FormatChunk.CHUNK_SIZE

    def load(self):
        # The block size per channel and the reserved field after it are
        # not used.
        (self.format_version, self.format_id, self.channel_type,
         self.channel_num, self.sampling_frequency, self.bits_per_sample,
         self.sample_count, _block_size) = self._read_fields(
            _fmt_chunk, b"fmt ", "fmt")
        # (mutagen names the DSD chunk in this message too)
        if self.chunk_size != FormatChunk.CHUNK_SIZE:
            raise error("DSF dsd header size mismatch")
        if self.format_version != FormatChunk.VERSION:
            raise error("Unsupported format version")
        if self.format_id != FormatChunk.FORMAT_DSD_RAW:
            raise error("Unsupported format ID")

    def pprint(self):
        # As mutagen's: a FormatChunk has no length, so this raises
        # AttributeError.
        return "fmt Chunk (Channels = %d, Sample Rate = %d, Length = %.2f)" % (
            self.channel_num, self.sampling_frequency, self.length)


class DataChunk(DSFChunk):

    CHUNK_SIZE = 12

    data = ""

    def __init__(self, fileobj, create=False):
        super().__init__(fileobj, create)

        if create:
            self.chunk_header = b"data"
            self.chunk_size = DataChunk.CHUNK_SIZE

    def load(self):
        self._read_fields(_data_chunk, b"data", "data")
        # The size counts the chunk's header.
        if self.chunk_size < DataChunk.CHUNK_SIZE:
            raise error("DSF data header size mismatch")

    def pprint(self):
        return "data Chunk (Chunk Offset = %d, Chunk Size = %d)" % (
            self.chunk_offset, self.chunk_size)


class _DSFID3(ID3):
    """The ID3v2 tag at the offset the "DSD " chunk gives, at the end of
    a DSF file."""

    def _pre_load_header(self, fileobj):
        fileobj.seek(0)
        id3_location = DSFFile(fileobj).dsd_chunk.offset_metdata_chunk
        if id3_location == 0:
            raise ID3NoHeaderError("File has no existing ID3 tag")

        fileobj.seek(id3_location)

    @convert_error(IOError, error)
    @loadfile(writable=True)
    def save(self, filething=None, v2_version=4, v23_sep='/', padding=None):
        """Write the tag to the end of the file (over the old tag, which is
        cut off with anything after it) and update the "DSD " chunk's
        tag offset and total size."""

        fileobj = filething.fileobj
        fileobj.seek(0)

        # Only the first chunk is read: a damaged fmt or data chunk does not
        # stop a save.
        dsd_header = DSDChunk(fileobj)
        if dsd_header.offset_metdata_chunk == 0:
            # The tag goes at the end of the file.
            fileobj.seek(0, 2)
            offset = fileobj.tell()
        else:
            offset = dsd_header.offset_metdata_chunk

        # The old tag's room, if there is a tag where the header points.
        fileobj.seek(offset)
        try:
            available = ID3Header(fileobj).size
        except ID3NoHeaderError:
            available = 0
        except ID3Error as e:
            raise error(e)

        try:
            data = self._prepare_data(
                fileobj, offset, available, v2_version, v23_sep, padding)
        except ID3Error as e:
            raise error(e)

        # The tag is the last thing in the file: whatever followed the old
        # one goes.
        fileobj.seek(offset)
        fileobj.write(data)
        fileobj.truncate()

        dsd_header.offset_metdata_chunk = offset
        dsd_header.total_size = offset + len(data)
        dsd_header.write()


class DSFInfo(StreamInfo):
    """Stream properties, computed from the "fmt " chunk on each access.

    Attributes:
        channels (`int`): the channel count
        sample_rate (`int`): samples per second, as the chunk states it
            (2822400 for DSD64, doubled for each step up)
        bits_per_sample (`int`): bits per sample as stored (the format
            allows 1 or 8)
        length (`float`): the sample count over the sample rate, in seconds
        bitrate (`int`): sample rate x bits per sample x channels
    """

    def __init__(self, fmt_chunk):
        self.fmt_chunk = fmt_chunk

    @property
    def length(self):
        # A sample rate of 0 raises ZeroDivisionError, as in mutagen.
        return float(self.fmt_chunk.sample_count) / self.sample_rate

    @property
    def channels(self):
        return self.fmt_chunk.channel_num

    @property
    def sample_rate(self):
        return self.fmt_chunk.sampling_frequency

    @property
    def bits_per_sample(self):
        return self.fmt_chunk.bits_per_sample

    @property
    def bitrate(self):
        return self.sample_rate * self.bits_per_sample * self.channels

    def pprint(self):
        return "%d channel DSF @ %d bits, %s Hz, %.2f seconds" % (
            self.channels, self.bits_per_sample, self.sample_rate,
            self.length)


class DSFFile:

    dsd_chunk = None
    fmt_chunk = None
    data_chunk = None

    def __init__(self, fileobj):
        # The three chunks, one after the other from where the file is.
        self.dsd_chunk = DSDChunk(fileobj)
        self.fmt_chunk = FormatChunk(fileobj)
        self.data_chunk = DataChunk(fileobj)


class DSF(FileType):
    """DSF(filething): a Sony DSD Stream File (.dsf).

    Its tag is ID3v2, at the end of the file.

    Arguments:
        filething (filething)

    Attributes:
        info (`DSFInfo`)
        tags (`mutagen.id3.ID3Tags` or `None`): None when there is no tag
    """

    _mimes = ["audio/dsf"]

    @staticmethod
    def score(filename, fileobj, header):
        return header.startswith(b"DSD ") * 2 + \
            endswith(filename.lower(), ".dsf")

    def add_tags(self):
        """Give the file a new, empty ID3v2 tag; error if it has one."""

        if self.tags is None:
            self.tags = _DSFID3()
        else:
            raise error("an ID3 tag already exists")

    @convert_error(IOError, error)
    @loadfile()
    def load(self, filething, **kwargs):
        self.filename = filething.filename
        fileobj = filething.fileobj
        dsf_file = DSFFile(fileobj)

        try:
            self.tags = _DSFID3(fileobj, **kwargs)
        except ID3NoHeaderError:
            self.tags = None
        except ID3Error as e:
            raise error(e)
        else:
            self.tags.filename = self.filename

        self.info = DSFInfo(dsf_file.fmt_chunk)

    @loadfile(writable=True)
    def delete(self, filething=None):
        self.tags = None
        delete(filething.fileobj)


@convert_error(IOError, error)
@loadfile(method=False, writable=True)
def delete(filething):
    """Cut the ID3v2 tag off the end of a DSF file and clear the tag offset
    in its "DSD " chunk; a file without a tag is left alone.

    Arguments:
        filething (filething)

    Raises:
        mutagen.MutagenError
    """

    # The chunks are read from where the file is, as mutagen does.
    fileobj = filething.fileobj
    dsf_file = DSFFile(fileobj)

    if dsf_file.dsd_chunk.offset_metdata_chunk != 0:
        id3_location = dsf_file.dsd_chunk.offset_metdata_chunk
        dsf_file.dsd_chunk.offset_metdata_chunk = 0
        dsf_file.dsd_chunk.write()

        # The tag is the end of the file.
        fileobj.seek(id3_location)
        fileobj.truncate()


Open = DSF
