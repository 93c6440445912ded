/* UTF-8 validation, from the Unicode Standard's table of well-formed byte
 * sequences (chapter 3, "UTF-8"): no overlong forms, no surrogates, nothing
 * above U+10FFFF.  Tag text is validated on every read, so this is on the
 * hot path: ASCII goes eight bytes at a time, and each lead byte says in
 * one table lookup how long its sequence is and what its second byte may
 * be.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmutagen.h"

#include <string.h>

/* Per lead byte: the sequence length (0: not a lead byte) and the range of
 * its second byte; the third and fourth bytes are always 0x80..0xBF. */
typedef struct lead {
    uint8_t len, lo, hi;
} lead;

#define L2 {2, 0x80, 0xbf}
#define L3 {3, 0x80, 0xbf}
#define L4 {4, 0x80, 0xbf}
static const lead leads[64] = {
    /* 0xC0, 0xC1: only overlong forms of ASCII */
    {0, 0, 0}, {0, 0, 0}, L2, L2, L2, L2, L2, L2,
    L2, L2, L2, L2, L2, L2, L2, L2,
    L2, L2, L2, L2, L2, L2, L2, L2,
    L2, L2, L2, L2, L2, L2, L2, L2,
    /* 0xE0: above the overlong range; 0xED: below the surrogates */
    {3, 0xa0, 0xbf}, L3, L3, L3, L3, L3, L3, L3,
    L3, L3, L3, L3, L3, {3, 0x80, 0x9f}, L3, L3,
    /* 0xF0: above the overlong range; 0xF4: up to U+10FFFF */
    {4, 0x90, 0xbf}, L4, L4, L4, {4, 0x80, 0x8f}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0},
    {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0},
};

static bool is_continuation(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

bool cm_utf8_valid(cm_str s)
{
    const unsigned char *p = (const unsigned char *)s.ptr;
    size_t i = 0, n = s.len;
    while (i < n) {
        if (n - i >= 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (!(w & 0x8080808080808080u)) {
                i += 8;
                continue;
            }
        }
        unsigned char c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        /* 0x80..0xBF (a continuation byte) cannot lead */
        if (c < 0xc0)
            return false;
        lead l = leads[c - 0xc0];
        if (l.len == 0 || n - i < l.len || p[i + 1] < l.lo || p[i + 1] > l.hi)
            return false;
        if (l.len >= 3 && !is_continuation(p[i + 2]))
            return false;
        if (l.len == 4 && !is_continuation(p[i + 3]))
            return false;
        i += l.len;
    }
    return true;
}
