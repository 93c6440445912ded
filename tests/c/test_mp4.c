/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MP4: the atom walk, stream info, sample entries (the upstream test
 * vectors of mutagen's test_mp4.py), tag items, chapters, the request
 * protocol (moov behind media data comes from the tail) and errors. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cmutagen.h"
#include "mp4/as_entry.h"

#define LIT(s) (const uint8_t *)(s), sizeof(s) - 1

/* An atom around the bytes of `body` (which is freed). */
static void atom(bbuf *out, const char *name, bbuf *body)
{
    bb_be32(out, (uint32_t)(8 + body->len));
    bb_put(out, name, 4);
    bb_put(out, body->data, body->len);
    bb_free(body);
}

static void atom_raw(bbuf *out, const char *name, const uint8_t *p, size_t n)
{
    bbuf b = {0};
    bb_put(&b, p, n);
    atom(out, name, &b);
}

static void data_atom(bbuf *out, uint32_t type, const char *value, size_t n)
{
    bbuf b = {0};
    bb_be32(&b, type);
    bb_be32(&b, 0);
    bb_put(&b, value, n);
    atom(out, "data", &b);
}

static void full_timing(bbuf *out, const char *name, uint32_t timescale, uint32_t duration)
{
    bbuf b = {0};
    bb_be32(&b, 0);          /* version 0, flags */
    bb_be32(&b, 0), bb_be32(&b, 0);
    bb_be32(&b, timescale);
    bb_be32(&b, duration);
    for (int i = 0; i < (name[1] == 'v' ? 80 : 4); i++)
        bb_u8(&b, 0);
    atom(out, name, &b);
}

static void hdlr(bbuf *out, const char *type)
{
    bbuf b = {0};
    bb_be32(&b, 0), bb_be32(&b, 0);
    bb_put(&b, type, 4);
    for (int i = 0; i < 13; i++)
        bb_u8(&b, 0);
    atom(out, "hdlr", &b);
}

/* The AAC LC entry of has-tags.m4a: 44100 Hz stereo, 2914 bits/s. */
static const uint8_t aac_entry[] = {
    0x00, 0x00, 0x00, 0x57, 'm', 'p', '4', 'a', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    0x00, 0x02, 0x00, 0x10, 0, 0, 0, 0, 0xac, 0x44, 0, 0, 0x00, 0x00, 0x00, 0x33, 'e', 's', 'd',
    's', 0, 0, 0, 0, 0x03, 0x80, 0x80, 0x80, 0x22, 0x00, 0x00, 0x00, 0x04, 0x80, 0x80, 0x80,
    0x14, 0x40, 0x15, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x0c, 0xe8, 0x00, 0x00, 0x0b, 0x62, 0x05,
    0x80, 0x80, 0x80, 0x02, 0x12, 0x10, 0x06, 0x80, 0x80, 0x80, 0x01, 0x02};

static void audio_trak(bbuf *out, uint32_t timescale, uint32_t duration)
{
    bbuf stsd = {0}, stbl = {0}, minf = {0}, mdia = {0}, trak = {0};
    bb_be32(&stsd, 0);
    bb_be32(&stsd, 1);
    bb_put(&stsd, aac_entry, sizeof aac_entry);
    atom(&stbl, "stsd", &stsd);
    atom(&minf, "stbl", &stbl);
    full_timing(&mdia, "mdhd", timescale, duration);
    hdlr(&mdia, "soun");
    atom(&mdia, "minf", &minf);
    atom(&trak, "mdia", &mdia);
    atom(out, "trak", &trak);
}

static void ilst_items(bbuf *ilst)
{
    bbuf item = {0};
    data_atom(&item, 1, "Title", 5);
    atom(ilst, "\xa9nam", &item);
    data_atom(&item, 0, "\0\0\0\3\0\x0c\0\0", 8);
    atom(ilst, "trkn", &item);
    atom_raw(&item, "mean", LIT("\0\0\0\0com.apple.iTunes"));
    atom_raw(&item, "name", LIT("\0\0\0\0NOTE"));
    data_atom(&item, 1, "a", 1);
    data_atom(&item, 1, "bc", 2);
    atom(ilst, "----", &item);
    data_atom(&item, 13, "JPEG", 4);
    data_atom(&item, 14, "PNG", 3);
    atom(ilst, "covr", &item);
    atom_raw(&item, "datA", LIT("\0\0\0\1\0\0\0\0x"));
    atom(ilst, "aART", &item);
}

/* ftyp, moov (mvhd, an audio trak, udta with tags and chapters), mdat;
 * moov_last puts moov after a large mdat. */
static void build_file(bbuf *f, bool moov_last, size_t mdat_len)
{
    bbuf moov = {0}, udta = {0}, meta = {0}, ilst = {0}, mdat = {0};
    atom_raw(f, "ftyp", LIT("M4A \0\0\0\0"));
    full_timing(&moov, "mvhd", 1000, 4000);
    audio_trak(&moov, 44100, 163520);
    bb_be32(&meta, 0);
    hdlr(&meta, "mdir");
    ilst_items(&ilst);
    atom(&meta, "ilst", &ilst);
    atom_raw(&meta, "free", LIT("\0\0\0\0\0\0\0\0\0\0"));
    atom(&udta, "meta", &meta);
    /* chpl: version 1, flags, 4 reserved, a count, then (start, title) */
    atom_raw(&udta, "chpl", LIT("\1\0\0\0\0\0\0\0\2"
                                "\0\0\0\0\0\0\0\0\3One"
                                "\0\0\0\0\0\x98\x96\x80\3Two"));
    atom(&moov, "udta", &udta);
    for (size_t i = 0; i < mdat_len; i++)
        bb_u8(&mdat, 0xaa);
    if (moov_last) {
        atom(f, "mdat", &mdat);
        atom(f, "moov", &moov);
    } else {
        atom(f, "moov", &moov);
        atom(f, "mdat", &mdat);
    }
}

static bool str_is(cm_str s, const char *lit)
{
    return s.len == strlen(lit) && memcmp(s.ptr, lit, s.len) == 0;
}

static bool bytes_is(cm_bytes b, const char *p, size_t n)
{
    return b.len == n && memcmp(b.ptr, p, n) == 0;
}

static void check_file(const cm_mp4 *m)
{
    CHECK(m != NULL);
    if (!m)
        return;
    const cm_mp4_info *i = &m->info;
    CHECK_EQ_U(i->fields, CM_MP4_HAS_LENGTH | CM_MP4_HAS_AUDIO_TRACK | CM_MP4_HAS_SAMPLE_ENTRY);
    CHECK(i->length == 163520.0 / 44100.0);
    CHECK_EQ_U(i->bitrate, 2914);
    CHECK_EQ_U(i->channels, 2);
    CHECK_EQ_U(i->sample_rate, 44100);
    CHECK_EQ_U(i->bits_per_sample, 16);
    CHECK(str_is(i->codec, "mp4a.40.2"));
    CHECK(str_is(i->codec_description, "AAC LC"));
    CHECK(m->has_tags);
    CHECK_EQ_U(m->padding, 10);
    CHECK_EQ_U(m->item_count, 5);
    if (m->item_count != 5)
        return;
    const cm_mp4_item *it = m->items;
    CHECK(memcmp(it[0].name, "\xa9nam", 4) == 0 && it[0].well_formed && it[0].data_count == 1);
    CHECK(it[0].data[0].type == CM_MP4_DATA_UTF8 && bytes_is(it[0].data[0].value, "Title", 5));
    CHECK(it[1].data_count == 1 && it[1].data[0].type == CM_MP4_DATA_IMPLICIT &&
          bytes_is(it[1].data[0].value, "\0\0\0\3\0\x0c\0\0", 8));
    CHECK(it[2].well_formed && str_is(it[2].mean, "com.apple.iTunes") && str_is(it[2].key, "NOTE"));
    CHECK(it[2].data_count == 2 && bytes_is(it[2].data[1].value, "bc", 2));
    CHECK(it[3].data_count == 2 && it[3].data[0].type == CM_MP4_DATA_JPEG &&
          it[3].data[1].type == CM_MP4_DATA_PNG && bytes_is(it[3].data[1].value, "PNG", 3));
    /* a child that is not a data atom: kept whole, for the caller to judge */
    CHECK(!it[4].well_formed && it[4].data_count == 0 && it[4].body.len == 17);
    CHECK(m->has_chapters && m->timescale == 1000 && m->duration == 4000);
    CHECK(m->chapter_count == 2 && m->chapters[0].start == 0.0 && str_is(m->chapters[0].title, "One"));
    CHECK(m->chapter_count == 2 && m->chapters[1].start == 1.0 && str_is(m->chapters[1].title, "Two"));
}

static void test_whole_file(void)
{
    bbuf f = {0};
    build_file(&f, false, 100);
    cm_error err;
    cm_doc *doc = cm_read_mem(f.data, f.len, NULL, &err); /* detected by its ftyp */
    CHECK(doc && cm_doc_format(doc) == CM_FORMAT_MP4);
    check_file(cm_doc_mp4(doc));
    CHECK(cm_doc_flac(doc) == NULL);
    cm_doc_free(doc);
    bb_free(&f);
}

/* moov behind 1 MiB of media data: the parse asks for the tail from moov
 * on, never for the media data. */
static void test_moov_at_end(void)
{
    bbuf f = {0};
    build_file(&f, true, 1 << 20);
    cm_read_opts opts = {CM_FORMAT_MP4};
    cm_error err;
    cm_input in = {f.data, 4096, NULL, 0, f.len};
    CHECK(cm_parse_input(&in, &opts, &err) == NULL && err.code == CM_NEED_MORE);
    uint64_t moov = 16 + 8 + (1 << 20);
    CHECK_EQ_U(err.need_tail_bytes, f.len - moov);
    CHECK(err.need_bytes <= 4096);
    in.tail = f.data + moov;
    in.tail_len = (size_t)err.need_tail_bytes;
    cm_doc *doc = cm_parse_input(&in, &opts, &err);
    check_file(cm_doc_mp4(doc));
    cm_doc_free(doc);

    /* and through a file */
    char path[] = "/tmp/cm_test_mp4_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *fp = fdopen(fd, "wb");
    CHECK(fp && fwrite(f.data, 1, f.len, fp) == f.len);
    fclose(fp);
    doc = cm_read_file(path, NULL, &err);
    check_file(cm_doc_mp4(doc));
    cm_doc_free(doc);
    remove(path);
    bb_free(&f);
}

/* Every prefix of a file either parses, asks for more, or is an error:
 * never a crash, and a request always asks for something new. */
static void test_prefixes(void)
{
    bbuf f = {0};
    build_file(&f, false, 64);
    cm_read_opts opts = {CM_FORMAT_MP4};
    for (size_t n = 0; n <= f.len; n++) {
        cm_error err;
        cm_doc *doc = cm_read_mem(f.data, n, &opts, &err);
        if (n == f.len)
            check_file(cm_doc_mp4(doc));
        else if (!doc)
            CHECK(err.code != CM_NEED_MORE);
        cm_doc_free(doc);
        cm_input in = {f.data, n, NULL, 0, f.len};
        doc = cm_parse_input(&in, &opts, &err);
        if (doc)
            check_file(cm_doc_mp4(doc)); /* moov whole: the media data is not needed */
        else
            CHECK(err.code == CM_NEED_MORE && (err.need_bytes > n || err.need_tail_bytes > 0));
        cm_doc_free(doc);
    }
    bb_free(&f);
}

static cm_doc *parse(const bbuf *f, cm_error *err)
{
    cm_read_opts opts = {CM_FORMAT_MP4};
    return cm_read_mem(f->data, f->len, &opts, err);
}

static void test_atom_errors(void)
{
    cm_error err;
    bbuf f = {0}, moov = {0};
    /* no moov at all */
    atom_raw(&f, "ftyp", LIT("M4A \0\0\0\0"));
    CHECK(parse(&f, &err) == NULL && err.code == CM_ERR_NOT_FORMAT);
    bb_free(&f);
    /* a child with size 0 (only a top-level atom may run to the end) */
    atom_raw(&moov, "udta", LIT("\0\0\0\0free"));
    atom(&f, "moov", &moov);
    CHECK(parse(&f, &err) == NULL && err.code == CM_ERR_INVALID);
    bb_free(&f);
    /* a child size below 8 */
    atom_raw(&f, "moov", LIT("\0\0\0\4free"));
    CHECK(parse(&f, &err) == NULL && err.code == CM_ERR_INVALID);
    bb_free(&f);
    /* a 64-bit size below 16 */
    atom_raw(&f, "moov", LIT("\0\0\0\1free\0\0\0\0\0\0\0\x08"));
    CHECK(parse(&f, &err) == NULL && err.code == CM_ERR_INVALID);
    bb_free(&f);
    /* trailing bytes in a container that cannot hold a header */
    atom_raw(&f, "moov", LIT("\0\0\0\x08" "free\0\0\0"));
    CHECK(parse(&f, &err) == NULL && err.code == CM_ERR_TRUNCATED);
    bb_free(&f);
    /* top level: a size-0 moov runs to the end; trailing bytes are fine */
    bb_be32(&f, 0);
    bb_put(&f, "moov", 4);
    atom_raw(&f, "free", LIT(""));
    cm_doc *doc = parse(&f, &err);
    CHECK(doc != NULL);
    cm_doc_free(doc);
    bb_free(&f);
    atom_raw(&f, "moov", LIT(""));
    bb_put(&f, "\0\0\0", 3);
    doc = parse(&f, &err);
    CHECK(doc && cm_doc_mp4(doc)->info.fields == 0 && !cm_doc_mp4(doc)->has_tags);
    cm_doc_free(doc);
    bb_free(&f);
    /* a child running past its container: the walk goes on where it
     * ends (at 32), not where the container says it ends (at 16, where
     * a size of 2 would be an error) */
    atom_raw(&f, "moov", LIT("\0\0\0\x18" "free"));
    bb_put(&f, "\0\0\0\2junk\0\0\0\0\0\0\0\0", 16);
    f.data[3] = 16;
    doc = parse(&f, &err);
    CHECK(doc != NULL);
    cm_doc_free(doc);
    bb_free(&f);
    /* containers nested past any real file: an error, not a deep recursion */
    bbuf deep = {0};
    for (int i = 0; i < 200; i++) {
        bbuf outer = {0};
        atom(&outer, "udta", &deep);
        deep = outer;
    }
    atom(&f, "moov", &deep);
    CHECK(parse(&f, &err) == NULL && err.code == CM_ERR_INVALID);
    bb_free(&f);
}

static void test_info_rules(void)
{
    cm_error err;
    bbuf f = {0}, moov = {0}, trak = {0}, mdia = {0};
    /* mvhd alone gives the length */
    full_timing(&moov, "mvhd", 10, 25);
    atom(&f, "moov", &moov);
    cm_doc *doc = parse(&f, &err);
    const cm_mp4 *m = cm_doc_mp4(doc);
    CHECK(m && m->info.fields == CM_MP4_HAS_LENGTH && m->info.length == 2.5 && !m->has_chapters);
    cm_doc_free(doc);
    bb_free(&f);
    /* mvhd with a 0 time scale is an error */
    full_timing(&moov, "mvhd", 0, 25);
    atom(&f, "moov", &moov);
    CHECK(parse(&f, &err) == NULL && err.code == CM_ERR_INVALID);
    bb_free(&f);
    /* an audio track's mdhd with time scale 0: no length */
    full_timing(&mdia, "mdhd", 0, 25);
    hdlr(&mdia, "soun");
    atom(&trak, "mdia", &mdia);
    atom(&moov, "trak", &trak);
    atom(&f, "moov", &moov);
    doc = parse(&f, &err);
    m = cm_doc_mp4(doc);
    CHECK(m && m->info.fields == (CM_MP4_HAS_LENGTH | CM_MP4_HAS_AUDIO_TRACK) &&
          m->info.zero_timescale && m->info.length == 0.0);
    cm_doc_free(doc);
    bb_free(&f);
    /* a video track is not audio; an audio track without mdhd is an error */
    hdlr(&mdia, "vide");
    atom(&trak, "mdia", &mdia);
    atom(&moov, "trak", &trak);
    hdlr(&mdia, "soun");
    atom(&trak, "mdia", &mdia);
    atom(&moov, "trak", &trak);
    atom(&f, "moov", &moov);
    CHECK(parse(&f, &err) == NULL && err.code == CM_ERR_INVALID);
    bb_free(&f);
}

/* moov with an audio track and a meta holding `meta_body` after its flags. */
static void tagged_file(bbuf *f, bbuf *meta_body)
{
    bbuf moov = {0}, udta = {0}, meta = {0};
    audio_trak(&moov, 44100, 441000);
    bb_be32(&meta, 0);
    bb_put(&meta, meta_body->data, meta_body->len);
    bb_free(meta_body);
    atom(&udta, "meta", &meta);
    atom(&moov, "udta", &udta);
    atom(f, "moov", &moov);
}

/* Which atoms mutagen reads, and when it refuses them. */
static void test_read_rules(void)
{
    cm_error err;
    bbuf f = {0}, moov = {0}, trak = {0}, mdia = {0}, body = {0}, ilst = {0}, item = {0};
    /* with an audio track mvhd is not read: its 0 time scale is no error */
    full_timing(&moov, "mvhd", 0, 25);
    audio_trak(&moov, 10, 25);
    atom(&f, "moov", &moov);
    cm_doc *doc = parse(&f, &err);
    CHECK(doc && cm_doc_mp4(doc)->info.length == 2.5);
    cm_doc_free(doc);
    bb_free(&f);
    /* a track without mdia.hdlr before the audio one is an error */
    full_timing(&mdia, "mdhd", 10, 25);
    atom(&trak, "mdia", &mdia);
    atom(&moov, "trak", &trak);
    audio_trak(&moov, 10, 25);
    atom(&f, "moov", &moov);
    CHECK(parse(&f, &err) == NULL && err.code == CM_ERR_INVALID);
    bb_free(&f);
    /* an item the file ends inside */
    data_atom(&item, 1, "Title", 5);
    atom(&ilst, "\xa9nam", &item);
    ilst.data[3] = (uint8_t)(ilst.data[3] + 40);
    atom(&body, "ilst", &ilst);
    tagged_file(&f, &body);
    CHECK(parse(&f, &err) == NULL && err.code == CM_ERR_TRUNCATED);
    bb_free(&f);
    /* padding: "before" the first child is the last; a free atom counts
     * only right next to ilst */
    atom_raw(&body, "ilst", LIT(""));
    atom_raw(&body, "free", LIT("12345"));
    tagged_file(&f, &body);
    doc = parse(&f, &err);
    CHECK(doc && cm_doc_mp4(doc)->has_tags && cm_doc_mp4(doc)->padding == 5);
    cm_doc_free(doc);
    bb_free(&f);
    atom_raw(&body, "ilst", LIT(""));
    hdlr(&body, "mdir");
    atom_raw(&body, "free", LIT("12345"));
    atom_raw(&body, "skip", LIT(""));
    tagged_file(&f, &body);
    doc = parse(&f, &err);
    CHECK(doc && cm_doc_mp4(doc)->has_tags && cm_doc_mp4(doc)->padding == 0);
    cm_doc_free(doc);
    bb_free(&f);
    /* an item with a 64-bit size: its length counts the 16-byte header */
    bb_be32(&ilst, 1);
    bb_put(&ilst, "\xa9nam", 4);
    bb_be32(&ilst, 0);
    bb_be32(&ilst, 16 + 21);
    data_atom(&ilst, 1, "Title", 5);
    atom(&body, "ilst", &ilst);
    tagged_file(&f, &body);
    doc = parse(&f, &err);
    const cm_mp4 *m = cm_doc_mp4(doc);
    CHECK(m && m->item_count == 1 && m->items[0].length == 37 && m->items[0].body.len == 21);
    cm_doc_free(doc);
    bb_free(&f);
    /* an atom claiming to end beyond what file systems seek to */
    audio_trak(&moov, 10, 25);
    atom(&f, "moov", &moov);
    bb_be32(&f, 1);
    bb_put(&f, "mdat", 4);
    bb_be32(&f, 1 << 9);
    bb_be32(&f, 0);
    CHECK(parse(&f, &err) == NULL && err.code == CM_ERR_INVALID);
    bb_free(&f);
}

/* meta is a full box: its children start after 4 flag bytes, also when
 * a writer left them out (then, as in mutagen, there are no tags). */
static void test_meta_without_flags(void)
{
    cm_error err;
    bbuf f = {0}, moov = {0}, udta = {0}, meta = {0}, ilst = {0};
    hdlr(&meta, "mdir");
    ilst_items(&ilst);
    atom(&meta, "ilst", &ilst);
    atom(&udta, "meta", &meta);
    atom(&moov, "udta", &udta);
    atom(&f, "moov", &moov);
    cm_doc *doc = parse(&f, &err);
    CHECK(doc && !cm_doc_mp4(doc)->has_tags);
    cm_doc_free(doc);
    bb_free(&f);
}

static cm_mp4_entry entry_of(const uint8_t *p, size_t n, cm_status *st)
{
    cm_mp4_entry e;
    memset(&e, 0, sizeof e);
    cm_error err;
    *st = cm_mp4_parse_sample_entry(p, n, 0, &e, &err);
    return e;
}

#define ENTRY(name, bytes) \
    cm_status name##_st; \
    cm_mp4_entry name = entry_of((const uint8_t *)(bytes), sizeof(bytes) - 1, &name##_st)

/* The sample entries of mutagen's TMP4AudioSampleEntry tests. */
static void test_sample_entries(void)
{
    ENTRY(alac, "\x00\x00\x00Halac\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00"
                "\x00\x00\x00\x00\x00\x00\x02\x00\x10\x00\x00\x00\x00\x1f@\x00"
                "\x00\x00\x00\x00$alac\x00\x00\x00\x00\x00\x00\x10\x00\x00\x10"
                "(\n\x0e\x01\x00\xff\x00\x00P\x01\x00\x00\x00\x00\x00\x00\x1f@");
    CHECK(alac_st == CM_OK && alac.bitrate == 0 && alac.channels == 1 &&
          strcmp(alac.codec, "alac") == 0 && strcmp(alac.description, "ALAC") == 0 &&
          alac.sample_rate == 8000);
    ENTRY(alac2, "\x00\x00\x00Halac\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00"
                 "\x00\x00\x00\x00\x00\x00\x02\x00\x18\x00\x00\x00\x00X\x88\x00"
                 "\x00\x00\x00\x00$alac\x00\x00\x00\x00\x00\x00\x10\x00\x00\x18"
                 "(\n\x0e\x02\x00\xff\x00\x00" "F/\x00%2\xd5\x00\x01X\x88");
    CHECK(alac2_st == CM_OK && alac2.bitrate == 2437845 && alac2.channels == 2 &&
          alac2.sample_rate == 88200 && alac2.sample_size == 24);
    ENTRY(pce, "\x00\x00\x00\x64mp4a\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00"
               "\x00\x00\x00\x00\x00\x00\x02\x00\x10\x00\x00\x00\x00\xbb\x80"
               "\x00\x00\x00\x00\x00@esds\x00\x00\x00\x00\x03\x80\x80\x80/\x00"
               "\x00\x00\x04\x80\x80\x80!@\x15\x00\x15\x00\x00\x03\xed\xaa\x00"
               "\x03k\x00\x05\x80\x80\x80\x0f+\x01\x88\x02\xc4\x04\x90,\x10\x8c"
               "\x80\x00\x00\xed@\x06\x80\x80\x80\x01\x02");
    CHECK(pce_st == CM_OK && pce.bitrate == 224000 && pce.channels == 8 &&
          strcmp(pce.description, "AAC LC+SBR") == 0 && strcmp(pce.codec, "mp4a.40.2") == 0 &&
          pce.sample_rate == 48000 && pce.sample_size == 16);
    ENTRY(ps, "\x00\x00\x00\\mp4a\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00"
              "\x00\x00\x00\x00\x00\x00\x02\x00\x10\x00\x00\x00\x00\xbb\x80\x00"
              "\x00\x00\x00\x00" "8esds\x00\x00\x00\x00\x03\x80\x80\x80'\x00\x00"
              "\x00\x04\x80\x80\x80\x19@\x15\x00\x03\x00\x00\x00\xe9j\x00\x00"
              "\xda\xc0\x05\x80\x80\x80\x07\x13\x08V\xe5\x9dH\x80\x06\x80\x80"
              "\x80\x01\x02");
    CHECK(ps_st == CM_OK && ps.bitrate == 56000 && ps.channels == 2 &&
          strcmp(ps.description, "AAC LC+SBR+PS") == 0 && strcmp(ps.codec, "mp4a.40.2") == 0 &&
          ps.sample_rate == 48000);
    ENTRY(als, "\x00\x00\x00\x9dmp4a\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00"
               "\x00\x00\x00\x00\x00\x00\x02\x00\x00\x10\x00\x00\x00\x00\x07"
               "\xd0\x00\x00\x00\x00\x00yesds\x00\x00\x00\x00\x03k\x00\x00\x00"
               "\x04" "c@\x15\x10\xe7\xe6\x00W\xcbJ\x00W\xcbJ\x05T\xf8\x9e\x00\x0f"
               "\xa0\x00" "ALS\x00\x00\x00\x07\xd0\x00\x00\x0c\t\x01\xff$O\xff\x00"
               "g\xff\xfc\x80\x00\x00\x00,\x00\x00\x00\x00RIFF$$0\x00WAVEfmt "
               "\x10\x00\x00\x00\x01\x00\x00\x02\xd0\x07\x00\x00\x00@\x1f\x00"
               "\x00\x04\x10\x00" "data\x00$0\x00\xf6\xce" "F+\x06\x01\x02");
    CHECK(als_st == CM_OK && als.bitrate == 5753674 && als.channels == 512 &&
          strcmp(als.description, "ALS") == 0 && strcmp(als.codec, "mp4a.40.36") == 0 &&
          als.sample_rate == 2000 && als.sample_size == 16);
    ENTRY(ac3, "\x00\x00\x00/ac-3\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00"
               "\x00\x00\x00\x00\x00\x00\x02\x00\x10\x00\x00\x00\x00V\"\x00\x00"
               "\x00\x00\x00\x0b" "dac3R\t\x00");
    CHECK(ac3_st == CM_OK && ac3.bitrate == 128000 && ac3.channels == 1 &&
          strcmp(ac3.description, "AC-3") == 0 && strcmp(ac3.codec, "ac-3") == 0 &&
          ac3.sample_rate == 22050);
    ENTRY(samr, "\x00\x00\x00" "5samr\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00"
                "\x00\x00\x00\x00\x00\x00\x02\x00\x10\x00\x00\x00\x00\x1f@\x00"
                "\x00\x00\x00\x00\x11" "damrFFMP\x00\x81\xff\x00\x01");
    CHECK(samr_st == CM_OK && samr.bitrate == 0 && samr.channels == 2 &&
          strcmp(samr.description, "SAMR") == 0 && strcmp(samr.codec, "samr") == 0 &&
          samr.sample_rate == 8000);
    ENTRY(zeros, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
    CHECK(zeros_st == CM_ERR_INVALID);
    (void)zeros;
    /* every cut of a valid entry fails cleanly */
    static const uint8_t full[] = "\x00\x00\x00\x64mp4a\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00"
                                  "\x00\x00\x00\x00\x00\x00\x02\x00\x10\x00\x00\x00\x00\xbb\x80"
                                  "\x00\x00\x00\x00\x00@esds\x00\x00\x00\x00\x03\x80\x80\x80/\x00"
                                  "\x00\x00\x04\x80\x80\x80!@\x15\x00\x15\x00\x00\x03\xed\xaa\x00"
                                  "\x03k\x00\x05\x80\x80\x80\x0f+\x01\x88\x02\xc4\x04\x90,\x10\x8c";
    for (size_t n = 0; n < sizeof full - 1; n++) {
        uint8_t *copy = malloc(n + 1);
        memcpy(copy, full, n);
        cm_status st;
        entry_of(copy, n, &st);
        CHECK(st == CM_ERR_INVALID || st == CM_OK);
        free(copy);
    }
}

TEST_LIST(test_whole_file, test_moov_at_end, test_prefixes, test_atom_errors, test_info_rules,
          test_read_rules, test_meta_without_flags, test_sample_entries)
