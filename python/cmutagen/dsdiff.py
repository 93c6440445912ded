# SPDX-License-Identifier: GPL-2.0-or-later
"""DSDIFF audio stream information and tags.

Philips' Direct Stream Digital Interchange File Format 1.5: an IFF-style
file with a "FRM8" root chunk and big-endian 64-bit chunk sizes.  The
stream information comes from the "PROP" chunk (of type "SND ": sample rate
"FS  ", channels "CHNL", compression "CMPR") and from the sound data, "DSD "
(plain DSD) or "DST " (DST compressed, with its frame count and rate in
"FRTE").  The tag is an ID3v2 tag in an "ID3 " chunk.
"""

import struct

from ._file import FileType, StreamInfo
from ._util import convert_error, endswith, loadfile
from ._iff import (IffChunk, IffContainerChunkMixin, IffFile, IffID3,
                   InvalidChunk, error as _IffError)
from .id3._util import ID3NoHeaderError, error as ID3Error

__all__ = ["DSDIFF", "Open", "delete"]

_chunk_header = struct.Struct(">4sQ")


class error(_IffError):
    pass


class DSDIFFChunk(IffChunk):
    """One chunk of a DSDIFF file: a 4-byte ID, then the size of its data
    as a big-endian u64 (12 header bytes in all)."""

    HEADER_SIZE = 12
    _MAX_DATA_SIZE = 2 ** 64 - 1

    @classmethod
    def parse_header(cls, header):
        return _chunk_header.unpack(header)

    @classmethod
    def get_class(cls, id):
        if id in DSDIFFListChunk.LIST_CHUNK_IDS:
            return DSDIFFListChunk
        elif id == 'DST':
            return DSTChunk
        else:
            return cls

    def write_new_header(self, id_, size):
        self._fileobj.write(_chunk_header.pack(id_, size))

    def write_size(self):
        self._fileobj.write(struct.pack('>Q', self.data_size))


class DSDIFFListChunk(DSDIFFChunk, IffContainerChunkMixin):
    """A "FRM8" or "PROP" chunk: a 4-byte type name, then child chunks."""

    LIST_CHUNK_IDS = ['FRM8', 'PROP']

    def parse_next_subchunk(self):
        return DSDIFFChunk.parse(self._fileobj, self)

    def __init__(self, fileobj, id, data_size, parent_chunk):
        DSDIFFChunk.__init__(self, fileobj, id, data_size, parent_chunk)
        self.init_container()


class DSTChunk(DSDIFFChunk, IffContainerChunkMixin):
    """The "DST " sound data chunk, whose children ("FRTE" and the DST
    frames) start right after its header, with no type name first."""

    def parse_next_subchunk(self):
        return DSDIFFChunk.parse(self._fileobj, self)

    def __init__(self, fileobj, id, data_size, parent_chunk):
        DSDIFFChunk.__init__(self, fileobj, id, data_size, parent_chunk)
        # The DST sound data chunk has no name before its children.
        self.init_container(name_size=0)


class DSDIFFFile(IffFile):
    """The chunk tree of a DSDIFF file; the root must be a "FRM8" chunk
    (InvalidChunk if not)."""

    def __init__(self, fileobj):
        super().__init__(DSDIFFChunk, fileobj)

        if self.root.id != 'FRM8':
            raise InvalidChunk("Root chunk must be a FRM8 chunk, got %r"
                               % self.root)


def _read_property(chunk, fmt):
    """The values `fmt` (a struct.Struct) reads from the start of the
    chunk's data; InvalidChunk if the file ends before them."""
    data = chunk._read(fmt.size)
    if len(data) < fmt.size:
        raise InvalidChunk("Not enough data in %s chunk" % chunk.id)
    return fmt.unpack(data)


_u32 = struct.Struct(">L")
_u16 = struct.Struct(">H")
_fourcc = struct.Struct(">4s")
_frte = struct.Struct(">LH")


