/* The decoded views of the ID3v2 frames most readers want (text, user text,
 * URLs, comments and lyrics, pictures, UFID/PRIV, POPM), and mutagen's table
 * of frame ids.  A body that does not parse as its kind is marked junk, as
 * mutagen drops such frames: the field layouts and the junk rules below are
 * what mutagen 1.48 reads.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "../core/cursor.h"
#include "id3v2.h"
#include "text.h"

/* A 4-byte frame id as one big-endian number: ids compare as numbers, in
 * the same order as their bytes. */
#define ID(s) ((uint32_t)(s)[0] << 24 | (uint32_t)(s)[1] << 16 | (uint32_t)(s)[2] << 8 | (uint32_t)(s)[3])
#define ID4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* mutagen's ID3v2.3/2.4 frame classes, in a perfect hash table: the lookup
 * runs twice per frame header when v2.4 sizes are checked, so it is one
 * multiplication and one compare.  The multiplier was searched for to give
 * each of the 105 ids its own slot (test_id3v2.c checks every id). */
#define KNOWN_SLOT(key) ((uint32_t)((key) * UINT32_C(0x585d7827)) >> 23)
#define K(a, b, c, d) [KNOWN_SLOT(ID4(a, b, c, d))] = ID4(a, b, c, d)
static const uint32_t known_ids[512] = {
    K('A', 'E', 'N', 'C'), K('A', 'P', 'I', 'C'), K('A', 'S', 'P', 'I'), K('C', 'H', 'A', 'P'),
    K('C', 'O', 'M', 'M'), K('C', 'O', 'M', 'R'), K('C', 'T', 'O', 'C'), K('E', 'N', 'C', 'R'),
    K('E', 'Q', 'U', '2'), K('E', 'T', 'C', 'O'), K('G', 'E', 'O', 'B'), K('G', 'R', 'I', 'D'),
    K('G', 'R', 'P', '1'), K('I', 'P', 'L', 'S'), K('L', 'I', 'N', 'K'), K('M', 'C', 'D', 'I'),
    K('M', 'L', 'L', 'T'), K('M', 'V', 'I', 'N'), K('M', 'V', 'N', 'M'), K('O', 'W', 'N', 'E'),
    K('P', 'C', 'N', 'T'), K('P', 'C', 'S', 'T'), K('P', 'O', 'P', 'M'), K('P', 'O', 'S', 'S'),
    K('P', 'R', 'I', 'V'), K('R', 'B', 'U', 'F'), K('R', 'V', 'A', '2'), K('R', 'V', 'A', 'D'),
    K('R', 'V', 'R', 'B'), K('S', 'E', 'E', 'K'), K('S', 'I', 'G', 'N'), K('S', 'Y', 'L', 'T'),
    K('S', 'Y', 'T', 'C'), K('T', 'A', 'L', 'B'), K('T', 'B', 'P', 'M'), K('T', 'C', 'A', 'T'),
    K('T', 'C', 'M', 'P'), K('T', 'C', 'O', 'M'), K('T', 'C', 'O', 'N'), K('T', 'C', 'O', 'P'),
    K('T', 'D', 'A', 'T'), K('T', 'D', 'E', 'N'), K('T', 'D', 'E', 'S'), K('T', 'D', 'L', 'Y'),
    K('T', 'D', 'O', 'R'), K('T', 'D', 'R', 'C'), K('T', 'D', 'R', 'L'), K('T', 'D', 'T', 'G'),
    K('T', 'E', 'N', 'C'), K('T', 'E', 'X', 'T'), K('T', 'F', 'L', 'T'), K('T', 'G', 'I', 'D'),
    K('T', 'I', 'M', 'E'), K('T', 'I', 'P', 'L'), K('T', 'I', 'T', '1'), K('T', 'I', 'T', '2'),
    K('T', 'I', 'T', '3'), K('T', 'K', 'E', 'Y'), K('T', 'K', 'W', 'D'), K('T', 'L', 'A', 'N'),
    K('T', 'L', 'E', 'N'), K('T', 'M', 'C', 'L'), K('T', 'M', 'E', 'D'), K('T', 'M', 'O', 'O'),
    K('T', 'O', 'A', 'L'), K('T', 'O', 'F', 'N'), K('T', 'O', 'L', 'Y'), K('T', 'O', 'P', 'E'),
    K('T', 'O', 'R', 'Y'), K('T', 'O', 'W', 'N'), K('T', 'P', 'E', '1'), K('T', 'P', 'E', '2'),
    K('T', 'P', 'E', '3'), K('T', 'P', 'E', '4'), K('T', 'P', 'O', 'S'), K('T', 'P', 'R', 'O'),
    K('T', 'P', 'U', 'B'), K('T', 'R', 'C', 'K'), K('T', 'R', 'D', 'A'), K('T', 'R', 'S', 'N'),
    K('T', 'R', 'S', 'O'), K('T', 'S', 'I', 'Z'), K('T', 'S', 'O', '2'), K('T', 'S', 'O', 'A'),
    K('T', 'S', 'O', 'C'), K('T', 'S', 'O', 'P'), K('T', 'S', 'O', 'T'), K('T', 'S', 'R', 'C'),
    K('T', 'S', 'S', 'E'), K('T', 'S', 'S', 'T'), K('T', 'X', 'X', 'X'), K('T', 'Y', 'E', 'R'),
    K('U', 'F', 'I', 'D'), K('U', 'S', 'E', 'R'), K('U', 'S', 'L', 'T'), K('W', 'C', 'O', 'M'),
    K('W', 'C', 'O', 'P'), K('W', 'F', 'E', 'D'), K('W', 'O', 'A', 'F'), K('W', 'O', 'A', 'R'),
    K('W', 'O', 'A', 'S'), K('W', 'O', 'R', 'S'), K('W', 'P', 'A', 'Y'), K('W', 'P', 'U', 'B'),
    K('W', 'X', 'X', 'X'),
};

