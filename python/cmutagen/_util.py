# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers, as ``mutagen._util`` offers them: the base exception,
file-argument handling (loadfile, FileThing), byte-level file editing
(insert/delete/move bytes), fixed-size integer packing (cdata), int-backed
enums and flags, null-terminated text decoding and a bit reader."""

import codecs
import contextlib
import decimal
import errno
import fnmatch
import functools
import math
import os
import shutil
import struct
import tempfile
from io import BytesIO

# How many bytes the file-editing helpers move or write at a time.
_DEFAULT_BUFFER_SIZE = 2 ** 20


class MutagenError(Exception):
    """Base class for all errors cmutagen (and mutagen) raise for a file."""


# --- small helpers ---------------------------------------------------------

def intround(value):
    """Round to the nearest int, halves to even (like round(), but the same
    for every numeric type)."""
    if type(value) is float and math.isfinite(value):
        return round(value)
    # Decimal gives NaN, infinity and non-numbers the errors mutagen raises.
    exact = decimal.Decimal.from_float(value)
    return int(exact.to_integral_value(decimal.ROUND_HALF_EVEN))


def bchr(x):
    """The one-byte bytes object for the int x (0..255)."""
    return bytes((x,))


def iterbytes(b):
    """Iterate over a bytes object as one-byte bytes objects."""
    return (bytes((v,)) for v in b)


def endswith(text, end):
    """text.endswith(end) where one may be str and the other bytes (ASCII)."""
    if isinstance(text, str):
        if not isinstance(end, str):
            end = end.decode("ascii")
    elif not isinstance(end, bytes):
        end = end.encode("ascii")
    return text.endswith(end)


def reraise(tp, value, tb):
    """Raise tp(value) with the traceback tb."""
    raise tp(value).with_traceback(tb)


def convert_error(exc_src, exc_dest):
    """Decorator: an exc_src raised by the function is raised again as
    exc_dest(original), unless it already is an exc_dest."""

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except exc_dest:
                raise
            except exc_src as err:
                raise exc_dest(err)
        return wrapper

    return decorator


def hashable(cls):
    """Class decorator asserting that a class defining __eq__ also defines
    __hash__ (Python sets __hash__ to None otherwise)."""
    assert cls.__dict__["__hash__"] is not None
    return cls


def total_ordering(cls):
    """Class decorator: derive __le__, __gt__, __ge__ and __ne__ from the
    class's own __eq__ and __lt__."""
    assert "__eq__" in cls.__dict__ and "__lt__" in cls.__dict__
    cls.__le__ = lambda self, other: self == other or self < other
    cls.__gt__ = lambda self, other: not (self == other or self < other)
    cls.__ge__ = lambda self, other: not self < other
    cls.__ne__ = lambda self, other: not self == other
    return cls


def dict_match(d, key, default=None):
    """d[key] if present, else the value of the first key of d that matches
    key as a case-sensitive shell pattern (fnmatch), else default."""
    if key in d and "[" not in key:
        return d[key]
    for pattern, value in d.items():
        if fnmatch.fnmatchcase(key, pattern):
            return value
    return default


# --- int-backed enums and flags -------------------------------------------

def _int_class(cls):
    """A copy of cls that derives from int, and its UPPERCASE int attributes
    as {value: name}, in definition order (a later name wins a value)."""
    namespace = {key: value for key, value in vars(cls).items()
                 if key not in ("__dict__", "__weakref__")}
    namespace["__qualname__"] = cls.__qualname__
    new_type = type(cls.__name__, (int,), namespace)
    names = {}
    for key, value in namespace.items():
        if key.isupper() and isinstance(value, int):
            setattr(new_type, key, new_type(value))
            names[value] = key
    return new_type, names


