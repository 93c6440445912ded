/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MP4 audio sample entries: ISO/IEC 14496-12 AudioSampleEntry, the MPEG-4
 * Systems descriptors in esds (14496-1), AudioSpecificConfig (14496-3; as
 * in mutagen, no object type's own config but GASpecificConfig is read),
 * Apple's ALAC cookie and the dac3 box (ETSI TS 102 366 annex F).  Which
 * value wins when entry and configuration disagree follows mutagen, whose
 * results were observed on crafted entries. */
#include "as_entry.h"

#include <string.h>

#include "../core/cursor.h"
#include "../core/error.h"

enum {
    FIXED_SIZE = 28,      /* the AudioSampleEntry fields before any child box */
    ES_DESCR_TAG = 3,
    DECODER_CONFIG_TAG = 4,
    DECODER_SPECIFIC_TAG = 5,
    OTI_MPEG4_AUDIO = 0x40,
    STREAM_TYPE_AUDIO = 5,
    AOT_SBR = 5,
    AOT_PS = 29,
    AOT_ER_BSAC = 22
};

/* ---- a bounds-checked MSB-first bit reader ------------------------------ */

typedef struct bit_reader {
    const uint8_t *data;
    size_t len;       /* bytes that may be read */
    size_t pos;       /* bits read */
    size_t declared;  /* bytes the configuration claims to span */
} bit_reader;

static size_t bits_left(const bit_reader *b)
{
    return b->len * 8 - b->pos;
}

/* What is left of the declared size: mutagen decides whether optional
 * parts follow by it, while its reads may run on past it (into the next
 * descriptor) as long as the esds box has bytes. */
static size_t declared_bits_left(const bit_reader *b)
{
    return b->declared * 8 > b->pos ? b->declared * 8 - b->pos : 0;
}

static bool read_bits(bit_reader *b, unsigned n, uint32_t *out)
{
    if (n > 32 || n > bits_left(b))
        return false;
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++, b->pos++)
        v = v << 1 | ((b->data[b->pos >> 3] >> (7 - (b->pos & 7))) & 1u);
    *out = v;
    return true;
}

static bool skip_bits(bit_reader *b, size_t n)
{
    if (n > bits_left(b))
        return false;
    b->pos += n;
    return true;
}

/* ---- AudioSpecificConfig ------------------------------------------------ */

/* Audio object type names by number (14496-3 table 1.17); NULL: none. */
static const char *const aot_names[] = {
    NULL, "AAC MAIN", "AAC LC", "AAC SSR", "AAC LTP", "SBR", "AAC scalable", "TwinVQ", "CELP",
    "HVXC", NULL, NULL, "TTSI", "Main synthetic", "Wavetable synthesis", "General MIDI",
    "Algorithmic Synthesis and Audio FX", "ER AAC LC", NULL, "ER AAC LTP", "ER AAC scalable",
    "ER Twin VQ", "ER BSAC", "ER AAC LD", "ER CELP", "ER HVXC", "ER HILN", "ER Parametric", "SSC",
    "PS", "MPEG Surround", NULL, "Layer-1", "Layer-2", "Layer-3", "DST", "ALS", "SLS",
    "SLS non-core", "ER AAC ELD", "SMR Simple", "SMR Main", "USAC", "SAOC", "LD MPEG Surround",
    "USAC",
};

static const uint32_t sampling_freqs[] = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                          22050, 16000, 12000, 11025, 8000, 7350};

typedef struct asc {
    uint32_t aot;
    uint32_t freq;          /* 0: an index without a frequency */
    uint32_t ext_freq;
    uint32_t channel_config;
    int sbr, ps;            /* 1 present, 0 absent, -1 not signalled */
    uint32_t pce_channels;
    bool has_pce;
} asc;

