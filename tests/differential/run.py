# SPDX-License-Identifier: GPL-2.0-or-later
"""Differential test: load every file with real mutagen 1.48.1 and cmutagen.

Each file is loaded through several entry points ("views"), once with the
oracle (the real mutagen, imported from --oracle) and once with cmutagen, and
the two snapshots (see snapshot.py) must agree.  Only files of the formats
named by --formats are checked; the rest are counted as skipped.

    python tests/differential/run.py --formats flac DIR_OR_FILE...
    python tests/differential/run.py --self-check DIR_OR_FILE...

--self-check compares the oracle with itself over every format: it needs no
cmutagen and proves the snapshots are deterministic.
"""

import argparse
import faulthandler
import importlib
import io
import os
import pkgutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional

import snapshot as snap

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ORACLE = REPO_ROOT / "build" / "oracle"
ORACLE_VERSION = (1, 48, 1)
CANDIDATE_PACKAGE = "cmutagen"

# The FileType each format module exposes, constructed directly by the
# "Class(path)" view.  Format names are mutagen's module names.
FORMAT_CLASSES = {
    "aac": "AAC",
    "ac3": "AC3",
    "aiff": "AIFF",
    "apev2": "APEv2File",
    "asf": "ASF",
    "dsdiff": "DSDIFF",
    "dsf": "DSF",
    "flac": "FLAC",
    "id3": "ID3FileType",
    "monkeysaudio": "MonkeysAudio",
    "mp3": "MP3",
    "mp4": "MP4",
    "musepack": "Musepack",
    "oggflac": "OggFLAC",
    "oggopus": "OggOpus",
    "oggspeex": "OggSpeex",
    "oggtheora": "OggTheora",
    "oggvorbis": "OggVorbis",
    "optimfrog": "OptimFROG",
    "smf": "SMF",
    "tak": "TAK",
    "trueaudio": "TrueAudio",
    "wave": "WAVE",
    "wavpack": "WavPack",
}

# A file is checked when its extension maps to an implemented format, even
# if the oracle does not recognise it: cmutagen must then fail the same way.
EXTENSION_FORMATS = {
    ".3g2": "mp4",
    ".aac": "aac",
    ".ac3": "ac3",
    ".aif": "aiff",
    ".aifc": "aiff",
    ".aiff": "aiff",
    ".ape": "monkeysaudio",
    ".apev2": "apev2",
    ".asf": "asf",
    ".dff": "dsdiff",
    ".dsf": "dsf",
    ".eac3": "ac3",
    ".flac": "flac",
    ".id3": "id3",
    ".m4a": "mp4",
    ".m4b": "mp4",
    ".mid": "smf",
    ".mp3": "mp3",
    ".mp4": "mp4",
    ".mpc": "musepack",
    ".ofr": "optimfrog",
    ".ofs": "optimfrog",
    ".ogg": "oggvorbis",
    ".oggflac": "oggflac",
    ".oggtheora": "oggtheora",
    ".opus": "oggopus",
    ".spx": "oggspeex",
    ".tak": "tak",
    ".tta": "trueaudio",
    ".wav": "wave",
    ".wma": "asf",
    ".wv": "wavpack",
}


class SetupError(Exception):
    """The run cannot start (or its result cannot be trusted)."""


@dataclass(frozen=True)
class Library:
    """One side of the comparison: a mutagen-like top-level package."""

    label: str  # how reports name this side
    package: object  # the imported top-level module

    @property
    def root(self):
        return self.package.__name__

    def format_class(self, fmt):
        module = importlib.import_module("%s.%s" % (self.root, fmt))
        return getattr(module, FORMAT_CLASSES[fmt])


@dataclass(frozen=True)
class View:
    """One way of loading a file; run(library) returns an Outcome."""

    name: str
    run: Callable[[Library], snap.Outcome]


@dataclass
class ViewResult:
    name: str
    expected: snap.Outcome
    actual: snap.Outcome
    difference: Optional[snap.Difference]


@dataclass
class FileResult:
    path: str
    formats: List[str]  # the formats the file was associated with
    checked: bool
    views: List[ViewResult] = field(default_factory=list)

    @property
    def first_difference(self):
        return next((view for view in self.views if view.difference), None)


