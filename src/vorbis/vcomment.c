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

static bool take_string(cm_cursor *cur, cm_str *out)
{
    uint32_t len;
    size_t start = cur->pos;
    const uint8_t *p;
    if (!cm_le32(cur, &len) || !cm_take(cur, len, &p)) {
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
    cm_vcomment *vc = cm_arena_calloc(arena, 1, sizeof *vc);
    if (!vc)
        return cm_fail(err, CM_ERR_NOMEM, CM_PART_VORBIS, base, "out of memory");

    if (!take_string(cur, &vc->vendor))
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
        if (!take_string(cur, &whole))
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