def enum(cls):
    """Class decorator: the UPPERCASE int attributes become instances of the
    class, an int subclass that shows its member name: ``<Foo.BAR: 3>``,
    ``str()`` ``Foo.BAR``; a value with no name shows as the plain int."""
    new_type, names = _int_class(cls)

    def __repr__(self):
        name = names.get(self)
        if name is None:
            return repr(int(self))
        return "<%s.%s: %d>" % (type(self).__name__, name, self)

    def __str__(self):
        name = names.get(self)
        if name is None:
            return str(int(self))
        return "%s.%s" % (type(self).__name__, name)

    new_type.__repr__ = __repr__
    new_type.__str__ = __str__
    return new_type


def flags(cls):
    """Class decorator like enum, for bit sets: a value shows as the members
    whose bits it has, then any bits left over: ``<Foo.A | Foo.B | 8: 11>``."""
    new_type, names = _int_class(cls)

    def __str__(self):
        left = int(self)
        parts = []
        for bits, name in names.items():
            if left & bits:
                parts.append("%s.%s" % (type(self).__name__, name))
                left &= ~bits
        if left or not parts:
            parts.append(str(left))
        return " | ".join(parts)

    def __repr__(self):
        return "<%s: %d>" % (__str__(self), self)

    new_type.__repr__ = __repr__
    new_type.__str__ = __str__
    return new_type


# --- dict-like bases --------------------------------------------------------

