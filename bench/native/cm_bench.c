/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cm_bench.c - the libcmutagen side of the native benchmark.
 *
 * Public API only (include/cmutagen.h): cm_read_mem() (mem mode, zero-copy
 * over the loaded buffer) or cm_read_file() (path mode: the library opens,
 * reads and closes the file), then cm_doc_flac() or cm_doc_mp3(), and
 * cm_doc_free().
 *
 * The format is taken from the list file's format column and passed as
 * cm_read_opts.format (CM_FORMAT_FLAC, CM_FORMAT_MP3), not detected with
 * CM_FORMAT_AUTO: TagLib and lofty are also given the format, so no side
 * pays for detection.
 *
 * "Touch every value":
 *   FLAC: the audio properties, the vendor string, every Vorbis comment key
 *   and value (run through cm_utf8_valid(), the decode step for text that
 *   is UTF-8 already, then hashed), every picture's fields and every byte
 *   of its data.
 *   Ogg Vorbis/Opus: the stream's properties (length, bitrate, sample rate,
 *   channels, serial number), the vendor string, every comment key and
 *   value (validated and hashed as for FLAC), and every picture decoded
 *   from METADATA_BLOCK_PICTURE, all its fields and every byte of its data.
 *   MP3: every ID3v2 frame's id and status, and its decoded view: every
 *   text value, description, language and MIME type as UTF-8 (Latin-1 and
 *   UTF-16 were transcoded by the parse; each is validated and hashed),
 *   picture type, rating and counter, every byte of picture and binary
 *   data, and the body of frames the library does not decode; the ID3v1
 *   fields; the MPEG audio properties once the library computes them.
 *   MP4: the audio properties, codec and description; every ilst item's
 *   name (and a freeform item's mean and name), every data atom's type,
 *   locale and bytes: text (UTF-8 in the file) validated and hashed,
 *   covers and other binary values through the bulk hash.
 *
 * The dump writes ID3v2 frames as the library returns them (an ID3v2.3
 * date stays in TYER/TDAT; native.py's table maps it to the TDRC the other
 * libraries show), under mutagen's keys (TXXX:desc, COMM:desc:lang,
 * UFID:owner...), and the ID3v1 tag only when there is no ID3v2 tag.
 */
#include "common.h"

#include <cmutagen.h>