bool cm_id3_is_known_frame_id(const uint8_t id[4])
{
    uint32_t key = ID(id);
    return key && known_ids[KNOWN_SLOT(key)] == key; /* empty slots hold 0 */
}

/* ID3v2.2 frame ids and the ID3v2.3/2.4 ids of the same frames (CRM, the
 * encrypted meta frame, has none): some taggers wrote v2.2 ids, padded
 * with NUL, into v2.3/2.4 tags, and mutagen reads them as the newer frame. */
static const char v22_upgrades[][2][5] = {
    {"BUF", "RBUF"}, {"CNT", "PCNT"}, {"COM", "COMM"}, {"CRA", "AENC"}, {"ETC", "ETCO"},
    {"GEO", "GEOB"}, {"GP1", "GRP1"}, {"IPL", "IPLS"}, {"LNK", "LINK"}, {"MCI", "MCDI"},
    {"MLL", "MLLT"}, {"MVI", "MVIN"}, {"MVN", "MVNM"}, {"PIC", "APIC"}, {"POP", "POPM"},
    {"REV", "RVRB"}, {"RVA", "RVAD"}, {"SLT", "SYLT"}, {"STC", "SYTC"}, {"TAL", "TALB"},
    {"TBP", "TBPM"}, {"TCM", "TCOM"}, {"TCO", "TCON"}, {"TCP", "TCMP"}, {"TCR", "TCOP"},
    {"TDA", "TDAT"}, {"TDY", "TDLY"}, {"TEN", "TENC"}, {"TFT", "TFLT"}, {"TIM", "TIME"},
    {"TKE", "TKEY"}, {"TLA", "TLAN"}, {"TLE", "TLEN"}, {"TMT", "TMED"}, {"TOA", "TOPE"},
    {"TOF", "TOFN"}, {"TOL", "TOLY"}, {"TOR", "TORY"}, {"TOT", "TOAL"}, {"TP1", "TPE1"},
    {"TP2", "TPE2"}, {"TP3", "TPE3"}, {"TP4", "TPE4"}, {"TPA", "TPOS"}, {"TPB", "TPUB"},
    {"TRC", "TSRC"}, {"TRD", "TRDA"}, {"TRK", "TRCK"}, {"TS2", "TSO2"}, {"TSA", "TSOA"},
    {"TSC", "TSOC"}, {"TSI", "TSIZ"}, {"TSP", "TSOP"}, {"TSS", "TSSE"}, {"TST", "TSOT"},
    {"TT1", "TIT1"}, {"TT2", "TIT2"}, {"TT3", "TIT3"}, {"TXT", "TEXT"}, {"TXX", "TXXX"},
    {"TYE", "TYER"}, {"UFI", "UFID"}, {"ULT", "USLT"}, {"WAF", "WOAF"}, {"WAR", "WOAR"},
    {"WAS", "WOAS"}, {"WCM", "WCOM"}, {"WCP", "WCOP"}, {"WPB", "WPUB"}, {"WXX", "WXXX"},
};

