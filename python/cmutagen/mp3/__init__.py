# SPDX-License-Identifier: GPL-2.0-or-later
"""MPEG audio files (MPEG-1/2/2.5 Layer I, II and III): stream properties
from the first MPEG frame and its VBR header, tags through ID3.

How the first frame is found decides every number, so the rules are those
of mutagen, which many programs' results depend on:

* Start at the offset given (the end of the ID3v2 tag the tag reader saw)
  or 0, then skip every ID3v2 tag found back to back there (some writers
  stack several), by the size in its header, footer not counted.
* Look for frame syncs (0xFF, then a byte with its top 3 bits set) in the
  next 1 MiB, trying at most 1499 of them.
* At a sync, read frames back to back, up to 4.  A frame with a Xing, Info
  or VBRI header is trusted at once; otherwise 4 frames in a row are needed.
  The first run of at least 2 frames is kept as a fallback, used (and the
  result marked sketchy) when no sync gives a trusted run.
* A VBR header gives the length (frames x samples per frame, minus LAME's
  encoder delay and padding) and the average bitrate; without one the length
  is the bytes from the first frame to the end of the file at the first
  frame's bitrate.
"""

import os
from io import BytesIO as _BytesIO

from .. import _native
from .._file import StreamInfo
from .._util import MutagenError, convert_error, enum
from ..id3 import ID3FileType, BitPaddedInt, delete  # noqa: F401 (mutagen.mp3 has BitPaddedInt)
from ..id3 import ID3 as _ID3
from ..id3 import _file as _id3_file
from ..id3._tags import ID3Header as _ID3Header
from ..easyid3 import EasyID3 as _EasyID3
from ._util import XingHeader, XingHeaderError, VBRIHeader, VBRIHeaderError


class error(MutagenError):
    pass


class HeaderNotFoundError(error):
    pass


class InvalidMPEGHeader(error):
    pass


@enum
class BitrateMode:
    """How the encoder spent bits, as far as the VBR header tells."""

    UNKNOWN = 0   # no VBR header: constant, most likely
    CBR = 1
    VBR = 2
    ABR = 3       # VBR aiming at an average bitrate


# Channel modes (the frame header's mode field).
STEREO, JOINTSTEREO, DUALCHANNEL, MONO = range(4)


def _guess_xing_bitrate_mode(xing):
    """The BitrateMode a Xing/Info header (and its LAME tag) suggests."""
    if xing.lame_header:
        method = xing.lame_header.vbr_method
        if method in (1, 8):
            return BitrateMode.CBR
        if method in (2, 9):
            return BitrateMode.ABR
        if method in (3, 4, 5, 6):
            return BitrateMode.VBR
        # other methods are unknown: judge by the Xing header alone
    if xing.is_info:
        # LAME writes "Info" for CBR files
        return BitrateMode.CBR
    if xing.vbr_scale != -1 or xing.lame_version_desc:
        return BitrateMode.VBR
    return BitrateMode.UNKNOWN


# ---- frame headers -----------------------------------------------------------

# 2-bit version field -> MPEG version (1 is reserved)
_VERSIONS = {3: 1, 2: 2, 0: 2.5}

# bitrates in kbit/s by (MPEG-1?, layer), indexed by the 4-bit field; index 0
# means "free format", which is not supported, and 15 is invalid.
_BITRATES = {
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}

# sample rates in Hz by version, indexed by the 2-bit field (3 is reserved)
_SAMPLE_RATES = {
    1: (44100, 48000, 32000),
    2: (22050, 24000, 16000),
    2.5: (11025, 12000, 8000),
}


def _samples_per_frame(version, layer):
    if layer == 1:
        return 384
    if layer == 2 or version == 1:
        return 1152
    return 576


def _frame_length(version, layer, bitrate, sample_rate, padding):
    """Bytes in a frame, header included.  Layer I counts in 4-byte slots.
    The size before padding is (samples per frame / 8) x bitrate /
    sample_rate for every layer, as mutagen has it, which for Layer I is 4
    times the size the standard gives (12 x bitrate / sample_rate slots)."""
    size = _samples_per_frame(version, layer) // 8 * bitrate // sample_rate
    if layer == 1:
        return (size + padding) * 4
    return size + padding


