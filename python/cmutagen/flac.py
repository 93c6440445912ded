# SPDX-License-Identifier: GPL-2.0-or-later
"""FLAC files: STREAMINFO, Vorbis comments, pictures and the other
metadata blocks (https://xiph.org/flac/format.html).

The C core walks the metadata blocks and decodes STREAMINFO, the Vorbis
comment and the pictures; this module turns its result into mutagen's
classes.  Seek tables and cue sheets are decoded here from their bytes.
Writing FLAC files is not implemented yet.
"""

import struct
from io import BytesIO

from . import _native
from ._file import FileType, StreamInfo as _StreamInfoBase
from ._util import MutagenError, loadfile, read_file_prefix
from ._vorbis import VCommentDict


def to_int_be(data):
    """The unsigned big-endian integer `data` (bytes) holds."""
    return int.from_bytes(data, "big")


class error(MutagenError):
    pass


class FLACNoHeaderError(error):
    pass


class FLACVorbisError(ValueError, error):
    pass


class MetadataBlock:
    """A metadata block this module does not interpret: ``data`` holds its
    bytes.  Subclasses decode their own block type."""

    _distrust_size = False
    _MAX_SIZE = 2 ** 24 - 1
    _invalid_overflow_size = -1

    def __init__(self, data):
        if data is not None:
            if not hasattr(data, "read"):
                data = BytesIO(data)
            self.load(data)

    def load(self, data):
        self.data = data.read()

    def write(self):
        return self.data


class StreamInfo(MetadataBlock, _StreamInfoBase):
    """The STREAMINFO block: the stream's audio properties."""

    code = 0
    bitrate = 0

    def __eq__(self, other):
        try:
            return all(getattr(self, name) == getattr(other, name)
                       for name in self._FIELDS)
        except AttributeError:
            return False

    __hash__ = MetadataBlock.__hash__

    _FIELDS = ("min_blocksize", "max_blocksize", "min_framesize", "max_framesize",
               "sample_rate", "channels", "bits_per_sample", "total_samples")

    def load(self, data):
        try:
            fields, length = _native.read_flac_streaminfo(data.read())
        except _native.ParseError as e:
            raise error(e.args[2]) from None
        self._set_fields(fields, length)

    def _set_fields(self, fields, length):
        (self.min_blocksize, self.max_blocksize, self.min_framesize, self.max_framesize,
         self.sample_rate, self.channels, self.bits_per_sample, self.total_samples,
         md5) = fields
        self.length = length
        self.md5_signature = int.from_bytes(md5, "big")

    def pprint(self):
        return "FLAC, %.2f seconds, %d Hz" % (self.length, self.sample_rate)


class SeekPoint(tuple):
    """One seek point: (first_sample, byte_offset, num_samples)."""

    def __new__(cls, first_sample, byte_offset, num_samples):
        return super().__new__(cls, (first_sample, byte_offset, num_samples))

    first_sample = property(lambda self: self[0])
    byte_offset = property(lambda self: self[1])
    num_samples = property(lambda self: self[2])


class SeekTable(MetadataBlock):
    """The SEEKTABLE block: 18-byte seek points."""

    code = 3
    _POINT = struct.Struct(">QQH")

    def __init__(self, data):
        self.seekpoints = []
        super().__init__(data)

    def __eq__(self, other):
        return isinstance(other, SeekTable) and self.seekpoints == other.seekpoints

    __hash__ = MetadataBlock.__hash__

    def load(self, data):
        body = data.read()
        size = self._POINT.size
        self.seekpoints = [SeekPoint(*self._POINT.unpack_from(body, offset))
                           for offset in range(0, len(body) - size + 1, size)]

    def write(self):
        return b"".join(self._POINT.pack(*point) for point in self.seekpoints)

    def __repr__(self):
        return "<%s seekpoints=%r>" % (type(self).__name__, self.seekpoints)


class CueSheetTrackIndex(tuple):
    """An index point of a cue sheet track: (index_number, index_offset)."""

    def __new__(cls, index_number, index_offset):
        return super().__new__(cls, (index_number, index_offset))

    index_number = property(lambda self: self[0])
    index_offset = property(lambda self: self[1])


