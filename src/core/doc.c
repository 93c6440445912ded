/* Documents: format detection, the parse loop that fetches more of a file
 * when a parser asks, and the lifetime of what a parse produced.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "../flac/flac.h"
#include "../id3/id3v2_header.h"
#include "../mpeg/mp3.h"
#include "../ogg/ogg.h"
#include "../mp4/mp4.h"

cm_format cm_doc_format(const cm_doc *doc)
{
    return doc ? doc->format : CM_FORMAT_AUTO;
}

const cm_flac *cm_doc_flac(const cm_doc *doc)
{
    return doc && doc->format == CM_FORMAT_FLAC ? doc->flac : NULL;
}

const cm_mp3 *cm_doc_mp3(const cm_doc *doc)
{
    return doc && (doc->format == CM_FORMAT_MP3 || doc->format == CM_FORMAT_ID3) ? doc->mp3 : NULL;
}

const cm_mp4 *cm_doc_mp4(const cm_doc *doc)
{
    return doc && doc->format == CM_FORMAT_MP4 ? doc->mp4 : NULL;
}

size_t cm_doc_arena_bytes(const cm_doc *doc)
{
    return doc ? doc->arena.total : 0;
}

void cm_doc_adopt_buffer(cm_doc *doc, void *buffer)
{
    if (doc) {
        free(doc->owned_buffer);
        doc->owned_buffer = buffer;
    }
}

void cm_doc_free(cm_doc *doc)
{
    if (!doc)
        return;
    free(doc->owned_buffer);
    /* The document lives in its own arena: copy the arena out first. */
    cm_arena arena = doc->arena;
    cm_arena_release(&arena);
}

const uint8_t *cm_source_last(const cm_source *src, size_t n)
{
    if (n > src->file_size)
        return NULL;
    if (src->tail && src->tail_len >= n)
        return src->tail + (src->tail_len - n);
    if ((uint64_t)src->head_len >= src->file_size)
        return src->head + (src->file_size - n);
    return NULL;
}

/* The format from the first bytes: CM_FORMAT_AUTO when none is recognised.
 * An ID3v2 tag leads MP3 files but also some FLAC files: what follows the
 * tag tells them apart. */
static cm_status detect_format(const cm_source *src, cm_format *out, cm_error *err)
{
    const uint8_t *data = src->head;
    size_t avail = src->head_len;
    *out = CM_FORMAT_AUTO;
    if (cm_flac_sniff(data, avail)) {
        *out = CM_FORMAT_FLAC;
    } else if (avail >= 3 && memcmp(data, "ID3", 3) == 0) {
        uint64_t span;
        *out = CM_FORMAT_MP3;
        if (avail < CM_ID3V2_HEADER_SIZE || !cm_id3v2_header_span(data, avail, &span))
            return CM_OK; /* a broken tag: the MP3 parser says what is wrong */
        if (span + 4 > src->file_size)
            return CM_OK;
        if (span + 4 > avail)
            return cm_need_more(err, span + 4);
        if (cm_flac_sniff(data + span, 4))
            *out = CM_FORMAT_FLAC;
    } else if (cm_mpeg_sniff(data, avail)) {
        *out = CM_FORMAT_MP3;
    } else if (cm_ogg_sniff(data, avail)) {
        *out = CM_FORMAT_OGG;
    } else if (cm_mp4_sniff(data, avail)) {
        *out = CM_FORMAT_MP4;
    }
    return CM_OK;
}

cm_doc *cm_parse_input(const cm_input *in, const cm_read_opts *opts, cm_error *err)
{
    return cm_parse_input_owned(in, false, opts, err);
}