const char *cm_id3_upgrade_v22_id(const uint8_t id[3])
{
    for (size_t i = 0; i < sizeof v22_upgrades / sizeof v22_upgrades[0]; i++)
        if (memcmp(id, v22_upgrades[i][0], 3) == 0)
            return v22_upgrades[i][1];
    return NULL;
}

/* Which view a frame id gets, by its v2.3/2.4 id or its v2.2 twin. */
static const struct {
    uint32_t id4, id3; /* ID() of the id; the v2.2 one NUL-padded, 0 for none */
    cm_id3_kind kind;
} kinds[] = {
    {ID("TXXX"), ID("TXX"), CM_ID3_KIND_USER_TEXT},
    {ID("WXXX"), ID("WXX"), CM_ID3_KIND_USER_URL},
    {ID("COMM"), ID("COM"), CM_ID3_KIND_COMMENT},
    {ID("USLT"), ID("ULT"), CM_ID3_KIND_COMMENT},
    {ID("APIC"), ID("PIC"), CM_ID3_KIND_PICTURE},
    {ID("UFID"), ID("UFI"), CM_ID3_KIND_OWNER_DATA},
    {ID("PRIV"), 0, CM_ID3_KIND_OWNER_DATA},
    {ID("POPM"), ID("POP"), CM_ID3_KIND_POPULARIMETER},
};

static cm_id3_kind kind_of(const char *id)
{
    /* text and URL frames, the common case, are known by their letter */
    uint32_t key = ID(id);
    bool v22 = id[3] == '\0';
    if (id[0] == 'T' || id[0] == 'W') {
        if (key != (v22 ? ID("TXX") : ID("TXXX")) && key != (v22 ? ID("WXX") : ID("WXXX")))
            return id[0] == 'T' ? CM_ID3_KIND_TEXT : CM_ID3_KIND_URL;
    }
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (key == (v22 ? kinds[i].id3 : kinds[i].id4))
            return kinds[i].kind;
    return CM_ID3_KIND_NONE;
}

/* A reader over the body, through the cursor helpers: each step returns
 * false when the body is junk for this kind (missing fields, bad text);
 * `nomem` tells the one real failure apart. */
typedef struct reader {
    cm_cursor c;
    cm_arena *arena;
    bool v23;      /* an ID3v2.2/2.3 tag: see take_text */
    bool nomem;
} reader;

static const uint8_t *here(const reader *r)
{
    return r->c.data + r->c.pos;
}

static bool take_encoding(reader *r, uint8_t *enc)
{
    return cm_u8(&r->c, enc) && *enc <= CM_ID3_UTF8;
}

static bool text_ok(reader *r, cm_id3_text_error e)
{
    if (e == CM_ID3_TEXT_NOMEM)
        r->nomem = true;
    return e == CM_ID3_TEXT_OK;
}

/* A terminated string (or the rest, when no terminator follows).  mutagen
 * wants at least one byte where such a string starts.  `encoded`: a string
 * in the frame's encoding, not one always in Latin-1 (MIME type, owner,
 * e-mail, URL). */
static bool take_text(reader *r, uint8_t enc, bool encoded, cm_str *out)
{
    size_t left = cm_cursor_left(&r->c);
    if (!left)
        return false;
    size_t consumed, len = cm_id3_text_span(enc, here(r), left, &consumed);
    cm_id3_text_error e = cm_id3_text_decode(enc, here(r), len, r->arena, out);
    cm_skip(&r->c, consumed);
    /* In v2.2/2.3 tags mutagen drops NUL bytes that are all that is left
     * after an encoded string (padding some writers put there). */
    if (r->v23 && encoded && cm_id3_all_zero(here(r), cm_cursor_left(&r->c)))
        cm_skip(&r->c, cm_cursor_left(&r->c));
    return text_ok(r, e);
}

static bool take_string(reader *r, uint8_t enc, cm_str *out)
{
    return take_text(r, enc, true, out);
}

static bool take_latin1(reader *r, cm_str *out)
{
    return take_text(r, CM_ID3_LATIN1, false, out);
}

/* The rest as a one-value list: the string up to its first terminator. */
static bool take_single(reader *r, uint8_t enc, bool encoded, cm_id3_frame *f)
{
    cm_str *one = cm_arena_alloc(r->arena, 1, sizeof *one); /* take_text fills it */
    if (!one) {
        r->nomem = true;
        return false;
    }
    if (!take_text(r, enc, encoded, one))
        return false;
    f->text = one;
    f->text_count = 1;
    return true;
}

