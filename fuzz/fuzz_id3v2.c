/* libFuzzer target: ID3v2 and ID3v1 tags (and the MP3 document around
 * them, with its audio properties), read from memory as MP3 and as bare
 * ID3, and through the head and tail request protocol.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cmutagen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where touch() results go, so the compiler cannot drop the reads. */
volatile unsigned fuzz_sink;

static unsigned touch_bytes(unsigned h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = h * 31 + b[i];
    return h;
}

static unsigned touch_str(unsigned h, cm_str s)
{
    return touch_bytes(h, s.ptr, s.len) + cm_utf8_valid(s);
}

/* Reads every value so the sanitizers see any slice that points outside
 * the input or the arena. */
static unsigned touch(const cm_mp3 *m)
{
    unsigned h = (unsigned)m->file_size + (unsigned)m->audio_offset;
    const cm_id3v2 *t = m->id3v2;
    if (t) {
        h += t->version + t->revision + t->flags + t->size + t->syncsafe_frame_sizes;
        h += (unsigned)t->padding + (unsigned)t->data_offset + t->has_extended_header;
        h = touch_bytes(h, t->extended_header.ptr, t->extended_header.len);
        h = touch_bytes(h, t->data.ptr, t->data.len);
        for (size_t i = 0; i < t->frame_count; i++) {
            const cm_id3_frame *f = &t->frames[i];
            h = touch_bytes(h, f->id, strlen(f->id));
            h += f->flags + f->status + (unsigned)f->offset + f->kind + f->junk + f->encoding;
            h = touch_bytes(h, f->raw.ptr, f->raw.len);
            h = touch_bytes(h, f->body.ptr, f->body.len);
            h = touch_bytes(h, f->lang, strlen(f->lang));
            h = touch_str(h, f->desc);
            h = touch_str(h, f->mime);
            h += f->picture_type + f->rating + f->has_count + (unsigned)f->count;
            h = touch_bytes(h, f->data.ptr, f->data.len);
            for (size_t k = 0; k < f->text_count; k++) {
                h = touch_str(h, f->text[k]);
                /* decoded text must be UTF-8 */
                if (!cm_utf8_valid(f->text[k]))
                    __builtin_trap();
            }
        }
    }
    const cm_mpeg_info *a = m->info;
    if (a) {
        /* doubles by their bits: a cast of a huge one would be undefined */
        h = touch_bytes(h, &a->length, sizeof a->length);
        h = touch_bytes(h, &a->version, sizeof a->version);
        h = touch_bytes(h, &a->track_gain, sizeof a->track_gain);
        h = touch_bytes(h, &a->track_peak, sizeof a->track_peak);
        h = touch_bytes(h, &a->album_gain, sizeof a->album_gain);
        h += (unsigned)a->bitrate + a->sample_rate + a->channels + a->layer + a->mode;
        h += a->bitrate_mode + a->sketchy + a->protected_ + a->padding + (unsigned)a->audio_offset;
        h = touch_str(h, a->encoder_info);
        h = touch_str(h, a->encoder_settings);
    }
    const cm_id3v1 *v1 = m->id3v1;
    if (v1) {
        h += (unsigned)v1->offset + v1->track + v1->genre;
        h = touch_bytes(h, v1->raw.ptr, v1->raw.len);
        h = touch_str(h, v1->title), h = touch_str(h, v1->artist), h = touch_str(h, v1->album);
        h = touch_str(h, v1->year), h = touch_str(h, v1->comment);
    }
    return h;
}

static void read_whole(const uint8_t *data, size_t size, cm_format format)
{
    cm_error err;
    cm_read_opts opts = {format};
    cm_doc *doc = cm_read_mem(data, size, &opts, &err);
    if (doc) {
        const cm_mp3 *m = cm_doc_mp3(doc);
        if (m)
            fuzz_sink = touch(m);
        cm_doc_free(doc);
    } else if (err.msg[0] == '\0') {
        __builtin_trap(); /* every failure must say what went wrong */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_whole(data, size, CM_FORMAT_MP3);
    read_whole(data, size, CM_FORMAT_ID3);

    /* The request protocol must converge: every request asks for more
     * than was given and no more than the file, and the document matches
     * a whole read's existence. */
    cm_error err;
    cm_read_opts opts = {CM_FORMAT_AUTO};
    cm_doc *whole = cm_read_mem(data, size, &opts, &err);
    size_t head = size < 16 ? size : 16, tail = 0;
    cm_doc *doc = NULL;
    /* Every round asks for more, so at most size + 2 rounds (a FLAC file
     * found behind an ID3v2 tag asks block header by block header). */
    for (size_t rounds = 0; rounds < size + 3; rounds++) {
        cm_input in = {data, head, data + size - tail, tail, size};
        doc = cm_parse_input(&in, &opts, &err);
        if (doc || err.code != CM_NEED_MORE)
            break;
        if ((err.need_bytes <= head && err.need_tail_bytes <= tail) || err.need_bytes > size ||
            err.need_tail_bytes > size)
            __builtin_trap();
        if (err.need_bytes > head)
            head = (size_t)err.need_bytes;
        if (err.need_tail_bytes > tail)
            tail = (size_t)err.need_tail_bytes;
    }
    if ((doc != NULL) != (whole != NULL))
        __builtin_trap();
    if (doc && cm_doc_mp3(doc))
        fuzz_sink = touch(cm_doc_mp3(doc));
    cm_doc_free(doc);
    cm_doc_free(whole);
    return 0;
}
