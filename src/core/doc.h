/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CM_DOC_H
#define CM_DOC_H

#include "cmutagen.h"
#include "arena.h"

struct cm_doc {
    cm_arena arena;      /* holds this struct and everything the parse made */
    cm_format format;
    void *owned_buffer;  /* file bytes read for this document, or NULL */
    const cm_flac *flac;
    const cm_mp3 *mp3;   /* CM_FORMAT_MP3 and CM_FORMAT_ID3 */
    const cm_ogg *ogg;   /* every CM_FORMAT_OGG_* */
    const cm_mp4 *mp4;
};

/* What a parser is given of a file: its first bytes and, when it asked for
 * them, its last bytes (see cm_need_more_tail). */
typedef struct cm_source {
    const uint8_t *head;
    size_t head_len;     /* never more than file_size */
    const uint8_t *tail;
    size_t tail_len;     /* never more than file_size */
    uint64_t file_size;
} cm_source;

/* cm_parse_input, for a head in a malloc'd buffer of the caller's that the
 * document will adopt (cm_read_fd): with head_owned, the parse may write
 * over head bytes it has done with in its last round (the one that does
 * not end in CM_NEED_MORE; see CM_OGG_JOIN_IN_PLACE). */
cm_doc *cm_parse_input_owned(const cm_input *in, bool head_owned, const cm_read_opts *opts,
                             cm_error *err);

/* The last n bytes of the file (n <= file_size), from the tail or from the
 * head when it reaches that far; NULL when neither holds them. */
const uint8_t *cm_source_last(const cm_source *src, size_t n);

#endif
