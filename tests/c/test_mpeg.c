/* SPDX-License-Identifier: GPL-2.0-or-later */
/* src/mpeg: the first-frame scan, VBR headers, LAME tags, the need-more
 * protocol.  Expected numbers are mutagen 1.48.1's for the same bytes. */
#include <string.h>

#include "check.h"
#include "cmutagen.h"
#include "mpeg/mpeg.h"

/* MPEG-1 Layer III, 128 kbit/s, 44100 Hz, no CRC: 417-byte frames. */
static void frame_header(bbuf *b, unsigned mode)
{
    bb_u8(b, 0xFF), bb_u8(b, 0xFB), bb_u8(b, 0x90), bb_u8(b, mode << 6);
}

static void plain_frame(bbuf *b, unsigned mode)
{
    frame_header(b, mode);
    for (int i = 4; i < 417; i++)
        bb_u8(b, 0);
}

static void zeros(bbuf *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bb_u8(b, 0);
}

/* A frame whose Xing header (frames 10, bytes 5000, quality 57) carries a
 * LAME tag: version, VBR method, 128 kbit/s, delay 576, padding 1000. */
static void lame_frame(bbuf *b, const char *tag, const char *version, unsigned method,
                       unsigned track_gain, unsigned album_gain, uint32_t peak, unsigned mode)
{
    size_t start = b->len;
    frame_header(b, mode);
    zeros(b, (mode == 3 ? 21 : 36) - 4);
    bb_str(b, tag);
    bb_be32(b, 1 | 2 | 8);
    bb_be32(b, 10), bb_be32(b, 5000), bb_be32(b, 57);
    bb_put(b, version, 9);
    bb_u8(b, method), bb_u8(b, 185);
    bb_be32(b, peak);
    bb_u8(b, track_gain >> 8), bb_u8(b, track_gain & 0xFF);
    bb_u8(b, album_gain >> 8), bb_u8(b, album_gain & 0xFF);
    bb_u8(b, 0), bb_u8(b, 128);
    bb_be24(b, 576u << 12 | 1000u);
    zeros(b, 2 + 2 + 4 + 2 + 2);
    zeros(b, 417 - (b->len - start));
}

static int text_is(const char *text, size_t len, const char *want)
{
    return len == strlen(want) && memcmp(text, want, len) == 0;
}

static cm_status parse_all(const bbuf *b, uint64_t start, cm_mpeg_stream *st, cm_error *err)
{
    return cm_mpeg_parse(b->data, b->len, 0, start, b->len, st, err);
}

static void test_four_plain_frames(void)
{
    bbuf b = {0};
    for (int i = 0; i < 4; i++)
        plain_frame(&b, 1);
    cm_mpeg_stream st;
    cm_error err;
    CHECK(parse_all(&b, 0, &st, &err) == CM_OK);
    CHECK_EQ_U(st.frame_offset, 0);
    CHECK_EQ_U(st.bitrate, 128000);
    CHECK_EQ_U(st.sample_rate, 44100);
    CHECK(st.version_x10 == 10 && st.layer == 3 && st.mode == 1 && st.channels == 2);
    CHECK(!st.sketchy && !st.protected_ && !st.padding);
    CHECK(st.fields == 0 && st.bitrate_mode == CM_MPEG_MODE_UNKNOWN);
    CHECK(st.length == 0.10425); /* 1668 bytes at 128 kbit/s */

    /* unknown size: everything but the length */
    CHECK(cm_mpeg_parse(b.data, b.len, 0, 0, CM_MPEG_SIZE_UNKNOWN, &st, &err) == CM_OK);
    CHECK(st.length == -1);
    bb_free(&b);
}

static void test_two_frames_are_a_sketchy_fallback(void)
{
    bbuf b = {0};
    plain_frame(&b, 1), plain_frame(&b, 1);
    zeros(&b, 10);
    cm_mpeg_stream st;
    cm_error err;
    CHECK(parse_all(&b, 0, &st, &err) == CM_OK);
    CHECK(st.sketchy && st.frame_offset == 0);

    /* ... unless 4 frames follow later */
    for (int i = 0; i < 4; i++)
        plain_frame(&b, 1);
    CHECK(parse_all(&b, 0, &st, &err) == CM_OK);
    CHECK(!st.sketchy && st.frame_offset == 844);
    bb_free(&b);
}

static void test_no_stream(void)
{
    bbuf b = {0};
    plain_frame(&b, 1); /* one frame is not enough */
    bb_str(&b, "junk junk junk");
    cm_mpeg_stream st;
    cm_error err;
    CHECK(parse_all(&b, 0, &st, &err) == CM_ERR_NOT_FORMAT);
    CHECK(strcmp(err.msg, "can't sync to MPEG frame") == 0);
    CHECK(cm_mpeg_parse(b.data, 0, 0, 0, 0, &st, &err) == CM_ERR_NOT_FORMAT);
    CHECK(cm_mpeg_parse(b.data, b.len, 5, 0, b.len, &st, &err) == CM_ERR_ARGUMENT);
    bb_free(&b);
}

