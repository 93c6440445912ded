# SPDX-License-Identifier: GPL-2.0-or-later
"""Vorbis comments: a vendor string and a list of ``KEY=value`` pairs, used
by FLAC and by the Ogg formats.  Parsing is done by the C core."""

import struct
from io import BytesIO

from ._version import VERSION_STRING
from ._tags import Tags
from ._util import DictMixin, MutagenError
from . import _native


class error(MutagenError):
    pass


class VorbisUnsetFrameError(error):
    pass


class VorbisEncodingError(error):
    pass


def is_valid_key(key):
    """A field name is non-empty ASCII 0x20-0x7D without '='.  As in
    mutagen, bytes are refused with TypeError, and any other iterable is
    checked item by item the same way (comparing each with str bounds)."""
    if isinstance(key, str):
        # Printable ASCII is 0x20-0x7E; of those, '~' (0x7E) and '=' are not allowed.
        return (key.isascii() and key.isprintable() and bool(key)
                and "=" not in key and "~" not in key)
    if isinstance(key, bytes):
        raise TypeError("needs to be str not bytes")
    for item in key:
        if item < " " or item > "}" or item == "=":
            return False
    return bool(key)


istag = is_valid_key

class VComment(Tags, list):
    """A Vorbis comment block as a list of (key, value) pairs in file order."""

    vendor = "Mutagen " + VERSION_STRING

    def __init__(self, data=None, *args, **kwargs):
        self._size = 0
        if data is None:
            return
        if isinstance(data, bytes):
            data = BytesIO(data)
        elif not hasattr(data, "read"):
            raise TypeError("VComment requires bytes or a file-like")
        start = data.tell()
        self.load(data, *args, **kwargs)
        self._size = data.tell() - start

    def load(self, fileobj, errors="replace", framing=True):
        """Parse a comment block from fileobj's position; afterwards the
        file position is just past the block.

        ``errors`` says what to do with text that is not valid UTF-8, or a
        field name that is not ASCII: 'strict' raises (UnicodeDecodeError,
        or VorbisEncodingError for a name or an entry without '='),
        'replace' substitutes and 'ignore' drops.  Entries whose name is not
        a valid field name are skipped in every mode."""
        start = fileobj.tell()
        data = fileobj.read()
        try:
            vendor, items, consumed, framing_bit = _native.read_vcomment(data, framing, errors)
        except _native.ParseError as e:
            status, _part, message, _offset = e.args
            if status == "invalid data":
                raise VorbisEncodingError(message) from None
            raise error(message) from None
        if framing and framing_bit is None:
            # mutagen's exception class for a block that ends before its
            # framing byte.
            raise IndexError("Vorbis comment block ends before its framing byte")
        if framing and not framing_bit:
            raise VorbisUnsetFrameError("framing bit was unset")
        self.vendor = vendor
        self[:] = items
        fileobj.seek(start + consumed, 0)

    def validate(self):
        """Raise ValueError if a key or value could not be written."""
        if not isinstance(self.vendor, str):
            raise ValueError("vendor needs to be str")
        for key, value in self:
            try:
                if not is_valid_key(key):
                    raise ValueError("%r is not a valid key" % key)
            except TypeError:
                raise ValueError("%r is not a valid key" % key)
            if not isinstance(value, str):
                raise ValueError("%r needs to be str for key %r" % (value, key))
        return True

    def clear(self):
        del self[:]

    def write(self, framing=True):
        """The block as bytes, with a framing bit when ``framing``."""
        self.validate()

        def text(s):
            raw = s.encode("utf-8")
            return struct.pack("<I", len(raw)) + raw

        parts = [text(self.vendor), struct.pack("<I", len(self))]
        parts.extend(text("%s=%s" % (key, value)) for key, value in self)
        if framing:
            parts.append(b"\x01")
        return b"".join(parts)

    def pprint(self):
        return "\n".join("%s=%s" % (key, value) for key, value in self)


def _invalidates_index(method):
    """Wraps a list-mutating method so the lookup index is rebuilt after it."""
    def wrapper(self, *args, **kwargs):
        self._index = None
        return method(self, *args, **kwargs)
    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


class VCommentDict(VComment, DictMixin):
    """VComment with dict access: keys are case-insensitive, each value is
    the list of values stored under that key.

    The pairs stay the truth (it is a list, and callers edit it as one); a
    dict from lower-cased key to values, built on the first lookup and
    dropped by every change to the list, makes reading all keys linear
    instead of quadratic in the number of pairs."""

    _index = None

    def _lookup(self):
        index = self._index
        if index is None:
            index = {}
            for name, value in self:
                index.setdefault(name.lower(), []).append(value)
            self._index = index
        return index

    # __getitem__ and keys() are in C (set below the class); this is
    # __getitem__'s form for what the C one does not take itself: slices,
    # str subclasses and keys of the wrong type.
    def _getitem_general(self, key):
        if isinstance(key, slice):
            return list.__getitem__(self, key)
        if not is_valid_key(key):
            raise ValueError
        key = key.lower()
        values = self._lookup().get(key)
        if not values:
            raise KeyError(key)
        return list(values)

    def __delitem__(self, key):
        self._index = None
        if isinstance(key, slice):
            return list.__delitem__(self, key)
        if not is_valid_key(key):
            raise ValueError
        key = key.lower()
        kept = [pair for pair in self if pair[0].lower() != key]
        if len(kept) == len(self):
            raise KeyError(key)
        self[:] = kept

    def __contains__(self, key):
        if not is_valid_key(key):
            raise ValueError
        return key.lower() in self._lookup()

    def __setitem__(self, key, values):
        self._index = None
        if isinstance(key, slice):
            return list.__setitem__(self, key, values)
        if not is_valid_key(key):
            raise ValueError
        if not isinstance(values, list):
            values = [values]
        try:
            del self[key]
        except KeyError:
            pass
        for value in values:
            self.append((key, value))

    append = _invalidates_index(list.append)
    extend = _invalidates_index(list.extend)
    insert = _invalidates_index(list.insert)
    pop = _invalidates_index(list.pop)
    remove = _invalidates_index(list.remove)
    sort = _invalidates_index(list.sort)
    reverse = _invalidates_index(list.reverse)
    __iadd__ = _invalidates_index(list.__iadd__)
    __imul__ = _invalidates_index(list.__imul__)

    def as_dict(self):
        return {key: self[key] for key in self.keys()}


# Every tag read goes through these two; in C they check and lower-case the
# key on each call (mutagen's validation, no memory of earlier keys), and
# keys() builds its set as mutagen's does, one name at a time in the index's
# order, so the order is the same.
VCommentDict.__getitem__ = _native.c_method(VCommentDict, "__getitem__")
VCommentDict.keys = _native.c_method(VCommentDict, "keys")
