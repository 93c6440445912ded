# SPDX-License-Identifier: GPL-2.0-or-later
"""FLAC files: STREAMINFO, Vorbis comments, pictures and the other
metadata blocks (https://xiph.org/flac/format.html).

The C core walks the metadata blocks and decodes STREAMINFO, the Vorbis
comment and the pictures; this module turns its result into mutagen's
classes.  Seek tables and cue sheets are decoded here from their bytes.

Saving renders every block (and the padding after them) before the file is
first changed, then resizes the metadata region in place and writes it, so
a bad value, a failing ``padding`` callback or a full disk leaves the file
as it was.
"""

import os
import struct
from io import BytesIO
from operator import attrgetter

from . import _native
from ._file import FileType, StreamInfo as _StreamInfoBase
from ._tags import PaddingInfo
from ._util import (MutagenError, bytesio_contents, convert_error, loadfile, read_file_prefix,
                    resize_bytes)
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


_pack_u32 = struct.Struct(">I").pack


def _uint_bytes(value, count):
    """The last ``count`` bytes of ``value`` as a big-endian u32: wider
    values lose their high bits, negative ones raise struct.error (the
    fields of STREAMINFO are written this way, as mutagen does)."""
    return _pack_u32(value)[4 - count:]


class MetadataBlock:
    """A metadata block this module does not interpret: ``data`` holds its
    bytes.  Subclasses decode their own block type."""

    # VORBIS_COMMENT and PICTURE blocks are measured by their contents on
    # load; one whose contents overflow the 24-bit length field remembers
    # the length its header claimed, and is written back with it.
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

    @classmethod
    def _block_parts(cls, block, is_last=False):
        """(header, body) of the block: the 4-byte header holds the
        last-block flag and type code, then the body's length in 24 bits."""
        body = block.write()
        size = len(body)
        if size > cls._MAX_SIZE:
            if block._distrust_size and block._invalid_overflow_size != -1:
                size = block._invalid_overflow_size
            else:
                raise error("block is too long to write")
        code = block.code | 0x80 if is_last else block.code
        return bytes((code,)) + _uint_bytes(size, 3), body

    @classmethod
    def _render(cls, blocks, available, cont_size, padding_func):
        """The pieces of _writeblocks' result, in order: joined once by the
        caller, so a large picture is copied once, not once per step."""
        parts = []
        size = 0
        for block in blocks:
            if not isinstance(block, Padding):
                header, body = cls._block_parts(block)
                parts += (header, body)
                size += 4 + len(body)
        # The new padding block's header counts against the room.
        info = PaddingInfo(available - size - 4, cont_size)
        padding = Padding()
        padding.length = max(0, min(info._get_padding(padding_func), cls._MAX_SIZE))
        parts += cls._block_parts(padding, is_last=True)
        return parts

    @classmethod
    def _writeblock(cls, block, is_last=False):
        """The block with its header."""
        return bytearray().join(cls._block_parts(block, is_last))

    @classmethod
    def _writeblocks(cls, blocks, available, cont_size, padding_func):
        """All blocks but the padding ones, then one PADDING block, last.

        ``available`` is the room the old blocks took and ``cont_size`` the
        size of the data after them: the padding is whatever
        ``padding_func`` (or the default policy) makes of the room left,
        within what a block can hold."""
        return bytearray().join(cls._render(blocks, available, cont_size, padding_func))


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

    def write(self):
        # Fields narrower than their values keep their low bits, as
        # mutagen writes them.
        sample_rate = self.sample_rate
        bits = self.bits_per_sample - 1
        total = self.total_samples
        md5 = self.md5_signature
        return b"".join((
            _uint_bytes(self.min_blocksize, 2),
            _uint_bytes(self.max_blocksize, 2),
            _uint_bytes(self.min_framesize, 3),
            _uint_bytes(self.max_framesize, 3),
            # 20 bits of sample rate, 3 of channels - 1, 5 of bits per
            # sample - 1, 36 of total samples.
            _uint_bytes(sample_rate >> 4, 2),
            bytes((((sample_rate & 0xF) << 4) | (((self.channels - 1) & 7) << 1)
                   | ((bits >> 4) & 1),
                   ((bits & 0xF) << 4) | ((total >> 32) & 0xF))),
            _pack_u32(total & 0xFFFFFFFF),
            bytes((md5 >> shift) & 0xFF for shift in range(120, -8, -8)),
        ))

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
        body = memoryview(data.read())
        whole = len(body) - len(body) % self._POINT.size  # a partial point is dropped
        new = tuple.__new__
        self.seekpoints = [new(SeekPoint, point)
                           for point in self._POINT.iter_unpack(body[:whole])]

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

    def write(self):
        parts = [self._HEADER.pack(self.media_catalog_number, self.lead_in_samples,
                                   0x80 if self.compact_disc else 0, len(self.tracks))]
        for track in self.tracks:
            flags = ((track.type & 1) << 7) | (0x40 if track.pre_emphasis else 0)
            parts.append(self._TRACK.pack(track.start_offset, track.track_number,
                                          track.isrc, flags, len(track.indexes)))
            parts.extend(self._INDEX.pack(index.index_offset, index.index_number)
                         for index in track.indexes)
        return b"".join(parts)

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

    def write(self):
        mime = self.mime.encode("utf-8")
        desc = self.desc.encode("utf-8")
        return b"".join((
            _pack_u32(self.type), _pack_u32(len(mime)), mime,
            _pack_u32(len(desc)), desc,
            struct.pack(">IIII", self.width, self.height, self.depth, self.colors),
            _pack_u32(len(self.data)), self.data,
        ))

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

    def __init__(self, *args, **kwargs):
        # FLAC(path) and FLAC(BytesIO), the commonest calls, build the
        # objects in one C call; anything else, or a file that call leaves
        # to Python, goes the general way, which decides.
        if len(args) == 1 and self.__class__ is FLAC:
            source = args[0]
            if source.__class__ is str and not kwargs:
                try:
                    if _native.load_flac(self, source, _NATIVE_SPEC):
                        return
                except (_native.ParseError, OSError, MemoryError):
                    pass
            elif (source.__class__ is BytesIO and kwargs.keys() <= {"filename"}
                    and _load_bytesio(self, source, kwargs.get("filename"))):
                return
        super().__init__(*args, **kwargs)

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

    # Read for every file: C getters, no Python frame.
    info = property(attrgetter("_streaminfo"))
    # The PICTURE blocks of metadata_blocks (code 6), as a new list.
    pictures = property(_native.flac_pictures)

    def clear_pictures(self):
        self.metadata_blocks = [block for block in self.metadata_blocks
                                if block.code != Picture.code]

    def add_picture(self, picture):
        self.metadata_blocks.append(picture)

    @loadfile()
    def load(self, filething):
        # A BytesIO into an instance holding nothing yet (FLAC().load(f))
        # in one C call, as FLAC(f) is.
        if (not self.__dict__ and self.__class__ is FLAC
                and filething.fileobj.__class__ is BytesIO
                and _load_bytesio(self, filething.fileobj, filething.filename)):
            return
        self.metadata_blocks = []
        self.tags = None
        self.cuesheet = None
        self.seektable = None
        self.filename = filething.filename
        try:
            if filething.path is not None:
                try:
                    result = _native.read_flac(filething.path)
                except OSError as e:
                    # Mostly a file that cannot be opened: mutagen's
                    # loadfile raises a plain MutagenError there.
                    raise MutagenError(e)
            else:
                fileobj = filething.fileobj
                start = fileobj.tell()
                result = read_file_prefix(fileobj, _native.read_flac)
                # where mutagen's load leaves the file: at its end when
                # the stream has a length (it then works out the bitrate),
                # else after the metadata blocks
                if result[3]:
                    fileobj.seek(0, 2)
                else:
                    fileobj.seek(start + result[1])
        except OSError as e:
            raise error(e)
        except _native.ParseError as e:
            raise _parse_error(e, filething.name) from None

        (_flac_offset, _audio_offset, _file_size, length, bitrate,
         streaminfo_fields, blocks) = result
        self._streaminfo = None
        for code, declared_length, size, payload in blocks:
            if code == StreamInfo.code and self._streaminfo is None:
                block = _new_block(StreamInfo)
                block._set_fields(streaminfo_fields, length)
                block.bitrate = bitrate
                self._streaminfo = block
            elif code == VCFLACDict.code:
                block = _new_block(VCFLACDict)
                block.vendor, block[:] = payload
                block._size = size
                if size > MetadataBlock._MAX_SIZE:
                    block._invalid_overflow_size = declared_length
                if self.tags is None:
                    self.tags = block
            elif code == Picture.code:
                block = _new_block(Picture)
                block._set_fields(payload)
                if size > MetadataBlock._MAX_SIZE:
                    block._invalid_overflow_size = declared_length
            elif code == Padding.code:
                block = _new_block(Padding)
                block.length = size
            elif code < len(self.METADATA_BLOCKS) and self.METADATA_BLOCKS[code]:
                block = self.METADATA_BLOCKS[code](payload)
                # A stream has at most one seek table and one cue sheet.
                if code == SeekTable.code:
                    if self.seektable is not None:
                        raise error("> 1 SeekTable block found")
                    self.seektable = block
                elif code == CueSheet.code:
                    if self.cuesheet is not None:
                        raise error("> 1 CueSheet block found")
                    self.cuesheet = block
            else:
                block = MetadataBlock(payload)
            block.code = code
            self.metadata_blocks.append(block)

    @convert_error(IOError, error)
    @loadfile(writable=True)
    def save(self, filething=None, deleteid3=False, padding=None):
        """Write the metadata blocks to the file (by default the one
        loaded), with one padding block at the end sized by ``padding`` (a
        function of a PaddingInfo).  An ID3v2 tag in front of the FLAC
        stream is kept unless ``deleteid3``, which also drops an ID3v1 tag
        at the end."""
        self._save(filething, self.metadata_blocks, deleteid3, padding)

    @convert_error(IOError, error)
    @loadfile(writable=True)
    def delete(self, filething=None):
        """Remove the Vorbis comment blocks from the file, and clear the
        tags (which stay, empty, for a later save)."""
        if self.tags is None:
            return
        kept = [block for block in self.metadata_blocks if block.code != VCFLACDict.code]
        # A deleted tag gives its room back: no padding is left for it.
        self._save(filething, kept, False, lambda info: 0)
        # Only the first comment block stays (as self.tags), empty.
        self.metadata_blocks = [block for block in self.metadata_blocks
                                if block.code != VCFLACDict.code or block is self.tags]
        self.tags.clear()

    def _save(self, filething, metadata_blocks, deleteid3, padding):
        f = filething.fileobj
        flac_offset, audio_offset, file_size = _find_layout(filething)

        # The region rewritten: from "fLaC" (or the file's start, dropping
        # the ID3v2 tag) to the audio.
        start = 0 if deleteid3 else flac_offset
        old_size = audio_offset - start
        cont_size = file_size - audio_offset
        data = b"".join([b"fLaC"] + MetadataBlock._render(
            metadata_blocks, old_size - 4, cont_size, padding))

        # An ID3v1 tag is the last 128 bytes of the file as saved, when
        # they start with "TAG".  Known before anything is written.
        cut_v1 = False
        if deleteid3 and len(data) + cont_size >= 128:
            if cont_size >= 128:
                f.seek(file_size - 128)
                tail = f.read(3)
            else:
                f.seek(audio_offset)
                tail = (data + f.read(cont_size))[-128:-125]
            cut_v1 = tail == b"TAG"

        resize_bytes(f, old_size, len(data), start)
        f.seek(start)
        f.write(data)
        if cut_v1:
            f.seek(-128, 2)
            f.truncate()
        f.flush()


