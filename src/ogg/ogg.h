/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ogg (RFC 3533): the page reader and the walk that finds a codec's
 * identification and comment headers and its stream's last page, for Ogg
 * Vorbis, Opus, Speex, Theora and FLAC (see cm_ogg in cmutagen.h). */
#ifndef CM_OGG_H
#define CM_OGG_H

#include "cmutagen.h"
#include "../core/arena.h"
#include "../core/doc.h"

enum {
    CM_OGG_HEADER_SIZE = 27,      /* before the lacing values */
    CM_OGG_FLAG_CONTINUED = 1,    /* the first packet continues the previous page's last */
    CM_OGG_FLAG_FIRST = 2,        /* beginning of stream */
    CM_OGG_FLAG_LAST = 4,         /* end of stream */
    /* mutagen looks for the last page in the file's last 64 KiB. */
    CM_OGG_LAST_PAGE_WINDOW = 65536
};

/* Bytes of a file at hand: file[base, base + len) of a file_size-byte file. */
typedef struct cm_ogg_view {
    const uint8_t *data;
    uint64_t base;
    size_t len;
    uint64_t file_size;
} cm_ogg_view;

/* A page header.  Only the header and lacing values need be at hand to
 * read one: the data is checked to lie inside the file, not fetched. */
typedef struct cm_ogg_page {
    uint64_t offset;       /* of "OggS" */
    uint8_t flags;         /* CM_OGG_FLAG_* */
    int64_t granule;       /* -1: no packet ends on this page */
    uint32_t serial, sequence;
    uint8_t segments;
    const uint8_t *lacing; /* `segments` lacing values */
    uint32_t header_size;  /* CM_OGG_HEADER_SIZE + segments */
    uint32_t data_size;    /* sum of the lacing values */
} cm_ogg_page;

typedef enum cm_ogg_page_status {
    CM_OGG_PAGE_OK = 0,
    CM_OGG_PAGE_END,   /* the offset is the end of the file */
    CM_OGG_PAGE_BAD,   /* no page there, or one the file cuts short: *why says which */
    CM_OGG_PAGE_NEED   /* the header runs past the view: *need is the end of the bytes wanted */
} cm_ogg_page_status;

cm_ogg_page_status cm_ogg_read_page(const cm_ogg_view *v, uint64_t offset, cm_ogg_page *page,
                                    uint64_t *need, const char **why);

static inline uint64_t cm_ogg_page_end(const cm_ogg_page *p)
{
    return p->offset + p->header_size + p->data_size;
}

/* A page whose last lacing value is below 255 (or that has none) ends with
 * a whole packet; otherwise its last packet goes on in the next page. */
static inline bool cm_ogg_page_complete(const cm_ogg_page *p)
{
    return p->segments == 0 || p->lacing[p->segments - 1] < 255;
}

/* True when the bytes start like an Ogg file. */
bool cm_ogg_sniff(const uint8_t *data, size_t len);

/* Reads the stream of `format` (CM_FORMAT_OGG: the first one any
 * identification header announces).  On CM_NEED_MORE, err says which
 * head and tail bytes to fetch (cm_need_more_tail). */
cm_status cm_ogg_parse(const cm_source *src, cm_format format, cm_arena *arena, cm_ogg **out,
                       cm_error *err);

/* cm_ogg_parse's options, for the library's own callers. */
enum {
    /* Leave METADATA_BLOCK_PICTURE comments undecoded (no pictures): the
     * Python binding hands the comments over as text, and decoding a
     * cover's base64 would be most of the work. */
    CM_OGG_SKIP_PICTURES = 1,
    /* src->head is the caller's own writable buffer, which the document
     * will own (a file read from a path): a comment packet spread over
     * several pages is joined where it lies, over the page headers between
     * its pieces, instead of being copied whole into the arena.  A cover
     * makes that packet 50-400 KB: the copy, and the fresh memory it goes
     * to, were a fifth of the time of reading such a file. */
    CM_OGG_JOIN_IN_PLACE = 2
};

cm_status cm_ogg_parse_flags(const cm_source *src, cm_format format, unsigned flags,
                             cm_arena *arena, cm_ogg **out, cm_error *err);

#endif
