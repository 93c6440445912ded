# SPDX-License-Identifier: GPL-2.0-or-later
"""Ogg Vorbis files (Vorbis I specification, section 4.2 and 5).

The first packet of a Vorbis stream is its identification header
("\\x01vorbis": channels, sample rate, bitrates), the second its comment
header ("\\x03vorbis" + Vorbis comments + framing bit), the third its setup
header.  The length comes from the granule position of the stream's last
page.
"""

import struct

from ._file import StreamInfo
from ._util import convert_error, loadfile
from ._vorbis import VCommentDict
from .ogg import (OggFileType, OggPage, error as OggError, _packet_pages,
                  _save_padded, _stream_packets)

__all__ = ["OggVorbis", "Open", "delete"]


class error(OggError):
    pass


class OggVorbisHeaderError(error):
    pass


# after "\x01vorbis" and the version: channels, sample rate, maximum,
# nominal and minimum bitrates
_ID_FIELDS = struct.Struct("<BI3i")


def _vorbis_bitrate(maximum, nominal, minimum):
    """The bitrate mutagen reports from the header's three hints (each
    <= 0: unset): the nominal one, kept within the limits that are set, or
    the mean of the limits when there is no nominal one."""
    maximum, nominal, minimum = max(maximum, 0), max(nominal, 0), max(minimum, 0)
    if nominal == 0:
        return (maximum + minimum) // 2
    if maximum and maximum < nominal:
        return maximum
    if minimum > nominal:
        return minimum
    return nominal


class OggVorbisInfo(StreamInfo):
    """Audio properties from the identification header: ``channels``,
    ``sample_rate``, ``bitrate``; ``length`` in seconds from the last
    granule position."""

    length = 0.0
    channels = 0
    bitrate = 0
    sample_rate = 0

    def __init__(self, fileobj):
        page = OggPage(fileobj)
        if not page.packets:
            raise OggVorbisHeaderError("page has not packets")
        while not page.packets[0].startswith(b"\x01vorbis"):
            page = OggPage(fileobj)
        if not page.first:
            raise OggVorbisHeaderError(
                "page has ID header, but doesn't start a stream")
        packet = page.packets[0]
        if len(packet) < 28:
            raise OggVorbisHeaderError(
                "page contains a packet too short to be valid")
        (self.channels, self.sample_rate, maximum, nominal,
         minimum) = _ID_FIELDS.unpack_from(packet, 11)
        self.serial = page.serial
        self.bitrate = _vorbis_bitrate(maximum, nominal, minimum)

    def _post_tags(self, fileobj):
        """Set the length from the last page that finishes a packet."""
        if self.length:
            return
        page = OggPage.find_last(fileobj, self.serial, finishing=True)
        if page is None:
            raise OggVorbisHeaderError
        self.length = page.position / float(self.sample_rate)

    def pprint(self):
        return "Ogg Vorbis, %.2f seconds, %d bps" % (self.length, self.bitrate)


class OggVCommentDict(VCommentDict):
    """The Vorbis comment header of an Ogg Vorbis stream."""

    def __init__(self, fileobj, info):
        # The comment header follows the identification header read by
        # OggVorbisInfo: the stream's next packet.
        data = _stream_packets(fileobj, info.serial)[0][7:]
        super().__init__(data)
        self._padding = len(data) - self._size

    def _inject(self, fileobj, padding_func):
        """Write the comments into the file's comment header."""
        fileobj.seek(0)
        page = OggPage(fileobj)
        while not page.packets[0].startswith(b"\x03vorbis"):
            page = OggPage(fileobj)
        old_pages = _packet_pages(fileobj, page)
        packets = OggPage.to_packets(old_pages, strict=False)
        _save_padded(fileobj, old_pages, packets, b"\x03vorbis" + self.write(), padding_func)


class OggVorbis(OggFileType):
    """An Ogg Vorbis file: ``info`` (OggVorbisInfo) and ``tags``
    (OggVCommentDict)."""

    _Info = OggVorbisInfo
    _Tags = OggVCommentDict
    _Error = OggVorbisHeaderError
    _native_codec = "vorbis"
    _native_keys = ("channels", "sample_rate", "serial", "bitrate", "length")
    _mimes = ["audio/vorbis", "audio/x-vorbis"]

    info = None
    tags = None

    @staticmethod
    def score(filename, fileobj, header):
        return header.startswith(b"OggS") * (b"\x01vorbis" in header)


Open = OggVorbis


@convert_error(IOError, error)
@loadfile(method=False, writable=True)
def delete(filething):
    """Remove the tags of an Ogg Vorbis file."""
    t = OggVorbis(filething.fileobj)
    filething.fileobj.seek(0)
    t.delete(filething.fileobj)
