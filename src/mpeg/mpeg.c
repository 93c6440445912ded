/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MPEG audio stream properties, found as mutagen 1.48.1 finds them.
 *
 * python/cmutagen/mp3/__init__.py (the reference implementation) and
 * python/cmutagen/mp3/_util.py describe the rules; in short: skip ID3v2 tags
 * at the start, look for frame syncs in the next 1 MiB (at most 1499 of
 * them), and at each sync read up to 4 frames back to back.  A frame with a
 * Xing/Info or VBRI header wins at once, 4 plain frames in a row win, and
 * the first run of 2 or 3 is the fallback (marked sketchy).
 *
 * Arithmetic is done so that every double equals the one mutagen computes:
 * each quotient is one IEEE division of two exactly representable integers
 * (as Python's int / int is), and rounding is half to even (Python's round).
 * The quirks kept on purpose: Layer I frame sizes are 4 times too large,
 * the album gain's sign bit is ignored, the Xing bitrate subtracts the
 * first frame's size from the byte count and VBRI's does not. */
#include "mpeg.h"

#include <string.h>

#include "../core/error.h"

enum {
    MAX_READ = 1024 * 1024, /* syncs are looked for this far past the start */
    MAX_SYNCS = 1500,       /* this many syncs, less one, are tried */
    ENOUGH_FRAMES = 4,      /* plain frames in a row that prove a stream */
    MIN_FRAMES = 2,         /* plain frames in a row kept as a fallback */
    ID3V2_HEADER = 10,
    XING_SPAN = 8 + 112 + 36, /* tag, flags, all fields, LAME version and tag */
    VBRI_OFFSET = 36,       /* from the frame start: header + 32 bytes */
    VBRI_FIXED = 26,
    LAME_VERSION_LEN = 20,
    LAME_TAG_LEN = 27       /* after the first 9 bytes of the version */
};

/* ---- the window ---------------------------------------------------------- */

typedef struct scan {
    const uint8_t *data;
    size_t avail;
    uint64_t base;      /* file offset of data[0] */
    uint64_t file_size; /* CM_MPEG_SIZE_UNKNOWN when not known */
    uint64_t need;      /* end of the bytes asked for, 0 if none */
} scan;

static uint64_t held_end(const scan *s)
{
    return s->base + s->avail;
}

/* True when the window holds the file up to `end`, or up to the file's end
 * if that comes first; otherwise notes that the bytes are wanted. */
static bool reach(scan *s, uint64_t end)
{
    if (end <= held_end(s) || held_end(s) >= s->file_size)
        return true;
    if (end > s->need)
        s->need = end;
    return false;
}

/* The held bytes of [pos, pos + n): how many, and where (fewer than n only
 * at the end of the window). */
