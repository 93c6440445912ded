# SPDX-License-Identifier: GPL-2.0-or-later
"""MPEG-4 audio files (.m4a, .m4b, .mp4, .3g2...): iTunes-style metadata,
Nero chapters and the audio track's properties.

The tags are the children of ``moov.udta.meta.ilst``: one atom per key,
holding ``data`` atoms (a version byte, 24 type bits, 4 locale bytes, the
value).  Freeform keys are ``----`` atoms with ``mean`` and ``name``
children before their data.  The audio properties come from the ``mvhd``,
the first sound track's ``mdhd`` and its first sample entry.

Saving renders the new ``ilst`` and plans every size and chunk offset it
changes before the file is first written; then the ``ilst`` and the
``free`` atom next to it are replaced in place (or a new ``meta`` is
inserted), so a bad value or a failing ``padding`` callback leaves the file
as it was.
"""

import struct
import sys
from collections.abc import Sequence
from datetime import timedelta
from io import BytesIO

from .. import _native
from .._constants import GENRES
from .._file import FileType, StreamInfo
from .._tags import PaddingInfo, Tags
from .._util import (DictProxy, MutagenError, bytesio_contents, cdata, enum, get_size,
                     insert_bytes, loadfile, reraise, resize_bytes)
# Names mutagen.mp4 also has.
from .._util import bchr, convert_error, hashable  # noqa: F401
from ._as_entry import ASEntryError, AudioSampleEntry
from ._atom import Atom, AtomError, Atoms, _atom_data
from ._util import parse_full_atom


class error(MutagenError):
    pass


class MP4MetadataError(error):
    pass


class MP4StreamInfoError(error):
    pass


class MP4NoTrackError(MP4StreamInfoError):
    pass


class MP4MetadataValueError(ValueError, MP4MetadataError):
    pass


__all__ = ['MP4', 'Open', 'delete', 'MP4Cover', 'MP4FreeForm', 'AtomDataType']


@enum
class AtomDataType:
    """The type of the value in a ``data`` atom (its 24 flag bits)."""

    IMPLICIT = 0
    UTF8 = 1
    UTF16 = 2
    SJIS = 3
    HTML = 6
    XML = 7
    UUID = 8
    ISRC = 9
    MI3P = 10
    GIF = 12
    JPEG = 13
    PNG = 14
    URL = 15
    DURATION = 16
    DATETIME = 17
    GENRES = 18
    INTEGER = 21
    RIAA_PA = 24
    UPC = 25
    BMP = 27


AtomDataType.__module__ = __name__


class MP4Cover(bytes):
    """Cover art: the image bytes, and ``imageformat`` (FORMAT_JPEG or
    FORMAT_PNG)."""

    FORMAT_JPEG = AtomDataType.JPEG
    FORMAT_PNG = AtomDataType.PNG

    def __new__(cls, data, *args, **kwargs):
        return bytes.__new__(cls, data)

    def __init__(self, data, imageformat=FORMAT_JPEG):
        self.imageformat = imageformat

    __hash__ = bytes.__hash__

    def __eq__(self, other):
        if not isinstance(other, MP4Cover):
            return bytes(self) == other
        return bytes(self) == bytes(other) and self.imageformat == other.imageformat

    def __ne__(self, other):
        return not self.__eq__(other)

    def __repr__(self):
        return "%s(%r, %r)" % (type(self).__name__, bytes(self),
                               AtomDataType(self.imageformat))


class MP4FreeForm(bytes):
    """A freeform value: the bytes, ``dataformat`` (an AtomDataType) and
    the ``version`` byte of its data atom."""

    FORMAT_DATA = AtomDataType.IMPLICIT
    FORMAT_TEXT = AtomDataType.UTF8

    def __new__(cls, data, *args, **kwargs):
        return bytes.__new__(cls, data)

    def __init__(self, data, dataformat=FORMAT_TEXT, version=0):
        self.dataformat = dataformat
        self.version = version

    __hash__ = bytes.__hash__

    def __eq__(self, other):
        if not isinstance(other, MP4FreeForm):
            return bytes(self) == other
        return (bytes(self) == bytes(other)
                and self.dataformat == other.dataformat
                and self.version == other.version)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __repr__(self):
        return "%s(%r, %r)" % (type(self).__name__, bytes(self),
                               AtomDataType(self.dataformat))


def _name2key(name):
    return name.decode("latin-1")


def _key2name(key):
    return key.encode("latin-1")


def _find_padding(atom_path):
    """The ``free`` atom next to the last atom of the path (the one before
    it, else the one after it), or None."""
    parent, child = atom_path[-2:]
    index = parent.children.index(child)
    # As in mutagen, "before" the first child is the last child.
    before = parent.children[index - 1]
    if before.name == b"free":
        return before
    if index + 1 < len(parent.children):
        after = parent.children[index + 1]
        if after.name == b"free":
            return after
    return None


# The order iTunes writes items in; other keys go after them.
_ITEM_ORDER = ["\xa9nam", "\xa9ART", "\xa9wrt", "\xa9alb", "\xa9gen", "gnre",
               "trkn", "disk", "\xa9day", "cpil", "pgap", "pcst", "tmpo",
               "\xa9too", "----", "covr", "\xa9lyr"]
