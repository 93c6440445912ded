# SPDX-License-Identifier: GPL-2.0-or-later
"""The VBR headers an encoder puts in the first MPEG audio frame.

* Xing/Info (Xing, LAME and most encoders): frame count, byte count, a seek
  table and a quality value, in a Layer III frame's side-info area.
* The LAME tag (http://gabriel.mp3-tech.org/mp3infotag.html): 36 bytes after
  the Xing fields with the encoder version, the settings, ReplayGain and the
  encoder delay and padding.
* VBRI (Fraunhofer encoders): 32 bytes after the frame header.

Each parser reads only what it needs, from a file object or (for the MPEG
frame scan in ``cmutagen.mp3``) from bytes already read.
"""

import struct


class LAMEError(Exception):
    pass


class XingHeaderError(Exception):
    pass


class VBRIHeaderError(Exception):
    pass


class XingHeaderFlags:

    FRAMES = 1
    BYTES = 2
    TOC = 4
    VBR_SCALE = 8


# ---- the LAME tag ------------------------------------------------------------

# The 27 bytes after the 9-byte version string: revision and VBR method,
# lowpass, peak, two ReplayGain fields, encoding flags and ATH type, bitrate,
# delay and padding (12 bits each), misc, MP3Gain, surround and preset,
# music length, music CRC, tag CRC.
_LAME_FIELDS = struct.Struct(">BBIHHBB3sBBHIHH")

# ReplayGain field: 3 bits name (1 = track/radio, 2 = album/audiophile),
# 3 bits originator, 1 sign bit, 9 bits of tenths of a dB.
_GAIN_TRACK, _GAIN_ALBUM = 1, 2

# What a one-byte flag after the version digits means, as (patch, suffix):
# the version text is "major.minor" + ("." + patch if patch) + suffix.
_VERSION_FLAGS = {
    b"a": ("", " (alpha)"),
    b"b": ("", " (beta)"),
    b"r": ("1+", ""),
    b"": ("0+", ""),
    b".": ("0+", ""),
}

# --preset names lame 3.93 to 3.97 stored as numbers in the tag.
_PRESET_NAMES = {
    1001: "--preset standard",
    1002: "--preset extreme",
    1004: "--preset fast standard",
    1005: "--preset fast extreme",
    1006: "--preset medium",
    1007: "--preset fast medium",
}

# lame 3.90-3.92 named presets, recognised by
# (vbr_quality, quality, vbr_method, lowpass_filter, ath_type).
_OLD_PRESETS = {
    (1, 2, 4, 19500, 3): "--preset r3mix",
    (2, 2, 3, 19000, 4): "--alt-preset standard",
    (2, 2, 3, 19500, 2): "--alt-preset extreme",
}

# The option that picked the VBR algorithm (tag vbr_method 3 = old,
# 4 and 5 = new), before and after lame 3.98 made the new one the default.
_VBR_FLAGS_OLD_DEFAULT = {3: "", 4: " --vbr-new", 5: " --vbr-new"}
_VBR_FLAGS_NEW_DEFAULT = {3: " --vbr-old", 4: "", 5: ""}

# For lame >= 3.99 with the new VBR code (methods 4 and 5), a tag whose
# (stored -V, bitrate, lowpass) is one of these reports the -V given here
# instead of the stored one.
_V_FIXUPS = {
    (5, 32, 0): 7,
    (5, 8, 0): 8,
    (6, 8, 0): 9,
}


def _parse_gain(field, wanted_name, signed):
    """(originator, adjustment in dB or None) of a ReplayGain field; the
    adjustment counts only when the field is named as the one wanted."""
    origin = (field >> 10) & 7
    if (field >> 13) != wanted_name:
        return origin, None
    gain = (field & 0x1FF) / 10
    if signed and field & 0x200:
        gain = -gain
    return origin, gain


