# SPDX-License-Identifier: GPL-2.0-or-later
"""ASF attribute values (the values of ASFTags), as mutagen.asf._attrs.

An ASF attribute is a name, a data type and the data; the Extended Content
Description, Metadata and Metadata Library objects store them, each in its
own record layout (render, render_m and render_ml below).  The data types
(ASF specification, 3.11): 0 UTF-16-LE text ended by a NUL, 1 bytes, 2 BOOL
(a DWORD in the Extended Content Description, a WORD elsewhere), 3 DWORD,
4 QWORD, 5 WORD, 6 GUID.
"""

import struct
import sys
from typing import Dict, Type

from .._util import reraise, total_ordering
from ._util import ASFError, _decode_utf16


class ASFBaseAttribute:
    """An attribute value of any type: ``value``, and the ``language`` and
    ``stream`` it belongs to (None if not set).  Subclasses are the data types."""

    TYPE: int

    _TYPES: "Dict[int, Type[ASFBaseAttribute]]" = {}

    value = None
    language = None
    stream = None

    def __init__(self, value=None, data=None, language=None, stream=None, **kwargs):
        self.language = language
        self.stream = stream
        if data is not None:
            self.value = self.parse(data, **kwargs)
        elif value is None:
            self.value = None
        else:
            self.value = self._validate(value)

    @classmethod
    def _register(cls, other):
        cls._TYPES[other.TYPE] = other
        return other

    @classmethod
    def _get_type(cls, type_):
        """The class of data type ``type_``; KeyError for an unknown one."""
        return cls._TYPES[type_]

    def _validate(self, value):
        """``value`` as this type stores it; a TypeError or ValueError
        when it does not fit.  The base class takes anything."""
        return value

    def data_size(self):
        raise NotImplementedError

    def __repr__(self):
        text = "%s(%r" % (type(self).__name__, self.value)
        if self.language:
            text += ", language=%d" % self.language
        if self.stream:
            text += ", stream=%d" % self.stream
        return text + ")"

    def render(self, name):
        """The Extended Content Description record: name length, name,
        type, value length (16 bits), value."""
        name = name.encode("utf-16-le") + b"\x00\x00"
        data = self._render()
        return (struct.pack("<H", len(name)) + name
                + struct.pack("<HH", self.TYPE, len(data)) + data)

    def render_m(self, name):
        """The Metadata object record (no language; a BOOL is a WORD)."""
        name = name.encode("utf-16-le") + b"\x00\x00"
        data = self._render(False) if self.TYPE == 2 else self._render()
        return (struct.pack("<HHHHI", 0, self.stream or 0, len(name), self.TYPE, len(data))
                + name + data)

    def render_ml(self, name):
        """The Metadata Library object record (a BOOL is a WORD)."""
        name = name.encode("utf-16-le") + b"\x00\x00"
        data = self._render(False) if self.TYPE == 2 else self._render()
        return (struct.pack("<HHHHI", self.language or 0, self.stream or 0, len(name),
                            self.TYPE, len(data))
                + name + data)


@ASFBaseAttribute._register
@total_ordering
class ASFUnicodeAttribute(ASFBaseAttribute):
    """Text (type 0): a str, stored as UTF-16-LE with a NUL at the end,
    e.g. ``ASFUnicodeAttribute("Abbey Road")``."""

    TYPE = 0

    def parse(self, data):
        try:
            # Writers pad with NULs on either side; none of them is text.
            return _decode_utf16(data).strip("\x00")
        except UnicodeDecodeError as e:
            reraise(ASFError, e, sys.exc_info()[2])

    def _validate(self, value):
        if not isinstance(value, str):
            raise TypeError("%r not str" % value)
        return value

    def _render(self):
        return self.value.encode("utf-16-le") + b"\x00\x00"

    def data_size(self):
        return len(self._render())

    def __bytes__(self):
        return self.value.encode("utf-16-le")

    def __str__(self):
        return self.value

    def __eq__(self, other):
        return str(self) == other

    def __lt__(self, other):
        return str(self) < other

    __hash__ = ASFBaseAttribute.__hash__


@ASFBaseAttribute._register
@total_ordering
class ASFByteArrayAttribute(ASFBaseAttribute):
    """Raw data (type 1): a bytes value kept as it is, e.g.
    ``ASFByteArrayAttribute(b"\\x00\\x01")``."""

    TYPE = 1

    def parse(self, data):
        assert isinstance(data, bytes)
        return data

    def _render(self):
        assert isinstance(self.value, bytes)
        return self.value

    def _validate(self, value):
        if not isinstance(value, bytes):
            raise TypeError("must be bytes/str: %r" % value)
        return value

    def data_size(self):
        return len(self.value)

    def __bytes__(self):
        return self.value

    def __str__(self):
        return "[binary data (%d bytes)]" % len(self.value)

    def __eq__(self, other):
        return self.value == other

    def __lt__(self, other):
        return self.value < other

    __hash__ = ASFBaseAttribute.__hash__


