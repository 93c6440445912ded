# SPDX-License-Identifier: GPL-2.0-or-later
"""APEv2 tags (and reading APEv1 ones), as mutagen.apev2.

An APE tag is a 32-byte header and/or footer ("APETAGEX", version, size,
item count, flags) around a list of items; each item is a value size, item
flags, an ASCII key ended by a NUL, and the value.  Tags normally sit at the
end of the file, before an ID3v1 tag (and a Lyrics3v2 block) if there is one;
a tag at the very start of the file is read too, and moved to the end on save.
Musepack, WavPack, Monkey's Audio and friends build on APEv2File.
"""

import struct
from collections.abc import MutableSequence
from functools import total_ordering

from ._file import FileType, StreamInfo
from ._tags import Metadata
from ._util import DictMixin, MutagenError, convert_error, delete_bytes, get_size, loadfile

__all__ = ["APEv2", "APEv2File", "Open", "delete"]

# Value kinds, stored in bits 1-2 of an item's flags.
TEXT, BINARY, EXTERNAL = range(3)

# Flags of the tag header/footer.
HAS_HEADER = 1 << 31
HAS_NO_FOOTER = 1 << 30
IS_HEADER = 1 << 29

_MAGIC = b"APETAGEX"
_HEADER = struct.Struct("<8sIIII8x")  # magic, version, size, item count, flags
_ITEM = struct.Struct("<II")  # value size, item flags
_ID3V1_SIZE = 128
# Junk an old tagger left in front of its tags: "APETAGEX" and 16 more bytes.
_JUNK_SIZE = 24


class error(MutagenError):
    pass


class APENoHeaderError(error):
    pass


class APEUnsupportedVersionError(error):
    pass


class APEBadItemError(error):
    pass


def is_valid_apev2_key(key):
    """Whether ``key`` (a str) can name an APEv2 item: 2 to 255 printable
    ASCII characters, and not one of the magic words other tag formats
    start with (readers would mistake the tag for one of those)."""
    if not isinstance(key, str):
        raise TypeError("APEv2 key must be str")
    # Printable ASCII is exactly " " to "~".
    return (2 <= len(key) <= 255
            and key.isascii() and key.isprintable()
            and key not in ("OggS", "TAG", "ID3", "MP+"))


class _TagLocation:
    """Where a tag is in a file.  ``start``/``end`` bound every byte that
    belongs to it (header, items, footer and the junk of old taggers);
    ``data`` and ``size`` bound its items."""

    def __init__(self, start, end, data, size, count, is_at_start):
        self.start = start
        self.end = end
        self.data = data
        self.size = size
        self.count = count
        self.is_at_start = is_at_start


# Most tags (and the ID3v1 and Lyrics3 blocks after them) fit in the last
# few KiB of a file: one read of those answers every question about them.
_TAIL_SIZE = 8192


class _FileWindow:
    """Reads of a file, served from one read of its tail where possible."""

    def __init__(self, fileobj):
        self.fileobj = fileobj
        fileobj.seek(0, 2)
        self.file_size = fileobj.tell()
        self.tail_start = max(0, self.file_size - _TAIL_SIZE)
        fileobj.seek(self.tail_start, 0)
        self.tail = fileobj.read(_TAIL_SIZE)

    def read(self, offset, size):
        if offset >= self.tail_start:
            start = offset - self.tail_start
            return self.tail[start:start + size]
        self.fileobj.seek(offset, 0)
        return self.fileobj.read(size)


def _find_footer(window):
    """The offset of the tag footer at the end of the file, looking past an
    ID3v1 tag and a Lyrics3v2 block before it, or None."""
    file_size = window.file_size
    if file_size >= 32 and window.read(file_size - 32, 8) == _MAGIC:
        return file_size - 32
    if file_size < _ID3V1_SIZE or window.read(file_size - _ID3V1_SIZE, 3) != b"TAG":
        return None
    before_id3 = file_size - _ID3V1_SIZE
    if before_id3 >= 32 and window.read(before_id3 - 32, 8) == _MAGIC:
        return before_id3 - 32
    # Lyrics3v2 ends with a six-digit size of its body and "LYRICS200".
    if before_id3 >= 15:
        trailer = window.read(before_id3 - 15, 15)
        if trailer[6:] == b"LYRICS200" and trailer[:6].isdigit():
            footer = before_id3 - 15 - int(trailer[:6]) - 32
            if footer >= 0 and window.read(footer, 8) == _MAGIC:
                return footer
    return None


