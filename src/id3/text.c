/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "text.h"

#include <string.h>

static bool is_utf16(uint8_t encoding)
{
    return encoding == CM_ID3_UTF16 || encoding == CM_ID3_UTF16BE;
}

static bool all_ascii(const uint8_t *p, size_t n)
{
    /* Eight bytes at a time: text frames are mostly short ASCII, and this
     * decides whether they can stay slices of the file. */
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080u)
            return false;
    }
    for (; i < n; i++)
        if (p[i] & 0x80)
            return false;
    return true;
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

static cm_id3_text_error decode_latin1(const uint8_t *p, size_t n, cm_arena *arena, cm_str *out)
{
    if (all_ascii(p, n)) {
        out->ptr = (const char *)p;
        out->len = n;
        return CM_ID3_TEXT_OK;
    }
    char *buf = cm_arena_alloc(arena, n, 2);
    if (!buf)
        return CM_ID3_TEXT_NOMEM;
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += put_utf8(buf + len, p[i]);
    out->ptr = buf;
    out->len = len;
    return CM_ID3_TEXT_OK;
}

/* Eight bytes from p as a little-endian number on any host (compilers make
 * this one load where they can). */
static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

/* UTF-16 code unit i of p (n bytes), reading a missing last byte as 0. */
static uint32_t unit(const uint8_t *p, size_t n, size_t i, bool big_endian)
{
    uint32_t a = p[2 * i], b = 2 * i + 1 < n ? p[2 * i + 1] : 0;
    return big_endian ? a << 8 | b : b << 8 | a;
}

/* Four units at p, when all are ASCII: their four bytes, first in the low
 * bits; else -1.  Tags are mostly ASCII even when stored as UTF-16, and
 * this takes four units per step instead of one. */
static int64_t ascii4(const uint8_t *p, bool big_endian)
{
    uint64_t w = le64(p);
    if (w & (big_endian ? UINT64_C(0x80ff80ff80ff80ff) : UINT64_C(0xff80ff80ff80ff80)))
        return -1;
    if (big_endian)
        w >>= 8;
    return (int64_t)((w & 0xff) | (w >> 8 & 0xff00) | (w >> 16 & 0xff0000) |
                     (w >> 24 & 0xff000000));
}

/* The unit at q, two whole bytes. */
static uint32_t unit_at(const uint8_t *q, bool big_endian)
{
    return big_endian ? (uint32_t)q[0] << 8 | q[1] : (uint32_t)q[1] << 8 | q[0];
}

/* Inlined into one copy per byte order, where the order is a constant:
 * reading a unit is then two loads and a shift. */
#if defined(__GNUC__) || defined(__clang__)
#define CM_INLINE inline __attribute__((always_inline))
#else
#define CM_INLINE inline
#endif

/* Decodes units [i, units) of p into buf; false on a lone surrogate. */
static CM_INLINE bool utf16_to_utf8_in(const uint8_t *p, size_t n, size_t i, bool big_endian,
                                       char *buf, size_t *out_len)
{
    size_t units = n / 2 + n % 2, whole = n / 2, len = 0;
    /* The bulk, while a whole unit follows (a high surrogate's pair):
     * four ASCII units at once, or the next four one by one. */
    while (i + 1 < whole) {
        size_t stop = whole - 1;
        if (whole - i >= 4) {
            int64_t four = ascii4(p + 2 * i, big_endian);
            if (four >= 0) {
                buf[len] = (char)(four & 0xff);
                buf[len + 1] = (char)(four >> 8 & 0xff);
                buf[len + 2] = (char)(four >> 16 & 0xff);
                buf[len + 3] = (char)(four >> 24 & 0xff);
                len += 4;
                i += 4;
                continue;
            }
            stop = i + 4 < stop ? i + 4 : stop;
        }
        for (; i < stop; i++) {
            uint32_t cp = unit_at(p + 2 * i, big_endian);
            if ((cp & 0xf800) == 0xd800) { /* a surrogate: high, then low */
                uint32_t lo = unit_at(p + 2 * i + 2, big_endian);
                if (cp >= 0xdc00 || (lo & 0xfc00) != 0xdc00)
                    return false;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                i++; /* a pair may end at `stop`: the loop ends all the same */
            }
            len += put_utf8(buf + len, cp);
        }
    }
    /* The last unit or two, the last one maybe half. */
    for (; i < units; i++) {
        uint32_t cp = unit(p, n, i, big_endian);
        if (cp >= 0xd800 && cp <= 0xdbff) {
            if (i + 1 >= units)
                return false;
            uint32_t lo = unit(p, n, i + 1, big_endian);
            if (lo < 0xdc00 || lo > 0xdfff)
                return false;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i++;
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            return false;
        }
        len += put_utf8(buf + len, cp);
    }
    *out_len = len;
    return true;
}

static bool utf16_to_utf8(const uint8_t *p, size_t n, size_t i, bool big_endian, char *buf,
                          size_t *out_len)
{
    return big_endian ? utf16_to_utf8_in(p, n, i, true, buf, out_len)
                      : utf16_to_utf8_in(p, n, i, false, buf, out_len);
}