@total_ordering
class DictMixin:
    """Dict methods built on __getitem__, __setitem__, __delitem__ and
    keys(), for classes that hold their items some other way."""

    def __iter__(self):
        return iter(self.keys())

    def __has_key(self, key):
        try:
            self[key]
        except KeyError:
            return False
        return True

    __contains__ = __has_key

    def values(self):
        return [self[k] for k in self.keys()]

    def items(self):
        return list(zip(self.keys(), self.values()))

    def clear(self):
        for key in list(self.keys()):
            self.__delitem__(key)

    def pop(self, key, *args):
        if len(args) > 1:
            raise TypeError("pop takes at most two arguments")
        try:
            value = self[key]
        except KeyError:
            if args:
                return args[0]
            raise
        del self[key]
        return value

    def popitem(self):
        for key in self.keys():
            break
        else:
            raise KeyError("dictionary is empty")
        return key, self.pop(key)

    def update(self, other=None, **kwargs):
        if other is None:
            self.update(kwargs)
            other = {}
        try:
            for key, value in other.items():
                self.__setitem__(key, value)
        except AttributeError:
            for key, value in other:
                self[key] = value

    def setdefault(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            self[key] = default
            return default

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __repr__(self):
        return repr(dict(self.items()))

    def __eq__(self, other):
        return dict(self.items()) == other

    def __lt__(self, other):
        return dict(self.items()) < other

    __hash__ = object.__hash__

    def __len__(self):
        return len(self.keys())


class DictProxy(DictMixin):
    """A DictMixin over a private dict."""

    def __init__(self, *args, **kwargs):
        self.__dict = {}
        super().__init__(*args, **kwargs)

    def __getitem__(self, key):
        return self.__dict[key]

    def __setitem__(self, key, value):
        self.__dict[key] = value

    def __delitem__(self, key):
        del self.__dict[key]

    def keys(self):
        return self.__dict.keys()

    # The DictMixin methods below read the dict straight away, giving what
    # DictMixin would through __getitem__ and keys() (without raising and
    # catching KeyError for every miss), unless a subclass changed those.

    def __plain(self):
        cls = type(self)
        return cls.__getitem__ is _PROXY_GETITEM and cls.keys is _PROXY_KEYS

    def __contains__(self, key):
        if self.__plain():
            return key in self.__dict
        return DictMixin.__contains__(self, key)

    def __iter__(self):
        if self.__plain():
            return iter(self.__dict)
        return DictMixin.__iter__(self)

    def __len__(self):
        if self.__plain():
            return len(self.__dict)
        return DictMixin.__len__(self)

    def values(self):
        if self.__plain():
            return list(self.__dict.values())
        return DictMixin.values(self)

    def items(self):
        if self.__plain():
            return list(self.__dict.items())
        return DictMixin.items(self)

    def get(self, key, default=None):
        if self.__plain():
            return self.__dict.get(key, default)
        return DictMixin.get(self, key, default)


_PROXY_GETITEM = DictProxy.__getitem__
_PROXY_KEYS = DictProxy.keys


def bytesio_contents(fileobj):
    """The whole contents of fileobj for the one-call loads to read in
    place, when it is an io.BytesIO (exactly: a subclass may read
    otherwise), open and at its start; else None.  A memoryview of
    getvalue(), which hands over the bytes object the BytesIO holds:
    getbuffer() would copy one it shares with the bytes it was made from,
    and its export would keep the BytesIO from growing while it lives."""
    if fileobj.__class__ is BytesIO and not fileobj.closed and not fileobj.tell():
        return memoryview(fileobj.getvalue())
    return None


# --- fixed-size integers ----------------------------------------------------

class cdata:
    """C character buffer to Python numeric type conversions.

    For each size/sign/endianness:
    uint32_le(data)/to_uint32_le(num)/uint32_le_from(data, offset=0)
    """

    error = struct.error

    # bitswap[b] is the byte b with its bit order reversed.
    bitswap = bytes(int("{:08b}".format(i)[::-1], 2) for i in range(256))

    test_bit = staticmethod(lambda value, n: bool((value >> n) & 1))


# (C name, fixed-width name, struct code) for every integer type cdata knows.
_CDATA_TYPES = [
    ("char", "int8", "b"),
    ("uchar", "uint8", "B"),
    ("short", "int16", "h"),
    ("ushort", "uint16", "H"),
    ("int", "int32", "i"),
    ("uint", "uint32", "I"),
    ("longlong", "int64", "q"),
    ("ulonglong", "uint64", "Q"),
]


def _unpacker(packer):
    unpack = packer.unpack

    def unpacker(data):
        return unpack(data)[0]
    return unpacker


def _unpacker_from(packer):
    unpack_from = packer.unpack_from
    size = packer.size

    def unpack_from_offset(data, offset=0):
        return unpack_from(data, offset)[0], offset + size
    return unpack_from_offset


def _fill_cdata(cls):
    """Give cls, for each type of _CDATA_TYPES under both its names: NAME
    (bytes to int; NAME_le/NAME_be when wider than a byte), NAME_from
    (data, offset) -> (int, offset after), to_NAME (int to bytes),
    NAME_min and NAME_max.  Wrong sizes and ranges raise struct.error."""
    for c_name, fixed_name, code in _CDATA_TYPES:
        bits = struct.calcsize(code) * 8
        if code.islower():
            low, high = -2 ** (bits - 1), 2 ** (bits - 1) - 1
        else:
            low, high = 0, 2 ** bits - 1
        orders = [("", "<")] if bits == 8 else [("_le", "<"), ("_be", ">")]
        for name in (c_name, fixed_name):
            setattr(cls, name + "_min", low)
            setattr(cls, name + "_max", high)
        for suffix, order in orders:
            packer = struct.Struct(order + code)
            unpack = staticmethod(_unpacker(packer))
            unpack_from = staticmethod(_unpacker_from(packer))
            pack = staticmethod(packer.pack)
            for name in (c_name, fixed_name):
                setattr(cls, name + suffix, unpack)
                setattr(cls, name + suffix + "_from", unpack_from)
                setattr(cls, "to_" + name + suffix, pack)


_fill_cdata(cdata)


# --- file arguments ---------------------------------------------------------

def is_fileobj(fileobj):
    """True unless fileobj is a file name (str, bytes or os.PathLike)."""
    return not (isinstance(fileobj, (str, bytes)) or hasattr(fileobj, "__fspath__"))


def verify_fileobj(fileobj, writable=False):
    """Raise ValueError unless fileobj reads bytes (and, if writable,
    accepts writes)."""
    try:
        data = fileobj.read(0)
    except AttributeError:
        raise ValueError("%r not a valid file object" % fileobj)
    except Exception:
        raise ValueError("Can't read from file object %r" % fileobj)
    if not isinstance(data, bytes):
        raise ValueError("file object %r not opened in binary mode" % fileobj)
    if writable:
        try:
            fileobj.write(b"")
        except AttributeError:
            raise ValueError("%r not a valid file object" % fileobj)
        except Exception:
            raise ValueError("Can't write to file object %r" % fileobj)


def verify_filename(filename):
    """Raise ValueError unless filename is a str, bytes or os.PathLike."""
    if is_fileobj(filename):
        raise ValueError("%r not a filename" % filename)


def fileobj_name(fileobj):
    """The name of a file object for messages: its ``name`` (str or bytes,
    other types as str), or '' when it has none."""
    name = getattr(fileobj, "name", "")
    if not isinstance(name, (str, bytes)):
        return str(name)
    return name


def _open_path(path, mode):
    try:
        return open(path, mode)
    except OSError as e:
        raise MutagenError(e)


class FileThing:
    """The file a decorated function works on: ``fileobj``, ``filename``
    (None for a bare file object) and ``name`` (for messages).

    ``path`` is set when the caller gave a file name and the function only
    reads: the C core can then open and read the file itself, with no
    Python file object in between.  It is always a str (a bytes name
    decoded as os.fsdecode does, which the C side encodes back), since the
    C readers take bytes for file contents.  ``fileobj`` is opened on first
    use in that case, from ``filename`` as given (and closed by loadfile
    afterwards)."""

    __slots__ = ("_fileobj", "filename", "name", "path")

    def __init__(self, fileobj, filename, name, path=None):
        self._fileobj = fileobj
        self.filename = filename
        self.name = name
        self.path = path

    @property
    def fileobj(self):
        if self._fileobj is None and self.path is not None:
            self._fileobj = _open_path(self.filename, "rb")
        return self._fileobj

    def __iter__(self):
        # mutagen's FileThing is a (fileobj, filename, name) tuple.
        return iter((self.fileobj, self.filename, self.name))

    def __repr__(self):
        return "FileThing(fileobj=%r, filename=%r, name=%r)" % (
            self._fileobj, self.filename, self.name)

    def _close_opened(self):
        """Close the file object opened on first use of ``fileobj``."""
        if self.path is not None and self._fileobj is not None:
            self._fileobj.close()


def _open_writable(filename, create):
    """Open filename for reading and writing (creating it if create).
    Returns (file object, whether it is an in-memory copy to write back)."""
    try:
        return open(filename, "rb+"), False
    except OSError as e:
        if create and e.errno == errno.ENOENT:
            try:
                return open(filename, "wb+"), False
            except OSError as e2:
                e = e2
        if e.errno != errno.EOPNOTSUPP:
            raise MutagenError(e)
    # Some file systems cannot open a file for reading and writing at once:
    # edit a copy in memory, written back whole when the function succeeds.
    try:
        with open(filename, "rb") as h:
            return BytesIO(h.read()), True
    except FileNotFoundError as e:
        if create:
            return BytesIO(), True
        raise MutagenError(e)
    except OSError as e:
        raise MutagenError(e)


def _write_back(filename, fileobj):
    """Replace the file with the edited copy: written beside it and renamed
    over it, so a failure (a full disk, a crash) leaves the original."""
    directory = os.path.dirname(os.path.abspath(filename))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".cmutagen-", dir=directory)
        with os.fdopen(fd, "wb") as h:
            h.write(fileobj.getvalue())
            h.flush()
            os.fsync(h.fileno())
        shutil.copymode(filename, tmp)
        os.replace(tmp, filename)
        tmp = None
    except OSError as e:
        raise MutagenError(e) from e
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _file_thing(instance, filething, filename, fileobj, writable, create):
    """Resolve the ways a file can be given (a path or a file object as
    ``filething``, or the ``filename``/``fileobj`` keywords; a writing method
    may fall back to ``instance.filename``) into a FileThing.

    Returns (thing, owned, in_memory): owned when the file was given by name
    (what was opened for it must be closed with _close_thing); in_memory
    when the file object is a copy to write back to ``thing.filename``."""
    assert not create or writable
    if filething is not None:
        if is_fileobj(filething):
            fileobj = filething
        else:
            filename = filething
    if instance is not None and writable and filename is None:
        filename = getattr(instance, "filename", None)

    if fileobj is not None:
        verify_fileobj(fileobj, writable=writable)
        name = fileobj_name(fileobj) if filename is None else filename
        return FileThing(fileobj, filename, name), False, False
    if filename is None:
        raise TypeError("Missing filename or fileobj argument")

    verify_filename(filename)
    filename = os.fspath(filename)
    if not writable:
        return FileThing(None, filename, filename, os.fsdecode(filename)), True, False
    fileobj, in_memory = _open_writable(filename, create)
    return FileThing(fileobj, filename, filename), True, in_memory


