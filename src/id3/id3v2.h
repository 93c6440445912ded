/* ID3v2 tags (ID3v2.2, 2.3 and 2.4, https://id3.org/id3v2.4.0-structure and
 * its 2.3/2.2 predecessors): the header, the extended header,
 * unsynchronisation, the frame headers and their flags, and the decoded
 * views of the frames a reader asks for most.
 *
 * Where files break the specification, the parser reads them as mutagen
 * does, so cmutagen's Python ID3 can be built on it: each such place says so.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CM_ID3V2_H
#define CM_ID3V2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmutagen.h"
#include "../core/arena.h"

/* Parses the ID3v2 tag at the start of data (`avail` bytes of a file of
 * `file_size`).  *out is NULL when the data does not start with "ID3".
 * *tag_end is where the tag (and its footer, if any) ends: the first byte
 * after it, 0 without a tag.  Returns CM_NEED_MORE (err->need_bytes) when
 * the tag reaches past `avail`; a tag that is broken as a whole (bad flags
 * or size, an unsupported version, running past the end of the file) is an
 * error of part CM_PART_ID3. */
cm_status cm_id3v2_parse(const uint8_t *data, size_t avail, uint64_t file_size, cm_arena *arena,
                         const cm_id3v2 **out, uint64_t *tag_end, cm_error *err);

/* Fills the decoded view of a frame whose status is CM_ID3_FRAME_OK
 * (kind, and the fields that kind uses, or junk).  `version` is the tag's
 * (2, 3 or 4).  false only when out of memory. */
bool cm_id3_frame_decode(cm_id3_frame *f, uint8_t version, cm_arena *arena);

/* mutagen's frame classes for ID3v2.3/2.4 (the `Frames` table): used to tell
 * frames from garbage when guessing how v2.4 sizes are stored and whether an
 * extended header is really there. */
bool cm_id3_is_known_frame_id(const uint8_t id[4]);

/* The ID3v2.3/2.4 id of an ID3v2.2 frame id ("TT2" -> "TIT2"), or NULL. */
const char *cm_id3_upgrade_v22_id(const uint8_t id[3]);

/* The undoing of unsynchronisation (every 0xFF 0x00 becomes 0xFF).  Strict,
 * as mutagen's: false when the data could not have been unsynchronised
 * (0xFF before 0xE0..0xFF, or at the end), and then callers keep the data
 * as it is.  out must hold len bytes; *out_len is the decoded length. */
bool cm_id3_unsync_decode(const uint8_t *in, size_t len, uint8_t *out, size_t *out_len);

#endif
