/* FLAC: the "fLaC" signature and the metadata blocks that follow it
 * (https://xiph.org/flac/format.html, RFC 9639).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CM_FLAC_H
#define CM_FLAC_H

#include "cmutagen.h"
#include "../core/arena.h"
#include "../core/cursor.h"

/* Parses the metadata of a FLAC file from its first `avail` bytes (the file
 * is `file_size` bytes long).  Returns CM_NEED_MORE with err->need_bytes set
 * when the metadata reaches past `avail`.  Nothing in *out copies `data`. */
cm_status cm_flac_parse(const uint8_t *data, size_t avail, uint64_t file_size, cm_arena *arena,
                        cm_flac **out, cm_error *err);

/* Decodes a STREAMINFO body (`offset` is its place in the file, for errors). */
cm_status cm_flac_decode_streaminfo(const uint8_t *body, size_t len, uint64_t offset,
                                    cm_flac_streaminfo *si, cm_error *err);

/* Seconds of audio STREAMINFO describes (0 when the sample rate is 0). */
double cm_flac_streaminfo_length(const cm_flac_streaminfo *si);

/* Decodes a PICTURE body from the cursor; false when it runs out of bytes.
 * The picture's slices point into the cursor's buffer. */
bool cm_flac_decode_picture(cm_cursor *c, cm_flac_picture *pic);

/* True when the bytes look like the start of a FLAC file. */
bool cm_flac_sniff(const uint8_t *data, size_t len);

#endif
