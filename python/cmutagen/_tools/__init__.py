# SPDX-License-Identifier: GPL-2.0-or-later
"""mutagen's command-line tools (mid3v2, mid3cp, mid3iconv, moggsplit,
mutagen-inspect, mutagen-pony), each a module with ``main(argv)`` and the
``entry_point()`` its console script calls."""
