# SPDX-License-Identifier: GPL-2.0-or-later
"""mid3cp: copy the ID3 tag of one file to another, like id3lib's id3cp
(mutagen 1.48.1's tool, option for option)."""

import os
import sys

import cmutagen as mutagen
import cmutagen.id3
from ._util import OptionParser, SignalHandler

VERSION = (0, 1)
_sig = SignalHandler()


class ID3OptionParser(OptionParser):
    def __init__(self):
        mutagen_version = mutagen.version_string
        my_version = ".".join(map(str, VERSION))
        version = "mid3cp %s\nUses Mutagen %s" % (my_version, mutagen_version)
        OptionParser.__init__(
            self, version=version,
            usage="%prog [option(s)] <src> <dst>",
            description=("Copies ID3 tags from <src> to <dst>. Mutagen-based "
                         "replacement for id3lib's id3cp."))


def copy(src, dst, merge, write_v1=True, excluded_tags=None, verbose=False):
    """Copy the ID3 tag of `src` to `dst`; returns 0 on success and 1 after
    printing why it failed."""

    try:
        id3 = mutagen.id3.ID3(src, translate=False)
    except mutagen.id3.ID3NoHeaderError:
        print("No ID3 header found in ", src, file=sys.stderr)
        return 1
    except Exception as err:
        print(str(err), file=sys.stderr)
        return 1

    if verbose:
        print("File", src, "contains:", file=sys.stderr)
        print(id3.pprint(), file=sys.stderr)

    for tag in excluded_tags or []:
        id3.delall(tag)

    if merge:
        try:
            target = mutagen.id3.ID3(dst, translate=False)
        except mutagen.id3.ID3NoHeaderError:
            # nothing to merge with: the source's tag is written as it is
            pass
        except Exception as err:
            print(str(err), file=sys.stderr)
            return 1
        else:
            for frame in id3.values():
                target.add(frame)
            id3 = target

    # an ID3v2.4 tag stays v2.4; v2.2, v2.3 and ID3v1 ones are written as v2.3
    if id3.version >= (2, 4):
        id3.update_to_v24()
        v2_version = 4
    else:
        id3.update_to_v23()
        v2_version = 3

    try:
        id3.save(dst, v1=(2 if write_v1 else 0), v2_version=v2_version)
    except Exception as err:
        print("Error saving", dst, ":\n%s" % str(err), file=sys.stderr)
        return 1
    else:
        if verbose:
            print("Successfully saved", dst, file=sys.stderr)
        return 0


def main(argv):
    parser = ID3OptionParser()
    parser.add_option("-v", "--verbose", action="store_true", dest="verbose",
                      help="print out saved tags", default=False)
    parser.add_option("--write-v1", action="store_true", dest="write_v1",
                      help="write id3v1 tags", default=False)
    parser.add_option("-x", "--exclude-tag", metavar="TAG", action="append",
                      dest="x", help="exclude the specified tag", default=[])
    parser.add_option("--merge", action="store_true",
                      help="Copy over frames instead of the whole ID3 tag",
                      default=False)
    (options, args) = parser.parse_args(argv[1:])

    if len(args) != 2:
        parser.print_help(file=sys.stderr)
        return 1

    (src, dst) = args

    for path in (src, dst):
        if not os.path.isfile(path):
            print("File not found:", path, file=sys.stderr)
            parser.print_help(file=sys.stderr)
            return 1

    # "-x TLEN" and "-x ' TLEN'" name the same frame
    excluded_tags = [tag.strip() for tag in options.x]

    with _sig.block():
        return copy(src, dst, options.merge, options.write_v1, excluded_tags,
                    options.verbose)


def entry_point():
    _sig.init()
    return main(sys.argv)