def _close_thing(thing, in_memory, ok):
    """Close the file _file_thing opened from a name, after the function
    ran (ok: without an exception); write an in-memory copy back if ok."""
    if thing.path is not None:
        thing._close_opened()
    elif in_memory:
        if ok:
            _write_back(thing.filename, thing._fileobj)
    else:
        thing._fileobj.close()


@contextlib.contextmanager
def _openfile(instance, filething, filename, fileobj, writable, create):
    """Context manager yielding the FileThing for the given file arguments
    (see _file_thing); a file opened here is closed on exit."""
    thing, owned, in_memory = _file_thing(
        instance, filething, filename, fileobj, writable, create)
    ok = False
    try:
        yield thing
        ok = True
    finally:
        if owned:
            _close_thing(thing, in_memory, ok)


def loadfile(method=True, writable=False, create=False):
    """Decorator for ``func(self, filething, ...)`` (a plain function
    ``func(filething, ...)`` when method is False): the file may be passed
    positionally as a path or file object, or as ``filename=``/``fileobj=``;
    func receives a FileThing.  writable opens the file for reading and
    writing, create also creates it if missing; a writing method called
    without a file uses ``self.filename``."""

    def decorator(func):
        if method:
            @functools.wraps(func)
            def wrapper(self, *args, **kwargs):
                return _call_with_file(func, self, args, kwargs, writable, create)
        else:
            @functools.wraps(func)
            def wrapper(*args, **kwargs):
                return _call_with_file(func, None, args, kwargs, writable, create)
        return wrapper

    return decorator