_ITEM_RANK = {key: rank for rank, key in enumerate(_ITEM_ORDER)}


def _item_sort_key(key, value):
    """Sort key of a tag item when saving: iTunes' order, then the length
    of the value's repr, then that repr."""
    rank = _ITEM_RANK.get(key[:4], len(_ITEM_ORDER))
    text = repr(value)
    return (rank, len(text), text)


_DATA_HEADER = struct.Struct(">I4sB3s")
_SINGLE_DATA = struct.Struct(">I4sI")
_UINT32 = struct.Struct(">I")
_ATOM_HEADER = struct.Struct(">I4s")


def _walk_end(atom):
    """Where the item parsers stop: mutagen walks an item's body up to its
    atom length less 8, past the body's end when the item has a 64-bit
    size (the walk then runs into what is not there)."""
    return atom.length - 8


def _single_data(data):
    """(version << 24 | flags, value) when an item body is exactly one
    data atom, else None."""
    if len(data) >= 16:
        length, name, flags = _SINGLE_DATA.unpack_from(data)
        if length == len(data) and name == b"data":
            return flags, data[16:]
    return None


def _buffer_holding(atoms, atom):
    """(bytes, file offset) of the buffer Atoms read that holds the atom's
    header, or (b"", 0)."""
    for base, buf in getattr(atoms, "_buffers", ()):
        if base <= atom.offset < base + len(buf):
            return buf, base
    return b"", 0
_DATA_FLAGS = struct.Struct(">2I")
_INT_FORMATS = {1: ">b", 2: ">h", 4: ">i", 8: ">q"}


