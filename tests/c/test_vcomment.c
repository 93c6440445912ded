/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/utf8.h"
#include "vorbis/vcomment.h"

static void vc_string(bbuf *b, const char *s)
{
    bb_le32(b, (uint32_t)strlen(s));
    bb_str(b, s);
}

static int str_is(cm_str s, const char *want)
{
    return s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

static void test_entries_split_at_first_equals(void)
{
    bbuf b = {0};
    vc_string(&b, "vendor");
    bb_le32(&b, 3);
    vc_string(&b, "TITLE=a=b");
    vc_string(&b, "novalue");
    vc_string(&b, "EMPTY=");
    bb_u8(&b, 1);
    cm_arena a;
    cm_arena_init(&a);
    cm_cursor c = cm_cursor_make(b.data, b.len);
    cm_vcomment *vc = NULL;
    cm_error err;
    CHECK(cm_vcomment_parse(&c, true, 0, &a, &vc, &err) == CM_OK);
    CHECK(c.pos == b.len);
    CHECK(str_is(vc->vendor, "vendor"));
    CHECK_EQ_U(vc->count, 3);
    CHECK(str_is(vc->entries[0].key, "TITLE") && str_is(vc->entries[0].value, "a=b"));
    CHECK(!vc->entries[1].has_equals && str_is(vc->entries[1].key, "novalue"));
    CHECK(vc->entries[2].has_equals && vc->entries[2].value.len == 0);
    CHECK(vc->framing_bit);
    cm_arena_release(&a);
    bb_free(&b);
}

static void test_every_truncation_is_an_error(void)
{
    bbuf b = {0};
    vc_string(&b, "v");
    bb_le32(&b, 2);
    vc_string(&b, "A=1");
    vc_string(&b, "B=2");
    for (size_t cut = 0; cut < b.len; cut++) {
        cm_arena a;
        cm_arena_init(&a);
        cm_cursor c = cm_cursor_make(b.data, cut);
        cm_vcomment *vc = NULL;
        cm_error err;
        CHECK(cm_vcomment_parse(&c, false, 100, &a, &vc, &err) == CM_ERR_TRUNCATED);
        CHECK(err.part == CM_PART_VORBIS && err.msg[0] != '\0' && err.offset >= 100);
        cm_arena_release(&a);
    }
    bb_free(&b);
}

static void test_huge_count_fails_without_allocating(void)
{
    bbuf b = {0};
    vc_string(&b, "v");
    bb_le32(&b, 0xffffffffu);
    cm_arena a;
    cm_arena_init(&a);
    cm_cursor c = cm_cursor_make(b.data, b.len);
    cm_vcomment *vc = NULL;
    cm_error err;
    CHECK(cm_vcomment_parse(&c, false, 0, &a, &vc, &err) == CM_ERR_TRUNCATED);
    CHECK(a.total < 1024 * 1024);
    cm_arena_release(&a);
    bb_free(&b);
}

/* ---- cm_utf8_valid (the check tag text goes through) ---------------------- */

/* The reference: decode each character and check it against the Unicode
 * Standard's definition (chapter 3): the shortest form, no surrogates,
 * nothing above U+10FFFF. */
static int utf8_reference(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = p[i];
        size_t len = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3
                   : (b & 0xf8) == 0xf0 ? 4 : 0;
        if (len == 0 || n - i < len)
            return 0;
        uint32_t cp = len == 1 ? b : (uint32_t)(b & (0x7f >> len));
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i + k] & 0x3f);
        }
        static const uint32_t shortest[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < shortest[len] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return 0;
        i += len;
    }
    return 1;
}

/* cm_utf8_valid, and each of its ways alone (the byte-wise one, and the
 * vector one where the machine runs it, whatever the length), agree with
 * the reference. */
static int utf8_same(const uint8_t *p, size_t n)
{
    cm_str s = {(const char *)p, n};
    bool want = utf8_reference(p, n) != 0;
    bool same = cm_utf8_valid(s) == want && cm_utf8_valid_portable(s) == want;
#ifdef CM_UTF8_VECTOR
    if (cm_utf8_have_vector())
        same = same && cm_utf8_valid_vector(s) == want;
#endif
    return same;
}

