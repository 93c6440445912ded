# SPDX-License-Identifier: GPL-2.0-or-later
"""FileType and StreamInfo, the bases of every format class, and File(),
which picks the format of a file by the same scores mutagen uses."""

import importlib
import os
import sys
import warnings

from . import _native
from ._util import DictMixin, MutagenError, loadfile, resolve_filething


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

    # Both open the file (self.filename when none is given) before looking
    # at the tags, as mutagen does: a missing file is a MutagenError even
    # when there is nothing to write.
    @loadfile(writable=True)
    def delete(self, filething=None):
        """Remove the tags from the file; does nothing if it has none."""
        if self.tags is not None:
            return self.tags.delete(filething.fileobj)

    @loadfile(writable=True)
    def save(self, filething=None, **kwargs):
        """Write the tags to the file."""
        if self.tags is not None:
            return self.tags.save(filething.fileobj, **kwargs)

    def pprint(self):
        # A file object made without a file has no info to print: mutagen
        # fails an assertion there.
        assert self.info
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
    ("trueaudio", "TrueAudio", "trueaudio.EasyTrueAudio"),
    ("oggtheora", "OggTheora", None),
    ("oggspeex", "OggSpeex", None),
    ("oggvorbis", "OggVorbis", None),
    ("oggflac", "OggFLAC", None),
    ("flac", "FLAC", None),
    ("aiff", "AIFF", None),
    ("apev2", "APEv2File", None),
    ("mp4", "MP4", "easymp4.EasyMP4"),
    ("id3", "ID3FileType", None),
    ("wavpack", "WavPack", None),
    ("musepack", "Musepack", None),
    ("monkeysaudio", "MonkeysAudio", None),
    ("optimfrog", "OptimFROG", None),
    ("asf", "ASF", None),
    ("oggopus", "OggOpus", None),
    ("aac", "AAC", None),
    ("ac3", "AC3", None),
    ("smf", "SMF", None),
    ("tak", "TAK", None),
    ("dsf", "DSF", None),
    ("dsdiff", "DSDIFF", None),
    ("wave", "WAVE", None),
]


_format_modules = {}


def _format_classes(easy):
    # The modules are imported once (import_module's bookkeeping costs more
    # than the rest of a File() call's choice); the classes are looked up on
    # them each time, so a class replaced on its module is the one used.
    pairs = _format_modules.get(easy)
    if pairs is None:
        pairs = []
        for module_name, class_name, easy_name in _FORMATS:
            if easy and easy_name:
                module_name, class_name = easy_name.split(".")
            pairs.append((importlib.import_module("cmutagen." + module_name), class_name))
        _format_modules[easy] = pairs
    try:
        return [getattr(module, class_name) for module, class_name in pairs]
    except AttributeError:
        # As mutagen's File(), whose imports of the classes fail so.
        for module, class_name in pairs:
            if not hasattr(module, class_name):
                raise ImportError("cannot import name %r from %r (%s)" % (
                    class_name, module.__name__, getattr(module, "__file__", None)),
                    name=module.__name__, path=getattr(module, "__file__", None)) from None
        raise


_format_tables = {}


def _format_table(easy):
    """The default options as _native.choose_by_score takes them: (module
    namespace, class name) pairs, whose classes it looks up on each call
    (as _format_classes does, without a getattr per class in Python)."""
    table = _format_tables.get(easy)
    if table is None:
        _format_classes(easy)  # imports the modules
        table = _format_tables[easy] = tuple(
            (vars(module), sys.intern(class_name))
            for module, class_name in _format_modules[easy])
    return table


_rules = None


def _score_rules():
    """{score function: index of its C copy in _native.SCORE_RULES}, for
    the classes whose rule score.c has (every format File() knows).
    File(path) scores all its options in one C call, reading the file's
    two ends, when each one's score is in here; a class given another score
    (or a caller's own class, whose score may read anything) leaves File()
    to score every option in Python, with a file object."""
    global _rules
    if _rules is None:
        rules = {}
        for index, dotted in enumerate(_native.SCORE_RULES):
            module_name, class_name = dotted.split(".")
            kind = getattr(importlib.import_module("cmutagen." + module_name), class_name)
            rules[kind.score] = index
        _rules = rules
    return _rules


def File(filething=None, options=None, easy=False, *, filename=None, fileobj=None):
    """Guess the type of the file and load it with the matching class.

    The file is a path or a file object, positionally or as ``filename=``/
    ``fileobj=`` (both: the file object, named).  Returns None when no
    format scores above zero.  ``options`` is a list of format classes to
    choose from; ``easy`` picks the Easy* variants."""
    if (options is None and filename is None and fileobj is None
            and filething.__class__ is str):
        # File(path), the commonest call: the default options go to C as
        # their modules' namespaces, and their classes are looked up there.
        return _file_at(filething, _format_table(easy))
    if options is None:
        options = _format_classes(easy)
    if not options:
        return None

    thing = resolve_filething(filething, filename, fileobj)
    name = thing.name if isinstance(thing.name, str) else os.fsdecode(thing.name)
    if thing.path is not None:
        # The name as given (str or bytes), as the file's filename and in
        # error messages.
        return _file_at(thing.filename, options if type(options) is list else list(options),
                        name)

    kind, score = _best_kind(options, name, thing.fileobj)
    if score <= 0:
        return None
    # Loads read from where the file object is.  As in mutagen, a failed
    # seek back to the start is left for the chosen format's load to
    # report, with its own error.
    try:
        thing.fileobj.seek(0, 0)
    except OSError:
        pass
    return kind(thing.fileobj, filename=thing.filename)


def _file_at(filename, options, name=None):
    """File() of a path: options is a list of classes, or a _format_table."""
    if name is None:
        name = filename
    try:
        best = _native.choose_by_score(
            filename, name.encode("utf-8", "surrogatepass"),
            name.lower().encode("utf-8", "surrogatepass"), options, _score_rules())
    except OSError as e:
        raise MutagenError(e)
    if best is None:
        if type(options) is tuple:
            options = [namespace[class_name] for namespace, class_name in options]
        try:
            with open(filename, "rb") as fileobj:
                best = _best_kind(options, name, fileobj)
        except OSError as e:
            raise MutagenError(e)
    kind, score = best
    # The format class reads the file by path, in C, without Python I/O.
    return kind(filename) if score > 0 else None


def _best_kind(options, name, fileobj):
    """(class, score) of the best of options for a file object, as mutagen's
    File() chooses: each class scores the name and the first 128 bytes from
    where the file object is (APEv2's also reads the last 160)."""
    rules = _native.option_rules(options, _score_rules()) if type(options) is list else None
    # mutagen scores an unreadable header as empty (the chosen class's load
    # then reports it).
    try:
        header = fileobj.read(128)
    except OSError:
        header = b""
    if rules is not None and type(header) is bytes:
        # Every option has a C copy of its score: one call, after the same
        # reads the Python scores would make (only APEv2's reads, the tail).
        from .apev2 import APEv2File
        tail = APEv2File._read_tail(fileobj) if _apev2_rule() in rules else b""
        if tail is None or type(tail) is bytes:
            return _native.choose_by_rules(
                options, rules, name.encode("utf-8", "surrogatepass"),
                name.lower().encode("utf-8", "surrogatepass"), header, tail)
    # The highest score wins; ties go to the class name that sorts last.
    ranked = [((kind.score(name, fileobj, header), kind.__name__), kind) for kind in options]
    (score, _), kind = max(ranked, key=lambda entry: entry[0])
    return kind, score


def _apev2_rule():
    return _native.SCORE_RULES.index("apev2.APEv2File")