class MP4Tags(DictProxy, Tags):
    """The iTunes metadata of an MP4 file, as a dict.

    Keys are four-character atom names (``\\xa9nam``, ``trkn``...) or
    ``----:mean:name`` for freeform items; values are lists of str, ints,
    (n, total) pairs, MP4Cover or MP4FreeForm, or a bool for the flags.
    """

    def __init__(self, *args, **kwargs):
        self._failed_atoms = {}
        super().__init__()
        if args or kwargs:
            self.load(*args, **kwargs)

    def load(self, atoms, fileobj):
        try:
            path = atoms.path(b"moov", b"udta", b"meta", b"ilst")
        except KeyError as key:
            raise MP4MetadataError(key)

        free = _find_padding(path)
        self._padding = free.datalength if free is not None else 0

        ilst = path[-1]
        # The item bodies are sliced from the bytes Atoms read with the
        # ilst, when it read them.
        buf, base = _buffer_holding(atoms, ilst)
        limit = base + len(buf)
        for atom in ilst.children:
            start = atom._dataoffset
            end = atom.offset + atom.length
            if base <= start and end <= limit:
                data = buf[start - base:end - base]
            else:
                ok, data = atom.read(fileobj)
                if not ok:
                    raise MP4MetadataError("Not enough data")
            self._parse_item(atom, data)

    def _parse_item(self, atom, data):
        """Add the values of one ilst item: ``atom.name`` is its name and
        ``data`` its body (the data atoms, or mean/name/data for "----").
        An item that does not parse is kept in _failed_atoms, to be
        written back as it was."""
        info = self.__atoms.get(atom.name)
        try:
            if info is not None:
                info[0](self, atom, data)
            else:
                # Unknown atoms may be text; anything else is kept as is.
                self.__parse_text(atom, data, implicit=False)
        except MP4MetadataError:
            self._failed_atoms.setdefault(_name2key(atom.name), []).append(data)

    @classmethod
    def _can_load(cls, atoms):
        return b"moov.udta.meta.ilst" in atoms

    def __setitem__(self, key, value):
        if not isinstance(key, str):
            raise TypeError("key has to be str")
        # Rendering now reports a bad value here rather than on save.
        self._render(key, value)
        super().__setitem__(key, value)

    def _render(self, key, value):
        atom_name = _key2name(key)[:4]
        if atom_name in self.__atoms:
            render_func = self.__atoms[atom_name][1]
            render_args = self.__atoms[atom_name][2:]
        else:
            render_func = type(self).__render_text
            render_args = ()
        return render_func(self, key, value, *render_args)

    @convert_error(IOError, error)
    @loadfile(writable=True)
    def save(self, filething=None, padding=None):
        values = []
        items = sorted(self.items(), key=lambda kv: _item_sort_key(*kv))
        for key, value in items:
            try:
                values.append(self._render(key, value))
            except (TypeError, ValueError) as s:
                reraise(MP4MetadataValueError, s, sys.exc_info()[2])

        for key, failed in self._failed_atoms.items():
            # A key set since loading replaces what could not be read.
            if key in self:
                continue
            for data in failed:
                values.append(Atom.render(_key2name(key), data))

        data = Atom.render(b"ilst", b"".join(values))

        try:
            atoms = Atoms(filething.fileobj)
        except AtomError as err:
            reraise(error, err, sys.exc_info()[2])

        self.__save(filething.fileobj, atoms, data, padding)

    def __save(self, fileobj, atoms, data, padding):
        try:
            path = atoms.path(b"moov", b"udta", b"meta", b"ilst")
        except KeyError:
            self.__save_new(fileobj, atoms, data, padding)
        else:
            self.__save_existing(fileobj, atoms, path, data, padding)

    def __save_new(self, fileobj, atoms, ilst_data, padding_func):
        hdlr = Atom.render(b"hdlr", b"\x00" * 8 + b"mdirappl" + b"\x00" * 9)
        meta_data = b"\x00\x00\x00\x00" + hdlr + ilst_data

        try:
            path = atoms.path(b"moov", b"udta")
        except KeyError:
            path = atoms.path(b"moov")

        offset = path[-1]._dataoffset

        # The new meta goes first in its parent; everything after it moves.
        content_size = get_size(fileobj) - offset
        padding_size = -len(meta_data)
        info = PaddingInfo(padding_size, content_size)
        new_padding = max(0, info._get_padding(padding_func))

        free = Atom.render(b"free", b"\x00" * new_padding)
        meta = Atom.render(b"meta", meta_data + free)
        if path[-1].name != b"udta":
            data = Atom.render(b"udta", meta)
        else:
            data = meta

        patches = self.__plan(fileobj, atoms, path, len(data), offset)
        insert_bytes(fileobj, len(data), offset)
        fileobj.seek(offset)
        fileobj.write(data)
        self.__apply(fileobj, patches)

    def __save_existing(self, fileobj, atoms, path, ilst_data, padding_func):
        # The ilst and the free atom next to it are rewritten as one area.
        ilst = path[-1]
        offset = ilst.offset
        length = ilst.length
        free = _find_padding(path)
        if free is not None:
            offset = min(offset, free.offset)
            length += free.length

        padding_overhead = len(Atom.render(b"free", b""))
        content_size = get_size(fileobj) - (offset + length)
        padding_size = length - (len(ilst_data) + padding_overhead)
        info = PaddingInfo(padding_size, content_size)
        new_padding = max(0, info._get_padding(padding_func))

        ilst_data += Atom.render(b"free", b"\x00" * new_padding)
        delta = len(ilst_data) - length

        patches = self.__plan(fileobj, atoms, path[:-1], delta, offset)
        resize_bytes(fileobj, length, len(ilst_data), offset)
        fileobj.seek(offset)
        fileobj.write(ilst_data)
        self.__apply(fileobj, patches)

    def __plan(self, fileobj, atoms, parents, delta, offset):
        """The writes that follow a change of ``delta`` bytes at ``offset``:
        the sizes of the parent atoms, and the chunk offsets (stco, co64)
        and fragment base offsets (tfhd) that point past it.  Returned as
        (file offset after the change, bytes) so that reading or decoding
        fails before the file is touched."""
        patches = []
        if delta == 0:
            return patches

        for atom in parents:
            fileobj.seek(atom.offset)
            size = cdata.uint_be(fileobj.read(4))
            if size == 1:
                fileobj.seek(atom.offset + 8)
                size = cdata.ulonglong_be(fileobj.read(8))
                patches.append((atom.offset + 8, cdata.to_ulonglong_be(size + delta)))
            elif size != 0:
                # (Size 0 means "to the end of the file" and stays right.)
                patches.append((atom.offset, cdata.to_uint_be(size + delta)))

        def moved(position):
            return position + delta if position > offset else position

        moov = atoms[b"moov"]
        for name, code in ((b"stco", "I"), (b"co64", "Q")):
            for atom in moov.findall(name, True):
                fileobj.seek(atom.offset + 12)
                data = fileobj.read(atom.length - 12)
                fmt = ">%d%s" % (cdata.uint_be(data[:4]), code)
                offsets = struct.unpack(fmt, data[4:])
                offsets = [moved(o) for o in offsets]
                patches.append((moved(atom.offset) + 16, struct.pack(fmt, *offsets)))

        try:
            moof = atoms[b"moof"]
        except KeyError:
            pass
        else:
            for atom in moof.findall(b"tfhd", True):
                fileobj.seek(atom.offset + 9)
                data = fileobj.read(atom.length - 9)
                flags = cdata.uint_be(b"\x00" + data[:3])
                if flags & 1:
                    # base_data_offset present
                    o = cdata.ulonglong_be(data[7:15])
                    patches.append((moved(atom.offset) + 16, cdata.to_ulonglong_be(moved(o))))
        return patches

    @staticmethod
    def __apply(fileobj, patches):
        for position, data in patches:
            fileobj.seek(position)
            fileobj.write(data)

    # --- reading ---------------------------------------------------------

    def __parse_data(self, atom, data):
        """(version, flags, value) of each ``data`` atom of an item,
        lazily, as the item parsers use them."""
        pos = 0
        end = _walk_end(atom)
        while pos < end:
            if pos + 12 > end:
                raise MP4MetadataError("truncated atom % r" % atom.name)
            length, name, version, flags = _DATA_HEADER.unpack_from(data, pos)
            if name != b"data":
                raise MP4MetadataError("unexpected atom %r inside %r" % (name, atom.name))
            chunk = data[pos + 16:pos + length]
            if len(chunk) != length - 16:
                raise MP4MetadataError("truncated atom % r" % atom.name)
            yield version, int.from_bytes(flags, "big"), chunk
            pos += length

    def __add(self, key, value, single=False):
        assert isinstance(key, str)
        tags = self._DictProxy__dict
        if single:
            tags[key] = value
        else:
            tags.setdefault(key, []).extend(value)

    def __parse_freeform(self, atom, data):
        # mean and name are the bodies of the first two children, whatever
        # their names, after 4 bytes of version and flags.
        length = _UINT32.unpack(data[:4])[0]
        mean = data[12:length]
        pos = length
        length = _UINT32.unpack(data[pos:pos + 4])[0]
        name = data[pos + 12:pos + length]
        pos += length
        value = []
        end = _walk_end(atom)
        while pos < end:
            length, atom_name = _ATOM_HEADER.unpack(data[pos:pos + 8])
            if atom_name != b"data":
                raise MP4MetadataError("unexpected atom %r inside %r" % (atom_name, atom.name))
            if length < 8:
                # A zero length would never end.
                raise MP4MetadataError("invalid atom length %d inside %r" % (length, atom.name))
            version = data[pos + 8]
            flags = int.from_bytes(data[pos + 9:pos + 12], "big")
            value.append(MP4FreeForm(data[pos + 16:pos + length],
                                     dataformat=flags, version=version))
            pos += length

        key = _name2key(atom.name + b":" + mean + b":" + name)
        self.__add(key, value)

    def __render_freeform(self, key, value):
        if isinstance(value, bytes):
            value = [value]

        dummy, mean, name = _key2name(key).split(b":", 2)
        mean = struct.pack(">I4sI", len(mean) + 12, b"mean", 0) + mean
        name = struct.pack(">I4sI", len(name) + 12, b"name", 0) + name

        data = b""
        for v in value:
            flags = AtomDataType.UTF8
            version = 0
            if isinstance(v, MP4FreeForm):
                flags = v.dataformat
                version = v.version
            data += struct.pack(">I4s2I", len(v) + 16, b"data", version << 24 | flags, 0)
            data += v

        return Atom.render(b"----", mean + name + data)

    def __parse_pair(self, atom, data):
        key = _name2key(atom.name)
        values = [struct.unpack(">2H", chunk[2:6])
                  for version, flags, chunk in self.__parse_data(atom, data)]
        self.__add(key, values)

    def __render_pair(self, key, value):
        data = []
        for v in value:
            try:
                track, total = v
            except TypeError:
                raise ValueError
            if 0 <= track < 1 << 16 and 0 <= total < 1 << 16:
                data.append(struct.pack(">4H", 0, track, total, 0))
            else:
                raise MP4MetadataValueError("invalid numeric pair %r" % ((track, total),))
        return self.__render_data(key, 0, AtomDataType.IMPLICIT, data)

    def __render_pair_no_trailing(self, key, value):
        data = []
        for (track, total) in value:
            if 0 <= track < 1 << 16 and 0 <= total < 1 << 16:
                data.append(struct.pack(">3H", 0, track, total))
            else:
                raise MP4MetadataValueError("invalid numeric pair %r" % ((track, total),))
        return self.__render_data(key, 0, AtomDataType.IMPLICIT, data)

    def __parse_genre(self, atom, data):
        values = []
        for version, flags, chunk in self.__parse_data(atom, data):
            # ID3v1 genre numbers, plus one.
            if len(chunk) != 2:
                raise MP4MetadataError("invalid genre")
            genre = cdata.short_be(chunk)
            try:
                values.append(GENRES[genre - 1])
            except IndexError:
                raise MP4MetadataError("invalid genre")
        self.__add(_name2key(b"\xa9gen"), values)

    def __parse_integer(self, atom, data):
        values = []
        for version, flags, chunk in self.__parse_data(atom, data):
            if version != 0:
                raise MP4MetadataError("unsupported version")
            if flags not in (AtomDataType.IMPLICIT, AtomDataType.INTEGER):
                raise MP4MetadataError("unsupported type")
            size = len(chunk)
            if size == 3:
                values.append(int.from_bytes(chunk, "big", signed=True))
            elif size in _INT_FORMATS:
                values.append(struct.unpack(_INT_FORMATS[size], chunk)[0])
            else:
                raise MP4MetadataError("invalid value size %d" % size)
        self.__add(_name2key(atom.name), values)

    def __render_integer(self, key, value, min_bytes):
        assert min_bytes in (1, 2, 4, 8)
        data_list = []
        try:
            for v in value:
                # The smallest signed size that holds the value.
                if cdata.int8_min <= v <= cdata.int8_max and min_bytes <= 1:
                    data = struct.pack(">b", v)
                elif cdata.int16_min <= v <= cdata.int16_max and min_bytes <= 2:
                    data = struct.pack(">h", v)
                elif cdata.int32_min <= v <= cdata.int32_max and min_bytes <= 4:
                    data = struct.pack(">i", v)
                elif cdata.int64_min <= v <= cdata.int64_max and min_bytes <= 8:
                    data = struct.pack(">q", v)
                else:
                    raise MP4MetadataValueError("value out of range: %r" % value)
                data_list.append(data)
        except (TypeError, ValueError, cdata.error) as e:
            raise MP4MetadataValueError(e)
        return self.__render_data(key, 0, AtomDataType.INTEGER, data_list)

    def __parse_bool(self, atom, data):
        for version, flags, chunk in self.__parse_data(atom, data):
            if len(chunk) != 1:
                raise MP4MetadataError("invalid bool")
            self.__add(_name2key(atom.name), bool(chunk[0]), single=True)

    def __render_bool(self, key, value):
        return self.__render_data(key, 0, AtomDataType.INTEGER, [bytes([bool(value)])])

    def __parse_cover(self, atom, data):
        values = []
        pos = 0
        end = _walk_end(atom)
        while pos < end:
            length, name, imageformat = struct.unpack(">I4sI", data[pos:pos + 12])
            if name != b"data":
                if name == b"name":
                    pos += length
                    continue
                raise MP4MetadataError("unexpected atom %r inside 'covr'" % name)
            if length < 8:
                raise MP4MetadataError("invalid atom length %d inside 'covr'" % length)
            if imageformat not in (MP4Cover.FORMAT_JPEG, MP4Cover.FORMAT_PNG):
                # Sometimes 0, meaning "implicit"; JPEG is the common case.
                imageformat = MP4Cover.FORMAT_JPEG
            cover = MP4Cover(data[pos + 16:pos + length], imageformat)
            values.append(cover)
            pos += length
        self.__add(_name2key(atom.name), values)

    def __render_cover(self, key, value):
        atom_data = []
        for cover in value:
            try:
                imageformat = cover.imageformat
            except AttributeError:
                imageformat = MP4Cover.FORMAT_JPEG
            atom_data.append(Atom.render(b"data", _DATA_FLAGS.pack(imageformat, 0) + cover))
        return Atom.render(_key2name(key), b"".join(atom_data))

    def __parse_text(self, atom, data, implicit=True):
        # Text may be typed implicitly (0) in the known keys only.
        single = _single_data(data) if _walk_end(atom) == len(data) else None
        if single is not None and (single[0] == AtomDataType.UTF8 or (implicit and single[0] == 0)):
            # The common case, one data atom of text, without the walk.
            try:
                value = single[1].decode("utf-8")
            except UnicodeDecodeError as e:
                raise MP4MetadataError("%s: %s" % (_name2key(atom.name), e))
            key = atom.name.decode("latin-1")
            tags = self._DictProxy__dict
            if key in tags:
                tags[key].append(value)
            else:
                tags[key] = [value]
            return
        values = []
        for version, flags, chunk in self.__parse_data(atom, data):
            if flags == AtomDataType.UTF8 or (implicit and flags == AtomDataType.IMPLICIT):
                try:
                    values.append(chunk.decode("utf-8"))
                except UnicodeDecodeError as e:
                    raise MP4MetadataError("%s: %s" % (_name2key(atom.name), e))
            else:
                raise MP4MetadataError("unsupported type %d" % flags)
        self.__add(_name2key(atom.name), values)

    def __render_text(self, key, value, flags=AtomDataType.UTF8):
        if isinstance(value, str):
            value = [value]

        encoded = []
        for v in value:
            if not isinstance(v, str):
                raise TypeError("%r not str" % v)
            encoded.append(v.encode("utf-8"))

        return self.__render_data(key, 0, flags, encoded)

    def __render_data(self, key, version, flags, value):
        return Atom.render(_key2name(key), b"".join(
            struct.pack(">I4s2I", len(data) + 16, b"data", version << 24 | flags, 0) + data
            for data in value))

    def delete(self, filename):
        """Remove the tags from the file: an empty ilst and no padding."""
        self.clear()
        self._failed_atoms.clear()
        self.save(filename, padding=lambda x: 0)

    # atom name -> (parse method, render method[, minimum integer size])
    __atoms = {
        b"----": (__parse_freeform, __render_freeform),
        b"trkn": (__parse_pair, __render_pair),
        b"disk": (__parse_pair, __render_pair_no_trailing),
        b"gnre": (__parse_genre, None),
        b"plID": (__parse_integer, __render_integer, 8),
        b"cnID": (__parse_integer, __render_integer, 4),
        b"geID": (__parse_integer, __render_integer, 4),
        b"atID": (__parse_integer, __render_integer, 4),
        b"sfID": (__parse_integer, __render_integer, 4),
        b"cmID": (__parse_integer, __render_integer, 4),
        b"akID": (__parse_integer, __render_integer, 1),
        b"tvsn": (__parse_integer, __render_integer, 4),
        b"tves": (__parse_integer, __render_integer, 4),
        b"tmpo": (__parse_integer, __render_integer, 2),
        b"\xa9mvi": (__parse_integer, __render_integer, 2),
        b"\xa9mvc": (__parse_integer, __render_integer, 2),
        b"cpil": (__parse_bool, __render_bool),
        b"pgap": (__parse_bool, __render_bool),
        b"pcst": (__parse_bool, __render_bool),
        b"shwm": (__parse_integer, __render_integer, 1),
        b"stik": (__parse_integer, __render_integer, 1),
        b"hdvd": (__parse_integer, __render_integer, 1),
        b"rtng": (__parse_integer, __render_integer, 1),
        b"covr": (__parse_cover, __render_cover),
        b"purl": (__parse_text, __render_text),
        b"egid": (__parse_text, __render_text),
    }

    # Text items, which may also be typed implicitly.
    for name in [b"\xa9nam", b"\xa9alb", b"\xa9ART", b"aART", b"\xa9wrt",
                 b"\xa9day", b"\xa9cmt", b"desc", b"purd", b"\xa9grp",
                 b"\xa9gen", b"\xa9lyr", b"catg", b"keyw", b"\xa9too",
                 b"cprt", b"soal", b"soaa", b"soar", b"sonm", b"soco",
                 b"sosn", b"tvsh"]:
        __atoms[name] = (__parse_text, __render_text)

    def pprint(self):

        def to_line(key, value):
            assert isinstance(key, str)
            if isinstance(value, str):
                return "%s=%s" % (key, value)
            return "%s=%r" % (key, value)

        values = []
        for key, value in sorted(self.items()):
            if not isinstance(key, str):
                key = key.decode("latin-1")
            if key == "covr":
                values.append("%s=%s" % (key, ", ".join(
                    "[%d bytes of data]" % len(data) for data in value)))
            elif isinstance(value, list):
                for v in value:
                    values.append(to_line(key, v))
            else:
                values.append(to_line(key, value))
        return "\n".join(values)