static size_t held(const scan *s, uint64_t pos, size_t n, const uint8_t **p)
{
    if (pos < s->base || pos >= held_end(s)) {
        *p = s->data;
        return 0;
    }
    size_t index = (size_t)(pos - s->base);
    size_t left = s->avail - index;
    *p = s->data + index;
    return n < left ? n : left;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

/* Python's round() for a double well inside the int64 range (|x| < 2^53,
 * so the fraction below is exact): half to even. */
static int64_t round_half_even(double x)
{
    if (x < 0)
        return -round_half_even(-x);
    int64_t whole = (int64_t)x;
    double fraction = x - (double)whole;
    if (fraction > 0.5 || (fraction == 0.5 && (whole & 1)))
        whole++;
    return whole;
}

/* ---- frame headers ------------------------------------------------------- */

typedef struct frame {
    uint64_t offset;
    uint32_t length;      /* bytes, header included (mutagen's Layer I size) */
    uint32_t bitrate;
    uint32_t sample_rate;
    uint32_t samples;     /* per frame */
    uint8_t version_x10, layer, mode;
    bool protected_, padding;
} frame;

/* kbit/s by [MPEG-1 ? 0 : 1][layer - 1][index]; index 0 (free format) and 15
 * are refused before the table is used */
static const uint16_t BITRATES[2][3][15] = {
    {{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
     {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
     {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}},
    {{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
     {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
     {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}},
};

/* Hz by 2-bit version field (3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5) */
static const uint32_t SAMPLE_RATES[4][3] = {
    {11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000}, {44100, 48000, 32000}};

/* Decodes the 4 header bytes at p; false for anything mutagen refuses:
 * no sync, reserved version, layer or sample rate, free format, index 15. */
static bool decode_header(const uint8_t *p, uint64_t offset, frame *f)
{
    if (p[0] != 0xFF || (p[1] & 0xE0) != 0xE0)
        return false;
    unsigned version_bits = (p[1] >> 3) & 3, layer_bits = (p[1] >> 1) & 3;
    unsigned bitrate_index = p[2] >> 4, rate_index = (p[2] >> 2) & 3;
    if (version_bits == 1 || layer_bits == 0 || bitrate_index == 0 || bitrate_index == 15 ||
        rate_index == 3)
        return false;
    bool mpeg1 = version_bits == 3;
    f->offset = offset;
    f->version_x10 = mpeg1 ? 10 : version_bits == 2 ? 20 : 25;
    f->layer = (uint8_t)(4 - layer_bits);
    f->protected_ = !(p[1] & 1);
    f->padding = (p[2] >> 1) & 1;
    f->mode = p[3] >> 6;
    f->bitrate = BITRATES[mpeg1 ? 0 : 1][f->layer - 1][bitrate_index] * 1000u;
    f->sample_rate = SAMPLE_RATES[version_bits][rate_index];
    f->samples = f->layer == 1 ? 384 : (f->layer == 2 || mpeg1) ? 1152 : 576;
    /* samples / 8 * bitrate / rate for every layer; Layer I counts 4-byte
     * slots on top of that (which makes its frames 4 times too long, as in
     * mutagen, whose scan we follow) */
    uint32_t size = f->samples / 8 * f->bitrate / f->sample_rate;
    f->length = f->layer == 1 ? (size + f->padding) * 4 : size + f->padding;
    return true;
}

/* 1: a frame at pos; 0: none; -1: more bytes needed. */
static int read_frame(scan *s, uint64_t pos, frame *f)
{
    if (!reach(s, pos + 4))
        return -1;
    const uint8_t *p;
    if (held(s, pos, 4, &p) < 4)
        return 0;
    return decode_header(p, pos, f) ? 1 : 0;
}

/* ---- the LAME tag -------------------------------------------------------- */

typedef struct lame_version {
    unsigned major;
    uint64_t minor;
    bool has_tag;         /* the 27-byte tag follows the first 9 bytes */
    size_t text_len;
    char text[40];        /* "3.99.1+", ...; at most 1 + 1 + 15 + 16 bytes */
} lame_version;

static bool version_before(const lame_version *v, unsigned major, uint64_t minor)
{
    return v->major < major || (v->major == major && v->minor < minor);
}

static bool version_between(const lame_version *v, uint64_t lo, uint64_t hi)
{
    return v->major == 3 && v->minor >= lo && v->minor <= hi;
}

static void text_append(char *buf, size_t *len, size_t cap, const void *p, size_t n)
{
    if (n > cap - *len)
        n = cap - *len;
    memcpy(buf + *len, p, n);
    *len += n;
}

static void text_append_str(char *buf, size_t *len, size_t cap, const char *s)
{
    text_append(buf, len, cap, s, strlen(s));
}

/* The decimal digits of value (snprintf would cost more than the rest of
 * the scan of a small file). */
static void text_append_int(char *buf, size_t *len, size_t cap, int64_t value)
{
    char digits[21];
    size_t n = sizeof digits;
    uint64_t u = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    do
        digits[--n] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (value < 0)
        digits[--n] = '-';
    text_append(buf, len, cap, digits + n, sizeof digits - n);
}

/* prefix, number, suffix: the shape of every option guess_settings gives */
static size_t text_option(char *out, size_t cap, const char *prefix, int64_t number,
                          const char *suffix)
{
    size_t len = 0;
    text_append_str(out, &len, cap, prefix);
    text_append_int(out, &len, cap, number);
    text_append_str(out, &len, cap, suffix);
    return len;
}

static bool is_lame_letter(uint8_t c)
{
    return c == 'L' || c == 'A' || c == 'M' || c == 'E';
}

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The 20 bytes at the start of a LAME version string ("LAME3.99r", ...):
 * the version, its text, and whether a LAME tag follows (3.90 and later).
 * False when it is not one mutagen accepts. */
static bool parse_lame_version(const uint8_t *d, lame_version *v)
{
    if (memcmp(d, "LAME", 4) != 0 && memcmp(d, "L3.99", 5) != 0)
        return false;
    size_t i = 0, n = LAME_VERSION_LEN;
    while (i < n && is_lame_letter(d[i]))
        i++;
    if (i >= n || d[i] < '0' || d[i] > '9')
        return false;
    v->major = (unsigned)(d[i++] - '0');
    while (i < n && d[i] == '.')
        i++;
    size_t digits = i;
    v->minor = 0;
    while (i < n && d[i] >= '0' && d[i] <= '9')
        v->minor = v->minor * 10 + (uint64_t)(d[i++] - '0'); /* at most 15 digits */
    if (i == digits)
        return false;
    const uint8_t *rest = d + i;
    size_t rest_len = n - i;

    v->text_len = 0;
    text_append_int(v->text, &v->text_len, sizeof v->text, v->major);
    text_append_str(v->text, &v->text_len, sizeof v->text, ".");
    text_append_int(v->text, &v->text_len, sizeof v->text, (int64_t)v->minor);
    /* Before 3.90 (and in a 3.90 alpha/beta, whose "(" sits where the tag
     * would start) the rest is free text. */
    if (version_before(v, 3, 90) ||
        (v->major == 3 && v->minor == 90 && rest_len >= 11 && rest[rest_len - 11] == '(')) {
        size_t lo = 0, hi = rest_len;
        while (lo < hi && rest[lo] == 0)
            lo++;
        while (hi > lo && rest[hi - 1] == 0)
            hi--;
        while (hi > lo && is_space(rest[hi - 1]))
            hi--;
        bool ascii = true;
        for (size_t k = lo; k < hi; k++)
            ascii = ascii && rest[k] < 0x80;
        if (ascii)
            text_append(v->text, &v->text_len, sizeof v->text, rest + lo, hi - lo);
        else
            text_append(v->text, &v->text_len, sizeof v->text, " (?)", 4);
        v->has_tag = false;
        return true;
    }

    if (rest_len < 11)
        return false;
    size_t flag_len = rest_len - 11;
    while (flag_len > 0 && rest[flag_len - 1] == 0)
        flag_len--;
    const char *patch = "", *suffix = "";
    if (flag_len == 1 && rest[0] == ' ')
        patch = version_before(v, 3, 97) ? "0+" : "0";
    else if (flag_len == 0 || (flag_len == 1 && rest[0] == '.'))
        patch = "0+";
    else if (flag_len == 1 && rest[0] == 'r')
        patch = "1+";
    else if (flag_len == 1 && rest[0] == 'a')
        suffix = " (alpha)";
    else if (flag_len == 1 && rest[0] == 'b')
        suffix = " (beta)";
    else
        suffix = " (?)";
    if (*patch) {
        text_append(v->text, &v->text_len, sizeof v->text, ".", 1);
        text_append(v->text, &v->text_len, sizeof v->text, patch, strlen(patch));
    }
    text_append(v->text, &v->text_len, sizeof v->text, suffix, strlen(suffix));
    v->has_tag = true;
    return true;
}

typedef struct lame_tag {
    unsigned vbr_method, lowpass, encoding_flags, ath_type, bitrate, preset;
    unsigned delay, padding;
    uint32_t peak;
    uint32_t track_gain_field, album_gain_field;
} lame_tag;

/* The 27 tag bytes after the version's first 9; false unless revision 0. */
static bool parse_lame_tag(const uint8_t *p, lame_tag *t)
{
    if (p[0] >> 4)
        return false;
    t->vbr_method = p[0] & 15;
    t->lowpass = p[1] * 100u;
    t->peak = be32(p + 2);
    t->track_gain_field = be16(p + 6);
    t->album_gain_field = be16(p + 8);
    t->encoding_flags = p[10] >> 4;
    t->ath_type = p[10] & 15;
    t->bitrate = p[11];
    uint32_t delays = (uint32_t)p[12] << 16 | (uint32_t)p[13] << 8 | p[14];
    t->delay = delays >> 12;
    t->padding = delays & 0xFFF;
    t->preset = be16(p + 17) & 0x7FF;
    return true;
}

/* A ReplayGain field's adjustment in dB; false when the field is not named
 * `name` (1 track, 2 album). */
static bool gain(uint32_t field, unsigned name, bool is_signed, double *out)
{
    if ((field >> 13) != name)
        return false;
    double value = (double)(field & 0x1FF) / 10.0;
    *out = is_signed && (field & 0x200) ? -value : value;
    return true;
}

/* Python's divmod by 10 (floor division), for the Xing quality value. */
static void floor_divmod10(int64_t x, int64_t *q, int64_t *r)
{
    *q = x / 10;
    *r = x % 10;
    if (*r < 0) {
        *r += 10;
        *q -= 1;
    }
}

static const struct {
    int64_t vbr_quality, quality;
    unsigned method, lowpass, ath;
    const char *name;
} OLD_PRESETS[] = {
    {1, 2, 4, 19500, 3, "--preset r3mix"},
    {2, 2, 3, 19000, 4, "--alt-preset standard"},
    {2, 2, 3, 19500, 2, "--alt-preset extreme"},
};

static const char *const PRESET_NAMES[] = {
    /* 1001 .. 1007, as lame 3.93 - 3.97 stored them; 1003 (insane) is CBR */
    "--preset standard", "--preset extreme", NULL, "--preset fast standard",
    "--preset fast extreme", "--preset medium", "--preset fast medium"};

/* The lame options most likely used (mutagen's guess_settings). */
static size_t guess_settings(const lame_tag *t, int64_t vbr_scale, const lame_version *v,
                             char *out, size_t cap)
{
    int64_t quality_v, quality;
    floor_divmod10(100 - vbr_scale, &quality_v, &quality);
    unsigned method = t->vbr_method;
    const char *plus = t->bitrate >= 255 ? "+" : "";
    size_t n = 0;

    if (method == 2) { /* ABR */
        if (version_between(v, 90, 92) && t->encoding_flags)
            return text_option(out, cap, "--alt-preset ", t->bitrate, plus);
        if (t->preset)
            return text_option(out, cap, "--preset ", t->preset, "");
        return text_option(out, cap, "--abr ", t->bitrate, plus);
    }
    if (method == 1) { /* CBR */
        if (!t->preset)
            return t->bitrate < 255 ? text_option(out, cap, "-b ", t->bitrate, "")
                                    : text_option(out, cap, "-b ", 255, "+");
        if (t->preset == 1003) {
            text_append_str(out, &n, cap, "--preset insane");
            return n;
        }
        return text_option(out, cap, "-b ", t->preset, "");
    }

    /* VBR: method 3 is the old algorithm, 4 and 5 the new one, which is the
     * default from 3.98 on */
    bool is_vbr = method >= 3 && method <= 5, is_new = method != 3;
    const char *flag;
    if (version_between(v, 90, 92)) {
        for (size_t i = 0; i < sizeof OLD_PRESETS / sizeof OLD_PRESETS[0]; i++)
            if (OLD_PRESETS[i].vbr_quality == quality_v && OLD_PRESETS[i].quality == quality &&
                OLD_PRESETS[i].method == method && OLD_PRESETS[i].lowpass == t->lowpass &&
                OLD_PRESETS[i].ath == t->ath_type) {
                text_append_str(out, &n, cap, OLD_PRESETS[i].name);
                return n;
            }
        flag = is_new ? " --vbr-new" : "";
    } else if (version_between(v, 93, 97)) {
        if (t->preset >= 1001 && t->preset <= 1007 && PRESET_NAMES[t->preset - 1001]) {
            text_append_str(out, &n, cap, PRESET_NAMES[t->preset - 1001]);
            return n;
        }
        flag = is_new ? " --vbr-new" : "";
    } else if (!version_before(v, 3, 98)) {
        flag = is_new ? "" : " --vbr-old";
        /* lame >= 3.99 stored the wrong -V for some low qualities (lame bug
         * #455): (stored, bitrate, lowpass) -> used */
        if (is_new && !version_before(v, 3, 99) && t->lowpass == 0) {
            if (quality_v == 5 && t->bitrate == 32)
                quality_v = 7;
            else if (quality_v == 5 && t->bitrate == 8)
                quality_v = 8;
            else if (quality_v == 6 && t->bitrate == 8)
                quality_v = 9;
        }
    } else {
        return 0;
    }
    if (!is_vbr)
        return 0;
    return text_option(out, cap, "-V ", quality_v, flag);
}

/* ---- Xing / Info --------------------------------------------------------- */

typedef struct xing {
    bool is_info;
    int64_t frames, bytes, vbr_scale; /* -1 when absent */
    bool has_version, has_tag;
    lame_version version;
    lame_tag tag;
} xing;

/* Parses the n held bytes at the Xing position (n < XING_SPAN only at the
 * end of the file); false when there is no complete Xing header. */
static bool parse_xing(const uint8_t *p, size_t n, xing *x)
{
    if (n < 8 || (memcmp(p, "Xing", 4) != 0 && memcmp(p, "Info", 4) != 0))
        return false;
    x->is_info = p[0] == 'I';
    uint32_t flags = be32(p + 4);
    /* optional fields, in flag bit order: frames, bytes, TOC, quality */
    static const size_t sizes[4] = {4, 4, 100, 4};
    int64_t values[4] = {-1, -1, -1, -1};
    size_t pos = 8;
    for (unsigned bit = 0; bit < 4; bit++) {
        if (!(flags & (1u << bit)))
            continue;
        if (n - pos < sizes[bit])
            return false; /* truncated */
        if (sizes[bit] == 4)
            values[bit] = be32(p + pos);
        pos += sizes[bit];
    }
    x->frames = values[0];
    x->bytes = values[1];
    x->vbr_scale = values[3];
    x->has_version = x->has_tag = false;
    if (n - pos >= LAME_VERSION_LEN && parse_lame_version(p + pos, &x->version)) {
        x->has_version = true;
        if (x->version.has_tag && n - pos >= 9 + LAME_TAG_LEN)
            x->has_tag = parse_lame_tag(p + pos + 9, &x->tag);
    }
    return true;
}

static unsigned xing_bitrate_mode(const xing *x)
{
    if (x->has_tag) {
        switch (x->tag.vbr_method) {
        case 1: case 8: return CM_MPEG_MODE_CBR;
        case 2: case 9: return CM_MPEG_MODE_ABR;
        case 3: case 4: case 5: case 6: return CM_MPEG_MODE_VBR;
        default: break; /* unknown: judge by the Xing header */
        }
    }
    if (x->is_info)
        return CM_MPEG_MODE_CBR;
    if (x->vbr_scale != -1 || x->has_version)
        return CM_MPEG_MODE_VBR;
    return CM_MPEG_MODE_UNKNOWN;
}

static void use_xing(const frame *f, const xing *x, cm_mpeg_stream *out)
{
    out->bitrate_mode = (uint8_t)xing_bitrate_mode(x);
    out->fields |= CM_MPEG_HAS_BITRATE_MODE | CM_MPEG_HAS_ENCODER_SETTINGS;
    out->encoder_settings_len = 0;
    if (x->has_tag)
        out->encoder_settings_len = guess_settings(&x->tag, x->vbr_scale, &x->version,
                                                   out->encoder_settings,
                                                   sizeof out->encoder_settings);
    if (x->frames != -1) {
        int64_t samples = (int64_t)f->samples * x->frames;
        if (x->bytes != -1 && samples > 0) {
            /* the byte count includes this frame, which holds no audio */
            int64_t audio_bits = (x->bytes - (int64_t)f->length) * 8 * (int64_t)f->sample_rate;
            int64_t rate = round_half_even((double)audio_bits / (double)samples);
            out->bitrate = rate > 0 ? (uint64_t)rate : 0;
        }
        if (x->has_tag)
            samples -= (int64_t)x->tag.delay + (int64_t)x->tag.padding;
        out->length = (double)(samples > 0 ? samples : 0) / (double)f->sample_rate;
        out->fields |= CM_MPEG_HAS_LENGTH;
    }
    if (x->has_version) {
        out->encoder_info_len = 0;
        text_append(out->encoder_info, &out->encoder_info_len, sizeof out->encoder_info,
                    "LAME ", 5);
        text_append(out->encoder_info, &out->encoder_info_len, sizeof out->encoder_info,
                    x->version.text, x->version.text_len);
        out->fields |= CM_MPEG_HAS_ENCODER_INFO;
    }
    if (x->has_tag) {
        out->fields |= CM_MPEG_HAS_LAME_GAINS;
        if (gain(x->tag.track_gain_field, 1, true, &out->track_gain))
            out->fields |= CM_MPEG_HAS_TRACK_GAIN;
        if (x->tag.peak) {
            out->track_peak = (double)x->tag.peak / (double)(1u << 23);
            out->fields |= CM_MPEG_HAS_TRACK_PEAK;
        }
        /* mutagen ignores the album gain's sign bit */
        if (gain(x->tag.album_gain_field, 2, false, &out->album_gain))
            out->fields |= CM_MPEG_HAS_ALBUM_GAIN;
    }
}

/* ---- the first frame ----------------------------------------------------- */

static void use_frame(const frame *f, bool sketchy, cm_mpeg_stream *out)
{
    memset(out, 0, sizeof *out);
    out->frame_offset = f->offset;
    out->bitrate = f->bitrate;
    out->sample_rate = f->sample_rate;
    out->version_x10 = f->version_x10;
    out->layer = f->layer;
    out->mode = f->mode;
    out->channels = f->mode == 3 ? 1 : 2;
    out->protected_ = f->protected_;
    out->padding = f->padding;
    out->sketchy = sketchy;
    out->length = -1;
}

/* Looks for a Xing/Info header, then a VBRI header, in a Layer III frame.
 * 1: found (and *out filled from the frame and it); 0: none; -1: more
 * bytes needed. */
static int read_vbr_header(scan *s, const frame *f, cm_mpeg_stream *out)
{
    bool mono = f->mode == 3;
    uint64_t xing_pos = f->offset + (f->version_x10 == 10 ? (mono ? 21 : 36) : (mono ? 13 : 21));
    if (!reach(s, xing_pos + XING_SPAN))
        return -1;
    const uint8_t *p;
    size_t n = held(s, xing_pos, XING_SPAN, &p);
    xing x;
    if (parse_xing(p, n, &x)) {
        use_frame(f, false, out);
        use_xing(f, &x, out);
        return 1;
    }

    uint64_t vbri_pos = f->offset + VBRI_OFFSET;
    if (!reach(s, vbri_pos + VBRI_FIXED))
        return -1;
    if (held(s, vbri_pos, VBRI_FIXED, &p) < VBRI_FIXED || memcmp(p, "VBRI", 4) != 0 ||
        be16(p + 4) != 1)
        return 0;
    uint32_t entries = be16(p + 18), entry_size = be16(p + 22);
    uint64_t toc_end = vbri_pos + VBRI_FIXED + (uint64_t)entries * entry_size;
    /* the TOC's contents do not matter, only that the file holds it */
    if (toc_end > held_end(s)) {
        if (s->file_size == CM_MPEG_SIZE_UNKNOWN) {
            reach(s, toc_end);
            return -1;
        }
        if (toc_end > s->file_size)
            return 0;
    }
    if (entry_size != 2 && entry_size != 4)
        return 0;
    uint32_t nbytes = be32(p + 10), frames = be32(p + 14);
    use_frame(f, false, out);
    out->bitrate_mode = CM_MPEG_MODE_VBR;
    out->fields |= CM_MPEG_HAS_BITRATE_MODE | CM_MPEG_HAS_ENCODER_INFO | CM_MPEG_HAS_LENGTH;
    memcpy(out->encoder_info, "FhG", 3);
    out->encoder_info_len = 3;
    out->length = (double)((uint64_t)f->samples * frames) / (double)f->sample_rate;
    if (out->length != 0)
        out->bitrate = (uint64_t)((double)((uint64_t)nbytes * 8) / out->length);
    return 1;
}

/* The offset after the ID3v2 tags at pos, back to back; false (with the
 * bytes noted) when the window does not reach a header it must look at. */
static bool skip_id3v2(scan *s, uint64_t *pos)
{
    for (;;) {
        if (!reach(s, *pos + ID3V2_HEADER))
            return false;
        const uint8_t *p;
        if (held(s, *pos, ID3V2_HEADER, &p) < ID3V2_HEADER || memcmp(p, "ID3", 3) != 0)
            return true;
        /* 7 bits per byte; the top bits are ignored, as mutagen does */
        uint32_t size = (uint32_t)(p[6] & 0x7F) << 21 | (uint32_t)(p[7] & 0x7F) << 14 |
                        (uint32_t)(p[8] & 0x7F) << 7 | (p[9] & 0x7F);
        if (size == 0)
            return true;
        *pos += ID3V2_HEADER + (uint64_t)size;
    }
}

static cm_status need_more(cm_error *err, uint64_t from, uint64_t to)
{
    cm_need_more(err, to);
    if (err)
        err->offset = from;
    return CM_NEED_MORE;
}

cm_status cm_mpeg_parse(const uint8_t *data, size_t avail, uint64_t base, uint64_t start,
                        uint64_t file_size, cm_mpeg_stream *out, cm_error *err)
{
    if (start < base)
        return cm_fail(err, CM_ERR_ARGUMENT, CM_PART_CONTAINER, start,
                       "MPEG scan starts at %llu, before the bytes given (from %llu)",
                       (unsigned long long)start, (unsigned long long)base);
    scan s = {data, avail, base, file_size, 0};
    uint64_t pos = start;
    if (!skip_id3v2(&s, &pos))
        return need_more(err, pos, s.need);

    uint64_t limit = pos + MAX_READ;
    int syncs_left = MAX_SYNCS;
    bool have_fallback = false;
    frame fallback = {0};
    uint64_t at = pos;
    for (;;) {
        uint64_t known = held_end(&s) < limit ? held_end(&s) : limit;
        if (at + 1 >= known) {
            /* no whole sync left in what we hold */
            if (known >= limit || held_end(&s) >= s.file_size)
                break;
            reach(&s, at + 2);
            return need_more(err, pos, s.need);
        }
        const uint8_t *first = s.data + (at - s.base);
        const uint8_t *ff = memchr(first, 0xFF, (size_t)(known - 1 - at));
        if (!ff) {
            at = known - 1; /* its next byte is not held yet */
            continue;
        }
        uint64_t sync = at + (uint64_t)(ff - first);
        at = sync + 1;
        if ((ff[1] & 0xE0) != 0xE0)
            continue;
        if (--syncs_left <= 0)
            break;

        frame run_first = {0};
        int run = 0;
        uint64_t frame_pos = sync;
        while (run < ENOUGH_FRAMES) {
            frame f;
            int got = read_frame(&s, frame_pos, &f);
            if (got < 0)
                return need_more(err, pos, s.need);
            if (got == 0)
                break;
            if (f.layer == 3) {
                /* a VBR header vouches for the stream */
                int vbr = read_vbr_header(&s, &f, out);
                if (vbr < 0)
                    return need_more(err, pos, s.need);
                if (vbr > 0)
                    goto found;
            }
            if (run++ == 0)
                run_first = f;
            frame_pos += f.length;
        }
        if (run >= ENOUGH_FRAMES) {
            use_frame(&run_first, false, out);
            goto found;
        }
        if (run >= MIN_FRAMES && !have_fallback) {
            fallback = run_first;
            have_fallback = true;
        }
    }
    if (!have_fallback)
        return cm_fail(err, CM_ERR_NOT_FORMAT, CM_PART_CONTAINER, pos,
                       "can't sync to MPEG frame");
    use_frame(&fallback, true, out);

found:
    if (!(out->fields & CM_MPEG_HAS_LENGTH) && file_size != CM_MPEG_SIZE_UNKNOWN)
        out->length = (double)((file_size - out->frame_offset) * 8) / (double)out->bitrate;
    return CM_OK;
}
