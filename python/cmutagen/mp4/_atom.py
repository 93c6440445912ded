# SPDX-License-Identifier: GPL-2.0-or-later
"""The atom (ISO/IEC 14496-12 "box") tree of an MP4 file.

An atom is a 32-bit big-endian size, a four-byte name and a body; size 1
means a 64-bit size follows the name, size 0 (top level only) means "to the
end of the file".  Only the atoms named in _CONTAINERS are walked into;
``meta`` is a full atom, so its children start after 4 bytes of version and
flags.

Atom(fileobj) reads an atom from the file object's position, as mutagen
does.  Containers are read whole, with one read, and their children parsed
from memory; Atoms keeps those bytes so the tag and stream readers can take
item bodies from them instead of reading each from the file (_atom_data).
"""

import struct

from .._util import convert_error

_CONTAINERS = [b"moov", b"udta", b"trak", b"mdia", b"meta", b"ilst",
               b"stbl", b"minf", b"moof", b"traf"]
_SKIP_SIZE = {b"meta": 4}

_HEADER = struct.Struct(">I4s")
_HEADER64 = struct.Struct(">I4sQ")
_UINT64 = struct.Struct(">Q")

# Containers larger than this are walked header by header in the file
# rather than read whole.
_MAX_BUFFER = 32 * 1024 * 1024


class AtomError(Exception):
    pass


def _set_header(atom, offset, length, name, header_size, level, fileobj):
    """Fill in an atom from its header fields; length 0 asks the file size."""
    atom.offset = offset
    atom.length = length
    atom.name = name
    atom._dataoffset = offset + header_size
    if header_size == 16:
        if length < 16:
            raise AtomError("64 bit atom length can only be 16 and higher")
    elif length == 0:
        if level != 0:
            raise AtomError("only a top-level atom can have zero length")
        # Extends to the end of the file.
        here = fileobj.tell()
        fileobj.seek(0, 2)
        atom.length = fileobj.tell() - offset
        fileobj.seek(here, 0)
    elif length < 8:
        raise AtomError("atom length can only be 0, 1 or 8 and higher")


def _read_atom(atom, fileobj, level, keep):
    """Read the atom at the file position into ``atom`` (children too) and
    leave the file at its end.  Container bodies read whole are appended to
    ``keep`` as (file offset, bytes) when keep is a list."""
    offset = fileobj.tell()
    head = fileobj.read(8)
    if len(head) < 8:
        raise AtomError("truncated data")
    length, name = _HEADER.unpack(head)
    if length == 1:
        more = fileobj.read(8)
        if len(more) < 8:
            raise AtomError("truncated data")
        _set_header(atom, offset, _UINT64.unpack(more)[0], name, 16, level, fileobj)
    else:
        _set_header(atom, offset, length, name, 8, level, fileobj)
    end = atom.offset + atom.length
    if name in _CONTAINERS:
        # The file is left where the children end, which is past the
        # container when its last child claims more than the container.
        start = atom._dataoffset + _SKIP_SIZE.get(name, 0)
        if end - start <= _MAX_BUFFER:
            fileobj.seek(start, 0)
            buf = fileobj.read(max(end - start, 0))
            if keep is not None:
                keep.append((start, buf))
            atom.children, pos = _parse_children(buf, start, start, end, level + 1, fileobj)
            fileobj.seek(pos, 0)
        else:
            fileobj.seek(start, 0)
            children = []
            while fileobj.tell() < end:
                children.append(Atom(fileobj, level + 1))
            atom.children = children
    else:
        fileobj.seek(end, 0)


def _parse_children(buf, base, pos, end, level, fileobj):
    """The atoms from file offset pos to end, parsed from buf (the file's
    bytes from offset base), and the offset where they end.  An atom whose
    header or body is not all in buf is read from the file instead, which
    raises as mutagen would."""
    children = []
    buf_end = base + len(buf)
    new = Atom.__new__
    while pos < end:
        if pos + 8 > buf_end:
            pos = _child_from_file(children, fileobj, pos, level)
            continue
        length, name = _HEADER.unpack_from(buf, pos - base)
        child = new(Atom)
        if length >= 8:
            # The common case, inline.
            child.offset = pos
            child.length = length
            child.name = name
            child._dataoffset = pos + 8
        elif length == 1:
            if pos + 16 > buf_end:
                pos = _child_from_file(children, fileobj, pos, level)
                continue
            _set_header(child, pos, _UINT64.unpack_from(buf, pos - base + 8)[0],
                        name, 16, level, fileobj)
        else:
            _set_header(child, pos, length, name, 8, level, fileobj)
        child_end = pos + child.length
        if name in _CONTAINERS:
            if child_end > buf_end:
                # The container runs past the bytes read: walk it in the file.
                pos = _child_from_file(children, fileobj, pos, level)
                continue
            start = child._dataoffset + _SKIP_SIZE.get(name, 0)
            child.children, child_end = _parse_children(
                buf, base, start, child_end, level + 1, fileobj)
        children.append(child)
        pos = child_end
    return children, pos


