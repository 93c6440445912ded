# SPDX-License-Identifier: GPL-2.0-or-later
"""mid3iconv: re-read ID3 text that legacy taggers stored in a local
8-bit encoding as Latin-1, and save it as Unicode (mutagen 1.48.1's tool,
option for option)."""

import locale
import sys

import cmutagen as mutagen
import cmutagen.id3
from ._util import OptionParser, SignalHandler

VERSION = (0, 3)
_sig = SignalHandler()

# id3iconv's spellings of two options
_LEGACY_OPTIONS = {"-v1": "--force-v1", "-removev1": "--remove-v1"}


class ID3OptionParser(OptionParser):
    def __init__(self):
        mutagen_version = mutagen.version_string
        my_version = ".".join(map(str, VERSION))
        version = "mid3iconv %s\nUses Mutagen %s" % (
            my_version, mutagen_version)
        OptionParser.__init__(
            self, version=version,
            usage="%prog [OPTION] [FILE]...",
            description=("Mutagen-based replacement the id3iconv utility, "
                         "which converts ID3 tags from legacy encodings "
                         "to Unicode and stores them using the ID3v2 format."))

    def format_help(self, *args, **kwargs):
        text = OptionParser.format_help(self, *args, **kwargs)
        return text + "\nFiles are updated in-place, so use --dry-run first.\n"


def isascii(string):
    """Whether the str `string` is non-empty and all ASCII."""

    if not string:
        return False
    try:
        string.encode("ascii")
    except UnicodeError:
        return False
    return True


def has_id3v1(filename):
    try:
        with open(filename, "rb") as h:
            h.seek(-128, 2)
            return h.read(3) == b"TAG"
    except IOError:
        return False


def getpreferredencoding():
    return locale.getpreferredencoding() or "utf-8"


def _reencode(frame, encoding):
    """Re-read the text of `frame` as `encoding`; frames whose text is not
    Latin-1 or does not decode are left alone."""

    try:
        text = [value.encode("iso-8859-1").decode(encoding)
                for value in frame.text]
    except (UnicodeError, LookupError):
        return
    frame.text = text
    if all(isascii(value) for value in text):
        frame.encoding = mutagen.id3.Encoding.UTF8
    else:
        frame.encoding = mutagen.id3.Encoding.UTF16


def update(options, filenames):
    encoding = options.encoding or getpreferredencoding()
    verbose = options.verbose
    noupdate = options.noupdate
    force_v1 = options.force_v1
    remove_v1 = options.remove_v1

    for filename in filenames:
        with _sig.block():
            if verbose != "quiet":
                print("Updating", filename)

            if has_id3v1(filename) and not noupdate and force_v1:
                # drop the v2 tag so the v1 one is what gets loaded
                mutagen.id3.delete(filename, False, True)

            try:
                id3 = mutagen.id3.ID3(filename)
            except mutagen.id3.ID3NoHeaderError:
                if verbose != "quiet":
                    print("No ID3 header found; skipping...")
                continue
            except Exception as err:
                print(str(err), file=sys.stderr)
                continue

            for frame in id3.values():
                # time stamps hold no legacy text
                if (isinstance(frame, mutagen.id3.TextFrame) and
                        not isinstance(frame, mutagen.id3.TimeStampTextFrame)):
                    _reencode(frame, encoding)

            if verbose == "debug":
                print(id3.pprint())

            if not noupdate:
                if remove_v1:
                    id3.save(filename, v1=False)
                else:
                    id3.save(filename)


def main(argv):
    parser = ID3OptionParser()
    parser.add_option(
        "-e", "--encoding", metavar="ENCODING", action="store",
        type="string", dest="encoding",
        help=("Specify original tag encoding (default is %s)" % (
              getpreferredencoding())))
    parser.add_option(
        "-p", "--dry-run", action="store_true", dest="noupdate",
        help="Do not actually modify files")
    parser.add_option(
        "--force-v1", action="store_true", dest="force_v1",
        help="Use an ID3v1 tag even if an ID3v2 tag is present")
    parser.add_option(
        "--remove-v1", action="store_true", dest="remove_v1",
        help="Remove v1 tag after processing the files")
    parser.add_option(
        "-q", "--quiet", action="store_const", dest="verbose",
        const="quiet", help="Only output errors")
    parser.add_option(
        "-d", "--debug", action="store_const", dest="verbose",
        const="debug", help="Output updated tags")

    argv = [_LEGACY_OPTIONS.get(arg, arg) for arg in argv]
    (options, args) = parser.parse_args(argv[1:])

    if args:
        update(options, args)
    else:
        parser.print_help()


def entry_point():
    _sig.init()
    return main(sys.argv)