cm_doc *cm_parse_input_owned(const cm_input *in, bool head_owned, const cm_read_opts *opts,
                             cm_error *err)
{
    cm_error local_err;
    if (!err)
        err = &local_err;
    cm_error_clear(err);
    if (!in || (!in->head && in->head_len) || (!in->tail && in->tail_len)) {
        cm_fail(err, CM_ERR_ARGUMENT, CM_PART_NONE, 0, in ? "data is NULL" : "input is NULL");
        return NULL;
    }
    cm_source src = {
        .head = in->head ? in->head : (const uint8_t *)"",
        .head_len = in->head_len < in->file_size ? in->head_len : (size_t)in->file_size,
        .tail = in->tail,
        .tail_len = in->tail_len < in->file_size ? in->tail_len : (size_t)in->file_size,
        .file_size = in->file_size,
    };
    cm_format format = opts ? opts->format : CM_FORMAT_AUTO;
    if (format == CM_FORMAT_AUTO) {
        uint64_t sniff_len = src.file_size < 16 ? src.file_size : 16;
        if (src.head_len < sniff_len) {
            cm_need_more(err, sniff_len);
            return NULL;
        }
        if (detect_format(&src, &format, err) != CM_OK)
            return NULL;
    }
    bool is_ogg = format >= CM_FORMAT_OGG && format <= CM_FORMAT_OGG_FLAC;
    if (!is_ogg && format != CM_FORMAT_FLAC && format != CM_FORMAT_MP3 &&
        format != CM_FORMAT_ID3 && format != CM_FORMAT_MP4) {
        cm_fail(err, CM_ERR_UNSUPPORTED, CM_PART_NONE, 0,
                "the data is not in a format this build reads");
        return NULL;
    }

    /* The arena takes memory on its first use: a parser that asks for more
     * of the file before building anything costs no allocation. */
    cm_arena arena;
    cm_arena_init(&arena);
    cm_status st;
    cm_flac *flac = NULL;
    cm_mp3 *mp3 = NULL;
    cm_ogg *ogg = NULL;
    cm_mp4 *mp4 = NULL;
    if (is_ogg)
        st = cm_ogg_parse_flags(&src, format, head_owned ? CM_OGG_JOIN_IN_PLACE : 0, &arena,
                                &ogg, err);
    else if (format == CM_FORMAT_FLAC)
        st = cm_flac_parse(src.head, src.head_len, src.file_size, &arena, &flac, err);
    else if (format == CM_FORMAT_MP4)
        st = cm_mp4_parse(&src, &arena, &mp4, err);
    else
        st = cm_mp3_parse(&src, format == CM_FORMAT_ID3, &arena, &mp3, err);
    cm_doc *doc = st == CM_OK ? cm_arena_calloc(&arena, 1, sizeof *doc) : NULL;
    if (!doc) {
        if (st == CM_OK)
            cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
        cm_arena_release(&arena);
        return NULL;
    }
    doc->format = ogg ? (cm_format)ogg->codec : format;
    doc->flac = flac;
    doc->mp3 = mp3;
    doc->ogg = ogg;
    doc->mp4 = mp4;
    doc->arena = arena;
    return doc;
}

cm_doc *cm_parse_prefix(const void *data, size_t avail, uint64_t file_size,
                        const cm_read_opts *opts, cm_error *err)
{
    cm_input in = {.head = data, .head_len = avail, .file_size = file_size};
    cm_doc *doc = cm_parse_input(&in, opts, err);
    if (!doc && err && err->code == CM_NEED_MORE && err->need_tail_bytes) {
        /* This API hands over heads only: the tail comes with the whole
         * file, so every request still asks for more head than was given. */
        cm_need_more(err, file_size);
    }
    return doc;
}

cm_doc *cm_read_mem(const void *data, size_t len, const cm_read_opts *opts, cm_error *err)
{
    cm_doc *doc = cm_parse_prefix(data, len, len, opts, err);
    if (!doc && err && err->code == CM_NEED_MORE)
        /* Every byte of the file was given: a parser asking for more is a
         * parser bug, reported rather than passed on as a request. */
        cm_fail(err, CM_ERR_INVALID, CM_PART_NONE, err->need_bytes,
                "internal error: parser asked for bytes beyond the whole file");
    return doc;
}
