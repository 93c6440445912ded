# SPDX-License-Identifier: GPL-2.0-or-later
"""Audio sample entries (the children of ``stsd``) and what they say about
the stream: channels, sample size and rate, bitrate and codec.

Three codecs carry a configuration box that refines the entry's fields:
``mp4a`` its MPEG-4 Systems descriptors in ``esds`` (ISO/IEC 14496-1: an
ES_Descriptor holding a DecoderConfigDescriptor holding, for MPEG-4 audio,
the AudioSpecificConfig of ISO/IEC 14496-3), ``alac`` the ALAC "magic
cookie" and ``ac-3`` its ``dac3`` box (ETSI TS 102 366, annex F).
"""

import struct
from io import BytesIO

from .._util import BitReader, BitReaderError, cdata
from ._atom import Atom, AtomError
from ._util import parse_full_atom


class ASEntryError(Exception):
    pass


class DescriptorError(Exception):
    pass


_FIXED_FIELDS = struct.Struct(">HH4xI")

# AC-3 nominal bit rates in kbit/s by frmsizecod >> 1 (bit_rate_code).
_AC3_BITRATES = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256,
                 320, 384, 448, 512, 576, 640]
# Full-bandwidth channels by acmod (1+1, 1/0, 2/0, 3/0, 2/1, 3/1, 2/2, 3/2).
_AC3_CHANNELS = [2, 1, 2, 3, 3, 4, 4, 5]


class AudioSampleEntry:
    """The properties of one audio sample entry atom."""

    channels = 0
    sample_size = 0
    sample_rate = 0
    bitrate = 0
    codec = None
    codec_description = None

    def __init__(self, atom, fileobj):
        ok, data = atom.read(fileobj)
        if not ok:
            raise ASEntryError("too short %r atom" % atom.name)
        # SampleEntry: 6 reserved bytes and data_reference_index;
        # AudioSampleEntry: 8 reserved bytes, channelcount, samplesize,
        # 4 reserved bytes, samplerate as 16.16 fixed point.
        if len(data) < _FIXED_FIELDS.size + 16:
            raise ASEntryError("not enough data")
        channels, sample_size, sample_rate = _FIXED_FIELDS.unpack_from(data, 16)
        self.channels = channels
        self.sample_size = sample_size
        self.sample_rate = sample_rate >> 16
        fileobj = BytesIO(data)
        fileobj.seek(_FIXED_FIELDS.size + 16)
        self.codec = atom.name.decode("latin-1")
        self.codec_description = None

        # The first box after the fixed fields configures the codec.
        try:
            extra = Atom(fileobj)
        except AtomError as e:
            raise ASEntryError(e)
        ok, extra_data = extra.read(fileobj)
        if not ok:
            raise ASEntryError("truncated %r atom" % extra.name)
        parser = _CONFIG_PARSERS.get((atom.name, extra.name))
        if parser is not None:
            parser(self, extra_data)
        if self.codec_description is None:
            self.codec_description = self.codec.upper()

    def _parse_esds(self, data):
        try:
            version, flags, data = parse_full_atom(data)
        except ValueError as e:
            raise ASEntryError(e)
        if version != 0:
            raise ASEntryError("Unsupported version %d" % version)
        fileobj = BytesIO(data)
        try:
            tag = BitReader(fileobj).bits(8)
        except BitReaderError as e:
            raise ASEntryError(e)
        if tag != ES_Descriptor.TAG:
            raise ASEntryError("unexpected descriptor: %d" % tag)
        try:
            es = ES_Descriptor.parse(fileobj)
        except DescriptorError as e:
            raise ASEntryError(e)
        dc = es.decConfigDescr
        self.bitrate = dc.avgBitrate
        self.codec += dc.codec_param
        self.codec_description = dc.codec_desc
        info = dc.decSpecificInfo
        if info is not None:
            if info.channels:
                self.channels = info.channels
            if info.sample_rate:
                self.sample_rate = info.sample_rate

    def _parse_alac(self, data):
        # ALACSpecificConfig (the "magic cookie") after a full atom header.
        try:
            version, flags, data = parse_full_atom(data)
        except ValueError as e:
            raise ASEntryError(e)
        if version != 0:
            raise ASEntryError("Unsupported version %d" % version)
        r = BitReader(BytesIO(data))
        try:
            r.skip(32)  # frameLength
            r.skip(8)  # compatibleVersion
            sample_size = r.bits(8)
            r.skip(3 * 8)  # pb, mb, kb
            channels = r.bits(8)
            r.skip(16)  # maxRun
            r.skip(32)  # maxFrameBytes
            bitrate = r.bits(32)
            sample_rate = r.bits(32)
        except BitReaderError as e:
            raise ASEntryError(e)
        self.sample_size = sample_size
        self.channels = channels
        self.bitrate = bitrate
        self.sample_rate = sample_rate

    def _parse_dac3(self, data):
        r = BitReader(BytesIO(data))
        try:
            r.skip(2)  # fscod
            r.skip(5)  # bsid
            r.skip(3)  # bsmod
            acmod = r.bits(3)
            lfeon = r.bits(1)
            bit_rate_code = r.bits(5)
        except BitReaderError as e:
            raise ASEntryError(e)
        self.channels = _AC3_CHANNELS[acmod] + lfeon
        if bit_rate_code < len(_AC3_BITRATES):
            self.bitrate = _AC3_BITRATES[bit_rate_code] * 1000


