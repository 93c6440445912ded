/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ogg streams, read the way mutagen reads them (RFC 3533 for the pages; the
 * Vorbis I, RFC 7845 (Opus), Speex, Theora and Ogg FLAC mapping specs for
 * the headers):
 *
 *   1. the identification header is the first packet of the first page, in
 *      file order and of any stream, that starts with the codec's magic;
 *      that page's serial number is the stream's;
 *   2. the comment packet starts on the next page of that stream (Opus: on
 *      the next of its pages whose first packet starts with "OpusTags"),
 *      and goes on over the stream's next pages until it ends: the file
 *      position after its last page is where the audio starts, for Opus's
 *      bitrate;
 *   3. the length comes from the stream's last page (find_last below).
 *
 * Page data is never fetched unless it is a header packet: only the page
 * headers, which say how long each page is, and the header packets'
 * bytes.  Wherever mutagen would stumble over an odd file in a way that
 * is not a plain error (a packet that is not continued where the comment
 * goes on, an empty page in the middle of it), the parse fails with an
 * error rather than guess. */
#include "ogg.h"

#include <string.h>

#include "../core/base64.h"
#include "../core/cursor.h"
#include "../core/error.h"
#include "../flac/flac.h"
#include "../vorbis/vcomment.h"

/* The first tail read for the last page: most streams' last page is a few
 * KiB; when no page starts in it, the whole 64 KiB window is read. */
enum { FIRST_TAIL = 8 * 1024 };

/* ---- pages --------------------------------------------------------------- */

static uint64_t le_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint32_t le32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool cm_ogg_sniff(const uint8_t *data, size_t len)
{
    return len >= 4 && memcmp(data, "OggS", 4) == 0;
}

cm_ogg_page_status cm_ogg_read_page(const cm_ogg_view *v, uint64_t offset, cm_ogg_page *page,
                                    uint64_t *need, const char **why)
{
    if (offset >= v->file_size) {
        *why = "the file ends where a page should start";
        return offset == v->file_size ? CM_OGG_PAGE_END : CM_OGG_PAGE_BAD;
    }
    if (v->file_size - offset < CM_OGG_HEADER_SIZE) {
        *why = "the file ends inside a page header";
        return CM_OGG_PAGE_BAD;
    }
    if (offset < v->base) {
        *why = "internal error: page before the bytes at hand";
        return CM_OGG_PAGE_BAD;
    }
    uint64_t rel = offset - v->base;
    if (rel > v->len) {
        *need = offset + CM_OGG_HEADER_SIZE;
        return CM_OGG_PAGE_NEED;
    }
    /* the fixed part of the header, then the lacing values */
    cm_cursor c = cm_cursor_make(v->data + rel, v->len - (size_t)rel);
    const uint8_t *h;
    if (!cm_take(&c, CM_OGG_HEADER_SIZE, &h)) {
        *need = offset + CM_OGG_HEADER_SIZE;
        return CM_OGG_PAGE_NEED;
    }
    if (memcmp(h, "OggS", 4) != 0) {
        *why = "no \"OggS\" capture pattern";
        return CM_OGG_PAGE_BAD;
    }
    if (h[4] != 0) {
        *why = "unsupported page version";
        return CM_OGG_PAGE_BAD;
    }
    page->flags = h[5];
    page->granule = (int64_t)le_u64(h + 6);
    page->serial = le32_at(h + 14);
    page->sequence = le32_at(h + 18);
    /* h + 22: the CRC; mutagen does not check it, and neither do we */
    page->segments = h[26];
    page->offset = offset;
    page->header_size = CM_OGG_HEADER_SIZE + page->segments;
    if (v->file_size - offset < page->header_size) {
        *why = "the file ends inside a page's lacing values";
        return CM_OGG_PAGE_BAD;
    }
    if (!cm_take(&c, page->segments, &page->lacing)) {
        *need = offset + page->header_size;
        return CM_OGG_PAGE_NEED;
    }
    uint32_t size = 0;
    for (unsigned i = 0; i < page->segments; i++)
        size += page->lacing[i];
    page->data_size = size;
    if (v->file_size - offset - page->header_size < size) {
        *why = "the file ends inside a page's data";
        return CM_OGG_PAGE_BAD;
    }
    return CM_OGG_PAGE_OK;
}

/* The first packet of a page: its bytes on this page, and whether it ends
 * here (a lacing value below 255) or goes on in the next page. */
