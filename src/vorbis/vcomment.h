/* Vorbis comment blocks (the "vorbis comment" header of Ogg Vorbis, and the
 * VORBIS_COMMENT metadata block of FLAC and of Ogg Opus/Speex/Theora/FLAC).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CM_VCOMMENT_H
#define CM_VCOMMENT_H

#include "cmutagen.h"
#include "../core/arena.h"
#include "../core/cursor.h"

/* Parses one comment block starting at cur->pos; on success cur->pos is just
 * past it, so a caller can tell how many bytes it really spans.  `base` is the
 * block's offset in the file, for error messages.  On CM_ERR_TRUNCATED the
 * block ran past cur->len (a caller parsing a prefix may then ask for more). */
cm_status cm_vcomment_parse(cm_cursor *cur, bool framing, uint64_t base, cm_arena *arena,
                            cm_vcomment **out, cm_error *err);

/* cm_vcomment_parse with options. */
enum {
    CM_VC_FRAMING = 1,         /* a framing bit byte follows the comments */
    /* The last comment may be cut short by the end of the data: it is kept
     * as far as it goes.  mutagen reads Ogg comment packets that way (a
     * short read of a string is no error there; a short length field is). */
    CM_VC_CUT_LAST_STRING = 2
};
cm_status cm_vcomment_parse_ex(cm_cursor *cur, unsigned flags, uint64_t base, cm_arena *arena,
                               cm_vcomment **out, cm_error *err);

#endif
