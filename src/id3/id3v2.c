/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "id3v2.h"

#include <string.h>
#include <zlib.h>

#include "../core/error.h"
#include "id3v2_header.h"

enum {
    HEADER_SIZE = 10,
    FLAG_UNSYNC = 0x80,
    FLAG_EXTENDED = 0x40,
    FLAG_V22_COMPRESSION = 0x40,
    FLAG_FOOTER = 0x10
};

/* Flag bits each version defines for the tag header; any other bit set
 * makes the tag invalid (v2.2 has no reserved-bit rule in mutagen, but its
 * compression bit marks a tag nobody can read). */
static const uint8_t undefined_flags[5] = {[3] = 0x1f, [4] = 0x0f};

/* An inflated frame larger than this is treated as bad compression: zlib
 * expands up to about 1000:1, so a few hostile kilobytes could otherwise ask
 * for gigabytes.  No real frame comes near it. */
#define MAX_INFLATED ((size_t)512 << 20)

typedef struct parser {
    const uint8_t *data; /* the file's first bytes */
    uint64_t file_size;
    cm_arena *arena;
    cm_error *err;
    cm_id3v2 *tag;
    size_t header_size;  /* of a frame: 6 (v2.2) or 10 */
} parser;

static cm_status id3_fail(parser *p, cm_status code, uint64_t offset, const char *what)
{
    return cm_fail(p->err, code, CM_PART_ID3, offset, "%s", what);
}

static uint32_t syncsafe32(const uint8_t *b)
{
    return (uint32_t)(b[0] & 0x7f) << 21 | (uint32_t)(b[1] & 0x7f) << 14 |
           (uint32_t)(b[2] & 0x7f) << 7 | (b[3] & 0x7f);
}

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool is_syncsafe(const uint8_t *b)
{
    return !((b[0] | b[1] | b[2] | b[3]) & 0x80);
}

/* ------------------------------------------------------------------------ */
/* Unsynchronisation                                                          */
/* ------------------------------------------------------------------------ */

bool cm_id3_unsync_decode(const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        out[n++] = in[i];
        if (in[i] != 0xff)
            continue;
        /* An unsynchroniser never leaves 0xFF last or before 0xE0..0xFF:
         * such data was not unsynchronised, whatever the flag says. */
        if (i + 1 == len || in[i + 1] >= 0xe0)
            return false;
        if (in[i + 1] == 0x00)
            i++;
    }
    *out_len = n;
    return true;
}

/* The data with unsynchronisation undone: itself when there is nothing to
 * undo or it is not valid unsynchronised data (then mutagen keeps it too). */
static bool unsync_in_arena(parser *p, cm_bytes *b)
{
    if (!b->len || !memchr(b->ptr, 0xff, b->len))
        return true;
    uint8_t *out = cm_arena_alloc(p->arena, b->len, 1);
    if (!out)
        return false;
    size_t n;
    if (cm_id3_unsync_decode(b->ptr, b->len, out, &n)) {
        b->ptr = out;
        b->len = n;
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* Frame bodies                                                               */
/* ------------------------------------------------------------------------ */

/* zlib data in[0..n) inflated into the arena; false when it is not a whole
 * zlib stream (bytes after the stream's end are ignored, as Python's
 * zlib.decompress does) or when out of memory (then *nomem is set). */
static bool inflate_in_arena(parser *p, const uint8_t *in, size_t n, size_t hint,
                             cm_bytes *out, bool *nomem)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit(&zs) != Z_OK) {
        *nomem = true;
        return false;
    }
    zs.next_in = (Bytef *)(uintptr_t)in;
    /* A declared size is only a hint: trust it up to the most zlib can
     * expand this input to (about 1032:1). */
    size_t most = n < (MAX_INFLATED - 64) / 1032 ? n * 1032 + 64 : MAX_INFLATED;
    size_t size = hint && hint <= most ? hint : (n < 64 ? 256 : n * 4);
    uint8_t *buf = NULL;
    size_t have = 0;
    bool ok = false;
    for (;;) {
        /* Growing takes a new arena block and copies what is there: a wrong
         * hint costs a copy, never a call to another allocator. */
        uint8_t *grown = cm_arena_alloc(p->arena, size, 1);
        if (!grown) {
            *nomem = true;
            break;
        }
        if (have)
            memcpy(grown, buf, have);
        buf = grown;
        zs.next_out = buf + have;
        zs.avail_out = (uInt)(size - have);
        int rc;
        size_t left_in;
        do {
            /* avail_in is 32-bit: feed a huge frame in pieces */
            left_in = n - (size_t)(zs.next_in - in);
            zs.avail_in = left_in > 0x40000000u ? 0x40000000u : (uInt)left_in;
            rc = inflate(&zs, Z_NO_FLUSH);
            left_in = n - (size_t)(zs.next_in - in);
        } while (rc == Z_OK && zs.avail_out > 0 && left_in > 0);
        have = size - zs.avail_out;
        if (rc == Z_STREAM_END) {
            ok = true;
            break;
        }
        /* not zlib data, or the stream is cut short */
        if ((rc != Z_OK && rc != Z_BUF_ERROR) || zs.avail_out > 0 || size >= MAX_INFLATED)
            break;
        size = size > MAX_INFLATED / 2 ? MAX_INFLATED : size * 2;
    }
    inflateEnd(&zs);
    if (ok) {
        out->ptr = buf;
        out->len = have;
    }
    return ok;
}

