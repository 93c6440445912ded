# SPDX-License-Identifier: GPL-2.0-or-later
"""What the command-line tools share: splitting with an escape character,
a signal handler that defers Ctrl-C while a file is written, and optparse's
OptionParser, which every tool builds its options with."""

import contextlib
import optparse  # noqa: F401  (mutagen's module has it, tools reach it here)
import os
import signal
from optparse import OptionParser  # noqa: F401

from .._util import iterbytes  # noqa: F401


def split_escape(string, sep, maxsplit=None, escape_char="\\"):
    """Split `string` (str or bytes) at `sep`, at most `maxsplit` times,
    where `escape_char` before `sep` or before itself stands for that
    character; returns a list of the same type as `string`."""

    assert len(sep) == 1
    assert len(escape_char) == 1

    length = len(string)
    if isinstance(string, bytes):
        # bytes split with a str escape character still honour it; a str
        # separator never matches a byte, so such a string stays whole.
        if isinstance(escape_char, str):
            escape_char = escape_char.encode("ascii")
        empty = b""
    else:
        empty = ""

    parts = []
    current = []
    splits = 0
    escaped = False
    for i in range(length):
        char = string[i:i + 1]
        if escaped:
            # only the separator and the escape character itself are
            # escapable; anything else keeps its backslash
            if char != sep and char != escape_char:
                current.append(escape_char)
            current.append(char)
            escaped = False
        elif char == escape_char:
            escaped = True
        elif char == sep and (maxsplit is None or splits < maxsplit):
            parts.append(empty.join(current))
            current = []
            splits += 1
        else:
            current.append(char)
    # a trailing lone escape character is dropped
    parts.append(empty.join(current))
    return parts


class SignalHandler(object):
    """Turns SIGINT, SIGTERM and SIGHUP into ``SystemExit("Aborted...")``,
    except inside ``block()``, where the exit waits for the block's end so a
    file being written is never left half done."""

    def __init__(self):
        self._interrupted = False
        self._nosig = False
        # mutagen's handler carries this flag too; init() leaves it False
        self._init = False

    def init(self):
        signal.signal(signal.SIGINT, self._handler)
        signal.signal(signal.SIGTERM, self._handler)
        if os.name != "nt":
            signal.signal(signal.SIGHUP, self._handler)

    def _handler(self, signum, frame):
        self._interrupted = True
        if not self._nosig:
            raise SystemExit("Aborted...")

    @contextlib.contextmanager
    def block(self):
        """A context in which an abort signal only marks the handler;
        the program exits when the context is left."""

        # no try/finally: an exception leaving the block leaves signals
        # deferred, as mutagen's does (the tool is exiting anyway)
        self._nosig = True
        yield
        self._nosig = False
        if self._interrupted:
            raise SystemExit("Aborted...")