class CueSheetTrack:
    """A track of a cue sheet."""

    def __init__(self, track_number, start_offset, isrc="", type_=0, pre_emphasis=False):
        self.track_number = track_number
        self.start_offset = start_offset
        self.isrc = isrc
        self.type = type_
        self.pre_emphasis = pre_emphasis
        self.indexes = []

    def __eq__(self, other):
        try:
            return (self.track_number == other.track_number
                    and self.start_offset == other.start_offset
                    and self.isrc == other.isrc and self.type == other.type
                    and self.pre_emphasis == other.pre_emphasis
                    and self.indexes == other.indexes)
        except (AttributeError, TypeError):
            return False

    __hash__ = object.__hash__

    def __repr__(self):
        return (("<%s number=%r, offset=%d, isrc=%r, type=%r, "
                 "pre_emphasis=%r, indexes=%r)>") %
                (type(self).__name__, self.track_number, self.start_offset,
                 self.isrc, self.type, self.pre_emphasis, self.indexes))


class CueSheet(MetadataBlock):
    """The CUESHEET block (format: see the FLAC specification)."""

    code = 5
    media_catalog_number = b""
    lead_in_samples = 88200
    compact_disc = True

    # catalog number, lead-in, flags + reserved, track count
    _HEADER = struct.Struct(">128sQB258xB")
    # offset, number, ISRC, flags + reserved, index count
    _TRACK = struct.Struct(">QB12sB13xB")
    # offset, number, reserved
    _INDEX = struct.Struct(">QB3x")

    def __init__(self, data):
        self.tracks = []
        super().__init__(data)

    def __eq__(self, other):
        try:
            return (self.media_catalog_number == other.media_catalog_number
                    and self.lead_in_samples == other.lead_in_samples
                    and self.compact_disc == other.compact_disc
                    and self.tracks == other.tracks)
        except (AttributeError, TypeError):
            return False

    __hash__ = MetadataBlock.__hash__

    def load(self, data):
        def read(layout):
            raw = data.read(layout.size)
            if len(raw) != layout.size:
                raise error("CUESHEET block is truncated")
            return layout.unpack(raw)

        catalog, self.lead_in_samples, flags, track_count = read(self._HEADER)
        self.media_catalog_number = catalog.rstrip(b"\0")
        self.compact_disc = bool(flags & 0x80)
        self.tracks = []
        for _ in range(track_count):
            offset, number, isrc, flags, index_count = read(self._TRACK)
            track = CueSheetTrack(number, offset, isrc.rstrip(b"\0"),
                                  flags >> 7 & 1, bool(flags & 0x40))
            for _ in range(index_count):
                index_offset, index_number = read(self._INDEX)
                track.indexes.append(CueSheetTrackIndex(index_number, index_offset))
            self.tracks.append(track)

    def __repr__(self):
        return (("<%s media_catalog_number=%r, lead_in=%r, compact_disc=%r, "
                 "tracks=%r>") %
                (type(self).__name__, self.media_catalog_number,
                 self.lead_in_samples, self.compact_disc, self.tracks))


class VCFLACDict(VCommentDict):
    """The VORBIS_COMMENT block (Vorbis comments without a framing bit)."""

    code = 4
    _distrust_size = True

    def load(self, data, errors="replace", framing=False):
        super().load(data, errors=errors, framing=framing)

    def write(self, framing=False):
        return super().write(framing=framing)


class Picture(MetadataBlock):
    """The PICTURE block: an embedded image and its description."""

    code = 6
    _distrust_size = True

    def __init__(self, data=None):
        self.type = 0
        self.mime = ""
        self.desc = ""
        self.width = 0
        self.height = 0
        self.depth = 0
        self.colors = 0
        self.data = b""
        super().__init__(data)

    def __eq__(self, other):
        try:
            return all(getattr(self, name) == getattr(other, name) for name in self._FIELDS)
        except AttributeError:
            return False

    __hash__ = MetadataBlock.__hash__

    _FIELDS = ("type", "mime", "desc", "width", "height", "depth", "colors", "data")

    def load(self, data):
        # The block is measured by its contents: leave the stream just past
        # them, whatever follows.
        start = data.tell()
        try:
            fields, consumed = _native.read_flac_picture(data.read())
        except _native.ParseError as e:
            raise error(e.args[2]) from None
        self._set_fields(fields)
        data.seek(start + consumed, 0)

    def _set_fields(self, fields):
        (self.type, self.mime, self.desc, self.width, self.height, self.depth,
         self.colors, self.data) = fields

    def __repr__(self):
        return "<%s '%s' (%d bytes)>" % (type(self).__name__, self.mime, len(self.data))