static cm_id3_text_error decode_utf16(uint8_t encoding, const uint8_t *p, size_t n,
                                      cm_arena *arena, cm_str *out)
{
    if (n == 0) {
        out->ptr = "";
        out->len = 0;
        return CM_ID3_TEXT_OK;
    }
    bool big_endian = encoding == CM_ID3_UTF16BE;
    size_t first = 0;
    /* Only the "with BOM" encoding reads a byte order mark; without one
     * the text is little endian (mutagen decodes it with Python's codec,
     * which defaults to the machine's order, little endian on every
     * platform it is used on). */
    if (encoding == CM_ID3_UTF16 && n >= 2) {
        if (p[0] == 0xff && p[1] == 0xfe)
            first = 1;
        else if (p[0] == 0xfe && p[1] == 0xff)
            first = 1, big_endian = true;
    }
    /* Each unit becomes at most 3 bytes of UTF-8 (a surrogate pair, two
     * units, becomes 4). */
    char *buf = cm_arena_alloc(arena, n / 2 + 1, 3);
    if (!buf)
        return CM_ID3_TEXT_NOMEM;
    size_t len;
    if (!utf16_to_utf8(p, n, first, big_endian, buf, &len)) {
        /* Text behind a big endian mark that does not decode is read again
         * as little endian, mark included (mutagen's fallback); nothing
         * else gets a second chance. */
        if (!(encoding == CM_ID3_UTF16 && big_endian && first) ||
            !utf16_to_utf8(p, n, 0, false, buf, &len))
            return CM_ID3_TEXT_INVALID;
    }
    out->ptr = buf;
    out->len = len;
    return CM_ID3_TEXT_OK;
}

cm_id3_text_error cm_id3_text_decode(uint8_t encoding, const uint8_t *data, size_t len,
                                     cm_arena *arena, cm_str *out)
{
    switch (encoding) {
    case CM_ID3_LATIN1:
        return decode_latin1(data, len, arena, out);
    case CM_ID3_UTF8:
        out->ptr = (const char *)data;
        out->len = len;
        return cm_utf8_valid(*out) ? CM_ID3_TEXT_OK : CM_ID3_TEXT_INVALID;
    case CM_ID3_UTF16:
    case CM_ID3_UTF16BE:
        return decode_utf16(encoding, data, len, arena, out);
    default:
        return CM_ID3_TEXT_INVALID;
    }
}

/* Offset of the first terminator at or after `from`, or len when none.
 * For UTF-16, terminators sit at even offsets from the string's start. */
static size_t find_terminator(bool wide, const uint8_t *p, size_t len, size_t from)
{
    if (!wide) {
        const uint8_t *nul = from < len ? memchr(p + from, 0, len - from) : NULL;
        return nul ? (size_t)(nul - p) : len;
    }
    /* Four units per step while none is 0: the test is nonzero exactly
     * when some 16-bit lane of w is zero (a borrow runs only out of a zero
     * lane), which of the four the loop below finds. */
    size_t i = from;
    for (; len - i >= 8; i += 8) {
        uint64_t w = le64(p + i);
        if ((w - UINT64_C(0x0001000100010001)) & ~w & UINT64_C(0x8000800080008000))
            break;
    }
    for (; i + 1 < len; i += 2)
        if (p[i] == 0 && p[i + 1] == 0)
            return i;
    return len;
}

size_t cm_id3_text_span(uint8_t encoding, const uint8_t *data, size_t len, size_t *consumed)
{
    bool wide = is_utf16(encoding);
    size_t end = find_terminator(wide, data, len, 0);
    if (end < len) {
        *consumed = end + (wide ? 2 : 1);
        return end;
    }
    *consumed = len;
    /* An odd UTF-16 remainder reads as if a NUL byte followed it: a lone
     * NUL last is then a terminator. */
    if (wide && len % 2 && data[len - 1] == 0)
        return len - 1;
    return len;
}

bool cm_id3_all_zero(const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (data[i])
            return false;
    return true;
}

cm_id3_text_error cm_id3_text_list(uint8_t encoding, const uint8_t *data, size_t len,
                                   bool v23, cm_arena *arena, const cm_str **values,
                                   size_t *count)
{
    if (len == 0)
        return CM_ID3_TEXT_EMPTY;
    /* Strings end at terminators, the last one's optional.  Most frames
     * hold a few: they are found into a small array, and only a longer
     * list is walked twice (to count, then to fill the arena's array). */
    enum { FEW = 8 };
    cm_str few[FEW];
    size_t n = 0, at = 0, consumed;
    while (at < len) {
        size_t end = cm_id3_text_span(encoding, data + at, len - at, &consumed);
        if (n < FEW) {
            cm_id3_text_error e = cm_id3_text_decode(encoding, data + at, end, arena, &few[n]);
            if (e != CM_ID3_TEXT_OK)
                return e;
        }
        n++;
        at += consumed;
        if (v23 && cm_id3_all_zero(data + at, len - at))
            at = len;
    }
    cm_str *list = cm_arena_alloc(arena, n, sizeof *list); /* every entry is set below */
    if (!list)
        return CM_ID3_TEXT_NOMEM;
    for (size_t i = 0; i < n && i < FEW; i++)
        list[i] = few[i];
    at = 0;
    for (size_t i = 0; n > FEW && i < n; i++) {
        size_t end = cm_id3_text_span(encoding, data + at, len - at, &consumed);
        if (i >= FEW) {
            cm_id3_text_error e = cm_id3_text_decode(encoding, data + at, end, arena, &list[i]);
            if (e != CM_ID3_TEXT_OK)
                return e;
        }
        at += consumed;
        if (v23 && cm_id3_all_zero(data + at, len - at))
            at = len;
    }
    *values = list;
    *count = n;
    return CM_ID3_TEXT_OK;
}