/* List-file format -> what cmutagen can read it as (CM_FORMAT_AUTO: not yet). */
static const struct {
    const char *name;
    cm_format format;
} formats[] = {
    {"flac", CM_FORMAT_FLAC},
    {"ogg-vorbis", CM_FORMAT_OGG_VORBIS},
    {"ogg-opus", CM_FORMAT_OGG_OPUS},
    {"mp3-id3v23", CM_FORMAT_MP3},
    {"mp3-id3v24", CM_FORMAT_MP3},
    {"m4a-aac", CM_FORMAT_MP4},
    {"m4a-alac", CM_FORMAT_MP4},
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

static uint64_t touch_flac(uint64_t h, const cm_flac *f)
{
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
    return h;
}

/* ID3 text is UTF-8 already checked by the parse (UTF-8 frames are
 * validated, Latin-1 and UTF-16 transcoded): hash it, length first, as the
 * TagLib and lofty programs hash the UTF-8 their libraries give them. */
static uint64_t touch_id3_text(uint64_t h, cm_str s)
{
    return bench_fnv1a(bench_hash_u64(h, s.len), s.ptr, s.len);
}

static uint64_t touch_frame(uint64_t h, const cm_id3_frame *f)
{
    h = bench_fnv1a(h, f->id, 4);
    h = bench_hash_u64(h, (uint64_t)f->status << 8 | f->kind);
    if (f->kind == CM_ID3_KIND_NONE || f->junk || f->status != CM_ID3_FRAME_OK)
        return bench_touch_bulk(h, f->body.ptr, f->body.len);
    h = bench_hash_u64(h, f->encoding);
    for (size_t i = 0; i < f->text_count; i++)
        h = touch_id3_text(h, f->text[i]);
    switch (f->kind) {
    case CM_ID3_KIND_USER_TEXT:
    case CM_ID3_KIND_USER_URL:
        return touch_id3_text(h, f->desc);
    case CM_ID3_KIND_COMMENT:
        h = bench_fnv1a(h, f->lang, 3);
        return touch_id3_text(h, f->desc);
    case CM_ID3_KIND_PICTURE:
        h = bench_hash_u64(h, f->picture_type);
        h = touch_id3_text(h, f->mime);
        h = touch_id3_text(h, f->desc);
        return bench_touch_bulk(h, f->data.ptr, f->data.len);
    case CM_ID3_KIND_OWNER_DATA:
        h = touch_id3_text(h, f->desc);
        return bench_touch_bulk(h, f->data.ptr, f->data.len);
    case CM_ID3_KIND_POPULARIMETER:
        h = touch_id3_text(h, f->desc);
        return bench_hash_u64(h, (uint64_t)f->rating << 56 ^ f->count);
    default:
        return h;
    }
}

static uint64_t touch_mp3(uint64_t h, const cm_mp3 *m)
{
    if (m->id3v2)
        for (size_t i = 0; i < m->id3v2->frame_count; i++)
            h = touch_frame(h, &m->id3v2->frames[i]);
    if (m->id3v1) {
        const cm_id3v1 *v1 = m->id3v1;
        h = touch_id3_text(h, v1->title);
        h = touch_id3_text(h, v1->artist);
        h = touch_id3_text(h, v1->album);
        h = touch_id3_text(h, v1->year);
        h = touch_id3_text(h, v1->comment);
        h = bench_hash_u64(h, (uint64_t)v1->track << 8 | v1->genre);
    }
    if (m->info) {
        const cm_mpeg_info *i = m->info;
        uint64_t length_bits;
        memcpy(&length_bits, &i->length, sizeof length_bits);
        h = bench_hash_u64(h, length_bits);
        h = bench_hash_u64(h, i->bitrate);
        h = bench_hash_u64(h, i->sample_rate);
        h = bench_hash_u64(h, i->channels);
        h = bench_hash_u64(h, (uint64_t)i->layer << 32 | i->mode << 16 | i->bitrate_mode);
        h = touch_id3_text(h, i->encoder_info);
        h = touch_id3_text(h, i->encoder_settings);
    }
    return h;
}

/* METADATA_BLOCK_PICTURE, in any case: a cover, in base64. */
static bool is_picture_key(cm_str key)
{
    static const char name[] = "METADATA_BLOCK_PICTURE";
    if (key.len != sizeof name - 1)
        return false;
    for (size_t k = 0; k < key.len; k++) {
        char c = key.ptr[k];
        if ((c >= 'a' && c <= 'z' ? (char)(c - 32) : c) != name[k])
            return false;
    }
    return true;
}

static uint64_t touch_ogg(uint64_t h, const cm_ogg *o)
{
    uint64_t length_bits;
    memcpy(&length_bits, &o->length, sizeof length_bits);
    h = bench_hash_u64(h, length_bits);
    h = bench_hash_u64(h, (uint64_t)o->bitrate);
    h = bench_hash_u64(h, o->serial);
    if (o->codec == CM_FORMAT_OGG_OPUS)
        h = bench_hash_u64(h, (uint64_t)o->opus.channels << 16 | o->opus.pre_skip);
    else
        h = bench_hash_u64(h, (uint64_t)o->vorbis.channels << 32 | o->vorbis.sample_rate);
    const cm_vcomment *vc = o->vcomment;
    h = touch_text(h, vc->vendor);
    for (size_t i = 0; i < vc->count; i++) {
        h = touch_text(h, vc->entries[i].key);
        /* a cover's base64 is touched as the picture it decodes to, as
         * the other libraries hand it out */
        if (!is_picture_key(vc->entries[i].key))
            h = touch_text(h, vc->entries[i].value);
    }
    for (size_t i = 0; i < o->picture_count; i++) {
        const cm_flac_picture *p = &o->pictures[i];
        h = bench_hash_u64(h, p->type);
        h = touch_text(h, p->mime);
        h = touch_text(h, p->desc);
        h = bench_hash_u64(h, p->width);
        h = bench_hash_u64(h, p->height);
        h = bench_hash_u64(h, p->depth);
        h = bench_hash_u64(h, p->colors);
        h = bench_touch_bulk(h, p->data.ptr, p->data.len);
    }
    return h;
}

/* ---- MP4 ---------------------------------------------------------------- */

static uint64_t touch_mp4(uint64_t h, const cm_mp4 *m)
{
    const cm_mp4_info *i = &m->info;
    uint64_t length_bits;
    memcpy(&length_bits, &i->length, sizeof length_bits);
    h = bench_hash_u64(h, length_bits);
    h = bench_hash_u64(h, i->bitrate);
    h = bench_hash_u64(h, i->sample_rate);
    h = bench_hash_u64(h, i->channels);
    h = bench_hash_u64(h, i->bits_per_sample);
    h = touch_text(h, i->codec);
    h = touch_text(h, i->codec_description);
    for (size_t k = 0; k < m->item_count; k++) {
        const cm_mp4_item *it = &m->items[k];
        h = bench_fnv1a(h, it->name, 4);
        if (!it->well_formed) {
            h = bench_touch_bulk(h, it->body.ptr, it->body.len);
            continue;
        }
        h = touch_text(h, it->mean);
        h = touch_text(h, it->key);
        for (size_t d = 0; d < it->data_count; d++) {
            const cm_mp4_data *v = &it->data[d];
            h = bench_hash_u64(h, (uint64_t)v->type << 32 | v->locale);
            if (v->type == CM_MP4_DATA_UTF8)
                h = touch_text(h, (cm_str){(const char *)v->value.ptr, v->value.len});
            else
                h = bench_touch_bulk(h, v->value.ptr, v->value.len);
        }
    }
    for (size_t k = 0; k < m->chapter_count; k++) {
        uint64_t start_bits;
        memcpy(&start_bits, &m->chapters[k].start, sizeof start_bits);
        h = bench_hash_u64(h, start_bits);
        h = touch_text(h, m->chapters[k].title);
    }
    return h;
}

/* The item's dump key: its name's bytes as Latin-1 in UTF-8 ("\xa9nam" is
 * "©nam"), or "----:mean:name" for a freeform item. */
static size_t mp4_key(const cm_mp4_item *it, char *out, size_t cap)
{
    size_t n = 0;
    if (memcmp(it->name, "----", 4) == 0) {
        n = (size_t)snprintf(out, cap, "----:%.*s:%.*s", (int)it->mean.len, it->mean.ptr,
                             (int)it->key.len, it->key.ptr);
        return n < cap ? n : cap - 1;
    }
    for (int i = 0; i < 4; i++) {
        uint8_t c = it->name[i];
        if (c < 0x80) {
            out[n++] = (char)c;
        } else {
            out[n++] = (char)(0xc0 | c >> 6);
            out[n++] = (char)(0x80 | (c & 0x3f));
        }
    }
    return n;
}

/* Signed big-endian integers of 1 to 8 bytes, as the peers read them. */
static bool mp4_integer(cm_bytes b, long long *out)
{
    if (b.len == 0 || b.len > 8)
        return false;
    uint64_t v = b.ptr[0] & 0x80 ? UINT64_MAX : 0;
    for (size_t i = 0; i < b.len; i++)
        v = v << 8 | b.ptr[i];
    *out = (long long)v;
    return true;
}

static void dump_mp4(const cm_mp4 *m)
{
    for (size_t k = 0; k < m->item_count; k++) {
        const cm_mp4_item *it = &m->items[k];
        char key[600], value[64];
        size_t key_len = mp4_key(it, key, sizeof key);
        bool pair = memcmp(it->name, "trkn", 4) == 0 || memcmp(it->name, "disk", 4) == 0;
        for (size_t d = 0; d < it->data_count; d++) {
            const cm_mp4_data *v = &it->data[d];
            long long number;
            int n;
            if (v->type == CM_MP4_DATA_UTF8) {
                bench_dump_tag(key, key_len, (const char *)v->value.ptr, v->value.len);
            } else if (v->type == CM_MP4_DATA_JPEG || v->type == CM_MP4_DATA_PNG) {
                const char *mime = v->type == CM_MP4_DATA_JPEG ? "image/jpeg" : "image/png";
                bench_dump_picture(3, mime, strlen(mime), v->value.ptr, v->value.len);
            } else if (v->type == CM_MP4_DATA_INTEGER && mp4_integer(v->value, &number)) {
                n = snprintf(value, sizeof value, "%lld", number);
                bench_dump_tag(key, key_len, value, (size_t)n);
            } else if (v->type == CM_MP4_DATA_IMPLICIT && pair && v->value.len >= 6) {
                const uint8_t *p = v->value.ptr;
                n = snprintf(value, sizeof value, "%u/%u", (unsigned)(p[2] << 8 | p[3]),
                             (unsigned)(p[4] << 8 | p[5]));
                bench_dump_tag(key, key_len, value, (size_t)n);
            } else {
                n = snprintf(value, sizeof value, "bin:%zu:%016llx", v->value.len,
                             (unsigned long long)bench_fnv1a(BENCH_FNV_INIT, v->value.ptr,
                                                             v->value.len));
                bench_dump_tag(key, key_len, value, (size_t)n);
            }
        }
    }
    bench_dump_prop_double("length", m->info.length);
    bench_dump_prop_int("bitrate", (long long)m->info.bitrate);
    bench_dump_prop_int("sample_rate", m->info.sample_rate);
    bench_dump_prop_int("channels", m->info.channels);
    bench_dump_prop_int("bits_per_sample", m->info.bits_per_sample);
}

static bool run(const bench_input *in, bool mem, uint64_t *hash, char *err)
{
    cm_doc *doc = read_doc(in, mem, err);
    if (!doc)
        return false;
    if (cm_doc_flac(doc))
        *hash = touch_flac(*hash, cm_doc_flac(doc));
    else if (cm_doc_mp4(doc))
        *hash = touch_mp4(*hash, cm_doc_mp4(doc));
    else if (cm_doc_ogg(doc))
        *hash = touch_ogg(*hash, cm_doc_ogg(doc));
    else
        *hash = touch_mp3(*hash, cm_doc_mp3(doc));
    cm_doc_free(doc);
    return true;
}

static void dump_flac(const cm_flac *f)
{
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
}

/* The comments as FLAC's are dumped, except METADATA_BLOCK_PICTURE ones,
 * which the other libraries (and libcmutagen) show as pictures. */
static void dump_ogg(const cm_ogg *o)
{
    const cm_vcomment *vc = o->vcomment;
    for (size_t i = 0; i < vc->count; i++) {
        const cm_vcomment_entry *e = &vc->entries[i];
        if (is_picture_key(e->key))
            continue;
        bench_dump_tag(e->key.ptr, e->key.len, e->value.ptr, e->value.len);
    }
    for (size_t i = 0; i < o->picture_count; i++) {
        const cm_flac_picture *p = &o->pictures[i];
        bench_dump_picture(p->type, p->mime.ptr, p->mime.len, p->data.ptr, p->data.len);
    }
    bool opus = o->codec == CM_FORMAT_OGG_OPUS;
    bench_dump_prop_double("length", o->length);
    bench_dump_prop_int("bitrate", (long long)o->bitrate);
    bench_dump_prop_int("sample_rate", opus ? 48000 : (long long)o->vorbis.sample_rate);
    bench_dump_prop_int("channels", opus ? o->opus.channels : o->vorbis.channels);
}

/* A dump key built from parts joined by ':' ("COMM", desc, lang). */
typedef struct key_buf {
    char text[512];
    size_t len;
} key_buf;

static void key_add(key_buf *k, const char *p, size_t n)
{
    if (k->len && k->len < sizeof k->text)
        k->text[k->len++] = ':';
    if (n > sizeof k->text - k->len)
        n = sizeof k->text - k->len;
    memcpy(k->text + k->len, p, n);
    k->len += n;
}

static void dump_binary(const key_buf *k, cm_bytes data)
{
    char value[64];
    int n = snprintf(value, sizeof value, "bin:%zu:%016llx", data.len,
                     (unsigned long long)bench_fnv1a(BENCH_FNV_INIT, data.ptr, data.len));
    bench_dump_tag(k->text, k->len, value, (size_t)n);
}

static void dump_frame(const cm_id3_frame *f)
{
    if (f->status != CM_ID3_FRAME_OK || f->junk)
        return;
    const char *id = f->id;
    key_buf k = {{0}, 0};
    key_add(&k, id, strlen(id));
    switch (f->kind) {
    case CM_ID3_KIND_USER_TEXT:
    case CM_ID3_KIND_USER_URL:
        key_add(&k, f->desc.ptr, f->desc.len);
        break;
    case CM_ID3_KIND_COMMENT:
        key_add(&k, f->desc.ptr, f->desc.len);
        key_add(&k, f->lang, strlen(f->lang));
        break;
    case CM_ID3_KIND_PICTURE:
        bench_dump_picture(f->picture_type, f->mime.ptr, f->mime.len, f->data.ptr, f->data.len);
        return;
    case CM_ID3_KIND_OWNER_DATA:
        key_add(&k, f->desc.ptr, f->desc.len);
        dump_binary(&k, f->data);
        return;
    case CM_ID3_KIND_POPULARIMETER: {
        key_add(&k, f->desc.ptr, f->desc.len);
        char value[48];
        int n = snprintf(value, sizeof value, "%u/%llu", f->rating, (unsigned long long)f->count);
        bench_dump_tag(k.text, k.len, value, (size_t)n);
        return;
    }
    case CM_ID3_KIND_NONE:
        dump_binary(&k, f->body);
        return;
    default:
        break;
    }
    for (size_t i = 0; i < f->text_count; i++)
        bench_dump_tag(k.text, k.len, f->text[i].ptr, f->text[i].len);
}

/* As the other programs do: the ID3v1 tag shows only without an ID3v2
 * tag, as the frames mutagen makes of it; empty fields make none. */
static void dump_id3v1(const cm_id3v1 *v1)
{
    static const char genre_key[] = "TCON";
    const struct {
        const char *key;
        cm_str value;
    } fields[] = {
        {"TIT2", v1->title}, {"TPE1", v1->artist}, {"TALB", v1->album}, {"TDRC", v1->year},
        {"COMM:ID3v1 Comment:eng", v1->comment},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i].value.len)
            bench_dump_tag(fields[i].key, strlen(fields[i].key), fields[i].value.ptr,
                           fields[i].value.len);
    char num[8];
    if (v1->track) {
        int n = snprintf(num, sizeof num, "%u", v1->track);
        bench_dump_tag("TRCK", 4, num, (size_t)n);
    }
    if (v1->genre != 255) {
        int n = snprintf(num, sizeof num, "%u", v1->genre);
        bench_dump_tag(genre_key, 4, num, (size_t)n);
    }
}

static void dump_mp3(const cm_mp3 *m)
{
    const cm_id3v2 *t = m->id3v2;
    if (t) {
        for (size_t i = 0; i < t->frame_count; i++)
            dump_frame(&t->frames[i]);
    } else if (m->id3v1) {
        dump_id3v1(m->id3v1);
    }
    if (m->info) {
        bench_dump_prop_double("length", m->info->length);
        bench_dump_prop_int("bitrate", m->info->bitrate);
        bench_dump_prop_int("sample_rate", m->info->sample_rate);
        bench_dump_prop_int("channels", m->info->channels);
    }
}

static bool dump(const bench_input *in, bool mem, char *err)
{
    cm_doc *doc = read_doc(in, mem, err);
    if (!doc)
        return false;
    if (cm_doc_flac(doc))
        dump_flac(cm_doc_flac(doc));
    else if (cm_doc_mp4(doc))
        dump_mp4(cm_doc_mp4(doc));
    else if (cm_doc_ogg(doc))
        dump_ogg(cm_doc_ogg(doc));
    else
        dump_mp3(cm_doc_mp3(doc));
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