def _call_with_file(func, instance, args, kwargs, writable, create):
    # The file argument is positional only; filename= and fileobj= are the
    # keyword forms.  A plain try/finally rather than _openfile: this runs
    # on every load.
    if not writable and not kwargs and len(args) == 1 and type(args[0]) is str:
        # The commonest call, a load from a path: the FileThing that
        # _file_thing makes for it, without the checks a str passes.
        path = args[0]
        thing = FileThing(None, path, path, path)
        try:
            if instance is None:
                return func(thing)
            return func(instance, thing)
        finally:
            thing._close_opened()
    filething = args[0] if args else None
    filename = kwargs.pop("filename", None)
    fileobj = kwargs.pop("fileobj", None)
    thing, owned, in_memory = _file_thing(
        instance, filething, filename, fileobj, writable, create)
    if not owned:
        if instance is None:
            return func(thing, *args[1:], **kwargs)
        return func(instance, thing, *args[1:], **kwargs)
    ok = False
    try:
        if instance is None:
            result = func(thing, *args[1:], **kwargs)
        else:
            result = func(instance, thing, *args[1:], **kwargs)
        ok = True
        return result
    finally:
        _close_thing(thing, in_memory, ok)


def resolve_filething(filething=None, filename=None, fileobj=None):
    """The FileThing for reading the given file (see loadfile), for callers
    that manage the file themselves.  A file name is not opened here: the
    caller reads ``thing.path``, or uses ``thing.fileobj`` and closes it."""
    thing, _owned, _in_memory = _file_thing(
        None, filething, filename, fileobj, False, False)
    return thing


