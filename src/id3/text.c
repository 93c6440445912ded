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
    char *buf = cm_arena_calloc(arena, n, 2);
    if (!buf)
        return CM_ID3_TEXT_NOMEM;
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += put_utf8(buf + len, p[i]);
    out->ptr = buf;
    out->len = len;
    return CM_ID3_TEXT_OK;
}

/* UTF-16 code unit i of p (n bytes), reading a missing last byte as 0. */
static uint32_t unit(const uint8_t *p, size_t n, size_t i, bool big_endian)
{
    uint32_t a = p[2 * i], b = 2 * i + 1 < n ? p[2 * i + 1] : 0;
    return big_endian ? a << 8 | b : b << 8 | a;
}

static cm_id3_text_error decode_utf16(uint8_t encoding, const uint8_t *p, size_t n,
                                      cm_arena *arena, cm_str *out)
{
    bool big_endian = encoding == CM_ID3_UTF16BE;
    size_t units = n / 2 + n % 2, i = 0;
    /* Only the "with BOM" encoding reads a byte order mark; without one
     * the text is little endian (mutagen decodes it with Python's codec,
     * which defaults to the machine's order, little endian on every
     * platform it is used on). */
    if (encoding == CM_ID3_UTF16 && n >= 2) {
        if (p[0] == 0xff && p[1] == 0xfe)
            i = 1;
        else if (p[0] == 0xfe && p[1] == 0xff)
            i = 1, big_endian = true;
    }
    /* Each unit becomes at most 3 bytes of UTF-8 (a surrogate pair, two
     * units, becomes 4). */
    char *buf = cm_arena_calloc(arena, units - i + 1, 3);
    if (!buf)
        return CM_ID3_TEXT_NOMEM;
    size_t len = 0;
    for (; i < units; i++) {
        uint32_t cp = unit(p, n, i, big_endian);
        if (cp >= 0xd800 && cp <= 0xdbff) {
            if (i + 1 >= units)
                return CM_ID3_TEXT_INVALID;
            uint32_t lo = unit(p, n, i + 1, big_endian);
            if (lo < 0xdc00 || lo > 0xdfff)
                return CM_ID3_TEXT_INVALID;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i++;
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            return CM_ID3_TEXT_INVALID;
        }
        len += put_utf8(buf + len, cp);
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

/* Offset of the first terminator at or after `from`, or len when none. */
static size_t find_terminator(bool wide, const uint8_t *p, size_t len, size_t from)
{
    if (!wide) {
        const uint8_t *nul = from < len ? memchr(p + from, 0, len - from) : NULL;
        return nul ? (size_t)(nul - p) : len;
    }
    for (size_t i = from; i + 1 < len; i += 2)
        if (p[i] == 0 && p[i + 1] == 0)
            return i;
    return len;
}

size_t cm_id3_text_span(uint8_t encoding, const uint8_t *data, size_t len, size_t *consumed)
{
    bool wide = is_utf16(encoding);
    size_t end = find_terminator(wide, data, len, 0);
    *consumed = end < len ? end + (wide ? 2 : 1) : len;
    return end;
}

cm_id3_text_error cm_id3_text_list(uint8_t encoding, const uint8_t *data, size_t len,
                                   cm_arena *arena, const cm_str **values, size_t *count)
{
    if (len == 0)
        return CM_ID3_TEXT_EMPTY;
    bool wide = is_utf16(encoding);
    size_t term = wide ? 2 : 1;
    if (wide && len % 2) {
        /* An odd UTF-16 list reads as if a NUL byte followed it (so a last
         * string cut in half still decodes, and a lone trailing NUL makes a
         * terminator with it): copy it once with that byte added. */
        uint8_t *padded = cm_arena_calloc(arena, len + 1, 1);
        if (!padded)
            return CM_ID3_TEXT_NOMEM;
        memcpy(padded, data, len);
        data = padded;
        len++;
    }
    /* One trailing terminator ends the last string rather than starting an
     * empty one. */
    if (len >= term && find_terminator(wide, data, len, len - term) == len - term)
        len -= term;

    size_t n = 1;
    for (size_t at = find_terminator(wide, data, len, 0); at < len;
         at = find_terminator(wide, data, len, at + term))
        n++;
    cm_str *list = cm_arena_calloc(arena, n, sizeof *list);
    if (!list)
        return CM_ID3_TEXT_NOMEM;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        size_t end = find_terminator(wide, data, len, start);
        cm_id3_text_error e = cm_id3_text_decode(encoding, data + start, end - start, arena,
                                                 &list[i]);
        if (e != CM_ID3_TEXT_OK)
            return e;
        start = end + term;
    }
    *values = list;
    *count = n;
    return CM_ID3_TEXT_OK;
}
