# SPDX-License-Identifier: GPL-2.0-or-later
"""Ogg Theora files (Theora specification, section 6).

The identification header ("\\x80theora": version, frame size, frame rate,
nominal bitrate, keyframe granule shift) is the stream's first packet, the
comment header ("\\x81theora" + Vorbis comments, no framing bit) the
second.  A granule position holds the last keyframe's number in its high
bits and the frames since it in the low ``granule_shift`` bits.
"""

import struct

from ._file import StreamInfo
from ._util import convert_error, loadfile
from ._vorbis import VCommentDict
from .ogg import (OggFileType, OggPage, error as OggError, _packet_pages,
                  _save_padded, _stream_packets)

__all__ = ["OggTheora", "Open", "delete"]


class error(OggError):
    pass


class OggTheoraHeaderError(error):
    pass


class OggTheoraInfo(StreamInfo):
    """Video properties: ``fps``, ``bitrate`` (the header's nominal one),
    ``granule_shift`` and ``length`` in seconds."""

    length = 0
    fps = 0
    bitrate = 0

    def __init__(self, fileobj):
        page = OggPage(fileobj)
        while not page.packets or not page.packets[0].startswith(b"\x80theora"):
            page = OggPage(fileobj)
        if not page.first:
            raise OggTheoraHeaderError(
                "page has ID header, but doesn't start a stream")
        data = page.packets[0]
        if len(data) < 42:
            raise OggTheoraHeaderError("Truncated header")
        vmaj, vmin = data[7], data[8]
        if (vmaj, vmin) != (3, 2):
            raise OggTheoraHeaderError(
                "found Theora version %d.%d != 3.2" % (vmaj, vmin))
        fps_num, fps_den = struct.unpack(">2I", data[22:30])
        if not fps_den or not fps_num:
            raise OggTheoraHeaderError("FRN or FRD is equal to zero")
        self.fps = fps_num / float(fps_den)
        self.bitrate = int.from_bytes(data[37:40], "big")
        self.granule_shift = (int.from_bytes(data[40:42], "big") >> 5) & 0x1F
        self.serial = page.serial

    def _post_tags(self, fileobj):
        page = OggPage.find_last(fileobj, self.serial, finishing=True)
        if page is None:
            raise OggTheoraHeaderError
        position = page.position
        mask = (1 << self.granule_shift) - 1
        frames = (position >> self.granule_shift) + (position & mask)
        self.length = frames / float(self.fps)

    def pprint(self):
        return "Ogg Theora, %.2f seconds, %d bps" % (self.length, self.bitrate)


class OggTheoraCommentDict(VCommentDict):
    """The comment header of an Ogg Theora stream."""

    def __init__(self, fileobj, info):
        # The stream's packet after the identification header.
        packets = _stream_packets(fileobj, info.serial)
        if not packets:
            raise OggTheoraHeaderError("Missing metadata packet")
        data = packets[0][7:]  # after "\x81theora"
        super().__init__(data, framing=False)
        self._padding = len(data) - self._size

    def _inject(self, fileobj, padding_func):
        fileobj.seek(0)
        page = OggPage(fileobj)
        while not page.packets or not page.packets[0].startswith(b"\x81theora"):
            page = OggPage(fileobj)
        old_pages = _packet_pages(fileobj, page)
        packets = OggPage.to_packets(old_pages, strict=False)
        _save_padded(fileobj, old_pages, packets,
                     b"\x81theora" + self.write(framing=False), padding_func)


class OggTheora(OggFileType):
    """An Ogg Theora file: ``info`` (OggTheoraInfo) and ``tags``
    (OggTheoraCommentDict)."""

    _Info = OggTheoraInfo
    _Tags = OggTheoraCommentDict
    _Error = OggTheoraHeaderError
    _native_codec = "theora"
    _native_keys = ("fps", "bitrate", "granule_shift", "serial", "length")
    _mimes = ["video/x-theora"]

    info = None
    tags = None

    @staticmethod
    def score(filename, fileobj, header):
        return (header.startswith(b"OggS")
                * ((b"\x80theora" in header) + (b"\x81theora" in header)) * 2)


Open = OggTheora


@convert_error(IOError, error)
@loadfile(method=False, writable=True)
def delete(filething):
    """Remove the tags of an Ogg Theora file."""
    t = OggTheora(filething.fileobj)
    filething.fileobj.seek(0)
    t.delete(filething.fileobj)
