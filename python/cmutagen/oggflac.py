# SPDX-License-Identifier: GPL-2.0-or-later
"""Ogg FLAC files (FLAC's Ogg mapping, version 1.0).

The stream's first packet is "\\x7fFLAC", the mapping version (1.0), the
number of header packets that follow, "fLaC" and the STREAMINFO metadata
block; the next packet is the VORBIS_COMMENT metadata block (a 4 byte
block header, then Vorbis comments without a framing bit).
"""

import struct
from io import BytesIO

from ._file import StreamInfo
from ._util import convert_error, loadfile
from ._vorbis import VCommentDict
from .flac import StreamInfo as FLACStreamInfo, error as FLACError
from .ogg import (OggFileType, OggPage, error as OggError, _packet_pages,
                  _stream_packets)

__all__ = ["OggFLAC", "Open", "delete"]


class error(OggError):
    pass


class OggFLACHeaderError(error):
    pass


# after "\x7fFLAC": mapping version (major, minor), header packet count,
# "fLaC"; the STREAMINFO block's header follows, then its body at 17
_MAPPING = struct.Struct(">BBH4s")
_STREAMINFO_BODY = 17

# The STREAMINFO fields mutagen reads, in the pieces it reads them in: a
# body cut short is reported by the piece it ends in.
_STREAMINFO_PIECES = (2, 2, 3, 3, 2, 1, 5, 16)

_COPIED = ("min_blocksize", "max_blocksize", "sample_rate", "channels",
           "bits_per_sample", "total_samples", "length")


def _check_streaminfo(body):
    """Raise OggFLACHeaderError as mutagen does for a STREAMINFO body that
    ends early or gives a sample rate of 0."""
    start = 0
    for piece in _STREAMINFO_PIECES:
        got = len(body[start:start + piece])
        if got < piece:
            raise OggFLACHeaderError("file said %d bytes, read %d bytes" % (piece, got))
        start += piece
    if not int.from_bytes(body[10:13], "big") >> 4:
        raise OggFLACHeaderError("A sample rate value of 0 is invalid")


class OggFLACStreamInfo(StreamInfo):
    """Audio properties from the STREAMINFO block (``packets``: the number
    of header packets the mapping header announces)."""

    length = 0
    channels = 0
    sample_rate = 0

    def __init__(self, fileobj):
        page = OggPage(fileobj)
        while not page.packets[0].startswith(b"\x7fFLAC"):
            page = OggPage(fileobj)
        packet = page.packets[0]
        major, minor, self.packets, flac = _MAPPING.unpack(packet[5:13])
        if flac != b"fLaC":
            raise OggFLACHeaderError("invalid FLAC marker (%r)" % flac)
        elif (major, minor) != (1, 0):
            raise OggFLACHeaderError(
                "unknown mapping version: %d.%d" % (major, minor))
        self.serial = page.serial

        body = packet[_STREAMINFO_BODY:]
        _check_streaminfo(body)
        try:
            flac_info = FLACStreamInfo(BytesIO(body))
        except FLACError as e:
            raise OggFLACHeaderError(e) from e
        for attr in _COPIED:
            setattr(self, attr, getattr(flac_info, attr))

    def _post_tags(self, fileobj):
        # STREAMINFO may leave the sample count unset: then the last
        # granule position (a sample number) gives the length.
        if self.length:
            return
        page = OggPage.find_last(fileobj, self.serial, finishing=True)
        if page is None:
            raise OggFLACHeaderError
        self.length = page.position / float(self.sample_rate)

    def pprint(self):
        return "Ogg FLAC, %.2f seconds, %d Hz" % (self.length, self.sample_rate)


class OggFLACVComment(VCommentDict):
    """The VORBIS_COMMENT block of an Ogg FLAC stream."""

    def __init__(self, fileobj, info):
        # The stream's packet after the mapping header, measured by its
        # contents: the block header's length is not used.
        data = _stream_packets(fileobj, info.serial)[0][4:]
        super().__init__(data, framing=False)

    def _inject(self, fileobj, padding_func):
        """Write the block; Ogg FLAC comments get no padding."""
        fileobj.seek(0)
        page = OggPage(fileobj)
        while not page.packets[0].startswith(b"\x7fFLAC"):
            page = OggPage(fileobj)
        first_page = page
        # The comment block starts the stream's second page.
        while not (page.sequence == 1 and page.serial == first_page.serial):
            page = OggPage(fileobj)
        old_pages = _packet_pages(fileobj, page)

        packets = OggPage.to_packets(old_pages, strict=False)
        data = self.write(framing=False)
        # The block header keeps its type byte (and last-block flag).
        packets[0] = packets[0][:1] + struct.pack(">I", len(data))[-3:] + data
        new_pages = OggPage.from_packets(packets, old_pages[0].sequence)
        OggPage.replace(fileobj, old_pages, new_pages)


class OggFLAC(OggFileType):
    """An Ogg FLAC file: ``info`` (OggFLACStreamInfo) and ``tags``
    (OggFLACVComment)."""

    _Info = OggFLACStreamInfo
    _Tags = OggFLACVComment
    _Error = OggFLACHeaderError
    _native_codec = "flac"
    _native_keys = ("packets", "serial", "min_blocksize", "max_blocksize",
                    "sample_rate", "channels", "bits_per_sample", "total_samples", "length")
    _native_tag_fields = ()
    _mimes = ["audio/x-oggflac"]

    info = None
    tags = None

    @staticmethod
    def score(filename, fileobj, header):
        return (header.startswith(b"OggS")
                * ((b"FLAC" in header) + (b"fLaC" in header)))


Open = OggFLAC


@convert_error(IOError, error)
@loadfile(method=False, writable=True)
def delete(filething):
    """Remove the tags of an Ogg FLAC file."""
    t = OggFLAC(filething.fileobj)
    filething.fileobj.seek(0)
    t.delete(filething.fileobj)