static bool read_aot(bit_reader *b, uint32_t *aot)
{
    if (!read_bits(b, 5, aot))
        return false;
    if (*aot == 31) {
        uint32_t ext;
        if (!read_bits(b, 6, &ext))
            return false;
        *aot = 32 + ext;
    }
    return true;
}

static bool read_freq(bit_reader *b, uint32_t *freq)
{
    uint32_t index;
    if (!read_bits(b, 4, &index))
        return false;
    if (index == 0xf)
        return read_bits(b, 24, freq);
    *freq = index < sizeof sampling_freqs / sizeof sampling_freqs[0] ? sampling_freqs[index] : 0;
    return true;
}

/* program_config_element(): only the channel count is kept. */
static bool read_pce(bit_reader *b, uint32_t *channels)
{
    uint32_t front, side, back, lfe, assoc, cc, flag, v, comment;
    if (!skip_bits(b, 4 + 2 + 4) || !read_bits(b, 4, &front) || !read_bits(b, 4, &side) ||
        !read_bits(b, 4, &back) || !read_bits(b, 2, &lfe) || !read_bits(b, 3, &assoc) ||
        !read_bits(b, 4, &cc))
        return false;
    for (int mixdown = 0; mixdown < 2; mixdown++) /* mono, stereo: 4-bit element numbers */
        if (!read_bits(b, 1, &flag) || (flag && !skip_bits(b, 4)))
            return false;
    if (!read_bits(b, 1, &flag) || (flag && !skip_bits(b, 3)))
        return false;
    uint32_t n = 0;
    for (uint32_t i = 0; i < front + side + back; i++) {
        if (!read_bits(b, 1, &v) || !skip_bits(b, 4)) /* is_cpe, element tag */
            return false;
        n += v ? 2 : 1;
    }
    n += lfe;
    if (!skip_bits(b, 4 * (size_t)(lfe + assoc) + 5 * (size_t)cc))
        return false;
    if (b->pos & 7) /* byte_alignment() */
        b->pos += 8 - (b->pos & 7);
    if (!read_bits(b, 8, &comment) || !skip_bits(b, 8 * (size_t)comment))
        return false;
    *channels = n;
    return true;
}

static bool read_ga_specific(bit_reader *b, asc *a)
{
    uint32_t core, ext, v;
    if (!skip_bits(b, 1) || !read_bits(b, 1, &core) || (core && !skip_bits(b, 14)) ||
        !read_bits(b, 1, &ext))
        return false;
    if (a->channel_config == 0) {
        if (!read_pce(b, &a->pce_channels))
            return false;
        a->has_pce = true;
    }
    if ((a->aot == 6 || a->aot == 20) && !skip_bits(b, 3))
        return false;
    if (ext) {
        if (a->aot == AOT_ER_BSAC && !skip_bits(b, 5 + 11))
            return false;
        if ((a->aot == 17 || a->aot == 19 || a->aot == 20 || a->aot == 23) && !skip_bits(b, 3))
            return false;
        if (!read_bits(b, 1, &v)) /* extensionFlag3 */
            return false;
    }
    return true;
}

static bool is_ga_type(uint32_t aot)
{
    switch (aot) {
    case 1: case 2: case 3: case 4: case 6: case 7: case 17: case 19: case 20: case 21: case 22:
    case 23:
        return true;
    default:
        return false;
    }
}

static bool is_er_type(uint32_t aot)
{
    return (aot >= 17 && aot <= 27 && aot != 18) || aot == 39;
}

/* AudioSpecificConfig, as far as mutagen reads it.  Returns false when the
 * bits run out (or an unsupported error protection config is met). */
