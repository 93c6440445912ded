# SPDX-License-Identifier: GPL-2.0-or-later
"""Chunks of IFF-style files, shared by AIFF (EA IFF 85 / Apple AIFF),
RIFF/WAVE and DSDIFF, and IffID3, an ID3 tag kept in an "ID3 " chunk.

A chunk is a four-character ID, a size, its data and, when the size is odd,
one padding byte.  The size field's width and byte order differ by format;
subclasses give them (parse_header, write_new_header, write_size).  A
container chunk (the file's root, RIFF's LIST...) holds an optional
four-character name and then more chunks.  Chunk IDs are ASCII, right
padded with spaces in the file and stripped of them here.

Resizing or inserting a chunk moves the rest of the file and rewrites the
size of every chunk around it, so the file stays consistent.
"""

import sys

from ._util import (MutagenError, convert_error, delete_bytes, insert_bytes,
                    loadfile, reraise, resize_bytes)
from .id3 import ID3
from .id3._util import ID3NoHeaderError, error as ID3Error


class error(MutagenError):
    pass


class InvalidChunk(error):
    pass


class EmptyChunk(InvalidChunk):
    pass


def is_valid_chunk_id(id: str) -> bool:
    """Whether `id` (str) can name a chunk: one to four printable ASCII
    characters.
    """

    assert isinstance(id, str), \
        'id is of type %s, must be str: %r' % (type(id), id)
    # One to four printable ASCII characters (the padding spaces of a
    # shorter ID are stripped when it is read).
    return 0 < len(id) <= 4 and min(id) >= " " and max(id) <= "~"


def assert_valid_chunk_id(id: str) -> None:
    if not is_valid_chunk_id(id):
        raise ValueError("IFF chunk ID must be four ASCII characters.")


