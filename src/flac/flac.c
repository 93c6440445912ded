/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "flac.h"

#include <string.h>

#include "../core/error.h"
#include "../id3/id3v2_header.h"
#include "../vorbis/vcomment.h"

enum {
    BLOCK_HEADER_SIZE = 4,
    STREAMINFO_SIZE = 34,
    FIRST_BLOCK_CAPACITY = 16
};

typedef struct parser {
    const uint8_t *data;
    size_t avail;
    uint64_t file_size;
    cm_arena *arena;
    cm_error *err;
    cm_flac *flac;
    cm_flac_block *blocks;
    size_t capacity;
} parser;

static cm_status nomem(parser *p, uint64_t at)
{
    return cm_fail(p->err, CM_ERR_NOMEM, CM_PART_CONTAINER, at, "out of memory");
}

/* The bytes [start, end) are needed.  Past the end of the file that is a
 * truncation; past what we hold, a request for more. */
static cm_status need_range(parser *p, uint64_t start, uint64_t end, const char *what)
{
    if (end > p->file_size)
        return cm_fail(p->err, CM_ERR_TRUNCATED, CM_PART_CONTAINER, start,
                       "FLAC file ends inside the %s (it needs %llu bytes at offset %llu, "
                       "the file has %llu)",
                       what, (unsigned long long)(end - start), (unsigned long long)start,
                       (unsigned long long)(p->file_size > start ? p->file_size - start : 0));
    if (end > p->avail)
        return cm_need_more(p->err, end);
    return CM_OK;
}

cm_status cm_flac_decode_streaminfo(const uint8_t *body, size_t len, uint64_t offset,
                                    cm_flac_streaminfo *si, cm_error *err)
{
    if (len < STREAMINFO_SIZE)
        return cm_fail(err, CM_ERR_TRUNCATED, CM_PART_CONTAINER, offset,
                       "STREAMINFO block is %zu bytes, it must be at least %d", len,
                       STREAMINFO_SIZE);
    const uint8_t *s = body;
    si->min_blocksize = (uint32_t)s[0] << 8 | s[1];
    si->max_blocksize = (uint32_t)s[2] << 8 | s[3];
    si->min_framesize = (uint32_t)s[4] << 16 | (uint32_t)s[5] << 8 | s[6];
    si->max_framesize = (uint32_t)s[7] << 16 | (uint32_t)s[8] << 8 | s[9];
    /* 20 bits sample rate, 3 bits channels-1, 5 bits bits-per-sample-1,
     * 36 bits total samples. */
    si->sample_rate = (uint32_t)s[10] << 12 | (uint32_t)s[11] << 4 | s[12] >> 4;
    si->channels = ((s[12] >> 1) & 0x7) + 1;
    si->bits_per_sample = ((uint32_t)(s[12] & 1) << 4 | s[13] >> 4) + 1;
    si->total_samples = (uint64_t)(s[13] & 0xf) << 32 | (uint64_t)s[14] << 24 |
                        (uint64_t)s[15] << 16 | (uint64_t)s[16] << 8 | s[17];
    memcpy(si->md5, s + 18, 16);
    if (si->sample_rate == 0)
        return cm_fail(err, CM_ERR_INVALID, CM_PART_CONTAINER, offset + 10,
                       "STREAMINFO gives a sample rate of 0, which is invalid");
    return CM_OK;
}

double cm_flac_streaminfo_length(const cm_flac_streaminfo *si)
{
    return si->sample_rate ? (double)si->total_samples / (double)si->sample_rate : 0.0;
}

static bool take_be32_string(cm_cursor *c, cm_str *out)
{
    uint32_t len;
    const uint8_t *ptr;
    if (!cm_be32(c, &len) || !cm_take(c, len, &ptr))
        return false;
    out->ptr = (const char *)ptr;
    out->len = len;
    return true;
}

/* PICTURE: type, MIME type, description, width, height, depth, colours,
 * data; all lengths and numbers 32-bit big endian. */