class Chapter:
    """A chapter: ``start`` in seconds and ``title``."""

    def __init__(self, start, title):
        self.start = start
        self.title = title


class MP4Chapters(Sequence):
    """The chapters of a Nero ``chpl`` atom (``moov.udta.chpl``)."""

    def __init__(self, *args, **kwargs):
        self._timescale = None
        self._duration = None
        self._chapters = []
        super().__init__()
        if args or kwargs:
            self.load(*args, **kwargs)

    def __len__(self):
        return self._chapters.__len__()

    def __getitem__(self, key):
        return self._chapters.__getitem__(key)

    def load(self, atoms, fileobj):
        try:
            mvhd = atoms.path(b"moov", b"mvhd")[-1]
        except KeyError as key:
            raise MP4MetadataError(key)

        self._parse_mvhd(mvhd, fileobj)

        if not self._timescale:
            raise MP4MetadataError("Unable to get timescale")

        try:
            chpl = atoms.path(b"moov", b"udta", b"chpl")[-1]
        except KeyError as key:
            raise MP4MetadataError(key)

        self._parse_chpl(chpl, fileobj)

    @classmethod
    def _can_load(cls, atoms):
        return b"moov.udta.chpl" in atoms

    def _parse_mvhd(self, atom, fileobj):
        assert atom.name == b"mvhd"

        ok, data = atom.read(fileobj)
        if not ok:
            raise MP4StreamInfoError("Invalid mvhd")

        version = data[0]
        pos = 4
        if version == 0:
            pos += 8  # creation and modification times
            fmt = ">2I"
        elif version == 1:
            pos += 16
            fmt = ">IQ"
        else:
            raise MP4StreamInfoError("Unknown mvhd version %d" % version)

        self._timescale, self._duration = struct.unpack(fmt, data[pos:pos + struct.calcsize(fmt)])

    def _parse_chpl(self, atom, fileobj):
        assert atom.name == b"chpl"

        ok, data = atom.read(fileobj)
        if not ok:
            raise MP4StreamInfoError("Invalid atom")

        chapters = data[8]

        # Start times are in units of 100 ns.
        pos = 9
        for i in range(chapters):
            start = struct.unpack(">Q", data[pos:pos + 8])[0] / 10000000
            pos += 8

            title_len = data[pos]
            pos += 1
            try:
                title = data[pos:pos + title_len].decode()
            except UnicodeDecodeError as e:
                raise MP4MetadataError("chapter %d title: %s" % (i, e))
            pos += title_len

            self._chapters.append(Chapter(start, title))

    def pprint(self):
        chapters = ["%s %s" % (timedelta(seconds=chapter.start), chapter.title)
                    for chapter in self._chapters]
        return "chapters=%s" % "\n  ".join(chapters)


