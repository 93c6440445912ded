# SPDX-License-Identifier: GPL-2.0-or-later
"""mutagen-pony: load every MP3 file under the given directories and
report what their ID3 tags look like and which files fail to load
(mutagen 1.48.1's tool)."""

import os
import sys
import traceback

from ._util import SignalHandler


class Report(object):
    def __init__(self, pathname):
        self.name = pathname
        self.files = 0
        self.unsync = 0
        self.missings = 0
        self.errors = []
        self.exceptions = {}
        self.versions = {}

    def missing(self, filename):
        self.missings += 1
        self.files += 1

    def error(self, filename):
        # called from an except clause: the exception being handled
        info = sys.exc_info()
        self.errors.append((filename,) + info)
        self.exceptions[info[0]] = self.exceptions.get(info[0], 0) + 1
        self.files += 1

    def success(self, id3):
        self.versions[id3.version] = self.versions.get(id3.version, 0) + 1
        self.files += 1
        if id3.f_unsynch:
            self.unsync += 1

    def __str__(self):
        lines = ["-- Report for %s --" % self.name]
        if self.files == 0:
            return lines[0] + "\nNo MP3 files found.\n"

        good = self.files - len(self.errors)
        lines.append("Loaded %d/%d files (%d%%)" % (
            good, self.files, (float(good) / self.files) * 100))
        lines.append("%d files with unsynchronized frames." % self.unsync)
        lines.append("%d files without tags." % self.missings)

        lines.append("\nID3 Versions:")
        for version, count in sorted(self.versions.items()):
            lines.append("  %s\t%d" % (".".join(map(str, version)), count))

        if self.exceptions:
            lines.append("\nExceptions:")
            for exc_type, count in sorted(self.exceptions.items()):
                lines.append("  %-20s\t%d" % (exc_type.__name__, count))

        if self.errors:
            lines.append("\nERRORS:\n")
            for filename, exc_type, value, tb in self.errors:
                # the traceback without its "Traceback (...):" heading
                text = "".join(traceback.format_exception(exc_type, value, tb)[1:])
                lines.append("\nReading %s:\n%s" % (filename, text))
        else:
            lines.append("\nNo errors!")

        return "\n".join(lines)


def check_dir(path):
    from ..mp3 import MP3

    rep = Report(path)
    print("Scanning", path)
    for root, dirs, files in os.walk(path):
        files.sort()
        for name in files:
            if not name.lower().endswith(".mp3"):
                continue
            filename = os.path.join(root, name)
            try:
                mp3 = MP3(filename)
            except Exception:
                rep.error(filename)
            else:
                if mp3.tags is None:
                    rep.missing(filename)
                else:
                    rep.success(mp3.tags)

    print(str(rep))


def main(argv):
    if len(argv) == 1:
        print("Usage: %s directory ..." % argv[0])
    else:
        for path in argv[1:]:
            check_dir(path)


def entry_point():
    SignalHandler().init()
    return main(sys.argv)