/* The rest as a list of strings (text frames, TXXX values, COMM text). */
static bool take_list(reader *r, uint8_t enc, cm_id3_frame *f)
{
    size_t left = cm_cursor_left(&r->c);
    cm_id3_text_error e =
        cm_id3_text_list(enc, here(r), left, r->v23, r->arena, &f->text, &f->text_count);
    cm_skip(&r->c, left);
    return text_ok(r, e);
}

/* The rest as bytes (picture data, UFID/PRIV payloads). */
static bool take_rest(reader *r, cm_bytes *out)
{
    out->len = cm_cursor_left(&r->c);
    return cm_take(&r->c, out->len, &out->ptr);
}

static bool decode_comment(reader *r, cm_id3_frame *f)
{
    const uint8_t *lang;
    if (!take_encoding(r, &f->encoding) || !cm_take(&r->c, 3, &lang))
        return false;
    /* mutagen keeps the language as ASCII text: other bytes are junk */
    for (int i = 0; i < 3; i++) {
        if (lang[i] & 0x80)
            return false;
        f->lang[i] = (char)lang[i];
    }
    if (!take_string(r, f->encoding, &f->desc))
        return false;
    /* COMM holds a list of texts, USLT one text */
    return f->id[0] == 'C' ? take_list(r, f->encoding, f) : take_single(r, f->encoding, true, f);
}

static bool decode_picture(reader *r, cm_id3_frame *f, bool v22)
{
    if (!take_encoding(r, &f->encoding))
        return false;
    if (v22) {
        /* the image format: three ASCII letters */
        const uint8_t *format;
        if (!cm_take(&r->c, 3, &format) || ((format[0] | format[1] | format[2]) & 0x80))
            return false;
        f->mime.ptr = (const char *)format;
        f->mime.len = 3;
    } else if (!take_latin1(r, &f->mime)) {
        return false;
    }
    return cm_u8(&r->c, &f->picture_type) && take_string(r, f->encoding, &f->desc) &&
           take_rest(r, &f->data);
}

static bool decode_popularimeter(reader *r, cm_id3_frame *f)
{
    if (!take_latin1(r, &f->desc) || !cm_u8(&r->c, &f->rating))
        return false;
    /* the counter is as long as what is left, big endian */
    f->has_count = cm_cursor_left(&r->c) > 0;
    uint8_t byte;
    while (cm_u8(&r->c, &byte))
        f->count = f->count > (UINT64_MAX >> 8) ? UINT64_MAX : f->count << 8 | byte;
    return true;
}

static bool decode(reader *r, cm_id3_frame *f)
{
    /* every kind needs at least one byte */
    if (!cm_cursor_left(&r->c))
        return false;
    switch (f->kind) {
    case CM_ID3_KIND_TEXT:
        return take_encoding(r, &f->encoding) && take_list(r, f->encoding, f);
    case CM_ID3_KIND_USER_TEXT:
        return take_encoding(r, &f->encoding) && take_string(r, f->encoding, &f->desc) &&
               take_list(r, f->encoding, f);
    case CM_ID3_KIND_URL:
        return take_single(r, CM_ID3_LATIN1, false, f);
    case CM_ID3_KIND_USER_URL:
        return take_encoding(r, &f->encoding) && take_string(r, f->encoding, &f->desc) &&
               take_single(r, CM_ID3_LATIN1, false, f);
    case CM_ID3_KIND_COMMENT:
        return decode_comment(r, f);
    case CM_ID3_KIND_PICTURE:
        return decode_picture(r, f, f->id[3] == '\0');
    case CM_ID3_KIND_OWNER_DATA:
        return take_latin1(r, &f->desc) && take_rest(r, &f->data);
    case CM_ID3_KIND_POPULARIMETER:
        return decode_popularimeter(r, f);
    default:
        return true;
    }
}

bool cm_id3_frame_decode(cm_id3_frame *f, uint8_t version, cm_arena *arena)
{
    f->kind = kind_of(f->id);
    if (f->kind == CM_ID3_KIND_NONE)
        return true;
    reader r = {cm_cursor_make(f->body.ptr, f->body.len), arena, version < 4, false};
    if (!decode(&r, f)) {
        if (r.nomem)
            return false;
        /* nothing half-decoded is left behind: keep the header fields only */
        cm_id3_frame junk = {.flags = f->flags, .status = f->status, .offset = f->offset,
                             .raw = f->raw, .body = f->body, .kind = f->kind, .junk = true};
        memcpy(junk.id, f->id, sizeof junk.id);
        *f = junk;
    }
    return true;
}
