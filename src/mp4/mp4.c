/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MP4 files as mutagen reads them.
 *
 * The atom tree: every top-level atom, and the children of the container
 * atoms mutagen descends into (moov, udta, trak, mdia, meta, ilst, stbl,
 * minf, moof, traf; meta's children start after 4 flag bytes).  Like
 * mutagen, a malformed atom anywhere in a container fails the parse, and
 * paths such as moov.udta.meta.ilst follow the first atom of each name.
 * Media data (mdat) is stepped over by its header; when a top-level atom
 * lies far beyond the head of the file we hold, the parse asks for the
 * file's tail from there instead of everything in between. */
#include "mp4.h"

#include <string.h>

#include "../core/cursor.h"
#include "../core/error.h"
#include "as_entry.h"

#define FOURCC(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

enum {
    /* A top-level atom starting within this many bytes after the head we
     * hold is fetched by reading more head; farther, by reading the tail. */
    HEAD_GAP = 64 * 1024,
    /* Containers nest this deep at most (real files: 6). */
    MAX_DEPTH = 64,
    MEDIA_TIME_UNITS = 10000000 /* chpl start times count 100 ns units */
};

/* mutagen seeks to where each top-level atom ends; a file system refuses
 * positions past its largest file (16 TiB on ext4), so the outcome of an
 * atom that claims to end beyond this depends on the file system (and on
 * the file object): left to the general path. */
#define SEEK_LIMIT ((uint64_t)1 << 40)

static const uint32_t containers[] = {
    FOURCC('m', 'o', 'o', 'v'), FOURCC('u', 'd', 't', 'a'), FOURCC('t', 'r', 'a', 'k'),
    FOURCC('m', 'd', 'i', 'a'), FOURCC('m', 'e', 't', 'a'), FOURCC('i', 'l', 's', 't'),
    FOURCC('s', 't', 'b', 'l'), FOURCC('m', 'i', 'n', 'f'), FOURCC('m', 'o', 'o', 'f'),
    FOURCC('t', 'r', 'a', 'f'),
};

typedef struct atom {
    uint32_t name;
    uint8_t header_len;
    bool container;
    uint64_t offset;
    uint64_t length;        /* the whole atom, header included */
    struct atom *children;  /* first child */
    struct atom *next;
} atom;

typedef struct parser {
    const cm_source *src;
    uint64_t size;
    cm_arena *arena;
    cm_error *err;
} parser;

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* Quotient of two integers, rounded once as Python's int / int is. */
static double ratio(uint64_t num, uint64_t den)
{
    if (num < (1ull << 53) && den < (1ull << 53))
        return (double)num / (double)den;
    /* Beyond 2^53 neither side is exact as a double: divide in long
     * double, which holds a 64-bit integer exactly on x86. */
    return (double)((long double)num / (long double)den);
}

static cm_status nomem(parser *p)
{
    return cm_fail(p->err, CM_ERR_NOMEM, CM_PART_CONTAINER, 0, "out of memory");
}

/* [off, off + n) if held, else NULL; off + n must not pass the file's end. */
static const uint8_t *bytes_at(const parser *p, uint64_t off, uint64_t n)
{
    const cm_source *s = p->src;
    if (off + n <= s->head_len)
        return s->head + off;
    uint64_t tail_start = p->size - s->tail_len;
    if (s->tail && off >= tail_start)
        return s->tail + (off - tail_start);
    return NULL;
}

/* Asks for [off, end): more head when it is near, else the tail from off. */
static cm_status request(parser *p, uint64_t off, uint64_t end)
{
    if (off <= (uint64_t)p->src->head_len + HEAD_GAP)
        return cm_need_more_tail(p->err, end, 0);
    return cm_need_more_tail(p->err, 0, p->size - off);
}

static bool is_container(uint32_t name)
{
    /* most atoms are no container and fail at the first letter */
    switch (name >> 24) {
    case 'i': case 'm': case 's': case 't': case 'u':
        for (size_t i = 0; i < sizeof containers / sizeof containers[0]; i++)
            if (containers[i] == name)
                return true;
        return false;
    default:
        return false;
    }
}

static cm_status bad_atom(parser *p, uint64_t off, const char *what)
{
    return cm_fail(p->err, CM_ERR_INVALID, CM_PART_CONTAINER, off, "MP4 atom at offset %llu %s",
                   (unsigned long long)off, what);
}

static cm_status truncated(parser *p, uint64_t off, const char *what)
{
    return cm_fail(p->err, CM_ERR_TRUNCATED, CM_PART_CONTAINER, off,
                   "MP4 file ends inside the %s at offset %llu", what, (unsigned long long)off);
}

/* Decodes the header at h (16 bytes, or what is left of the file: at least
 * 8, and the last 8 are only read when the file holds them). */
static cm_status decode_header(parser *p, const uint8_t *h, uint64_t off, int level, atom *a)
{
    uint32_t size = be32(h);
    a->name = be32(h + 4);
    a->offset = off;
    a->header_len = 8;
    a->length = size;
    if (size == 1) {
        if (off + 16 > p->size)
            return truncated(p, off, "64-bit atom size");
        a->header_len = 16;
        a->length = be64(h + 8);
        if (a->length < 16)
            return bad_atom(p, off, "has a 64-bit size below 16");
    } else if (size == 0) {
        if (level != 0)
            return bad_atom(p, off, "has size 0, which only a top-level atom may have");
        a->length = p->size - off;
    } else if (size < 8) {
        return bad_atom(p, off, "has a size below 8");
    }
    a->container = is_container(a->name);
    return CM_OK;
}

/* The children of a container.  As in mutagen, they run until one ends
 * at or past the parent's end, even when that one reaches past it into
 * what follows, and the walk goes on from where they end (*next), not
 * from where the parent says it ends; a child header past the end of the
 * file is a truncation. */
static cm_status walk_children(parser *p, atom *parent, int depth, uint64_t *next)
{
    if (depth > MAX_DEPTH)
        return bad_atom(p, parent->offset, "nests containers too deeply");
    uint64_t pos = parent->offset + parent->header_len;
    if (parent->name == FOURCC('m', 'e', 't', 'a'))
        pos += 4;
    uint64_t end = add_sat(parent->offset, parent->length);
    atom **link = &parent->children;
    while (pos < end) {
        if (p->size < 8 || pos > p->size - 8)
            return truncated(p, pos, "atom header");
        uint64_t n = p->size - pos < 16 ? p->size - pos : 16;
        const uint8_t *h = bytes_at(p, pos, n);
        if (!h)
            return request(p, pos, pos + n);
        atom *a = cm_arena_alloc(p->arena, 1, sizeof *a);
        if (!a)
            return nomem(p);
        cm_status st = decode_header(p, h, pos, depth, a);
        if (st != CM_OK)
            return st;
        a->children = a->next = NULL;
        *link = a;
        link = &a->next;
        uint64_t after = add_sat(pos, a->length);
        if (a->container && (st = walk_children(p, a, depth + 1, &after)) != CM_OK)
            return st;
        pos = after;
    }
    *next = pos;
    return CM_OK;
}

/* The top-level walk's requests, made before anything is built: a round
 * that only ends in a request then costs no allocation.  (A child that
 * runs past its container can still ask for more during the walk.) */
static cm_status prescan(parser *p)
{
    uint64_t pos = 0;
    while (p->size >= 8 && pos <= p->size - 8) {
        uint64_t n = p->size - pos < 16 ? p->size - pos : 16;
        const uint8_t *h = bytes_at(p, pos, n);
        if (!h)
            return request(p, pos, pos + n);
        atom a;
        if (decode_header(p, h, pos, 0, &a) != CM_OK)
            return CM_OK; /* the walk says what is wrong, if it gets here */
        uint64_t end = add_sat(pos, a.length);
        if (a.container) {
            uint64_t held = end < p->size ? end : p->size;
            if (!bytes_at(p, pos, held - pos))
                return request(p, pos, held);
        }
        pos = end;
    }
    return CM_OK;
}

static cm_status walk_top(parser *p, atom **first)
{
    cm_status st = prescan(p);
    if (st != CM_OK)
        return st;
    atom **link = first;
    uint64_t pos = 0;
    while (p->size >= 8 && pos <= p->size - 8) {
        uint64_t n = p->size - pos < 16 ? p->size - pos : 16;
        const uint8_t *h = bytes_at(p, pos, n);
        if (!h)
            return request(p, pos, pos + n);
        atom *a = cm_arena_alloc(p->arena, 1, sizeof *a);
        if (!a)
            return nomem(p);
        if ((st = decode_header(p, h, pos, 0, a)) != CM_OK)
            return st;
        a->children = a->next = NULL;
        if (a->container) {
            /* all of it at once, rather than header by header */
            uint64_t end = add_sat(pos, a->length);
            end = end < p->size ? end : p->size;
            if (!bytes_at(p, pos, end - pos))
                return request(p, pos, end);
        }
        uint64_t after = add_sat(pos, a->length);
        if (a->container && (st = walk_children(p, a, 1, &after)) != CM_OK)
            return st;
        if (after > SEEK_LIMIT)
            return bad_atom(p, pos, "ends beyond what a file system seeks to");
        *link = a;
        link = &a->next;
        pos = after;
    }
    return CM_OK;
}

static const atom *child(const atom *a, uint32_t name)
{
    for (const atom *c = a ? a->children : NULL; c; c = c->next)
        if (c->name == name)
            return c;
    return NULL;
}

/* A leaf's contents.  mutagen refuses every atom it reads (mvhd, hdlr,
 * mdhd, stsd, the ilst items, chpl) when the file ends inside it. */
static cm_status body_of(parser *p, const atom *a, cm_bytes *out)
{
    uint64_t start = a->offset + a->header_len;
    uint64_t end = add_sat(a->offset, a->length);
    if (end > p->size)
        return truncated(p, a->offset, "atom");
    out->ptr = bytes_at(p, start, end - start);
    out->len = (size_t)(end - start);
    return out->ptr ? CM_OK : request(p, start, end);
}

/* ---- stream properties -------------------------------------------------- */

/* mvhd and mdhd share their first fields: version, flags, two times, then
 * the time scale and the duration (32 bits each in version 0, the times
 * and duration 64 bits in version 1).  false: another version. */
static bool read_timing(cm_bytes b, uint32_t *timescale, uint64_t *duration, bool *short_)
{
    *short_ = false;
    if (b.len < 1)
        return *short_ = true, false;
    if (b.ptr[0] == 0) {
        if (b.len < 20)
            return *short_ = true, false;
        *timescale = be32(b.ptr + 12);
        *duration = be32(b.ptr + 16);
        return true;
    }
    if (b.ptr[0] == 1) {
        if (b.len < 32)
            return *short_ = true, false;
        *timescale = be32(b.ptr + 20);
        *duration = be64(b.ptr + 24);
        return true;
    }
    return false;
}

static char *arena_strdup(parser *p, const char *s, size_t *len)
{
    *len = strlen(s);
    char *d = cm_arena_alloc(p->arena, 1, *len + 1);
    if (d)
        memcpy(d, s, *len + 1);
    return d;
}

static cm_status parse_info(parser *p, const atom *moov, cm_mp4 *m)
{
    cm_mp4_info *info = &m->info;
    cm_status st;
    cm_bytes b;
    bool short_;
    const atom *mdia = NULL;
    for (const atom *t = moov->children; t && !mdia; t = t->next) {
        if (t->name != FOURCC('t', 'r', 'a', 'k'))
            continue;
        const atom *md = child(t, FOURCC('m', 'd', 'i', 'a'));
        const atom *hdlr = child(md, FOURCC('h', 'd', 'l', 'r'));
        if (!hdlr) /* mutagen looks for mdia.hdlr in every track it passes */
            return bad_atom(p, t->offset, "(trak) has no mdia.hdlr");
        if ((st = body_of(p, hdlr, &b)) != CM_OK)
            return st;
        if (b.len >= 12 && memcmp(b.ptr + 8, "soun", 4) == 0)
            mdia = md;
    }
    if (!mdia) {
        /* No audio track: mutagen reads the length from mvhd instead (and
         * only then, so a broken mvhd is no error in a file with one). */
        const atom *mvhd = child(moov, FOURCC('m', 'v', 'h', 'd'));
        if (!mvhd)
            return CM_OK;
        if ((st = body_of(p, mvhd, &b)) != CM_OK)
            return st;
        if (read_timing(b, &m->timescale, &m->duration, &short_)) {
            if (m->timescale == 0)
                return cm_fail(p->err, CM_ERR_INVALID, CM_PART_CONTAINER, mvhd->offset,
                               "MP4 mvhd gives a time scale of 0");
            info->length = ratio(m->duration, m->timescale);
            info->fields |= CM_MP4_HAS_LENGTH;
        } else if (short_) {
            return truncated(p, mvhd->offset, "mvhd atom");
        }
        return CM_OK;
    }

    const atom *mdhd = child(mdia, FOURCC('m', 'd', 'h', 'd'));
    if (!mdhd)
        return bad_atom(p, mdia->offset, "(the audio track's mdia) has no mdhd");
    if ((st = body_of(p, mdhd, &b)) != CM_OK)
        return st;
    uint32_t timescale;
    uint64_t duration;
    if (!read_timing(b, &timescale, &duration, &short_))
        return short_ ? truncated(p, mdhd->offset, "mdhd atom")
                      : bad_atom(p, mdhd->offset, "(mdhd) has an unknown version");
    info->fields |= CM_MP4_HAS_LENGTH | CM_MP4_HAS_AUDIO_TRACK;
    info->zero_timescale = timescale == 0;
    info->length = timescale ? ratio(duration, timescale) : 0.0;

    const atom *stsd = child(child(child(mdia, FOURCC('m', 'i', 'n', 'f')),
                                   FOURCC('s', 't', 'b', 'l')), FOURCC('s', 't', 's', 'd'));
    if (!stsd)
        return CM_OK;
    if ((st = body_of(p, stsd, &b)) != CM_OK)
        return st;
    if (b.len < 8)
        return truncated(p, stsd->offset, "stsd atom");
    if (b.ptr[0] != 0)
        return bad_atom(p, stsd->offset, "(stsd) has an unknown version");
    if (be32(b.ptr + 4) == 0)
        return CM_OK;
    cm_mp4_entry e;
    uint64_t entry_offset = stsd->offset + stsd->header_len + 8;
    if ((st = cm_mp4_parse_sample_entry(b.ptr + 8, b.len - 8, entry_offset, &e, p->err)) != CM_OK)
        return st;
    info->fields |= CM_MP4_HAS_SAMPLE_ENTRY;
    info->channels = e.channels;
    info->bits_per_sample = e.sample_size;
    info->sample_rate = e.sample_rate;
    info->bitrate = e.bitrate;
    info->codec.ptr = arena_strdup(p, e.codec, &info->codec.len);
    info->codec_description.ptr = arena_strdup(p, e.description, &info->codec_description.len);
    if (!info->codec.ptr || !info->codec_description.ptr)
        return nomem(p);
    return CM_OK;
}

/* ---- tags --------------------------------------------------------------- */

/* Splits an item's body into its child atoms (see cm_mp4_item.well_formed);
 * with `out` NULL it only counts the data atoms. */
static bool split_item(cm_mp4_item *item, cm_mp4_data *out, size_t *count)
{
    cm_cursor c = cm_cursor_make(item->body.ptr, item->body.len);
    bool freeform = memcmp(item->name, "----", 4) == 0;
    size_t n = 0, index = 0;
    while (cm_cursor_left(&c)) {
        uint32_t size, name;
        const uint8_t *body;
        if (!cm_be32(&c, &size) || !cm_be32(&c, &name) || size < 8 || !cm_take(&c, size - 8, &body))
            return false;
        size_t len = size - 8;
        uint32_t expect = !freeform || index >= 2 ? FOURCC('d', 'a', 't', 'a')
                          : index == 0          ? FOURCC('m', 'e', 'a', 'n')
                                                : FOURCC('n', 'a', 'm', 'e');
        if (name != expect)
            return false;
        if (expect == FOURCC('d', 'a', 't', 'a')) {
            if (len < 8)
                return false;
            if (out) {
                out[n].version = body[0];
                out[n].type = be32(body) & 0xffffff;
                out[n].locale = be32(body + 4);
                out[n].value.ptr = body + 8;
                out[n].value.len = len - 8;
            }
            n++;
        } else {
            if (len < 4 || be32(body) != 0)
                return false;
            cm_str *s = index == 0 ? &item->mean : &item->key;
            s->ptr = (const char *)body + 4;
            s->len = len - 4;
        }
        index++;
    }
    if (freeform && index < 2)
        return false;
    *count = n;
    return true;
}

static cm_status parse_items(parser *p, const atom *ilst, cm_mp4 *m)
{
    size_t count = 0;
    for (const atom *a = ilst->children; a; a = a->next)
        count++;
    cm_mp4_item *items = count ? cm_arena_calloc(p->arena, count, sizeof *items) : NULL;
    if (count && !items)
        return nomem(p);
    size_t i = 0;
    for (const atom *a = ilst->children; a; a = a->next, i++) {
        cm_mp4_item *item = &items[i];
        cm_status st = body_of(p, a, &item->body);
        if (st != CM_OK)
            return st;
        for (int k = 0; k < 4; k++)
            item->name[k] = (uint8_t)(a->name >> (24 - 8 * k));
        item->offset = a->offset;
        item->length = a->length;
        size_t n;
        if (!split_item(item, NULL, &n)) {
            item->mean = item->key = (cm_str){NULL, 0};
            continue;
        }
        cm_mp4_data *data = n ? cm_arena_alloc(p->arena, n, sizeof *data) : NULL;
        if (n && !data)
            return nomem(p);
        split_item(item, data, &n);
        item->well_formed = true;
        item->data = data;
        item->data_count = n;
    }
    m->items = items;
    m->item_count = count;
    return CM_OK;
}

/* mutagen's padding: the "free" atom right before ilst in meta (before
 * the first child comes the last), else the one right after it. */
static uint64_t find_padding(const atom *meta, const atom *ilst)
{
    const atom *prev = NULL, *last = NULL;
    for (const atom *a = meta->children; a; a = a->next) {
        if (a == ilst)
            prev = last;
        last = a;
    }
    const atom *before = ilst == meta->children ? last : prev;
    const atom *free = before && before->name == FOURCC('f', 'r', 'e', 'e') ? before
                       : ilst->next && ilst->next->name == FOURCC('f', 'r', 'e', 'e') ? ilst->next
                                                                                   : NULL;
    return free ? free->length - free->header_len : 0;
}

/* ---- chapters ----------------------------------------------------------- */

static double chapter_start(uint64_t units)
{
    if (units < (1ull << 53))
        return (double)units / MEDIA_TIME_UNITS;
    return (double)((long double)units / MEDIA_TIME_UNITS);
}

static cm_status parse_chapters(parser *p, const atom *moov, const atom *udta, cm_mp4 *m)
{
    const atom *chpl = child(udta, FOURCC('c', 'h', 'p', 'l'));
    const atom *mvhd = child(moov, FOURCC('m', 'v', 'h', 'd'));
    if (!chpl || !mvhd)
        return CM_OK;
    cm_bytes b;
    cm_status st = body_of(p, mvhd, &b);
    if (st != CM_OK)
        return st;
    bool short_;
    if (!read_timing(b, &m->timescale, &m->duration, &short_))
        return bad_atom(p, mvhd->offset, "(mvhd) gives no time scale for the chapters");
    if ((st = body_of(p, chpl, &b)) != CM_OK)
        return st;
    /* version, flags, 4 reserved bytes, a count, then the chapters */
    cm_cursor c = cm_cursor_make(b.ptr, b.len);
    uint8_t count;
    if (!cm_skip(&c, 8) || !cm_u8(&c, &count))
        return truncated(p, chpl->offset, "chpl atom");
    cm_mp4_chapter *list = count ? cm_arena_alloc(p->arena, count, sizeof *list) : NULL;
    if (count && !list)
        return nomem(p);
    for (size_t i = 0; i < count; i++) {
        const uint8_t *start, *title;
        uint8_t len;
        if (!cm_take(&c, 8, &start) || !cm_u8(&c, &len) || !cm_take(&c, len, &title))
            return truncated(p, chpl->offset, "chpl atom");
        list[i].start = chapter_start(be64(start));
        list[i].title = (cm_str){(const char *)title, len};
    }
    m->has_chapters = true;
    m->chapters = list;
    m->chapter_count = count;
    return CM_OK;
}

/* ---- the file ----------------------------------------------------------- */

bool cm_mp4_sniff(const uint8_t *data, size_t len)
{
    return len >= 8 && memcmp(data + 4, "ftyp", 4) == 0;
}

cm_status cm_mp4_parse(const cm_source *src, cm_arena *arena, cm_mp4 **out, cm_error *err)
{
    parser p = {.src = src, .size = src->file_size, .arena = arena, .err = err};
    atom *top = NULL;
    cm_status st = walk_top(&p, &top);
    if (st != CM_OK)
        return st;
    const atom *moov = NULL;
    for (const atom *a = top; a && !moov; a = a->next)
        if (a->name == FOURCC('m', 'o', 'o', 'v'))
            moov = a;
    if (!moov)
        return cm_fail(err, CM_ERR_NOT_FORMAT, CM_PART_CONTAINER, 0,
                       "no moov atom: not an MP4 file");
    cm_mp4 *m = cm_arena_calloc(arena, 1, sizeof *m);
    if (!m)
        return nomem(&p);
    m->file_size = p.size;
    m->moov_offset = moov->offset;
    m->moov_length = moov->length;

    if ((st = parse_info(&p, moov, m)) != CM_OK)
        return st;
    const atom *udta = child(moov, FOURCC('u', 'd', 't', 'a'));
    const atom *meta = child(udta, FOURCC('m', 'e', 't', 'a'));
    const atom *ilst = child(meta, FOURCC('i', 'l', 's', 't'));
    if (ilst) {
        m->has_tags = true;
        m->ilst_offset = ilst->offset;
        m->padding = find_padding(meta, ilst);
        if ((st = parse_items(&p, ilst, m)) != CM_OK)
            return st;
    }
    if ((st = parse_chapters(&p, moov, udta, m)) != CM_OK)
        return st;
    *out = m;
    return CM_OK;
}