def _parse_lame_version(data):
    """((major, minor), description, has_tag) from the 20 bytes at the start
    of a LAME version string; has_tag is True when the 27-byte LAME tag
    follows the first 9 of them (lame 3.90 and later)."""
    if len(data) != 20 or not data.startswith((b"LAME", b"L3.99")):
        raise LAMEError("Not a lame header")

    # one digit of major version, dots, then the minor version's digits
    rest = data.lstrip(b"LAME")
    major_digit = rest[:1]
    rest = rest[1:].lstrip(b".")
    minor_len = len(rest) - len(rest.lstrip(b"0123456789"))
    minor_digits, rest = rest[:minor_len], rest[minor_len:]
    if not (major_digit.isdigit() and minor_digits):
        raise LAMEError()
    version = (int(major_digit), int(minor_digits))
    text = "%d.%d" % version

    # Versions before 3.90 have no tag: the rest of the 20 bytes is free text
    # (so is a 3.90 alpha/beta, which puts "(" where the tag would start).
    if version < (3, 90) or (version == (3, 90) and rest[-11:-10] == b"("):
        extra = rest.strip(b"\x00").rstrip()
        try:
            text += extra.decode("ascii")
        except UnicodeDecodeError:
            text += " (?)"
        return version, text, False

    if len(rest) < 11:
        raise LAMEError("Invalid version: too long")
    flag = rest[:-11].rstrip(b"\x00")
    if flag == b" ":
        # a plain release; before 3.97 it could still be a later patch level
        patch, suffix = ("0" if version > (3, 96) else "0+"), ""
    else:
        patch, suffix = _VERSION_FLAGS.get(flag, ("", " (?)"))
    if patch:
        text += "." + patch
    return version, text + suffix, True


class LAMEHeader:
    """The LAME tag's fields, as stored (gains in dB, peak as a fraction of
    full scale, lowpass in Hz)."""

    vbr_method = 0
    lowpass_filter = 0
    quality = -1
    vbr_quality = -1
    track_peak = None
    track_gain_origin = 0
    track_gain_adjustment = None
    album_gain_origin = 0
    album_gain_adjustment = None
    encoding_flags = 0
    ath_type = -1
    bitrate = -1
    encoder_delay_start = 0
    encoder_padding_end = 0
    source_sample_frequency_enum = -1
    unwise_setting_used = False
    stereo_mode = 0
    noise_shaping = 0
    mp3_gain = 0
    surround_info = 0
    preset_used = 0
    music_length = 0
    music_crc = -1
    header_crc = -1

    def __init__(self, xing, fileobj):
        """Reads the 27 bytes of the tag that follow the 9-byte version
        string; raises LAMEError if they are not there or not revision 0."""
        self._parse(xing, fileobj.read(_LAME_FIELDS.size))

    def _parse(self, xing, data):
        if len(data) != _LAME_FIELDS.size:
            raise LAMEError("Not enough data")
        (method, lowpass, peak, track_gain, album_gain, flags_ath, bitrate,
         delays, misc, mp3_gain, preset, music_length, music_crc,
         header_crc) = _LAME_FIELDS.unpack(data)
        if method >> 4:
            raise LAMEError("unsupported header revision %d" % (method >> 4))

        self.vbr_method = method & 15
        self.lowpass_filter = lowpass * 100
        # the Xing quality value is 100 - (10 * vbr_quality + quality)
        vbr_quality, quality = divmod(100 - xing.vbr_scale, 10)
        self.quality = quality
        self.vbr_quality = vbr_quality
        self.track_peak = peak / 2 ** 23 if peak else None
        self.track_gain_origin, self.track_gain_adjustment = \
            _parse_gain(track_gain, _GAIN_TRACK, signed=True)
        # mutagen reads the album gain without its sign bit; so do we
        self.album_gain_origin, self.album_gain_adjustment = \
            _parse_gain(album_gain, _GAIN_ALBUM, signed=False)
        self.encoding_flags = flags_ath >> 4
        self.ath_type = flags_ath & 15
        self.bitrate = bitrate
        delays = int.from_bytes(delays, "big")
        self.encoder_delay_start = delays >> 12
        self.encoder_padding_end = delays & 0xFFF
        self.source_sample_frequency_enum = misc >> 6
        self.unwise_setting_used = (misc >> 5) & 1
        self.stereo_mode = (misc >> 2) & 7
        self.noise_shaping = misc & 3
        # sign and magnitude, in 1.5 dB steps
        self.mp3_gain = -(mp3_gain & 0x7F) if mp3_gain & 0x80 else mp3_gain
        self.surround_info = (preset >> 11) & 7
        self.preset_used = preset & 0x7FF
        self.music_length = music_length
        self.music_crc = music_crc
        self.header_crc = header_crc

    @classmethod
    def parse_version(cls, fileobj):
        """Reads the 20 bytes of a LAME version string and returns
        ((major, minor), description, has_tag).  When has_tag is True the
        file is left at the start of the LAME tag (9 bytes after where it
        started).  Raises LAMEError if there is no LAME version."""
        version, text, has_tag = _parse_lame_version(fileobj.read(20))
        if has_tag:
            fileobj.seek(-11, 1)
        return version, text, has_tag

    def guess_settings(self, major, minor):
        """The lame command line options these tag values most likely came
        from, for lame version major.minor; "" when there is no good guess.
        Right for the usual presets and -V/-b/--abr without other options."""
        version = (major, minor)
        method = self.vbr_method
        bitrate = self.bitrate

        if method == 2:  # ABR
            if (3, 90) <= version <= (3, 92) and self.encoding_flags:
                return "--alt-preset %d%s" % (bitrate, "+" if bitrate >= 255 else "")
            if self.preset_used:
                return "--preset %d" % self.preset_used
            return "--abr %d%s" % (bitrate, "+" if bitrate >= 255 else "")

        if method == 1:  # CBR
            if not self.preset_used:
                return "-b %d" % bitrate if bitrate < 255 else "-b 255+"
            if self.preset_used == 1003:
                return "--preset insane"
            return "-b %d" % self.preset_used

        # VBR: method 3 is lame's original algorithm, 4 and 5 the newer one,
        # which became the default in 3.98
        if (3, 90) <= version <= (3, 92):
            named = _OLD_PRESETS.get((self.vbr_quality, self.quality, method,
                                      self.lowpass_filter, self.ath_type))
            vbr_flags = _VBR_FLAGS_OLD_DEFAULT
        elif (3, 93) <= version <= (3, 97):
            named = _PRESET_NAMES.get(self.preset_used)
            vbr_flags = _VBR_FLAGS_OLD_DEFAULT
        elif version >= (3, 98):
            named = None
            vbr_flags = _VBR_FLAGS_NEW_DEFAULT
        else:
            return ""
        if named:
            return named
        if method not in vbr_flags:
            return ""
        quality = self.vbr_quality
        if method != 3 and version >= (3, 99):
            quality = _V_FIXUPS.get((quality, bitrate, self.lowpass_filter), quality)
        return "-V %s%s" % (quality, vbr_flags[method])


