# SPDX-License-Identifier: GPL-2.0-or-later
"""The objects of an ASF header, as mutagen.asf._objects.

Follows Microsoft's "Advanced Systems Format (ASF) Specification" (rev.
01.20.05): every object is a GUID, a 64-bit size (counting its 24-byte
head) and a payload.  The Header Object (30 bytes: GUID, size, object count,
two reserved bytes) holds the top-level objects; the Header Extension Object
holds more of them after 22 bytes of its own.  Parsing an object stores its
payload in ``data`` and puts what it knows into the ASF instance being
loaded: tags into ``asf._tags`` (by object GUID), stream properties into
``asf.info``.  Rendering writes the tag objects from the ``to_*`` attributes
ASF.save fills, every other object as it was read.
"""

import struct
from typing import Dict, Type

from .._tags import PaddingInfo
from .._util import cdata, get_size
from ._attrs import ASFBaseAttribute, ASFUnicodeAttribute
from ._util import CODECS, ASFError, ASFHeaderError, _decode_utf16, bytes2guid, guid2bytes

_OBJECT_HEAD = struct.Struct("<16sQ")  # GUID, size including these 24 bytes
_HEADER_HEAD = struct.Struct("<16sQLBB")  # + object count, two reserved bytes
_METADATA_RECORD = struct.Struct("<HHHHI")  # language, stream, name, type, value sizes

# Reads of the header are made in blocks at least this big: a whole usual
# header in one read, and no allocation bigger than a block for a size field
# that claims more than the file holds.
_READ_BLOCK = 64 * 1024
_MAX_READ = 16 * 1024 * 1024


class BaseObject:
    """An object of the header: its GUID, its payload (``data``) and, for
    container objects, the ``objects`` inside.  Written back as read unless
    a subclass renders it."""

    GUID: bytes
    _TYPES: "Dict[bytes, Type[BaseObject]]" = {}

    def __init__(self):
        self.objects = []
        self.data = b""

    def parse(self, asf, data):
        self.data = data

    def render(self, asf):
        data = self.GUID + struct.pack("<Q", len(self.data) + 24) + self.data
        return data

    def get_child(self, guid):
        for obj in self.objects:
            if obj.GUID == guid:
                return obj
        return None

    @classmethod
    def _register(cls, other):
        cls._TYPES[other.GUID] = other
        return other

    @classmethod
    def _get_object(cls, guid):
        if guid in cls._TYPES:
            return cls._TYPES[guid]()
        return UnknownObject(guid)

    def __repr__(self):
        return "<%s GUID=%s objects=%r>" % (
            type(self).__name__, bytes2guid(self.GUID), self.objects)

    def pprint(self):
        lines = ["%s(%s)" % (type(self).__name__, bytes2guid(self.GUID))]
        for obj in self.objects:
            lines.extend("  " + line for line in obj.pprint().splitlines())
        return "\n".join(lines)


class UnknownObject(BaseObject):
    """An object of a GUID this module does not know, kept as read."""

    def __init__(self, guid):
        super().__init__()
        self.GUID = guid


def _read_upto(fileobj, size):
    """Up to size bytes (fewer at the end of the file), read in blocks so
    that a huge size costs no huge allocation."""
    if size <= _MAX_READ:
        return fileobj.read(size)
    chunks = []
    while size > 0:
        chunk = fileobj.read(min(size, _MAX_READ))
        chunks.append(chunk)
        if len(chunk) < min(size, _MAX_READ):
            break
        size -= len(chunk)
    return b"".join(chunks)


def _read_more(fileobj, buffer, pos, end, unread):
    """(buffer, pos, unread) with buffer[pos:end] read where the file has
    it: the bytes before pos are dropped, and up to a block more of the
    header (whose unread bytes are ``unread``, 0 once the file ended) is
    read ahead, since the next objects are there."""
    if unread <= 0:
        return buffer, pos, 0
    want = max(end - len(buffer), min(unread, _READ_BLOCK))
    more = _read_upto(fileobj, want)
    unread = unread - len(more) if len(more) == want else 0
    return buffer[pos:] + more, 0, unread