def _locate(window):
    """Find the APE tag of a file (a _FileWindow): a _TagLocation, or None."""
    footer = _find_footer(window)
    if footer is not None:
        footer_data = window.read(footer, 32)
        if len(footer_data) < 32:
            # The file gave fewer bytes than its size promised.
            raise APENoHeaderError("APE tag footer cut short by the end of the file")
        magic, _version, size, count, flags = _HEADER.unpack(footer_data)
        # The size counts the items and the footer, never the header.
        data = footer + 32 - size
        if data < 0:
            raise APENoHeaderError("APE tag size %d runs past the start of the file" % size)
        start = data - 32 if flags & HAS_HEADER else data
        end = footer + 32
        size -= 32
        is_at_start = False
    else:
        head = window.read(0, 32)
        if not head.startswith(_MAGIC):
            return None
        if len(head) < 32:
            raise APENoHeaderError("APE tag header cut short by the end of the file")
        magic, _version, size, count, flags = _HEADER.unpack(head)
        start, data = 0, 32
        end = data + size
        # A footer is optional when the tag has a header.
        if size >= 32 and window.read(end - 32, 8) == _MAGIC:
            size -= 32
        is_at_start = True

    # Old taggers could leave one or more junk blocks right before a tag.
    while start >= _JUNK_SIZE and window.read(start - _JUNK_SIZE, 8) == _MAGIC:
        start -= _JUNK_SIZE

    return _TagLocation(start, min(end, window.file_size), data, size, count, is_at_start)


class _CIDictProxy(DictMixin):
    """A dict whose keys are compared case-insensitively but keep the case
    they were last set with, in the order they were first set."""

    def __init__(self, *args, **kwargs):
        self._casemap = {}  # lowercase key -> key as last set
        self._values = {}  # lowercase key -> value
        super().__init__(*args, **kwargs)

    def __getitem__(self, key):
        return self._values[key.lower()]

    def __setitem__(self, key, value):
        lower = key.lower()
        self._casemap[lower] = key
        self._values[lower] = value

    def __delitem__(self, key):
        lower = key.lower()
        del self._casemap[lower]
        del self._values[lower]

    def keys(self):
        casemap = self._casemap
        return [casemap[lower] for lower in self._values]


