# SPDX-License-Identifier: GPL-2.0-or-later
"""Ogg bitstreams (RFC 3533): pages and the packets they carry, and
OggFileType, the base class of the Ogg formats (Vorbis, Opus, Speex,
Theora, FLAC).

A page is a 27 byte header (capture pattern "OggS", version, flags,
granule position, serial number, sequence number, CRC, segment count),
a lacing table of segment sizes and the segments.  A packet is a run of
255-byte segments ended by a shorter one; a page whose table ends in 255
leaves its last packet to be continued on the stream's next page.

Tags live in one header packet of one logical stream: saving rewrites only
the pages that carry that packet (OggPage.replace), and renumbers the
stream's later pages when their number changed.
"""

import struct
import zlib
from io import BytesIO

from . import _native, _util
from ._file import FileType
from ._tags import PaddingInfo
from ._util import MutagenError, bytesio_contents, get_size, loadfile, seek_end


class error(MutagenError):
    pass


# capture pattern, version, flags, granule position, serial, sequence, CRC
_HEADER = struct.Struct("<4sBBqIIi")
_HEADER_SIZE = 27

# Ogg's CRC-32 is the unreflected one (polynomial 0x04c11db7, no initial or
# final inversion); zlib computes the reflected one.  Reflecting every input
# byte, starting zlib's register at zero and reflecting the result gives
# Ogg's, at zlib's speed.
_REFLECT = bytes(int("{:08b}".format(i)[::-1], 2) for i in range(256))


def _ogg_crc(data):
    register = (zlib.crc32(data.translate(_REFLECT), 0xFFFFFFFF) ^ 0xFFFFFFFF) & 0xFFFFFFFF
    return int.from_bytes(register.to_bytes(4, "little").translate(_REFLECT), "big")


def _read_header(fileobj):
    """The header fields of the page at the file's position, its lacing
    table, and the page's offset.  EOFError at the end of the file (zero
    bytes left, or only zero bytes: padding some writers leave)."""
    offset = fileobj.tell()
    header = fileobj.read(_HEADER_SIZE)
    fields = _check_header(header, offset)
    segments = header[26]
    lacing = fileobj.read(segments)
    if len(lacing) != segments:
        raise error("unable to read %d lacing bytes" % segments)
    return header, fields, lacing, offset


def _check_header(header, offset):
    """The fields of a page header read at offset, or the error reading it
    gives (EOFError for nothing, or only zero bytes, left)."""
    if len(header) < _HEADER_SIZE:
        if not header.strip(b"\x00"):
            raise EOFError
        raise error("unable to read full header; got %r" % header)
    fields = _HEADER.unpack_from(header)
    if fields[0] != b"OggS":
        raise error("read %r, expected %r, at 0x%x" % (fields[0], b"OggS", offset))
    if fields[1] != 0:
        raise error("version %r unsupported" % fields[1])
    return fields


def _split_packets(lacing, data):
    """The packets a lacing table cuts data into, and whether the last one
    ends on this page (the table does not end in 255)."""
    if b"\xff" not in lacing:
        # Every packet is one segment: the table is the packets' sizes.
        packets = []
        start = 0
        for size in lacing:
            packets.append(data[start:start + size])
            start += size
        return packets, True
    packets = []
    start = end = 0
    for value in lacing:
        end += value
        if value < 255:
            packets.append(data[start:end])
            start = end
    if start != end:
        packets.append(data[start:end])
        return packets, False
    return packets, True