/* Applies the frame's flags to its stored body, in the order mutagen does
 * (which is not quite the specification's; see each step). */
static cm_status frame_body(parser *p, cm_id3_frame *f, uint64_t at)
{
    uint8_t version = p->tag->version;
    cm_bytes b = f->body;
    bool nomem = false;
    f->status = CM_ID3_FRAME_OK;
    if (version == 3) {
        /* A compressed frame starts with its decompressed size: without
         * those 4 bytes the frame is too short, even when it is also
         * encrypted.  The group id byte, when flagged, is not stepped over
         * (mutagen reads it as data). */
        bool compressed = f->flags & CM_ID3V23_FLAG_COMPRESS;
        if (compressed && b.len < 4)
            f->status = CM_ID3_FRAME_TOO_SHORT;
        else if (f->flags & CM_ID3V23_FLAG_ENCRYPT)
            f->status = CM_ID3_FRAME_ENCRYPTED;
        else if (compressed &&
                 !inflate_in_arena(p, b.ptr + 4, b.len - 4, be32(b.ptr), &f->body, &nomem))
            f->status = CM_ID3_FRAME_BAD_COMPRESSION;
    } else if (version == 4) {
        bool unsync = (p->tag->flags & FLAG_UNSYNC) || (f->flags & CM_ID3V24_FLAG_UNSYNC);
        bool compressed = f->flags & CM_ID3V24_FLAG_COMPRESS;
        if (f->flags & CM_ID3V24_FLAG_ENCRYPT) {
            f->status = CM_ID3_FRAME_ENCRYPTED;
        } else {
            /* The data length indicator is stepped over before the
             * unsynchronisation is undone (its syncsafe bytes are never
             * touched by it), except in a compressed frame: writers put
             * those four bytes before the zlib data or left them out,
             * whatever the flag says, so the zlib data is tried as it
             * is, then without its first four bytes. */
            if ((f->flags & CM_ID3V24_FLAG_DATALEN) && !compressed) {
                size_t skip = b.len < 4 ? b.len : 4;
                f->body.ptr += skip;
                f->body.len -= skip;
            }
            if (unsync && !unsync_in_arena(p, &f->body))
                nomem = true;
            cm_bytes z = f->body;
            if (compressed && !nomem) {
                size_t hint = (f->flags & CM_ID3V24_FLAG_DATALEN) && z.len >= 4 ? syncsafe32(z.ptr) : 0;
                bool ok = inflate_in_arena(p, z.ptr, z.len, hint, &f->body, &nomem);
                if (!ok && !nomem && z.len >= 4)
                    ok = inflate_in_arena(p, z.ptr + 4, z.len - 4, hint, &f->body, &nomem);
                if (!ok)
                    f->status = CM_ID3_FRAME_BAD_COMPRESSION;
            }
        }
    }
    if (nomem)
        return cm_fail(p->err, CM_ERR_NOMEM, CM_PART_ID3, at, "out of memory");
    if (f->status != CM_ID3_FRAME_OK)
        f->body = b; /* the stored bytes, for whoever keeps the frame as is */
    else if (!cm_id3_frame_decode(f, version, p->arena))
        return cm_fail(p->err, CM_ERR_NOMEM, CM_PART_ID3, at, "out of memory");
    return CM_OK;
}

