# SPDX-License-Identifier: GPL-2.0-or-later
"""Version numbers.  ``VERSION`` is the mutagen release whose behaviour
cmutagen reproduces: programs test mutagen.version, and must see that one."""

VERSION = (1, 48, 1)
VERSION_STRING = ".".join(map(str, VERSION))

# cmutagen's own release.
CMUTAGEN_VERSION_STRING = "0.1.0"