static bool read_asc(bit_reader *b, asc *a)
{
    memset(a, 0, sizeof *a);
    a->sbr = a->ps = -1;
    uint32_t ext_aot = 0, v;
    if (!read_aot(b, &a->aot) || !read_freq(b, &a->freq) || !read_bits(b, 4, &a->channel_config))
        return false;
    if (a->aot == AOT_SBR || a->aot == AOT_PS) {
        ext_aot = AOT_SBR;
        a->sbr = 1;
        if (a->aot == AOT_PS)
            a->ps = 1;
        if (!read_freq(b, &a->ext_freq) || !read_aot(b, &a->aot))
            return false;
        if (a->aot == AOT_ER_BSAC && !skip_bits(b, 4))
            return false;
    }
    /* Only the general audio types' config is read (and, for their error
     * resilient versions, epConfig); other types end the parse, so only
     * these can signal SBR and PS in a sync extension after it. */
    if (!is_ga_type(a->aot))
        return true;
    if (!read_ga_specific(b, a))
        return false;
    if (is_er_type(a->aot)) {
        uint32_t ep;
        if (!read_bits(b, 2, &ep) || ep == 2 || ep == 3)
            return false;
    }
    if (ext_aot != AOT_SBR && declared_bits_left(b) >= 16) {
        if (!read_bits(b, 11, &v))
            return false;
        if (v == 0x2b7) {
            if (!read_aot(b, &ext_aot))
                return false;
            if (ext_aot == AOT_SBR) {
                uint32_t sbr;
                if (!read_bits(b, 1, &sbr))
                    return false;
                a->sbr = (int)sbr;
                if (sbr) {
                    if (!read_freq(b, &a->ext_freq))
                        return false;
                    if (declared_bits_left(b) >= 12) {
                        if (!read_bits(b, 11, &v))
                            return false;
                        if (v == 0x548) {
                            uint32_t ps;
                            if (!read_bits(b, 1, &ps))
                                return false;
                            a->ps = (int)ps;
                        }
                    }
                }
            }
            if (ext_aot == AOT_ER_BSAC) {
                uint32_t sbr;
                if (!read_bits(b, 1, &sbr))
                    return false;
                a->sbr = (int)sbr;
                if ((sbr && !read_freq(b, &a->ext_freq)) || !skip_bits(b, 4))
                    return false;
            }
        }
    }
    return true;
}

/* The AAC types that may carry SBR without signalling it (observed:
 * TwinVQ, ER Twin VQ and ER AAC LD are not among them). */
static bool may_have_implicit_sbr(uint32_t aot)
{
    switch (aot) {
    case 1: case 2: case 3: case 4: case 6: case 17: case 19: case 20: case 22:
        return true;
    default:
        return false;
    }
}

/* The sample rate the configuration settles, 0 when it leaves it open:
 * an AAC stream at 24 kHz or less may carry SBR without saying so. */
static uint32_t asc_sample_rate(const asc *a)
{
    if (a->sbr == 1)
        return a->ext_freq;
    if (a->sbr == 0 || !may_have_implicit_sbr(a->aot))
        return a->freq;
    return a->freq > 24000 ? a->freq : 0;
}

/* The channel count the configuration settles, 0 when it leaves it open:
 * a mono stream may carry PS without saying so. */
static uint32_t asc_channels(const asc *a)
{
    if (a->channel_config == 0)
        return a->has_pce ? a->pce_channels : 0;
    if (a->channel_config == 1)
        return a->ps == 1 ? 2 : a->ps == 0 ? 1 : 0;
    if (a->channel_config == 7)
        return 8;
    return a->channel_config < 7 ? a->channel_config : 0;
}

/* ---- descriptors in esds ------------------------------------------------ */

/* A descriptor's tag and size (at most four 7-bit groups).  The size does
 * not bound what follows: as in mutagen, all descriptors are read from one
 * stream, the esds box's contents, and a size only says whether an
 * optional part is there. */
static bool read_descriptor(cm_cursor *c, uint8_t *tag, uint32_t *size, bool *bad_size)
{
    uint8_t byte = 0x80;
    *size = 0;
    *bad_size = false;
    if (!cm_u8(c, tag))
        return false;
    for (int i = 0; i < 4 && (byte & 0x80); i++) {
        if (!cm_u8(c, &byte))
            return false;
        *size = *size << 7 | (byte & 0x7fu);
    }
    *bad_size = (byte & 0x80) != 0;
    return !*bad_size;
}