class APEv2(_CIDictProxy, Metadata):
    """An APEv2 tag: a case-insensitive dict of key -> APE value.

    Loading reads the tag at the end of the file (before any ID3v1 tag) or
    at its start.  Saving always writes the tag at the end, dropping an
    ID3v1 tag that followed the old one."""

    filename = None

    def pprint(self):
        return "\n".join("%s=%s" % (key, self[key].pprint()) for key in sorted(self.keys()))

    @convert_error(IOError, error)
    @loadfile()
    def load(self, filething):
        self.filename = filething.filename
        window = _FileWindow(filething.fileobj)
        where = _locate(window)
        tag = b""
        if where is not None and where.size > 0:
            tag = window.read(where.data, where.size)
        if not tag:
            raise APENoHeaderError("No APE tag found")
        self.clear()
        self.__parse_tag(tag, where.count)

    def __parse_tag(self, tag, count):
        # Keys are checked here, so items go straight into the dicts.
        casemap = self._casemap
        values = self._values
        pos = 0
        end = len(tag)
        for _ in range(count):
            if pos >= end:
                # Taggers miscount items; stop where the tag ends.
                break
            if end - pos < 8:
                raise APEBadItemError("APE item header cut short at byte %d of the tag" % pos)
            size, flags = _ITEM.unpack_from(tag, pos)
            kind = (flags >> 1) & 3
            if kind > EXTERNAL:
                raise APEBadItemError("value type must be 0, 1, or 2")
            key_end = tag.find(b"\0", pos + 8)
            if key_end < 0:
                raise APEBadItemError("APE item key at byte %d of the tag has no terminating NUL" % pos)
            try:
                key = tag[pos + 8:key_end].decode("ascii")
            except UnicodeError as e:
                raise APEBadItemError(e) from None
            if not is_valid_apev2_key(key):
                raise APEBadItemError("%r is not a valid APEv2 key" % key)
            pos = key_end + 1 + size
            if pos > end:
                raise APEBadItemError("value of APE item %r runs past the end of the tag" % key)
            lower = key.lower()
            casemap[lower] = key
            values[lower] = _VALUE_TYPES[kind]._new(tag[key_end + 1:pos])

    def __getitem__(self, key):
        if not is_valid_apev2_key(key):
            raise KeyError("%r is not a valid APEv2 key" % key)
        return super().__getitem__(key)

    def __delitem__(self, key):
        if not is_valid_apev2_key(key):
            raise KeyError("%r is not a valid APEv2 key" % key)
        super().__delitem__(key)

    def __setitem__(self, key, value):
        """Set ``key`` to an APE value; a str becomes a text value, a list
        of str a text value of several strings, bytes a binary value."""
        if not is_valid_apev2_key(key):
            raise KeyError("%r is not a valid APEv2 key" % key)
        if not isinstance(value, _APEValue):
            if isinstance(value, str):
                value = APEValue(value, TEXT)
            elif isinstance(value, list):
                for item in value:
                    if not isinstance(item, str):
                        raise TypeError("item in list not str")
                value = APEValue("\0".join(value), TEXT)
            else:
                value = APEValue(value, BINARY)
        super().__setitem__(key, value)

    def _render(self):
        items = []
        for key, value in self.items():
            data = value._write()
            items.append(_ITEM.pack(len(data), value.kind << 1) + key.encode("ascii") + b"\0" + data)
        # Smallest items first, as the specification recommends (a reader
        # short of time can drop the last ones); equal sizes by their bytes
        # so that saves are reproducible.
        items.sort(key=lambda item: (len(item), item))
        body = b"".join(items)
        size = len(body) + 32
        header = _HEADER.pack(_MAGIC, 2000, size, len(items), HAS_HEADER | IS_HEADER)
        footer = _HEADER.pack(_MAGIC, 2000, size, len(items), HAS_HEADER)
        return header + body + footer

    @convert_error(IOError, error)
    @loadfile(writable=True, create=True)
    def save(self, filething=None):
        """Write the tag at the end of the file, replacing the old one (and
        an ID3v1 tag after it); a tag at the start of the file moves to the
        end.  Refuses (APEBadItemError) to replace an old tag whose items do
        not parse: its size field cannot be trusted to bound it."""
        # Everything that can fail comes before the first write, so that a
        # failure leaves the file as it was.
        rendered = self._render()
        fileobj = filething.fileobj
        where = _find_for_rewrite(fileobj)
        if where is None:
            fileobj.seek(0, 2)
            fileobj.write(rendered)
        elif where.is_at_start:
            # Add the new tag before cutting the old one out, so that the
            # file always has a tag.
            fileobj.seek(0, 2)
            fileobj.write(rendered)
            delete_bytes(fileobj, where.end - where.start, where.start)
        else:
            # Overwrite the old tag in place and drop what is left of it
            # (and whatever followed it).
            fileobj.seek(where.start, 0)
            fileobj.write(rendered)
            fileobj.truncate()

    @convert_error(IOError, error)
    @loadfile(writable=True)
    def delete(self, filething=None):
        """Remove the APE tag from the file and clear this one; like save,
        refuses (APEBadItemError) to cut out a tag whose items do not
        parse."""
        _delete_tag(filething.fileobj)
        self.clear()


