/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Layout (Vorbis I spec, section 5.2.1): all lengths are 32-bit little endian.
 *     vendor_length, vendor_string, comment_count,
 *     comment_count * (length, "KEY=value"), [framing bit byte]
 */
#include "vcomment.h"

#include <string.h>

#include "../core/error.h"

static cm_status truncated(cm_error *err, uint64_t at, const char *what)
{
    return cm_fail(err, CM_ERR_TRUNCATED, CM_PART_VORBIS, at,
                   "Vorbis comment block ends inside its %s", what);
}

/* A length-prefixed string.  `cut_ok`: a string longer than the bytes
 * left is taken as far as they go (its length field must still be whole). */
static bool take_string(cm_cursor *cur, bool cut_ok, cm_str *out)
{
    uint32_t len;
    size_t start = cur->pos;
    const uint8_t *p;
    if (!cm_le32(cur, &len)) {
        cur->pos = start;
        return false;
    }
    if (cut_ok && len > cm_cursor_left(cur))
        len = (uint32_t)cm_cursor_left(cur);
    if (!cm_take(cur, len, &p)) {
        cur->pos = start;
        return false;
    }
    out->ptr = (const char *)p;
    out->len = len;
    return true;
}

cm_status cm_vcomment_parse(cm_cursor *cur, bool framing, uint64_t base, cm_arena *arena,
                            cm_vcomment **out, cm_error *err)
{
    return cm_vcomment_parse_ex(cur, framing ? CM_VC_FRAMING : 0, base, arena, out, err);
}

cm_status cm_vcomment_parse_ex(cm_cursor *cur, unsigned flags, uint64_t base, cm_arena *arena,
                               cm_vcomment **out, cm_error *err)
{
    bool framing = flags & CM_VC_FRAMING;
    cm_vcomment *vc = cm_arena_calloc(arena, 1, sizeof *vc);
    if (!vc)
        return cm_fail(err, CM_ERR_NOMEM, CM_PART_VORBIS, base, "out of memory");

    if (!take_string(cur, false, &vc->vendor))
        return truncated(err, base + cur->pos, "vendor string");

    uint32_t count;
    if (!cm_le32(cur, &count))
        return truncated(err, base + cur->pos, "comment count");
    /* Each comment needs at least its 4-byte length: a count the remaining
     * bytes cannot hold is a truncation, caught before allocating for it. */
    if (count > cm_cursor_left(cur) / 4)
        return truncated(err, base + cur->pos, "comment list");

    cm_vcomment_entry *entries = cm_arena_calloc(arena, count ? count : 1, sizeof *entries);
    if (!entries)
        return cm_fail(err, CM_ERR_NOMEM, CM_PART_VORBIS, base, "out of memory");

    for (uint32_t i = 0; i < count; i++) {
        cm_str whole;
        bool last = i + 1 == count;
        if (!take_string(cur, last && (flags & CM_VC_CUT_LAST_STRING), &whole))
            return truncated(err, base + cur->pos, "comments");
        cm_vcomment_entry *e = &entries[i];
        const char *eq = whole.len ? memchr(whole.ptr, '=', whole.len) : NULL;
        if (eq) {
            e->has_equals = true;
            e->key.ptr = whole.ptr;
            e->key.len = (size_t)(eq - whole.ptr);
            e->value.ptr = eq + 1;
            e->value.len = whole.len - e->key.len - 1;
        } else {
            e->key = whole;
            e->value.ptr = whole.ptr + whole.len;
        }
    }
    vc->count = count;
    vc->entries = entries;

    if (framing) {
        uint8_t bit;
        if (!cm_u8(cur, &bit))
            return truncated(err, base + cur->pos, "framing bit");
        vc->framing_bit = bit & 1;
    }
    *out = vc;
    return CM_OK;
}
