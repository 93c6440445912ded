# SPDX-License-Identifier: GPL-2.0-or-later
"""moggsplit: write each logical stream of a chained or multiplexed Ogg
file (RFC 3533) to a file of its own (mutagen 1.48.1's tool, option for
option)."""

import os
import sys

import cmutagen as mutagen
from ..ogg import OggPage
from ._util import OptionParser, SignalHandler

_sig = SignalHandler()


def _split(filename, options):
    values = {"ext": options.extension,
              "base": os.path.splitext(os.path.basename(filename))[0]}
    outputs = {}
    m3u = None
    try:
        with open(filename, "rb") as fileobj:
            if options.m3u:
                # text in the locale's encoding, as mutagen writes it (a name
                # it cannot encode fails the same way)
                m3u = open(values["base"] + ".m3u", "w")
            while True:
                try:
                    page = OggPage(fileobj)
                except EOFError:
                    break
                out = outputs.get(page.serial)
                if out is None:
                    values["stream"] = page.serial
                    name = options.pattern % values
                    out = outputs[page.serial] = open(name, "wb")
                    if m3u is not None:
                        m3u.write(name + "\r\n")
                out.write(page.write())
    finally:
        # what was split before an error stays written
        for out in outputs.values():
            out.close()
        if m3u is not None:
            m3u.close()


def main(argv):
    parser = OptionParser(
        usage="%prog [options] filename.ogg ...",
        description="Split Ogg logical streams using Mutagen.",
        version="Mutagen %s" % mutagen.version_string)

    parser.add_option(
        "--extension", dest="extension", default="ogg", metavar="ext",
        help="use this extension (default 'ogg')")
    parser.add_option(
        "--pattern", dest="pattern", default="%(base)s-%(stream)d.%(ext)s",
        metavar="pattern", help="name files using this pattern")
    parser.add_option(
        "--m3u", dest="m3u", action="store_true", default=False,
        help="generate an m3u (playlist) file")

    (options, args) = parser.parse_args(argv[1:])
    if not args:
        parser.print_help()
        raise SystemExit(1)

    for filename in args:
        with _sig.block():
            _split(filename, options)


def entry_point():
    _sig.init()
    return main(sys.argv)
