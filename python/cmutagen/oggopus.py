# SPDX-License-Identifier: GPL-2.0-or-later
"""Ogg Opus files (RFC 7845).

The identification header ("OpusHead": version, channels, pre-skip, input
sample rate, gain, mapping family) is the stream's first packet, the
comment header ("OpusTags" + Vorbis comments without a framing bit) the
second.  Bytes after the comments are padding when they are zeros; when
the first of them has its lowest bit set they are extra data (RFC 7845
section 5.2) and kept as they are.  Granule positions count 48 kHz samples,
the pre-skip included.
"""

import struct

from ._file import StreamInfo
from ._util import convert_error, get_size, loadfile
from ._vorbis import VCommentDict
from .ogg import (OggFileType, OggPage, error as OggError, _packet_pages,
                  _save_padded)

__all__ = ["OggOpus", "Open", "delete"]


class error(OggError):
    pass


class OggOpusHeaderError(error):
    pass


# after "OpusHead": version, channels, pre-skip, input sample rate, output
# gain, channel mapping family
_HEAD_FIELDS = struct.Struct("<BBHIhB")


class OggOpusInfo(StreamInfo):
    """Audio properties: ``channels``, ``length`` in seconds (pre-skip
    excluded) and ``bitrate`` (the bytes after the header pages over the
    length)."""

    length = 0
    channels = 0
    bitrate = 0

    def __init__(self, fileobj):
        page = OggPage(fileobj)
        while not page.packets[0].startswith(b"OpusHead"):
            page = OggPage(fileobj)
        if not page.first:
            raise OggOpusHeaderError(
                "page has ID header, but doesn't start a stream")
        (version, channels, pre_skip, _rate, _gain,
         _mapping) = _HEAD_FIELDS.unpack(page.packets[0][8:19])
        self.serial = page.serial
        self.channels = channels
        self.__pre_skip = pre_skip
        # The high nibble of the version changes with incompatible revisions.
        major = version >> 4
        if major != 0:
            raise OggOpusHeaderError("version %r unsupported" % major)

    def _post_tags(self, fileobj):
        # The file is just past the header pages: what follows is audio.
        audio_size = get_size(fileobj) - fileobj.tell()
        page = OggPage.find_last(fileobj, self.serial, finishing=True)
        if page is None:
            raise OggOpusHeaderError
        self.length = (page.position - self.__pre_skip) / float(48000)
        if self.length:
            self.bitrate = int(round(audio_size * 8 / self.length))
        else:
            self.bitrate = 0

    def pprint(self):
        return "Ogg Opus, %.2f seconds, %d bps" % (self.length, self.bitrate)


class OggOpusVComment(VCommentDict):
    """The comment header of an Ogg Opus stream (``_pad_data``: extra data
    after the comments, kept on save)."""

    def __get_comment_pages(self, fileobj, info):
        # The stream's first page from the file's position on that starts
        # with the comment header, and its pages up to where that ends.
        page = OggPage(fileobj)
        while info.serial != page.serial or not page.packets[0].startswith(b"OpusTags"):
            page = OggPage(fileobj)
        return _packet_pages(fileobj, page)

    def __init__(self, fileobj, info):
        pages = self.__get_comment_pages(fileobj, info)
        data = OggPage.to_packets(pages)[0][8:]  # after "OpusTags"
        super().__init__(data, framing=False)
        rest = data[self._size:]
        if rest and rest[0] & 0x1:
            self._pad_data = rest
            self._padding = 0
        else:
            self._pad_data = b""
            self._padding = len(rest)

    def _inject(self, fileobj, padding_func):
        fileobj.seek(0)
        info = OggOpusInfo(fileobj)
        old_pages = self.__get_comment_pages(fileobj, info)
        packets = OggPage.to_packets(old_pages)
        vcomment_data = b"OpusTags" + self.write(framing=False)
        if self._pad_data:
            # Extra data must stay as it is: no padding is added.
            packets[0] = vcomment_data + self._pad_data
            new_pages = OggPage._from_packets_try_preserve(packets, old_pages)
            OggPage.replace(fileobj, old_pages, new_pages)
        else:
            _save_padded(fileobj, old_pages, packets, vcomment_data, padding_func)


class OggOpus(OggFileType):
    """An Ogg Opus file: ``info`` (OggOpusInfo) and ``tags``
    (OggOpusVComment)."""

    _Info = OggOpusInfo
    _Tags = OggOpusVComment
    _Error = OggOpusHeaderError
    _native_codec = "opus"
    _native_keys = ("serial", "channels", "_OggOpusInfo__pre_skip", "length", "bitrate")
    _native_tag_fields = ("_pad_data", "_padding")
    _mimes = ["audio/ogg", "audio/ogg; codecs=opus"]

    info = None
    tags = None

    @staticmethod
    def score(filename, fileobj, header):
        return header.startswith(b"OggS") * (b"OpusHead" in header)


Open = OggOpus


@convert_error(IOError, error)
@loadfile(method=False, writable=True)
def delete(filething):
    """Remove the tags of an Ogg Opus file."""
    t = OggOpus(filething.fileobj)
    filething.fileobj.seek(0)
    t.delete(filething.fileobj)
