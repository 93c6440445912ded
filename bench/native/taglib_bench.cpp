// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * taglib_bench.cpp - the TagLib (1.13, Debian's libtag1-dev) side of the
 * native benchmark.
 *
 * Each format is read through its own File class and its raw tag view, the
 * closest to what mutagen exposes, so TagLib pays no unified-key
 * (PropertyMap) conversion that the other libraries skip.  The File class
 * comes from the list file's format column (no detection, as for the others):
 *
 *   flac         FLAC::File: xiphComment()->vendorID(), fieldListMap(),
 *                pictureList() (its embedded pictures), File::pictureList()
 *                (the PICTURE blocks)
 *   ogg-vorbis   Ogg::Vorbis::File: tag() (XiphComment) as above
 *   ogg-opus     Ogg::Opus::File: tag() (XiphComment) as above
 *   mp3-*        MPEG::File: ID3v2Tag()->frameList() (each frame's toString();
 *                for APIC frames the description, type, MIME type and
 *                picture() bytes instead, for UFID and PRIV frames, whose
 *                toString() leaves the bytes out, the owner and the bytes),
 *                ID3v1Tag() (all its fields)
 *   m4a-*        MP4::File: tag()->itemMap() (each item's toStringList(),
 *                covers' toCoverArtList() format and data(),
 *                toByteVectorList(), and the numeric value its atom holds)
 *
 * Audio properties for all: audioProperties() lengthInMilliseconds(),
 * bitrate(), sampleRate(), channels(), with the default ReadStyle (Average).
 *
 * mem mode: the loaded file is put in a ByteVector before timing (TagLib
 * has no non-owning buffer type); the timed part constructs a
 * ByteVectorStream on it, which shares the ByteVector's data rather than
 * copying it, and the File on that stream.  path mode: File(FileName), so
 * TagLib opens, reads and closes the file itself.  Text is decoded by TagLib
 * when it parses; touching it converts each String to UTF-8 (to8Bit(true))
 * and hashes the bytes.
 */
#include "common.h"

#include <optional>
#include <string>

#include <attachedpictureframe.h>
#include <commentsframe.h>
#include <flacfile.h>
#include <id3v1tag.h>
#include <id3v2framefactory.h>
#include <id3v2tag.h>
#include <mp4file.h>
#include <mpegfile.h>
#include <opusfile.h>
#include <privateframe.h>
#include <taglib.h>
#include <tbytevectorstream.h>
#include <textidentificationframe.h>
#include <uniquefileidentifierframe.h>
#include <unsynchronizedlyricsframe.h>
#include <urllinkframe.h>
#include <vorbisfile.h>
#include <xiphcomment.h>

using namespace TagLib;

#define STR2(x) #x
#define STR(x) STR2(x)
#define TAGLIB_VERSION_STRING \
    STR(TAGLIB_MAJOR_VERSION) "." STR(TAGLIB_MINOR_VERSION) "." STR(TAGLIB_PATCH_VERSION)

/* ------------------------------------------------------------------------ */
/* Visitors: the walkers below call these for every value they read.        */
/* Toucher hashes (the timed work); Dumper prints the canonical lines.       */
/* ------------------------------------------------------------------------ */

struct Toucher {
    static constexpr bool dump = false;
    uint64_t h;

    void text(const String &s)
    {
        std::string u = s.to8Bit(true);
        h = bench_fnv1a(bench_hash_u64(h, u.size()), u.data(), u.size());
    }
    void id(const ByteVector &b) { h = bench_fnv1a(h, b.data(), b.size()); }
    void number(long long n) { h = bench_hash_u64(h, (uint64_t)n); }
    void field(const String &key, const StringList &values)
    {
        text(key);
        for (const String &value : values)
            text(value);
    }
    /* a value under a name the library does not store as a string */
    void labeled(const char *, const String &value) { text(value); }
    void picture(unsigned type, const String &mime, const ByteVector &data)
    {
        number(type);
        text(mime);
        h = bench_touch_bulk(h, data.data(), data.size());
    }
    /* an ID3v2 frame holding an owner and bytes (UFID, PRIV) */
    void binary(const ByteVector &frame_id, const String &owner, const ByteVector &data)
    {
        id(frame_id);
        text(owner);
        id(data);
    }
    void prop(const char *, long long n) { number(n); }
};

/* Data no text can stand for, in dumps: "bin:<length>:<fnv1a-64 hex>". */
static String binary_value(const ByteVector &data)
{
    char text[64];
    snprintf(text, sizeof text, "bin:%u:%016llx", data.size(),
             (unsigned long long)bench_fnv1a(BENCH_FNV_INIT, data.data(), data.size()));
    return String(text, String::Latin1);
}