/* ------------------------------------------------------------------------ */
/* Frame headers                                                              */
/* ------------------------------------------------------------------------ */

/* mutagen accepts ids of uppercase ASCII letters and digits with at least
 * one letter ("1234" is not a frame).  Per byte: 1 for a digit, 3 for a
 * letter (bit 2 marks letters), 0 for anything else. */
static const uint8_t id_chars[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
    ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 3, ['B'] = 3, ['C'] = 3, ['D'] = 3, ['E'] = 3, ['F'] = 3, ['G'] = 3,
    ['H'] = 3, ['I'] = 3, ['J'] = 3, ['K'] = 3, ['L'] = 3, ['M'] = 3, ['N'] = 3,
    ['O'] = 3, ['P'] = 3, ['Q'] = 3, ['R'] = 3, ['S'] = 3, ['T'] = 3, ['U'] = 3,
    ['V'] = 3, ['W'] = 3, ['X'] = 3, ['Y'] = 3, ['Z'] = 3,
};

static bool valid_frame_id(const uint8_t *id, size_t n)
{
    uint8_t all = 1, any = 0;
    for (size_t i = 0; i < n; i++) {
        all &= id_chars[id[i]];
        any |= id_chars[id[i]];
    }
    return all && (any & 2);
}

/* The id a frame header gives, as a NUL-terminated string in static or
 * header memory (idlen bytes), or NULL when the frame is to be skipped.
 * A v2.2 id padded with NUL bytes in a v2.3/2.4 tag stands for its newer
 * frame; other padded ids are skipped. */
static const char *frame_id(const uint8_t *h, size_t idlen)
{
    if (idlen == 4 && h[3] == 0) {
        if (!valid_frame_id(h, 3))
            return NULL; /* also "TC\0\0" and shorter */
        return cm_id3_upgrade_v22_id(h);
    }
    return valid_frame_id(h, idlen) ? (const char *)h : NULL;
}

static uint64_t frame_size(const parser *p, const uint8_t *h)
{
    switch (p->tag->version) {
    case 2: return (uint32_t)h[3] << 16 | (uint32_t)h[4] << 8 | h[5];
    case 3: return be32(h + 4);
    default: return p->tag->syncsafe_frame_sizes ? syncsafe32(h + 4) : be32(h + 4);
    }
}