# mvhd and mdhd start alike: version and flags, creation and modification
# times, then the time scale and the duration; the times and the duration
# are 32 bits wide in version 0 and 64 in version 1 (offset, struct format).
_TIMING_LAYOUTS = {0: (8, ">2I"), 1: (16, ">IQ")}


def _timing(data):
    """((time scale, duration) or None for an unknown version, version) of
    an mvhd or mdhd body."""
    try:
        version, flags, data = parse_full_atom(data)
    except ValueError as e:
        raise MP4StreamInfoError(e)
    layout = _TIMING_LAYOUTS.get(version)
    if layout is None:
        return None, version
    offset, fmt = layout
    return struct.unpack(fmt, data[offset:offset + struct.calcsize(fmt)]), version


class MP4Info(StreamInfo):
    """The properties of the first audio track.

    Attributes: length (seconds), bitrate (bits per second), channels,
    sample_rate, bits_per_sample, codec (e.g. ``mp4a.40.2``, ``alac``) and
    codec_description (e.g. ``AAC LC``)."""

    length = 0.0
    channels = 0
    sample_rate = 0
    bits_per_sample = 0
    bitrate = 0
    codec = ""
    codec_description = ""

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            self.load(*args, **kwargs)

    def load(self, atoms, fileobj):
        try:
            moov = atoms[b"moov"]
        except KeyError:
            raise MP4StreamInfoError("not a MP4 file")

        reader = _Reader(atoms, fileobj)
        for trak in moov.findall(b"trak"):
            hdlr = trak[b"mdia", b"hdlr"]
            ok, data = reader.read(hdlr)
            if not ok:
                raise MP4StreamInfoError("Not enough data")
            if data[8:12] == b"soun":
                break
        else:
            # Without an audio track the length comes from mvhd (which is
            # not read otherwise: a broken one is then no error).
            for child in moov.children:
                if child.name == b"mvhd":
                    self._parse_mvhd(child, reader)
                    break
            raise MP4NoTrackError("track has no audio data")

        mdhd = trak[b"mdia", b"mdhd"]
        ok, data = reader.read(mdhd)
        if not ok:
            raise MP4StreamInfoError("Not enough data")

        timing, version = _timing(data)
        if timing is None:
            raise MP4StreamInfoError("Unknown mdhd version %d" % version)
        unit, length = timing
        try:
            self.length = float(length) / unit
        except ZeroDivisionError:
            self.length = 0

        try:
            atom = trak[b"mdia", b"minf", b"stbl", b"stsd"]
        except KeyError:
            pass
        else:
            self._parse_stsd(atom, reader)

    def _parse_mvhd(self, mvhd, fileobj):
        ok, data = _read_body(mvhd, fileobj)
        if not ok:
            raise MP4StreamInfoError("Invalid mvhd")

        timing, version = _timing(data)
        if timing is None:
            return
        unit, length = timing
        self.length = length / unit

    def _parse_stsd(self, atom, fileobj):
        ok, data = _read_body(atom, fileobj)
        if not ok:
            raise MP4StreamInfoError("Invalid stsd")

        try:
            version, flags, data = parse_full_atom(data)
        except ValueError as e:
            raise MP4StreamInfoError(e)

        if version != 0:
            raise MP4StreamInfoError("Unsupported stsd version")

        try:
            num_entries, offset = cdata.uint32_be_from(data, 0)
        except cdata.error as e:
            raise MP4StreamInfoError(e)

        if num_entries == 0:
            return

        # Only the first entry is looked at.
        entry_fileobj = BytesIO(data[offset:])
        try:
            entry_atom = Atom(entry_fileobj)
        except AtomError as e:
            raise MP4StreamInfoError(e)

        try:
            entry = AudioSampleEntry(entry_atom, entry_fileobj)
        except ASEntryError as e:
            raise MP4StreamInfoError(e)
        else:
            self.channels = entry.channels
            self.bits_per_sample = entry.sample_size
            self.sample_rate = entry.sample_rate
            self.bitrate = entry.bitrate
            self.codec = entry.codec
            self.codec_description = entry.codec_description

    def pprint(self):
        return "MPEG-4 audio (%s), %.2f seconds, %d bps" % (
            self.codec_description, self.length, self.bitrate)