def _decode_header(header):
    """The fields of a 4-byte MPEG audio frame header, as (version, layer,
    protected, padding, bitrate, sample_rate, mode); raises
    HeaderNotFoundError (with mutagen's messages) if it is not a valid one."""
    if len(header) < 2:
        raise HeaderNotFoundError("truncated header")
    if header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        raise HeaderNotFoundError("invalid sync")
    if len(header) < 4:
        raise HeaderNotFoundError("truncated header")
    b1, b2, b3 = header[1], header[2], header[3]
    version = _VERSIONS.get((b1 >> 3) & 3)
    layer = 4 - ((b1 >> 1) & 3)
    bitrate_index = b2 >> 4
    rate_index = (b2 >> 2) & 3
    if version is None or layer == 4 or bitrate_index in (0, 15) or rate_index == 3:
        raise HeaderNotFoundError("invalid header")
    bitrate = _BITRATES[(version == 1, layer)][bitrate_index] * 1000
    sample_rate = _SAMPLE_RATES[version][rate_index]
    return (version, layer, not b1 & 1, bool(b2 & 2), bitrate, sample_rate, b3 >> 6)


# ---- reading ahead -----------------------------------------------------------

class _Window:
    """The bytes of a file from `base` on, read forward as the scan asks for
    more: one read covers an ordinary file's first frames and VBR header."""

    FIRST_READ = 8192

    def __init__(self, fileobj, base):
        self.fileobj = fileobj
        self.restart(base)

    def restart(self, base):
        """Drops what was read and starts again at `base`."""
        self.base = base
        self.fileobj.seek(base, 0)
        self.data = self.fileobj.read(self.FIRST_READ)
        self.eof = len(self.data) < self.FIRST_READ

    @property
    def end(self):
        return self.base + len(self.data)

    def need(self, end):
        """Makes the window reach `end` (or the end of the file)."""
        missing = end - self.end
        if missing <= 0 or self.eof:
            return
        size = max(missing, len(self.data))
        self.fileobj.seek(self.end, 0)
        more = self.fileobj.read(size)
        self.eof = len(more) < size
        self.data += more

    def get(self, pos, size):
        """Up to `size` bytes at file position `pos` (fewer at the end)."""
        self.need(pos + size)
        start = pos - self.base
        return self.data[start:start + size]

    def file_size(self):
        if self.eof:
            return self.end
        self.fileobj.seek(0, 2)
        return self.fileobj.tell()


def _syncsafe(data):
    """An ID3v2 size: 7 bits per byte (the top bits are ignored)."""
    return ((data[0] & 0x7F) << 21 | (data[1] & 0x7F) << 14
            | (data[2] & 0x7F) << 7 | (data[3] & 0x7F))


def _skip_id3v2(window, pos):
    """The position after any ID3v2 tags starting at pos, back to back.  The
    window starts again past a tag that ends beyond the bytes read so far
    (the tag's own bytes are not read)."""
    while True:
        if pos + 10 > window.end and not window.eof:
            window.restart(pos)
        head = window.get(pos, 10)
        if len(head) < 10 or head[:3] != b"ID3":
            return pos
        size = _syncsafe(head[6:10])
        if size <= 0:
            return pos
        pos += 10 + size


def _sync_positions(window, start, limit):
    """File positions p in [start, limit - 1) of the syncs in the file:
    0xFF then a byte whose top 3 bits are set, both before `limit`."""
    pos = start
    while True:
        known = min(window.end, limit)
        # the 0xFF must have its next byte inside the known bytes too
        index = window.data.find(b"\xff", pos - window.base, known - 1 - window.base)
        if index < 0:
            if known >= limit or window.eof:
                return
            pos = max(pos, known - 1)
            window.need(known + 1)
            continue
        if window.data[index + 1] & 0xE0 == 0xE0:
            yield window.base + index
        pos = window.base + index + 1


# ---- frames ------------------------------------------------------------------

# Where VBRI sits in a Layer III frame, and how much of a Xing header the
# frame parser looks at.
_VBRI_OFFSET = 36
_XING_SPAN = 156
_VBRI_FIXED = 26


