# SPDX-License-Identifier: GPL-2.0-or-later
"""Read and write ASF (Window Media Audio) files.

Follows Microsoft's "Advanced Systems Format (ASF) Specification": the
metadata sits in the Header Object at the start of the file (see _objects).
Tags are read from four objects, in this order: Content Description (five
fixed text fields), Extended Content Description (named attributes),
Metadata (attributes of one stream) and Metadata Library (attributes with a
language, and large ones).  Saving puts every attribute into the first of
those objects that can hold it, as mutagen does, and rewrites the header with
a Padding Object at its end.
"""

from .._file import FileType, StreamInfo
from .._tags import Tags
from .._util import DictMixin, convert_error, loadfile, resize_bytes
# Everything below is also a name of this module in mutagen (re-exported).
from . import _attrs, _objects, _util  # noqa: F401
from ._attrs import (ASFBaseAttribute, ASFBoolAttribute, ASFByteArrayAttribute,
                     ASFDWordAttribute, ASFGUIDAttribute, ASFQWordAttribute,
                     ASFUnicodeAttribute, ASFValue, ASFWordAttribute)
from ._objects import (ContentDescriptionObject, ExtendedContentDescriptionObject,
                       HeaderExtensionObject, HeaderObject, MetadataLibraryObject,
                       MetadataObject)
from ._util import ASFError, ASFHeaderError, error

__all__ = ["ASF", "Open"]

# The attribute data types (ASFValue's kind).
UNICODE = ASFUnicodeAttribute.TYPE
BYTEARRAY = ASFByteArrayAttribute.TYPE
BOOL = ASFBoolAttribute.TYPE
DWORD = ASFDWordAttribute.TYPE
QWORD = ASFQWordAttribute.TYPE
WORD = ASFWordAttribute.TYPE
GUID = ASFGUIDAttribute.TYPE

# Objects a tag can be read from, in the order ASFTags lists their tags.
_TAG_OBJECTS = [ContentDescriptionObject, ExtendedContentDescriptionObject,
                MetadataObject, MetadataLibraryObject]

# Values above this size only fit the Metadata Library (its value sizes are
# 32-bit; the other objects have 16 bits).
_MAX_SHORT_VALUE = 0xFFFF


class ASFInfo(StreamInfo):
    """What the header says about the audio.  ``length`` is the play
    duration less the preroll, in seconds (File Properties); ``channels``,
    ``sample_rate`` (Hz) and ``bitrate`` (bits per second) come from the
    audio format of the last Stream Properties Object read.  The Codec
    List's first audio entry gives ``codec_name`` and ``codec_description``
    (trimmed), and ``codec_type``, the name of its WAVE format tag ("" when
    the tag is not known).  Each is 0 or "" when the header lacks the
    object."""

    length = 0.0
    sample_rate = 0
    bitrate = 0
    channels = 0
    codec_type = ""
    codec_name = ""
    codec_description = ""

    def __init__(self):
        self.length = 0.0
        self.sample_rate = 0
        self.bitrate = 0
        self.channels = 0
        self.codec_type = ""
        self.codec_name = ""
        self.codec_description = ""

    def pprint(self):
        """One line: codec, bitrate, sample rate, channels and length."""
        s = "ASF (%s) %d bps, %s Hz, %d channels, %.2f seconds" % (
            self.codec_type or self.codec_name or "???", self.bitrate,
            self.sample_rate, self.channels, self.length)
        return s


class ASFTags(list, DictMixin, Tags):
    """The attributes of the file, as a list of (name, value) pairs that
    also works like a dict from a name to the list of its values.  The
    values are ASF attribute objects (see _attrs); a name may occur more
    than once."""

    def __getitem__(self, key):
        """The values of the key, as a new list (a slice: the pairs)."""
        if isinstance(key, slice):
            return list.__getitem__(self, key)

        values = [value for (k, value) in self if k == key]
        if not values:
            raise KeyError(key)
        return values

    def __delitem__(self, key):
        """Delete all values of the key (a slice: the pairs)."""
        if isinstance(key, slice):
            return list.__delitem__(self, key)

        kept = [pair for pair in self if pair[0] != key]
        if len(kept) == len(self):
            raise KeyError(key)
        self[:] = kept

    def __contains__(self, key):
        """True when some (key, value) pair has this key."""
        for k, value in self:
            if k == key:
                return True
        return False

    def __setitem__(self, key, values):
        """Replace the values of the key with values: one value or a list
        of them, each an ASF attribute or a str (UNICODE), bytes
        (BYTEARRAY), bool (BOOL) or int (DWORD).  The pairs go to the end.
        (A slice sets pairs.)"""
        if isinstance(key, slice):
            return list.__setitem__(self, key, values)

        if not isinstance(values, list):
            values = [values]

        # Convert them all first: a bad value leaves the old ones in place.
        to_append = []
        for value in values:
            if not isinstance(value, ASFBaseAttribute):
                if isinstance(value, str):
                    value = ASFUnicodeAttribute(value)
                elif isinstance(value, bytes):
                    value = ASFByteArrayAttribute(value)
                elif isinstance(value, bool):
                    value = ASFBoolAttribute(value)
                elif isinstance(value, int):
                    value = ASFDWordAttribute(value)
                else:
                    raise TypeError("Invalid type %r" % type(value))
            to_append.append((key, value))

        try:
            del self[key]
        except KeyError:
            pass

        self.extend(to_append)

    def keys(self):
        """The keys, as a set."""
        return set(k for k, value in self)

    def as_dict(self):
        """The tags as a dict of key -> list of values."""
        d = {}
        for key, value in self:
            d.setdefault(key, []).append(value)
        return d

    def pprint(self):
        """The tags as text, one ``key=value`` line per pair."""
        return "\n".join("%s=%s" % (k, v) for k, v in self)


