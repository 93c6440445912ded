/* ID3v2 text: the four encodings a frame can declare (Latin-1, UTF-16 with
 * a byte order mark, UTF-16BE, UTF-8), how strings end inside a frame, and
 * their transcoding to UTF-8.  The rules follow what mutagen reads, which is
 * more lenient than the specification in a few places (noted where they are).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CM_ID3_TEXT_H
#define CM_ID3_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmutagen.h"
#include "../core/arena.h"

enum {
    CM_ID3_LATIN1 = 0,
    CM_ID3_UTF16 = 1,   /* byte order mark first; little endian without one */
    CM_ID3_UTF16BE = 2,
    CM_ID3_UTF8 = 3
};

/* Why decoding text failed. */
typedef enum cm_id3_text_error {
    CM_ID3_TEXT_OK = 0,
    CM_ID3_TEXT_EMPTY,    /* no bytes where a string must be */
    CM_ID3_TEXT_INVALID,  /* not valid in its encoding (bad UTF-8, lone surrogate) */
    CM_ID3_TEXT_NOMEM
} cm_id3_text_error;

/* Decodes `len` bytes in `encoding` to UTF-8 into *out: a slice of the input
 * when it already is UTF-8 (UTF-8 text, ASCII-only Latin-1), else a copy in
 * the arena.  An odd-length UTF-16 string is read as if one NUL byte
 * followed it, as mutagen does. */
cm_id3_text_error cm_id3_text_decode(uint8_t encoding, const uint8_t *data, size_t len,
                                     cm_arena *arena, cm_str *out);

/* One terminated string at the front of [data, data + len): returns its
 * length; *consumed counts its terminator too.  It ends at the first
 * terminator (a NUL byte; for UTF-16 two NUL bytes at an even offset) or,
 * with none, at the end.  An odd UTF-16 remainder reads as if a NUL byte
 * followed it (a lone NUL last then terminates the string), as mutagen
 * reads it. */
size_t cm_id3_text_span(uint8_t encoding, const uint8_t *data, size_t len, size_t *consumed);

/* A list of strings filling [data, data + len), as text frames hold them:
 * terminated strings one after the other, the last one's terminator
 * optional.  With `v23` (ID3v2.2/2.3 tags) NUL bytes that are all that
 * is left after a string are dropped, as mutagen does for those versions.
 * Stores the UTF-8 values (in the arena) in *values. */
cm_id3_text_error cm_id3_text_list(uint8_t encoding, const uint8_t *data, size_t len,
                                   bool v23, cm_arena *arena, const cm_str **values,
                                   size_t *count);

/* True when every byte of [data, data + len) is 0 (or len is 0). */
bool cm_id3_all_zero(const uint8_t *data, size_t len);

#endif
