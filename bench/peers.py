# SPDX-License-Identifier: GPL-2.0-or-later
"""The Python libraries the benchmark compares, one adapter each.

An adapter says, per manifest format, which of the benchmark's calls the
library offers and how one call loads a file and touches every value the
library returned.  The calls are named after mutagen's ("File(path)",
"FLAC(path)", "FLAC(BytesIO)") so the rows of different libraries line up;
a peer's row says in its note what it really called and what it does not do.

mutagen and cmutagen are touched by `touch.touch`, the one definition the
correctness gate compares, and so is mutagen-rs, whose API mirrors theirs;
tinytag and pytaglib get their own touch functions below, which read every
field they offer.
"""

import ast
import functools
import importlib
import importlib.metadata
import inspect
import textwrap
from dataclasses import dataclass
from typing import Callable, Optional

import touch

# Manifest format -> (mutagen module, format class).  A new format joins the
# benchmark by a line here; cmutagen's rows appear once it has the class.
FORMAT_CLASSES = {
    "mp3-id3v23": ("mp3", "MP3"),
    "mp3-id3v24": ("mp3", "MP3"),
    "flac": ("flac", "FLAC"),
    "ogg-vorbis": ("oggvorbis", "OggVorbis"),
    "ogg-opus": ("oggopus", "OggOpus"),
    "m4a-aac": ("mp4", "MP4"),
    "m4a-alac": ("mp4", "MP4"),
}

# Where each format keeps its title, for the peers' sanity check.
TITLE_KEYS = {"tit2", "title", "\xa9nam"}

FILE_CALL = "File(path)"
TOUCH_CALL = "touch"


def class_call(fmt):
    return "%s(path)" % FORMAT_CLASSES[fmt][1]


def bytesio_call(fmt):
    return "%s(BytesIO)" % FORMAT_CLASSES[fmt][1]


def calls_of(fmt):
    """The benchmark's calls for a format, in table order."""
    return [FILE_CALL, class_call(fmt), bytesio_call(fmt)]


@dataclass
class Call:
    """One timed call.  `run(arg)` loads one file and touches every value,
    as cheaply as the library allows: it is what the clock sees.  `check(arg)`
    does the same loads and reads but returns the values, for the gate and
    the sanity check (default: `run`, when that returns them already).
    `arg` is "path", "bytesio" (a fresh BytesIO of the file's data, made
    before timing) or "loaded" (the object `load(path)` returns, made before
    timing: the clock sees the touch alone).  `before` runs, untimed, before every call (a peer's
    cache clearing).  `run` None: not offered, `note` says why."""
    call: str
    run: Optional[Callable]
    check: Optional[Callable] = None
    arg: str = "path"
    before: Optional[Callable] = None
    note: str = ""
    quiet: bool = False  # the library prints debug text to stderr: silence it
    load: Optional[Callable] = None  # for arg "loaded"

    def __post_init__(self):
        if self.check is None:
            self.check = self.run


def version_of(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def title_of(touched):
    """The title text in a mutagen-style touched result, or None."""
    for item in touched:
        if item[0] == "tag" and str(item[1]).lower() in TITLE_KEYS:
            values = item[2] if isinstance(item[2], list) else [item[2]]
            return "\0".join(str(value[1]) for value in values)
    return None


class GateError(Exception):
    """cmutagen (or mutagen, the reference) fails on a format it claims: the
    benchmark must stop rather than leave that format out."""


def _file_classes_mutagen():
    """How many format classes mutagen's File() scores: the `options = [...]`
    list in its source (built inside the function, so not reachable as an
    object), or None where that is not found."""
    import mutagen._file
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(mutagen._file.File)))
    except (OSError, TypeError, SyntaxError):
        return None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.List)
                and any(isinstance(t, ast.Name) and t.id == "options" for t in node.targets)):
            return len(node.value.elts)
    return None


@functools.lru_cache(maxsize=None)
def detection_note():
    """The File(path) rows of cmutagen and mutagen do unequal detection work:
    each File() scores every format class it knows.  Said in both rows."""
    import cmutagen._file
    ours = len(cmutagen._file._FORMATS)
    theirs = _file_classes_mutagen()
    if theirs == ours:
        return ""
    theirs = "%d" % theirs if theirs else "every format class it has (24 in 1.48.1)"
    return ("File() scores %d format class%s in cmutagen, %s in mutagen: the File(path) "
            "ratio is inflated until cmutagen covers every format"
            % (ours, "" if ours == 1 else "es", theirs))


def cmutagen_claims():
    """The (module, class) pairs cmutagen.File() knows, from its format table."""
    import cmutagen._file
    return {(entry[0], entry[1]) for entry in cmutagen._file._FORMATS}