class _Reader:
    """Atom bodies from the bytes an Atoms read, else from the file."""

    def __init__(self, atoms, fileobj):
        self._atoms = atoms
        self._fileobj = fileobj

    def read(self, atom):
        return _atom_data(self._atoms, atom, self._fileobj)


def _read_body(atom, source):
    """(complete, body) of an atom from a _Reader or a file object (the
    MP4Info methods take either)."""
    if isinstance(source, _Reader):
        return source.read(atom)
    return atom.read(source)



class _ItemName:
    """What MP4Tags._parse_item needs of an ilst item atom: its name and
    length."""

    def __init__(self, name, length):
        self.name = name
        self.length = length


# What _native.read_mp4 makes the tag values with.
_NATIVE_KINDS = (MP4Cover, MP4FreeForm, GENRES)


def _tags_from_items(padding, items):
    """MP4Tags from (name, body, length) triples, parsed here: _native.read_mp4 hands
    them back when an item makes MP4Tags.load raise."""
    tags = MP4Tags()
    tags._padding = padding
    try:
        for name, body, length in items:
            tags._parse_item(_ItemName(name, length), body)
    except error:
        raise
    except Exception as err:
        reraise(MP4MetadataError, err, sys.exc_info()[2])
    return tags


# The tag classes the one-call read builds, each with what makes one from
# the MP4Tags it reads (None: that is the tags); easymp4 adds EasyMP4Tags.
_NATIVE_TAGS = {MP4Tags: None}


