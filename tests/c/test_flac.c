/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cmutagen.h"

static void block_header(bbuf *b, unsigned type, int last, uint32_t len)
{
    bb_u8(b, type | (last ? 0x80u : 0));
    bb_be24(b, len);
}

/* 44100 Hz, 2 channels, 16 bits, 162496 samples: 3.6847... seconds. */
static void streaminfo(bbuf *b, int last, uint32_t sample_rate)
{
    block_header(b, CM_FLAC_STREAMINFO, last, 34);
    bb_u8(b, 0x12), bb_u8(b, 0x00);          /* min blocksize 4608 */
    bb_u8(b, 0x12), bb_u8(b, 0x00);          /* max blocksize 4608 */
    bb_be24(b, 14);                          /* min framesize */
    bb_be24(b, 16);                          /* max framesize */
    uint64_t total = 162496, bits = 0;
    bits |= (uint64_t)sample_rate << 44;
    bits |= (uint64_t)(2 - 1) << 41;
    bits |= (uint64_t)(16 - 1) << 36;
    bits |= total;
    for (int i = 7; i >= 0; i--)
        bb_u8(b, (unsigned)(bits >> (8 * i)) & 0xff);
    for (int i = 0; i < 16; i++)
        bb_u8(b, (unsigned)i);
}

static void vcomment(bbuf *b, int last, uint32_t declared_len)
{
    static const char *const items[] = {"TITLE=Silence", "artist=piman", "artist=jzig"};
    bbuf body = {0};
    bb_le32(&body, 6);
    bb_str(&body, "vendor");
    bb_le32(&body, 3);
    for (int i = 0; i < 3; i++) {
        bb_le32(&body, (uint32_t)strlen(items[i]));
        bb_str(&body, items[i]);
    }
    block_header(b, CM_FLAC_VORBIS_COMMENT, last, declared_len ? declared_len : (uint32_t)body.len);
    bb_put(b, body.data, body.len);
    bb_free(&body);
}

static void picture(bbuf *b, int last, size_t data_len)
{
    uint32_t len = 4 + 4 + 10 + 4 + 5 + 16 + 4 + (uint32_t)data_len;
    block_header(b, CM_FLAC_PICTURE, last, len);
    bb_be32(b, 3);
    bb_be32(b, 10);
    bb_str(b, "image/jpeg");
    bb_be32(b, 5);
    bb_str(b, "cover");
    bb_be32(b, 600), bb_be32(b, 400), bb_be32(b, 24), bb_be32(b, 0);
    bb_be32(b, (uint32_t)data_len);
    for (size_t i = 0; i < data_len; i++)
        bb_u8(b, (unsigned)(i * 7));
}

static void padding(bbuf *b, int last, uint32_t len)
{
    block_header(b, CM_FLAC_PADDING, last, len);
    for (uint32_t i = 0; i < len; i++)
        bb_u8(b, 0);
}

static void audio(bbuf *b, size_t n)
{
    bb_u8(b, 0xff), bb_u8(b, 0xf8);
    for (size_t i = 2; i < n; i++)
        bb_u8(b, 0);
}

static bbuf full_file(void)
{
    bbuf b = {0};
    bb_str(&b, "fLaC");
    streaminfo(&b, 0, 44100);
    vcomment(&b, 0, 0);
    picture(&b, 0, 3000);
    padding(&b, 1, 1024);
    audio(&b, 100);
    return b;
}