class MPEGFrame:
    """One MPEG audio frame header, and the VBR header inside the frame if
    it is the first of a Layer III file.  ``sketchy`` is True when there is
    no VBR header, i.e. nothing but the 4 header bytes says this is MPEG."""

    sketchy = False

    def __init__(self, fileobj):
        """Parses the frame at the file's position and leaves the file at
        the start of the next frame."""
        pos = fileobj.tell()
        window = _Window(fileobj, pos)
        end = self._parse(window, pos)
        fileobj.seek(end, 0)

    @classmethod
    def _from_window(cls, window, pos):
        self = cls.__new__(cls)
        self._parse(window, pos)
        return self

    def _parse(self, window, pos):
        """Parses the frame at file position pos; returns where it ends."""
        (version, layer, protected, padding, bitrate, sample_rate,
         mode) = _decode_header(window.get(pos, 4))
        self.frame_offset = pos
        self.mode = mode
        self.channels = 1 if mode == MONO else 2
        self.version = version
        self.layer = layer
        self.protected = protected
        self.padding = padding
        self.bitrate = bitrate
        self.sample_rate = sample_rate

        frame_length = _frame_length(version, layer, bitrate, sample_rate, padding)
        self.sketchy = True
        if layer == 3:
            self._parse_vbr_header(window, pos, frame_length)
        return pos + frame_length

    def _parse_vbr_header(self, window, pos, frame_length):
        samples_per_frame = _samples_per_frame(self.version, 3)
        sample_rate = self.sample_rate

        xing_pos = pos + XingHeader.get_offset(self)
        window.need(xing_pos + _XING_SPAN)
        try:
            xing = XingHeader._from_bytes(window.data, xing_pos - window.base)
        except XingHeaderError:
            pass
        else:
            self.sketchy = False
            self.bitrate_mode = _guess_xing_bitrate_mode(xing)
            self.encoder_settings = xing.get_encoder_settings()
            if xing.frames != -1:
                samples = samples_per_frame * xing.frames
                if xing.bytes != -1 and samples > 0:
                    # the byte count includes this frame, which has no audio
                    audio_bytes = xing.bytes - frame_length
                    self.bitrate = max(0, round(audio_bytes * 8 * sample_rate / samples))
                if xing.lame_header is not None:
                    samples -= xing.lame_header.encoder_delay_start
                    samples -= xing.lame_header.encoder_padding_end
                self.length = max(0, samples) / sample_rate
            if xing.lame_version_desc:
                self.encoder_info = "LAME %s" % xing.lame_version_desc
            if xing.lame_header is not None:
                self.track_gain = xing.lame_header.track_gain_adjustment
                self.track_peak = xing.lame_header.track_peak
                self.album_gain = xing.lame_header.album_gain_adjustment
            return

        vbri_pos = pos + _VBRI_OFFSET
        head = window.get(vbri_pos, _VBRI_FIXED)
        if len(head) == _VBRI_FIXED and head.startswith(b"VBRI"):
            window.need(vbri_pos + VBRIHeader._toc_size(head, 0))
        try:
            vbri = VBRIHeader._from_bytes(window.data, vbri_pos - window.base)
        except VBRIHeaderError:
            return
        self.sketchy = False
        self.bitrate_mode = BitrateMode.VBR
        self.encoder_info = "FhG"
        samples = samples_per_frame * vbri.frames
        self.length = samples / sample_rate
        if self.length:
            self.bitrate = int(vbri.bytes * 8 / self.length)


# fields every MPEGInfo has, taken from its first frame
_FRAME_FIELDS = ("frame_offset", "mode", "channels", "version", "layer",
                 "protected", "padding", "bitrate", "sample_rate")

# fields a frame with a VBR header adds
_VBR_FIELDS = ("bitrate_mode", "encoder_settings", "encoder_info",
               "track_gain", "track_peak", "album_gain")

_MAX_READ = 1024 * 1024   # how far past the start syncs are looked for
_MAX_SYNCS = 1500         # syncs looked at: this many, less one
_ENOUGH_FRAMES = 4        # frames in a row that prove a stream without a VBR header
_MIN_FRAMES = 2           # frames in a row kept as a fallback


def _find_first_frame(window, start):
    """(frame, sketchy): the frame the stream properties come from."""
    fallback = None
    syncs_left = _MAX_SYNCS
    for sync in _sync_positions(window, start, start + _MAX_READ):
        syncs_left -= 1
        if syncs_left <= 0:
            break
        run = []
        pos = sync
        while len(run) < _ENOUGH_FRAMES:
            try:
                frame = MPEGFrame._from_window(window, pos)
            except HeaderNotFoundError:
                break
            run.append(frame)
            if not frame.sketchy:
                # a VBR header vouches for the stream
                return frame, False
            pos += _frame_length(frame.version, frame.layer, frame.bitrate,
                                 frame.sample_rate, frame.padding)
        if len(run) >= _ENOUGH_FRAMES:
            return run[0], False
        if len(run) >= _MIN_FRAMES and fallback is None:
            fallback = run[0]
    if fallback is None:
        raise HeaderNotFoundError("can't sync to MPEG frame")
    return fallback, True


