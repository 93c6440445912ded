# SPDX-License-Identifier: GPL-2.0-or-later
"""FileType and StreamInfo, the bases of every format class, and File(),
which picks the format of a file by the same scores mutagen uses."""

import importlib
import os
import warnings

from ._util import DictMixin, MutagenError, resolve_filething


class StreamInfo:
    """Audio properties of a file (length, bitrate, ...)."""

    __module__ = "cmutagen"

    def pprint(self):
        raise NotImplementedError


class FileType(DictMixin):
    """An audio file: its ``info`` and its ``tags``, with the tags' keys
    available on the file object itself."""

    __module__ = "cmutagen"

    info = None
    tags = None
    filename = None
    _mimes = ["application/octet-stream"]

    def __init__(self, *args, **kwargs):
        if not args and not kwargs:
            warnings.warn("FileType constructor requires a filename", DeprecationWarning)
        else:
            self.load(*args, **kwargs)

    def load(self, filething, *args, **kwargs):
        raise NotImplementedError

    def __getitem__(self, key):
        if self.tags is None:
            raise KeyError(key)
        return self.tags[key]

    def __setitem__(self, key, value):
        if self.tags is None:
            self.add_tags()
        self.tags[key] = value

    def __delitem__(self, key):
        if self.tags is None:
            raise KeyError(key)
        del self.tags[key]

    def keys(self):
        if self.tags is None:
            return []
        return self.tags.keys()

    def delete(self, filething=None):
        if self.tags is not None:
            return self.tags.delete(filething or self.filename)

    def save(self, filething=None, **kwargs):
        if self.tags is not None:
            return self.tags.save(filething or self.filename, **kwargs)

    def pprint(self):
        stream = "%s (%s)" % (self.info.pprint(), self.mime[0])
        try:
            tags = self.tags.pprint()
        except AttributeError:
            return stream
        return stream + ((tags and "\n" + tags) or "")

    def add_tags(self):
        raise NotImplementedError

    @property
    def mime(self):
        mimes = []
        for kind in type(self).__mro__:
            for mime in getattr(kind, "_mimes", []):
                if mime not in mimes:
                    mimes.append(mime)
        return mimes

    @staticmethod
    def score(filename, fileobj, header):
        raise NotImplementedError


# Every format File() knows, in mutagen's order, as (module, class), and
# "module.class" of the easy variant where File(easy=True) uses another
# class.  A format joins this table when its module lands.
_FORMATS = [
    ("mp3", "MP3", "mp3.EasyMP3"),
    ("oggtheora", "OggTheora", None),
    ("oggspeex", "OggSpeex", None),
    ("oggvorbis", "OggVorbis", None),
    ("oggflac", "OggFLAC", None),
    ("flac", "FLAC", None),
    ("apev2", "APEv2File", None),
    ("mp4", "MP4", "easymp4.EasyMP4"),
    ("id3", "ID3FileType", None),
    ("oggopus", "OggOpus", None),
]


def _format_classes(easy):
    classes = []
    for module_name, class_name, easy_name in _FORMATS:
        if easy and easy_name:
            module_name, class_name = easy_name.split(".")
        module = importlib.import_module("cmutagen." + module_name)
        classes.append(getattr(module, class_name))
    return classes


def File(filething, options=None, easy=False):
    """Guess the type of the file and load it with the matching class.

    Returns None when no format scores above zero.  ``options`` is a list of
    format classes to choose from; ``easy`` picks the Easy* variants."""
    if options is None:
        options = _format_classes(easy)
    if not options:
        return None

    thing = resolve_filething(filething)
    name = thing.name if isinstance(thing.name, str) else os.fsdecode(thing.name)
    if thing.path is not None:
        try:
            with open(thing.path, "rb") as fileobj:
                kind, score = _best_kind(options, name, fileobj)
        except OSError as e:
            raise MutagenError(e)
        # The format class reads the file by path, in C, without Python I/O.
        return kind(thing.path) if score > 0 else None

    kind, score = _best_kind(options, name, thing.fileobj)
    if score <= 0:
        return None
    try:
        thing.fileobj.seek(0, 0)
    except OSError as e:
        raise MutagenError(e)
    return kind(thing.fileobj, filename=thing.filename)


def _best_kind(options, name, fileobj):
    fileobj.seek(0, 0)
    header = fileobj.read(128)
    # The highest score wins; ties go to the class name that sorts last.
    ranked = [((kind.score(name, fileobj, header), kind.__name__), kind) for kind in options]
    (score, _), kind = max(ranked, key=lambda entry: entry[0])
    return kind, score