class Padding(MetadataBlock):
    """The PADDING block: ``length`` zero bytes kept for later growth."""

    code = 1

    def __init__(self, data=b""):
        super().__init__(data)

    def load(self, data):
        self.length = len(data.read())

    def write(self):
        return b"\x00" * self.length

    def __eq__(self, other):
        return isinstance(other, Padding) and self.length == other.length

    __hash__ = MetadataBlock.__hash__

    def __repr__(self):
        return "<%s (%d bytes)>" % (type(self).__name__, self.length)


def _new_block(cls):
    # Blocks decoded by the C core are filled in directly, not re-parsed.
    block = cls.__new__(cls)
    if cls is VCFLACDict:
        list.__init__(block)
    return block


class FLAC(FileType):
    """A FLAC file: ``info`` (StreamInfo), ``tags`` (VCFLACDict or None),
    ``pictures``, ``seektable``, ``cuesheet`` and ``metadata_blocks``."""

    _mimes = ["audio/flac", "audio/x-flac", "application/x-flac"]

    METADATA_BLOCKS = [StreamInfo, Padding, None, SeekTable, VCFLACDict, CueSheet, Picture]

    @staticmethod
    def score(filename, fileobj, header):
        return header.startswith(b"fLaC") + filename.lower().endswith(".flac") * 3

    @property
    def vc(self):
        return self.tags

    def add_tags(self):
        """Add an empty Vorbis comment block."""
        if self.tags is None:
            self.tags = VCFLACDict()
            self.metadata_blocks.append(self.tags)
        else:
            raise FLACVorbisError("a Vorbis comment already exists")

    add_vorbiscomment = add_tags

    @property
    def info(self):
        return self._streaminfo

    @property
    def pictures(self):
        return [block for block in self.metadata_blocks if block.code == Picture.code]

    def clear_pictures(self):
        self.metadata_blocks = [block for block in self.metadata_blocks
                                if block.code != Picture.code]

    def add_picture(self, picture):
        self.metadata_blocks.append(picture)

    @loadfile()
    def load(self, filething):
        self.metadata_blocks = []
        self.tags = None
        self.cuesheet = None
        self.seektable = None
        self.filename = filething.filename
        try:
            if filething.path is not None:
                result = _native.read_flac(filething.path)
            else:
                result = read_file_prefix(filething.fileobj, _native.read_flac)
        except OSError as e:
            raise MutagenError(e)
        except _native.ParseError as e:
            status, _part, message, _offset = e.args
            if status == "not this format":
                raise FLACNoHeaderError(
                    "%r is not a valid FLAC file (%s)" % (filething.name, message)) from None
            raise error(message) from None

        (_flac_offset, _audio_offset, _file_size, length, bitrate,
         streaminfo_fields, blocks) = result
        self._streaminfo = None
        for code, _declared_length, size, payload in blocks:
            if code == StreamInfo.code and self._streaminfo is None:
                block = _new_block(StreamInfo)
                block._set_fields(streaminfo_fields, length)
                block.bitrate = bitrate
                self._streaminfo = block
            elif code == VCFLACDict.code:
                block = _new_block(VCFLACDict)
                block.vendor, block[:] = payload
                block._size = size
                if self.tags is None:
                    self.tags = block
            elif code == Picture.code:
                block = _new_block(Picture)
                block._set_fields(payload)
            elif code == Padding.code:
                block = _new_block(Padding)
                block.length = size
            elif code < len(self.METADATA_BLOCKS) and self.METADATA_BLOCKS[code]:
                block = self.METADATA_BLOCKS[code](payload)
                if code == SeekTable.code:
                    self.seektable = block
                elif code == CueSheet.code:
                    self.cuesheet = block
            else:
                block = MetadataBlock(payload)
            block.code = code
            self.metadata_blocks.append(block)

    def save(self, filething=None, deleteid3=False, padding=None):
        raise NotImplementedError("writing FLAC files is not implemented yet")

    def delete(self, filething=None):
        raise NotImplementedError("writing FLAC files is not implemented yet")


Open = FLAC


def delete(filething):
    """Remove the Vorbis comment block from a FLAC file."""
    FLAC(filething).delete()
