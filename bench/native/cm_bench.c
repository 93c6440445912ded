/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cm_bench.c - the libcmutagen side of the native benchmark.
 *
 * Public API only (include/cmutagen.h): cm_read_mem() (mem mode, zero-copy
 * over the loaded buffer) or cm_read_file() (path mode: the library opens,
 * reads and closes the file), then cm_doc_flac() and cm_doc_free().
 *
 * The format is taken from the list file's format column and passed as
 * cm_read_opts.format (CM_FORMAT_FLAC), not detected with CM_FORMAT_AUTO:
 * TagLib and lofty are also given the format, so no side pays for detection.
 *
 * "Touch every value": the audio properties, the vendor string, every
 * Vorbis comment key and value (run through cm_utf8_valid(), the decode step
 * for text that is UTF-8 already, then hashed), every picture's fields and
 * every byte of its data.
 */
#include "common.h"

#include <cmutagen.h>

/* List-file format -> what cmutagen can read it as (CM_FORMAT_AUTO: not yet). */
static const struct {
    const char *name;
    cm_format format;
} formats[] = {
    {"flac", CM_FORMAT_FLAC},
};

static const char not_implemented[] = "format not implemented in cmutagen yet";

static cm_format format_of(const bench_entry *e)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].name, e->format) == 0)
            return formats[i].format;
    return CM_FORMAT_AUTO;
}

/* Parse the file; NULL with err set when the format is not supported or the
 * read fails. */
static cm_doc *read_doc(const bench_input *in, bool mem, char *err)
{
    cm_read_opts opts;
    cm_error e;
    opts.format = format_of(in->entry);
    if (opts.format == CM_FORMAT_AUTO) {
        snprintf(err, BENCH_ERRLEN, "%s", not_implemented);
        return NULL;
    }
    cm_doc *doc = mem ? cm_read_mem(in->data, in->len, &opts, &e)
                      : cm_read_file(in->entry->path, &opts, &e);
    if (!doc)
        snprintf(err, BENCH_ERRLEN, "%s: %s", cm_status_name(e.code), e.msg);
    return doc;
}

/* Validate as UTF-8 (the decode step) and hash the bytes. */
static uint64_t touch_text(uint64_t h, cm_str s)
{
    h = bench_hash_u64(h, cm_utf8_valid(s));
    return bench_fnv1a(h, s.ptr, s.len);
}

static bool run(const bench_input *in, bool mem, uint64_t *hash, char *err)
{
    cm_doc *doc = read_doc(in, mem, err);
    if (!doc)
        return false;
    const cm_flac *f = cm_doc_flac(doc);
    uint64_t h = *hash;
    const cm_flac_streaminfo *si = &f->streaminfo;
    double length = f->length;
    uint64_t length_bits;
    memcpy(&length_bits, &length, sizeof length_bits);
    h = bench_hash_u64(h, length_bits);
    h = bench_hash_u64(h, f->bitrate);
    h = bench_hash_u64(h, si->sample_rate);
    h = bench_hash_u64(h, si->channels);
    h = bench_hash_u64(h, si->bits_per_sample);
    h = bench_hash_u64(h, si->total_samples);
    if (f->vcomment) {
        const cm_vcomment *vc = f->vcomment;
        h = touch_text(h, vc->vendor);
        for (size_t i = 0; i < vc->count; i++) {
            h = touch_text(h, vc->entries[i].key);
            h = touch_text(h, vc->entries[i].value);
        }
    }
    for (size_t i = 0; i < f->picture_count; i++) {
        const cm_flac_picture *p = f->pictures[i];
        h = bench_hash_u64(h, p->type);
        h = touch_text(h, p->mime);
        h = touch_text(h, p->desc);
        h = bench_hash_u64(h, p->width);
        h = bench_hash_u64(h, p->height);
        h = bench_hash_u64(h, p->depth);
        h = bench_hash_u64(h, p->colors);
        h = bench_touch_bulk(h, p->data.ptr, p->data.len);
    }
    *hash = h;
    cm_doc_free(doc);
    return true;
}

static bool dump(const bench_input *in, bool mem, char *err)
{
    cm_doc *doc = read_doc(in, mem, err);
    if (!doc)
        return false;
    const cm_flac *f = cm_doc_flac(doc);
    if (f->vcomment) {
        const cm_vcomment *vc = f->vcomment;
        for (size_t i = 0; i < vc->count; i++) {
            const cm_vcomment_entry *e = &vc->entries[i];
            /* an entry without '=' is dumped whole as its key, with an
             * empty value, so the gate sees it instead of losing it */
            bench_dump_tag(e->key.ptr, e->key.len, e->value.ptr, e->value.len);
        }
    }
    for (size_t i = 0; i < f->picture_count; i++) {
        const cm_flac_picture *p = f->pictures[i];
        bench_dump_picture(p->type, p->mime.ptr, p->mime.len, p->data.ptr, p->data.len);
    }
    bench_dump_prop_double("length", f->length);
    bench_dump_prop_int("bitrate", (long long)f->bitrate);
    bench_dump_prop_int("sample_rate", f->streaminfo.sample_rate);
    bench_dump_prop_int("channels", f->streaminfo.channels);
    bench_dump_prop_int("bits_per_sample", f->streaminfo.bits_per_sample);
    cm_doc_free(doc);
    return true;
}

int main(int argc, char **argv)
{
    static const bench_program prog = {
        "cmutagen", CM_VERSION_STRING, false, NULL, NULL, run, dump,
    };
    return bench_main(argc, argv, &prog);
}