@BaseObject._register
class HeaderObject(BaseObject):
    """The Header Object, which holds all the other header objects."""

    GUID = guid2bytes("75B22630-668E-11CF-A6D9-00AA0062CE6C")

    @classmethod
    def parse_full(cls, asf, fileobj):
        """Read the header from ``fileobj`` (at its start), parsing each
        object into ``asf``; ASFHeaderError when it is damaged."""

        header = cls()

        remaining_header, num_objects = cls.parse_size(fileobj)
        remaining_header -= 30
        # The objects are read one after the other, with the checks mutagen
        # makes, from a buffer: one read when the header is small.
        buffer, pos, unread = _read_more(fileobj, b"", 0, 0, remaining_header)

        for _ in range(num_objects):
            if remaining_header < 24:
                raise ASFHeaderError("invalid header size")
            if pos + 24 > len(buffer):
                buffer, pos, unread = _read_more(fileobj, buffer, pos, pos + 24, unread)
                if pos + 24 > len(buffer):
                    raise ASFHeaderError("truncated")
            remaining_header -= 24

            guid, size = _OBJECT_HEAD.unpack_from(buffer, pos)
            pos += 24
            obj = BaseObject._get_object(guid)

            payload_size = size - 24
            if remaining_header < payload_size:
                raise ASFHeaderError("invalid object size")
            if payload_size < 0:
                # Smaller than its own head.  mutagen asks the file object
                # for that negative count: a file refuses it (ValueError)
                # unless it is -1, other file objects give the rest.
                fileobj.read(payload_size)
                raise ASFHeaderError("truncated")
            remaining_header -= payload_size

            end = pos + payload_size
            if end > len(buffer):
                buffer, pos, unread = _read_more(fileobj, buffer, pos, end, unread)
                end = pos + payload_size
                if end > len(buffer):
                    raise ASFHeaderError("truncated")
            data = buffer[pos:end]
            pos = end

            try:
                obj.parse(asf, data)
            except cdata.error:
                raise ASFHeaderError("truncated")
            header.objects.append(obj)

        return header

    @classmethod
    def parse_size(cls, fileobj):
        """(header size, object count) from the 30 bytes at the file
        position; ASFHeaderError when they are not an ASF header."""

        header = fileobj.read(30)
        if len(header) != 30 or header[:16] != HeaderObject.GUID:
            raise ASFHeaderError("Not an ASF file.")

        return struct.unpack("<QL", header[16:28])

    def render_full(self, asf, fileobj, available, padding_func):
        # The padding objects read are dropped: one is written, at the end,
        # sized from the room left.
        objects = [obj for obj in self.objects if obj.GUID != PaddingObject.GUID]
        data = b"".join(obj.render(asf) for obj in objects)

        # + 30 for the header's own head, + 24 for the padding object's.
        needed_size = len(data) + 30 + 24
        content_size = get_size(fileobj) - available
        if content_size < 0:
            # The old header claims more than the file holds.
            raise ASFHeaderError("truncated content")
        info = PaddingInfo(available - needed_size, content_size)
        padding = info._get_padding(padding_func)

        padding_obj = PaddingObject()
        padding_obj.parse(asf, b"\x00" * padding)
        data += padding_obj.render(asf)

        return _HEADER_HEAD.pack(self.GUID, len(data) + 30, len(objects) + 1, 1, 2) + data

    def parse(self, asf, data):
        raise NotImplementedError

    def render(self, asf):
        raise NotImplementedError


@BaseObject._register
class ContentDescriptionObject(BaseObject):
    """The Content Description Object: title, author, copyright,
    description and rating."""

    GUID = guid2bytes("75B22633-668E-11CF-A6D9-00AA0062CE6C")

    NAMES = [
        "Title",
        "Author",
        "Copyright",
        "Description",
        "Rating",
    ]

    def parse(self, asf, data):
        super().parse(asf, data)
        lengths = struct.unpack("<HHHHH", data[:10])
        texts = []
        pos = 10
        for length in lengths:
            end = pos + length
            # An empty field (no terminator either) is no tag at all.
            if length > 0:
                texts.append(_decode_utf16(data[pos:end]).strip("\x00"))
            else:
                texts.append(None)
            pos = end

        for key, value in zip(self.NAMES, texts):
            if value is not None:
                value = ASFUnicodeAttribute(value=value)
                asf._tags.setdefault(self.GUID, []).append((key, value))

    def render(self, asf):
        def render_text(name):
            value = asf.to_content_description.get(name)
            if value is not None:
                return str(value).encode("utf-16-le") + b"\x00\x00"
            return b""

        texts = [render_text(x) for x in self.NAMES]
        data = struct.pack("<HHHHH", *map(len, texts)) + b"".join(texts)
        return self.GUID + struct.pack("<Q", 24 + len(data)) + data


