/* Just enough ID3v2 to step over a tag that precedes another format's data
 * (FLAC files, among others, are found with one in front).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CM_ID3V2_HEADER_H
#define CM_ID3V2_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { CM_ID3V2_HEADER_SIZE = 10 };

/* When data (at least CM_ID3V2_HEADER_SIZE bytes) starts with an ID3v2
 * header, stores header + body size (the footer is not counted) in *total and
 * returns true. */
bool cm_id3v2_header_span(const uint8_t *data, size_t len, uint64_t *total);

#endif
