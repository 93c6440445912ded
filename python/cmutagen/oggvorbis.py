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
from ._tags import PaddingInfo
from ._util import convert_error, get_size, loadfile
from ._vorbis import VCommentDict
from .ogg import OggFileType, OggPage, error as OggError

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


def _comment_packet(fileobj, serial):
    """The first packet of stream ``serial`` from the file's position on;
    the file is left after the page on which it ends."""
    pages = []
    complete = False
    while not complete:
        page = OggPage(fileobj)
        if page.serial == serial:
            pages.append(page)
            complete = page.complete or len(page.packets) > 1
    return OggPage.to_packets(pages)[0]


def _header_pages(fileobj, magic):
    """The pages carrying the first packet in the file that starts with
    ``magic``: the page it starts on and the same stream's pages up to
    the one where it ends."""
    fileobj.seek(0)
    page = OggPage(fileobj)
    while not page.packets[0].startswith(magic):
        page = OggPage(fileobj)
    return _pages_until_packet_ends(fileobj, page)


def _pages_until_packet_ends(fileobj, page):
    """``page`` and the later pages of its stream until the first packet
    on ``page`` ends."""
    pages = [page]
    while not (pages[-1].complete or len(pages[-1].packets) > 1):
        page = OggPage(fileobj)
        if page.serial == pages[0].serial:
            pages.append(page)
    return pages


def _inject_padded(fileobj, old_pages, packets, head, padding_func):
    """Replace the first of ``packets`` (carried by old_pages with the
    packets after it) by ``head`` followed by padding sized by the padding
    callback, and write the pages."""
    old_size = len(packets[0])
    info = PaddingInfo(old_size - len(head), get_size(fileobj) - old_size)
    packets[0] = head + b"\x00" * info._get_padding(padding_func)
    new_pages = OggPage._from_packets_try_preserve(packets, old_pages)
    OggPage.replace(fileobj, old_pages, new_pages)


class OggVCommentDict(VCommentDict):
    """The Vorbis comment header of an Ogg Vorbis stream."""

    def __init__(self, fileobj, info):
        # The comment header follows the identification header read by
        # OggVorbisInfo: the stream's next packet.
        data = _comment_packet(fileobj, info.serial)[7:]
        super().__init__(data)
        self._padding = len(data) - self._size

    def _inject(self, fileobj, padding_func):
        """Write the comments into the file's comment header."""
        old_pages = _header_pages(fileobj, b"\x03vorbis")
        packets = OggPage.to_packets(old_pages, strict=False)
        _inject_padded(fileobj, old_pages, packets,
                       b"\x03vorbis" + self.write(), padding_func)


class OggVorbis(OggFileType):
    """An Ogg Vorbis file: ``info`` (OggVorbisInfo) and ``tags``
    (OggVCommentDict)."""

    _Info = OggVorbisInfo
    _Tags = OggVCommentDict
    _Error = OggVorbisHeaderError
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