def _load_native(mp4, source):
    """Read the file at source (a path, or a memoryview of a whole file) in
    one C call (_native/mp4.c) into mp4's info, tags and chapters, built as
    MP4Info, mp4.MP4Tags and MP4Chapters would build them.  False: the
    file needs the general way."""
    result = _native.read_mp4(source, None, _NATIVE_KINDS)
    if result.__class__ is not tuple:
        return False
    info_fields, tags, chapters = result
    info = MP4Info.__new__(MP4Info)
    info.__dict__ = info_fields
    mp4.info = info
    if tags is not None:
        padding, values, failed = tags
        if values is None:
            tags = _tags_from_items(padding, failed)
        else:
            tags = MP4Tags.__new__(MP4Tags)
            tags.__dict__ = {"_failed_atoms": failed, "_DictProxy__dict": values,
                             "_padding": padding}
        wrap = _NATIVE_TAGS[mp4.MP4Tags]
        if wrap is not None:
            tags = wrap(tags)
    mp4.tags = tags
    if chapters is not None:
        timescale, duration, entries = chapters
        chapters = MP4Chapters.__new__(MP4Chapters)
        chapters.__dict__ = {"_timescale": timescale, "_duration": duration,
                             "_chapters": [Chapter(start, title) for start, title in entries]}
    mp4.chapters = chapters
    return True