def read_file_prefix(fileobj, parse):
    """Feed ``parse(buffer, file_size)`` the bytes of ``fileobj`` from its
    current position, reading only as much as the parser asks for: ``parse``
    returns its result, or an int (the number of leading bytes it needs)."""
    start = fileobj.tell()
    fileobj.seek(0, 2)
    file_size = fileobj.tell() - start
    fileobj.seek(start, 0)
    data = fileobj.read(min(file_size, 64 * 1024))
    while True:
        result = parse(data, file_size)
        if not isinstance(result, int):
            return result
        # A parser asks only for bytes it has not got, within the file: any
        # other request would loop forever.
        if not len(data) < result <= file_size:
            raise ValueError("parser asked for %d bytes with %d of a %d byte file read"
                             % (result, len(data), file_size))
        more = fileobj.read(result - len(data))
        if not more:
            # The file ended early (it shrank): parse what there is.
            file_size = len(data)
        data += more


# --- reading and editing file contents --------------------------------------

def get_size(fileobj):
    """The size of the file; its position is left where it was."""
    old_pos = fileobj.tell()
    try:
        fileobj.seek(0, 2)
        return fileobj.tell()
    finally:
        fileobj.seek(old_pos, 0)


def read_full(fileobj, size):
    """Read exactly size bytes, else raise IOError."""
    if size < 0:
        raise ValueError("size must not be negative")
    data = fileobj.read(size)
    if len(data) != size:
        raise IOError("expected %d bytes, the file had only %d" % (size, len(data)))
    return data


def seek_end(fileobj, offset):
    """Seek to offset bytes before the end of the file, or to its start if
    the file is smaller than that."""
    if offset < 0:
        raise ValueError("offset from the end must not be negative, got %d" % offset)
    if get_size(fileobj) < offset:
        fileobj.seek(0, 0)
    else:
        fileobj.seek(-offset, 2)


def resize_file(fobj, diff, BUFFER_SIZE=_DEFAULT_BUFFER_SIZE):
    """Grow the file by diff zero bytes at its end, or shrink it by -diff.

    Growing writes real zeros (not a sparse truncate()) so that a full disk
    shows up here; if a write or the flush fails the file is cut back to
    its old size and the error raised."""
    fobj.seek(0, 2)
    filesize = fobj.tell()
    if diff < 0:
        if filesize + diff < 0:
            raise ValueError("cannot shrink a %d byte file by %d bytes" % (filesize, -diff))
        fobj.truncate(filesize + diff)
    elif diff > 0:
        try:
            zeros = b"\x00" * min(BUFFER_SIZE, diff)
            while diff > 0:
                chunk = zeros if diff >= len(zeros) else zeros[:diff]
                fobj.write(chunk)
                diff -= len(chunk)
            fobj.flush()
        except BaseException:
            try:
                fobj.truncate(filesize)
            except Exception:
                pass  # the write error below says what went wrong
            raise


def move_bytes(fobj, dest, src, count, BUFFER_SIZE=_DEFAULT_BUFFER_SIZE):
    """Copy count bytes at offset src to offset dest in the same file; the
    two areas may overlap.  Both must lie inside the file."""
    if dest < 0 or src < 0 or count < 0:
        raise ValueError("negative offset or count: dest=%d src=%d count=%d"
                         % (dest, src, count))
    fobj.seek(0, 2)
    filesize = fobj.tell()
    if max(dest, src) + count > filesize:
        raise ValueError("area outside of file")
    if src == dest or count == 0:
        return
    if src > dest:
        # Moving towards the start: copy front to back so that no chunk
        # overwrites source bytes not yet copied.
        done = 0
        while done < count:
            n = min(BUFFER_SIZE, count - done)
            fobj.seek(src + done, 0)
            data = read_full(fobj, n)
            fobj.seek(dest + done, 0)
            fobj.write(data)
            done += n
    else:
        # Moving towards the end: copy back to front.
        left = count
        while left > 0:
            n = min(BUFFER_SIZE, left)
            left -= n
            fobj.seek(src + left, 0)
            data = read_full(fobj, n)
            fobj.seek(dest + left, 0)
            fobj.write(data)
    fobj.flush()