/* Whether the n bytes (3, 4 or 10: an id or a frame header) are all 0. */
static bool all_zero(const uint8_t *b, size_t n)
{
    if (b[0] | b[1] | b[2])
        return false; /* the usual answer, at once */
    for (size_t i = 3; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/* How v2.4 frame sizes are stored.  The specification says syncsafe, but
 * some writers (iTunes among them) stored plain integers.  As mutagen does:
 * walk the frames both ways, counting known frame ids and how far from the
 * end of the data the walk lands (negative: short of it, in whole empty
 * headers when it stops at padding); plain integers win when they find more
 * known frames, or as many while the syncsafe walk overshoots the end and
 * the plain one lands within a byte of it. */
static void bpi_walk(const uint8_t *d, size_t len, bool syncsafe, int64_t *known, int64_t *off)
{
    int64_t o = 0, n = (int64_t)len;
    *known = 0;
    while (o < n - HEADER_SIZE) {
        const uint8_t *h = d + o;
        if (all_zero(h, HEADER_SIZE)) {
            *off = -((n - o) % HEADER_SIZE);
            return;
        }
        o += HEADER_SIZE + (int64_t)(syncsafe ? syncsafe32(h + 4) : be32(h + 4));
        if (cm_id3_is_known_frame_id(h))
            ++*known;
    }
    *off = o - n;
}

/* Whether the two readings walk the same way: every size the syncsafe
 * walk meets is below 128, where both readings agree.  *off is where the
 * walk lands (as in bpi_walk). */
static bool bpi_readings_agree(const uint8_t *d, size_t len, int64_t *off)
{
    int64_t o = 0, n = (int64_t)len;
    while (o < n - HEADER_SIZE) {
        const uint8_t *h = d + o;
        if (all_zero(h, HEADER_SIZE)) {
            *off = -((n - o) % HEADER_SIZE);
            return true;
        }
        if (h[4] | h[5] | h[6] | (h[7] & 0x80))
            return false;
        o += HEADER_SIZE + h[7];
    }
    *off = o - n;
    return true;
}

static bool v24_sizes_are_syncsafe(const uint8_t *d, size_t len)
{
    int64_t known_bpi, off_bpi, known_int, off_int;
    /* Most tags are settled by one walk that needs no frame id lookups:
     * with the two readings agreeing, they find as many known frames and
     * land at the same place, and only landing one byte past the end
     * picks plain integers. */
    if (bpi_readings_agree(d, len, &off_bpi))
        return off_bpi != 1;
    bpi_walk(d, len, true, &known_bpi, &off_bpi);
    bpi_walk(d, len, false, &known_int, &off_int);
    return !(known_int > known_bpi || (known_int == known_bpi && off_bpi >= 1 && off_int <= 1));
}

/* One pass over the frame headers.  With `frames` NULL it only counts the
 * frames; otherwise it fills them.  The walk ends at an all-zero id
 * (padding), at a frame larger than what is left (then, as in mutagen, no
 * padding is counted) or when less than a frame header is left.  Frames of
 * size 0 and frames with invalid ids are stepped over. */
static cm_status walk_frames(parser *p, cm_id3_frame *frames, size_t *count)
{
    cm_id3v2 *tag = p->tag;
    const uint8_t *d = tag->data.ptr;
    size_t len = tag->data.len, pos = 0, n = 0, hsize = p->header_size, idlen = hsize == 6 ? 3 : 4;
    size_t padding = 0;
    for (;;) {
        if (len - pos < hsize) {
            padding = len - pos;
            break;
        }
        const uint8_t *h = d + pos;
        if (all_zero(h, idlen)) {
            padding = len - pos;
            break;
        }
        uint64_t size = frame_size(p, h);
        size_t body = pos + hsize, stored = (size_t)size;
        /* A frame larger than what is left is cut to what is left (mutagen
         * reads it so, and keeps it if it still parses); it ends the walk. */
        if (size > len - body)
            stored = len - body;
        pos = body + stored;
        if (size == 0)
            continue;
        const char *id = frame_id(h, idlen);
        if (!id)
            continue;
        if (frames) {
            cm_id3_frame *f = &frames[n];
            /* 4 bytes whatever the id's length (a v2.2 header has more
             * bytes after its id), then the terminator */
            memcpy(f->id, id, 4);
            f->id[idlen] = '\0';
            f->flags = (uint16_t)(hsize == 10 ? h[8] << 8 | h[9] : 0);
            f->offset = tag->data_offset + (uint64_t)(h - d);
            f->raw.ptr = h;
            f->raw.len = hsize + stored;
            f->body.ptr = d + body;
            f->body.len = stored;
            cm_status st = frame_body(p, f, f->offset);
            if (st != CM_OK)
                return st;
        }
        n++;
    }
    tag->padding = padding;
    *count = n;
    return CM_OK;
}

/* ------------------------------------------------------------------------ */
/* The tag                                                                    */
/* ------------------------------------------------------------------------ */

/* The extended header, at offset 10; sets tag->has_extended_header and
 * *skip (its whole length). */
static cm_status extended_header(parser *p, size_t *skip)
{
    cm_id3v2 *tag = p->tag;
    const uint8_t *e = p->data + HEADER_SIZE;
    *skip = 0;
    /* Some taggers set the flag without writing the header: frames start
     * where its size would be.  mutagen recognises that by a known frame id
     * there. */
    if (cm_id3_is_known_frame_id(e))
        return CM_OK;
    uint64_t total;
    if (tag->version == 4) {
        if (!is_syncsafe(e))
            return id3_fail(p, CM_ERR_INVALID, HEADER_SIZE,
                            "ID3v2.4 extended header size is not a syncsafe integer");
        total = syncsafe32(e); /* counts its own four bytes */
        if (total < 4)
            return id3_fail(p, CM_ERR_INVALID, HEADER_SIZE,
                            "ID3v2.4 extended header size is smaller than the size field");
    } else {
        total = 4 + (uint64_t)be32(e); /* v2.3: counts the bytes after it */
    }
    if (total > tag->size)
        return cm_fail(p->err, CM_ERR_INVALID, CM_PART_ID3, HEADER_SIZE,
                       "ID3v2 extended header (%llu bytes) is larger than the tag (%lu bytes)",
                       (unsigned long long)total, (unsigned long)tag->size);
    tag->has_extended_header = true;
    tag->extended_header.ptr = e + 4;
    tag->extended_header.len = (size_t)total - 4;
    *skip = (size_t)total;
    return CM_OK;
}

cm_status cm_id3v2_parse(const uint8_t *data, size_t avail, uint64_t file_size, cm_arena *arena,
                         const cm_id3v2 **out, uint64_t *tag_end, cm_error *err)
{
    *out = NULL;
    *tag_end = 0;
    if (avail > file_size)
        avail = (size_t)file_size;
    /* Fewer than 10 bytes, or no "ID3": no tag (mutagen says the same). */
    if (file_size < HEADER_SIZE)
        return CM_OK;
    if (avail < HEADER_SIZE)
        return cm_need_more(err, HEADER_SIZE);
    if (memcmp(data, "ID3", 3) != 0)
        return CM_OK;

    parser p = {.data = data, .file_size = file_size, .arena = arena, .err = err};
    uint8_t version = data[3], flags = data[5];
    if (version < 2 || version > 4)
        return cm_fail(err, CM_ERR_UNSUPPORTED, CM_PART_ID3, 3, "ID3v2.%u is not supported",
                       (unsigned)version);
    if (flags & undefined_flags[version])
        return cm_fail(err, CM_ERR_INVALID, CM_PART_ID3, 5,
                       "ID3v2.%u header has undefined flags 0x%02x", (unsigned)version,
                       (unsigned)(flags & undefined_flags[version]));
    if (version == 2 && (flags & FLAG_V22_COMPRESSION))
        return cm_fail(err, CM_ERR_INVALID, CM_PART_ID3, 5,
                       "ID3v2.2 tag is compressed, which has no defined method");
    if (!is_syncsafe(data + 6))
        return cm_fail(err, CM_ERR_INVALID, CM_PART_ID3, 6,
                       "ID3v2 header size is not a syncsafe integer");
    uint32_t size = syncsafe32(data + 6);
    bool extended = version >= 3 && (flags & FLAG_EXTENDED);
    /* The extended header's size field is looked at even in a tag too small
     * to hold it (to tell a missing extended header from a broken one). */
    uint64_t need = HEADER_SIZE + (uint64_t)size;
    if (extended && need < HEADER_SIZE + 4)
        need = HEADER_SIZE + 4;
    if (need > file_size)
        return cm_fail(err, CM_ERR_TRUNCATED, CM_PART_ID3, 0,
                       "ID3v2 tag needs %llu bytes, the file has %llu",
                       (unsigned long long)need, (unsigned long long)file_size);
    if (need > avail)
        return cm_need_more(err, need);

    cm_id3v2 *tag = cm_arena_calloc(arena, 1, sizeof *tag);
    if (!tag)
        return cm_fail(err, CM_ERR_NOMEM, CM_PART_ID3, 0, "out of memory");
    p.tag = tag;
    p.header_size = version == 2 ? 6 : 10;
    tag->version = version;
    tag->revision = data[4];
    tag->flags = flags;
    tag->size = size;
    tag->syncsafe_frame_sizes = version == 4;

    size_t skip = 0;
    cm_status st = extended ? extended_header(&p, &skip) : CM_OK;
    if (st != CM_OK)
        return st;
    tag->data_offset = HEADER_SIZE + skip;
    tag->data.ptr = data + tag->data_offset;
    tag->data.len = size - skip;
    /* v2.2 and v2.3 unsynchronise the tag as a whole (v2.4 frame by frame):
     * frame headers and sizes are read after undoing it. */
    if (version < 4 && (flags & FLAG_UNSYNC) && !unsync_in_arena(&p, &tag->data))
        return cm_fail(err, CM_ERR_NOMEM, CM_PART_ID3, 0, "out of memory");
    if (version == 4)
        tag->syncsafe_frame_sizes = v24_sizes_are_syncsafe(tag->data.ptr, tag->data.len);

    size_t count;
    if ((st = walk_frames(&p, NULL, &count)) != CM_OK)
        return st;
    if (count) {
        cm_id3_frame *frames = cm_arena_calloc(arena, count, sizeof *frames);
        if (!frames)
            return cm_fail(err, CM_ERR_NOMEM, CM_PART_ID3, 0, "out of memory");
        if ((st = walk_frames(&p, frames, &count)) != CM_OK)
            return st;
        tag->frames = frames;
        tag->frame_count = count;
    }
    *out = tag;
    *tag_end = HEADER_SIZE + (uint64_t)size + (version == 4 && (flags & FLAG_FOOTER) ? 10 : 0);
    return CM_OK;
}