def _find_for_rewrite(fileobj):
    """The tag to replace or remove, or None.  Its size field decides how
    many bytes go, so its items must be well formed first: a stray
    "APETAGEX" in the audio must not cost the audio it claims."""
    window = _FileWindow(fileobj)
    try:
        where = _locate(window)
    except APENoHeaderError:
        # A tag too broken to locate cannot be cut out; write a new one.
        return None
    if where is not None:
        if where.start < 0:
            # The footer says the tag has a header, but its items already
            # start at byte 0.  mutagen fails here with ValueError too.
            raise ValueError("negative seek value %d" % where.start)
        _check_items(window, where)
    return where


# The most bytes of an item a structural check needs: the item header and
# a key of at most 255 characters and its NUL.
_ITEM_HEAD_MAX = _ITEM.size + 256


def _check_items(window, where):
    """Raise APEBadItemError unless the bytes of the tag at ``where`` are a
    run of well-formed items (header, valid key, value inside the tag)."""
    pos = where.data
    end = where.data + where.size
    while pos < end:
        head = window.read(pos, min(_ITEM_HEAD_MAX, end - pos))
        problem = None
        if len(head) < _ITEM.size:
            problem = "an item header cut short"
        else:
            size, _flags = _ITEM.unpack_from(head)
            key_end = head.find(b"\0", _ITEM.size)
            key = head[_ITEM.size:key_end]
            if key_end < 0:
                problem = "an item key with no terminating NUL"
            elif not (key.isascii() and is_valid_apev2_key(key.decode("ascii"))):
                problem = "the invalid item key %r" % key[:16]
            elif pos + key_end + 1 + size > end:
                problem = "an item value running past the end of the tag"
        if problem is not None:
            raise APEBadItemError(
                "APE tag at byte %d of the file (%d bytes) has %s at byte %d; "
                "not rewriting it, its size cannot be trusted"
                % (where.start, where.end - where.start, problem, pos))
        pos += key_end + 1 + size


def _delete_tag(fileobj):
    where = _find_for_rewrite(fileobj)
    if where is not None:
        delete_bytes(fileobj, where.end - where.start, where.start)


Open = APEv2


@convert_error(IOError, error)
@loadfile(method=False, writable=True)
def delete(filething):
    """Remove the APE tag from a file, if it has one.  Like mutagen, this
    reads the tag first: a tag with no items counts as none, and a tag
    whose items do not parse raises APEBadItemError."""
    fileobj = filething.fileobj
    try:
        APEv2(fileobj)
    except APENoHeaderError:
        return
    _delete_tag(fileobj)


def _get_value_type(kind):
    """The value class of an item kind."""
    for value_type in _VALUE_TYPES:
        # == rather than indexing: mutagen takes True and 1.0 for BINARY.
        if value_type.kind == kind:
            return value_type
    raise ValueError("unknown kind %r" % kind)


def APEValue(value, kind):
    """Make an APE value of the given kind (TEXT, BINARY or EXTERNAL).
    APEv2.__setitem__ picks the kind itself for str, list and bytes."""
    if kind not in (TEXT, BINARY, EXTERNAL):
        raise ValueError("kind must be TEXT, BINARY, or EXTERNAL")
    return _get_value_type(kind)(value)


class _APEValue:
    """Base of the value classes; ``value`` is a str or bytes."""

    kind: int
    value = None

    def __init__(self, value, kind=None):
        # kind is accepted for the old two-argument form; it must agree.
        if kind is not None and kind != self.kind:
            raise ValueError
        self.value = self._validate(value)

    @classmethod
    def _new(cls, data):
        """A value parsed from the raw bytes of an item."""
        instance = cls.__new__(cls)
        instance._parse(data)
        return instance

    def __repr__(self):
        return "%s(%r, %d)" % (type(self).__name__, self.value, self.kind)


@total_ordering
class _APEUtf8Value(_APEValue):

    def _parse(self, data):
        try:
            self.value = data.decode("utf-8")
        except UnicodeError as e:
            raise APEBadItemError(e) from None

    def _validate(self, value):
        if not isinstance(value, str):
            raise TypeError("value not str")
        return value

    def _write(self):
        return self.value.encode("utf-8")

    def __len__(self):
        return len(self.value)

    def __bytes__(self):
        return self._write()

    def __eq__(self, other):
        return self.value == other

    def __lt__(self, other):
        return self.value < other

    def __str__(self):
        return self.value