struct Dumper {
    static constexpr bool dump = true;

    void text(const String &) {}
    void id(const ByteVector &) {}
    void number(long long) {}
    void field(const String &key, const StringList &values)
    {
        std::string k = key.to8Bit(true);
        for (const String &value : values) {
            std::string v = value.to8Bit(true);
            bench_dump_tag(k.data(), k.size(), v.data(), v.size());
        }
    }
    void labeled(const char *label, const String &value)
    {
        std::string v = value.to8Bit(true);
        bench_dump_tag(label, strlen(label), v.data(), v.size());
    }
    void picture(unsigned type, const String &mime, const ByteVector &data)
    {
        std::string m = mime.to8Bit(true);
        bench_dump_picture(type, m.data(), m.size(), data.data(), data.size());
    }
    void binary(const ByteVector &frame_id, const String &owner, const ByteVector &data)
    {
        field(String(frame_id, String::Latin1) + ":" + owner, StringList(binary_value(data)));
    }
    void prop(const char *name, long long n) { bench_dump_prop_int(name, n); }
};

/* ------------------------------------------------------------------------ */
/* Walkers, one per tag type                                                 */
/* ------------------------------------------------------------------------ */

template <class V> static void walk_props(V &v, const AudioProperties *p)
{
    if (!p)
        return;
    v.prop("length_ms", p->lengthInMilliseconds());
    v.prop("bitrate_kbps", p->bitrate());
    v.prop("sample_rate", p->sampleRate());
    v.prop("channels", p->channels());
}

template <class V> static void walk_flac_picture(V &v, const FLAC::Picture *p)
{
    v.text(p->description());
    v.number(p->width());
    v.number(p->height());
    v.number(p->colorDepth());
    v.number(p->numColors());
    v.picture(p->type(), p->mimeType(), p->data());
}

template <class V> static void walk_xiph(V &v, Ogg::XiphComment *x)
{
    if (!x)
        return;
    v.text(x->vendorID());
    for (const auto &entry : x->fieldListMap())
        v.field(entry.first, entry.second);
    /* METADATA_BLOCK_PICTURE fields, which TagLib moves out of the map */
    for (const FLAC::Picture *p : x->pictureList())
        walk_flac_picture(v, p);
}

/* mutagen-style keys for the dump of ID3v2 frames ("TXXX:desc",
 * "COMM:desc:lang"); the timed pass touches toString() instead. */
static void dump_id3v2_frame(Dumper &d, const ID3v2::Frame *frame)
{
    String id(frame->frameID(), String::Latin1);
    if (auto *f = dynamic_cast<const ID3v2::UserTextIdentificationFrame *>(frame)) {
        StringList values = f->fieldList(); /* 1.13: the description comes first */
        if (!values.isEmpty())
            values.erase(values.begin());
        d.field(id + ":" + f->description(), values);
    } else if (auto *f = dynamic_cast<const ID3v2::TextIdentificationFrame *>(frame)) {
        d.field(id, f->fieldList());
    } else if (auto *f = dynamic_cast<const ID3v2::CommentsFrame *>(frame)) {
        d.field(id + ":" + f->description() + ":" + String(f->language(), String::Latin1),
                StringList(f->text()));
    } else if (auto *f = dynamic_cast<const ID3v2::UnsynchronizedLyricsFrame *>(frame)) {
        d.field(id + ":" + f->description() + ":" + String(f->language(), String::Latin1),
                StringList(f->text()));
    } else if (auto *f = dynamic_cast<const ID3v2::UserUrlLinkFrame *>(frame)) {
        d.field(id + ":" + f->description(), StringList(f->url()));
    } else {
        d.field(id, StringList(frame->toString()));
    }
}

template <class V> static void walk_id3v2(V &v, ID3v2::Tag *tag)
{
    if (!tag)
        return;
    for (const ID3v2::Frame *frame : tag->frameList()) {
        if (auto *apic = dynamic_cast<const ID3v2::AttachedPictureFrame *>(frame)) {
            v.text(apic->description());
            v.picture(apic->type(), apic->mimeType(), apic->picture());
        } else if (auto *ufid = dynamic_cast<const ID3v2::UniqueFileIdentifierFrame *>(frame)) {
            /* toString() leaves the identifier out: touch the bytes */
            v.binary(frame->frameID(), ufid->owner(), ufid->identifier());
        } else if (auto *priv = dynamic_cast<const ID3v2::PrivateFrame *>(frame)) {
            v.binary(frame->frameID(), priv->owner(), priv->data());
        } else if constexpr (V::dump) {
            dump_id3v2_frame(v, frame);
        } else {
            v.id(frame->frameID());
            v.text(frame->toString());
        }
    }
}