static uint32_t first_packet(const cm_ogg_page *p, bool *ends)
{
    uint32_t len = 0;
    for (unsigned i = 0; i < p->segments; i++) {
        len += p->lacing[i];
        if (p->lacing[i] < 255) {
            *ends = true;
            return len;
        }
    }
    *ends = false;
    return len;
}

/* ---- codecs -------------------------------------------------------------- */

typedef struct codec {
    cm_format format;
    const char *name;
    const char *magic;            /* of the identification header */
    size_t magic_len;
    const char *comment_magic;    /* Opus: the comment packet is looked for by it */
    size_t comment_skip;          /* bytes before the comment block in its packet */
    bool framing;                 /* the block ends with a framing bit (Vorbis) */
    bool needs_first_page;        /* the identification page must begin the stream */
    cm_status (*decode)(cm_ogg *o, const uint8_t *p, size_t n, uint64_t at, cm_error *err);
} codec;

static cm_status too_short(cm_error *err, uint64_t at, const char *name, size_t n, size_t want)
{
    return cm_fail(err, CM_ERR_TRUNCATED, CM_PART_CONTAINER, at,
                   "%s identification header is %zu bytes, it needs %zu", name, n, want);
}

static uint32_t be32_at(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Two's complement reading of 32 stored bits. */
static int32_t as_int32(uint32_t v)
{
    return v <= INT32_MAX ? (int32_t)v : (int32_t)(v - 2147483648u) - INT32_MAX - 1;
}

/* Vorbis I spec 4.2.2: version, channels, rate, three bitrates. */
static cm_status decode_vorbis(cm_ogg *o, const uint8_t *p, size_t n, uint64_t at, cm_error *err)
{
    if (n < 28)
        return too_short(err, at, "Vorbis", n, 28);
    cm_ogg_vorbis *v = &o->vorbis;
    v->version = le32_at(p + 7);
    v->channels = p[11];
    v->sample_rate = le32_at(p + 12);
    v->max_bitrate = as_int32(le32_at(p + 16));
    v->nominal_bitrate = as_int32(le32_at(p + 20));
    v->min_bitrate = as_int32(le32_at(p + 24));
    if (v->sample_rate == 0)
        return cm_fail(err, CM_ERR_INVALID, CM_PART_CONTAINER, at + 12,
                       "Vorbis sample rate can't be zero");
    return CM_OK;
}

/* RFC 7845 5.1: version, channels, pre-skip, input rate, gain, mapping. */
static cm_status decode_opus(cm_ogg *o, const uint8_t *p, size_t n, uint64_t at, cm_error *err)
{
    if (n < 19)
        return too_short(err, at, "Opus", n, 19);
    cm_ogg_opus *op = &o->opus;
    op->version = p[8];
    op->channels = p[9];
    op->pre_skip = (uint16_t)(p[10] | p[11] << 8);
    op->input_sample_rate = le32_at(p + 12);
    op->output_gain = (int16_t)(p[16] | p[17] << 8);
    op->mapping_family = p[18];
    /* the upper four bits are the major version: only 0 is readable */
    if (op->version >> 4)
        return cm_fail(err, CM_ERR_UNSUPPORTED, CM_PART_CONTAINER, at + 8,
                       "Opus version %u unsupported", (unsigned)(op->version >> 4));
    return CM_OK;
}

/* Speex header: rate at 36, channels at 48, bitrate at 52 (little endian). */
static cm_status decode_speex(cm_ogg *o, const uint8_t *p, size_t n, uint64_t at, cm_error *err)
{
    if (n < 56)
        return too_short(err, at, "Speex", n, 56);
    o->speex.sample_rate = le32_at(p + 36);
    o->speex.channels = le32_at(p + 48);
    o->speex.bitrate = as_int32(le32_at(p + 52));
    if (o->speex.sample_rate == 0)
        return cm_fail(err, CM_ERR_INVALID, CM_PART_CONTAINER, at + 36,
                       "Speex sample rate can't be zero");
    return CM_OK;
}

/* Theora spec 6.2: version 3.2.x, frame rate at 22, bitrate at 37, then
 * 6 bits of quality and 5 of key frame granule shift. */
static cm_status decode_theora(cm_ogg *o, const uint8_t *p, size_t n, uint64_t at, cm_error *err)
{
    if (n < 42)
        return too_short(err, at, "Theora", n, 42);
    cm_ogg_theora *t = &o->theora;
    t->version_major = p[7];
    t->version_minor = p[8];
    t->version_revision = p[9];
    if (t->version_major != 3 || t->version_minor != 2)
        return cm_fail(err, CM_ERR_UNSUPPORTED, CM_PART_CONTAINER, at + 7,
                       "found Theora version %u.%u != 3.2", (unsigned)t->version_major,
                       (unsigned)t->version_minor);
    t->fps_numerator = be32_at(p + 22);
    t->fps_denominator = be32_at(p + 26);
    if (t->fps_numerator == 0 || t->fps_denominator == 0)
        return cm_fail(err, CM_ERR_INVALID, CM_PART_CONTAINER, at + 22,
                       "Theora frame rate numerator or denominator is zero");
    t->fps = (double)t->fps_numerator / (double)t->fps_denominator;
    t->nominal_bitrate = (uint32_t)p[37] << 16 | (uint32_t)p[38] << 8 | p[39];
    t->quality = p[40] >> 2;
    t->granule_shift = (uint8_t)((p[40] & 3) << 3 | p[41] >> 5);
    return CM_OK;
}

/* Ogg FLAC mapping: "\x7fFLAC", version 1.0, header packet count, then
 * "fLaC" and the STREAMINFO block with its 4-byte header. */
static cm_status decode_flac(cm_ogg *o, const uint8_t *p, size_t n, uint64_t at, cm_error *err)
{
    if (n < 17)
        return too_short(err, at, "Ogg FLAC", n, 17 + 34);
    cm_ogg_flac *f = &o->flac;
    f->mapping_major = p[5];
    f->mapping_minor = p[6];
    f->header_packets = (uint16_t)(p[7] << 8 | p[8]);
    if (f->mapping_major != 1 || f->mapping_minor != 0)
        return cm_fail(err, CM_ERR_UNSUPPORTED, CM_PART_CONTAINER, at + 5,
                       "unknown Ogg FLAC mapping version %u.%u", (unsigned)f->mapping_major,
                       (unsigned)f->mapping_minor);
    if (memcmp(p + 9, "fLaC", 4) != 0)
        return cm_fail(err, CM_ERR_INVALID, CM_PART_CONTAINER, at + 9, "invalid FLAC marker");
    return cm_flac_decode_streaminfo(p + 17, n - 17, at + 17, &f->streaminfo, err);
}

static const codec codecs[] = {
    {CM_FORMAT_OGG_VORBIS, "Vorbis", "\x01vorbis", 7, NULL, 7, true, true, decode_vorbis},
    {CM_FORMAT_OGG_OPUS, "Opus", "OpusHead", 8, "OpusTags", 8, false, true, decode_opus},
    {CM_FORMAT_OGG_SPEEX, "Speex", "Speex   ", 8, NULL, 0, false, true, decode_speex},
    {CM_FORMAT_OGG_THEORA, "Theora", "\x80theora", 7, NULL, 7, false, true, decode_theora},
    {CM_FORMAT_OGG_FLAC, "Ogg FLAC", "\x7f" "FLAC", 5, NULL, 4, false, false, decode_flac},
};

enum { CODEC_COUNT = sizeof codecs / sizeof codecs[0] };

static const codec *codec_of(cm_format format)
{
    for (size_t i = 0; i < CODEC_COUNT; i++)
        if (codecs[i].format == format)
            return &codecs[i];
    return NULL;
}

/* ---- the header walk ------------------------------------------------------ */

typedef struct parser {
    const cm_source *src;
    cm_ogg_view head;
    cm_error *err;
    cm_ogg *o;
    const codec *c;      /* NULL until the identification header is found (CM_FORMAT_OGG) */
    cm_format format;
} parser;

/* Reads the page at `offset` of the head; any outcome but a page is
 * returned as an error (END as `end_status` with `end_msg`). */
static cm_status head_page(parser *p, uint64_t offset, cm_ogg_page *page, const char *context)
{
    uint64_t need = 0;
    const char *why = "";
    switch (cm_ogg_read_page(&p->head, offset, page, &need, &why)) {
    case CM_OGG_PAGE_OK:
        return CM_OK;
    case CM_OGG_PAGE_NEED:
        return cm_need_more(p->err, need);
    case CM_OGG_PAGE_END:
        return cm_fail(p->err, CM_ERR_TRUNCATED, CM_PART_CONTAINER, offset,
                       "the file ends before %s", context);
    default:
        return cm_fail(p->err, offset == 0 ? CM_ERR_NOT_FORMAT : CM_ERR_INVALID,
                       CM_PART_CONTAINER, offset, "no Ogg page at offset %llu (%s) before %s",
                       (unsigned long long)offset, why, context);
    }
}

/* The head must hold the file's bytes up to `end`. */
static cm_status need_head(parser *p, uint64_t end)
{
    return end > p->head.len ? cm_need_more(p->err, end) : CM_OK;
}

static bool starts_with(const uint8_t *data, size_t len, const char *magic, size_t magic_len)
{
    return len >= magic_len && memcmp(data, magic, magic_len) == 0;
}

/* Step 1: the identification header. */
static cm_status find_id(parser *p, cm_ogg_page *page)
{
    const char *context = "an identification header";
    for (uint64_t pos = 0;; pos = cm_ogg_page_end(page)) {
        cm_status st = head_page(p, pos, page, context);
        if (st != CM_OK)
            return st;
        if (page->segments == 0)
            return cm_fail(p->err, CM_ERR_INVALID, CM_PART_CONTAINER, pos,
                           "the page at offset %llu has no packets", (unsigned long long)pos);
        bool ends;
        uint32_t len = first_packet(page, &ends);
        uint64_t start = pos + page->header_size;
        if ((st = need_head(p, start + (len < 8 ? len : 8))) != CM_OK)
            return st;
        const uint8_t *data = p->head.data + start;
        for (size_t i = 0; i < CODEC_COUNT; i++) {
            const codec *c = &codecs[i];
            if ((p->format == CM_FORMAT_OGG || p->format == c->format) &&
                starts_with(data, len, c->magic, c->magic_len)) {
                if ((st = need_head(p, start + len)) != CM_OK)
                    return st;
                p->c = c;
                p->o->codec = c->format;
                p->o->serial = page->serial;
                p->o->id_page_offset = pos;
                p->o->id_header = (cm_bytes){data, len};
                return CM_OK;
            }
        }
    }
}

/* The next page of the stream after `after` (pages of other streams are
 * stepped over). */
static cm_status next_stream_page(parser *p, const cm_ogg_page *after, cm_ogg_page *page,
                                  const char *context)
{
    uint64_t pos = cm_ogg_page_end(after);
    for (;;) {
        cm_status st = head_page(p, pos, page, context);
        if (st != CM_OK || page->serial == p->o->serial)
            return st;
        pos = cm_ogg_page_end(page);
    }
}

/* Step 2: the page the comment packet starts on. */
static cm_status find_comment_page(parser *p, const cm_ogg_page *id, cm_ogg_page *page)
{
    const char *context = "the comment header";
    const cm_ogg_page *after = id;
    for (;;) {
        cm_status st = next_stream_page(p, after, page, context);
        if (st != CM_OK)
            return st;
        if (page->segments == 0)
            return cm_fail(p->err, CM_ERR_INVALID, CM_PART_CONTAINER, page->offset,
                           "the page at offset %llu has no packets",
                           (unsigned long long)page->offset);
        if (!p->c->comment_magic)
            return CM_OK;
        bool ends;
        uint32_t len = first_packet(page, &ends);
        uint64_t start = page->offset + page->header_size;
        size_t magic_len = strlen(p->c->comment_magic);
        if ((st = need_head(p, start + (len < magic_len ? len : magic_len))) != CM_OK)
            return st;
        if (starts_with(p->head.data + start, len, p->c->comment_magic, magic_len))
            return CM_OK;
        after = page;
    }
}

/* Walks the comment packet's pages from `first` on, to the one it ends on
 * (mutagen reads no further: the audio starts after that page).  Adds up
 * the packet's length in *len and its pieces in *pieces, copies them to
 * `dst` when given, and sets the audio offset.  The packet's last piece
 * is *only (its only one when *pieces is 1).  `dst` may be the head
 * itself, at the first piece: each piece then moves down over the headers
 * before it, and a page header is read before anything is moved over it. */
static cm_status walk_comment(parser *p, const cm_ogg_page *first, uint8_t *dst, size_t *len,
                              size_t *pieces, const uint8_t **only)
{
    const char *context = "the end of the comment header";
    cm_ogg_page page = *first, next;
    *len = 0;
    *pieces = 0;
    for (;;) {
        bool ends;
        uint32_t n = first_packet(&page, &ends);
        uint64_t start = page.offset + page.header_size;
        cm_status st = need_head(p, start + n);
        if (st != CM_OK)
            return st;
        if (dst)
            memmove(dst + *len, p->head.data + start, n);
        *only = p->head.data + start;
        *len += n;
        (*pieces)++;
        if (ends)
            break;
        if ((st = next_stream_page(p, &page, &next, context)) != CM_OK)
            return st;
        if (page.sequence == UINT32_MAX || next.sequence != page.sequence + 1)
            return cm_fail(p->err, CM_ERR_INVALID, CM_PART_CONTAINER, next.offset,
                           "bad sequence number %lu after %lu in the comment header's pages",
                           (unsigned long)next.sequence, (unsigned long)page.sequence);
        if (!(next.flags & CM_OGG_FLAG_CONTINUED) || next.segments == 0)
            return cm_fail(p->err, CM_ERR_INVALID, CM_PART_CONTAINER, next.offset,
                           "the page at offset %llu does not continue the comment packet",
                           (unsigned long long)next.offset);
        page = next;
    }
    p->o->audio_offset = cm_ogg_page_end(&page);
    return CM_OK;
}

/* How far into the file a comment packet starting on `first` reaches, by
 * the lengths its first page shows (the vendor's and the comments'), when
 * that is past the page: a big comment (a cover in METADATA_BLOCK_PICTURE)
 * is then fetched in one more round instead of one per page.  The pages
 * after the first are taken as full of the packet, give or take their
 * headers (a 64th, and a KiB).  0 when there is no better guess. */
static uint64_t comment_end_guess(const parser *p, const cm_ogg_page *first)
{
    bool ends;
    uint32_t n = first_packet(first, &ends);
    uint64_t start = first->offset + first->header_size;
    if (ends || start >= p->head.len)
        return 0;
    size_t have = p->head.len - (size_t)start < n ? p->head.len - (size_t)start : n;
    cm_cursor c = cm_cursor_make(p->head.data + start, have);
    uint32_t len, count;
    uint64_t reach = 0; /* packet bytes the lengths seen so far need */
    if (cm_skip(&c, p->c->comment_skip) && cm_le32(&c, &len)) {
        reach = c.pos + (uint64_t)len;
        if (cm_skip(&c, len) && cm_le32(&c, &count)) {
            for (uint32_t i = 0; i < count && cm_le32(&c, &len); i++) {
                reach = c.pos + (uint64_t)len;
                if (!cm_skip(&c, len))
                    break;
            }
        }
    }
    if (reach <= n)
        return 0;
    uint64_t rest = reach - n;
    return cm_ogg_page_end(first) + rest + rest / 64 + 1024;
}

/* ---- the last page ---------------------------------------------------------- */

/* mutagen's search for the stream's last page: the last "OggS" in the
 * file's last 64 KiB, if a whole page of the stream marked last and with a
 * position starts there; else, walking all pages from the start (to the
 * first that cannot be read), the stream's first page marked last, or its
 * last page with a position.  Pages with position -1 (no packet ends on
 * them) are never taken.  Sets *found false when there is no such page. */
static cm_status find_last(parser *p, bool *found, cm_error *err)
{
    const cm_source *src = p->src;
    uint64_t size = src->file_size;
    size_t window = size < CM_OGG_LAST_PAGE_WINDOW ? (size_t)size : CM_OGG_LAST_PAGE_WINDOW;
    size_t n = src->tail_len > FIRST_TAIL ? src->tail_len : FIRST_TAIL;
    if (n > window || src->head_len >= size)
        n = window;
    const uint8_t *tail = cm_source_last(src, n);
    if (!tail)
        return cm_need_more_tail(err, 0, n);

    /* The last "OggS" of the tail: blocks are searched from the end (the
     * last page is near it), each with memchr for the candidates. */
    size_t at = SIZE_MAX;
    for (size_t end = n; at == SIZE_MAX && end >= 4;) {
        size_t start = end > 1024 ? end - 1024 : 0;
        for (const uint8_t *s = tail + start;
             (s = memchr(s, 'O', end - 3 - (size_t)(s - tail))) != NULL; s++)
            if (memcmp(s, "OggS", 4) == 0)
                at = (size_t)(s - tail);
        /* the next block ends where a match would start 3 bytes before */
        end = start ? start + 3 : 3;
    }
    if (at == SIZE_MAX && n < window)
        return cm_need_more_tail(err, 0, window);
    *found = false;
    if (at == SIZE_MAX)
        return CM_OK;

    cm_ogg_view tv = {tail, size - n, n, size};
    cm_ogg_page page;
    uint64_t need;
    const char *why;
    if (cm_ogg_read_page(&tv, size - n + at, &page, &need, &why) == CM_OGG_PAGE_OK &&
        page.serial == p->o->serial && (page.flags & CM_OGG_FLAG_LAST) && page.granule != -1) {
        *found = true;
        p->o->last_granule = page.granule;
        return CM_OK;
    }

    /* The walk from the start reads every page header: the whole file. */
    if (p->head.len < size)
        return cm_need_more_tail(err, size, 0);
    for (uint64_t pos = 0;; pos = cm_ogg_page_end(&page)) {
        if (cm_ogg_read_page(&p->head, pos, &page, &need, &why) != CM_OGG_PAGE_OK)
            break;
        if (page.serial != p->o->serial)
            continue;
        if (page.granule != -1) {
            *found = true;
            p->o->last_granule = page.granule;
        }
        if (page.flags & CM_OGG_FLAG_LAST)
            break;
    }
    return CM_OK;
}

/* ---- numbers ----------------------------------------------------------------- */

/* a - b as the nearest double, for any int64 a and 0 <= b <= 65535 (the
 * difference may not fit an int64). */
static double difference(int64_t a, uint32_t b)
{
    if (a >= INT64_MIN + (int64_t)b)
        return (double)(a - (int64_t)b);
    /* below INT64_MIN: its magnitude fits a uint64 */
    uint64_t magnitude = (uint64_t)(-(a + 1)) + 1 + b;
    return -(double)magnitude;
}

/* Frames a Theora granule position counts: the key frame number in its
 * upper bits plus the frames since, as Python's arithmetic on the signed
 * value gives them (>> rounds toward minus infinity, & of a negative
 * number is of its two's complement). */
static double theora_frames(int64_t granule, unsigned shift)
{
    uint64_t bits = (uint64_t)granule;
    int64_t key = granule >= 0 ? granule >> shift : -(int64_t)((~bits) >> shift) - 1;
    int64_t since = (int64_t)(bits & ((UINT64_C(1) << shift) - 1));
    return (double)(key + since); /* both parts are in range: the sum fits */
}

static int64_t vorbis_bitrate(const cm_ogg_vorbis *v)
{
    /* negative numbers mean "unknown", like 0 */
    int64_t max = v->max_bitrate > 0 ? v->max_bitrate : 0;
    int64_t nominal = v->nominal_bitrate > 0 ? v->nominal_bitrate : 0;
    int64_t min = v->min_bitrate > 0 ? v->min_bitrate : 0;
    if (nominal == 0)
        return (max + min) / 2;
    if (max > 0 && nominal > max)
        return max;
    if (min > nominal)
        return min;
    return nominal;
}

/* Python's round() of a double (half to even), to an int64 (saturating);
 * no libm needed. */
static int64_t round_even(double x)
{
    if (!(x < 9223372036854775807.0))
        return x != x ? 0 : INT64_MAX;
    if (!(x > -9223372036854775808.0))
        return INT64_MIN;
    int64_t t = (int64_t)x; /* toward zero */
    double frac = x - (double)t; /* exact: |frac| < 1 */
    if (frac > 0.5 || (frac == 0.5 && (t & 1)))
        t++;
    else if (frac < -0.5 || (frac == -0.5 && (t & 1)))
        t--;
    return t;
}

static void compute_numbers(cm_ogg *o)
{
    double g = (double)o->last_granule;
    switch (o->codec) {
    case CM_FORMAT_OGG_VORBIS:
        o->length = g / (double)o->vorbis.sample_rate;
        o->bitrate = vorbis_bitrate(&o->vorbis);
        break;
    case CM_FORMAT_OGG_OPUS:
        o->length = difference(o->last_granule, o->opus.pre_skip) / 48000.0;
        if (o->length != 0)
            o->bitrate = round_even((double)((o->file_size - o->audio_offset) * 8) / o->length);
        break;
    case CM_FORMAT_OGG_SPEEX:
        o->length = g / (double)o->speex.sample_rate;
        o->bitrate = o->speex.bitrate > 0 ? o->speex.bitrate : 0;
        break;
    case CM_FORMAT_OGG_THEORA:
        o->length = theora_frames(o->last_granule, o->theora.granule_shift) / o->theora.fps;
        o->bitrate = o->theora.nominal_bitrate;
        break;
    default: { /* Ogg FLAC */
        const cm_flac_streaminfo *si = &o->flac.streaminfo;
        o->length = si->total_samples ? cm_flac_streaminfo_length(si)
                                      : g / (double)si->sample_rate;
        break;
    }
    }
}

/* ---- pictures ------------------------------------------------------------------ */

static bool key_is(cm_str key, const char *name)
{
    size_t n = strlen(name);
    if (key.len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = key.ptr[i];
        if ((c >= 'a' && c <= 'z' ? (char)(c - 32) : c) != name[i])
            return false;
    }
    return true;
}

/* The METADATA_BLOCK_PICTURE comments that decode, into o->pictures. */
static cm_status decode_pictures(cm_ogg *o, cm_arena *arena, cm_error *err)
{
    const cm_vcomment *vc = o->vcomment;
    size_t candidates = 0;
    for (size_t i = 0; i < vc->count; i++)
        candidates += key_is(vc->entries[i].key, "METADATA_BLOCK_PICTURE");
    if (!candidates)
        return CM_OK;
    cm_flac_picture *pictures = cm_arena_calloc(arena, candidates, sizeof *pictures);
    if (!pictures)
        return cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < vc->count; i++) {
        const cm_vcomment_entry *e = &vc->entries[i];
        if (!key_is(e->key, "METADATA_BLOCK_PICTURE") || e->value.len % 4)
            continue;
        uint8_t *raw = cm_arena_alloc(arena, e->value.len / 4 * 3 + 1, 1);
        if (!raw)
            return cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
        size_t len = cm_base64_decode(e->value.ptr, e->value.len, raw);
        cm_cursor c = cm_cursor_make(raw, len == SIZE_MAX ? 0 : len);
        if (len != SIZE_MAX && cm_flac_decode_picture(&c, &pictures[n]))
            n++;
    }
    o->pictures = pictures;
    o->picture_count = n;
    return CM_OK;
}