def _child_from_file(children, fileobj, pos, level):
    """Read the atom at pos from the file into children; where it ends."""
    fileobj.seek(pos, 0)
    children.append(Atom(fileobj, level))
    return fileobj.tell()


class Atom:
    """One atom: ``name``, ``offset`` and ``length`` (header included);
    ``children`` is a list for containers, None otherwise."""

    children = None

    @convert_error(IOError, AtomError)
    def __init__(self, fileobj, level=0):
        _read_atom(self, fileobj, level, None)

    @staticmethod
    def render(name, data):
        """The atom with this name and body, as bytes."""
        size = len(data) + 8
        if size <= 0xFFFFFFFF:
            return _HEADER.pack(size, name) + data
        return _HEADER64.pack(1, name, size + 8) + data

    def findall(self, name, recursive=False):
        """The children with this name (and, if recursive, their
        descendants with it), depth first."""
        if self.children is not None:
            for child in self.children:
                if child.name == name:
                    yield child
                if recursive:
                    for atom in child.findall(name, True):
                        yield atom

    def __getitem__(self, remaining):
        """The descendant at the path of names ``remaining`` (a sequence);
        the first child of each name is taken."""
        if not remaining:
            return self
        if self.children is None:
            raise KeyError("%r is not a container" % self.name)
        for child in self.children:
            if child.name == remaining[0]:
                return child[remaining[1:]]
        raise KeyError("%r not found" % remaining[0])

    @property
    def datalength(self):
        return self.length - (self._dataoffset - self.offset)

    def read(self, fileobj):
        """(complete, body): the body read from the file, and whether all
        of it was there."""
        fileobj.seek(self._dataoffset, 0)
        data = fileobj.read(self.datalength)
        return len(data) == self.datalength, data

    def __repr__(self):
        head = "<%s name=%r length=%r offset=%r" % (
            type(self).__name__, self.name, self.length, self.offset)
        if self.children is None:
            return head + ">"
        lines = []
        for child in self.children:
            lines.extend(" " + line for line in repr(child).splitlines())
        return head + "\n" + "\n".join(lines) + ">"


class Atoms:
    """The top-level atoms of a file, read from its start."""

    @convert_error(IOError, AtomError)
    def __init__(self, fileobj):
        self.atoms = []
        self._buffers = []
        fileobj.seek(0, 2)
        end = fileobj.tell()
        fileobj.seek(0, 0)
        while fileobj.tell() + 8 <= end:
            atom = Atom.__new__(Atom)
            _read_atom(atom, fileobj, 0, self._buffers)
            self.atoms.append(atom)

    def path(self, *names):
        """The atoms along a path of names, from the top level down."""
        path = [self]
        for name in names:
            path.append(path[-1][name, ])
        return path[1:]

    def __contains__(self, names):
        try:
            self[names]
        except KeyError:
            return False
        return True

    def __getitem__(self, names):
        """The atom at a path: a sequence of names or b"moov.udta"."""
        if isinstance(names, bytes):
            names = names.split(b".")
        for child in self.atoms:
            if child.name == names[0]:
                return child[names[1:]]
        raise KeyError("%r not found" % names[0])

    def __repr__(self):
        return "\n".join(repr(child) for child in self.atoms)


def _atom_data(atoms, atom, fileobj):
    """``atom.read(fileobj)``, taken from the bytes ``atoms`` read when they
    hold the whole body."""
    start = atom._dataoffset
    end = atom.offset + atom.length
    for base, buf in getattr(atoms, "_buffers", ()):
        if base <= start and end <= base + len(buf):
            return True, buf[start - base:end - base]
    return atom.read(fileobj)
