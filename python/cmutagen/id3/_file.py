# SPDX-License-Identifier: GPL-2.0-or-later
"""ID3 (an ID3v2 tag read from the start of a file, plus its ID3v1 tag at
the end), its saving and deleting, and ID3FileType, the base of the
formats that carry an ID3 tag in front of their data (MP3, AAC...)."""

import struct

from cmutagen._file import FileType, StreamInfo
from cmutagen._tags import Metadata, PaddingInfo
from cmutagen._util import (bytesio_contents, convert_error, delete_bytes, enum,
                            insert_bytes, loadfile, read_full)

from ._util import (BitPaddedInt, ID3NoHeaderError, ID3SaveConfig,
                    ID3UnsupportedVersionError, error)
from . import _tags
from ._frames import Frames, Frames_2_2
from ._specs import Encoding
from ._tags import ID3Header, ID3Tags
from ._id3v1 import MakeID3v1, _find_id3v1_in, find_id3v1

try:
    from cmutagen import _native
except ImportError:  # the extension is not built: the Python reader only
    _native = None


@enum
class ID3v1SaveOptions:
    """What ID3.save does with the ID3v1 tag."""

    REMOVE = 0
    """Remove any ID3v1 tag."""

    UPDATE = 1
    """Rewrite the ID3v1 tag if there is one, else write none."""

    CREATE = 2
    """Write an ID3v1 tag, replacing any there is."""