/* Appends text to the NUL-terminated string in buf (cap bytes), cut to
 * fit as snprintf cuts: the codec names are built on every read, where
 * snprintf's format parsing cost a fifth of reading a small file. */
static void append(char *buf, size_t cap, const char *text)
{
    size_t at = strlen(buf), n = strlen(text);
    if (n > cap - 1 - at)
        n = cap - 1 - at;
    memcpy(buf + at, text, n);
    buf[at + n] = '\0';
}

/* A number's digits in `base` (10 or 16, upper case), NUL-terminated. */
static void append_number(char *buf, size_t cap, uint32_t v, unsigned base)
{
    char digits[12];
    size_t i = sizeof digits;
    digits[--i] = '\0';
    do {
        digits[--i] = "0123456789ABCDEF"[v % base];
        v /= base;
    } while (v);
    append(buf, cap, digits + i);
}

static cm_status entry_fail(cm_error *err, uint64_t offset, const char *what)
{
    return cm_fail(err, CM_ERR_INVALID, CM_PART_CONTAINER, offset, "MP4 audio sample entry: %s",
                   what);
}

static cm_status parse_esds(const uint8_t *data, size_t len, uint64_t offset, cm_mp4_entry *e,
                            cm_error *err)
{
    cm_cursor c = cm_cursor_make(data, len);
    uint8_t version, tag, flags, byte;
    uint32_t size;
    bool bad_size;
    if (!cm_u8(&c, &version) || !cm_skip(&c, 3))
        return entry_fail(err, offset, "esds box is truncated");
    if (version != 0)
        return entry_fail(err, offset, "esds box has an unsupported version");
    if (!read_descriptor(&c, &tag, &size, &bad_size))
        return entry_fail(err, offset, bad_size ? "invalid descriptor size" : "ES descriptor is truncated");
    if (tag != ES_DESCR_TAG)
        return entry_fail(err, offset, "esds box does not start with an ES descriptor");
    if (!cm_skip(&c, 2) || !cm_u8(&c, &flags) || ((flags & 0x80) && !cm_skip(&c, 2)))
        return entry_fail(err, offset, "ES descriptor is truncated");
    if (flags & 0x40) {
        if (!cm_u8(&c, &byte) || !cm_skip(&c, byte))
            return entry_fail(err, offset, "ES descriptor URL is truncated");
    }
    if ((flags & 0x20) && !cm_skip(&c, 2))
        return entry_fail(err, offset, "ES descriptor is truncated");
    uint32_t dcd_size;
    if (!read_descriptor(&c, &tag, &dcd_size, &bad_size))
        return entry_fail(err, offset, bad_size ? "invalid descriptor size"
                                                : "decoder config descriptor is truncated");
    if (tag != DECODER_CONFIG_TAG)
        return entry_fail(err, offset, "ES descriptor has no decoder config descriptor");
    uint8_t oti, stream;
    uint32_t max_bitrate, avg_bitrate;
    if (!cm_u8(&c, &oti) || !cm_u8(&c, &stream) || !cm_skip(&c, 3) ||
        !cm_be32(&c, &max_bitrate) || !cm_be32(&c, &avg_bitrate))
        return entry_fail(err, offset, "decoder config descriptor is truncated");
    e->bitrate = avg_bitrate;
    memcpy(e->codec, "mp4a.", sizeof "mp4a.");
    append_number(e->codec, sizeof e->codec, oti, 16);
    e->description[0] = '\0';

    /* A decoder specific info follows when the config's size leaves room
     * for one; only MPEG-4 audio's (an AudioSpecificConfig) is read. */
    if (oti != OTI_MPEG4_AUDIO || (stream >> 2) != STREAM_TYPE_AUDIO || dcd_size <= 13)
        return CM_OK;
    uint32_t dsi_size;
    if (!read_descriptor(&c, &tag, &dsi_size, &bad_size))
        return entry_fail(err, offset, bad_size ? "invalid descriptor size"
                                                : "decoder specific info is truncated");
    if (tag != DECODER_SPECIFIC_TAG)
        return CM_OK;
    bit_reader b = {c.data + c.pos, cm_cursor_left(&c), 0, dsi_size};
    asc a;
    if (!read_asc(&b, &a))
        return entry_fail(err, offset, "audio specific config is truncated");
    append(e->codec, sizeof e->codec, ".");
    append_number(e->codec, sizeof e->codec, a.aot, 10);
    if (a.aot < sizeof aot_names / sizeof aot_names[0] && aot_names[a.aot]) {
        append(e->description, sizeof e->description, aot_names[a.aot]);
        append(e->description, sizeof e->description, a.sbr == 1 ? "+SBR" : "");
        append(e->description, sizeof e->description, a.ps == 1 ? "+PS" : "");
    }
    uint32_t rate = asc_sample_rate(&a), channels = asc_channels(&a);
    if (rate)
        e->sample_rate = rate;
    if (channels)
        e->channels = channels;
    return CM_OK;
}