def insert_bytes(fobj, size, offset, BUFFER_SIZE=_DEFAULT_BUFFER_SIZE):
    """Insert size bytes at offset, moving what follows towards the end.
    The inserted area keeps whatever bytes were there (callers overwrite
    it).  The file grows first, so a full disk fails before anything
    moved."""
    if size < 0 or offset < 0:
        raise ValueError("negative size or offset: size=%d offset=%d" % (size, offset))
    fobj.seek(0, 2)
    filesize = fobj.tell()
    if offset > filesize:
        raise ValueError("offset %d is past the end of the %d byte file" % (offset, filesize))
    if size == 0:
        return
    resize_file(fobj, size, BUFFER_SIZE)
    move_bytes(fobj, offset + size, offset, filesize - offset, BUFFER_SIZE)


def delete_bytes(fobj, size, offset, BUFFER_SIZE=_DEFAULT_BUFFER_SIZE):
    """Delete size bytes at offset, moving what follows towards the start;
    the file shrinks last."""
    if size < 0 or offset < 0:
        raise ValueError("negative size or offset: size=%d offset=%d" % (size, offset))
    fobj.seek(0, 2)
    filesize = fobj.tell()
    if offset + size > filesize:
        raise ValueError("cannot delete %d bytes at offset %d of a %d byte file"
                         % (size, offset, filesize))
    if size == 0:
        return
    move_bytes(fobj, offset, offset + size, filesize - offset - size, BUFFER_SIZE)
    resize_file(fobj, -size, BUFFER_SIZE)


def resize_bytes(fobj, old_size, new_size, offset):
    """Make the old_size byte area at offset new_size bytes long, growing or
    shrinking it at its end."""
    if new_size == old_size:
        return
    if old_size < 0 or new_size < 0 or offset < 0:
        raise ValueError("negative size or offset: old_size=%d new_size=%d offset=%d"
                         % (old_size, new_size, offset))
    filesize = get_size(fobj)
    if offset + old_size > filesize:
        raise ValueError("area of %d bytes at offset %d is outside the %d byte file"
                         % (old_size, offset, filesize))
    if new_size > old_size:
        insert_bytes(fobj, new_size - old_size, offset + old_size)
    else:
        delete_bytes(fobj, old_size - new_size, offset + new_size)


# --- text -------------------------------------------------------------------

# Codecs whose null character is one zero byte that no other character
# contains, so the terminator can be found before decoding.
_BYTE_NULL_CODECS = ("utf-8", "iso8859-1")
# Codecs whose null character is one aligned all-zero code unit.
_UNIT_NULL_CODECS = {"utf-16-le": 2, "utf-16-be": 2, "utf-32-le": 4, "utf-32-be": 4}
# Codecs that start with a byte order mark, and those marks.
_BOM_CODECS = {
    "utf-16": (2, (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)),
    "utf-32": (4, (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)),
}


def _find_unit(data, unit):
    """Offset of the first all-zero code unit of the given width, or -1."""
    zero = b"\x00" * unit
    index = data.find(zero)
    while index != -1 and index % unit:
        index = data.find(zero, index + 1)
    return index