class IffChunk:
    """One chunk of an IFF-style file.

    ``offset`` is where its header starts and ``data_offset`` where its data
    starts; ``data_size`` is what the size field says and ``size`` counts the
    header, the data and the padding byte.  The header layout belongs to the
    format: subclasses give parse_header, write_new_header and write_size.
    """

    # Bytes of ID and size before the data.
    HEADER_SIZE = 8
    # The largest data size the size field holds.
    _MAX_DATA_SIZE = 2 ** 32 - 1

    @classmethod
    def parse_header(cls, header):
        """(id, data_size) from a chunk header's bytes; each chunk
        format defines its own layout."""
        raise error("Not implemented")

    def write_new_header(self, id_, size):
        """Write, at the file's position, a header for a chunk `id_` (four
        bytes) whose data is `size` bytes.  Subclasses implement it.
        """
        raise error("Not implemented")

    def write_size(self):
        """Write ``data_size`` as a size field at the file's position.
        Subclasses implement it.
        """
        raise error("Not implemented")

    @classmethod
    def get_class(cls, id):
        """The chunk class to use for chunk ID `id`: this class, unless a
        format maps some IDs to classes of their own."""
        return cls

    @classmethod
    def parse(cls, fileobj, parent_chunk=None):
        """The chunk whose header is at the file's position."""
        header = fileobj.read(cls.HEADER_SIZE)
        if len(header) < cls.HEADER_SIZE:
            raise EmptyChunk("Header size < %i" % cls.HEADER_SIZE)
        id, data_size = cls.parse_header(header)
        try:
            id = id.decode("ascii").rstrip()
        except UnicodeDecodeError as e:
            raise InvalidChunk(e)
        if not is_valid_chunk_id(id):
            raise InvalidChunk("Invalid chunk ID %r" % id)
        return cls.get_class(id)(fileobj, id, data_size, parent_chunk)

    def __init__(self, fileobj, id, data_size, parent_chunk):
        self._fileobj = fileobj
        self.id = id
        self.data_size = data_size
        self.parent_chunk = parent_chunk
        # The header was just read: the data starts here.
        self.data_offset = fileobj.tell()
        self.offset = self.data_offset - self.HEADER_SIZE
        self._calculate_size()

    def __repr__(self):
        return ("<%s id=%s, offset=%i, size=%i, data_offset=%i, data_size=%i>"
                % (type(self).__name__, self.id, self.offset, self.size,
                   self.data_offset, self.data_size))

    def read(self) -> bytes:
        """The chunk's data, as far as the file holds it."""
        return self._read(self.data_size)

    def _read(self, count):
        """Up to count bytes of the data from its start; never more than
        the file has, whatever the size field claims."""
        count = min(count, self.data_size, self._get_actual_data_size())
        self._fileobj.seek(self.data_offset)
        return self._fileobj.read(max(count, 0))

    def write(self, data: bytes) -> None:
        """Overwrite the start of the chunk's data with `data`, which must
        fit in it."""
        if len(data) > self.data_size:
            raise ValueError("%d bytes do not fit in the %d bytes of chunk %r"
                             % (len(data), self.data_size, self.id))
        self._fileobj.seek(self.data_offset)
        self._fileobj.write(data)
        # The padding byte of an odd-sized chunk is zero.
        if self.padding():
            self._fileobj.seek(self.data_offset + self.data_size)
            self._fileobj.write(b"\x00")

    def delete(self) -> None:
        """Cut this chunk out of the file and shrink every chunk holding it."""
        delete_bytes(self._fileobj, self.size, self.offset)
        if self.parent_chunk is not None:
            self.parent_chunk._remove_subchunk(self)
        self._fileobj.flush()

    def _update_size(self, size_diff, changed_subchunk=None):
        """Add `size_diff` to ``data_size``, rewrite the size field and pass
        the change up to the parent.  `changed_subchunk` is the child whose
        change this is: the children after it move by `size_diff`.
        """
        old_size = self.size
        self.data_size += size_diff
        self._fileobj.seek(self.offset + 4)
        self.write_size()
        self._calculate_size()
        if changed_subchunk is not None:
            self._update_sibling_offsets(changed_subchunk, size_diff)
        if self.parent_chunk is not None:
            self.parent_chunk._update_size(self.size - old_size, self)

    def _check_growth(self, size_diff):
        """Raise error, before the file is touched, if a size field on the
        way up from this chunk cannot hold its size changed by size_diff
        (the change of a child's total size)."""
        chunk = self
        while chunk is not None:
            new_size = chunk.data_size + size_diff
            if not 0 <= new_size <= chunk._MAX_DATA_SIZE:
                raise error("chunk %r cannot hold %d bytes"
                            % (chunk.id, new_size))
            # An odd size keeps its padding: the parent changes as much.
            chunk = chunk.parent_chunk

    def _calculate_size(self):
        self.size = self.HEADER_SIZE + self.data_size + self.padding()

    def resize(self, new_data_size: int) -> None:
        """Make room for `new_data_size` bytes of data, adding or cutting bytes
        at the end of the chunk, and fix the size fields up to the root.

        Raises error, before the file changes, if a size field cannot hold the
        new size.
        """
        if new_data_size < 0:
            raise ValueError("chunk size must not be negative, got %d"
                             % new_data_size)
        old_size = self._get_actual_data_size()
        new_size = new_data_size + new_data_size % 2
        if not 0 <= new_data_size <= self._MAX_DATA_SIZE:
            raise error("chunk %r cannot hold %d bytes"
                        % (self.id, new_data_size))
        if self.parent_chunk is not None:
            self.parent_chunk._check_growth(
                new_size - (self.data_size + self.padding()))
        resize_bytes(self._fileobj, old_size, new_size, self.data_offset)
        self._update_size(new_data_size - self.data_size)
        self._fileobj.flush()

    def padding(self) -> int:
        """1 when ``data_size`` is odd (a zero byte follows the data), else 0."""
        return self.data_size % 2

    def _get_actual_data_size(self) -> int:
        """Bytes of data and padding the file really has for this chunk: the
        size field's count, cut short at the end of a truncated file.
        """
        fileobj = self._fileobj
        fileobj.seek(0, 2)
        file_size = fileobj.tell()
        return min(file_size - self.data_offset,
                   self.data_size + self.padding())