bool cm_flac_decode_picture(cm_cursor *c, cm_flac_picture *pic)
{
    cm_str data;
    if (!cm_be32(c, &pic->type) || !take_be32_string(c, &pic->mime) ||
        !take_be32_string(c, &pic->desc) || !cm_be32(c, &pic->width) ||
        !cm_be32(c, &pic->height) || !cm_be32(c, &pic->depth) || !cm_be32(c, &pic->colors) ||
        !take_be32_string(c, &data))
        return false;
    pic->data.ptr = (const uint8_t *)data.ptr;
    pic->data.len = data.len;
    return true;
}

/* VORBIS_COMMENT and PICTURE bodies are measured by parsing them, not by the
 * header's length (see cm_flac_block in cmutagen.h).  Parsing runs over all
 * the bytes we hold; running out of them asks for more of the file until the
 * whole file is in hand, and only then is it a truncation. */
static cm_status parse_self_sized(parser *p, cm_flac_block *b)
{
    uint64_t body_start = b->offset + BLOCK_HEADER_SIZE;
    cm_cursor c = cm_cursor_make(p->data + body_start, p->avail - (size_t)body_start);
    bool ok;
    cm_status st = CM_OK;
    if (b->type == CM_FLAC_VORBIS_COMMENT) {
        cm_vcomment *vc;
        st = cm_vcomment_parse(&c, false, body_start, p->arena, &vc, p->err);
        ok = st == CM_OK;
        if (ok)
            b->vcomment = vc;
        else if (st != CM_ERR_TRUNCATED)
            return st;
    } else {
        cm_flac_picture *pic = cm_arena_calloc(p->arena, 1, sizeof *pic);
        if (!pic)
            return nomem(p, b->offset);
        ok = cm_flac_decode_picture(&c, pic);
        if (ok)
            b->picture = pic;
    }
    if (!ok) {
        if (p->avail < p->file_size) {
            uint64_t want = body_start + b->declared_length + BLOCK_HEADER_SIZE;
            if (want <= p->avail)
                want = (uint64_t)p->avail * 2;
            return cm_need_more(p->err, want < p->file_size ? want : p->file_size);
        }
        if (st == CM_ERR_TRUNCATED) {
            /* Keep the Vorbis parser's words but file the error under the
             * FLAC container: the block as a whole is cut off. */
            if (p->err)
                p->err->part = CM_PART_CONTAINER;
            return st;
        }
        return cm_fail(p->err, CM_ERR_TRUNCATED, CM_PART_CONTAINER, b->offset,
                       "FLAC file ends inside the PICTURE block at offset %llu",
                       (unsigned long long)b->offset);
    }
    b->length = c.pos;
    b->body.ptr = c.data;
    b->body.len = c.pos;
    return CM_OK;
}

static cm_status append_block(parser *p, cm_flac_block **slot)
{
    cm_flac *f = p->flac;
    if (f->block_count == p->capacity) {
        size_t cap = p->capacity ? p->capacity * 2 : FIRST_BLOCK_CAPACITY;
        cm_flac_block *grown = cm_arena_calloc(p->arena, cap, sizeof *grown);
        if (!grown)
            return nomem(p, 0);
        if (f->block_count)
            memcpy(grown, p->blocks, f->block_count * sizeof *grown);
        p->blocks = grown;
        p->capacity = cap;
    }
    *slot = &p->blocks[f->block_count++];
    return CM_OK;
}