# (sample entry name, configuration box name) -> parser
_CONFIG_PARSERS = {
    (b"mp4a", b"esds"): AudioSampleEntry._parse_esds,
    (b"alac", b"alac"): AudioSampleEntry._parse_alac,
    (b"ac-3", b"dac3"): AudioSampleEntry._parse_dac3,
}


class BaseDescriptor:
    """An MPEG-4 Systems descriptor: a tag byte (read by the caller), a
    length of up to four 7-bit groups, then the body."""

    TAG: int

    @classmethod
    def _parse_desc_length_file(cls, fileobj):
        value = 0
        for _ in range(4):
            try:
                b = cdata.uint8(fileobj.read(1))
            except cdata.error as e:
                raise ValueError(e)
            value = (value << 7) | (b & 0x7F)
            if not b >> 7:
                return value
        raise ValueError("invalid descriptor length")

    @classmethod
    def parse(cls, fileobj):
        """The descriptor whose length starts at the file position; the
        file is left after its body."""
        try:
            length = cls._parse_desc_length_file(fileobj)
        except ValueError as e:
            raise DescriptorError(e)
        pos = fileobj.tell()
        instance = cls(fileobj, length)
        left = length - (fileobj.tell() - pos)
        if left > 0:
            fileobj.seek(left, 1)
        return instance


class ES_Descriptor(BaseDescriptor):

    TAG = 0x3

    def __init__(self, fileobj, length):
        # Every field is whole bytes: read them without a bit reader.
        self.ES_ID, flags = _read_struct(fileobj, _ES_HEAD)
        self.streamDependenceFlag = flags >> 7
        self.URL_Flag = (flags >> 6) & 1
        self.OCRstreamFlag = (flags >> 5) & 1
        self.streamPriority = flags & 0x1F
        if self.streamDependenceFlag:
            self.dependsOn_ES_ID, = _read_struct(fileobj, _UINT16)
        if self.URL_Flag:
            url_length, = _read_struct(fileobj, _UINT8)
            self.URLstring = _read_exactly(fileobj, url_length)
        if self.OCRstreamFlag:
            self.OCR_ES_Id, = _read_struct(fileobj, _UINT16)
        tag, = _read_struct(fileobj, _UINT8)
        if tag != DecoderConfigDescriptor.TAG:
            raise DescriptorError("unexpected DecoderConfigDescrTag %d" % tag)
        self.decConfigDescr = DecoderConfigDescriptor.parse(fileobj)


_ES_HEAD = struct.Struct(">HB")
_UINT8 = struct.Struct(">B")
_UINT16 = struct.Struct(">H")
_DECODER_CONFIG = struct.Struct(">BBBHII")


def _read_exactly(fileobj, size):
    data = fileobj.read(size)
    if len(data) != size:
        raise DescriptorError("not enough data")
    return data


def _read_struct(fileobj, fmt):
    return fmt.unpack(_read_exactly(fileobj, fmt.size))


