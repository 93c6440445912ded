/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ID3v2 (2.2, 2.3, 2.4) and ID3v1 through the public API: every header and
 * frame flag path, the text encodings, hostile sizes, and the MP3/ID3
 * document with its head and tail requests. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "cmutagen.h"
#include "core/arena.h"
#include "id3/id3v2.h"
#include "id3/text.h"

/* ---- building tags ------------------------------------------------------ */

static void syncsafe(bbuf *b, uint32_t v)
{
    bb_u8(b, v >> 21 & 0x7f), bb_u8(b, v >> 14 & 0x7f), bb_u8(b, v >> 7 & 0x7f), bb_u8(b, v & 0x7f);
}

static void put(bbuf *b, const void *p, size_t n)
{
    bb_put(b, p, n);
}

/* A v2.3/v2.4 frame: id, size (syncsafe for 2.4 unless `plain`), flags. */
static void frame4(bbuf *b, int version, const char *id, uint16_t flags, const void *body,
                   size_t len, int plain)
{
    put(b, id, 4); /* ids may hold NUL bytes */
    if (version == 4 && !plain)
        syncsafe(b, (uint32_t)len);
    else
        bb_be32(b, (uint32_t)len);
    bb_u8(b, flags >> 8), bb_u8(b, flags & 0xff);
    put(b, body, len);
}

static void frame2(bbuf *b, const char *id, const void *body, size_t len)
{
    bb_str(b, id);
    bb_be24(b, (uint32_t)len);
    put(b, body, len);
}

/* "ID3" header + the frames in `body`, padded with `padding` zero bytes. */
static void tag(bbuf *out, int version, uint8_t flags, const bbuf *body, size_t padding)
{
    bb_str(out, "ID3");
    bb_u8(out, (unsigned)version), bb_u8(out, 0), bb_u8(out, flags);
    syncsafe(out, (uint32_t)(body->len + padding));
    put(out, body->data, body->len);
    for (size_t i = 0; i < padding; i++)
        bb_u8(out, 0);
}

/* At least n bytes of MPEG audio: whole silent frames of MPEG-1 Layer III
 * at 128 kbit/s, 44.1 kHz (417 bytes each), at least two of them. */
static void audio(bbuf *b, size_t n)
{
    for (size_t done = 0; done < n || done < 2 * 417; done += 417) {
        bb_u8(b, 0xff), bb_u8(b, 0xfb), bb_u8(b, 0x90), bb_u8(b, 0x00);
        for (int i = 4; i < 417; i++)
            bb_u8(b, 0);
    }
}

#define LIT(s) s, sizeof s - 1

