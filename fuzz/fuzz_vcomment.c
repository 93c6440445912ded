/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: a Vorbis comment block on its own, with and without a
 * framing bit and a cut last string.  The first byte picks the options; a
 * block read strictly must read the same when a cut last string is allowed. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cmutagen.h"
#include "core/arena.h"
#include "core/cursor.h"
#include "vorbis/vcomment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

volatile unsigned fuzz_sink;

static unsigned touch(const cm_vcomment *vc)
{
    unsigned h = (unsigned)vc->count + vc->framing_bit;
    for (size_t i = 0; i < vc->vendor.len; i++)
        h = h * 31 + (unsigned char)vc->vendor.ptr[i];
    for (size_t i = 0; i < vc->count; i++) {
        const cm_vcomment_entry *e = &vc->entries[i];
        for (size_t k = 0; k < e->key.len; k++)
            h = h * 31 + (unsigned char)e->key.ptr[k];
        for (size_t k = 0; k < e->value.len; k++)
            h = h * 31 + (unsigned char)e->value.ptr[k];
        h += e->has_equals + cm_utf8_valid(e->value);
    }
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned framing = data[0] & CM_VC_FRAMING;
    data++, size--;

    cm_arena arena;
    cm_arena_init(&arena);
    cm_error err;
    cm_vcomment *strict = NULL, *cut = NULL;
    cm_cursor a = cm_cursor_make(data, size), b = cm_cursor_make(data, size);
    cm_status st = cm_vcomment_parse_ex(&a, framing, 0, &arena, &strict, &err);
    cm_status st_cut = cm_vcomment_parse_ex(&b, framing | CM_VC_CUT_LAST_STRING, 0, &arena, &cut,
                                            &err);
    if (a.pos > size || b.pos > size)
        __builtin_trap();
    if (st == CM_OK) {
        fuzz_sink = touch(strict);
        if (st_cut != CM_OK || a.pos != b.pos || cut->count != strict->count ||
            touch(cut) != touch(strict))
            __builtin_trap();
    } else if (err.msg[0] == '\0') {
        __builtin_trap();
    }
    if (st_cut == CM_OK)
        fuzz_sink = touch(cut);
    cm_arena_release(&arena);
    return 0;
}