# The classes _native.load_flac builds FLAC.load's objects of.
_NATIVE_SPEC = (StreamInfo, Padding, SeekTable, VCFLACDict, CueSheet, Picture, MetadataBlock,
                SeekPoint, CueSheetTrack, CueSheetTrackIndex)


def _load_bytesio(flac, fileobj, filename):
    """FLAC.load of an io.BytesIO at its start, in one C call over its
    contents (_util.bytesio_contents); False: the general way must
    decide."""
    contents = bytesio_contents(fileobj)
    if contents is None:
        return False
    try:
        if not _native.load_flac(flac, contents, _NATIVE_SPEC, filename):
            return False
    except (_native.ParseError, MemoryError):
        return False
    if not flac._streaminfo.length:
        # mutagen's load leaves the file after the metadata blocks, an
        # offset load_flac does not give: the general way finds it
        flac.__dict__.clear()
        return False
    fileobj.seek(0, 2)  # where mutagen's load leaves it
    return True


def _parse_error(e, name):
    """The exception for a _native.ParseError from reading a FLAC file."""
    status, _part, message, _offset = e.args
    if status == "not this format":
        return FLACNoHeaderError("%r is not a valid FLAC file (%s)" % (name, message))
    return error(message)


def _is_file_at(fileobj, path):
    """Whether fileobj is an open file of the file system named path."""
    if path is None or getattr(fileobj, "name", None) != path:
        return False
    try:
        return os.path.samestat(os.fstat(fileobj.fileno()), os.stat(path))
    except (OSError, AttributeError, ValueError):
        return False


def _find_layout(filething):
    """(offset of "fLaC", offset of the audio, file size) of the FLAC file
    a save writes to, its blocks measured as on load."""
    fileobj = filething.fileobj
    path = filething.filename
    try:
        if _is_file_at(fileobj, path):
            # The file loadfile opened by name: the C reader reads it by
            # that name (one open and pread, twice as fast as feeding it
            # through the buffered file object).
            fileobj.flush()
            result = _native.read_flac(path)
        else:
            fileobj.seek(0)
            result = read_file_prefix(fileobj, _native.read_flac)
    except _native.ParseError as e:
        raise _parse_error(e, filething.name) from None
    return result[0], result[1], result[2]


Open = FLAC


@convert_error(IOError, error)
@loadfile(method=False, writable=True)
def delete(filething):
    """Remove the Vorbis comment blocks from a FLAC file."""
    f = FLAC(filething.fileobj)
    f.delete(filething.fileobj)