static cm_status parse_blocks(parser *p, uint64_t pos)
{
    cm_flac *f = p->flac;
    bool have_streaminfo = false;
    size_t pictures = 0;
    for (;;) {
        cm_status st = need_range(p, pos, pos + BLOCK_HEADER_SIZE, "metadata block header");
        if (st != CM_OK)
            return st;
        const uint8_t *h = p->data + pos;
        cm_flac_block *b = NULL;
        if ((st = append_block(p, &b)) != CM_OK)
            return st;
        b->type = h[0] & 0x7f;
        b->last = (h[0] & 0x80) != 0;
        b->offset = pos;
        b->declared_length = (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
        b->length = b->declared_length;
        uint64_t body_start = pos + BLOCK_HEADER_SIZE;

        if (b->type == CM_FLAC_VORBIS_COMMENT || b->type == CM_FLAC_PICTURE) {
            st = parse_self_sized(p, b);
        } else if (b->type == CM_FLAC_PADDING) {
            /* Padding is never read, only stepped over: it must exist in the
             * file, but need not be fetched. */
            if (body_start + b->length > p->file_size)
                st = need_range(p, body_start, body_start + b->length, "PADDING block");
        } else {
            st = need_range(p, body_start, body_start + b->length, "metadata block");
            b->body.ptr = p->data + body_start;
            b->body.len = b->length;
        }
        if (st != CM_OK)
            return st;

        if (b->type == CM_FLAC_STREAMINFO) {
            cm_flac_streaminfo si;
            st = cm_flac_decode_streaminfo(b->body.ptr, b->length, b->offset + BLOCK_HEADER_SIZE,
                                           &si, p->err);
            if (st != CM_OK)
                return st;
            if (!have_streaminfo) {
                f->streaminfo = si;
                have_streaminfo = true;
            }
        } else if (b->type == CM_FLAC_VORBIS_COMMENT && !f->vcomment) {
            f->vcomment = b->vcomment;
        } else if (b->type == CM_FLAC_PICTURE) {
            pictures++;
        }
        pos = body_start + b->length;
        if (b->last)
            break;
    }
    f->audio_offset = pos;
    f->blocks = p->blocks;
    if (!have_streaminfo)
        return cm_fail(p->err, CM_ERR_NOT_FORMAT, CM_PART_CONTAINER, f->flac_offset,
                       "no STREAMINFO block found");

    if (pictures) {
        const cm_flac_picture **list = cm_arena_calloc(p->arena, pictures, sizeof *list);
        if (!list)
            return nomem(p, 0);
        for (size_t i = 0, n = 0; i < f->block_count; i++)
            if (p->blocks[i].picture)
                list[n++] = p->blocks[i].picture;
        f->pictures = list;
        f->picture_count = pictures;
    }
    return CM_OK;
}

bool cm_flac_sniff(const uint8_t *data, size_t len)
{
    return len >= 4 && memcmp(data, "fLaC", 4) == 0;
}

cm_status cm_flac_parse(const uint8_t *data, size_t avail, uint64_t file_size, cm_arena *arena,
                        cm_flac **out, cm_error *err)
{
    cm_flac *f = cm_arena_calloc(arena, 1, sizeof *f);
    if (!f)
        return cm_fail(err, CM_ERR_NOMEM, CM_PART_CONTAINER, 0, "out of memory");
    parser p = {.data = data, .avail = avail < file_size ? avail : (size_t)file_size,
                .file_size = file_size, .arena = arena, .err = err, .flac = f};
    f->file_size = file_size;

    /* One ID3v2 tag may precede the signature; it is stepped over. */
    uint64_t pos = 0;
    cm_status st = need_range(&p, 0, file_size < 10 ? file_size : 10, "first bytes");
    if (st != CM_OK)
        return st;
    if (p.avail >= 3 && memcmp(data, "ID3", 3) == 0) {
        if ((st = need_range(&p, 0, CM_ID3V2_HEADER_SIZE, "ID3v2 header in front of it")) != CM_OK)
            return st;
        cm_id3v2_header_span(data, p.avail, &pos);
    }
    st = need_range(&p, pos, pos + 4, "signature");
    if (st != CM_OK)
        return st;
    if (!cm_flac_sniff(data + pos, 4))
        return cm_fail(err, CM_ERR_NOT_FORMAT, CM_PART_CONTAINER, pos,
                       "no \"fLaC\" signature at offset %llu", (unsigned long long)pos);
    f->flac_offset = pos;

    if ((st = parse_blocks(&p, pos + 4)) != CM_OK)
        return st;

    f->length = cm_flac_streaminfo_length(&f->streaminfo);
    if (f->length > 0) {
        double bitrate = (double)((f->file_size - f->audio_offset) * 8) / f->length;
        /* Only a hostile STREAMINFO (a huge file, a tiny length) gets near
         * the limit; clamp rather than overflow the conversion. */
        f->bitrate = bitrate < 18446744073709549568.0 ? (uint64_t)bitrate : UINT64_MAX;
    }
    *out = f;
    return CM_OK;
}
