# SPDX-License-Identifier: GPL-2.0-or-later
"""Raw AAC streams, as mutagen.aac: ADTS (a sequence of self-describing
frames) and ADIF (one header, then raw data blocks), after an optional
ID3v2 tag.  Follows ISO/IEC 13818-7 and 14496-3 (adts_frame,
adif_header, program_config_element).

Nothing in an ADTS stream says how long it is, so the length is an
estimate from the first frames, as mutagen makes it: find a stream of at
least three chained frames (trying up to ten sync words), read up to 100
frames, and scale their samples by the file's size.
"""

from io import BytesIO

from ._file import FileType, StreamInfo
from ._util import (BitReader, BitReaderError, MutagenError, convert_error,
                    endswith, loadfile)
from .id3._util import BitPaddedInt

__all__ = ["AAC", "Open"]


class AACError(MutagenError):
    pass


error = AACError

# Sampling frequency by sampling_frequency_index; 13-15 are reserved.
_FREQS = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000,
          12000, 11025, 8000, 7350]

# The ADTS scan, with mutagen's limits: how far from where the search
# starts the first sync word may be, how far after a frame the next one
# may be, how many sync words are tried, how few chained frames make a
# stream, how many frames are read.
_MAX_INITIAL_SEARCH = 512
_MAX_RESYNC = 10
_MAX_ATTEMPTS = 10
_MIN_FRAMES = 3
_MAX_FRAMES = 100
_ADTS_HEADER_SIZE = 7
_READ_SIZE = 64 * 1024
# An ADIF header with 16 of the largest program config elements (each with
# a 255-byte comment) takes less than this.
_ADIF_MAX_HEADER = 8 * 1024


class ProgramConfigElement:
    """A program_config_element(), read from a BitReader (raises
    BitReaderError when the data ends first).  ``channels`` counts the
    front, side and back channels (two for a channel pair) and the LFEs."""

    element_instance_tag = None
    object_type = None
    sampling_frequency_index = None
    channels = None

    def __init__(self, r):
        self.element_instance_tag = r.bits(4)
        self.object_type = r.bits(2)
        self.sampling_frequency_index = r.bits(4)
        front, side, back = r.bits(4), r.bits(4), r.bits(4)
        lfe, assoc_data, valid_cc = r.bits(2), r.bits(3), r.bits(4)
        # mono, stereo and matrix mixdown: a present flag, then an
        # element number (matrix: an index and a pseudo-surround flag).
        for width in (4, 4, 3):
            if r.bits(1):
                r.skip(width)
        channels = 0
        for _ in range(front + side + back):
            # element_is_cpe: a channel pair element has two channels.
            channels += 1 + r.bits(1)
            r.skip(4)
        channels += lfe
        r.skip(4 * lfe + 4 * assoc_data + 5 * valid_cc)
        r.align()
        r.skip(8 * r.bits(8))  # the comment field
        self.channels = channels


class _Bytes:
    """The bytes of a file from ``start`` on, read in large blocks as a
    scan asks for them."""

    def __init__(self, fileobj, start):
        self._fileobj = fileobj
        fileobj.seek(0, 2)
        self.file_size = fileobj.tell()
        self.start = start
        self.data = b""
        self._eof = start >= self.file_size
        if not self._eof:
            fileobj.seek(start)

    def need(self, end):
        """Make ``data`` hold the bytes up to ``end`` (relative to start)
        where the file has them."""
        if end > len(self.data) and not self._eof:
            more = self._fileobj.read(max(end - len(self.data), _READ_SIZE, len(self.data)))
            if not more:
                self._eof = True
            else:
                self.data += more
                if len(self.data) < end:
                    self._eof = True


class _ADTSScan:
    """One try at reading an ADTS stream, starting the sync search at
    ``origin`` (an offset into the scanned bytes)."""

    def __init__(self, buf, origin):
        self._buf = buf
        self.origin = origin
        self.pos = origin
        self.end = origin  # the end of the last frame read
        self.sync_offset = None  # where the first frame was found
        self.parsed_frames = 0
        self.samples = 0
        self.payload = 0  # bytes of raw data blocks, without header and CRCs
        self.frequency = 0
        self.channels = 0
        self.fixed_header = None

    def sync(self, max_bytes):
        """Move to the next sync word (0xFFF at a byte boundary) that
        starts within max_bytes; False if there is none."""
        buf = self._buf
        pos = self.pos
        buf.need(pos + max_bytes + 1)
        data = buf.data
        end = min(pos + max_bytes, len(data) - 1)
        while pos < end:
            pos = data.find(b"\xff", pos, end)
            if pos < 0:
                return False
            if data[pos + 1] >= 0xF0:
                self.pos = pos
                return True
            pos += 1
        return False

    def parse_frame(self):
        """Read the frame header at the current sync word and move past
        the frame; False if the header is cut short, its frame length
        cannot hold a header or its fixed part differs from the first
        frame's (it belongs to no stream, or to another one)."""
        buf = self._buf
        pos = self.pos
        buf.need(pos + _ADTS_HEADER_SIZE)
        header = buf.data[pos:pos + _ADTS_HEADER_SIZE]
        if len(header) < _ADTS_HEADER_SIZE:
            return False
        bits = int.from_bytes(header, "big")
        protection_absent = (bits >> 40) & 1
        freq_index = (bits >> 34) & 0xF
        channel_config = (bits >> 30) & 0x7
        frame_length = (bits >> 13) & 0x1FFF
        raw_blocks = (bits & 0x3) + 1
        # adts_fixed_header(): the same in every frame of a stream.
        fixed = bits >> 28
        if frame_length < _ADTS_HEADER_SIZE:
            return False
        if self.parsed_frames == 0:
            self.fixed_header = fixed
            self.frequency = _FREQS[freq_index] if freq_index < len(_FREQS) else 0
            # 7 is 7.1, eight channels; 0 means a PCE in the stream says.
            self.channels = 8 if channel_config == 7 else channel_config
        elif fixed != self.fixed_header:
            return False
        overhead = _ADTS_HEADER_SIZE
        if not protection_absent:
            # A CRC after the header; with several raw data blocks also
            # their positions, and a CRC after each block.
            overhead += 2 if raw_blocks == 1 else 2 * (raw_blocks - 1) + 2 + 2 * raw_blocks
        self.payload += frame_length - overhead
        self.samples += 1024 * raw_blocks
        self.parsed_frames += 1
        self.pos = self.end = pos + frame_length
        return True

    def run(self):
        """Find the first frame and read up to _MAX_FRAMES chained ones;
        False if no sync word is found."""
        if not self.sync(_MAX_INITIAL_SEARCH):
            return False
        self.sync_offset = self.pos
        for _ in range(_MAX_FRAMES):
            if not self.parse_frame() or not self.sync(_MAX_RESYNC):
                break
        return True