# MPEGInfo's attributes, in the order mutagen sets them: the last six only
# when the first frame's VBR header provides them.
_INFO_KEYS = ("sketchy", "length") + _FRAME_FIELDS + _VBR_FIELDS
_MODES = (BitrateMode.UNKNOWN, BitrateMode.CBR, BitrateMode.VBR, BitrateMode.ABR)

# The C scan (src/mpeg/mpeg.c) is the one used; the Python one below follows
# the same rules step by step and is kept as their readable statement (the
# tests run both).
_USE_NATIVE = True


def _scan_native(window, start):
    """MPEGInfo's attributes (length None when it needs the file size), by
    the C scan, feeding it more of the file while it asks."""
    while True:
        size = window.end if window.eof else -1
        try:
            result = _native.read_mpeg_info(window.data, window.base, start, size,
                                            _INFO_KEYS, _MODES)
        except _native.ParseError as e:
            raise HeaderNotFoundError(e.args[2]) from None
        if type(result) is dict:
            return result
        start, end = result
        if start > window.end:
            window.restart(start)
        window.need(end)


def _scan_python(window, start):
    """MPEGInfo's attributes (length None when it needs the file size), by
    the reference Python scan."""
    start = _skip_id3v2(window, start)
    frame, sketchy = _find_first_frame(window, start)
    fields = frame.__dict__
    info = {"sketchy": sketchy, "length": fields.get("length")}
    for name in _FRAME_FIELDS:
        info[name] = fields[name]
    for name in _VBR_FIELDS:
        if name in fields:
            info[name] = fields[name]
    return info


class MPEGInfo(StreamInfo):
    """MPEG audio stream properties.

    ``length`` (seconds), ``bitrate`` (bit/s; the first frame's unless a VBR
    header gives the average), ``sample_rate``, ``channels``, ``version``
    (1, 2 or 2.5), ``layer``, ``mode`` (STEREO, JOINTSTEREO, DUALCHANNEL or
    MONO), ``protected``, ``padding``, ``bitrate_mode`` (a BitrateMode),
    ``encoder_info`` and ``encoder_settings`` (text from a LAME tag, "FhG"
    for a VBRI header), ``track_gain``, ``track_peak``, ``album_gain``
    (from a LAME tag, or None), and ``sketchy``: True when the stream was
    accepted on weak evidence and may not be MPEG audio at all.
    """

    sketchy = False
    encoder_info = ""
    encoder_settings = ""
    bitrate_mode = BitrateMode.UNKNOWN
    track_gain = track_peak = album_gain = album_peak = None

    @convert_error(IOError, error)
    def __init__(self, fileobj, offset=None):
        """Parses the stream of a file object, starting at offset (default
        0) after any ID3v2 tags there.  Raises HeaderNotFoundError if there
        is no MPEG audio."""
        start = 0 if offset is None else offset
        window = _Window(fileobj, start)
        fields = (_scan_native if _USE_NATIVE else _scan_python)(window, start)
        self._take(fields, window.file_size)

    @classmethod
    def _from_fields(cls, fields, file_size):
        """An MPEGInfo from read_mpeg_info's attributes."""
        info = cls.__new__(cls)
        info._take(fields, lambda: file_size)
        return info

    def _take(self, fields, file_size):
        if fields["length"] is None:
            # no VBR header: the bytes from the first frame on, at its bitrate
            fields["length"] = (file_size() - fields["frame_offset"]) * 8 / fields["bitrate"]
        self.__dict__.update(fields)

    def pprint(self):
        mode = self.bitrate_mode
        mode = "CBR?" if mode == BitrateMode.UNKNOWN else str(mode).split(".", 1)[-1]
        details = ", ".join(part for part in (mode, self.encoder_info, self.encoder_settings)
                            if part)
        text = "MPEG %s layer %d, %d bps (%s), %s Hz, %d chn, %.2f seconds" % (
            self.version, self.layer, self.bitrate, details,
            self.sample_rate, self.channels, self.length)
        if self.sketchy:
            text += " (sketchy)"
        return text