# ---- Xing / Info ---------------------------------------------------------------

# Bytes a Xing header with every field and a LAME tag spans: tag and flags
# (8), frames, bytes, TOC, quality (112), then 9 + 27 of LAME tag.
_XING_MAX_SIZE = 8 + 112 + 36


class XingHeader:
    """A Xing or Info header.  Fields the header leaves out keep the
    defaults below (-1, or empty)."""

    frames = -1          # audio frames in the file, this one included
    bytes = -1           # bytes of audio, this frame included
    toc = []             # 100 seek points, as 0-255 fractions of ``bytes``
    vbr_scale = -1       # quality, 0 (best) to 100
    lame_header = None   # LAMEHeader, when a LAME tag follows
    lame_version = (0, 0)
    lame_version_desc = ""
    is_info = False      # "Info" (written for CBR files) rather than "Xing"

    def __init__(self, fileobj):
        """Parses the header at the file's position; raises XingHeaderError
        if there is none.  The file is left after the parsed fields."""
        start = fileobj.tell()
        used = self._parse(fileobj.read(_XING_MAX_SIZE))
        fileobj.seek(start + used, 0)

    @classmethod
    def _from_bytes(cls, data, pos):
        """The header at data[pos:], from bytes already read."""
        self = cls.__new__(cls)
        self._parse(data[pos:pos + _XING_MAX_SIZE])
        return self

    def _parse(self, data):
        """Parses data (at least everything the header spans, or all there
        is); returns how many bytes of it the header used."""
        tag = data[:4]
        if len(data) < 8 or tag not in (b"Xing", b"Info"):
            raise XingHeaderError("Not a Xing header")
        self.is_info = tag == b"Info"
        flags = int.from_bytes(data[4:8], "big")
        pos = 8

        def field(size):
            nonlocal pos
            value = data[pos:pos + size]
            if len(value) != size:
                raise XingHeaderError("Xing header truncated")
            pos += size
            return value

        if flags & XingHeaderFlags.FRAMES:
            self.frames = int.from_bytes(field(4), "big")
        if flags & XingHeaderFlags.BYTES:
            self.bytes = int.from_bytes(field(4), "big")
        if flags & XingHeaderFlags.TOC:
            self.toc = list(field(100))
        if flags & XingHeaderFlags.VBR_SCALE:
            self.vbr_scale = int.from_bytes(field(4), "big")

        # A LAME version string (and, from 3.90, the LAME tag) may follow.
        try:
            self.lame_version, self.lame_version_desc, has_tag = \
                _parse_lame_version(data[pos:pos + 20])
        except LAMEError:
            return min(pos + 20, len(data))
        if not has_tag:
            return pos + 20
        tag_data = data[pos + 9:pos + 36]
        try:
            header = LAMEHeader.__new__(LAMEHeader)
            header._parse(self, tag_data)
        except LAMEError:
            return pos + 9 + len(tag_data)
        self.lame_header = header
        return pos + 36

    def get_encoder_settings(self):
        """The lame options the file was most likely encoded with, or ""."""
        if self.lame_header is None:
            return ""
        return self.lame_header.guess_settings(*self.lame_version)

    @classmethod
    def get_offset(cls, info):
        """Where the Xing header starts, counted from the first byte of the
        MPEG frame header: after the 4-byte header and the side
        information, whose size depends on the MPEG version and channels."""
        assert info.layer == 3
        mono = info.mode == 3
        if info.version == 1:
            return 21 if mono else 36
        return 13 if mono else 21