static void test_syncs_tried_at_most_1499(void)
{
    for (unsigned junk = 1497; junk <= 1499; junk++) {
        bbuf b = {0};
        for (unsigned i = 0; i < junk; i++)
            bb_u8(&b, 0xFF), bb_u8(&b, 0xE0); /* syncs with a reserved layer */
        for (int i = 0; i < 4; i++)
            plain_frame(&b, 1);
        cm_mpeg_stream st;
        cm_error err;
        cm_status want = junk < 1499 ? CM_OK : CM_ERR_NOT_FORMAT;
        CHECK(parse_all(&b, 0, &st, &err) == want);
        bb_free(&b);
    }
}

static void test_id3v2_tags_are_skipped(void)
{
    bbuf b = {0};
    for (int tag = 0; tag < 2; tag++) {
        bb_str(&b, "ID3");
        bb_u8(&b, 3), bb_u8(&b, 0), bb_u8(&b, 0);
        bb_be32(&b, 0x0100); /* syncsafe 128 */
        for (int i = 0; i < 128; i++)
            bb_u8(&b, 0xFF); /* syncs, were it scanned */
    }
    for (int i = 0; i < 4; i++)
        plain_frame(&b, 1);
    cm_mpeg_stream st;
    cm_error err;
    CHECK(parse_all(&b, 0, &st, &err) == CM_OK);
    CHECK_EQ_U(st.frame_offset, 276);

    /* a window that ends inside the first tag: asked to go on after it,
     * where the second tag is skipped in turn */
    CHECK(cm_mpeg_parse(b.data, 20, 0, 0, b.len, &st, &err) == CM_NEED_MORE);
    CHECK_EQ_U(err.offset, 138);
    CHECK(err.need_bytes >= 148);
    CHECK(cm_mpeg_parse(b.data + 138, b.len - 138, 138, 138, b.len, &st, &err) == CM_OK);
    CHECK_EQ_U(st.frame_offset, 276);
    bb_free(&b);
}

static void test_xing_and_lame_tag(void)
{
    bbuf b = {0};
    lame_frame(&b, "Xing", "LAME3.99r", 3, 0x2C3C, 0x4E3C, 1u << 22, 1);
    for (int i = 0; i < 3; i++)
        plain_frame(&b, 1);
    cm_mpeg_stream st;
    cm_error err;
    CHECK(parse_all(&b, 0, &st, &err) == CM_OK);
    CHECK(!st.sketchy);
    CHECK(st.length == 0.2254875283446712); /* (11520 - 576 - 1000) / 44100 */
    CHECK_EQ_U(st.bitrate, 140354);          /* (5000 - 417) bytes over 11520 samples */
    CHECK(st.bitrate_mode == CM_MPEG_MODE_VBR);
    CHECK(text_is(st.encoder_info, st.encoder_info_len, "LAME 3.99.1+"));
    CHECK(text_is(st.encoder_settings, st.encoder_settings_len, "-V 4 --vbr-old"));
    unsigned all = CM_MPEG_HAS_LENGTH | CM_MPEG_HAS_BITRATE_MODE | CM_MPEG_HAS_ENCODER_SETTINGS |
                   CM_MPEG_HAS_ENCODER_INFO | CM_MPEG_HAS_LAME_GAINS | CM_MPEG_HAS_TRACK_GAIN |
                   CM_MPEG_HAS_TRACK_PEAK | CM_MPEG_HAS_ALBUM_GAIN;
    CHECK(st.fields == all);
    CHECK(st.track_gain == 6.0 && st.track_peak == 0.5);
    CHECK(st.album_gain == 6.0); /* the album gain's sign bit is not read */
    bb_free(&b);

    /* Info in a mono frame (Xing 21 bytes in), lame 3.90, new VBR */
    b = (bbuf){0};
    lame_frame(&b, "Info", "LAME3.90 ", 4, 0, 0, 0, 3);
    CHECK(parse_all(&b, 0, &st, &err) == CM_OK);
    CHECK(st.channels == 1 && st.bitrate_mode == CM_MPEG_MODE_VBR);
    CHECK(text_is(st.encoder_info, st.encoder_info_len, "LAME 3.90.0+"));
    CHECK(text_is(st.encoder_settings, st.encoder_settings_len, "-V 4 --vbr-new"));
    CHECK(st.fields & CM_MPEG_HAS_LAME_GAINS);
    CHECK(!(st.fields & (CM_MPEG_HAS_TRACK_GAIN | CM_MPEG_HAS_TRACK_PEAK)));
    bb_free(&b);
}