/* ---- the parse --------------------------------------------------------------- */

static bool needs_last_page(const cm_ogg *o)
{
    return !(o->codec == CM_FORMAT_OGG_FLAC && o->flac.streaminfo.total_samples != 0);
}

/* A request for more of the head, with the tail asked for at once when the
 * parse will want it: files read from a path then cost one more round. */
static cm_status ask(parser *p, cm_error *err, bool want_tail)
{
    const cm_source *src = p->src;
    uint64_t size = src->file_size;
    uint64_t head = err->need_bytes;
    /* at least double what we hold: a comment packet spread over many
     * pages then costs a few rounds, not one per page */
    uint64_t doubled = (uint64_t)src->head_len * 2;
    if (head && head < doubled)
        head = doubled < size ? doubled : size;
    size_t tail_len = size < FIRST_TAIL ? (size_t)size : FIRST_TAIL;
    uint64_t tail = want_tail && !cm_source_last(src, tail_len) ? tail_len : 0;
    return cm_need_more_tail(err, head, tail);
}

cm_status cm_ogg_parse(const cm_source *src, cm_format format, cm_arena *arena, cm_ogg **out,
                       cm_error *err)
{
    return cm_ogg_parse_flags(src, format, 0, arena, out, err);
}

cm_status cm_ogg_parse_flags(const cm_source *src, cm_format format, unsigned flags,
                             cm_arena *arena, cm_ogg **out, cm_error *err)
{
    cm_ogg o = {0};
    o.file_size = src->file_size;
    parser p = {.src = src, .head = {src->head, 0, src->head_len, src->file_size}, .err = err,
                .o = &o, .format = format};
    if (format != CM_FORMAT_OGG && !codec_of(format))
        return cm_fail(err, CM_ERR_ARGUMENT, CM_PART_NONE, 0, "not an Ogg format");

    cm_ogg_page id, first;
    cm_status st = find_id(&p, &id);
    if (st == CM_OK && p.c->needs_first_page && !(id.flags & CM_OGG_FLAG_FIRST))
        st = cm_fail(err, CM_ERR_INVALID, CM_PART_CONTAINER, id.offset,
                     "the %s identification header is not on the stream's first page",
                     p.c->name);
    if (st == CM_OK)
        st = p.c->decode(&o, o.id_header.ptr, o.id_header.len, id.offset + id.header_size, err);
    if (st == CM_OK)
        st = find_comment_page(&p, &id, &first);
    size_t len = 0, pieces = 0;
    const uint8_t *only = NULL;
    if (st == CM_OK) {
        o.comment_page_offset = first.offset;
        st = walk_comment(&p, &first, NULL, &len, &pieces, &only);
    }
    if (st == CM_NEED_MORE && o.comment_page_offset) { /* inside the comment walk */
        uint64_t guess = comment_end_guess(&p, &first);
        if (guess > err->need_bytes)
            err->need_bytes = guess < src->file_size ? guess : src->file_size;
    }
    /* the codec is known once its header decoded */
    bool want_tail = p.c && st != CM_NEED_MORE ? needs_last_page(&o) : true;
    if (st == CM_NEED_MORE)
        return ask(&p, err, want_tail);
    if (st != CM_OK)
        return st;
    if (want_tail && !cm_source_last(src, src->file_size < FIRST_TAIL ? (size_t)src->file_size
                                                                        : FIRST_TAIL))
        return ask(&p, err, true);

    /* The last page before anything is written: its search may still ask
     * for more of the file, and its walk from the start reads the pages
     * that joining the comment in place writes over.  Not finding it is
     * an error reported after the comment's own. */
    bool found_last = false;
    if (needs_last_page(&o) && (st = find_last(&p, &found_last, err)) != CM_OK)
        return st;

    /* Everything at hand for the comment: from here on the arena is used,
     * first sized for the big buffers, the joined packet and the covers
     * its METADATA_BLOCK_PICTURE comments decode to (at most 3/4 of the
     * packet), so that they take no malloc of their own. */
    size_t joined = pieces > 1 && !(flags & CM_OGG_JOIN_IN_PLACE) ? len : 0;
    size_t covers = flags & CM_OGG_SKIP_PICTURES ? 0 : len / 4 * 3;
    /* (small ones fit the usual first chunk) */
    if (joined + covers >= 4096 && !cm_arena_reserve(arena, joined + covers))
        return cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
    cm_ogg *result = cm_arena_calloc(arena, 1, sizeof *result);
    if (!result)
        return cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
    if (pieces > 1) {
        uint8_t *packet;
        if (flags & CM_OGG_JOIN_IN_PLACE) /* the caller's buffer: see CM_OGG_JOIN_IN_PLACE */
            packet = (uint8_t *)src->head + (first.offset + first.header_size);
        else if (!(packet = cm_arena_alloc(arena, len ? len : 1, 1)))
            return cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
        if ((st = walk_comment(&p, &first, packet, &len, &pieces, &only)) != CM_OK)
            return st;
        o.comment_packet = (cm_bytes){packet, len};
    } else {
        o.comment_packet = (cm_bytes){only, len};
    }

    size_t skip = p.c->comment_skip < len ? p.c->comment_skip : len;
    uint64_t base = first.offset + first.header_size + skip;
    cm_cursor cur = cm_cursor_make(o.comment_packet.ptr + skip, len - skip);
    cm_vcomment *vc;
    if ((st = cm_vcomment_parse_ex(&cur, CM_VC_CUT_LAST_STRING, base, arena, &vc, err)) != CM_OK)
        return st;
    if (p.c->framing) {
        uint8_t bit;
        if (!cm_u8(&cur, &bit))
            return cm_fail(err, CM_ERR_TRUNCATED, CM_PART_VORBIS, base + cur.pos,
                           "the Vorbis comment header ends before its framing bit");
        if (!(bit & 1))
            return cm_fail(err, CM_ERR_INVALID, CM_PART_VORBIS, base + cur.pos - 1,
                           "the Vorbis comment header's framing bit is unset");
        vc->framing_bit = true;
    }
    o.vcomment = vc;
    o.comment_size = cur.pos;
    o.comment_trailing = (cm_bytes){cur.data + cur.pos, cm_cursor_left(&cur)};
    if (!(flags & CM_OGG_SKIP_PICTURES) && (st = decode_pictures(&o, arena, err)) != CM_OK)
        return st;

    if (needs_last_page(&o)) {
        if (!found_last)
            return cm_fail(err, CM_ERR_INVALID, CM_PART_CONTAINER, src->file_size,
                           "unable to find the final page of the %s stream", p.c->name);
        o.has_last_granule = true;
    }
    compute_numbers(&o);
    *result = o;
    *out = result;
    return CM_OK;
}

const cm_ogg *cm_doc_ogg(const cm_doc *doc)
{
    return doc && doc->format >= CM_FORMAT_OGG_VORBIS && doc->format <= CM_FORMAT_OGG_FLAC
               ? doc->ogg
               : NULL;
}
