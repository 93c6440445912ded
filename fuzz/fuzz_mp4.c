/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: MP4 files (the atom walk, stream info, sample entries
 * with their esds/ALAC/dac3 configuration, tag items, chapters), read from
 * memory and through the head-and-tail request protocol, which must reach
 * the same document; the input is also parsed as a bare sample entry. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cmutagen.h"
#include "mp4/as_entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where touch() results go, so the compiler cannot drop the reads. */
volatile unsigned fuzz_sink;

static unsigned hash(unsigned h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = h * 31 + b[i];
    return h;
}

/* Reads every value so the sanitizers see any slice that points outside
 * the input. */
static unsigned touch(const cm_mp4 *m)
{
    if (!m)
        return 0;
    const cm_mp4_info *i = &m->info;
    unsigned h = i->fields + i->channels + i->sample_rate + i->bits_per_sample + (unsigned)i->bitrate;
    h += (unsigned)(i->length > 1.0 ? 1 : 0);
    h = hash(h, i->codec.ptr, i->codec.len);
    h = hash(h, i->codec_description.ptr, i->codec_description.len);
    for (size_t k = 0; k < m->item_count; k++) {
        const cm_mp4_item *it = &m->items[k];
        h = hash(h, it->name, 4);
        /* an item's body is all of it but its 8- or 16-byte header */
        if (it->length != it->body.len + 8 && it->length != it->body.len + 16)
            __builtin_trap();
        h = hash(h, it->body.ptr, it->body.len);
        h = hash(h, it->mean.ptr, it->mean.len);
        h = hash(h, it->key.ptr, it->key.len);
        for (size_t d = 0; d < it->data_count; d++)
            h = hash(h + it->data[d].type + it->data[d].locale, it->data[d].value.ptr,
                     it->data[d].value.len);
    }
    for (size_t k = 0; k < m->chapter_count; k++)
        h = hash(h + cm_utf8_valid(m->chapters[k].title), m->chapters[k].title.ptr,
                 m->chapters[k].title.len);
    return h;
}

/* Feeds the parser what it asks for, as src/core/io.c does, and checks
 * that every request asks for something not yet given. */
static cm_doc *by_requests(const uint8_t *data, size_t size, const cm_read_opts *opts, cm_error *err)
{
    size_t head = size < 64 ? size : 64, tail = 0;
    for (size_t rounds = 0; rounds < 2 * size + 4; rounds++) {
        cm_input in = {data, head, tail ? data + (size - tail) : NULL, tail, size};
        cm_doc *doc = cm_parse_input(&in, opts, err);
        if (doc || err->code != CM_NEED_MORE)
            return doc;
        bool more_head = err->need_bytes > head, more_tail = err->need_tail_bytes > tail;
        if ((!more_head && !more_tail) || err->need_bytes > size || err->need_tail_bytes > size)
            __builtin_trap();
        if (more_head)
            head = (size_t)err->need_bytes;
        if (more_tail)
            tail = (size_t)err->need_tail_bytes;
    }
    __builtin_trap(); /* a request loop that does not end */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const cm_read_opts mp4 = {CM_FORMAT_MP4};
    cm_error err, err2;
    cm_doc *doc = cm_read_mem(data, size, &mp4, &err);
    if (!doc && err.msg[0] == '\0')
        __builtin_trap(); /* every failure must say what went wrong */
    cm_doc *doc2 = by_requests(data, size, &mp4, &err2);
    if (!doc != !doc2 || (!doc && err.code != err2.code))
        __builtin_trap();
    unsigned h1 = doc ? touch(cm_doc_mp4(doc)) : 0, h2 = doc2 ? touch(cm_doc_mp4(doc2)) : 0;
    if (h1 != h2)
        __builtin_trap();
    fuzz_sink = h1;
    cm_doc_free(doc);
    cm_doc_free(doc2);

    /* format detection */
    doc = cm_read_mem(data, size, NULL, &err);
    fuzz_sink += doc ? touch(cm_doc_mp4(doc)) : 0;
    cm_doc_free(doc);

    cm_mp4_entry e;
    if (cm_mp4_parse_sample_entry(data, size, 0, &e, &err) == CM_OK)
        fuzz_sink += e.channels + e.sample_rate + (unsigned)strlen(e.codec) +
                     (unsigned)strlen(e.description);
    return 0;
}