class MutagenStyle:
    """mutagen and the libraries that mirror its API: `File(path)` and a
    format class taking a path or a file object.  The gate compares
    `touch.touch`; the clock sees `touch.touch_timed`, the same reads
    without building the comparable result.

    `claimed`: the (module, class) pairs the library says it implements, for
    cmutagen and mutagen; a failure to load one of those is a GateError, not
    a missing format.  None (the other peers): any import failure is a row
    note.  `file_note`: add `detection_note` to the File(path) row."""

    def __init__(self, name, package, check_fn=touch.touch, timed_fn=None, before=None,
                 bytesio=True, missing="%(lib)s does not read this format (no %(cls)s)",
                 note="", claimed=None, file_note=False):
        self.name = name
        self.package = package
        self.version = version_of(package.replace("_", "-"))
        self.check_fn = check_fn
        if timed_fn is None:
            # Info field names per StreamInfo class, found once: names only,
            # never file data, so nothing about a file survives it.
            names_by_class = {}
            timed_fn = lambda f: touch.touch_timed(f, names_by_class)  # noqa: E731
        self.timed_fn = timed_fn
        self.before = before
        self.bytesio = bytesio
        self.missing = missing
        self.note = note
        self.claimed = claimed
        self.file_note = file_note
        self.root = importlib.import_module(package)

    def claims(self, fmt):
        return self.claimed is not None and FORMAT_CLASSES[fmt] in self.claimed

    def format_class(self, fmt):
        """The library's class for a format, or the reason it has none.
        Looked up at run time, so a format cmutagen gains is picked up.
        Missing rather than broken: the module does not exist (a
        ModuleNotFoundError naming exactly it) or lacks the class, and the
        library's format table (`claimed`, if it has one) does not list the
        module.  Any other failure is a GateError, or for a peer without a
        table, a note."""
        module_name, class_name = FORMAT_CLASSES[fmt]
        full_name = "%s.%s" % (self.package, module_name)
        missing = self.missing % {"lib": self.name, "cls": class_name}
        listed = self.claimed is not None and module_name in {m for m, _ in self.claimed}
        try:
            module = importlib.import_module(full_name)
        except ImportError as error:
            absent = isinstance(error, ModuleNotFoundError) and error.name == full_name
            if absent and not listed:
                return None, missing
            if self.claimed is None:  # a peer's broken install is a result to report
                return None, "%s: importing %s failed: %r" % (self.name, full_name, error)
            raise GateError("%s: importing %s failed: %r" % (self.name, full_name, error))
        cls = getattr(module, class_name, None)
        if cls is None and not listed:
            return None, missing
        if cls is None:
            raise GateError("%s lists %s in its formats but %s has no %s"
                            % (self.name, module_name, full_name, class_name))
        return cls, ""

    def _call(self, name, load, arg="path", note=""):
        timed, check = self.timed_fn, self.check_fn
        note = "; ".join(n for n in (self.note, note) if n)
        return Call(name, lambda a: timed(load(a)), lambda a: check(load(a)), arg=arg,
                    before=self.before, note=note)

    def calls(self, fmt):
        cls, why = self.format_class(fmt)
        if cls is None:
            # File() alone cannot stand in for a missing class: cmutagen's
            # returns None on a format it does not know yet.
            return [Call(call, None, note=why) for call in calls_of(fmt)]
        out = [self._call(FILE_CALL, self.root.File,
                          note=detection_note() if self.file_note else ""),
               self._call(class_call(fmt), cls)]
        if self.bytesio:
            out.append(self._call(bytesio_call(fmt), cls, arg="bytesio"))
        else:
            out.append(Call(bytesio_call(fmt), None, note="%s takes paths only" % self.name))
        return out

    def touch_call(self, fmt):
        """The touch alone, on an object the format class loaded before the
        clock: what the benchmark's own reads cost on this library's
        objects.  None when the library has no class for the format."""
        cls, _ = self.format_class(fmt)
        if cls is None:
            return None
        timed, check = self.timed_fn, self.check_fn
        return Call(TOUCH_CALL, timed, check, arg="loaded", load=cls,
                    note="%s(path) loaded before the clock, then touched" % cls.__name__)

    title = staticmethod(title_of)


# mutagen-rs ---------------------------------------------------------------
#
# Import name mutagen_rs.  It mirrors mutagen's File() and MP3/FLAC/OggVorbis/
# MP4 as factory functions taking a filename only (no file objects), has no
# OggOpus, and keeps three caches across calls: a Python dict of loaded
# files keyed on path, a Rust result cache and a Rust template/file-data
# cache.  clear_cache() leaves the last two; clear_all_caches() empties all,
# so the benchmark calls it before every timed call, and again inside the
# timed call after the touch: the caches hold the result, which would
# otherwise be freed off the clock.  Its objects are close enough to
# mutagen's for touch.py (which knows its dict pictures and unset slots).

def touch_mutagen_rs(f):
    """mutagen-rs's values in a comparable form (sanity check)."""
    if f is None:
        raise ValueError("format not recognised (File returned None)")
    return touch.touch(f)