@ASFBaseAttribute._register
@total_ordering
class ASFBoolAttribute(ASFBaseAttribute):
    """A truth value (type 2), e.g. ``ASFBoolAttribute(False)``: four bytes
    in the Extended Content Description, two in the Metadata objects."""

    TYPE = 2

    def parse(self, data, dword=True):
        # Only 1 is true: other values are what a broken writer left.
        if dword:
            return struct.unpack("<I", data)[0] == 1
        return struct.unpack("<H", data)[0] == 1

    def _render(self, dword=True):
        if dword:
            return struct.pack("<I", bool(self.value))
        return struct.pack("<H", bool(self.value))

    def _validate(self, value):
        return bool(value)

    def data_size(self):
        return 4

    def __bool__(self):
        return bool(self.value)

    def __bytes__(self):
        return str(self.value).encode("utf-8")

    def __str__(self):
        return str(self.value)

    def __eq__(self, other):
        return bool(self.value) == other

    def __lt__(self, other):
        return bool(self.value) < other

    __hash__ = ASFBaseAttribute.__hash__


def _int_attribute(name, type_, fmt, doc):
    """The attribute class of an unsigned integer type packed as fmt; each
    is a direct subclass of ASFBaseAttribute, as in mutagen."""
    size = struct.calcsize(fmt)

    def parse(self, data):
        return struct.unpack(fmt, data)[0]

    def _render(self):
        return struct.pack(fmt, self.value)

    def _validate(self, value):
        value = int(value)
        if not 0 <= value < 2 ** (8 * size):
            raise ValueError("Out of range")
        return value

    def data_size(self):
        return size

    def __int__(self):
        return self.value

    def __bytes__(self):
        return str(self.value).encode("utf-8")

    def __str__(self):
        return str(self.value)

    def __eq__(self, other):
        return int(self.value) == other

    def __lt__(self, other):
        return int(self.value) < other

    namespace = {
        "__module__": __name__, "__qualname__": name, "__doc__": doc, "TYPE": type_,
        "parse": parse, "_render": _render, "_validate": _validate,
        "data_size": data_size, "__int__": __int__, "__bytes__": __bytes__,
        "__str__": __str__, "__eq__": __eq__, "__lt__": __lt__,
        "__hash__": ASFBaseAttribute.__hash__,
    }
    for func in namespace.values():
        if callable(func) and getattr(func, "__qualname__", "").startswith("_int_attribute"):
            func.__qualname__ = "%s.%s" % (name, func.__name__)
    cls = type(name, (ASFBaseAttribute,), namespace)
    return ASFBaseAttribute._register(total_ordering(cls))


ASFDWordAttribute = _int_attribute(
    "ASFDWordAttribute", 3, "<L",
    "An unsigned 32-bit integer (type 3), e.g. ``ASFDWordAttribute(7)``.")
ASFQWordAttribute = _int_attribute(
    "ASFQWordAttribute", 4, "<Q",
    "An unsigned 64-bit integer (type 4), e.g. ``ASFQWordAttribute(7)``.")
ASFWordAttribute = _int_attribute(
    "ASFWordAttribute", 5, "<H",
    "An unsigned 16-bit integer (type 5), e.g. ``ASFWordAttribute(7)``.")


@ASFBaseAttribute._register
@total_ordering
class ASFGUIDAttribute(ASFBaseAttribute):
    """A GUID (type 6): its 16 bytes, kept as they are."""

    TYPE = 6

    def parse(self, data):
        assert isinstance(data, bytes)
        return data

    def _render(self):
        assert isinstance(self.value, bytes)
        return self.value

    def _validate(self, value):
        if not isinstance(value, bytes):
            raise TypeError("must be bytes/str: %r" % value)
        return value

    def data_size(self):
        return len(self.value)

    def __bytes__(self):
        return self.value

    def __str__(self):
        return repr(self.value)

    def __eq__(self, other):
        return self.value == other

    def __lt__(self, other):
        return self.value < other

    __hash__ = ASFBaseAttribute.__hash__


def ASFValue(value, kind, **kwargs):
    """An attribute of data type ``kind`` (UNICODE, BYTEARRAY, BOOL, DWORD,
    QWORD, WORD or GUID) holding ``value``; ``kwargs`` (``language``,
    ``stream``) go to its constructor.  For example
    ``ASFValue(3, WORD, stream=1)``.  An unknown kind raises ValueError, a
    value the type cannot hold TypeError or ValueError."""

    try:
        attr_type = ASFBaseAttribute._get_type(kind)
    except KeyError:
        raise ValueError("Unknown value type %r" % kind)
    else:
        return attr_type(value=value, **kwargs)
