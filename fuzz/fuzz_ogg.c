/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: Ogg streams (pages, the five codecs' headers, the
 * comment packet over pages, the last page search), read from memory and
 * through the head-and-tail request protocol into a buffer of the reader's
 * own (where the comment is joined in place), which must reach the same
 * answer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmutagen.h"
#include "ogg/ogg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

volatile unsigned fuzz_sink;

/* Reads every value so the sanitizers see any slice outside the input. */
static unsigned touch(const cm_ogg *o)
{
    if (!o)
        return 0;
    uint64_t length_bits; /* by its bits: any double, NaN included, is fine */
    memcpy(&length_bits, &o->length, sizeof length_bits);
    unsigned h = o->serial + (unsigned)o->bitrate + (unsigned)length_bits +
                 (unsigned)o->audio_offset + (unsigned)o->comment_size;
    for (size_t i = 0; i < o->id_header.len; i++)
        h = h * 31 + o->id_header.ptr[i];
    for (size_t i = 0; i < o->comment_packet.len; i++)
        h = h * 31 + o->comment_packet.ptr[i];
    for (size_t i = 0; i < o->comment_trailing.len; i++)
        h = h * 31 + o->comment_trailing.ptr[i];
    const cm_vcomment *vc = o->vcomment;
    for (size_t i = 0; i < vc->vendor.len; i++)
        h = h * 31 + (unsigned char)vc->vendor.ptr[i];
    for (size_t i = 0; i < vc->count; i++) {
        const cm_vcomment_entry *e = &vc->entries[i];
        h += (unsigned)e->key.len + cm_utf8_valid(e->value);
        if (e->key.len)
            h += (unsigned char)e->key.ptr[e->key.len - 1];
        if (e->value.len)
            h += (unsigned char)e->value.ptr[e->value.len - 1];
    }
    return h;
}

static int same(const cm_ogg *a, const cm_ogg *b)
{
    return a->codec == b->codec && a->serial == b->serial && a->bitrate == b->bitrate &&
           (a->length == b->length || (a->length != a->length && b->length != b->length)) &&
           a->audio_offset == b->audio_offset && a->comment_size == b->comment_size &&
           a->vcomment->count == b->vcomment->count;
}

static int equal(const void *a, size_t a_len, const void *b, size_t b_len)
{
    return a_len == b_len && (a_len == 0 || memcmp(a, b, a_len) == 0);
}

/* The comment's bytes and the pictures, equal (`same` checked the rest). */
static int same_bytes(const cm_ogg *a, const cm_ogg *b)
{
    if (!equal(a->comment_packet.ptr, a->comment_packet.len, b->comment_packet.ptr,
               b->comment_packet.len) ||
        !equal(a->comment_trailing.ptr, a->comment_trailing.len, b->comment_trailing.ptr,
               b->comment_trailing.len) ||
        a->picture_count != b->picture_count)
        return 0;
    for (size_t i = 0; i < a->vcomment->count; i++) {
        const cm_vcomment_entry *x = &a->vcomment->entries[i], *y = &b->vcomment->entries[i];
        if (!equal(x->key.ptr, x->key.len, y->key.ptr, y->key.len) ||
            !equal(x->value.ptr, x->value.len, y->value.ptr, y->value.len))
            return 0;
    }
    for (size_t i = 0; i < a->picture_count; i++)
        if (!equal(a->pictures[i].data.ptr, a->pictures[i].data.len, b->pictures[i].data.ptr,
                   b->pictures[i].data.len))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cm_read_opts any = {CM_FORMAT_OGG};
    cm_error err;
    cm_doc *whole = cm_read_mem(data, size, &any, &err);
    if (whole)
        fuzz_sink = touch(cm_doc_ogg(whole));
    else if (err.msg[0] == '\0')
        __builtin_trap(); /* every failure must say what went wrong */

    /* Head and tail as a reader from a path fetches them, into a buffer of
     * its own that the parse may write over (the comment packet joined in
     * place): each round asks for more, and the answer is the whole
     * read's, byte for byte. */
    size_t head = size < 64 ? size : 64, tail = 0;
    cm_doc *doc = NULL;
    for (int rounds = 0; rounds < 64; rounds++) {
        uint8_t *buf = malloc(head + tail + 1);
        if (!buf)
            return 0;
        memcpy(buf, data, head);
        memcpy(buf + head, data + size - tail, tail);
        cm_input in = {buf, head, buf + head, tail, size};
        doc = cm_parse_input_owned(&in, true, &any, &err);
        if (doc)
            cm_doc_adopt_buffer(doc, buf);
        else
            free(buf);
        if (doc || err.code != CM_NEED_MORE)
            break;
        if (err.need_bytes > size || err.need_tail_bytes > size ||
            (err.need_bytes <= head && err.need_tail_bytes <= tail))
            __builtin_trap();
        if (err.need_bytes > head)
            head = (size_t)err.need_bytes;
        if (err.need_tail_bytes > tail)
            tail = (size_t)err.need_tail_bytes;
    }
    if ((doc != NULL) != (whole != NULL))
        __builtin_trap();
    if (doc && !(same(cm_doc_ogg(doc), cm_doc_ogg(whole)) &&
                 same_bytes(cm_doc_ogg(doc), cm_doc_ogg(whole))))
        __builtin_trap();

    /* The Python binding's parse, covers left undecoded: the same reading. */
    cm_source src = {data, size, NULL, 0, size};
    cm_arena arena;
    cm_arena_init(&arena);
    cm_ogg *skipped = NULL;
    cm_status st = cm_ogg_parse_flags(&src, CM_FORMAT_OGG, CM_OGG_SKIP_PICTURES, &arena,
                                      &skipped, &err);
    if ((st == CM_OK) != (whole != NULL) || (skipped && skipped->picture_count != 0))
        __builtin_trap();
    if (skipped && !same(skipped, cm_doc_ogg(whole)))
        __builtin_trap();
    cm_arena_release(&arena);
    cm_doc_free(doc);
    cm_doc_free(whole);

    /* Each codec insisted on, and format detection. */
    static const cm_format formats[] = {CM_FORMAT_AUTO, CM_FORMAT_OGG_VORBIS, CM_FORMAT_OGG_OPUS,
                                        CM_FORMAT_OGG_SPEEX, CM_FORMAT_OGG_THEORA,
                                        CM_FORMAT_OGG_FLAC};
    cm_read_opts opts = {formats[size % (sizeof formats / sizeof formats[0])]};
    doc = cm_read_mem(data, size, &opts, &err);
    if (doc) {
        fuzz_sink = touch(cm_doc_ogg(doc));
        cm_doc_free(doc);
    }
    return 0;
}