def _mutagen_rs():
    import mutagen_rs
    clear = mutagen_rs.clear_all_caches
    names_by_class = {}

    def timed(f):
        touch.touch_timed(f, names_by_class)
        clear()  # frees f's cached copy on this call's clock

    return MutagenStyle("mutagen-rs", "mutagen_rs", check_fn=touch_mutagen_rs,
                        timed_fn=timed, before=clear, bytesio=False,
                        note="caches cleared (clear_all_caches) before every call and inside "
                             "it after the touch; fewer stream fields than mutagen and some "
                             "values differ (no exact gate)")


# tinytag -----------------------------------------------------------------
#
# TinyTag.get(filename=..., file_obj=..., image=True) detects the format
# itself: it fills the File(path) and BytesIO rows, and has no per-format
# class.  It maps tags onto a fixed set of fields plus `other`.

def touch_tinytag(t):
    out = []
    for name, value in vars(t).items():
        if name.startswith("_") or name in ("images", "other"):
            continue
        out.append((name, value))
    for key, values in t.other.items():
        out.append(("other", key, [str(v) for v in values]))
    for kind, images in t.images.as_dict().items():
        for image in images:
            out.append(("image", kind, image.mime_type, image.description, bytes(image.data)))
    return out


def title_of_tinytag(touched):
    for item in touched:
        if item[0] == "title":
            return item[1]
    return None


class TinyTagAdapter:
    name = "tinytag"
    note = "TinyTag.get(%s, image=True); fewer fields than mutagen"

    def __init__(self):
        from tinytag import TinyTag
        self.get = TinyTag.get
        self.version = version_of("tinytag")

    def calls(self, fmt):
        get = self.get
        return [
            Call(FILE_CALL, lambda p: touch_tinytag(get(p, image=True)),
                 note=self.note % "path"),
            Call(class_call(fmt), None, note="tinytag has no per-format class"),
            Call(bytesio_call(fmt), lambda b: touch_tinytag(get(file_obj=b, image=True)),
                 arg="bytesio", note=self.note % "file_obj=BytesIO"),
        ]

    title = staticmethod(title_of_tinytag)


# pytaglib ----------------------------------------------------------------
#
# taglib.File(path) over TagLib (bundled in the wheel): tags as a dict of
# upper-case keys to lists of text, the audio properties, and pictures.
# Paths only, one call for every format.  TagLib writes debug messages to
# stderr (for example on every ID3v2.3 TDAT frame); the harness points
# stderr at /dev/null around its calls, as a quiet application would.

def load_pytaglib(path):
    import taglib
    f = taglib.File(path)
    try:
        out = [("tag", key, list(values)) for key, values in f.tags.items()]
        out.append(("info", f.length, f.bitrate, f.sampleRate, f.channels))
        for picture in f.pictures:
            out.append(("picture", picture.picture_type, picture.mime_type,
                        picture.description, bytes(picture.data)))
    finally:
        f.close()
    return out


class PyTagLibAdapter:
    name = "pytaglib"

    def __init__(self):
        import taglib
        self.version = "%s (TagLib %s)" % (version_of("pytaglib"),
                                           ".".join(map(str, taglib.taglib_version())))

    def calls(self, fmt):
        return [
            Call(FILE_CALL, load_pytaglib, quiet=True,
                 note="taglib.File(path): tags, length, bitrate, sampleRate, channels, "
                      "pictures; close(); TagLib's debug messages sent to /dev/null"),
            Call(class_call(fmt), None, note="pytaglib has no per-format class"),
            Call(bytesio_call(fmt), None, note="pytaglib takes paths only"),
        ]

    @staticmethod
    def title(touched):
        for item in touched:
            if item[0] == "tag" and item[1] == "TITLE":
                return "\0".join(item[2])
        return None


# The libraries, in table order.  A library that cannot be imported is kept
# as its name and the exception text, so the results say why it is missing.
LIBRARIES = [
    ("cmutagen", lambda: MutagenStyle("cmutagen", "cmutagen", claimed=cmutagen_claims(),
                                      missing="not implemented in cmutagen yet",
                                      file_note=True)),
    # mutagen, the reference, claims every format of the benchmark.
    ("mutagen", lambda: MutagenStyle("mutagen", "mutagen", claimed=set(FORMAT_CLASSES.values()),
                                     file_note=True)),
    ("mutagen-rs", _mutagen_rs),
    ("tinytag", TinyTagAdapter),
    ("pytaglib", PyTagLibAdapter),
]


def load_libraries():
    """[(name, adapter or None, import error text)]"""
    out = []
    for name, make in LIBRARIES:
        try:
            out.append((name, make(), ""))
        except Exception as error:  # any import failure is a result to report
            out.append((name, None, "%s: %s" % (type(error).__name__, error)))
    return out