class ID3(ID3Tags, Metadata):
    """An ID3v2 tag (with the frames of an ID3v1 tag at the end of the file
    added where the v2 tag lacks them).

    ``ID3(filething, ...)`` loads it (see load); ``ID3()`` is empty.

    Attributes: ``version`` (of the tag read, as a tuple; (1, 1) when only
    a v1 tag was found), ``size`` (of the v2 tag in bytes, header
    included), ``unknown_frames`` (raw frames that could not be read)."""

    __module__ = "cmutagen.id3"

    PEDANTIC = True
    filename = None

    def __init__(self, *args, **kwargs):
        self._header = None
        self._version = (2, 4, 0)
        super().__init__(*args, **kwargs)

    @property
    def version(self):
        if self._header is not None:
            return self._header.version
        return self._version

    @version.setter
    def version(self, value):
        self._version = value

    @property
    def f_unsynch(self):
        return self._header is not None and self._header.f_unsynch

    @property
    def f_extended(self):
        return self._header is not None and self._header.f_extended

    @property
    def size(self):
        if self._header is not None:
            return self._header.size
        return 0

    def _pre_load_header(self, fileobj):
        """Position fileobj at the tag; a hook for formats that keep the
        tag elsewhere (by default it is read where the file is)."""

    @convert_error(IOError, error)
    @loadfile()
    def load(self, filething, known_frames=None, translate=True,
             v2_version=4, load_v1=True):
        """Read the tag from a file (frames already here are kept unless
        the file has the same ones).

        known_frames: the frame classes to read, by frame ID (default: all
        of them); translate: convert the frames to v2_version (3 or 4);
        load_v1: also read an ID3v1 tag at the end of the file.  Raises
        ID3NoHeaderError if there is no tag at all."""

        if (known_frames is None and translate and v2_version == 4 and load_v1
                and type(self) is ID3):
            # The common call, in one C call where the file is the plain
            # case: a path, or an io.BytesIO at its start, read in place.
            spec = _LOAD_SPEC or _load_spec()
            if spec and filething.path is not None:
                if _native.load_id3(filething.path, spec, self, filething.filename):
                    return
            elif spec:
                contents = bytesio_contents(filething.fileobj)
                if (contents is not None
                        and _native.load_id3(contents, spec, self, filething.filename)):
                    # where mutagen's load leaves it: after the v2 tag, or
                    # after the 10 bytes it looked for one in
                    filething.fileobj.seek(self.size or 10)
                    return

        fileobj = filething.fileobj

        if v2_version not in (3, 4):
            raise ValueError("Only 3 and 4 possible for v2_version")

        self.unknown_frames = []
        self._header = None
        self.filename = filething.filename
        self._padding = 0

        self._pre_load_header(fileobj)

        try:
            header = ID3Header(fileobj)
        except (ID3NoHeaderError, ID3UnsupportedVersionError):
            if not load_v1:
                raise
            frames, offset = find_id3v1(fileobj, v2_version, known_frames)
            if frames is None:
                raise
            self.version = ID3Header._V11
            self.__add_v1(frames)
        else:
            if known_frames is not None:
                header._known_frames = known_frames

            # The tag size counts the extended header, already read.
            size = header.size - 10
            if header.f_extended:
                size -= 4 + len(header._extdata)
            self.__read_v2(header, read_full(fileobj, size))
            if load_v1:
                frames, offset = find_id3v1(fileobj, self.__v1_version(), known_frames)
                self.__add_v1(frames)

        if translate:
            if v2_version == 3:
                self.update_to_v23()
            else:
                self.update_to_v24()

    def _load_read(self, filename, header, body, tail):
        """load(filename) with its default arguments, from bytes the MP3
        reader read in one go: header an ID3Header (or None: no tag at the
        start), body the tag after its header, tail the file's last
        _V1_WINDOW bytes.  Returns False, with no frames taken, when the
        file has no tag at either end (load raises ID3NoHeaderError)."""
        self.unknown_frames = []
        self.filename = filename
        self._padding = 0
        if header is None:
            frames, offset = _find_id3v1_in(tail)
            if frames is None:
                return False
            self._header = None
            self.version = ID3Header._V11
            self.__add_v1(frames)
        else:
            self.__read_v2(header, body)
            self.__add_v1(_find_id3v1_in(tail, self.__v1_version())[0])
        self.update_to_v24()
        return True

    def __read_v2(self, header, data):
        self._header = header
        self._padding = len(self._read(header, data))

    def __v1_version(self):
        # v1 frames fill in what the v2 tag lacks, in its version.
        return 4 if self.version[1] == 4 else 3

    def __add_v1(self, frames):
        for frame in (frames or {}).values():
            if self._has_none(frame.HashKey):
                self.add(frame)

    def _prepare_data(self, fileobj, start, available, v2_version, v23_sep,
                      pad_func):
        """The bytes of the whole new tag: header, frames and padding, for
        a tag at ``start`` that now takes ``available`` bytes."""

        if v2_version not in (3, 4):
            raise ValueError("Only 3 or 4 allowed for v2_version")

        config = ID3SaveConfig(v2_version, v23_sep)
        framedata = self._write(config)

        needed = len(framedata) + 10
        fileobj.seek(0, 2)
        trailing_size = fileobj.tell() - start

        info = PaddingInfo(available - needed, trailing_size)
        new_padding = info._get_padding(pad_func)
        if new_padding < 0:
            raise error("invalid padding")
        new_size = needed + new_padding

        new_framesize = BitPaddedInt.to_str(new_size - 10, width=4)
        header = struct.pack(">3sBBB4s", b"ID3", v2_version, 0, 0,
                             new_framesize)

        data = header + framedata
        data += b"\x00" * (new_size - len(data))
        return data

    @convert_error(IOError, error)
    @loadfile(writable=True, create=True)
    def save(self, filething=None, v1=1, v2_version=4, v23_sep="/",
             padding=None):
        """Write the tag to a file (by default the one it was loaded from;
        created if missing), in place of any ID3v2 tag at its start.

        v1: an ID3v1SaveOptions (REMOVE, UPDATE or CREATE the v1 tag);
        v2_version: 3 or 4; v23_sep: joins multiple text values in v2.3
        (None: null separated); padding: a function from PaddingInfo to
        the padding to leave after the frames."""

        f = filething.fileobj

        try:
            header = ID3Header(f)
        except ID3NoHeaderError:
            old_size = 0
        else:
            old_size = header.size

        data = self._prepare_data(f, 0, old_size, v2_version, v23_sep,
                                  padding)
        new_size = len(data)
        # The ID3v1 tag is rendered before the file is first written too, so
        # a value it cannot hold fails the save with the file untouched.
        v1_offset, v1_data = self.__render_v1(f, v1)

        # Make room (or give it back) first, then write over the old tag:
        # the audio data is moved, never cut.
        if old_size < new_size:
            insert_bytes(f, new_size - old_size, old_size)
        elif old_size > new_size:
            delete_bytes(f, old_size - new_size, new_size)
        f.seek(0)
        f.write(data)

        # The v1 tag's place counts from the end, which the moves above
        # leave where it was.
        f.seek(v1_offset, 2)
        if v1_data is None:
            f.truncate()
        else:
            f.write(v1_data)

    def __render_v1(self, f, v1):
        """Where the ID3v1 tag goes (an offset from the end of the file),
        and its bytes, or None when the file is to end there."""
        tag, offset = find_id3v1(f)
        if v1 == ID3v1SaveOptions.CREATE or (
                v1 == ID3v1SaveOptions.UPDATE and tag is not None):
            return offset, MakeID3v1(self)
        return offset, None

    @convert_error(IOError, error)
    @loadfile(writable=True)
    def delete(self, filething=None, delete_v1=True, delete_v2=True):
        """Remove the tags from a file (by default the one loaded) and
        clear this object's frames."""
        delete(filething.fileobj, delete_v1, delete_v2)
        self.clear()


# ---- loading in one C call (_native.load_mp3, load_id3) ----------------------

def _load_bytesio(filetype, fileobj, ID3):
    """ID3FileType.load of an io.BytesIO at its start through the format's
    one-call read (_load_path), over its contents.  False: nothing was
    set, read it the general way."""
    contents = bytesio_contents(fileobj)
    if contents is None or not filetype._load_path(contents, ID3):
        return False
    # (mutagen leaves the file after the last frames its scan read; the
    # end is where FLAC and Ogg files are left)
    fileobj.seek(0, 2)
    return True


# ID3's attributes in the order ID3() and load set them (T_* in
# _native/id3_objects.c); the first five are ID3()'s.
_TAG_NAMES = ("_header", "_version", "unknown_frames", "_unknown_v2_version",
              "_DictProxy__dict", "filename", "_padding")