class APETextValue(_APEUtf8Value, MutableSequence):
    """A text value: a str, or several joined by NULs, which it also
    presents as a list of str."""

    kind = TEXT

    def __iter__(self):
        return iter(self.value.split("\0"))

    def __getitem__(self, index):
        return self.value.split("\0")[index]

    def __len__(self):
        return self.value.count("\0") + 1

    def __setitem__(self, index, value):
        if not isinstance(value, str):
            raise TypeError("value not str")
        values = list(self)
        values[index] = value
        self.value = "\0".join(values)

    def insert(self, index, value):
        if not isinstance(value, str):
            raise TypeError("value not str")
        values = list(self)
        values.insert(index, value)
        self.value = "\0".join(values)

    def __delitem__(self, index):
        values = list(self)
        del values[index]
        self.value = "\0".join(values)

    def pprint(self):
        return " / ".join(self)


@total_ordering
class APEBinaryValue(_APEValue):
    """A binary value (bytes)."""

    kind = BINARY

    def _parse(self, data):
        self.value = data

    def _write(self):
        return self.value

    def _validate(self, value):
        if not isinstance(value, bytes):
            raise TypeError("value not bytes")
        return bytes(value)

    def __len__(self):
        return len(self.value)

    def __bytes__(self):
        return self._write()

    def __eq__(self, other):
        return self.value == other

    def __lt__(self, other):
        return self.value < other

    def pprint(self):
        return "[%d bytes]" % len(self)


class APEExtValue(_APEUtf8Value):
    """An external value: a str, usually a URI, naming where the data is."""

    kind = EXTERNAL

    def pprint(self):
        return "[External] %s" % self.value


# The value class of each kind, by kind.
_VALUE_TYPES = (APETextValue, APEBinaryValue, APEExtValue)


class _UnknownInfo(StreamInfo):
    """The stream info of a file APEv2File knows nothing about but its tag."""

    length = 0
    bitrate = 0

    def __init__(self, fileobj):
        pass

    @staticmethod
    def pprint():
        return "Unknown format with APEv2 tag."


class APEv2File(FileType):
    """A file with an APEv2 tag and audio of no known format; the base of
    the formats that use APEv2 tags, which set ``_Info``.

    Attributes: info (``_Info`` of the file), tags (APEv2 or None)."""

    _Info = _UnknownInfo

    @convert_error(IOError, error)
    @loadfile()
    def load(self, filething):
        self.filename = filething.filename
        fileobj = filething.fileobj
        self.info = self._Info(fileobj)
        fileobj.seek(0, 0)
        try:
            self.tags = APEv2(fileobj)
        except APENoHeaderError:
            self.tags = None

    def add_tags(self):
        if self.tags is None:
            self.tags = APEv2()
        else:
            # mutagen 1.48.1's message, braces and all.
            raise error("{} already has tags: {}")

    @staticmethod
    def score(filename, fileobj, header):
        # A file that cannot be read is scored below every format that
        # merely does not match, as mutagen does.
        tail = APEv2File._read_tail(fileobj)
        if tail is None:
            return -1
        return APEv2File._score_ends(filename, tail, header)

    @staticmethod
    def _read_tail(fileobj):
        """The last 160 bytes score() looks at (all of a shorter file), read
        as score() reads them; None when the file cannot be read."""
        try:
            if get_size(fileobj) < 160:
                fileobj.seek(0, 0)
            else:
                fileobj.seek(-160, 2)
            return fileobj.read()
        except OSError:
            return None

    @staticmethod
    def _score_ends(filename, tail, header):
        """score() from the file's last 160 bytes (File() reads them in C)."""
        # A footer near the end of the file; a file starting with an ID3v2
        # tag is more likely an MP3 than a bare APEv2 file.
        return (_MAGIC in tail) - header.startswith(b"ID3")