class DSDIFFInfo(StreamInfo):
    """What the "PROP" and sound data chunks say about the stream.

    Attributes:
        channels (`int`): the channel count from "CHNL"
        sample_rate (`int`): samples per second from "FS  "
        bits_per_sample (`int`): 1, as DSD samples are single bits
        compression (`str`): the "CMPR" type with trailing spaces stripped,
            usually "DSD" or "DST"; None without a "CMPR" chunk
        length (`float`): seconds of audio: for DSD, from the size of
            the "DSD " chunk; for DST, the frame count over the frame rate
        bitrate (`int`): bits per second; for DST, the average over the
            compressed frames (a float then; 0 if there are no frames)
    """

    channels = 0
    length = 0
    sample_rate = 0
    bits_per_sample = 1
    bitrate = 0
    compression = None

    @convert_error(IOError, error)
    def __init__(self, fileobj):
        """Reads the PROP chunk's properties and the sound data's size;
        the module's error if they cannot be read."""

        iff = DSDIFFFile(fileobj)
        try:
            prop_chunk = iff['PROP']
        except KeyError as e:
            raise error(str(e))

        if prop_chunk.name == 'SND ':
            self._read_sound_properties(prop_chunk)

        if self.compression == 'DSD':  # not compressed
            try:
                dsd_chunk = iff['DSD']
            except KeyError as e:
                raise error(str(e))

            # One bit per sample and channel.
            sample_count = dsd_chunk.data_size * 8
            if self.channels:
                sample_count /= self.channels
            if self.sample_rate != 0:
                self.length = sample_count / self.sample_rate
            self.bitrate = (self.channels * self.bits_per_sample *
                            self.sample_rate)
        elif self.compression == 'DST':
            try:
                dst_chunk = iff['DST']
                frte_chunk = dst_chunk['FRTE']
            except KeyError as e:
                raise error(str(e))

            # The frame count and rate (the chunk may be longer).
            if frte_chunk.data_size >= _frte.size:
                frame_count, frame_rate = _read_property(frte_chunk, _frte)
                if frame_rate:
                    self.length = frame_count / frame_rate
                if frame_count:
                    # What the DST frames take, the FRTE chunk aside.
                    dst_bits = (dst_chunk.data_size - frte_chunk.size) * 8
                    self.bitrate = dst_bits / frame_count * frame_rate

    def _read_sound_properties(self, prop_chunk):
        # A property chunk of the wrong size is passed over; one the file
        # ends inside is an error.
        for chunk in prop_chunk.subchunks():
            if chunk.id == 'FS' and chunk.data_size == _u32.size:
                self.sample_rate, = _read_property(chunk, _u32)
            elif chunk.id == 'CHNL' and chunk.data_size >= _u16.size:
                # The channel count, then an ID for each channel.
                self.channels, = _read_property(chunk, _u16)
            elif chunk.id == 'CMPR' and chunk.data_size >= _fourcc.size:
                compression, = _read_property(chunk, _fourcc)
                try:
                    self.compression = compression.decode('ascii').rstrip()
                except UnicodeDecodeError as e:
                    raise error("invalid compression type: %s" % e)

    def pprint(self):
        return "%d channel DSDIFF (%s) @ %d bps, %s Hz, %.2f seconds" % (
            self.channels, self.compression, self.bitrate, self.sample_rate,
            self.length)


class _DSDIFFID3(IffID3):
    """The ID3v2 tag kept in the "ID3 " chunk of a DSDIFF file."""

    def _load_file(self, fileobj):
        return DSDIFFFile(fileobj)


@convert_error(IOError, error)
@loadfile(method=False, writable=True)
def delete(filething):
    """Drop the "ID3 " chunk from a DSDIFF file, if it has one."""

    try:
        del DSDIFFFile(filething.fileobj)['ID3']
    except KeyError:
        pass


class DSDIFF(FileType):
    """DSDIFF(filething): a Philips DSDIFF (.dff) file.

    Its tag is ID3v2, stored in an "ID3 " chunk of the "FRM8" root.

    Arguments:
        filething (filething)

    Attributes:
        info (`DSDIFFInfo`)
        tags (`mutagen.id3.ID3` or `None`): None when there is no tag
    """

    _mimes = ["audio/x-dff"]

    @convert_error(IOError, error)
    @loadfile()
    def load(self, filething, **kwargs):
        self.filename = filething.filename
        fileobj = filething.fileobj

        try:
            self.tags = _DSDIFFID3(fileobj, **kwargs)
        except ID3NoHeaderError:
            self.tags = None
        except ID3Error as e:
            raise error(e)
        else:
            self.tags.filename = self.filename

        fileobj.seek(0, 0)
        self.info = DSDIFFInfo(fileobj)

    def add_tags(self):
        """Give the file a new, empty ID3v2 tag; error if it has one."""
        if self.tags is None:
            self.tags = _DSDIFFID3()
        else:
            raise error("an ID3 tag already exists")

    @staticmethod
    def score(filename, fileobj, header):
        return header.startswith(b"FRM8") * 2 + endswith(filename, ".dff")


Open = DSDIFF