@BaseObject._register
class ExtendedContentDescriptionObject(BaseObject):
    """The Extended Content Description Object: named attributes of the
    whole file."""

    GUID = guid2bytes("D2D0A440-E307-11D2-97F0-00A0C95EA850")

    def parse(self, asf, data):
        super().parse(asf, data)
        num_attributes, = struct.unpack("<H", data[0:2])
        pos = 2
        for _ in range(num_attributes):
            name_length, = struct.unpack("<H", data[pos:pos + 2])
            pos += 2
            name = _decode_utf16(data[pos:pos + name_length]).strip("\x00")
            pos += name_length
            value_type, value_length = struct.unpack("<HH", data[pos:pos + 4])
            pos += 4
            value = data[pos:pos + value_length]
            pos += value_length

            attr = ASFBaseAttribute._get_type(value_type)(data=value)
            asf._tags.setdefault(self.GUID, []).append((name, attr))

    def render(self, asf):
        attrs = asf.to_extended_content_description.items()
        data = b"".join(attr.render(name) for (name, attr) in attrs)
        data = struct.pack("<QH", 26 + len(data), len(attrs)) + data
        return self.GUID + data


@BaseObject._register
class FilePropertiesObject(BaseObject):
    """The File Properties Object: the play duration and preroll."""

    GUID = guid2bytes("8CABDCA1-A947-11CF-8EE4-00C00C205365")

    def parse(self, asf, data):
        super().parse(asf, data)
        # Play duration (100 ns units), send duration, preroll (ms), after
        # the file ID, file size, creation date and packet count.
        if len(data) < 64:
            raise ASFError("invalid field property entry")
        length, _, preroll = struct.unpack("<QQQ", data[40:64])
        # The play duration includes the preroll.
        asf.info.length = max((length / 10000000.0) - (preroll / 1000.0), 0.0)


@BaseObject._register
class StreamPropertiesObject(BaseObject):
    """The Stream Properties Object: channels, sample rate and bitrate of
    an audio stream."""

    GUID = guid2bytes("B7DC0791-A9B7-11CF-8EE6-00C00C205365")

    def parse(self, asf, data):
        super().parse(asf, data)
        # The type-specific data starts at 54: a WAVEFORMATEX for audio
        # (codec id, channels, sample rate, average bytes per second).
        channels, sample_rate, bitrate = struct.unpack("<HII", data[56:66])
        asf.info.channels = channels
        asf.info.sample_rate = sample_rate
        asf.info.bitrate = bitrate * 8


@BaseObject._register
class CodecListObject(BaseObject):
    """The Codec List Object: the codecs the streams use."""

    GUID = guid2bytes("86D15240-311D-11D0-A3A4-00A0C90348F6")

    def _parse_entry(self, data, offset):
        """(offset after it, type, name, description, codec type name) of the
        Codec List entry at ``offset``; cdata.error when ``data`` ends
        early."""

        type_, offset = cdata.uint16_le_from(data, offset)

        units, offset = cdata.uint16_le_from(data, offset)
        # A length in UTF-16 code units.
        next_offset = offset + units * 2
        name = _codec_text(data[offset:next_offset])
        offset = next_offset

        units, offset = cdata.uint16_le_from(data, offset)
        next_offset = offset + units * 2
        desc = _codec_text(data[offset:next_offset])
        offset = next_offset

        bytes_, offset = cdata.uint16_le_from(data, offset)
        next_offset = offset + bytes_
        codec = ""
        # For audio, the codec information is the WAVE format tag.
        if bytes_ == 2:
            codec_id = cdata.uint16_le(data[offset:next_offset])
            if codec_id in CODECS:
                codec = CODECS[codec_id]
        offset = next_offset

        return offset, type_, name, desc, codec

    def parse(self, asf, data):
        super().parse(asf, data)

        offset = 16
        count, offset = cdata.uint32_le_from(data, offset)
        for _ in range(count):
            try:
                offset, type_, name, desc, codec = self._parse_entry(data, offset)
            except cdata.error:
                raise ASFError("invalid codec entry")

            # The first audio codec describes the file.
            if type_ == 2:
                asf.info.codec_type = codec
                asf.info.codec_name = name
                asf.info.codec_description = desc
                return


def _codec_text(data):
    """A name in the codec list: NULs and spaces around it dropped; one
    that is no UTF-16 is empty."""
    try:
        return _decode_utf16(data).strip("\x00").strip()
    except UnicodeDecodeError:
        return ""


@BaseObject._register
class PaddingObject(BaseObject):
    """The Padding Object: zero bytes left for the header to grow."""

    GUID = guid2bytes("1806D474-CADF-4509-A4BA-9AABCB96AAE8")