# ---- VBRI ----------------------------------------------------------------------

# tag, version, delay, quality, bytes, frames, TOC entries, TOC scale,
# TOC entry size, frames per TOC entry
_VBRI_FIELDS = struct.Struct(">4sHHHIIHHHH")


class VBRIHeader:
    """A Fraunhofer VBRI header."""

    version = 0
    quality = 0
    bytes = 0            # bytes of audio
    frames = 0           # audio frames
    toc_scale_factor = 0
    toc_frames = 0       # frames per TOC entry
    toc = []             # bytes per TOC interval, divided by toc_scale_factor

    def __init__(self, fileobj):
        """Parses the header at the file's position; raises VBRIHeaderError
        if there is none."""
        data = fileobj.read(_VBRI_FIELDS.size)
        entries, entry_size = self._parse_fields(data)
        self._parse_toc(fileobj.read(entries * entry_size), entries, entry_size)

    @classmethod
    def _from_bytes(cls, data, pos):
        """The header at data[pos:], from bytes already read."""
        self = cls.__new__(cls)
        end = pos + _VBRI_FIELDS.size
        entries, entry_size = self._parse_fields(data[pos:end])
        self._parse_toc(data[end:end + entries * entry_size], entries, entry_size)
        return self

    @staticmethod
    def _toc_size(data, pos):
        """How many bytes the whole header at data[pos:] spans, from its
        fixed fields (which data must hold)."""
        entries, _, entry_size = struct.unpack_from(">HHH", data, pos + 18)
        return _VBRI_FIELDS.size + entries * entry_size

    def _parse_fields(self, data):
        if len(data) != _VBRI_FIELDS.size or data[:4] != b"VBRI":
            raise VBRIHeaderError("Not a VBRI header")
        (_, version, _delay, quality, nbytes, frames, entries, scale,
         entry_size, toc_frames) = _VBRI_FIELDS.unpack(data)
        if version != 1:
            raise VBRIHeaderError("Unsupported header version: %r" % version)
        self.version = version
        self.quality = quality
        self.bytes = nbytes
        self.frames = frames
        self.toc_scale_factor = scale
        self.toc_frames = toc_frames
        return entries, entry_size

    def _parse_toc(self, data, entries, entry_size):
        if len(data) != entries * entry_size:
            raise VBRIHeaderError("VBRI header truncated")
        if entry_size == 2:
            self.toc = list(struct.unpack(">%dH" % entries, data))
        elif entry_size == 4:
            self.toc = list(struct.unpack(">%dI" % entries, data))
        else:
            raise VBRIHeaderError("Invalid TOC entry size")

    @classmethod
    def get_offset(cls, info):
        """Where the VBRI header starts, counted from the first byte of the
        MPEG frame header: always 32 bytes after the 4-byte header."""
        assert info.layer == 3
        return 36