class DecoderConfigDescriptor(BaseDescriptor):

    TAG = 0x4

    decSpecificInfo = None

    def __init__(self, fileobj, length):
        (self.objectTypeIndication, stream, buffer_high, buffer_low,
         self.maxBitrate, self.avgBitrate) = _read_struct(fileobj, _DECODER_CONFIG)
        self.streamType = stream >> 2
        self.upStream = (stream >> 1) & 1
        self.reserved = stream & 1
        self.bufferSizeDB = (buffer_high << 16) | buffer_low
        # Only MPEG-4 audio (0x40) in an audio stream (5) has an
        # AudioSpecificConfig worth reading.
        if (self.objectTypeIndication, self.streamType) != (0x40, 0x5):
            return
        if length == _DECODER_CONFIG.size:
            return
        tag, = _read_struct(fileobj, _UINT8)
        if tag == DecoderSpecificInfo.TAG:
            self.decSpecificInfo = DecoderSpecificInfo.parse(fileobj)

    @property
    def codec_param(self):
        """The part of an RFC 6381 codecs string after "mp4a"."""
        param = ".%X" % self.objectTypeIndication
        info = self.decSpecificInfo
        if info is not None:
            param += ".%d" % info.audioObjectType
        return param

    @property
    def codec_desc(self):
        info = self.decSpecificInfo
        if info is not None:
            return info.description
        return None


# Audio object types whose AudioSpecificConfig is a GASpecificConfig.
_GA_TYPES = (1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23)
# Error resilient types, which end their config with epConfig.
_ER_TYPES = (17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 39)
# Types that may carry SBR without signalling it (implicit signalling):
# when the config does not say, the output rate of a stream at 24 kHz or
# less is unknown.
_IMPLICIT_SBR_TYPES = (1, 2, 3, 4, 6, 17, 19, 20, 22)


class DecoderSpecificInfo(BaseDescriptor):
    """An AudioSpecificConfig (ISO/IEC 14496-3, 1.6.2.1)."""

    TAG = 0x5

    _TYPE_NAMES = [
        None, "AAC MAIN", "AAC LC", "AAC SSR", "AAC LTP", "SBR",
        "AAC scalable", "TwinVQ", "CELP", "HVXC", None, None, "TTSI",
        "Main synthetic", "Wavetable synthesis", "General MIDI",
        "Algorithmic Synthesis and Audio FX", "ER AAC LC", None, "ER AAC LTP",
        "ER AAC scalable", "ER Twin VQ", "ER BSAC", "ER AAC LD", "ER CELP",
        "ER HVXC", "ER HILN", "ER Parametric", "SSC", "PS", "MPEG Surround",
        None, "Layer-1", "Layer-2", "Layer-3", "DST", "ALS", "SLS",
        "SLS non-core", "ER AAC ELD", "SMR Simple", "SMR Main", "USAC",
        "SAOC", "LD MPEG Surround", "USAC",
    ]

    _FREQS = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000,
              12000, 11025, 8000, 7350]

    def __init__(self, fileobj, length):
        r = BitReader(fileobj)
        try:
            self._parse(r, length)
        except BitReaderError as e:
            raise DescriptorError(e)

    @property
    def description(self):
        """The audio object type's name with +SBR/+PS, or None."""
        aot = self.audioObjectType
        name = self._TYPE_NAMES[aot] if aot < len(self._TYPE_NAMES) else None
        if name is None:
            return None
        if self.sbrPresentFlag == 1:
            name += "+SBR"
        if self.psPresentFlag == 1:
            name += "+PS"
        return name

    @property
    def sample_rate(self):
        """The output sample rate, 0 if unknown."""
        if self.sbrPresentFlag == 1:
            return self.extensionSamplingFrequency
        if self.sbrPresentFlag == 0:
            return self.samplingFrequency
        if (self.audioObjectType in _IMPLICIT_SBR_TYPES
                and self.samplingFrequency <= 24000):
            return 0
        return self.samplingFrequency

    @property
    def channels(self):
        """The output channel count, 0 if unknown."""
        config = self.channelConfiguration
        if config == 0:
            return getattr(self, "pce_channels", 0)
        if config == 1:
            # Parametric stereo turns a mono core into two channels; a
            # mono stream that does not say may use it implicitly.
            return {1: 2, 0: 1}.get(self.psPresentFlag, 0)
        if config == 7:
            return 8
        if config > 7:
            return 0
        return config

    def _get_audio_object_type(self, r):
        aot = r.bits(5)
        if aot == 31:
            aot = 32 + r.bits(6)
        return aot

    def _get_sampling_freq(self, r):
        index = r.bits(4)
        if index == 0xF:
            return r.bits(24)
        if index < len(self._FREQS):
            return self._FREQS[index]
        return 0

    def _parse(self, r, length):

        def bits_left():
            return length * 8 - r.get_position()

        self.audioObjectType = self._get_audio_object_type(r)
        self.samplingFrequency = self._get_sampling_freq(r)
        self.channelConfiguration = r.bits(4)
        self.sbrPresentFlag = -1
        self.psPresentFlag = -1
        if self.audioObjectType in (5, 29):
            # Explicit hierarchical SBR (and PS) signalling.
            self.extensionAudioObjectType = 5
            self.sbrPresentFlag = 1
            if self.audioObjectType == 29:
                self.psPresentFlag = 1
            self.extensionSamplingFrequency = self._get_sampling_freq(r)
            self.audioObjectType = self._get_audio_object_type(r)
            if self.audioObjectType == 22:
                self.extensionChannelConfiguration = r.bits(4)
        else:
            self.extensionAudioObjectType = 0

        if self.audioObjectType in _GA_TYPES:
            GASpecificConfig(r, self)
        else:
            # Other configs are not read; nothing can follow them.
            return

        if self.audioObjectType in _ER_TYPES:
            ep_config = r.bits(2)
            if ep_config in (2, 3):
                # ErrorProtectionSpecificConfig is not read.
                return

        # Backward compatible SBR/PS signalling after the core config.
        if self.extensionAudioObjectType != 5 and bits_left() >= 16:
            if r.bits(11) == 0x2B7:
                self.extensionAudioObjectType = self._get_audio_object_type(r)
                if self.extensionAudioObjectType == 5:
                    self.sbrPresentFlag = r.bits(1)
                    if self.sbrPresentFlag == 1:
                        self.extensionSamplingFrequency = self._get_sampling_freq(r)
                        if bits_left() >= 12:
                            if r.bits(11) == 0x548:
                                self.psPresentFlag = r.bits(1)
                elif self.extensionAudioObjectType == 22:
                    self.sbrPresentFlag = r.bits(1)
                    if self.sbrPresentFlag == 1:
                        self.extensionSamplingFrequency = self._get_sampling_freq(r)
                    self.extensionChannelConfiguration = r.bits(4)