class IffContainerChunkMixin:
    """Mixed into chunk classes whose data is more chunks.

    The data may start with a name (``name``, four ASCII bytes unless
    init_container is told otherwise); the children follow.  A file's root
    chunk is one, as is a RIFF "LIST" chunk.  Subclasses give
    parse_next_subchunk and call init_container after the chunk's own
    __init__.
    """

    def parse_next_subchunk(self):
        """The chunk at the file's position, as a child of this one."""
        raise error("Not implemented")

    def init_container(self, name_size=4):
        # The name comes right after the header, where the file is.
        if self.data_size < name_size:
            raise InvalidChunk("Container chunk data size < %i" % name_size)
        self.name = None
        if name_size > 0:
            try:
                self.name = self._fileobj.read(name_size).decode("ascii")
            except UnicodeDecodeError as e:
                raise error(e)
        self.__name_size = name_size
        # Read on first use: most lookups never look inside.
        self.__subchunks = None

    def subchunks(self):
        """The list of child chunks, read from the file on the first call.

        Reading stops at the end of the data or at a child that cannot be
        parsed.
        """
        if self.__subchunks is None:
            subchunks = []
            next_offset = self.data_offset + self.__name_size
            end = self.data_offset + self.data_size
            # Every chunk takes at least its header, so this ends; a chunk
            # that cannot be read ends the list.
            while next_offset < end:
                self._fileobj.seek(next_offset)
                try:
                    chunk = self.parse_next_subchunk()
                except InvalidChunk:
                    break
                subchunks.append(chunk)
                next_offset = chunk.offset + chunk.size
            self.__subchunks = subchunks
        return self.__subchunks

    def insert_chunk(self, id_, data=None):
        """Append a chunk `id_` holding `data` (bytes; none by default) after
        the last child, and return it.  KeyError if `id_` is no valid chunk ID.
        """

        if not is_valid_chunk_id(id_):
            raise KeyError("Invalid IFF key.")
        # Read the children before the file changes under them.
        subchunks = self.subchunks()
        if data is None:
            data = b""
        data_size = len(data)
        chunk_size = self.HEADER_SIZE + data_size + data_size % 2
        self._check_growth(chunk_size)

        # Right after this chunk's data, as far as the file has it.
        offset = self.data_offset + self._get_actual_data_size()
        insert_bytes(self._fileobj, chunk_size, offset)
        self._fileobj.seek(offset)
        self.write_new_header(id_.ljust(4).encode("ascii"), data_size)
        self._fileobj.seek(offset)
        chunk = self.parse_next_subchunk()
        self._update_size(chunk.size)
        if data:
            chunk.write(data)
        subchunks.append(chunk)
        self._fileobj.flush()
        return chunk

    def __contains__(self, id_):
        """Whether any child chunk has the ID `id_`."""
        assert_valid_chunk_id(id_)
        for chunk in self.subchunks():
            if chunk.id == id_:
                return True
        return False

    def __getitem__(self, id_):
        """The first child chunk with the ID `id_`; KeyError if none has it."""
        assert_valid_chunk_id(id_)
        for chunk in self.subchunks():
            if chunk.id == id_:
                return chunk
        raise KeyError("No %r chunk found" % id_)

    def __delitem__(self, id_):
        """Cut the first child chunk with the ID `id_` out of the file
        (KeyError if none has it)."""
        self[id_].delete()

    def _remove_subchunk(self, chunk):
        self._update_size(-chunk.size, chunk)
        self.__subchunks.remove(chunk)

    def _update_sibling_offsets(self, changed_subchunk, size_diff):
        """Shift the offsets of the children that follow `changed_subchunk`
        by `size_diff` bytes.
        """
        subchunks = self.subchunks()
        index = subchunks.index(changed_subchunk)
        for chunk in subchunks[index + 1:]:
            chunk.offset += size_diff
            chunk.data_offset += size_diff