static void test_utf8_every_short_sequence(void)
{
    /* every string of one and two bytes; three and four bytes from the
     * values where the rules change */
    static const uint8_t edges[] = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
                                    0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee,
                                    0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff};
    enum { E = sizeof edges };
    int mismatches = 0, valid = 0;
    for (unsigned a = 0; a < 256; a++) {
        uint8_t one[1] = {(uint8_t)a};
        mismatches += !utf8_same(one, 1);
        for (unsigned b = 0; b < 256; b++) {
            uint8_t two[2] = {(uint8_t)a, (uint8_t)b};
            mismatches += !utf8_same(two, 2);
        }
    }
    for (unsigned a = 0; a < E; a++)
        for (unsigned b = 0; b < E; b++)
            for (unsigned c = 0; c < E; c++)
                for (unsigned d = 0; d < E; d++) {
                    uint8_t four[4] = {edges[a], edges[b], edges[c], edges[d]};
                    mismatches += !utf8_same(four, 3) + !utf8_same(four, 4);
                    valid += utf8_reference(four, 4);
                }
    CHECK(mismatches == 0);
    CHECK(valid > 1000); /* valid strings were among them */
    CHECK(cm_utf8_valid((cm_str){"", 0}));
}

static void test_utf8_characters_across_blocks(void)
{
    /* a character cut by ASCII, with the ASCII at any alignment and long
     * enough for the sixteen-byte steps: "a..a\xc3b..b\xa9" and the like */
    static const char *const splits[][2] = {
        {"\xc3", "\xa9"}, {"\xe6\x97", "\xa5"}, {"\xe6", "\x97\xa5"}, {"\xf0\x9f\x94", "\xa5"},
    };
    int mismatches = 0, rejected = 0;
    for (size_t s = 0; s < sizeof splits / sizeof splits[0]; s++)
        for (size_t before = 0; before < 40; before++)
            for (size_t between = 0; between < 40; between++) {
                uint8_t text[100];
                size_t n = 0;
                for (size_t k = 0; k < before; k++)
                    text[n++] = 'a';
                for (const char *c = splits[s][0]; *c; c++)
                    text[n++] = (uint8_t)*c;
                for (size_t k = 0; k < between; k++)
                    text[n++] = 'b';
                for (const char *c = splits[s][1]; *c; c++)
                    text[n++] = (uint8_t)*c;
                mismatches += !utf8_same(text, n);
                rejected += !cm_utf8_valid((cm_str){(const char *)text, n});
            }
    CHECK(mismatches == 0);
    CHECK(rejected == 4 * 40 * 39); /* all but the unbroken ones */
}

static uint32_t rng_state = 2463534242u;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Appends a random character: ASCII runs, Latin, CJK and emoji, as tags
 * mix them. */
static size_t random_char(uint8_t *out)
{
    static const uint32_t ranges[][2] = {
        {0x20, 0x7e}, {0x20, 0x7e}, {0xa0, 0x7ff}, {0x800, 0xd7ff}, {0xe000, 0xffff},
        {0x10000, 0x10ffff},
    };
    const uint32_t *r = ranges[rng() % 6];
    uint32_t cp = r[0] + rng() % (r[1] - r[0] + 1);
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xc0 | cp >> 6);
        out[1] = (uint8_t)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xe0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (uint8_t)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (uint8_t)(0xf0 | cp >> 18);
    out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (uint8_t)(0x80 | (cp & 0x3f));
    return 4;
}

static void test_utf8_random_text(void)
{
    /* text of up to 300 bytes (the validator takes 16 at a time), valid,
     * then with a byte changed, inserted or cut off anywhere */
    enum { MAX = 300 };
    int mismatches = 0, valid = 0, invalid = 0;
    for (int round = 0; round < 20000; round++) {
        uint8_t text[MAX + 8];
        /* a quarter of them short, where the byte-wise way takes over */
        size_t n = 0, want = rng() % (round % 4 ? MAX : 40);
        size_t ascii_run = rng() % 4 == 0 ? rng() % 40 : 0; /* long ASCII stretches too */
        while (n < want) {
            if (ascii_run && rng() % 8 == 0)
                for (size_t k = 0; k < ascii_run && n < want; k++)
                    text[n++] = (uint8_t)('a' + k % 26);
            else
                n += random_char(text + n);
        }
        switch (rng() % 4) {
        case 0:
            break;
        case 1:
            if (n)
                text[rng() % n] = (uint8_t)rng();
            break;
        case 2:
            if (n)
                n = rng() % n;
            break;
        default:
            if (n) {
                size_t at = rng() % n;
                memmove(text + at + 1, text + at, n - at);
                text[at] = (uint8_t)(0x80 + rng() % 0x80);
                n++;
            }
        }
        mismatches += !utf8_same(text, n);
        if (utf8_reference(text, n))
            valid++;
        else
            invalid++;
    }
    CHECK(mismatches == 0);
    CHECK(valid > 5000 && invalid > 5000);
}

TEST_LIST(test_entries_split_at_first_equals, test_every_truncation_is_an_error,
          test_huge_count_fails_without_allocating, test_utf8_every_short_sequence,
          test_utf8_characters_across_blocks, test_utf8_random_text)
