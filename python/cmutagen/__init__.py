# SPDX-License-Identifier: GPL-2.0-or-later
"""cmutagen: mutagen 1.48.1, the audio metadata library, on a C core.

The API is mutagen's: ``cmutagen.File(path)``, ``cmutagen.flac.FLAC``, ...
``cmutagen.install_as_mutagen()`` makes ``import mutagen`` load cmutagen.
"""

from ._version import VERSION as version, VERSION_STRING as version_string
from ._version import CMUTAGEN_VERSION_STRING as __version__
from ._util import MutagenError
from ._tags import Tags, Metadata, PaddingInfo
from ._file import FileType, StreamInfo, File
from ._install import install_as_mutagen

MutagenError.__module__ = "cmutagen"

__all__ = ["FileType", "StreamInfo", "File", "Tags", "Metadata", "PaddingInfo",
           "MutagenError", "version", "version_string", "install_as_mutagen"]
