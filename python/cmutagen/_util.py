# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers: the base exception, file-argument handling, DictMixin."""

import functools
import os


class MutagenError(Exception):
    """Base class for all errors cmutagen (and mutagen) raise for a file."""


class FileThing:
    """What a ``load``/``save`` was given, resolved: ``path`` when it was a
    file name (the C core then opens the file itself, with no Python file
    object in between), else the caller's ``fileobj``.  ``filename`` is what
    mutagen reports as ``.filename``; ``name`` is a name for messages."""

    __slots__ = ("path", "fileobj", "filename", "name")

    def __init__(self, path, fileobj, filename, name):
        self.path = path
        self.fileobj = fileobj
        self.filename = filename
        self.name = name


def _is_path(value):
    return isinstance(value, (str, bytes)) or hasattr(value, "__fspath__")


def _check_fileobj(fileobj):
    try:
        data = fileobj.read(0)
    except Exception:
        raise ValueError("%r not a valid file object" % fileobj)
    if not isinstance(data, bytes):
        raise ValueError("file object %r not opened in binary mode" % fileobj)


def resolve_filething(filething=None, filename=None, fileobj=None):
    """Turn the ways mutagen accepts a file (a path, a file object, or the
    ``filename=``/``fileobj=`` keywords) into a FileThing."""
    if filething is None:
        if fileobj is not None:
            filething = fileobj
        elif filename is not None:
            filething = filename
        else:
            raise TypeError("missing filething argument")
    if _is_path(filething):
        path = os.fspath(filething)
        return FileThing(path, None, path, path)
    _check_fileobj(filething)
    name = getattr(filething, "name", None)
    if not isinstance(name, (str, bytes)):
        name = ""
    return FileThing(None, filething, filename, name)


def loadfile(method=True):
    """Decorates ``load(self, filething, ...)`` (or a plain function when
    method is False) so that it receives a FileThing."""

    def decorator(func):
        if method:
            @functools.wraps(func)
            def wrapper(self, filething=None, *args, filename=None, fileobj=None, **kwargs):
                thing = resolve_filething(filething, filename, fileobj)
                return func(self, thing, *args, **kwargs)
        else:
            @functools.wraps(func)
            def wrapper(filething=None, *args, filename=None, fileobj=None, **kwargs):
                thing = resolve_filething(filething, filename, fileobj)
                return func(thing, *args, **kwargs)
        return wrapper

    return decorator


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
        more = fileobj.read(result - len(data))
        if not more:
            # The file ended early (it shrank): parse what there is.
            file_size = len(data)
        data += more


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
