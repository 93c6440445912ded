/* Documents: format detection, the parse loop that fetches more of a file
 * when a parser asks, and the lifetime of what a parse produced.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "../flac/flac.h"

cm_format cm_doc_format(const cm_doc *doc)
{
    return doc ? doc->format : CM_FORMAT_AUTO;
}

const cm_flac *cm_doc_flac(const cm_doc *doc)
{
    return doc && doc->format == CM_FORMAT_FLAC ? doc->flac : NULL;
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

static cm_format detect_format(const uint8_t *data, size_t avail)
{
    /* FLAC is the only format so far; it also accepts an ID3v2 tag in front,
     * which its parser steps over. */
    if (cm_flac_sniff(data, avail) || (avail >= 3 && memcmp(data, "ID3", 3) == 0))
        return CM_FORMAT_FLAC;
    return CM_FORMAT_AUTO;
}

cm_doc *cm_parse_prefix(const void *data, size_t avail, uint64_t file_size,
                        const cm_read_opts *opts, cm_error *err)
{
    cm_error local_err;
    if (!err)
        err = &local_err;
    cm_error_clear(err);
    if (!data && avail) {
        cm_fail(err, CM_ERR_ARGUMENT, CM_PART_NONE, 0, "data is NULL");
        return NULL;
    }
    const uint8_t *bytes = data ? data : (const uint8_t *)"";
    cm_format format = opts ? opts->format : CM_FORMAT_AUTO;
    if (format == CM_FORMAT_AUTO) {
        uint64_t sniff_len = file_size < 16 ? file_size : 16;
        if (avail < sniff_len) {
            cm_need_more(err, sniff_len);
            return NULL;
        }
        format = detect_format(bytes, avail);
    }
    if (format != CM_FORMAT_FLAC) {
        cm_fail(err, CM_ERR_UNSUPPORTED, CM_PART_NONE, 0,
                "the data is not in a format this build reads");
        return NULL;
    }

    cm_arena arena;
    cm_arena_init(&arena);
    cm_doc *doc = cm_arena_calloc(&arena, 1, sizeof *doc);
    if (!doc) {
        cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
        return NULL;
    }
    doc->format = format;
    cm_flac *flac = NULL;
    cm_status st = cm_flac_parse(bytes, avail, file_size, &arena, &flac, err);
    if (st != CM_OK) {
        cm_arena_release(&arena);
        return NULL;
    }
    doc->flac = flac;
    doc->arena = arena;
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
