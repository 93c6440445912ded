# SPDX-License-Identifier: GPL-2.0-or-later
"""Ogg Speex files (Speex manual, "Ogg file format").

The stream's first packet is the 80 byte Speex header ("Speex   ",
version, rate, mode, channels, bitrate, ...), its second the Vorbis
comments, with no magic and no framing bit.
"""

import struct

from ._file import StreamInfo
from ._util import convert_error, loadfile
from ._vorbis import VCommentDict
from .ogg import (OggFileType, OggPage, error as OggError, _packet_pages,
                  _save_padded, _stream_packets)

__all__ = ["OggSpeex", "Open", "delete"]


class error(OggError):
    pass


class OggSpeexHeaderError(error):
    pass


class OggSpeexInfo(StreamInfo):
    """Audio properties from the Speex header: ``sample_rate``,
    ``channels``, ``bitrate`` (0 when the header leaves it unset) and
    ``length`` from the last granule position."""

    length = 0
    channels = 0
    bitrate = 0

    def __init__(self, fileobj):
        page = OggPage(fileobj)
        while not page.packets[0].startswith(b"Speex   "):
            page = OggPage(fileobj)
        if not page.first:
            raise OggSpeexHeaderError(
                "page has ID header, but doesn't start a stream")
        packet = page.packets[0]
        self.sample_rate = struct.unpack("<I", packet[36:40])[0]
        self.channels = struct.unpack("<I", packet[48:52])[0]
        self.bitrate = max(0, struct.unpack("<i", packet[52:56])[0])
        self.serial = page.serial

    def _post_tags(self, fileobj):
        page = OggPage.find_last(fileobj, self.serial, finishing=True)
        if page is None:
            raise OggSpeexHeaderError
        self.length = page.position / float(self.sample_rate)

    def pprint(self):
        return "Ogg Speex, %.2f seconds" % self.length


class OggSpeexVComment(VCommentDict):
    """The comment packet of an Ogg Speex stream."""

    def __init__(self, fileobj, info):
        # The stream's packet after the header OggSpeexInfo read.
        data = _stream_packets(fileobj, info.serial)[0]
        super().__init__(data, framing=False)
        self._padding = len(data) - self._size

    def _inject(self, fileobj, padding_func):
        fileobj.seek(0)
        page = OggPage(fileobj)
        while not page.packets[0].startswith(b"Speex   "):
            page = OggPage(fileobj)
        # The comments start on the stream's next page.
        serial = page.serial
        page = OggPage(fileobj)
        while page.serial != serial:
            page = OggPage(fileobj)
        old_pages = _packet_pages(fileobj, page)
        packets = OggPage.to_packets(old_pages, strict=False)
        _save_padded(fileobj, old_pages, packets, self.write(framing=False), padding_func)


class OggSpeex(OggFileType):
    """An Ogg Speex file: ``info`` (OggSpeexInfo) and ``tags``
    (OggSpeexVComment)."""

    _Info = OggSpeexInfo
    _Tags = OggSpeexVComment
    _Error = OggSpeexHeaderError
    _native_codec = "speex"
    _native_keys = ("sample_rate", "channels", "bitrate", "serial", "length")
    _mimes = ["audio/x-speex"]

    info = None
    tags = None

    @staticmethod
    def score(filename, fileobj, header):
        return header.startswith(b"OggS") * (b"Speex   " in header)


Open = OggSpeex


@convert_error(IOError, error)
@loadfile(method=False, writable=True)
def delete(filething):
    """Remove the tags of an Ogg Speex file."""
    t = OggSpeex(filething.fileobj)
    filething.fileobj.seek(0)
    t.delete(filething.fileobj)