/* Apple's ALACSpecificConfig: the cookie's values replace the entry's. */
static cm_status parse_alac(const uint8_t *data, size_t len, uint64_t offset, cm_mp4_entry *e,
                            cm_error *err)
{
    cm_cursor c = cm_cursor_make(data, len);
    uint8_t version = 0, depth = 0, channels = 0;
    uint32_t avg_bitrate = 0, rate = 0;
    if (!cm_u8(&c, &version) || !cm_skip(&c, 3) || len < 4 + 24)
        return entry_fail(err, offset, "ALAC cookie is too short");
    if (version != 0)
        return entry_fail(err, offset, "ALAC cookie has an unsupported version");
    /* frameLength 4, compatibleVersion 1, bitDepth 1, pb mb kb 3,
     * numChannels 1, maxRun 2, maxFrameBytes 4, avgBitRate 4, sampleRate 4 */
    cm_skip(&c, 5);
    cm_u8(&c, &depth);
    cm_skip(&c, 3);
    cm_u8(&c, &channels);
    cm_skip(&c, 6);
    cm_be32(&c, &avg_bitrate);
    cm_be32(&c, &rate);
    e->sample_size = depth;
    e->channels = channels;
    e->bitrate = avg_bitrate;
    e->sample_rate = rate;
    return CM_OK;
}

/* AC3SpecificBox: channels from acmod and lfeon, the nominal bitrate from
 * bit_rate_code; a code past the table leaves the bitrate unknown. */
static cm_status parse_dac3(const uint8_t *data, size_t len, uint64_t offset, cm_mp4_entry *e,
                            cm_error *err)
{
    static const uint8_t acmod_channels[8] = {2, 1, 2, 3, 3, 4, 4, 5};
    static const uint16_t kbps[19] = {32,  40,  48,  56,  64,  80,  96,  112, 128, 160,
                                      192, 224, 256, 320, 384, 448, 512, 576, 640};
    if (len < 3)
        return entry_fail(err, offset, "dac3 box is too short");
    bit_reader b = {data, len, 0, len};
    uint32_t acmod = 0, lfe = 0, code = 0;
    /* fscod 2, bsid 5, bsmod 3 */
    skip_bits(&b, 10);
    read_bits(&b, 3, &acmod);
    read_bits(&b, 1, &lfe);
    read_bits(&b, 5, &code);
    e->channels = acmod_channels[acmod] + lfe;
    if (code < sizeof kbps / sizeof kbps[0])
        e->bitrate = kbps[code] * 1000u;
    return CM_OK;
}