class IffFile:
    """An IFF-style file, read through its root chunk (``root``), which
    `chunk_cls` parses.  Chunks are found, removed and added by ID among
    the root's children.
    """

    def __init__(self, chunk_cls, fileobj):
        fileobj.seek(0)
        self.root = chunk_cls.parse(fileobj)

    def __contains__(self, id_):
        """Whether the root chunk has a child with the ID `id_`."""
        return id_ in self.root

    def __getitem__(self, id_):
        """The root's first child with the ID `id_` (KeyError if none)."""
        return self.root[id_]

    def __delitem__(self, id_):
        """``del iff[id_]``: the same as delete_chunk(id_)."""
        self.delete_chunk(id_)

    def delete_chunk(self, id_):
        """Cut the root's first child with the ID `id_` out of the file;
        KeyError if there is none."""
        del self.root[id_]

    def insert_chunk(self, id_, data=None):
        """Append a chunk `id_` holding `data` to the root chunk; return it."""
        return self.root.insert_chunk(id_, data)


class IffID3(ID3):
    """An ID3 tag kept in a chunk (``_CHUNK_ID``) of an IFF-style file.
    Subclasses say how the file is read by giving _load_file.
    """

    # The ID of the chunk holding the tag.
    _CHUNK_ID = "ID3"

    def _load_file(self, fileobj):
        """The format's IffFile for fileobj."""
        raise error("Not implemented")

    def _pre_load_header(self, fileobj):
        try:
            chunk = self._load_file(fileobj)[self._CHUNK_ID]
        except (InvalidChunk, KeyError):
            raise ID3NoHeaderError("No ID3 chunk")
        fileobj.seek(chunk.data_offset)

    @convert_error(IOError, error)
    @loadfile(writable=True)
    def save(self, filething=None, v2_version=4, v23_sep='/', padding=None):
        """Write the tag into its chunk, resized to fit, or into a new chunk at
        the end of the root when the file has none.  The tag is rendered
        first, so a failure to render it leaves the file as it was.
        """

        fileobj = filething.fileobj
        iff_file = self._load_file(fileobj)
        _save_in_chunk(self, fileobj, iff_file.root, self._CHUNK_ID,
                       self._find_chunk(iff_file), v2_version, v23_sep,
                       padding, error)

    def _find_chunk(self, iff_file):
        try:
            return iff_file[self._CHUNK_ID]
        except KeyError:
            return None

    @convert_error(IOError, error)
    @loadfile(writable=True)
    def delete(self, filething=None):
        """Cut the tag's chunk out of the file, if it has one, and clear the
        tag.
        """

        _delete_chunk(self._load_file(filething.fileobj), self._CHUNK_ID)
        self.clear()


def _delete_chunk(iff_file, id_):
    """Remove the chunk id_ from iff_file, if it has one."""
    try:
        del iff_file[id_]
    except KeyError:
        pass


def _save_in_chunk(tag, fileobj, container, id_, chunk, v2_version, v23_sep,
                   padding, error_class):
    """Write the ID3 tag `tag` into `chunk` (resized to fit), or into a new
    chunk id_ at the end of `container` when chunk is None.

    The tag is rendered before the file changes, so a value that cannot be
    written or a bad padding leaves the file as it was."""

    if chunk is None:
        # The new chunk goes at the end of the container's data; its data
        # starts a header later, and the padding callback sees the bytes
        # after that as the trailing size, as when it exists already.
        start = container.data_offset + container._get_actual_data_size()
        available = 0
    else:
        start = chunk.data_offset
        available = chunk.data_size
    try:
        data = tag._prepare_data(fileobj, start, available, v2_version,
                                 v23_sep, padding)
    except ID3Error as e:
        reraise(error_class, e, sys.exc_info()[2])

    if chunk is None:
        chunk = container.insert_chunk(id_)
    chunk.resize(len(data))
    chunk.write(data)