static void test_lame_version_texts(void)
{
    static const struct {
        const char *version, *info;
    } cases[] = {
        {"LAME3.98 ", "LAME 3.98.0"}, {"LAME3.96 ", "LAME 3.96.0+"},
        {"LAME3.96a", "LAME 3.96 (alpha)"}, {"LAME3100r", "LAME 3.100.1+"},
        {"L3.99r\0\0\0", "LAME 3.99.1+"}, {"LAME3.99x", "LAME 3.99 (?)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bbuf b = {0};
        lame_frame(&b, "Xing", cases[i].version, 4, 0, 0, 0, 1);
        cm_mpeg_stream st;
        cm_error err;
        CHECK(parse_all(&b, 0, &st, &err) == CM_OK);
        CHECK(text_is(st.encoder_info, st.encoder_info_len, cases[i].info));
        bb_free(&b);
    }
}

static void test_vbri(void)
{
    bbuf b = {0};
    frame_header(&b, 1);
    zeros(&b, 32);
    bb_str(&b, "VBRI");
    bb_u8(&b, 0), bb_u8(&b, 1);              /* version */
    zeros(&b, 4);                            /* delay, quality */
    bb_be32(&b, 1000), bb_be32(&b, 10);      /* bytes, frames */
    bb_u8(&b, 0), bb_u8(&b, 3);              /* 3 TOC entries */
    bb_u8(&b, 0), bb_u8(&b, 1);              /* scale */
    bb_u8(&b, 0), bb_u8(&b, 2);              /* of 2 bytes */
    bb_u8(&b, 0), bb_u8(&b, 8);              /* frames per entry */
    zeros(&b, 417 - b.len);
    cm_mpeg_stream st;
    cm_error err;
    CHECK(parse_all(&b, 0, &st, &err) == CM_OK);
    CHECK(text_is(st.encoder_info, st.encoder_info_len, "FhG"));
    CHECK(st.bitrate_mode == CM_MPEG_MODE_VBR);
    CHECK(st.length == 0.2612244897959184);
    CHECK_EQ_U(st.bitrate, 30624); /* 8000 / 0.26122... truncated, just under 30625 */
    CHECK(!(st.fields & CM_MPEG_HAS_ENCODER_SETTINGS));

    /* a TOC past the end of the file is no VBRI header: 1 plain frame */
    b.data[36 + 19] = 200;
    CHECK(parse_all(&b, 0, &st, &err) == CM_ERR_NOT_FORMAT);
    bb_free(&b);
}

/* Any window the caller starts with converges on the whole-file answer,
 * and every request asks for bytes the window did not hold. */
static void test_need_more_converges(void)
{
    bbuf b = {0};
    bb_str(&b, "ID3");
    bb_u8(&b, 4), bb_u8(&b, 0), bb_u8(&b, 0);
    bb_be32(&b, 0x0200); /* 256 */
    zeros(&b, 256);
    zeros(&b, 3000);
    plain_frame(&b, 1), plain_frame(&b, 1);
    lame_frame(&b, "Xing", "LAME3.99r", 4, 0, 0, 0, 1);
    plain_frame(&b, 1);
    cm_mpeg_stream whole, st;
    cm_error err;
    CHECK(parse_all(&b, 0, &whole, &err) == CM_OK);
    CHECK_EQ_U(whole.frame_offset, 266 + 3000 + 834);

    for (size_t first = 0; first <= b.len; first += 37) {
        for (int known = 0; known < 2; known++) {
            uint64_t base = 0, start = 0;
            size_t len = first;
            cm_status s = CM_NEED_MORE;
            for (int rounds = 0; rounds < 64 && s == CM_NEED_MORE; rounds++) {
                uint64_t size = known || base + len >= b.len ? b.len : CM_MPEG_SIZE_UNKNOWN;
                s = cm_mpeg_parse(b.data + base, len, base, start, size, &st, &err);
                if (s != CM_NEED_MORE)
                    break;
                CHECK(err.offset >= start && err.need_bytes > base + len);
                start = err.offset;
                if (start > base + len) {
                    base = start;
                    len = 0;
                }
                /* as a reader would: what was asked, at least double */
                uint64_t end = err.need_bytes < b.len ? err.need_bytes : b.len;
                size_t want = (size_t)(end - base);
                if (want < 2 * len)
                    want = 2 * len;
                len = want < b.len - base ? want : (size_t)(b.len - base);
            }
            CHECK(s == CM_OK);
            CHECK(st.frame_offset == whole.frame_offset && st.length == whole.length);
            CHECK(st.bitrate == whole.bitrate && st.fields == whole.fields);
        }
    }
    bb_free(&b);
}

TEST_LIST(test_four_plain_frames, test_two_frames_are_a_sketchy_fallback, test_no_stream,
          test_syncs_tried_at_most_1499, test_id3v2_tags_are_skipped, test_xing_and_lame_tag,
          test_lame_version_texts, test_vbri, test_need_more_converges)