/* The ID3v1 tag is always touched, but dumped only when there is no ID3v2
 * tag (mutagen shows it only then), as the ID3v2 frames mutagen makes of it;
 * empty fields make no frame. */
template <class V> static void walk_id3v1(V &v, ID3v1::Tag *tag, bool shown)
{
    if (!tag)
        return;
    const struct {
        const char *key;
        String value;
    } fields[] = {
        {"TIT2", tag->title()},
        {"TPE1", tag->artist()},
        {"TALB", tag->album()},
        {"TDRC", tag->year() ? String::number((int)tag->year()) : String()},
        {"COMM:ID3v1 Comment:eng", tag->comment()},
        {"TRCK", tag->track() ? String::number((int)tag->track()) : String()},
        {"TCON", tag->genre()},
    };
    for (const auto &field : fields)
        if (!V::dump || (shown && !field.value.isEmpty()))
            v.labeled(field.key, field.value);
}

/* MP4 atoms TagLib 1.13 stores as numbers, and which accessor reads them
 * (an Item keeps them in a union, so reading another member is garbage).
 * Every other item holds strings, covers or raw data. */
enum Mp4Number { MP4_NONE, MP4_PAIR, MP4_BOOL, MP4_INT, MP4_UINT, MP4_LONGLONG, MP4_BYTE };
static const struct {
    const char *key;
    Mp4Number kind;
} mp4_numbers[] = {
    {"trkn", MP4_PAIR},      {"disk", MP4_PAIR},     {"cpil", MP4_BOOL},
    {"pgap", MP4_BOOL},      {"pcst", MP4_BOOL},     {"hdvd", MP4_BOOL},
    {"shwm", MP4_BOOL},      {"tmpo", MP4_INT},      {"\xc2\xa9mvi", MP4_INT},
    {"\xc2\xa9mvc", MP4_INT}, {"tvsn", MP4_UINT},    {"tves", MP4_UINT},
    {"cnID", MP4_UINT},      {"sfID", MP4_UINT},     {"atID", MP4_UINT},
    {"geID", MP4_UINT},      {"cmID", MP4_UINT},     {"plID", MP4_LONGLONG},
    {"stik", MP4_BYTE},      {"rtng", MP4_BYTE},     {"akID", MP4_BYTE},
};

static Mp4Number mp4_number_kind(const String &key)
{
    for (const auto &n : mp4_numbers)
        if (key == String(n.key, String::UTF8))
            return n.kind;
    return MP4_NONE;
}

static const char *mp4_cover_mime(MP4::CoverArt::Format format)
{
    switch (format) {
    case MP4::CoverArt::JPEG: return "image/jpeg";
    case MP4::CoverArt::PNG: return "image/png";
    case MP4::CoverArt::BMP: return "image/bmp";
    case MP4::CoverArt::GIF: return "image/gif";
    default: return "";
    }
}

/* MP4 covers have a format, not an ID3/FLAC picture type: they are dumped
 * as 3 (front cover), as lofty does. */
