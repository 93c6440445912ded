# SPDX-License-Identifier: GPL-2.0-or-later
"""ID3v2 (2.2, 2.3 and 2.4) and ID3v1 tags, as mutagen.id3.

``ID3(path)`` reads the tag of a file, ``ID3FileType`` is the base of the
formats that carry one; every frame class (TIT2, APIC, ... and the v2.2
ones) is importable from here, and ``Frames`` / ``Frames_2_2`` map frame
IDs to them.
"""

from ._util import (ID3NoHeaderError, error, ID3UnsupportedVersionError,
                    ID3EncryptionUnsupportedError, ID3JunkFrameError,
                    ID3BadUnsynchData, ID3BadCompressedData, ID3TagError,
                    ID3Warning, BitPaddedInt)
from ._specs import Encoding, PictureType, CTOCFlags, ID3TimeStamp
from ._frames import (Frames, Frames_2_2, Frame, TextFrame, UrlFrame,
                      UrlFrameU, TimeStampTextFrame, BinaryFrame,
                      NumericPartTextFrame, NumericTextFrame, PairedTextFrame)
from ._tags import ID3Tags
from ._id3v1 import MakeID3v1, ParseID3v1
from ._file import ID3, ID3FileType, delete, ID3v1SaveOptions

# Every frame class by its ID, as module attributes (TIT2, APIC, TT2, ...).
globals().update(Frames)
globals().update(Frames_2_2)

# The name mutagen gives ID3 for opening a file.
Open = ID3


# Names old versions of Picard import from here; they do nothing.
class _DummySpecForPicard:
    write = None


EncodedTextSpec = MultiSpec = _DummySpecForPicard
_BitPaddedIntForPicard = BitPaddedInt

__all__ = ["ID3", "ID3FileType", "Frames", "Open", "delete"]