def decode_terminated(data, encoding, strict=True):
    """Decode data up to its first null character; returns (text, the bytes
    after the terminator).  Without a terminator: ValueError if strict, else
    all of data decoded and b"".  Invalid data raises UnicodeDecodeError."""
    codec_info = codecs.lookup(encoding)
    name = codec_info.name

    if name in _BYTE_NULL_CODECS:
        index = data.find(b"\x00")
        if index == -1:
            text = data.decode(name)
            if strict:
                raise ValueError("not null terminated")
            return text, b""
        return data[:index].decode(name), data[index + 1:]

    # Fast paths for UTF-16/32: find the terminator, decode what precedes it.
    # Invalid data goes the slow way below, which raises the same errors as
    # decoding character by character would.
    unit = _UNIT_NULL_CODECS.get(name)
    start = 0
    if unit is None and name in _BOM_CODECS:
        unit, boms = _BOM_CODECS[name]
        if data[:unit] not in boms:
            unit = None
        start = unit or 0
    if unit is not None:
        index = _find_unit(data[start:], unit)
        if index != -1:
            end = start + index
            try:
                return data[:end].decode(name), data[end + unit:]
            except UnicodeDecodeError:
                pass

    decoder = codec_info.incrementaldecoder("strict")
    parts = []
    for i in range(len(data)):
        text = decoder.decode(data[i:i + 1])
        index = text.find("\x00")
        if index != -1:
            parts.append(text[:index])
            return "".join(parts), data[i + 1:]
        parts.append(text)
    parts.append(decoder.decode(b"", True))
    if strict:
        raise ValueError("not null terminated")
    return "".join(parts), b""


def encode_endian(text, encoding, errors="strict", le=True):
    """text.encode(encoding, errors), except that UTF-16 and UTF-32 get the
    byte order le asks for (little endian if true), with its BOM."""
    name = codecs.lookup(encoding).name
    if name == "utf-16":
        if le:
            return codecs.BOM_UTF16_LE + text.encode("utf-16-le", errors)
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be", errors)
    if name == "utf-32":
        if le:
            return codecs.BOM_UTF32_LE + text.encode("utf-32-le", errors)
        return codecs.BOM_UTF32_BE + text.encode("utf-32-be", errors)
    return text.encode(encoding, errors)


# --- bit reader ---------------------------------------------------------------

class BitReaderError(Exception):
    """A BitReader needed more bytes than its file had."""


class BitReader:
    """Reads big-endian (most significant bit first) bit fields from a file
    object, starting at its current position."""

    def __init__(self, fileobj):
        self._fileobj = fileobj
        self._buffer = 0  # bits read from the file but not yet returned
        self._bits = 0  # how many bits _buffer holds
        self._pos = fileobj.tell()

    def bits(self, count):
        """The next count bits as an unsigned int."""
        if count < 0:
            raise ValueError("bit count must not be negative, got %d" % count)
        if count > self._bits:
            n_bytes = (count - self._bits + 7) // 8
            data = self._fileobj.read(n_bytes)
            if len(data) != n_bytes:
                raise BitReaderError("not enough data")
            for b in data:
                self._buffer = (self._buffer << 8) | b
            self._bits += n_bytes * 8
        self._bits -= count
        value = self._buffer >> self._bits
        self._buffer &= (1 << self._bits) - 1
        return value

    def bytes(self, count):
        """The next count bytes (need not be byte aligned)."""
        if count < 0:
            raise ValueError("byte count must not be negative, got %d" % count)
        if self._bits == 0:
            data = self._fileobj.read(count)
            if len(data) != count:
                raise BitReaderError("not enough data")
            return data
        return bytes(self.bits(8) for _ in range(count))

    def skip(self, count):
        """Skip count bits.  Whole bytes are skipped by seeking, so skipping
        past the end only fails at the next read."""
        if count < 0:
            raise ValueError("bit count must not be negative, got %d" % count)
        if count <= self._bits:
            self.bits(count)
        else:
            count -= self.align()
            self._fileobj.seek(count // 8, 1)
            self.bits(count % 8)

    def get_position(self):
        """How many bits have been read or skipped."""
        return (self._fileobj.tell() - self._pos) * 8 - self._bits

    def align(self):
        """Drop the bits left of the current byte; returns how many."""
        bits = self._bits
        self._buffer = 0
        self._bits = 0
        return bits

    def is_aligned(self):
        """True at a byte boundary."""
        return self._bits == 0
