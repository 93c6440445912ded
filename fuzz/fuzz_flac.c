/* libFuzzer target: FLAC metadata (and the Vorbis comment and picture blocks
 * inside it), read from memory and through the incremental prefix parser.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cmutagen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where touch() results go, so the compiler cannot drop the reads. */
volatile unsigned fuzz_sink;

/* Reads every value so the sanitizers see any slice that points outside the
 * input. */
static unsigned touch(const cm_flac *f)
{
    /* format detection may have found another format (an MP3 file) */
    if (!f)
        return 0;
    unsigned h = (unsigned)f->block_count;
    for (size_t i = 0; i < f->block_count; i++) {
        const cm_flac_block *b = &f->blocks[i];
        for (size_t k = 0; k < b->body.len; k++)
            h = h * 31 + b->body.ptr[k];
    }
    if (f->vcomment) {
        const cm_vcomment *vc = f->vcomment;
        for (size_t i = 0; i < vc->vendor.len; i++)
            h = h * 31 + (unsigned char)vc->vendor.ptr[i];
        for (size_t i = 0; i < vc->count; i++) {
            h += (unsigned)vc->entries[i].key.len + cm_utf8_valid(vc->entries[i].value);
            if (vc->entries[i].value.len)
                h += (unsigned char)vc->entries[i].value.ptr[vc->entries[i].value.len - 1];
        }
    }
    for (size_t i = 0; i < f->picture_count; i++) {
        const cm_flac_picture *p = f->pictures[i];
        h += (unsigned)p->mime.len + (unsigned)p->desc.len;
        if (p->data.len)
            h += p->data.ptr[0] + p->data.ptr[p->data.len - 1];
    }
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cm_error err;
    cm_doc *doc = cm_read_mem(data, size, NULL, &err);
    if (doc) {
        fuzz_sink = touch(cm_doc_flac(doc));
        cm_doc_free(doc);
    } else if (err.msg[0] == '\0') {
        __builtin_trap(); /* every failure must say what went wrong */
    }

    /* The prefix protocol must converge to the same answer as a whole read. */
    size_t have = size < 64 ? size : 64;
    /* Every round asks for more, so at most size + 1 rounds (the parser
     * asks block header by block header). */
    for (size_t rounds = 0; rounds < size + 2; rounds++) {
        doc = cm_parse_prefix(data, have, size, NULL, &err);
        if (doc || err.code != CM_NEED_MORE)
            break;
        if (err.need_bytes <= have || err.need_bytes > size)
            __builtin_trap();
        have = (size_t)err.need_bytes;
    }
    if (doc) {
        fuzz_sink = touch(cm_doc_flac(doc));
        cm_doc_free(doc);
    }
    return 0;
}