def file_views(path, formats):
    """The views compared for one file, most basic first."""
    with open(path, "rb") as fileobj:
        data = fileobj.read()

    def load_path(library):
        return snap.capture(lambda: library.package.File(path), library.root)

    def load_easy(library):
        return snap.capture(lambda: library.package.File(path, easy=True),
                            library.root)

    def load_open_file(library):
        with open(path, "rb") as fileobj:
            return snap.capture(lambda: library.package.File(fileobj),
                                library.root)

    # A BytesIO has no name, so File() must decide from the content alone.
    def load_bytes(library):
        return snap.capture(lambda: library.package.File(io.BytesIO(data)),
                            library.root)

    views = [
        View("File(path)", load_path),
        View("File(path, easy=True)", load_easy),
        View("File(open(path, 'rb'))", load_open_file),
        View("File(BytesIO(data))", load_bytes),
    ]
    for fmt in formats:
        if fmt in FORMAT_CLASSES:
            views.append(View("%s.%s(path)" % (fmt, FORMAT_CLASSES[fmt]),
                              _direct_loader(fmt, path)))
    return views


def _direct_loader(fmt, path):
    # A function of its own so that each view keeps its own fmt.
    def load(library):
        return snap.capture(lambda: library.format_class(fmt)(path),
                            library.root)
    return load


def outcome_format(outcome):
    """The format module of what the oracle loaded or raised, if any."""
    node = outcome.snapshot
    if node is None:
        return None
    name = node.get("raises") or node["type"]
    parts = name.split(".")
    if parts[0] != snap.CANONICAL_ROOT or len(parts) < 3:
        return None  # a builtin exception, or one from mutagen's top level
    return parts[1]


def check_file(path, oracle, candidate, implemented):
    """Compare oracle and candidate on one file (if its format is checked)."""
    recognised = snap.capture(lambda: oracle.package.File(path), oracle.root)
    formats = []
    for fmt in (outcome_format(recognised),
                EXTENSION_FORMATS.get(os.path.splitext(path)[1].lower())):
        if fmt is not None and fmt not in formats:
            formats.append(fmt)
    checked_formats = [fmt for fmt in formats if fmt in implemented]
    result = FileResult(path, formats, bool(checked_formats))
    if not result.checked:
        return result

    for view in file_views(path, checked_formats):
        expected = view.run(oracle)
        # Without a file name File() decides from the bytes alone and may
        # pick a format cmutagen does not implement yet (an ID3 tag in front
        # of FLAC data looks like MP3): that view cannot be compared.
        if outcome_format(expected) not in (None, *implemented):
            continue
        actual = view.run(candidate)
        result.views.append(ViewResult(
            view.name, expected, actual,
            snap.compare_outcomes(expected, actual)))
    return result


def collect_files(paths):
    """Every file under the given paths, each directory walked in order."""
    files = []
    for path in paths:
        if os.path.isdir(path):
            for directory, subdirectories, names in os.walk(path):
                subdirectories.sort()
                files.extend(os.path.join(directory, name)
                             for name in sorted(names))
        elif os.path.isfile(path):
            files.append(path)
        else:
            raise SetupError("no such file or directory: %s" % path)
    if not files:
        raise SetupError("no files found under: %s" % " ".join(paths))
    return files


def format_difference(view, oracle, candidate):
    difference = view.difference
    line = "%s: %s: %s %s != %s %s" % (
        view.name, difference.path, oracle.label, difference.expected,
        candidate.label, difference.actual)
    messages = _messages(view, oracle, candidate)
    return line + (" [%s]" % messages if messages else "")


def _messages(view, oracle, candidate):
    """Both exception messages, when either side raised."""
    sides = [(library.label, outcome.message) for library, outcome in
             ((oracle, view.expected), (candidate, view.actual))
             if outcome.message is not None]
    return "; ".join("%s: %r" % side for side in sides)


def run(paths, oracle, candidate, implemented, verbose=False, out=None):
    """Check every file and print the report; returns the exit status."""
    out = out or sys.stdout
    compared = mismatched = skipped = 0
    for path in collect_files(paths):
        result = check_file(path, oracle, candidate, implemented)
        if not result.checked:
            skipped += 1
            if verbose:
                print("SKIP %s (%s)" % (
                    path, ", ".join(result.formats) or "unknown format"),
                    file=out)
            continue
        compared += 1
        failure = result.first_difference
        if failure is None:
            print("OK %s" % path, file=out)
        else:
            mismatched += 1
            print("MISMATCH %s: %s" % (
                path, format_difference(failure, oracle, candidate)),
                file=out)
        if verbose:
            for view in result.views:
                status = ("ok" if view.difference is None else
                          format_difference(view, oracle, candidate))
                messages = _messages(view, oracle, candidate)
                if view.difference is None and messages:
                    status += " [%s]" % messages
                print("    %s: %s" % (view.name, status), file=out)
        out.flush()  # so a crash in the C core still shows the last file

    print("differential: %d files compared, %d mismatches, "
          "%d skipped (format not implemented)"
          % (compared, mismatched, skipped), file=out)
    print("%d passed, %d failed" % (compared - mismatched, mismatched),
          file=out)
    return 1 if mismatched else 0