_HEADER_NAMES = ("_flags", "size", "version")
# The frame classes the C loader makes or looks at (K_*), and field names
# (F_*).
_SPEC_FRAMES = ("TIT2", "TPE1", "TALB", "TYER", "TDRC", "COMM", "TRCK", "TCON", "TDAT",
                "TIME", "TORY", "IPLS", "RVAD", "TRDA", "TSIZ", "APIC", "TDOR", "TIPL")
_SPEC_FIELDS = ("encoding", "text", "lang", "desc", "mime", "sub_frames", "people")

_LOAD_SPEC = None


def _build_load_spec():
    """The classes and names the C loader works with, or False when ID3 is
    not laid out as it expects (then only the Python reader runs)."""
    if _native is None or _tags._c_read_frames is None:
        return False
    if (list(vars(ID3())) != list(_TAG_NAMES[:5])
            or list(vars(ID3Header._plain(4, 0, 0, 0))) != list(_HEADER_NAMES)
            or not _tags._stores_plainly(ID3)):
        return False
    v1_comment = ("ID3v1 Comment", "eng")
    return (_tags._native_context(), ID3, ID3Header, Frames, Frames_2_2, _TAG_NAMES,
            _HEADER_NAMES, ID3._add, ID3.update_to_v24,
            tuple(Frames[name] for name in _SPEC_FRAMES), _SPEC_FRAMES, _SPEC_FIELDS,
            Encoding.LATIN1, v1_comment + ("COMM:%s:%s" % v1_comment,))


def _load_spec():
    global _LOAD_SPEC
    if _LOAD_SPEC is None:
        _LOAD_SPEC = _build_load_spec()
    return _LOAD_SPEC


@convert_error(IOError, error)
@loadfile(method=False, writable=True)
def delete(filething, delete_v1=True, delete_v2=True):
    """Remove the ID3v1 tag at the end and/or the ID3v2 tag at the start of
    a file."""

    f = filething.fileobj

    # Both tags are found before either is removed, so a v2 header that
    # claims more bytes than the file has fails with the file untouched.
    v1_offset = None
    if delete_v1:
        tag, offset = find_id3v1(f)
        if tag is not None:
            v1_offset = offset

    v2_size = None
    if delete_v2:
        # Only the size is needed: a tag with bad flags goes too.
        f.seek(0, 0)
        idata = f.read(10)
        try:
            id3, vmaj, vrev, flags, insize = struct.unpack(">3sBBB4s", idata)
        except struct.error:
            pass
        else:
            insize = BitPaddedInt(insize)
            if id3 == b"ID3" and insize >= 0:
                v2_size = insize + 10

    if v2_size is not None:
        size_left = f.seek(0, 2) + (v1_offset or 0)
        if v2_size > size_left:
            raise ValueError("cannot delete %d bytes at offset 0 of a %d byte file"
                             % (v2_size, size_left))
    if v1_offset is not None:
        f.seek(v1_offset, 2)
        f.truncate()
    if v2_size is not None:
        delete_bytes(f, v2_size, 0)


class ID3FileType(FileType):
    """A file with an ID3 tag at its start and audio of a kind this class
    does not know (subclasses like MP3 set ``_Info``).

    ``ID3FileType(filething, ID3=None, **kwargs)``: ID3 is the tag class to
    use (an ID3 subclass such as EasyID3), kwargs go to its load."""

    __module__ = "cmutagen.id3"

    ID3 = ID3

    class _Info(StreamInfo):
        length = 0

        def __init__(self, fileobj, offset):
            pass

        @staticmethod
        def pprint():
            return "Unknown format with ID3 tag"

    @staticmethod
    def score(filename, fileobj, header_data):
        return header_data.startswith(b"ID3")

    def add_tags(self, ID3=None):
        """Give the file an empty tag of class ID3 (default: self.ID3);
        an error if it has one."""
        if ID3 is None:
            ID3 = self.ID3
        if self.tags is None:
            self.ID3 = ID3
            self.tags = ID3()
        else:
            raise error("an ID3 tag already exists")

    @loadfile()
    def load(self, filething, ID3=None, **kwargs):
        """Read the file's tag (None if it has none) and stream info."""
        self.filename = filething.filename

        if ID3 is None:
            ID3 = self.ID3
        else:
            # Remembered for add_tags after a delete.
            self.ID3 = ID3

        path = filething.path
        if not kwargs:
            if path is not None:
                if self._load_path(path, ID3):
                    return
            elif _load_bytesio(self, filething.fileobj, ID3):
                return
        fileobj = filething.fileobj

        try:
            self.tags = ID3(fileobj, **kwargs)
        except ID3NoHeaderError:
            self.tags = None

        if self.tags is not None:
            try:
                offset = self.tags.size
            except AttributeError:
                offset = None
        else:
            offset = None

        self.info = self._Info(fileobj, offset)

    def _load_path(self, path, ID3):
        """load(path) in one read where a format knows how (MP3 does);
        False: nothing was set, read the file the general way."""
        return False
