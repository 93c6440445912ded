/* ID3v1 and ID3v1.1: the 128-byte "TAG" block at the end of a file.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CM_ID3V1_H
#define CM_ID3V1_H

#include <stddef.h>
#include <stdint.h>

#include "cmutagen.h"
#include "../core/arena.h"

enum {
    CM_ID3V1_SIZE = 128,
    /* How much of the end of a file is searched for "TAG": mutagen looks
     * at 3 bytes more than a tag, and a "TAG" found there first (not at a
     * tag's start) means no tag. */
    CM_ID3V1_WINDOW = CM_ID3V1_SIZE + 3
};

/* Looks for an ID3v1 tag in `tail`, the last `tail_len` bytes of a file of
 * `file_size` bytes (tail_len must be min(file_size, CM_ID3V1_WINDOW)).
 * *out is NULL when there is none.  Only CM_ERR_NOMEM can fail. */
cm_status cm_id3v1_parse(const uint8_t *tail, size_t tail_len, uint64_t file_size,
                         cm_arena *arena, const cm_id3v1 **out, cm_error *err);

#endif
