/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MP4 files: the atom tree (ISO/IEC 14496-12 boxes, QuickTime atoms) as
 * mutagen walks it, the iTunes tag items in moov.udta.meta.ilst, the
 * stream properties of the first audio track and Nero chapters. */
#ifndef CM_MP4_H
#define CM_MP4_H

#include "cmutagen.h"
#include "../core/arena.h"
#include "../core/doc.h"

/* Parses what `src` holds of an MP4 file.  Only atom headers and the
 * containers' contents are read, never media data: when the parse needs
 * bytes it does not have it returns CM_NEED_MORE, asking for more of the
 * head, or for the tail from the first atom it could not reach. */
cm_status cm_mp4_parse(const cm_source *src, cm_arena *arena, cm_mp4 **out, cm_error *err);

/* True when the bytes look like the start of an MP4 file ("ftyp" box). */
bool cm_mp4_sniff(const uint8_t *data, size_t len);

#endif