class AACInfo(StreamInfo):
    """The audio properties of an AAC stream: ``channels``, ``length``
    (an estimate, for ADTS), ``sample_rate`` and ``bitrate``."""

    channels = 0
    length = 0
    sample_rate = 0
    bitrate = 0

    @convert_error(IOError, AACError)
    def __init__(self, fileobj):
        fileobj.seek(0)
        header = fileobj.read(10)
        start = 0
        if header[:3] == b"ID3" and len(header) == 10:
            start = 10 + BitPaddedInt(header[6:10])
        buf = _Bytes(fileobj, start)
        buf.need(4)
        if buf.data[:4] == b"ADIF":
            self._read_adif(buf)
        else:
            self._read_adts(buf)

    def _read_adif(self, buf):
        # The header and its (at most 16) program config elements fit in
        # a few KiB: read them from memory.
        buf.need(_ADIF_MAX_HEADER)
        r = BitReader(BytesIO(buf.data[:_ADIF_MAX_HEADER]))
        try:
            r.skip(32)  # "ADIF"
            if r.bits(1):
                r.skip(72)  # copyright_id
            r.skip(2)  # original_copy, home
            bitstream_type = r.bits(1)
            self.bitrate = r.bits(23)
            pce_count = r.bits(4) + 1
            if bitstream_type == 0:
                r.skip(20)  # adif_buffer_fullness, read once as mutagen does
            pce = ProgramConfigElement(r)
            for _ in range(pce_count - 1):
                ProgramConfigElement(r)
            header_size = r.get_position() // 8
        except BitReaderError as e:
            raise AACError(e)
        if pce.sampling_frequency_index < len(_FREQS):
            self.sample_rate = _FREQS[pce.sampling_frequency_index]
        self.channels = pce.channels
        if self.bitrate != 0:
            self.length = (buf.file_size - buf.start - header_size) * 8 / self.bitrate
        self._type = "ADIF"

    def _read_adts(self, buf):
        origin = 0
        for _ in range(_MAX_ATTEMPTS):
            scan = _ADTSScan(buf, origin)
            if not scan.run():
                raise AACError("sync not found")
            if scan.parsed_frames >= _MIN_FRAMES:
                break
            # Not a stream: search again from the byte after that sync word.
            origin = scan.sync_offset + 1
        else:
            raise AACError("no valid stream found (only %d frames)" % scan.parsed_frames)

        self.sample_rate = frequency = scan.frequency
        self.channels = scan.channels
        # The bytes the frames took, counted from where the search began.
        size = scan.end - scan.origin
        # A float floor division, as mutagen's: with an unknown frequency
        # and a negative payload (frames shorter than their CRCs) it is -0.0.
        self.bitrate = float(scan.payload * 8) * frequency // scan.samples
        if frequency:
            # mutagen's estimate: it takes the bytes before the first frame
            # off the stream's size twice, and one more byte.
            junk = scan.sync_offset - scan.origin
            stream_size = buf.file_size - buf.start - scan.sync_offset - junk - 1
            self.length = scan.samples * stream_size / (size * frequency)
        else:
            self.length = 0.0
        self._type = "ADTS"

    def pprint(self):
        return "AAC (%s), %d Hz, %.2f seconds, %d channel(s), %d bps" % (
            self._type, self.sample_rate, self.length, self.channels, self.bitrate)


class AAC(FileType):
    """An ADTS or ADIF AAC stream: ``info`` (AACInfo).  It has no tags of
    its own; use the ID3 or APEv2 classes on such a file directly."""

    _mimes = ["audio/x-aac"]

    @loadfile()
    def load(self, filething):
        self.filename = filething.filename
        self.info = AACInfo(filething.fileobj)

    def add_tags(self):
        raise AACError("doesn't support tags")

    @staticmethod
    def score(filename, fileobj, header):
        filename = filename.lower()
        by_name = any(endswith(filename, ext) for ext in (".aac", ".adts", ".adif"))
        return by_name + header.startswith(b"ADIF")


Open = AAC