def _program_config_channels(r):
    """Read a program_config_element (ISO/IEC 14496-3, 4.4.1.1) and return
    its channel count: one per single channel element, two per channel
    pair element, one per LFE."""
    r.skip(4)  # element_instance_tag
    r.skip(2)  # object_type
    r.skip(4)  # sampling_frequency_index
    num_front = r.bits(4)
    num_side = r.bits(4)
    num_back = r.bits(4)
    num_lfe = r.bits(2)
    num_assoc = r.bits(3)
    num_cc = r.bits(4)
    if r.bits(1):  # mono_mixdown_present
        r.skip(4)
    if r.bits(1):  # stereo_mixdown_present
        r.skip(4)
    if r.bits(1):  # matrix_mixdown_idx_present
        r.skip(3)
    channels = 0
    for _ in range(num_front + num_side + num_back):
        channels += 1 + r.bits(1)  # is_cpe
        r.skip(4)
    channels += num_lfe
    r.skip(4 * num_lfe + 4 * num_assoc + 5 * num_cc)
    r.align()
    r.skip(8 * r.bits(8))  # comment field
    return channels


def GASpecificConfig(r, info):
    """Read a GASpecificConfig (ISO/IEC 14496-3, 4.4.1) for ``info``
    (a DecoderSpecificInfo), setting ``info.pce_channels`` when it holds a
    program config element."""
    r.skip(1)  # frameLengthFlag
    if r.bits(1):  # dependsOnCoreCoder
        r.skip(14)  # coreCoderDelay
    extension_flag = r.bits(1)
    if not info.channelConfiguration:
        info.pce_channels = _program_config_channels(r)
    aot = info.audioObjectType
    if aot in (6, 20):
        r.skip(3)  # layerNr
    if extension_flag:
        if aot == 22:
            r.skip(5 + 11)  # numOfSubFrame, layer_length
        if aot in (17, 19, 20, 23):
            r.skip(3)  # the three resilience flags
        r.skip(1)  # extensionFlag3