/* An atom header inside a sample entry, read as mutagen reads a top-level
 * one: a 0 size runs to the end of the bytes. */
static bool read_header(cm_cursor *c, uint32_t *name, size_t *body_len)
{
    uint32_t size;
    if (!cm_be32(c, &size) || !cm_be32(c, name))
        return false;
    uint64_t total = size, header = 8;
    if (size == 1) {
        uint32_t hi, lo;
        if (!cm_be32(c, &hi) || !cm_be32(c, &lo))
            return false;
        total = (uint64_t)hi << 32 | lo;
        header = 16;
        if (total < 16)
            return false;
    } else if (size == 0) {
        total = header + cm_cursor_left(c);
    } else if (size < 8) {
        return false;
    }
    /* A box that claims more than is left is truncated: mutagen reads
     * exactly the size claimed and fails ("too short", "truncated"). */
    uint64_t body = total - header;
    if (body > cm_cursor_left(c))
        return false;
    *body_len = (size_t)body;
    return true;
}

#define FOURCC(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

cm_status cm_mp4_parse_sample_entry(const uint8_t *data, size_t len, uint64_t offset,
                                    cm_mp4_entry *out, cm_error *err)
{
    cm_mp4_entry e;
    memset(&e, 0, sizeof e);
    cm_cursor c = cm_cursor_make(data, len);
    uint32_t name;
    size_t body_len;
    if (!read_header(&c, &name, &body_len))
        return entry_fail(err, offset, "the entry's header is truncated or invalid");
    const uint8_t *body = NULL;
    cm_take(&c, body_len, &body);
    cm_cursor entry = cm_cursor_make(body, body_len);
    uint32_t channels, sample_size, rate;
    if (!cm_skip(&entry, 16) || !cm_be32(&entry, &channels) || !cm_skip(&entry, 4) ||
        !cm_be32(&entry, &rate))
        return entry_fail(err, offset, "the entry is shorter than its 28 fixed bytes");
    sample_size = channels & 0xffff;
    e.channels = channels >> 16;
    e.sample_size = sample_size;
    e.sample_rate = rate >> 16;

    /* The codec: the entry's name; only ASCII names are spelled here. */
    for (int i = 0; i < 4; i++) {
        uint8_t ch = (uint8_t)(name >> (24 - 8 * i));
        if (ch < 0x20 || ch > 0x7e)
            return cm_fail(err, CM_ERR_UNSUPPORTED, CM_PART_CONTAINER, offset,
                           "MP4 audio sample entry name is not printable ASCII");
        e.codec[i] = (char)ch;
    }

    uint32_t child;
    size_t child_len;
    if (!read_header(&entry, &child, &child_len))
        return entry_fail(err, offset, "the entry's first box is truncated or invalid");
    const uint8_t *child_body = NULL;
    cm_take(&entry, child_len, &child_body);
    uint64_t child_offset = offset + (uint64_t)(child_body - data);
    cm_status st = CM_OK;
    if (name == FOURCC('m', 'p', '4', 'a') && child == FOURCC('e', 's', 'd', 's'))
        st = parse_esds(child_body, child_len, child_offset, &e, err);
    else if (name == FOURCC('a', 'l', 'a', 'c') && child == FOURCC('a', 'l', 'a', 'c'))
        st = parse_alac(child_body, child_len, child_offset, &e, err);
    else if (name == FOURCC('a', 'c', '-', '3') && child == FOURCC('d', 'a', 'c', '3'))
        st = parse_dac3(child_body, child_len, child_offset, &e, err);
    if (st != CM_OK)
        return st;
    if (!e.description[0]) {
        /* No name for it: the codec string in capitals, as mutagen shows it. */
        size_t i = 0;
        for (; e.codec[i] && i + 1 < sizeof e.description; i++) {
            char ch = e.codec[i];
            e.description[i] = ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
        }
        e.description[i] = '\0';
    }
    *out = e;
    return CM_OK;
}