def iter_sync(fileobj, max_read):
    """Yields once for every frame sync in the next `max_read` bytes of the
    file, with the file positioned at the sync.  The caller may move the
    file between steps; the search goes on from where it was."""
    start = fileobj.tell()
    window = _Window(fileobj, start)
    for pos in _sync_positions(window, start, start + max_read):
        fileobj.seek(pos, 0)
        yield


def skip_id3(fileobj):
    """Moves the file past any ID3v2 tags starting at its position."""
    pos = fileobj.tell()
    pos = _skip_id3v2(_Window(fileobj, pos), pos)
    fileobj.seek(pos, 0)


class MP3(ID3FileType):
    """An MPEG audio file (MP3 and its Layer I and II relatives) with ID3
    tags: ``info`` is an MPEGInfo, ``tags`` an ``ID3`` (or None)."""

    _Info = MPEGInfo

    _mimes = ["audio/mpeg", "audio/mpg", "audio/x-mpeg"]

    @property
    def mime(self):
        layer = self.info.layer
        return ["audio/mp%d" % layer, "audio/x-mp%d" % layer] + super().mime

    def __init__(self, *args, **kwargs):
        # MP3(path) and MP3(BytesIO), the commonest calls, straight to the
        # one-call read.
        if len(args) == 1 and type(self).load is ID3FileType.load:
            source = args[0]
            if type(source) is str and not kwargs:
                self.filename = source
                if self._load_path(source, self.ID3):
                    return
            elif source.__class__ is _BytesIO and kwargs.keys() <= {"filename"}:
                self.filename = kwargs.get("filename")
                if _id3_file._load_bytesio(self, source, self.ID3):
                    return
        super().__init__(*args, **kwargs)

    def _load_path(self, path, ID3):
        # One C call opens the file, reads the tag, the file's end and the
        # first frames, scans them and builds the tags and the info; the
        # general path takes anything out of the ordinary (and raises what
        # mutagen raises).
        if (not _USE_NATIVE or (ID3 is not _ID3 and ID3 is not _EasyID3)
                or self._Info is not MPEGInfo):
            return False
        spec = _id3_file._LOAD_SPEC or _id3_file._load_spec()
        if spec:
            parts = _native.load_mp3(path, spec, MPEGInfo, _INFO_KEYS, _MODES)
        else:
            parts = _native.read_mp3_file(path, _INFO_KEYS, _MODES)
        if parts is None:
            return False
        if len(parts) == 2:
            tags, info = parts
        else:
            # a tag the C loader leaves to the Python reader, from the
            # parts it read
            file_size, header, body, tail, fields = parts
            tags = _ID3()
            if header is not None:
                header = _ID3Header._plain(*header, len(body))
            # (the tags of a file loaded as a whole have no filename of
            # their own: mutagen reads them from the file object it opened)
            if not tags._load_read(None, header, body, tail):
                tags = None
            info = MPEGInfo._from_fields(fields, file_size)
        if tags is not None and ID3 is _EasyID3:
            # EasyID3(file) is an ID3 loaded from the file, wrapped
            easy = _EasyID3.__new__(_EasyID3)
            easy._EasyID3__id3 = tags
            tags = easy
        self.tags = tags
        self.info = info
        return True

    @staticmethod
    def score(filename, fileobj, header_data):
        if isinstance(filename, bytes):
            filename = os.fsdecode(filename)
        filename = filename.lower()
        score = filename.endswith((".mp3", ".mp2", ".mpg", ".mpeg"))
        if header_data.startswith(b"ID3"):
            score += 2
        # MPEG-1 and MPEG-2 Layer III syncs (with and without CRC)
        if header_data.startswith((b"\xff\xf2", b"\xff\xf3", b"\xff\xfa", b"\xff\xfb")):
            score += 2
        return int(score)


Open = MP3


class EasyMP3(MP3):
    """An MP3 whose ``tags`` are an EasyID3: plain keys ("title",
    "artist", ...) instead of ID3 frames."""

    from ..easyid3 import EasyID3 as ID3


# "MP3" twice on purpose: mutagen.mp3.__all__ lists it twice.
__all__ = ["MP3", "Open", "delete", "MP3"]