@BaseObject._register
class StreamBitratePropertiesObject(BaseObject):
    """The Stream Bitrate Properties Object, kept as read."""

    GUID = guid2bytes("7BF875CE-468D-11D1-8D82-006097C9A2B2")


@BaseObject._register
class ContentEncryptionObject(BaseObject):
    """The Content Encryption Object (DRM), kept as read."""

    GUID = guid2bytes("2211B3FB-BD23-11D2-B4B7-00A0C955FC6E")


@BaseObject._register
class ExtendedContentEncryptionObject(BaseObject):
    """The Extended Content Encryption Object (DRM), kept as read."""

    GUID = guid2bytes("298AE614-2622-4C17-B935-DAE07EE9289C")


@BaseObject._register
class HeaderExtensionObject(BaseObject):
    """The Header Extension Object: more objects (among them the Metadata
    and Metadata Library) after its reserved fields."""

    GUID = guid2bytes("5FBF03B5-A92E-11CF-8EE3-00C00C205365")

    # Reserved Field 1 (a GUID) and Reserved Field 2, as the specification
    # requires them to be.
    _RESERVED = guid2bytes("ABD3D211-A9BA-11CF-8EE6-00C00C205365") + b"\x06\x00"

    def parse(self, asf, data):
        super().parse(asf, data)
        datasize, = struct.unpack("<I", data[18:22])
        datapos = 0
        while datapos < datasize:
            guid, size = _OBJECT_HEAD.unpack(data[22 + datapos:22 + datapos + 24])
            # A zero size would read the same object forever.
            if size < 1:
                raise ASFHeaderError("invalid size in header extension")
            obj = BaseObject._get_object(guid)
            obj.parse(asf, data[22 + datapos + 24:22 + datapos + size])
            self.objects.append(obj)
            datapos += size

    def render(self, asf):
        # Padding is written once, at the end of the whole header.
        data = b"".join(obj.render(asf) for obj in self.objects
                        if obj.GUID != PaddingObject.GUID)
        return (self.GUID + struct.pack("<Q", 24 + 16 + 6 + len(data))
                + self._RESERVED + struct.pack("<I", len(data)) + data)


def _parse_metadata_records(obj, asf, data, with_language):
    """The records of a Metadata or Metadata Library object into
    asf._tags; the first field is the language index, which the Metadata
    object reserves."""
    num_attributes, = struct.unpack("<H", data[0:2])
    pos = 2
    for _ in range(num_attributes):
        (language, stream, name_length, value_type,
         value_length) = _METADATA_RECORD.unpack(data[pos:pos + 12])
        pos += 12
        name = data[pos:pos + name_length]
        pos += name_length
        value = data[pos:pos + value_length]
        pos += value_length

        name = _decode_utf16(name).strip("\x00")
        args = {"data": value, "stream": stream}
        if with_language:
            args["language"] = language
        # A BOOL is a WORD here, not a DWORD as in the extended description.
        if value_type == 2:
            args["dword"] = False
        attr = ASFBaseAttribute._get_type(value_type)(**args)
        asf._tags.setdefault(obj.GUID, []).append((name, attr))


@BaseObject._register
class MetadataObject(BaseObject):
    """The Metadata Object (in the Header Extension): attributes that
    belong to one stream."""

    GUID = guid2bytes("C5F8CBEA-5BAF-4877-8467-AA8C44FA4CCA")

    def parse(self, asf, data):
        super().parse(asf, data)
        _parse_metadata_records(self, asf, data, False)

    def render(self, asf):
        attrs = asf.to_metadata.items()
        data = b"".join([attr.render_m(name) for (name, attr) in attrs])
        return (self.GUID + struct.pack("<QH", 26 + len(data), len(attrs)) + data)


@BaseObject._register
class MetadataLibraryObject(BaseObject):
    """The Metadata Library Object (in the Header Extension): the
    attributes no other tag object can hold (those with a language, GUIDs,
    values over 64 KiB, repeated names)."""

    GUID = guid2bytes("44231C94-9498-49D1-A141-1D134E457054")

    def parse(self, asf, data):
        super().parse(asf, data)
        _parse_metadata_records(self, asf, data, True)

    def render(self, asf):
        attrs = asf.to_metadata_library
        data = b"".join([attr.render_ml(name) for (name, attr) in attrs])
        return (self.GUID + struct.pack("<QH", 26 + len(data), len(attrs)) + data)