class ASF(FileType):
    """A file in Microsoft's Advanced Systems Format (usually .wma or
    .wmv), read from ``filething``: ``info`` (ASFInfo) and ``tags``
    (ASFTags, present even when the file has none)."""

    _mimes = ["audio/x-ms-wma", "audio/x-ms-wmv", "video/x-ms-asf",
              "audio/x-wma", "video/x-wmv"]

    info = None
    tags = None

    @convert_error(IOError, error)
    @loadfile()
    def load(self, filething):
        """Parse the header of ``filething``: the stream information and
        the attributes of its four tag objects.  A file that is no ASF or a
        damaged header raises an error of this module."""
        self.filename = filething.filename
        self.info = ASFInfo()
        self.tags = ASFTags()
        # The tag objects add their pairs here, by object GUID.
        self._tags = {}

        self._header = HeaderObject.parse_full(self, filething.fileobj)

        for obj_class in _TAG_OBJECTS:
            self.tags.extend(self._tags.pop(obj_class.GUID, []))

    @convert_error(IOError, error)
    @loadfile(writable=True)
    def save(self, filething=None, padding=None):
        """Write the tags into the header of ``filething`` (by default the
        file loaded), every tag object included even if empty, and end the
        header with one Padding Object whose size ``padding`` (a function of
        a PaddingInfo) may choose."""
        self._save(filething, padding)

    def _save(self, filething, padding):
        self._sort_attributes()

        # Every tag object is written, empty or not.
        header = self._header
        for obj_class in (ContentDescriptionObject, ExtendedContentDescriptionObject,
                          HeaderExtensionObject):
            if header.get_child(obj_class.GUID) is None:
                header.objects.append(obj_class())
        extension = header.get_child(HeaderExtensionObject.GUID)
        for obj_class in (MetadataObject, MetadataLibraryObject):
            if extension.get_child(obj_class.GUID) is None:
                extension.objects.append(obj_class())

        # The header of the file written to, read where its file object
        # stands (as mutagen does), is replaced by the new one.
        fileobj = filething.fileobj
        old_size = header.parse_size(fileobj)[0]
        data = header.render_full(self, fileobj, old_size, padding)
        resize_bytes(fileobj, old_size, len(data), 0)
        fileobj.seek(0)
        fileobj.write(data)

    def _sort_attributes(self):
        """Choose the object each tag is written to (the ``to_*``
        attributes): the first of Content Description (its five names,
        text, once each), Extended Content Description (once per name),
        Metadata (values with a stream, once per name) and Metadata
        Library (everything else: languages, GUIDs, large values, repeats)
        that can hold it."""
        self.to_content_description = {}
        self.to_extended_content_description = {}
        self.to_metadata = {}
        self.to_metadata_library = []
        for name, value in self.tags:
            library_only = (value.data_size() > _MAX_SHORT_VALUE or value.TYPE == GUID)
            can_cont_desc = value.TYPE == UNICODE

            if library_only or value.language is not None:
                self.to_metadata_library.append((name, value))
            elif value.stream is not None:
                if name not in self.to_metadata:
                    self.to_metadata[name] = value
                else:
                    self.to_metadata_library.append((name, value))
            elif name in ContentDescriptionObject.NAMES:
                if name not in self.to_content_description and can_cont_desc:
                    self.to_content_description[name] = value
                else:
                    self.to_metadata_library.append((name, value))
            else:
                if name not in self.to_extended_content_description:
                    self.to_extended_content_description[name] = value
                else:
                    self.to_metadata_library.append((name, value))

    def add_tags(self):
        # An ASF file always has its (possibly empty) tags.
        raise ASFError

    @convert_error(IOError, error)
    @loadfile(writable=True)
    def delete(self, filething=None):
        """Clear the tags and write the header back with empty tag objects
        and no padding left over."""
        self.tags.clear()
        self._save(filething, lambda info: 0)

    @staticmethod
    def score(filename, fileobj, header):
        return header.startswith(HeaderObject.GUID) * 2


Open = ASF
