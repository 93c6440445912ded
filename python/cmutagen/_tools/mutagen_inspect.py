# SPDX-License-Identifier: GPL-2.0-or-later
"""mutagen-inspect: print the stream information and every tag of any
file File() knows (mutagen 1.48.1's tool, option for option)."""

import sys

from ._util import OptionParser, SignalHandler

_sig = SignalHandler()


def main(argv):
    from .. import File

    parser = OptionParser(usage="usage: %prog [options] FILE [FILE...]")
    parser.add_option("--no-flac", help="Compatibility; does nothing.")
    parser.add_option("--no-mp3", help="Compatibility; does nothing.")
    parser.add_option("--no-apev2", help="Compatibility; does nothing.")

    (options, args) = parser.parse_args(argv[1:])
    if not args:
        parser.print_help()
        raise SystemExit(1)

    for filename in args:
        print("--", filename)
        try:
            audio = File(filename)
            if audio is None:
                print("- Unknown file type")
            else:
                print("-", audio.pprint())
        except Exception as err:
            print(str(err))
        print("")


def entry_point():
    _sig.init()
    return main(sys.argv)