static int str_is(cm_str s, const char *want)
{
    return s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

static void test_reads_every_block(void)
{
    bbuf b = full_file();
    cm_error err;
    cm_doc *doc = cm_read_mem(b.data, b.len, NULL, &err);
    CHECK(doc != NULL);
    const cm_flac *f = cm_doc_flac(doc);
    CHECK(f != NULL);
    CHECK(cm_doc_format(doc) == CM_FORMAT_FLAC);
    CHECK_EQ_U(f->streaminfo.sample_rate, 44100);
    CHECK_EQ_U(f->streaminfo.channels, 2);
    CHECK_EQ_U(f->streaminfo.bits_per_sample, 16);
    CHECK_EQ_U(f->streaminfo.total_samples, 162496);
    CHECK_EQ_U(f->streaminfo.min_blocksize, 4608);
    CHECK_EQ_U(f->streaminfo.max_framesize, 16);
    CHECK(f->streaminfo.md5[15] == 15);
    CHECK(f->length > 3.6847 && f->length < 3.6848);
    CHECK_EQ_U(f->audio_offset, b.len - 100);
    CHECK_EQ_U(f->bitrate, (uint64_t)(800.0 / (162496.0 / 44100.0)));
    CHECK_EQ_U(f->block_count, 4);
    CHECK(f->blocks[3].type == CM_FLAC_PADDING && f->blocks[3].last);
    CHECK(f->vcomment != NULL && f->vcomment->count == 3);
    CHECK(str_is(f->vcomment->vendor, "vendor"));
    CHECK(str_is(f->vcomment->entries[2].value, "jzig"));
    CHECK_EQ_U(f->picture_count, 1);
    CHECK(str_is(f->pictures[0]->mime, "image/jpeg"));
    CHECK(f->pictures[0]->width == 600 && f->pictures[0]->data.len == 3000);
    CHECK(f->pictures[0]->data.ptr[2] == 14);
    cm_doc_free(doc);
    bb_free(&b);
}

/* Every prefix either asks for more of the file, or succeeds when it holds
 * the whole metadata; the request always grows. */
static void test_prefix_parsing_asks_for_more(void)
{
    bbuf b = full_file();
    for (size_t avail = 0; avail <= b.len; avail += 7) {
        size_t have = avail;
        cm_doc *doc = NULL;
        cm_error err;
        for (int rounds = 0; rounds < 64 && !doc; rounds++) {
            doc = cm_parse_prefix(b.data, have, b.len, NULL, &err);
            if (!doc) {
                CHECK(err.code == CM_NEED_MORE);
                if (err.code != CM_NEED_MORE)
                    break;
                CHECK(err.need_bytes > have && err.need_bytes <= b.len);
                have = (size_t)err.need_bytes;
            }
        }
        CHECK(doc != NULL && cm_doc_flac(doc)->block_count == 4);
        cm_doc_free(doc);
    }
    bb_free(&b);
}

static void test_every_truncation_fails_cleanly(void)
{
    bbuf b = full_file();
    size_t metadata_end = b.len - 100;
    for (size_t cut = 0; cut < metadata_end; cut++) {
        cm_error err;
        cm_doc *doc = cm_read_mem(b.data, cut, NULL, &err);
        CHECK(doc == NULL);
        CHECK(err.code == CM_ERR_TRUNCATED || (cut < 4 && err.code == CM_ERR_UNSUPPORTED));
        CHECK(err.msg[0] != '\0');
        cm_doc_free(doc);
    }
    bb_free(&b);
}

static void test_wrong_length_vorbis_comment_is_measured(void)
{
    bbuf b = {0};
    bb_str(&b, "fLaC");
    streaminfo(&b, 0, 44100);
    vcomment(&b, 0, 2);  /* the header lies: 2 bytes */
    padding(&b, 1, 4);
    audio(&b, 10);
    cm_doc *doc = cm_read_mem(b.data, b.len, NULL, NULL);
    CHECK(doc != NULL);
    const cm_flac *f = cm_doc_flac(doc);
    CHECK(f && f->block_count == 3 && f->blocks[1].declared_length == 2);
    CHECK(f && f->blocks[1].length > 2 && f->blocks[2].type == CM_FLAC_PADDING);
    cm_doc_free(doc);
    bb_free(&b);
}

static void test_id3v2_in_front_is_skipped(void)
{
    bbuf b = {0};
    bb_str(&b, "ID3");
    bb_u8(&b, 4), bb_u8(&b, 0), bb_u8(&b, 0);
    bb_u8(&b, 0), bb_u8(&b, 0), bb_u8(&b, 1), bb_u8(&b, 0); /* syncsafe 128 */
    for (int i = 0; i < 128; i++)
        bb_u8(&b, 0);
    bb_str(&b, "fLaC");
    streaminfo(&b, 1, 44100);
    audio(&b, 10);
    cm_doc *doc = cm_read_mem(b.data, b.len, NULL, NULL);
    CHECK(doc != NULL);
    CHECK(doc && cm_doc_flac(doc)->flac_offset == 138);
    cm_doc_free(doc);
    bb_free(&b);
}

static void test_bad_files_name_the_problem(void)
{
    struct {
        const char *what;
        cm_status code;
    } cases[] = {
        {"not flac", CM_ERR_NOT_FORMAT},
        {"zero rate", CM_ERR_INVALID},
        {"no streaminfo", CM_ERR_NOT_FORMAT},
        {"short streaminfo", CM_ERR_TRUNCATED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bbuf b = {0};
        cm_read_opts opts = {CM_FORMAT_FLAC};
        switch (i) {
        case 0: bb_str(&b, "OggS and more bytes"); break;
        case 1: bb_str(&b, "fLaC"); streaminfo(&b, 1, 0); break;
        case 2: bb_str(&b, "fLaC"); padding(&b, 1, 10); break;
        case 3: bb_str(&b, "fLaC"); block_header(&b, 0, 1, 18); padding(&b, 1, 14); break;
        }
        cm_error err;
        cm_doc *doc = cm_read_mem(b.data, b.len, &opts, &err);
        CHECK(doc == NULL);
        if (err.code != cases[i].code)
            fprintf(stderr, "case %s: got %s (%s)\n", cases[i].what, cm_status_name(err.code), err.msg);
        CHECK(err.code == cases[i].code);
        CHECK(strlen(err.msg) > 10);
        bb_free(&b);
    }
}

static void test_reads_from_a_path_and_a_descriptor(void)
{
    bbuf b = {0};
    bb_str(&b, "fLaC");
    streaminfo(&b, 0, 44100);
    picture(&b, 0, 200000); /* longer than the first read */
    padding(&b, 1, 100);
    audio(&b, 1000);
    char path[] = "/tmp/cmutagen-test-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, b.data, b.len) == (ssize_t)b.len);
    cm_error err;
    cm_doc *doc = cm_read_file(path, NULL, &err);
    CHECK(doc && cm_doc_flac(doc)->pictures[0]->data.len == 200000);
    CHECK(doc && cm_doc_flac(doc)->file_size == b.len);
    cm_doc_free(doc);
    doc = cm_read_fd(fd, NULL, &err);
    CHECK(doc && cm_doc_flac(doc)->audio_offset == b.len - 1000);
    cm_doc_free(doc);
    close(fd);
    unlink(path);
    CHECK(cm_read_file(path, NULL, &err) == NULL);
    CHECK(err.code == CM_ERR_IO && err.sys_errno != 0);
    bb_free(&b);
}

TEST_LIST(test_reads_every_block, test_prefix_parsing_asks_for_more,
          test_every_truncation_fails_cleanly, test_wrong_length_vorbis_comment_is_measured,
          test_id3v2_in_front_is_skipped, test_bad_files_name_the_problem,
          test_reads_from_a_path_and_a_descriptor)