def _is_inside(module_file, directory):
    if module_file is None:
        return False
    return Path(module_file).resolve().is_relative_to(
        Path(directory).resolve())


def import_oracle(oracle_dir):
    """Import the real mutagen from oracle_dir, checking that it is that."""
    if not (Path(oracle_dir) / "mutagen" / "__init__.py").is_file():
        raise SetupError(
            "no mutagen in %s; install it with: pip install --no-deps "
            "--target %s mutagen==%s" % (
                oracle_dir, oracle_dir, ".".join(map(str, ORACLE_VERSION))))
    if "mutagen" in sys.modules:
        raise SetupError("mutagen was imported before the oracle: %r"
                         % sys.modules["mutagen"])
    sys.path.insert(0, str(oracle_dir))
    import mutagen
    if not _is_inside(mutagen.__file__, oracle_dir):
        raise SetupError("mutagen came from %s, not from the oracle %s"
                         % (mutagen.__file__, oracle_dir))
    if getattr(mutagen, "version", None) != ORACLE_VERSION:
        raise SetupError("oracle is mutagen %r, expected %r"
                         % (getattr(mutagen, "version", None), ORACLE_VERSION))
    return mutagen


def import_candidate():
    try:
        return importlib.import_module(CANDIDATE_PACKAGE)
    except ImportError as exc:
        raise SetupError("cannot import %s: %s" % (CANDIDATE_PACKAGE, exc))


def check_separation(oracle_dir):
    """Fail unless every mutagen module is still the oracle's own.

    cmutagen can alias itself as mutagen (install_as_mutagen); had anything
    done so in this process, the oracle would silently be cmutagen.
    """
    for finder in sys.meta_path:
        module = type(finder).__module__
        if module.split(".")[0] == CANDIDATE_PACKAGE:
            raise SetupError("%s installed an import hook: %r"
                             % (CANDIDATE_PACKAGE, finder))
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] != "mutagen" or module is None:
            continue
        module_file = getattr(module, "__file__", None)
        if not _is_inside(module_file, oracle_dir):
            raise SetupError("module %s is %s, not the oracle's"
                             % (name, module_file or repr(module)))


def parse_formats(text, oracle):
    """--formats value -> set of mutagen module names ("all" for every one)."""
    known = {info.name for info in pkgutil.iter_modules(oracle.__path__)
             if not info.name.startswith("_")}
    if text == "all":
        return known
    formats = {name.strip() for name in text.split(",") if name.strip()}
    unknown = formats - known
    if unknown:
        raise SetupError("unknown format(s) %s; known: %s" % (
            ", ".join(sorted(unknown)), ", ".join(sorted(known))))
    return formats


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Compare cmutagen with the real mutagen file by file.")
    parser.add_argument(
        "paths", nargs="+", metavar="PATH",
        help="files, or directories walked recursively")
    parser.add_argument(
        "--formats",
        help="comma-separated mutagen module names to check, or 'all' "
             "(default: flac; all with --self-check)")
    parser.add_argument(
        "--oracle", default=str(DEFAULT_ORACLE), metavar="DIR",
        help="directory holding the real mutagen %s (default: %s)"
             % (".".join(map(str, ORACLE_VERSION)), DEFAULT_ORACLE))
    parser.add_argument(
        "--self-check", action="store_true",
        help="compare the oracle with itself instead of with cmutagen")
    parser.add_argument(
        "--verbose", action="store_true",
        help="also list skipped files and every view of every checked file")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    faulthandler.enable()  # a crash in the C core then names its stack
    try:
        oracle_package = import_oracle(args.oracle)
        oracle = Library("mutagen", oracle_package)
        if args.self_check:
            candidate = Library("mutagen(again)", oracle_package)
            formats = parse_formats(args.formats or "all", oracle_package)
        else:
            candidate = Library(CANDIDATE_PACKAGE, import_candidate())
            formats = parse_formats(args.formats or "flac", oracle_package)
        check_separation(args.oracle)
        status = run(args.paths, oracle, candidate, formats, args.verbose)
        # Loading may have imported more modules: check them too.
        check_separation(args.oracle)
    except SetupError as exc:
        print("differential: error: %s" % exc, file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