def _load_bytesio(mp4, fileobj):
    """_load_native of an io.BytesIO at its start, over its contents (see
    _util.bytesio_contents)."""
    contents = bytesio_contents(fileobj)
    if contents is None or not _load_native(mp4, contents):
        return False
    # (mutagen leaves the file after the last atom it read; the general
    # way leaves it at the end, as FLAC and Ogg loads do)
    fileobj.seek(0, 2)
    return True


class MP4(FileType):
    """An MPEG-4 audio file, probably containing AAC.

    If more than one track is present in the file, the first is used.
    Only audio ('soun') tracks will be read.
    """

    MP4Tags = MP4Tags
    MP4Chapters = MP4Chapters

    _mimes = ["audio/mp4", "audio/x-m4a", "audio/mpeg4", "audio/aac"]

    def __init__(self, *args, **kwargs):
        # MP4(path) and MP4(BytesIO), the commonest calls, straight into
        # the C core (load's own fast paths, without loadfile's FileThing
        # around them).
        if (len(args) == 1 and self.MP4Tags in _NATIVE_TAGS
                and self.MP4Chapters is MP4Chapters):
            source = args[0]
            if source.__class__ is str and not kwargs:
                # (filename first: the attributes keep mutagen's order)
                self.filename = source
                if _load_native(self, source):
                    return
            elif source.__class__ is BytesIO and kwargs.keys() <= {"filename"}:
                self.filename = kwargs.get("filename")
                if _load_bytesio(self, source):
                    return
        super().__init__(*args, **kwargs)

    @loadfile()
    def load(self, filething):
        self.filename = filething.filename
        # A file given by name, or an io.BytesIO, is read in one C call,
        # where the classes are ones it builds.
        if self.MP4Tags in _NATIVE_TAGS and self.MP4Chapters is MP4Chapters:
            path = filething.path
            if path is not None:
                if _load_native(self, path):
                    return
            elif (filething.fileobj.__class__ is BytesIO
                    and _load_bytesio(self, filething.fileobj)):
                return
        fileobj = filething.fileobj

        try:
            atoms = Atoms(fileobj)
        except AtomError as err:
            reraise(error, err, sys.exc_info()[2])

        self.info = MP4Info()
        try:
            self.info.load(atoms, fileobj)
        except MP4NoTrackError:
            pass
        except error:
            raise
        except Exception as err:
            reraise(MP4StreamInfoError, err, sys.exc_info()[2])

        if not MP4Tags._can_load(atoms):
            self.tags = None
        else:
            try:
                self.tags = self.MP4Tags(atoms, fileobj)
            except error:
                raise
            except Exception as err:
                reraise(MP4MetadataError, err, sys.exc_info()[2])

        if not MP4Chapters._can_load(atoms):
            self.chapters = None
        else:
            try:
                self.chapters = self.MP4Chapters(atoms, fileobj)
            except error:
                raise
            except Exception as err:
                reraise(MP4MetadataError, err, sys.exc_info()[2])

    @property
    def _padding(self):
        if self.tags is None:
            return 0
        return self.tags._padding

    def save(self, *args, **kwargs):
        """save(filething=None, padding=None)"""
        super().save(*args, **kwargs)

    def pprint(self):
        """The stream information, the tags and the chapters, as text."""
        strings = [super().pprint()]
        if self.chapters is not None:
            strings.append(self.chapters.pprint())
        return "\n".join(strings)

    def add_tags(self):
        if self.tags is None:
            self.tags = self.MP4Tags()
        else:
            raise error("an MP4 tag already exists")

    @staticmethod
    def score(filename, fileobj, header_data):
        return (b"ftyp" in header_data) + (b"mp4" in header_data)


Open = MP4


@loadfile(method=False, writable=True)
def delete(filething):
    """Remove the tags from a file."""
    t = MP4(filething.fileobj)
    filething.fileobj.seek(0)
    t.delete(filething.fileobj)