class OggPage:
    """One page of an Ogg stream.

    ``packets`` holds the packet data on the page; ``complete`` is False
    when the last of them continues on the next page, ``continued`` True
    when the first continues one from the previous page.  ``position`` is
    the granule position (-1: no packet ends here).  Reading a page from a
    file object leaves the file just past it."""

    version = 0
    __type_flags = 0
    position = 0
    serial = 0
    sequence = 0
    offset = None
    complete = True

    def __init__(self, fileobj=None):
        self.packets = []
        if fileobj is None:
            return

        self.offset = offset = fileobj.tell()
        header = fileobj.read(_HEADER_SIZE)
        (_, self.version, self.__type_flags, self.position, self.serial,
         self.sequence, _) = _check_header(header, offset)
        segments = header[26]
        lacing = fileobj.read(segments)
        if len(lacing) != segments:
            raise error("unable to read %d lacing bytes" % segments)
        total = sum(lacing)
        data = fileobj.read(total)
        if len(data) != total:
            raise error("unable to read full data")
        self.packets, complete = _split_packets(lacing, data)
        if not complete:
            self.complete = False

    def __eq__(self, other):
        # Pages are equal when they would be written the same.
        try:
            return self.write() == other.write()
        except AttributeError:
            return False

    __hash__ = object.__hash__

    def __repr__(self):
        return ("<%s version=%d position=%d serial=%d sequence=%d offset=%r "
                "complete=%r continued=%r first=%r last=%r, "
                "%d bytes in %d packets>") % (
            type(self).__name__, self.version, self.position, self.serial,
            self.sequence, self.offset, self.complete, self.continued,
            self.first, self.last, sum(map(len, self.packets)), len(self.packets))

    def _lacing(self):
        lacing = bytearray()
        for packet in self.packets:
            full, rest = divmod(len(packet), 255)
            lacing += b"\xff" * full
            lacing.append(rest)
        # A packet continued on the next page has no final short segment.
        if not self.complete and lacing and lacing[-1] == 0:
            del lacing[-1]
        return bytes(lacing)

    def write(self):
        """The page as bytes, with its CRC."""
        lacing = self._lacing()
        header = _HEADER.pack(b"OggS", self.version, self.__type_flags,
                              self.position, self.serial, self.sequence, 0)
        page = bytearray(b"".join([header, bytes((len(lacing),)), lacing] + self.packets))
        page[22:26] = _ogg_crc(page).to_bytes(4, "little")
        return bytes(page)

    @property
    def size(self):
        """The page's size in bytes when written."""
        size = _HEADER_SIZE
        for packet in self.packets:
            size += len(packet) + len(packet) // 255 + 1
        if not self.complete and self.packets and len(self.packets[-1]) % 255 == 0:
            size -= 1
        return size

    def __set_flag(self, bit, val):
        mask = 1 << bit
        if val:
            self.__type_flags |= mask
        else:
            self.__type_flags &= ~mask

    continued = property(
        lambda self: bool(self.__type_flags & 1),
        lambda self, v: self.__set_flag(0, v),
        doc="The first packet continues one from the previous page.")

    first = property(
        lambda self: bool(self.__type_flags & 2),
        lambda self, v: self.__set_flag(1, v),
        doc="This is the first page of a logical stream.")

    last = property(
        lambda self: bool(self.__type_flags & 4),
        lambda self, v: self.__set_flag(2, v),
        doc="This is the last page of a logical stream.")

    @staticmethod
    def renumber(fileobj, serial, start):
        """Number the pages of stream ``serial`` from the file's position on
        start, start + 1, ...; other streams' pages are left alone.  Stops
        at the end of the file; a page that cannot be read raises, after
        the pages before it were rewritten."""
        number = start
        while True:
            try:
                header, fields, lacing, offset = _read_header(fileobj)
            except EOFError:
                break
            total = sum(lacing)
            data = fileobj.read(total)
            if len(data) != total:
                raise error("unable to read full data")
            if fields[4] != serial:
                continue
            page = bytearray(header)
            page += lacing
            page += data
            # A page read and written again is the same bytes but for the
            # sequence number and the CRC.
            page[18:22] = number.to_bytes(4, "little")
            page[22:26] = b"\x00\x00\x00\x00"
            page[22:26] = _ogg_crc(page).to_bytes(4, "little")
            fileobj.seek(offset, 0)
            fileobj.write(page)
            number += 1

    @staticmethod
    def to_packets(pages, strict=False):
        """The packets the pages carry, in order.  The pages must be
        consecutive pages of one stream (ValueError otherwise).  With
        ``strict`` they must also start and end on packet boundaries."""
        serial = pages[0].serial
        sequence = pages[0].sequence
        # Each packet as the list of its pieces, joined once at the end: a
        # packet over many pages is not copied again for every page.
        pieces = []

        if strict:
            if pages[0].continued:
                raise ValueError("first packet is continued")
            if not pages[-1].complete:
                raise ValueError("last packet does not complete")
        elif pages[0].continued:
            # The start of the first packet is not among the pages.
            pieces.append([])

        for page in pages:
            if serial != page.serial:
                raise ValueError("invalid serial number in %r" % page)
            if sequence != page.sequence:
                raise ValueError("bad sequence number in %r" % page)
            sequence += 1

            packets = page.packets
            if page.continued and packets:
                pieces[-1].append(packets[0])
                packets = packets[1:]
            pieces.extend([packet] for packet in packets)

        return [b"".join(packet) for packet in pieces]

    @staticmethod
    def from_packets(packets, sequence=0, default_size=4096, wiggle_room=2048):
        """Pages carrying the packets, numbered from ``sequence``.

        Packets are cut in pieces of ``default_size`` rounded down to whole
        segments, and a page takes pieces while it is smaller than
        ``default_size``.  The rest of a packet shorter than
        ``wiggle_room`` stays on the page it started on, so a packet a
        little over the page size does not spill a sliver onto a new page.
        Granule positions are 0, or -1 on pages where no packet ends."""
        chunk_size = (default_size // 255) * 255
        if chunk_size <= 0:
            raise ValueError("default_size must be at least 255, got %r" % default_size)

        pages = []
        page = OggPage()
        page.sequence = sequence

        for packet in packets:
            page.packets.append(b"")
            while packet:
                data, packet = packet[:chunk_size], packet[chunk_size:]
                if page.size < default_size and len(page.packets) < 255:
                    page.packets[-1] += data
                else:
                    # The page is full: close it and go on with a new one.
                    if page.packets[-1]:
                        page.complete = False
                        if len(page.packets) == 1:
                            page.position = -1
                    else:
                        page.packets.pop()
                    pages.append(page)
                    page = OggPage()
                    page.continued = not pages[-1].complete
                    page.sequence = pages[-1].sequence + 1
                    page.packets.append(data)

                if len(packet) < wiggle_room:
                    page.packets[-1] += packet
                    packet = b""

        if page.packets:
            pages.append(page)

        return pages

    @classmethod
    def _from_packets_try_preserve(cls, packets, old_pages):
        """Pages carrying the packets: laid out like old_pages when the
        packets have the sizes of those the old pages carry (then only the
        data changes), else new pages numbered from the first old page."""
        old_packets = cls.to_packets(old_pages)
        if [len(p) for p in old_packets] != [len(p) for p in packets]:
            return cls.from_packets(packets, old_pages[0].sequence)

        data = b"".join(packets)
        start = 0
        new_pages = []
        for old_page in old_pages:
            new_page = cls()
            for old_packet in old_page.packets:
                end = start + len(old_packet)
                new_page.packets.append(data[start:end])
                start = end
            new_page.sequence = old_page.sequence
            new_page.complete = old_page.complete
            new_page.continued = old_page.continued
            new_page.position = old_page.position
            new_pages.append(new_page)
        return new_pages

    @classmethod
    def replace(cls, fileobj, old_pages, new_pages):
        """Put new_pages in the file in place of old_pages (read from it),
        and renumber the stream's later pages if their count changed.

        The new pages take the old pages' stream and numbers; the first new
        page the first old page's flags, the last new page the last old
        page's first/last flags and its end (unfinished if the old one
        was).  New page i goes where old
        page i was; extra new pages follow the last old one, extra old
        pages are removed.  Every byte is rendered before the file is
        changed."""
        if not len(old_pages) or not len(new_pages):
            raise ValueError("empty pages list not allowed")

        first = old_pages[0]
        last_old = old_pages[-1]
        for index, page in enumerate(new_pages):
            page.sequence = first.sequence + index
            page.serial = first.serial
        new_pages[0].first = first.first
        new_pages[0].last = first.last
        new_pages[0].continued = first.continued
        new_pages[-1].first = last_old.first
        new_pages[-1].last = last_old.last
        new_pages[-1].complete = last_old.complete
        if not new_pages[-1].complete and len(new_pages[-1].packets) == 1:
            new_pages[-1].position = -1

        rendered = [page.write() for page in new_pages]
        # (offset, old size, new bytes) per old page, adjacent ones merged.
        regions = []
        for index, old_page in enumerate(old_pages):
            if index == len(old_pages) - 1:
                data = b"".join(rendered[index:])
            else:
                data = rendered[index] if index < len(rendered) else b""
            if regions and regions[-1][0] + regions[-1][1] == old_page.offset:
                offset, size, previous = regions[-1]
                regions[-1] = (offset, size + old_page.size, previous + data)
            else:
                regions.append((old_page.offset, old_page.size, data))

        # From the end backwards, so the offsets still to come stay valid.
        for offset, size, data in reversed(regions):
            if len(data) != size:
                _util.resize_bytes(fileobj, size, len(data), offset)
            fileobj.seek(offset, 0)
            fileobj.write(data)

        if len(old_pages) != len(new_pages):
            delta = sum(len(data) - size for _, size, data in regions)
            fileobj.seek(last_old.offset + last_old.size + delta, 0)
            cls.renumber(fileobj, first.serial, new_pages[-1].sequence + 1)

    @staticmethod
    def find_last(fileobj, serial, finishing=False):
        """The last page of stream ``serial``, or None.  With
        ``finishing``, the last on which a packet ends (granule position
        other than -1).

        The end of the file is looked at first; only when its last page is
        not the stream's last is the whole file read (a multiplexed or
        chained file, or a damaged end)."""
        # The last "OggS" within the last 64 KiB, looked for in the last
        # 8 KiB first (where it nearly always is) to read less.
        for window in (8 * 1024, 64 * 1024):
            seek_end(fileobj, window)
            data = fileobj.read()
            index = data.rfind(b"OggS")
            if index != -1 or len(data) < window:
                break
        if index == -1:
            raise error("unable to find final Ogg header")
        try:
            page = OggPage(BytesIO(data[index:]))
        except (error, EOFError):
            pass
        else:
            if (page.serial == serial and page.last
                    and (not finishing or page.position != -1)):
                return page

        fileobj.seek(0)
        best = None
        try:
            while True:
                page = OggPage(fileobj)
                if page.serial == serial:
                    if not finishing or page.position != -1:
                        best = page
                    if page.last:
                        break
        except (error, EOFError):
            pass
        return best


# --- the header packets of a stream, for the format modules -----------------

def _stream_packets(fileobj, serial):
    """The packets on the pages of stream ``serial`` from the file's
    position on, up to the page on which the first of them ends; the file
    is left just past that page."""
    pages = []
    complete = False
    while not complete:
        page = OggPage(fileobj)
        if page.serial == serial:
            pages.append(page)
            complete = page.complete or len(page.packets) > 1
    return OggPage.to_packets(pages)


def _packet_pages(fileobj, page):
    """``page``, read from fileobj, and the later pages of its stream up to
    the one on which its first packet ends."""
    pages = [page]
    while not (pages[-1].complete or len(pages[-1].packets) > 1):
        page = OggPage(fileobj)
        if page.serial == pages[0].serial:
            pages.append(page)
    return pages


def _save_padded(fileobj, old_pages, packets, head, padding_func):
    """Write ``head``, followed by as many zero bytes as the padding
    callback asks for, in place of the first of ``packets`` (those
    old_pages carry)."""
    old_size = len(packets[0])
    info = PaddingInfo(old_size - len(head), get_size(fileobj) - old_size)
    packets[0] = head + b"\x00" * info._get_padding(padding_func)
    new_pages = OggPage._from_packets_try_preserve(packets, old_pages)
    OggPage.replace(fileobj, old_pages, new_pages)


class OggFileType(FileType):
    """An Ogg file: subclasses name the stream's ``_Info`` and ``_Tags``
    classes and the ``_Error`` their failures raise."""

    _Info: type
    _Tags: type
    _Error: type

    _mimes = ["application/ogg", "application/x-ogg"]

    # The C core's name of the codec (_native.read_ogg) and the names of the
    # info values it returns, in its order; None: no fast path.
    _native_codec = None
    _native_keys = None
    # Which of _padding and _pad_data the codec's tags keep.
    _native_tag_fields = ("_padding",)
    # What _native.load_ogg needs to build a subclass's info and tags.
    _native_spec = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls._native_codec is not None:
            fields = cls._native_tag_fields
            cls._native_spec = (cls._native_codec, cls._native_keys, cls._Info, cls._Tags,
                                "_padding" in fields, "_pad_data" in fields)

    def __init__(self, *args, **kwargs):
        # OggVorbis(path) and OggVorbis(BytesIO), the commonest calls,
        # straight into the C core.
        if len(args) == 1:
            source = args[0]
            if source.__class__ is str and not kwargs:
                if self._load_native(source, source):
                    return
            elif (source.__class__ is BytesIO and kwargs.keys() <= {"filename"}
                    and self._load_bytesio(source, kwargs.get("filename"))):
                return
        super().__init__(*args, **kwargs)

    def _load_native(self, source, filename):
        """Read the file at source (a path, or a memoryview of a whole
        file) in one call into the C core; False when it cannot (a file it
        does not read exactly as mutagen would, or not at all): the Python
        reading then decides, with mutagen's errors."""
        spec = self._native_spec
        if spec is None:
            return False
        try:
            info, tags = _native.load_ogg(source, spec)
        except (_native.ParseError, OSError, MemoryError):
            return False
        # Where mutagen's load leaves a file object: at its end, after
        # looking for the last page; Ogg FLAC skips that look when
        # STREAMINFO gives the length, and stops after the comment's pages,
        # which the general way finds.
        if source.__class__ is memoryview and self._native_codec == "flac" and info.length:
            return False
        self.filename = filename
        self.info = info
        self.tags = tags
        return True

    def _load_bytesio(self, fileobj, filename):
        """_load_native of an io.BytesIO at its start, over its contents
        (_util.bytesio_contents)."""
        if self._native_spec is None:
            return False
        contents = bytesio_contents(fileobj)
        if contents is None or not self._load_native(contents, filename):
            return False
        fileobj.seek(0, 2)
        return True

    @loadfile()
    def load(self, filething):
        """Read the stream's properties and tags."""
        if filething.path is not None:
            if self._load_native(filething.path, filething.filename):
                return
        elif (filething.fileobj.__class__ is BytesIO
                and self._load_bytesio(filething.fileobj, filething.filename)):
            return
        fileobj = filething.fileobj
        self.filename = filething.filename
        try:
            self.info = self._Info(fileobj)
            self.tags = self._Tags(fileobj, self.info)
            self.info._post_tags(fileobj)
        except (error, OSError) as e:
            raise self._Error(e) from e
        except EOFError:
            raise self._Error("no appropriate stream found") from None

    @loadfile(writable=True)
    def delete(self, filething=None):
        """Remove the tags: an empty comment packet, with no padding."""
        fileobj = filething.fileobj
        self.tags.clear()
        try:
            self.tags._inject(fileobj, lambda info: 0)
        except (error, OSError) as e:
            raise self._Error(e) from e
        except EOFError:
            raise self._Error("no appropriate stream found") from None

    def add_tags(self):
        # Every Ogg stream mutagen reads has a comment packet.
        raise self._Error()

    @loadfile(writable=True)
    def save(self, filething=None, padding=None):
        """Write the tags into the file's comment packet."""
        fileobj = filething.fileobj
        try:
            self.tags._inject(fileobj, padding)
        except (error, OSError) as e:
            raise self._Error(e) from e
        except EOFError:
            raise self._Error("no appropriate stream found") from None