template <class V> static void walk_mp4(V &v, MP4::Tag *tag)
{
    if (!tag)
        return;
    for (const auto &entry : tag->itemMap()) {
        const String &key = entry.first;
        const MP4::Item &item = entry.second;
        v.field(key, item.toStringList());
        for (const MP4::CoverArt &cover : item.toCoverArtList())
            v.picture(3, mp4_cover_mime(cover.format()), cover.data());
        for (const ByteVector &data : item.toByteVectorList()) {
            if constexpr (V::dump)
                v.field(key, StringList(binary_value(data)));
            else
                v.id(data);
        }
        long long a = 0, b = 0;
        bool pair = false;
        switch (mp4_number_kind(key)) {
        case MP4_NONE: continue;
        case MP4_PAIR: a = item.toIntPair().first; b = item.toIntPair().second; pair = true; break;
        case MP4_BOOL: a = item.toBool(); break;
        case MP4_INT: a = item.toInt(); break;
        case MP4_UINT: a = item.toUInt(); break;
        case MP4_LONGLONG: a = item.toLongLong(); break;
        case MP4_BYTE: a = item.toByte(); break;
        }
        if constexpr (V::dump) {
            String text = String::number((int)a);
            if (pair)
                text += "/" + String::number((int)b);
            v.field(key, StringList(text));
        } else {
            v.number(a);
            v.number(b);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Per File class: how to read it                                            */
/* ------------------------------------------------------------------------ */

template <class V> static void walk(V &v, FLAC::File &f)
{
    walk_xiph(v, f.xiphComment());
    for (const FLAC::Picture *p : f.pictureList())
        walk_flac_picture(v, p);
}

template <class V> static void walk(V &v, MPEG::File &f)
{
    walk_id3v2(v, f.ID3v2Tag());
    walk_id3v1(v, f.ID3v1Tag(), !f.hasID3v2Tag());
}

template <class V> static void walk(V &v, Ogg::Vorbis::File &f) { walk_xiph(v, f.tag()); }
template <class V> static void walk(V &v, Ogg::Opus::File &f) { walk_xiph(v, f.tag()); }
template <class V> static void walk(V &v, MP4::File &f) { walk_mp4(v, f.tag()); }

/* Constructing a File on a stream: FLAC and MPEG want a frame factory. */
template <class F> static void open_on(std::optional<F> &f, IOStream *stream)
{
    f.emplace(stream, true);
}
static void open_on(std::optional<FLAC::File> &f, IOStream *stream)
{
    f.emplace(stream, ID3v2::FrameFactory::instance(), true);
}
static void open_on(std::optional<MPEG::File> &f, IOStream *stream)
{
    f.emplace(stream, ID3v2::FrameFactory::instance(), true);
}

/* Read the file as F and walk it with a visitor; the File (and in mem mode
 * the stream) is destroyed before returning, so freeing is part of the work. */
template <class F, class V> static bool read_as(V &v, const bench_input *in, bool mem, char *err)
{
    std::optional<ByteVectorStream> stream;
    std::optional<F> f;
    if (mem) {
        stream.emplace(*static_cast<const ByteVector *>(in->prepared));
        open_on(f, &*stream);
    } else {
        f.emplace(in->entry->path, true);
    }
    if (!f->isValid()) {
        snprintf(err, BENCH_ERRLEN, "TagLib: not a valid %s file", in->entry->format);
        return false;
    }
    walk(v, *f);
    walk_props(v, f->audioProperties());
    return true;
}

template <class F> static bool run_as(const bench_input *in, bool mem, uint64_t *hash, char *err)
{
    Toucher t{*hash};
    bool ok = read_as<F>(t, in, mem, err);
    *hash = t.h;
    return ok;
}

template <class F> static bool dump_as(const bench_input *in, bool mem, char *err)
{
    Dumper d;
    return read_as<F>(d, in, mem, err);
}

static const struct {
    const char *format;
    bool (*run)(const bench_input *, bool, uint64_t *, char *);
    bool (*dump)(const bench_input *, bool, char *);
} formats[] = {
    {"flac", run_as<FLAC::File>, dump_as<FLAC::File>},
    {"mp3-id3v23", run_as<MPEG::File>, dump_as<MPEG::File>},
    {"mp3-id3v24", run_as<MPEG::File>, dump_as<MPEG::File>},
    {"ogg-vorbis", run_as<Ogg::Vorbis::File>, dump_as<Ogg::Vorbis::File>},
    {"ogg-opus", run_as<Ogg::Opus::File>, dump_as<Ogg::Opus::File>},
    {"m4a-aac", run_as<MP4::File>, dump_as<MP4::File>},
    {"m4a-alac", run_as<MP4::File>, dump_as<MP4::File>},
};

static int format_index(const bench_input *in, char *err)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].format, in->entry->format) == 0)
            return (int)i;
    snprintf(err, BENCH_ERRLEN, "no TagLib class for format %s", in->entry->format);
    return -1;
}

static bool run(const bench_input *in, bool mem, uint64_t *hash, char *err)
{
    int i = format_index(in, err);
    return i >= 0 && formats[i].run(in, mem, hash, err);
}

static bool dump(const bench_input *in, bool mem, char *err)
{
    int i = format_index(in, err);
    return i >= 0 && formats[i].dump(in, mem, err);
}

static void *prepare(const unsigned char *data, size_t len)
{
    return new ByteVector(reinterpret_cast<const char *>(data), (unsigned int)len);
}

static void release(void *prepared)
{
    delete static_cast<ByteVector *>(prepared);
}

/* operator new must reach the counter too (libstdc++ allocates with malloc). */
static void check_new_is_counted()
{
    static int *volatile keep;
    bench_alloc_reset();
    bench_alloc_counting(true);
    keep = new int(1);
    bench_alloc_counting(false);
    uint64_t calls = bench_alloc_count();
    delete keep;
    if (calls != 1)
        bench_die("allocation self-test", "operator new is not counted");
}

int main(int argc, char **argv)
{
    static const bench_program prog = {
        "taglib", TAGLIB_VERSION_STRING, false, prepare, release, run, dump,
    };
    check_new_is_counted();
    return bench_main(argc, argv, &prog);
}