static int str_eq(cm_str s, const char *want)
{
    return s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

static int bytes_eq(cm_bytes s, const void *want, size_t n)
{
    return s.len == n && (n == 0 || memcmp(s.ptr, want, n) == 0);
}

static cm_doc *read_as(const bbuf *b, cm_format format, cm_error *err)
{
    cm_read_opts opts = {format};
    return cm_read_mem(b->data, b->len, &opts, err);
}

static const cm_id3v2 *v2_of(const cm_doc *doc)
{
    const cm_mp3 *mp3 = cm_doc_mp3(doc);
    return mp3 ? mp3->id3v2 : NULL;
}

static const cm_id3_frame *find(const cm_id3v2 *t, const char *id)
{
    for (size_t i = 0; t && i < t->frame_count; i++)
        if (strcmp(t->frames[i].id, id) == 0)
            return &t->frames[i];
    return NULL;
}

/* Parses a v2.4 (or other) tag holding one frame with this body and
 * returns a copy of that frame's view (the document stays open in *doc). */
static const cm_id3_frame *one_frame(int version, const char *id, uint16_t flags,
                                     const void *body, size_t len, cm_doc **doc)
{
    bbuf frames = {0}, file = {0};
    if (version == 2)
        frame2(&frames, id, body, len);
    else
        frame4(&frames, version, id, flags, body, len, 0);
    tag(&file, version, 0, &frames, 16);
    cm_error err;
    /* the document points into the file: keep it alive with the doc */
    *doc = read_as(&file, CM_FORMAT_ID3, &err);
    static bbuf keep[64];
    static size_t next;
    bb_free(&keep[next % 64]);
    keep[next++ % 64] = file;
    bb_free(&frames);
    const cm_id3v2 *t = *doc ? v2_of(*doc) : NULL;
    return t && t->frame_count == 1 ? &t->frames[0] : NULL;
}

/* ---- tests --------------------------------------------------------------- */

static void test_v24_common_frames(void)
{
    bbuf f = {0}, file = {0};
    frame4(&f, 4, "TIT2", 0, LIT("\x00Title"), 0);
    frame4(&f, 4, "TPE1", 0, LIT("\x03" "A\xc3\xa9\x00" "B"), 0);
    frame4(&f, 4, "TXXX", 0, LIT("\x00" "desc\x00" "v1\x00" "v2"), 0);
    frame4(&f, 4, "COMM", 0, LIT("\x00" "engshort\x00" "the text"), 0);
    frame4(&f, 4, "USLT", 0, LIT("\x00" "deu\x00" "line\x00" "ignored"), 0);
    frame4(&f, 4, "APIC", 0, LIT("\x00" "image/png\x00\x03" "cover\x00" "PNGDATA"), 0);
    frame4(&f, 4, "UFID", 0, LIT("http://musicbrainz.org\x00" "1234"), 0);
    frame4(&f, 4, "PRIV", 0, LIT("owner\x00\x01\x02"), 0);
    frame4(&f, 4, "POPM", 0, LIT("me@x\x00\xc4\x00\x00\x01\x00"), 0);
    frame4(&f, 4, "WOAR", 0, LIT("http://a\x00junk"), 0);
    frame4(&f, 4, "WXXX", 0, LIT("\x00" "d\x00" "http://b"), 0);
    frame4(&f, 4, "MCDI", 0, LIT("\x01\x02\x03"), 0);
    tag(&file, 4, 0, &f, 100);
    audio(&file, 400);

    cm_error err;
    cm_doc *doc = read_as(&file, CM_FORMAT_MP3, &err);
    CHECK(doc != NULL);
    const cm_mp3 *mp3 = cm_doc_mp3(doc);
    CHECK(mp3 && cm_doc_flac(doc) == NULL && cm_doc_format(doc) == CM_FORMAT_MP3);
    const cm_id3v2 *t = mp3 ? mp3->id3v2 : NULL;
    CHECK(t && t->version == 4 && t->revision == 0 && t->flags == 0);
    CHECK(t && t->size == f.len + 100 && t->padding == 100 && t->syncsafe_frame_sizes);
    CHECK(t && t->frame_count == 12 && t->data_offset == 10 && !t->has_extended_header);
    CHECK(mp3 && mp3->audio_offset == 10 + f.len + 100 && mp3->id3v1 == NULL);
    /* the audio behind the tag */
    const cm_mpeg_info *info = mp3 ? mp3->info : NULL;
    CHECK(info && info->sample_rate == 44100 && info->layer == 3 && info->version == 1.0 &&
          info->bitrate == 128000 && info->audio_offset == mp3->audio_offset);

    const cm_id3_frame *x = find(t, "TIT2");
    CHECK(x && x->status == CM_ID3_FRAME_OK && x->kind == CM_ID3_KIND_TEXT && !x->junk);
    CHECK(x && x->offset == 10 && x->raw.len == 16 && x->text_count == 1 && str_eq(x->text[0], "Title"));
    /* Latin-1 ASCII stays a slice of the file */
    CHECK(x && (const uint8_t *)x->text[0].ptr == file.data + 21);
    x = find(t, "TPE1");
    CHECK(x && x->encoding == 3 && x->text_count == 2 && str_eq(x->text[0], "A\xc3\xa9") &&
          str_eq(x->text[1], "B"));
    x = find(t, "TXXX");
    CHECK(x && x->kind == CM_ID3_KIND_USER_TEXT && str_eq(x->desc, "desc") && x->text_count == 2 &&
          str_eq(x->text[1], "v2"));
    x = find(t, "COMM");
    CHECK(x && x->kind == CM_ID3_KIND_COMMENT && strcmp(x->lang, "eng") == 0 &&
          str_eq(x->desc, "short") && x->text_count == 1 && str_eq(x->text[0], "the text"));
    x = find(t, "USLT");
    CHECK(x && strcmp(x->lang, "deu") == 0 && str_eq(x->desc, "") && x->text_count == 1 &&
          str_eq(x->text[0], "line"));
    x = find(t, "APIC");
    CHECK(x && x->kind == CM_ID3_KIND_PICTURE && str_eq(x->mime, "image/png") &&
          x->picture_type == 3 && str_eq(x->desc, "cover") && bytes_eq(x->data, LIT("PNGDATA")));
    x = find(t, "UFID");
    CHECK(x && x->kind == CM_ID3_KIND_OWNER_DATA && str_eq(x->desc, "http://musicbrainz.org") &&
          bytes_eq(x->data, LIT("1234")));
    x = find(t, "PRIV");
    CHECK(x && str_eq(x->desc, "owner") && bytes_eq(x->data, LIT("\x01\x02")));
    x = find(t, "POPM");
    CHECK(x && x->kind == CM_ID3_KIND_POPULARIMETER && str_eq(x->desc, "me@x") &&
          x->rating == 0xc4 && x->has_count && x->count == 256);
    x = find(t, "WOAR");
    CHECK(x && x->kind == CM_ID3_KIND_URL && x->text_count == 1 && str_eq(x->text[0], "http://a"));
    x = find(t, "WXXX");
    CHECK(x && x->kind == CM_ID3_KIND_USER_URL && str_eq(x->desc, "d") && str_eq(x->text[0], "http://b"));
    x = find(t, "MCDI");
    CHECK(x && x->kind == CM_ID3_KIND_NONE && bytes_eq(x->body, LIT("\x01\x02\x03")));
    cm_doc_free(doc);
    bb_free(&f), bb_free(&file);
}

static void test_text_encodings(void)
{
    static const struct {
        const char *body;
        size_t len;
        int junk;
        size_t count;
        const char *values[3];
    } cases[] = {
        /* Latin-1: transcoded; one trailing NUL dropped, others split */
        {LIT("\x00" "caf\xe9"), 0, 1, {"caf\xc3\xa9"}},
        {LIT("\x00" "a\x00"), 0, 1, {"a"}},
        {LIT("\x00" "a\x00\x00"), 0, 2, {"a", ""}},
        {LIT("\x00\x00"), 0, 1, {""}},
        {LIT("\x00"), 1, 0, {NULL}},              /* no text at all */
        {LIT("\x04" "abc"), 1, 0, {NULL}},        /* no such encoding */
        /* UTF-16 with BOMs, each value its own; none means little endian */
        {LIT("\x01\xff\xfe" "a\x00\x00\x00\xfe\xff\x00" "b"), 0, 2, {"a", "b"}},
        {LIT("\x01" "a\x00\xe9\x00"), 0, 1, {"a\xc3\xa9"}},
        {LIT("\x01\xff\xfe"), 0, 1, {""}},
        {LIT("\x01\xff\xfe" "H\x00i\x00\x00"), 0, 1, {"Hi"}},   /* odd: NUL added */
        {LIT("\x01" "a\x00" "b"), 0, 1, {"ab"}},
        {LIT("\x01\x00\x00\x00"), 0, 2, {"", ""}},
        {LIT("\x01\xff\xfe\x3d\xd8\x00\xde"), 0, 1, {"\xf0\x9f\x98\x80"}}, /* surrogate pair */
        {LIT("\x01\xff\xfe\x00\xd8"), 1, 0, {NULL}},  /* lone high surrogate */
        {LIT("\x01\xff\xfe\x00\xdc" "a\x00"), 1, 0, {NULL}}, /* lone low surrogate */
        /* UTF-16BE: a BOM is a character */
        {LIT("\x02\x00" "a\x00\x00\x00" "b"), 0, 2, {"a", "b"}},
        {LIT("\x02\xfe\xff\x00" "a"), 0, 1, {"\xef\xbb\xbf" "a"}},
        /* UTF-8 must be valid */
        {LIT("\x03\xed\xa0\x80"), 1, 0, {NULL}},
        {LIT("\x03\xe2\x82\xac\x00"), 0, 1, {"\xe2\x82\xac"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cm_doc *doc;
        const cm_id3_frame *f = one_frame(4, "TPE1", 0, cases[i].body, cases[i].len, &doc);
        CHECK(f != NULL);
        if (!f) {
            fprintf(stderr, "  case %zu\n", i);
            cm_doc_free(doc);
            continue;
        }
        int ok = f->junk == cases[i].junk && f->text_count == cases[i].count;
        for (size_t k = 0; ok && k < cases[i].count; k++)
            ok = str_eq(f->text[k], cases[i].values[k]);
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "  case %zu\n", i);
        cm_doc_free(doc);
    }
}

static void test_frame_layout_junk(void)
{
    static const struct {
        const char *id;
        const char *body;
        size_t len;
        int junk;
    } cases[] = {
        {"TXXX", LIT("\x00" "desc"), 1},            /* no value after the description */
        {"TXXX", LIT("\x00" "desc\x00"), 1},
        {"TXXX", LIT("\x01\xff\xfe" "d\x00\x00\x00\x00"), 0},
        {"COMM", LIT("\x00" "en"), 1},              /* language cut short */
        {"COMM", LIT("\x00\xff\xfe\x01" "d\x00" "x"), 1}, /* language not ASCII */
        {"COMM", LIT("\x00" "eng\x00"), 1},
        {"USLT", LIT("\x00" "engdesc\x00"), 1},
        {"APIC", LIT("\x00" "image/png"), 1},       /* no picture type */
        {"APIC", LIT("\x00" "image/png\x00\x03" "desc"), 0}, /* empty data is fine */
        {"APIC", LIT("\x00\x00\x03\x00"), 0},
        {"UFID", LIT("owner"), 0},
        {"POPM", LIT("e@x\x00"), 1},                /* no rating */
        {"POPM", LIT("e@x\x00\x05"), 0},
        {"WOAR", LIT("\x00" "abc"), 0},
        {"WXXX", LIT("\x00" "d\x00"), 1},
        {"WXXX", LIT("\x00" "d\x00\x00"), 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cm_doc *doc;
        const cm_id3_frame *f = one_frame(4, cases[i].id, 0, cases[i].body, cases[i].len, &doc);
        int ok = f && f->junk == cases[i].junk && f->kind != CM_ID3_KIND_NONE;
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "  case %zu (%s)\n", i, cases[i].id);
        cm_doc_free(doc);
    }
    cm_doc *doc;
    const cm_id3_frame *f = one_frame(4, "POPM", 0, LIT("e@x\x00\x05"), &doc);
    CHECK(f && f->rating == 5 && !f->has_count && f->count == 0);
    cm_doc_free(doc);
    f = one_frame(4, "POPM", 0, LIT("e@x\x00\x05\x01\x00\x00\x00\x00\x00\x00\x00\x00"), &doc);
    CHECK(f && f->has_count && f->count == UINT64_MAX);
    cm_doc_free(doc);
    f = one_frame(4, "APIC", 0, LIT("\x01" "m\x00\x03\xff\xfe" "d\x00\x00\x00" "xyz"), &doc);
    CHECK(f && !f->junk && str_eq(f->desc, "d") && bytes_eq(f->data, LIT("xyz")));
    cm_doc_free(doc);
}

static size_t zcompress(const void *in, size_t n, uint8_t *out, size_t cap)
{
    uLongf len = cap;
    if (compress(out, &len, in, n) != Z_OK)
        abort();
    return len;
}

static void test_v24_frame_flags(void)
{
    uint8_t z[64], body[80];
    size_t zn = zcompress("\x00hello", 6, z, sizeof z);
    cm_doc *doc;
    const cm_id3_frame *f;

    /* compression, with and without the data length indicator before it */
    f = one_frame(4, "TIT2", CM_ID3V24_FLAG_COMPRESS, z, zn, &doc);
    CHECK(f && f->status == CM_ID3_FRAME_OK && f->text_count == 1 && str_eq(f->text[0], "hello"));
    cm_doc_free(doc);
    memcpy(body, "\x00\x00\x00\x06", 4);
    memcpy(body + 4, z, zn);
    f = one_frame(4, "TIT2", CM_ID3V24_FLAG_COMPRESS | CM_ID3V24_FLAG_DATALEN, body, zn + 4, &doc);
    CHECK(f && f->status == CM_ID3_FRAME_OK && bytes_eq(f->body, "\x00hello", 6));
    cm_doc_free(doc);
    f = one_frame(4, "TIT2", CM_ID3V24_FLAG_COMPRESS, body, zn + 4, &doc); /* no flag, length there */
    CHECK(f && f->status == CM_ID3_FRAME_OK && str_eq(f->text[0], "hello"));
    cm_doc_free(doc);
    f = one_frame(4, "TIT2", CM_ID3V24_FLAG_COMPRESS, z, zn - 3, &doc); /* cut short */
    CHECK(f && f->status == CM_ID3_FRAME_BAD_COMPRESSION && bytes_eq(f->body, z, zn - 3));
    cm_doc_free(doc);
    f = one_frame(4, "TIT2", CM_ID3V24_FLAG_COMPRESS, LIT("garbage"), &doc);
    CHECK(f && f->status == CM_ID3_FRAME_BAD_COMPRESSION && f->kind == CM_ID3_KIND_NONE);
    cm_doc_free(doc);

    /* encryption wins over everything */
    f = one_frame(4, "TIT2", CM_ID3V24_FLAG_ENCRYPT | CM_ID3V24_FLAG_COMPRESS, z, zn, &doc);
    CHECK(f && f->status == CM_ID3_FRAME_ENCRYPTED && bytes_eq(f->body, z, zn));
    cm_doc_free(doc);

    /* data length indicator alone is stepped over; it comes before the
     * unsynchronisation is undone */
    f = one_frame(4, "TIT2", CM_ID3V24_FLAG_DATALEN, LIT("\x00\x00\x00\x04\x00" "abc"), &doc);
    CHECK(f && f->status == CM_ID3_FRAME_OK && str_eq(f->text[0], "abc"));
    cm_doc_free(doc);
    f = one_frame(4, "TIT2", CM_ID3V24_FLAG_DATALEN | CM_ID3V24_FLAG_UNSYNC,
                  LIT("\x00\x00\xff\x00\x00\x00" "a"), &doc);
    CHECK(f && f->text_count == 2 && str_eq(f->text[0], "") && str_eq(f->text[1], "a"));
    cm_doc_free(doc);
    f = one_frame(4, "TIT2", CM_ID3V24_FLAG_DATALEN, LIT("\x00\x00"), &doc);
    CHECK(f && f->status == CM_ID3_FRAME_OK && f->body.len == 0 && f->junk);
    cm_doc_free(doc);

    /* unsynchronisation: 0xFF 0x00 -> 0xFF; data that cannot be
     * unsynchronised is kept as it is */
    f = one_frame(4, "TIT2", CM_ID3V24_FLAG_UNSYNC, LIT("\x00\xff\x00\xff\x00" "a"), &doc);
    CHECK(f && bytes_eq(f->body, "\x00\xff\xff" "a", 4) && str_eq(f->text[0], "\xc3\xbf\xc3\xbf" "a"));
    cm_doc_free(doc);
    f = one_frame(4, "TIT2", CM_ID3V24_FLAG_UNSYNC, LIT("\x00\xff\x00\xff\xfe"), &doc);
    CHECK(f && bytes_eq(f->body, "\x00\xff\x00\xff\xfe", 5));
    cm_doc_free(doc);
    f = one_frame(4, "TIT2", CM_ID3V24_FLAG_UNSYNC, LIT("\x00" "a\xff"), &doc);
    CHECK(f && bytes_eq(f->body, "\x00" "a\xff", 3));
    cm_doc_free(doc);

    /* the group id byte stays in the body, as mutagen reads it */
    f = one_frame(4, "TIT2", CM_ID3V24_FLAG_GROUP, LIT("\x00" "a\x00" "b"), &doc);
    CHECK(f && f->text_count == 2);
    cm_doc_free(doc);

    /* a compressed frame is not unsynchronised after inflating */
    uint8_t z2[64];
    size_t z2n = zcompress("\x00" "a\xff\x00" "b", 5, z2, sizeof z2);
    f = one_frame(4, "TIT2", CM_ID3V24_FLAG_COMPRESS | CM_ID3V24_FLAG_UNSYNC, z2, z2n, &doc);
    CHECK(f && bytes_eq(f->body, "\x00" "a\xff\x00" "b", 5));
    cm_doc_free(doc);
}

static void test_v24_tag_unsync_is_per_frame(void)
{
    bbuf f = {0}, file = {0};
    frame4(&f, 4, "TIT2", 0, LIT("\x00" "a\xff\x00" "b"), 0);
    frame4(&f, 4, "TPE1", 0, LIT("\x00" "x"), 0);
    tag(&file, 4, 0x80, &f, 0);
    cm_error err;
    cm_doc *doc = read_as(&file, CM_FORMAT_ID3, &err);
    const cm_id3v2 *t = v2_of(doc);
    CHECK(t && t->frame_count == 2 && t->data.ptr == file.data + 10);
    CHECK(t && str_eq(t->frames[0].text[0], "a\xc3\xbf" "b") && str_eq(t->frames[1].text[0], "x"));
    cm_doc_free(doc);
    bb_free(&f), bb_free(&file);
}

static void test_v23_flags_and_whole_tag_unsync(void)
{
    uint8_t z[64], body[80];
    size_t zn = zcompress("\x00hello", 6, z, sizeof z);
    memcpy(body, "\x00\x00\x00\x06", 4);
    memcpy(body + 4, z, zn);
    bbuf f = {0}, file = {0};
    frame4(&f, 3, "TIT2", CM_ID3V23_FLAG_COMPRESS, body, zn + 4, 0);
    frame4(&f, 3, "TIT3", CM_ID3V23_FLAG_COMPRESS, z, zn, 0);      /* size missing */
    frame4(&f, 3, "TALB", CM_ID3V23_FLAG_ENCRYPT, LIT("\x80secret"), 0);
    frame4(&f, 3, "TPE1", CM_ID3V23_FLAG_GROUP, LIT("\x00" "a\x00" "b"), 0);
    frame4(&f, 3, "TPE2", CM_ID3V23_FLAG_COMPRESS, LIT("\x00\x00"), 0);
    frame4(&f, 3, "TCON", 0xe01f, LIT("\x00" "Rock"), 0); /* unknown flags: ignored */
    tag(&file, 3, 0, &f, 20);
    cm_error err;
    cm_doc *doc = read_as(&file, CM_FORMAT_ID3, &err);
    const cm_id3v2 *t = v2_of(doc);
    CHECK(t && t->version == 3 && t->frame_count == 6 && t->padding == 20);
    const cm_id3_frame *x = find(t, "TIT2");
    CHECK(x && x->status == CM_ID3_FRAME_OK && str_eq(x->text[0], "hello"));
    x = find(t, "TIT3");
    CHECK(x && x->status == CM_ID3_FRAME_BAD_COMPRESSION);
    x = find(t, "TALB");
    CHECK(x && x->status == CM_ID3_FRAME_ENCRYPTED && x->flags == CM_ID3V23_FLAG_ENCRYPT);
    x = find(t, "TPE1");
    CHECK(x && x->text_count == 2);
    x = find(t, "TPE2");
    CHECK(x && x->status == CM_ID3_FRAME_TOO_SHORT);
    x = find(t, "TCON");
    CHECK(x && x->flags == 0xe01f && str_eq(x->text[0], "Rock"));
    cm_doc_free(doc);
    bb_free(&f), bb_free(&file);

    /* whole-tag unsynchronisation: sizes count the decoded bytes */
    frame4(&f, 3, "TIT2", 0, LIT("\x00" "a\xff\x00" "b"), 0);
    frame4(&f, 3, "TPE1", 0, LIT("\x00" "x"), 0);
    bbuf raw = {0};
    /* unsynchronise f by hand: after each 0xFF before 0x00 or >= 0xE0 */
    for (size_t i = 0; i < f.len; i++) {
        bb_u8(&raw, f.data[i]);
        if (f.data[i] == 0xff && (i + 1 == f.len || f.data[i + 1] == 0 || f.data[i + 1] >= 0xe0))
            bb_u8(&raw, 0);
    }
    CHECK(raw.len == f.len + 1); /* the frame size still counts the decoded bytes */
    tag(&file, 3, 0x80, &raw, 0);
    doc = read_as(&file, CM_FORMAT_ID3, &err);
    t = v2_of(doc);
    CHECK(t && t->frame_count == 2 && t->data.len == f.len && t->padding == 0);
    CHECK(t && bytes_eq(t->frames[0].body, "\x00" "a\xff\x00" "b", 5) && t->frames[0].text_count == 2);
    CHECK(t && str_eq(t->frames[1].text[0], "x") && t->frames[1].offset == 10 + 15);
    cm_doc_free(doc);
    bb_free(&f), bb_free(&file), bb_free(&raw);
}

static void test_v22_tag(void)
{
    bbuf f = {0}, file = {0};
    frame2(&f, "TT2", LIT("\x00" "Title"));
    frame2(&f, "COM", LIT("\x00" "engd\x00" "c"));
    frame2(&f, "PIC", LIT("\x00" "PNG\x04" "d\x00" "DATA"));
    frame2(&f, "UFI", LIT("o\x00" "id"));
    frame2(&f, "tp1", LIT("\x00" "lowercase: skipped"));
    frame2(&f, "TP1", LIT(""));   /* size 0: skipped */
    frame2(&f, "XYZ", LIT("?"));  /* unknown: kept, not decoded */
    tag(&file, 2, 0, &f, 3);
    cm_error err;
    cm_doc *doc = read_as(&file, CM_FORMAT_ID3, &err);
    const cm_id3v2 *t = v2_of(doc);
    CHECK(t && t->version == 2 && t->frame_count == 5 && t->padding == 3);
    const cm_id3_frame *x = find(t, "TT2");
    CHECK(x && x->kind == CM_ID3_KIND_TEXT && str_eq(x->text[0], "Title") && x->raw.len == 12);
    x = find(t, "COM");
    CHECK(x && x->kind == CM_ID3_KIND_COMMENT && str_eq(x->desc, "d") && str_eq(x->text[0], "c"));
    x = find(t, "PIC");
    CHECK(x && x->kind == CM_ID3_KIND_PICTURE && str_eq(x->mime, "PNG") && x->picture_type == 4 &&
          bytes_eq(x->data, LIT("DATA")));
    x = find(t, "UFI");
    CHECK(x && x->kind == CM_ID3_KIND_OWNER_DATA && bytes_eq(x->data, LIT("id")));
    x = find(t, "XYZ");
    CHECK(x && x->kind == CM_ID3_KIND_NONE && bytes_eq(x->body, LIT("?")));
    cm_doc_free(doc);
    bb_free(&file);

    /* v2.2 unsynchronises the whole tag too */
    tag(&file, 2, 0x80, &f, 0);
    doc = read_as(&file, CM_FORMAT_ID3, &err);
    CHECK(v2_of(doc) && v2_of(doc)->frame_count == 5);
    cm_doc_free(doc);
    bb_free(&f), bb_free(&file);
}

static void test_v24_plain_integer_sizes(void)
{
    /* A v2.4 tag written with plain sizes: a 255-byte frame reads as 0x7f
     * syncsafe, which lands nowhere; as an integer every frame is found. */
    uint8_t big[255];
    memset(big, 'a', sizeof big);
    big[0] = 0;
    bbuf f = {0}, file = {0};
    frame4(&f, 4, "TIT1", 0, big, sizeof big, 1);
    frame4(&f, 4, "TPE1", 0, LIT("\x00" "Yay!"), 1);
    tag(&file, 4, 0, &f, 0);
    cm_error err;
    cm_doc *doc = read_as(&file, CM_FORMAT_ID3, &err);
    const cm_id3v2 *t = v2_of(doc);
    CHECK(t && !t->syncsafe_frame_sizes && t->frame_count == 2);
    CHECK(t && t->frame_count == 2 && t->frames[0].text[0].len == 254 &&
          str_eq(t->frames[1].text[0], "Yay!"));
    cm_doc_free(doc);
    bb_free(&f), bb_free(&file);

    /* the same with 127 bytes: both readings agree, syncsafe stays */
    frame4(&f, 4, "TIT1", 0, big, 127, 1);
    frame4(&f, 4, "TPE1", 0, LIT("\x00" "Yay!"), 1);
    tag(&file, 4, 0, &f, 0);
    doc = read_as(&file, CM_FORMAT_ID3, &err);
    t = v2_of(doc);
    CHECK(t && t->syncsafe_frame_sizes && t->frame_count == 2);
    cm_doc_free(doc);
    bb_free(&f), bb_free(&file);
}

static void test_extended_headers(void)
{
    bbuf f = {0}, file = {0};
    cm_error err;
    /* v2.4: the size counts itself */
    syncsafe(&f, 6);
    bb_u8(&f, 1), bb_u8(&f, 0);
    frame4(&f, 4, "TIT2", 0, LIT("\x00" "x"), 0);
    tag(&file, 4, 0x40, &f, 4);
    cm_doc *doc = read_as(&file, CM_FORMAT_ID3, &err);
    const cm_id3v2 *t = v2_of(doc);
    CHECK(t && t->has_extended_header && bytes_eq(t->extended_header, "\x01\x00", 2));
    CHECK(t && t->data_offset == 16 && t->frame_count == 1 && t->padding == 4);
    cm_doc_free(doc);
    bb_free(&f), bb_free(&file);

    /* v2.3: the size counts what follows it */
    bb_be32(&f, 10);
    put(&f, "\x80\x00\x00\x00\x00\x00\x12\x34\x56\x78", 10);
    frame4(&f, 3, "TIT2", 0, LIT("\x00" "x"), 0);
    tag(&file, 3, 0x40, &f, 0);
    doc = read_as(&file, CM_FORMAT_ID3, &err);
    t = v2_of(doc);
    CHECK(t && t->has_extended_header && t->extended_header.len == 10 && t->data_offset == 24);
    CHECK(t && t->frame_count == 1);
    cm_doc_free(doc);
    bb_free(&f), bb_free(&file);

    /* the flag without the header: a known frame id where its size is */
    frame4(&f, 4, "TIT1", 0, LIT("\x00" "x"), 0);
    tag(&file, 4, 0x40, &f, 0);
    doc = read_as(&file, CM_FORMAT_ID3, &err);
    t = v2_of(doc);
    CHECK(t && !t->has_extended_header && t->flags == 0x40 && t->frame_count == 1);
    cm_doc_free(doc);
    bb_free(&f), bb_free(&file);

    /* broken ones */
    static const struct {
        int version;
        const char *ext;
        size_t len;
        cm_status code;
    } bad[] = {
        {4, LIT("\x00\x00\x00\x03\x00\x00"), CM_ERR_INVALID},   /* smaller than itself */
        {4, LIT("\x00\x00\x00\x85\x00\x00"), CM_ERR_INVALID},   /* not syncsafe */
        {4, LIT("\x00\x00\x7f\x7f\x00\x00"), CM_ERR_INVALID},   /* larger than the tag */
        {3, LIT("\x00\x00\x00\xff\x00\x00"), CM_ERR_INVALID},
        {3, LIT("XXXX\x00\x00"), CM_ERR_INVALID},               /* not a known id */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        put(&f, bad[i].ext, bad[i].len);
        put(&f, "\0\0\0\0\0\0\0\0\0\0", 10);
        tag(&file, bad[i].version, 0x40, &f, 0);
        doc = read_as(&file, CM_FORMAT_ID3, &err);
        CHECK(doc == NULL && err.code == bad[i].code && err.part == CM_PART_ID3 && err.msg[0]);
        cm_doc_free(doc);
        bb_free(&f), bb_free(&file);
    }
}

static void test_frame_walk_edges(void)
{
    bbuf f = {0}, file = {0};
    cm_error err;
    /* zero-sized and invalid ids are stepped over; an empty id stops */
    frame4(&f, 4, "TIT2", 0, LIT(""), 0);
    frame4(&f, 4, "tit2", 0, LIT("\x00" "a"), 0);
    frame4(&f, 4, "1234", 0, LIT("\x00" "a"), 0);
    frame4(&f, 4, "T\xc0T2", 0, LIT("\x00" "a"), 0);
    frame4(&f, 4, "TPE1", 0, LIT("\x00" "x"), 0);
    put(&f, "\0\0\0\0\0\0\0\5\0\0abcde", 15);
    frame4(&f, 4, "TPE2", 0, LIT("\x00" "never"), 0);
    tag(&file, 4, 0, &f, 0);
    cm_doc *doc = read_as(&file, CM_FORMAT_ID3, &err);
    const cm_id3v2 *t = v2_of(doc);
    CHECK(t && t->frame_count == 1 && strcmp(t->frames[0].id, "TPE1") == 0);
    CHECK(t && t->padding == 15 + 16);
    cm_doc_free(doc);
    bb_free(&f), bb_free(&file);

    /* a frame larger than the rest is cut to it and ends the walk, with no
     * padding */
    frame4(&f, 4, "TIT2", 0, LIT("\x00" "a"), 0);
    put(&f, "TPE1\x00\x00\x01\x00\x00\x00\x00" "short", 16);
    tag(&file, 4, 0, &f, 0);
    doc = read_as(&file, CM_FORMAT_ID3, &err);
    t = v2_of(doc);
    CHECK(t && t->frame_count == 2 && t->padding == 0);
    CHECK(t && t->frame_count == 2 && t->frames[1].body.len == 6 && t->frames[1].raw.len == 16 &&
          str_eq(t->frames[1].text[0], "short"));
    cm_doc_free(doc);
    bb_free(&f), bb_free(&file);

    /* less than a header left: that is the padding */
    frame4(&f, 4, "TIT2", 0, LIT("\x00" "a"), 0);
    put(&f, "bc", 2);
    tag(&file, 4, 0, &f, 0);
    doc = read_as(&file, CM_FORMAT_ID3, &err);
    t = v2_of(doc);
    CHECK(t && t->frame_count == 1 && t->padding == 2);
    cm_doc_free(doc);
    bb_free(&f), bb_free(&file);
}

static void test_bad_headers(void)
{
    static const struct {
        const char *bytes;
        size_t len;
        cm_status code;
    } cases[] = {
        {LIT("ID3\x05\x00\x00\x00\x00\x00\x00"), CM_ERR_UNSUPPORTED},
        {LIT("ID3\x01\x00\x00\x00\x00\x00\x00"), CM_ERR_UNSUPPORTED},
        {LIT("ID3\x04\x00\x1f\x00\x00\x00\x00"), CM_ERR_INVALID},
        {LIT("ID3\x03\x00\x10\x00\x00\x00\x00"), CM_ERR_INVALID},
        {LIT("ID3\x02\x00\x40\x00\x00\x00\x00"), CM_ERR_INVALID},
        {LIT("ID3\x04\x00\x00\x00\x00\x00\xff"), CM_ERR_INVALID},
        {LIT("ID3\x04\x00\x00\x00\x00\x01\x00"), CM_ERR_TRUNCATED},
        {LIT("ID3\x04\x00\x40\x00\x00\x00\x00\x00\x00"), CM_ERR_TRUNCATED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cm_error err;
        cm_read_opts opts = {CM_FORMAT_MP3};
        cm_doc *doc = cm_read_mem(cases[i].bytes, cases[i].len, &opts, &err);
        CHECK(doc == NULL && err.code == cases[i].code && err.part == CM_PART_ID3 && err.msg[0]);
        if (doc || err.code != cases[i].code)
            fprintf(stderr, "  case %zu: %s\n", i, err.msg);
        cm_doc_free(doc);
    }
    /* accepted oddities: v2.2 with other flag bits, v2.4 footer flag, a
     * revision nobody defined */
    static const char *const ok[] = {"ID3\x02\x00\x3f", "ID3\x04\x00\x10", "ID3\x04\xff\x00"};
    for (size_t i = 0; i < 3; i++) {
        uint8_t b[10] = {0};
        memcpy(b, ok[i], 6);
        cm_error err;
        cm_read_opts opts = {CM_FORMAT_ID3};
        cm_doc *doc = cm_read_mem(b, sizeof b, &opts, &err);
        CHECK(doc && v2_of(doc) && v2_of(doc)->frame_count == 0);
        cm_doc_free(doc);
    }
    /* too short to be a header: no tag; for MP3, no audio either */
    cm_error err;
    cm_read_opts opts = {CM_FORMAT_MP3};
    cm_doc *doc = cm_read_mem("ID3\x04", 4, &opts, &err);
    CHECK(doc == NULL && err.code == CM_ERR_NOT_FORMAT && err.part == CM_PART_CONTAINER);
    opts.format = CM_FORMAT_ID3;
    doc = cm_read_mem("ID3\x04", 4, &opts, &err);
    CHECK(doc == NULL && err.code == CM_ERR_NOT_FORMAT && err.part == CM_PART_ID3);
    /* tags but no audio: an MP3 without MPEG frames is not one */
    doc = cm_read_mem("ID3\x04\x00\x00\x00\x00\x00\x00", 10, &opts, &err);
    CHECK(doc && v2_of(doc));
    cm_doc_free(doc);
    opts.format = CM_FORMAT_MP3;
    doc = cm_read_mem("ID3\x04\x00\x00\x00\x00\x00\x00", 10, &opts, &err);
    CHECK(doc == NULL && err.code == CM_ERR_NOT_FORMAT && err.part == CM_PART_CONTAINER);
}

static void v1_tag(bbuf *b, const char *title, const char *year, const char *comment, int track,
                   int genre)
{
    uint8_t t[128] = {'T', 'A', 'G'};
    memcpy(t + 3, title, strlen(title));
    memcpy(t + 33, "Artist", 6);
    memcpy(t + 63, "  Album \xe9  ", 11);
    memcpy(t + 93, year, strlen(year));
    memcpy(t + 97, comment, strlen(comment));
    if (track >= 0)
        t[125] = 0, t[126] = (uint8_t)track;
    t[127] = (uint8_t)genre;
    bb_put(b, t, sizeof t);
}

static void test_id3v1(void)
{
    bbuf file = {0};
    audio(&file, 1000);
    size_t audio_len = file.len;
    v1_tag(&file, "Title\0junk", "1999", "note", 7, 17);
    cm_error err;
    cm_doc *doc = read_as(&file, CM_FORMAT_MP3, &err);
    const cm_mp3 *mp3 = cm_doc_mp3(doc);
    const cm_id3v1 *v1 = mp3 ? mp3->id3v1 : NULL;
    CHECK(mp3 && mp3->id3v2 == NULL && v1 != NULL);
    CHECK(v1 && v1->offset == audio_len && v1->raw.len == 128 && str_eq(v1->title, "Title"));
    CHECK(v1 && str_eq(v1->artist, "Artist") && str_eq(v1->album, "Album \xc3\xa9"));
    CHECK(v1 && str_eq(v1->year, "1999") && str_eq(v1->comment, "note") && v1->track == 7 &&
          v1->genre == 17);
    cm_doc_free(doc);
    bb_free(&file);

    /* ID3v1.0: the comment's last byte is not a track number */
    audio(&file, 10);
    v1_tag(&file, "T", "", "0123456789012345678901234567xy", -1, 255);
    doc = read_as(&file, CM_FORMAT_ID3, &err);
    v1 = cm_doc_mp3(doc) ? cm_doc_mp3(doc)->id3v1 : NULL;
    CHECK(v1 && v1->track == 0 && v1->comment.len == 30 && v1->genre == 255 && v1->year.len == 0);
    cm_doc_free(doc);
    bb_free(&file);

    /* tags cut short by up to 4 bytes are read, with the later fields
     * shifted; "TAG" nearer the end than that is not a tag */
    for (size_t cut = 0; cut <= 6; cut++) {
        audio(&file, 300);
        v1_tag(&file, "x", "2000", "abc", 3, 12);
        file.len -= cut;
        doc = read_as(&file, CM_FORMAT_MP3, &err);
        v1 = cm_doc_mp3(doc) ? cm_doc_mp3(doc)->id3v1 : NULL;
        CHECK(doc && (cut <= 4 ? v1 && v1->raw.len == 128 - cut && str_eq(v1->title, "x")
                               : v1 == NULL));
        if (cut == 1)
            CHECK(v1 && str_eq(v1->year, "200") && v1->genre == 3 && v1->track == 0);
        cm_doc_free(doc);
        bb_free(&file);
    }

    /* a "TAG" just before the tag's window hides it (mutagen searches the
     * last 131 bytes and takes the first "TAG") */
    audio(&file, 300);
    bb_str(&file, "xTAG");
    v1_tag(&file, "x", "2000", "abc", 3, 12);
    doc = read_as(&file, CM_FORMAT_MP3, &err);
    CHECK(doc && cm_doc_mp3(doc)->id3v1 == NULL);
    cm_doc_free(doc);
    file.data[file.len - 128 - 4] = 'T'; /* "TTAG": the first "TAG" is still 131 bytes from the end */
    doc = read_as(&file, CM_FORMAT_MP3, &err);
    CHECK(doc && cm_doc_mp3(doc)->id3v1 == NULL);
    cm_doc_free(doc);
    file.data[file.len - 128 - 3] = 'x'; /* "TxAG": found at 128 */
    doc = read_as(&file, CM_FORMAT_MP3, &err);
    CHECK(doc && cm_doc_mp3(doc)->id3v1 && cm_doc_mp3(doc)->id3v1->raw.len == 128);
    cm_doc_free(doc);
    bb_free(&file);

    /* a file of the tag alone, and one shorter than a tag */
    v1_tag(&file, "only", "", "", -1, 0);
    doc = read_as(&file, CM_FORMAT_ID3, &err);
    CHECK(doc && cm_doc_mp3(doc)->id3v1 && cm_doc_mp3(doc)->id3v1->offset == 0);
    cm_doc_free(doc);
    file.len = 100;
    doc = read_as(&file, CM_FORMAT_ID3, &err);
    CHECK(doc == NULL && err.code == CM_ERR_NOT_FORMAT);
    bb_free(&file);
}

/* The head and tail protocol: every request is for more than was given,
 * and the parse converges to what a whole read gives. */
static void test_head_and_tail_requests(void)
{
    bbuf f = {0}, file = {0};
    uint8_t pic[3000];
    memset(pic, 0x42, sizeof pic);
    frame4(&f, 4, "TIT2", 0, LIT("\x00" "T"), 0);
    frame4(&f, 4, "APIC", 0, pic, sizeof pic, 0);
    tag(&file, 4, 0, &f, 50);
    audio(&file, 20000);
    v1_tag(&file, "v1", "", "", -1, 0);

    size_t head = 64, tail = 0;
    cm_doc *doc = NULL;
    cm_error err;
    int rounds = 0;
    for (; rounds < 8; rounds++) {
        cm_input in = {file.data, head, file.data + file.len - tail, tail, file.len};
        cm_read_opts opts = {CM_FORMAT_AUTO};
        doc = cm_parse_input(&in, &opts, &err);
        if (doc || err.code != CM_NEED_MORE)
            break;
        CHECK(err.need_bytes > head || err.need_tail_bytes > tail);
        if (err.need_bytes > head)
            head = (size_t)err.need_bytes;
        if (err.need_tail_bytes > tail)
            tail = (size_t)err.need_tail_bytes;
    }
    CHECK(doc != NULL && rounds <= 2);
    /* the whole tag and the first audio frames, and the tail */
    CHECK(tail == 131 && head > 10 + f.len + 50 + 417);
    const cm_mp3 *mp3 = cm_doc_mp3(doc);
    CHECK(mp3 && mp3->id3v2 && mp3->id3v2->frame_count == 2 && mp3->id3v1 &&
          str_eq(mp3->id3v1->title, "v1"));
    cm_doc_free(doc);

    /* the same from a path: the tail is read with pread */
    char path[] = "/tmp/cm_test_id3v2_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, file.data, file.len) == (ssize_t)file.len);
    doc = cm_read_fd(fd, NULL, &err);
    mp3 = cm_doc_mp3(doc);
    CHECK(mp3 && mp3->id3v2 && mp3->id3v2->frame_count == 2 && mp3->id3v1 &&
          str_eq(mp3->id3v1->title, "v1") && bytes_eq(mp3->id3v2->frames[1].body, pic, sizeof pic));
    cm_doc_free(doc);
    /* a file whose tail is close to the head: read as more head */
    CHECK(ftruncate(fd, 10 + (off_t)f.len + 50 + 500) == 0);
    CHECK(pwrite(fd, file.data + file.len - 128, 128, 10 + (off_t)f.len + 50 + 500 - 128) == 128);
    cm_read_opts id3 = {CM_FORMAT_ID3}; /* too little audio left for an MP3 */
    doc = cm_read_file(path, &id3, &err);
    mp3 = cm_doc_mp3(doc);
    CHECK(mp3 && mp3->id3v1 && str_eq(mp3->id3v1->title, "v1") && mp3->id3v2);
    cm_doc_free(doc);
    close(fd);
    unlink(path);
    bb_free(&f), bb_free(&file);
}

static void test_format_detection(void)
{
    bbuf f = {0}, file = {0};
    frame4(&f, 3, "TIT2", 0, LIT("\x00" "x"), 0);
    tag(&file, 3, 0, &f, 0);
    audio(&file, 100);
    cm_error err;
    cm_doc *doc = cm_read_mem(file.data, file.len, NULL, &err);
    CHECK(doc && cm_doc_format(doc) == CM_FORMAT_MP3 && v2_of(doc));
    cm_doc_free(doc);
    /* a bare MPEG stream */
    doc = cm_read_mem(file.data + 10 + f.len, file.len - 10 - f.len, NULL, &err);
    CHECK(doc && cm_doc_format(doc) == CM_FORMAT_MP3 && v2_of(doc) == NULL);
    cm_doc_free(doc);
    /* ID3v2 in front of FLAC stays FLAC (and fails here for want of blocks) */
    file.len = 10 + f.len;
    bb_str(&file, "fLaC");
    doc = cm_read_mem(file.data, file.len, NULL, &err);
    CHECK(doc == NULL && err.code != CM_ERR_UNSUPPORTED && err.part == CM_PART_CONTAINER);
    bb_free(&f), bb_free(&file);
}

/* Every prefix of a tag with every kind of frame either parses or fails
 * with a message; the sanitizers watch the reads. */
static void test_every_truncation(void)
{
    uint8_t z[64];
    size_t zn = zcompress("\x00hello", 6, z, sizeof z);
    bbuf f = {0}, file = {0};
    frame4(&f, 4, "TXXX", 0, LIT("\x01\xff\xfe" "d\x00\x00\x00" "v\x00"), 0);
    frame4(&f, 4, "TIT2", CM_ID3V24_FLAG_COMPRESS | CM_ID3V24_FLAG_DATALEN, z, zn, 0);
    frame4(&f, 4, "APIC", CM_ID3V24_FLAG_UNSYNC, LIT("\x00m\x00\x03" "d\x00\xff\x00\xd8"), 0);
    frame4(&f, 4, "COMM", 0, LIT("\x02" "eng\x00" "d\x00\x00\x00" "t"), 0);
    tag(&file, 4, 0, &f, 7);
    v1_tag(&file, "t", "1", "c", 1, 1);
    for (size_t n = 0; n <= file.len; n++) {
        cm_error err;
        for (int format = CM_FORMAT_AUTO; format <= CM_FORMAT_ID3; format++) {
            cm_read_opts opts = {(cm_format)format};
            cm_doc *doc = cm_read_mem(file.data, n, &opts, &err);
            CHECK(doc != NULL || err.msg[0] != '\0');
            cm_doc_free(doc);
        }
        /* and as hostile sizes: every byte of the header set to 0xff */
        if (n < 10) {
            uint8_t saved = file.data[n];
            file.data[n] = 0xff;
            cm_doc *doc = read_as(&file, CM_FORMAT_MP3, &err);
            CHECK(doc != NULL || err.msg[0] != '\0');
            cm_doc_free(doc);
            file.data[n] = saved;
        }
    }
    bb_free(&f), bb_free(&file);
}

/* mutagen's Frames table, which decides how v2.4 sizes are read. */
static void test_known_frame_ids(void)
{
    static const char ids[] =
        "AENC APIC ASPI CHAP COMM COMR CTOC ENCR EQU2 ETCO GEOB GRID GRP1 IPLS LINK MCDI MLLT "
        "MVIN MVNM OWNE PCNT PCST POPM POSS PRIV RBUF RVA2 RVAD RVRB SEEK SIGN SYLT SYTC TALB "
        "TBPM TCAT TCMP TCOM TCON TCOP TDAT TDEN TDES TDLY TDOR TDRC TDRL TDTG TENC TEXT TFLT "
        "TGID TIME TIPL TIT1 TIT2 TIT3 TKEY TKWD TLAN TLEN TMCL TMED TMOO TOAL TOFN TOLY TOPE "
        "TORY TOWN TPE1 TPE2 TPE3 TPE4 TPOS TPRO TPUB TRCK TRDA TRSN TRSO TSIZ TSO2 TSOA TSOC "
        "TSOP TSOT TSRC TSSE TSST TXXX TYER UFID USER USLT WCOM WCOP WFED WOAF WOAR WOAS WORS "
        "WPAY WPUB WXXX";
    int n = 0;
    for (const char *p = ids; *p; p += p[4] ? 5 : 4) {
        CHECK(cm_id3_is_known_frame_id((const uint8_t *)p));
        n++;
    }
    CHECK(n == 105);
    static const char *const unknown[] = {"TIT4", "ZZZZ", "TT2\0", "\0\0\0\0", "XXXX", "tit2", "RVA3"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        CHECK(!cm_id3_is_known_frame_id((const uint8_t *)unknown[i]));
}

/* What a differential run against mutagen turned up; each case is how
 * mutagen 1.48 reads it. */
static void test_mutagen_quirks(void)
{
    bbuf f = {0}, file = {0};
    cm_error err;
    cm_doc *doc;
    const cm_id3_frame *x;

    /* v2.2 ids padded with NUL in a v2.3/2.4 tag are the newer frames;
     * other padded ids are skipped */
    frame4(&f, 3, "TCO\0", 0, LIT("\x00" "(17)"), 0);
    frame4(&f, 3, "PIC\0", 0, LIT("\x00" "image/png\x00\x03" "d\x00" "DATA"), 0);
    frame4(&f, 3, "ZZZ\0", 0, LIT("\x00" "x"), 0);
    frame4(&f, 3, "CRM\0", 0, LIT("o\x00" "d\x00" "x"), 0);
    frame4(&f, 3, "TC\0\0", 0, LIT("\x00" "x"), 0);
    tag(&file, 3, 0, &f, 0);
    doc = read_as(&file, CM_FORMAT_ID3, &err);
    const cm_id3v2 *t = v2_of(doc);
    CHECK(t && t->frame_count == 2);
    x = find(t, "TCON");
    CHECK(x && str_eq(x->text[0], "(17)"));
    x = find(t, "APIC"); /* and read with APIC's layout */
    CHECK(x && str_eq(x->mime, "image/png") && bytes_eq(x->data, LIT("DATA")));
    cm_doc_free(doc);
    bb_free(&f), bb_free(&file);

    /* v2.2/2.3: NUL bytes that are all that is left after an encoded
     * string are dropped */
    static const struct {
        int version;
        const char *id;
        const char *body;
        size_t len;
        int junk;
        size_t count;
    } trailing[] = {
        {3, "TPE1", LIT("\x00" "a\x00\x00\x00"), 0, 1},
        {4, "TPE1", LIT("\x00" "a\x00\x00\x00"), 0, 3},
        {3, "TPE1", LIT("\x00\x00\x00"), 0, 1},
        {3, "TPE1", LIT("\x00\x00\x00" "a"), 0, 3},
        {3, "TXXX", LIT("\x00" "d\x00\x00"), 1, 0},
        {4, "TXXX", LIT("\x00" "d\x00\x00"), 0, 1},
        {3, "WXXX", LIT("\x00" "d\x00\x00"), 1, 0},
        {3, "COMM", LIT("\x00" "eng\x00\x00"), 1, 0},
        {3, "UFID", LIT("o\x00\x00\x00"), 0, 0}, /* Latin-1 owner: not dropped */
    };
    for (size_t i = 0; i < sizeof trailing / sizeof trailing[0]; i++) {
        x = one_frame(trailing[i].version, trailing[i].id, 0, trailing[i].body, trailing[i].len, &doc);
        int ok = x && x->junk == trailing[i].junk && x->text_count == trailing[i].count;
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "  trailing case %zu\n", i);
        cm_doc_free(doc);
    }
    x = one_frame(3, "APIC", 0, LIT("\x00" "m\x00\x03" "d\x00\x00\x00"), &doc);
    CHECK(x && !x->junk && x->data.len == 0);
    cm_doc_free(doc);
    x = one_frame(4, "APIC", 0, LIT("\x00" "m\x00\x03" "d\x00\x00\x00"), &doc);
    CHECK(x && !x->junk && x->data.len == 2);
    cm_doc_free(doc);

    /* UTF-16 behind a big endian mark that does not decode is read as
     * little endian, mark and all */
    x = one_frame(4, "TPE1", 0, LIT("\x01\xfe\xff\xdc\x00"), &doc);
    CHECK(x && !x->junk && str_eq(x->text[0], "\xef\xbf\xbe\xc3\x9c"));
    cm_doc_free(doc);
    x = one_frame(4, "TPE1", 0, LIT("\x01\xff\xfe\x00\xdc"), &doc);
    CHECK(x && x->junk);
    cm_doc_free(doc);
    /* an odd UTF-16 string: padded, mark honoured; a lone NUL last ends it */
    x = one_frame(4, "TPE1", 0, LIT("\x01\xfe\xff\x00" "A\x00" "B\x01"), &doc);
    CHECK(x && x->text_count == 1 && str_eq(x->text[0], "AB\xc4\x80"));
    cm_doc_free(doc);
    x = one_frame(4, "APIC", 0, LIT("\x02" "m\x00\x03\x00" "d\x00"), &doc);
    CHECK(x && !x->junk && str_eq(x->desc, "d") && x->data.len == 0);
    cm_doc_free(doc);

    /* PIC's image format is ASCII */
    x = one_frame(2, "PIC", 0, LIT("\x00\xe9PG\x03" "d\x00" "x"), &doc);
    CHECK(x && x->junk);
    cm_doc_free(doc);

    /* v2.4: unsynchronisation is undone before inflating */
    uint8_t z[64];
    uLongf zn = sizeof z;
    CHECK(compress(z, &zn, (const Bytef *)"\x00hello", 6) == Z_OK);
    bbuf un = {0};
    for (size_t i = 0; i < zn; i++) {
        bb_u8(&un, z[i]);
        if (z[i] == 0xff && (i + 1 == zn || z[i + 1] == 0 || z[i + 1] >= 0xe0))
            bb_u8(&un, 0);
    }
    bb_u8(&un, 0xff), bb_u8(&un, 0x00); /* an unsynchronised 0xFF after the stream */
    x = one_frame(4, "TIT2", CM_ID3V24_FLAG_COMPRESS | CM_ID3V24_FLAG_UNSYNC, un.data, un.len, &doc);
    CHECK(x && x->status == CM_ID3_FRAME_OK && str_eq(x->text[0], "hello"));
    cm_doc_free(doc);
    bb_free(&un);

    /* v2.3: a compressed frame too short for its size field is that, even
     * when encrypted */
    x = one_frame(3, "TPE1", CM_ID3V23_FLAG_COMPRESS | CM_ID3V23_FLAG_ENCRYPT, LIT("\x00" "e"), &doc);
    CHECK(x && x->status == CM_ID3_FRAME_TOO_SHORT);
    cm_doc_free(doc);
    x = one_frame(3, "TPE1", CM_ID3V23_FLAG_COMPRESS | CM_ID3V23_FLAG_ENCRYPT, LIT("\x00" "e\x00\x00"), &doc);
    CHECK(x && x->status == CM_ID3_FRAME_ENCRYPTED);
    cm_doc_free(doc);
}

/* ---- UTF-16 text against a reference -------------------------------------- */

/* The reference decoder: one unit at a time, a missing last byte read as
 * 0, the first terminator (two NUL bytes at an even offset) ending the
 * string.  Returns the UTF-8 length, or -1 for a lone surrogate. */
static long utf16_reference(const uint8_t *p, size_t n, bool big_endian, uint8_t *out)
{
    size_t units = n / 2 + n % 2;
    long len = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t a = p[2 * i], b = 2 * i + 1 < n ? p[2 * i + 1] : 0;
        uint32_t cp = big_endian ? a << 8 | b : b << 8 | a;
        if (cp >= 0xdc00 && cp <= 0xdfff)
            return -1;
        if (cp >= 0xd800 && cp <= 0xdbff) {
            if (i + 1 >= units)
                return -1;
            a = p[2 * i + 2], b = 2 * i + 3 < n ? p[2 * i + 3] : 0;
            uint32_t lo = big_endian ? a << 8 | b : b << 8 | a;
            if (lo < 0xdc00 || lo > 0xdfff)
                return -1;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i++;
        }
        if (cp < 0x80) {
            out[len++] = (uint8_t)cp;
        } else if (cp < 0x800) {
            out[len++] = (uint8_t)(0xc0 | cp >> 6);
            out[len++] = (uint8_t)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out[len++] = (uint8_t)(0xe0 | cp >> 12);
            out[len++] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
            out[len++] = (uint8_t)(0x80 | (cp & 0x3f));
        } else {
            out[len++] = (uint8_t)(0xf0 | cp >> 18);
            out[len++] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
            out[len++] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
            out[len++] = (uint8_t)(0x80 | (cp & 0x3f));
        }
    }
    return len;
}

static size_t utf16_terminator_reference(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        if (p[i] == 0 && p[i + 1] == 0)
            return i;
    return n;
}

static uint32_t rng16_state = 88172645u;

static uint32_t rng16(void)
{
    rng16_state ^= rng16_state << 13;
    rng16_state ^= rng16_state >> 17;
    rng16_state ^= rng16_state << 5;
    return rng16_state;
}

/* A random unit: ASCII (runs of it, as tags hold), Latin and CJK, both
 * halves of surrogate pairs, and the odd NUL. */
static uint32_t random_unit(void)
{
    static const uint32_t ranges[][2] = {
        {0x20, 0x7e}, {0x20, 0x7e}, {0x20, 0x7e}, {0x80, 0x7ff}, {0x800, 0xd7ff},
        {0xe000, 0xffff}, {0xd800, 0xdbff}, {0xdc00, 0xdfff}, {0, 0},
    };
    const uint32_t *r = ranges[rng16() % 9];
    return r[0] + rng16() % (r[1] - r[0] + 1);
}

static void test_utf16_against_reference(void)
{
    /* UTF-16 with and without a byte order mark and UTF-16BE, of every
     * length up to 80 bytes (the decoder takes four units at a time), odd
     * ones included: the decoded text, or the refusal, and where the
     * string ends must be the reference's */
    enum { MAX = 80 };
    int mismatches = 0, decoded = 0, refused = 0, terminated = 0;
    for (int round = 0; round < 40000; round++) {
        uint8_t text[MAX + 2], want[4 * MAX];
        uint8_t encoding = round % 2 ? CM_ID3_UTF16 : CM_ID3_UTF16BE;
        bool be = encoding == CM_ID3_UTF16BE;
        size_t n = rng16() % MAX, at = 0;
        bool valid_only = rng16() % 2;
        while (at + 1 < n) {
            uint32_t u = random_unit();
            if (valid_only && (u == 0 || (u >= 0xd800 && u <= 0xdfff)))
                u = 'a' + u % 26;
            text[at + !be] = (uint8_t)(u >> 8);
            text[at + be] = (uint8_t)u;
            at += 2;
        }
        if (at < n)
            text[at] = (uint8_t)rng16();
        if (encoding == CM_ID3_UTF16 && n >= 2 && rng16() % 2) /* a mark */
            text[0] = rng16() % 2 ? 0xff : 0xfe, text[1] = text[0] ^ 1;

        size_t consumed, end = cm_id3_text_span(encoding, text, n, &consumed);
        size_t want_end = utf16_terminator_reference(text, n);
        if (want_end == n && n % 2 && text[n - 1] == 0)
            want_end = n - 1;
        mismatches += end != want_end;
        terminated += end < n;

        /* the mark, as the decoder reads it: a big endian one that does
         * not decode is read again as little endian, mark and all */
        size_t first = 0;
        bool mark_be = be;
        if (encoding == CM_ID3_UTF16 && end >= 2 && (text[0] ^ text[1]) == 1 &&
            (text[0] == 0xff || text[0] == 0xfe))
            first = 2, mark_be = text[0] == 0xfe;
        long want_len = end ? utf16_reference(text + first, end - first, mark_be, want) : 0;
        if (want_len < 0 && encoding == CM_ID3_UTF16 && first && mark_be)
            want_len = utf16_reference(text, end, false, want);

        cm_arena a;
        cm_arena_init(&a);
        cm_str got;
        cm_id3_text_error e = cm_id3_text_decode(encoding, text, end, &a, &got);
        if (want_len < 0)
            mismatches += e != CM_ID3_TEXT_INVALID, refused++;
        else
            mismatches += e != CM_ID3_TEXT_OK || got.len != (size_t)want_len ||
                          memcmp(got.ptr, want, got.len) != 0,
                decoded++;
        cm_arena_release(&a);
    }
    CHECK(mismatches == 0);
    CHECK(decoded > 10000 && refused > 5000 && terminated > 5000);
}

TEST_LIST(test_known_frame_ids, test_mutagen_quirks, test_v24_common_frames, test_text_encodings, test_frame_layout_junk,
          test_v24_frame_flags, test_v24_tag_unsync_is_per_frame,
          test_v23_flags_and_whole_tag_unsync, test_v22_tag, test_v24_plain_integer_sizes,
          test_extended_headers, test_frame_walk_edges, test_bad_headers, test_id3v1,
          test_head_and_tail_requests, test_format_detection, test_every_truncation,
          test_utf16_against_reference)
