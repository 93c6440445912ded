/* MP3 files: ID3v2 at the start, ID3v1 at the end, MPEG audio in between;
 * and the same tags read from any file (CM_FORMAT_ID3).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CM_MP3_H
#define CM_MP3_H

#include <stdbool.h>

#include "cmutagen.h"
#include "../core/arena.h"
#include "../core/doc.h"

/* Parses the tags (and, for MP3, the audio properties) of a file.  Returns
 * CM_NEED_MORE with err->need_bytes and/or err->need_tail_bytes when it needs
 * more of the file's head or tail.  With `id3_only`, a file with neither tag
 * is CM_ERR_NOT_FORMAT; an MP3 may have none. */
cm_status cm_mp3_parse(const cm_source *src, bool id3_only, cm_arena *arena, cm_mp3 **out,
                       cm_error *err);

/* True when the bytes look like the start of MPEG audio: a frame sync. */
bool cm_mpeg_sniff(const uint8_t *data, size_t len);

#endif
