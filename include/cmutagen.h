/*
 * cmutagen.h - public C API of libcmutagen.
 *
 * libcmutagen reads (and, as formats land, writes) audio metadata.  A read
 * produces an immutable document (cm_doc) that owns one arena: every string,
 * list and record of the parse lives in it, and cm_doc_free() releases it all.
 *
 *     cm_error err;
 *     cm_doc *doc = cm_read_file("song.flac", NULL, &err);
 *     if (!doc) { fprintf(stderr, "%s\n", err.msg); return 1; }
 *     const cm_flac *flac = cm_doc_flac(doc);
 *     ...
 *     cm_doc_free(doc);
 *
 * Strings are (pointer, length) slices and are NOT NUL-terminated.  Text that
 * the file stores as UTF-8 is handed out as the file's bytes, unvalidated;
 * cm_utf8_valid() tells whether a slice is well-formed.
 *
 * Copyright (C) 2026 the cmutagen authors.  SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CMUTAGEN_H
#define CMUTAGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CM_VERSION_STRING "0.1.0"

/* Only the functions below are exported from the shared library. */
#if defined(__GNUC__) || defined(__clang__)
#define CM_API __attribute__((visibility("default")))
#else
#define CM_API
#endif

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

typedef enum cm_status {
    CM_OK = 0,
    CM_ERR_NOMEM,      /* an allocation failed */
    CM_ERR_IO,         /* open/read/stat failed; sys_errno says why */
    CM_ERR_NOT_FORMAT, /* the data is not in the requested format (no magic) */
    CM_ERR_TRUNCATED,  /* a structure runs past the end of the file */
    CM_ERR_INVALID,    /* a structure is present but malformed */
    CM_ERR_UNSUPPORTED,/* a format or feature this build does not handle */
    CM_ERR_ARGUMENT,   /* the caller passed a bad argument */
    CM_NEED_MORE       /* (parsers only) more of the file is needed; see need_bytes */
} cm_status;

/* Which part of a format the error belongs to, so a binding can raise the
 * exception class its users expect (e.g. a broken Vorbis comment inside a
 * FLAC file is a different Python exception than a broken FLAC header). */
typedef enum cm_error_part {
    CM_PART_NONE = 0,
    CM_PART_CONTAINER, /* the format's own framing (FLAC blocks, ...) */
    CM_PART_VORBIS,    /* a Vorbis comment block */
    CM_PART_ID3        /* an ID3v2 tag (its header or extended header) */
} cm_error_part;

typedef struct cm_error {
    cm_status code;
    cm_error_part part;
    int sys_errno;       /* errno for CM_ERR_IO, else 0 */
    uint64_t offset;     /* byte offset in the file the problem is at */
    uint64_t need_bytes; /* CM_NEED_MORE: bytes needed from the start of the file */
    uint64_t need_tail_bytes; /* CM_NEED_MORE: bytes needed from the end of the file */
    char msg[160];       /* what went wrong, in words; always NUL-terminated */
} cm_error;

/* A short constant name for a status ("truncated", "invalid data", ...). */
CM_API const char *cm_status_name(cm_status code);

/* ------------------------------------------------------------------------ */
/* Values                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct cm_bytes {
    const uint8_t *ptr;
    size_t len;
} cm_bytes;

typedef struct cm_str {
    const char *ptr;
    size_t len;
} cm_str;

/* true when s is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF) */
CM_API bool cm_utf8_valid(cm_str s);

/* ------------------------------------------------------------------------ */
/* Vorbis comments (FLAC, Ogg Vorbis/Opus/Speex/Theora/FLAC)                 */
/* ------------------------------------------------------------------------ */

typedef struct cm_vcomment_entry {
    cm_str key;    /* bytes before the first '=' (whole entry if has_equals is false) */
    cm_str value;  /* bytes after the first '=' */
    bool has_equals;
} cm_vcomment_entry;

typedef struct cm_vcomment {
    cm_str vendor;
    size_t count;
    const cm_vcomment_entry *entries; /* in file order, duplicates kept */
    bool framing_bit;                 /* Ogg Vorbis framing bit present (when asked for) */
} cm_vcomment;

/* ------------------------------------------------------------------------ */
/* FLAC                                                                      */
/* ------------------------------------------------------------------------ */

enum {
    CM_FLAC_STREAMINFO = 0,
    CM_FLAC_PADDING = 1,
    CM_FLAC_APPLICATION = 2,
    CM_FLAC_SEEKTABLE = 3,
    CM_FLAC_VORBIS_COMMENT = 4,
    CM_FLAC_CUESHEET = 5,
    CM_FLAC_PICTURE = 6
};

typedef struct cm_flac_streaminfo {
    uint32_t min_blocksize, max_blocksize;
    uint32_t min_framesize, max_framesize;
    uint32_t sample_rate;
    uint32_t channels;
    uint32_t bits_per_sample;
    uint64_t total_samples;
    uint8_t md5[16];
} cm_flac_streaminfo;

typedef struct cm_flac_picture {
    uint32_t type;
    cm_str mime;
    cm_str desc;
    uint32_t width, height, depth, colors;
    cm_bytes data;
} cm_flac_picture;

typedef struct cm_flac_block {
    uint8_t type;              /* 0..126, see CM_FLAC_* */
    bool last;                 /* the header's last-block flag */
    uint64_t offset;           /* file offset of the 4-byte block header */
    uint32_t declared_length;  /* length the header claims */
    uint64_t length;           /* bytes the body really spans (see below) */
    cm_bytes body;             /* the body, `length` bytes */
    const cm_vcomment *vcomment;     /* set for VORBIS_COMMENT */
    const cm_flac_picture *picture;  /* set for PICTURE */
} cm_flac_block;
/* Some writers store a wrong length for VORBIS_COMMENT and PICTURE blocks;
 * the reference decoder copes because it parses their contents, and so do
 * we: for those two types `length` is what the contents span, which may
 * differ from `declared_length`. */

typedef struct cm_flac {
    uint64_t file_size;
    uint64_t flac_offset;   /* where "fLaC" starts (after any ID3v2 tags) */
    uint64_t audio_offset;  /* first byte after the last metadata block */
    cm_flac_streaminfo streaminfo;
    double length;          /* seconds: total_samples / sample_rate, 0 if unknown */
    uint64_t bitrate;       /* bits/s of everything after the metadata, truncated */
    size_t block_count;
    const cm_flac_block *blocks;        /* in file order */
    const cm_vcomment *vcomment;        /* the VORBIS_COMMENT block's, or NULL */
    size_t picture_count;
    const cm_flac_picture *const *pictures; /* in file order */
} cm_flac;

/* ------------------------------------------------------------------------ */
/* Ogg: Vorbis, Opus, Speex, Theora and FLAC streams (RFC 3533 pages)        */
/* ------------------------------------------------------------------------ */

/* One logical stream of an Ogg file, read as mutagen reads it: the first
 * page whose first packet carries the codec's identification header gives
 * the stream (its serial number), the next page(s) of that stream give the
 * comment packet, and the stream's last page gives the length.  Numbers the
 * codec header stores are kept as stored; `length` and `bitrate` are what
 * mutagen reports (documented per codec below). */

typedef struct cm_ogg_vorbis {
    uint32_t version;
    uint8_t channels;
    uint32_t sample_rate;
    int32_t max_bitrate, nominal_bitrate, min_bitrate; /* as stored, signed */
} cm_ogg_vorbis;

typedef struct cm_ogg_opus {
    uint8_t version;             /* upper 4 bits must be 0 */
    uint8_t channels;
    uint16_t pre_skip;           /* samples at 48 kHz to drop at the start */
    uint32_t input_sample_rate;
    int16_t output_gain;
    uint8_t mapping_family;
} cm_ogg_opus;

typedef struct cm_ogg_speex {
    uint32_t sample_rate;
    uint32_t channels;
    int32_t bitrate;             /* as stored; -1 means unknown */
} cm_ogg_speex;

typedef struct cm_ogg_theora {
    uint8_t version_major, version_minor, version_revision; /* 3.2.x */
    uint32_t fps_numerator, fps_denominator;
    double fps;                  /* numerator / denominator */
    uint32_t nominal_bitrate;    /* 24 bits */
    uint8_t quality;
    uint8_t granule_shift;       /* bits of the granule that count frames since a key frame */
} cm_ogg_theora;

typedef struct cm_ogg_flac {
    uint8_t mapping_major, mapping_minor; /* 1.0 */
    uint16_t header_packets;     /* header packets after the first (mutagen's `packets`) */
    cm_flac_streaminfo streaminfo;
} cm_ogg_flac;

typedef struct cm_ogg {
    int codec;                   /* the cm_format of the stream: CM_FORMAT_OGG_VORBIS, ... */
    uint64_t file_size;
    uint32_t serial;             /* the stream's serial number */
    uint64_t id_page_offset;     /* page holding the identification header */
    uint64_t comment_page_offset;/* first page of the comment packet */
    uint64_t audio_offset;       /* first byte after the comment packet's last page */
    /* The granule position of the stream's last page: the last page of the
     * file when it belongs to the stream, ends it and has a position;
     * otherwise the stream's first page marked last, or its last page
     * with a position, found by walking the pages from the start (as
     * mutagen does).  Not looked for in Ogg FLAC files whose STREAMINFO
     * gives the sample count. */
    bool has_last_granule;
    int64_t last_granule;
    /* Seconds: Vorbis, Speex and FLAC granule / sample rate (FLAC: the
     * STREAMINFO sample count when not 0); Opus (granule - pre_skip) /
     * 48000, negative when a broken file has a granule below the pre-skip;
     * Theora the frame count the granule encodes / fps. */
    double length;
    /* Bits per second: Vorbis from the three header bitrates (the
     * nominal one, bounded by the others, or the mean of the maximum and
     * the minimum when there is no nominal one); Opus the bytes after the
     * headers over the length, rounded half to even, negative with a
     * negative length; Speex the header's (0 when negative); Theora the
     * header's nominal one; Ogg FLAC has none (0). */
    int64_t bitrate;
    cm_bytes id_header;          /* the identification packet, as far as its first page holds it */
    cm_bytes comment_packet;     /* the whole comment packet (copied when it spans pages) */
    const cm_vcomment *vcomment; /* the comment block in it */
    size_t comment_size;         /* bytes the comment block spans, framing bit included */
    cm_bytes comment_trailing;   /* the packet's bytes after the block (padding, Opus extra data) */
    /* The comments named METADATA_BLOCK_PICTURE (in any case) whose value
     * is base64 of a well-formed FLAC PICTURE block, decoded, in order.
     * The comments stay in vcomment as well. */
    size_t picture_count;
    const cm_flac_picture *pictures;
    cm_ogg_vorbis vorbis;        /* the header of the stream's codec; the others are zero */
    cm_ogg_opus opus;
    cm_ogg_speex speex;
    cm_ogg_theora theora;
    cm_ogg_flac flac;
} cm_ogg;

/* ------------------------------------------------------------------------ */
/* ID3 (ID3v2.2/2.3/2.4 at the start of a file, ID3v1 at its end)            */
/* ------------------------------------------------------------------------ */

/* What became of a frame's body after its header flags were applied. */
typedef enum cm_id3_frame_status {
    CM_ID3_FRAME_OK = 0,          /* body holds the frame's contents */
    CM_ID3_FRAME_ENCRYPTED,       /* encrypted: body is the stored bytes, undecoded */
    CM_ID3_FRAME_BAD_COMPRESSION, /* compressed, but the zlib data does not inflate */
    CM_ID3_FRAME_TOO_SHORT        /* shorter than the fields its flags announce */
} cm_id3_frame_status;

/* How a frame's contents were decoded into the fields of cm_id3_frame. */
typedef enum cm_id3_kind {
    CM_ID3_KIND_NONE = 0,   /* not decoded here: read `body` */
    CM_ID3_KIND_TEXT,       /* T*** (not TXXX): text[] */
    CM_ID3_KIND_USER_TEXT,  /* TXXX/TXX: desc, text[] */
    CM_ID3_KIND_URL,        /* W*** (not WXXX): text[0] is the URL */
    CM_ID3_KIND_USER_URL,   /* WXXX/WXX: desc, text[0] is the URL */
    CM_ID3_KIND_COMMENT,    /* COMM/COM, USLT/ULT: lang, desc, text[] */
    CM_ID3_KIND_PICTURE,    /* APIC/PIC: mime (PIC: the 3-letter format), picture_type, desc, data */
    CM_ID3_KIND_OWNER_DATA, /* UFID/UFI, PRIV: desc is the owner, data */
    CM_ID3_KIND_POPULARIMETER /* POPM/POP: desc is the e-mail, rating, count */
} cm_id3_kind;

/* ID3v2 frame header flags, as stored (v2.3 and v2.4 differ; v2.2 has none). */
enum {
    CM_ID3V23_FLAG_COMPRESS = 0x0080,
    CM_ID3V23_FLAG_ENCRYPT = 0x0040,
    CM_ID3V23_FLAG_GROUP = 0x0020,
    CM_ID3V24_FLAG_GROUP = 0x0040,
    CM_ID3V24_FLAG_COMPRESS = 0x0008,
    CM_ID3V24_FLAG_ENCRYPT = 0x0004,
    CM_ID3V24_FLAG_UNSYNC = 0x0002,
    CM_ID3V24_FLAG_DATALEN = 0x0001
};

typedef struct cm_id3_frame {
    char id[5];             /* "TIT2" (v2.2: "TT2"), NUL-terminated */
    uint16_t flags;         /* the header's flags (0 for v2.2) */
    cm_id3_frame_status status;
    uint64_t offset;        /* where the frame header is in the file; see cm_id3v2.data */
    cm_bytes raw;           /* header and body as stored in cm_id3v2.data */
    /* The body with the frame's unsynchronisation, data length indicator
     * and compression undone (a slice of the file when none applied).  As
     * in mutagen, a grouping identifier byte stays at its front. */
    cm_bytes body;

    /* The decoded view (status CM_ID3_FRAME_OK only), by `kind`. */
    cm_id3_kind kind;
    bool junk;              /* the body is malformed for its kind: nothing decoded */
    uint8_t encoding;       /* the text encoding byte: 0 Latin-1, 1 UTF-16, 2 UTF-16BE, 3 UTF-8 */
    char lang[4];           /* COMMENT: 3 bytes as stored, NUL-terminated */
    cm_str desc;            /* UTF-8; see cm_id3_kind */
    cm_str mime;            /* PICTURE, Latin-1 as UTF-8 */
    uint8_t picture_type;   /* PICTURE */
    uint8_t rating;         /* POPULARIMETER */
    bool has_count;         /* POPULARIMETER: a play counter follows the rating */
    uint64_t count;         /* POPULARIMETER: the play counter (saturates at UINT64_MAX) */
    cm_bytes data;          /* PICTURE, OWNER_DATA: the binary payload */
    size_t text_count;
    const cm_str *text;     /* UTF-8 values; Latin-1 and UTF-16 are transcoded */
} cm_id3_frame;

typedef struct cm_id3v2 {
    uint8_t version;         /* 2, 3 or 4: ID3v2.<version> */
    uint8_t revision;
    uint8_t flags;           /* the header's flag byte as stored */
    uint32_t size;           /* the header's size: the tag after its 10-byte header, no footer */
    /* The extended header's contents after its size field, when there is
     * one.  Some writers set the flag without writing the header; like
     * mutagen, a frame id where the size should be means there is none. */
    bool has_extended_header;
    cm_bytes extended_header;
    /* v2.4 only: whether frame sizes were read as syncsafe integers.  Some
     * writers store plain integers in v2.4 tags; as mutagen does, the sizes
     * are read both ways and the reading that lands on more known frame ids
     * (then, on a tie, the one that ends cleanly) wins. */
    bool syncsafe_frame_sizes;
    /* The frames' bytes: what follows the header and extended header, with
     * the tag-wide unsynchronisation of v2.2/v2.3 undone (then the frames'
     * offsets count in these bytes, from data_offset). */
    cm_bytes data;
    uint64_t data_offset;
    size_t padding;          /* bytes after the last frame read (mutagen's _padding) */
    size_t frame_count;
    const cm_id3_frame *frames; /* in file order; zero-sized and invalid ids are left out */
} cm_id3v2;

typedef struct cm_id3v1 {
    uint64_t offset;          /* of "TAG" */
    cm_bytes raw;             /* from "TAG" to the end: 128 bytes, 124 to 127 for cut ones */
    /* Latin-1 transcoded to UTF-8, cut at the first NUL, whitespace trimmed. */
    cm_str title, artist, album, year, comment;
    uint8_t track;            /* ID3v1.1 track number; 0 when none */
    uint8_t genre;            /* index in the genre list; 255 when none */
} cm_id3v1;

/* ------------------------------------------------------------------------ */
/* MP3 (MPEG audio), and standalone ID3 tags                                 */
/* ------------------------------------------------------------------------ */

/* MPEG audio stream properties, from the first frame (and its Xing, Info
 * or VBRI header) as mutagen's MPEGInfo finds it; only in CM_FORMAT_MP3
 * documents. */
typedef struct cm_mpeg_info {
    double length;           /* seconds */
    uint64_t bitrate;        /* bits per second */
    uint32_t sample_rate;
    uint32_t channels;
    double version;          /* 1, 2 or 2.5 */
    uint32_t layer;          /* 1, 2 or 3 */
    uint32_t mode;           /* 0 stereo, 1 joint stereo, 2 dual channel, 3 mono */
    uint32_t bitrate_mode;   /* 0 unknown, 1 CBR, 2 VBR, 3 ABR */
    cm_str encoder_info;     /* e.g. "LAME 3.100", may be empty */
    cm_str encoder_settings; /* e.g. "-V 2", may be empty */
    bool sketchy;            /* found on weak evidence (no run of frames, no VBR header) */
    bool protected_;         /* CRC-protected frames */
    bool padding;            /* the first frame is padded */
    bool has_track_gain, has_track_peak, has_album_gain; /* from a LAME header */
    double track_gain, track_peak, album_gain;
    uint64_t audio_offset;   /* file offset of the first frame */
} cm_mpeg_info;

typedef struct cm_mp3 {
    uint64_t file_size;
    const cm_id3v2 *id3v2;      /* the tag at the start, or NULL */
    const cm_id3v1 *id3v1;      /* the tag at the end, or NULL */
    uint64_t audio_offset;      /* first byte after the ID3v2 tag (and its footer) */
    const cm_mpeg_info *info;   /* the audio; NULL in CM_FORMAT_ID3 documents */
} cm_mp3;

/* ------------------------------------------------------------------------ */
/* MP4 (ISO base media / QuickTime files: .m4a .m4b .mp4 .3g2)               */
/* ------------------------------------------------------------------------ */

/* The well-known types of an iTunes "data" atom (the 24 bits after its
 * version byte). */
enum {
    CM_MP4_DATA_IMPLICIT = 0,
    CM_MP4_DATA_UTF8 = 1,
    CM_MP4_DATA_UTF16 = 2,
    CM_MP4_DATA_JPEG = 13,
    CM_MP4_DATA_PNG = 14,
    CM_MP4_DATA_INTEGER = 21
};

typedef struct cm_mp4_data {
    uint8_t version;    /* the byte before the type: 0 in the files seen */
    uint32_t type;      /* 24 bits, CM_MP4_DATA_* */
    uint32_t locale;    /* the 4 bytes after the type, as a number */
    cm_bytes value;     /* the payload */
} cm_mp4_data;

/* One child of moov.udta.meta.ilst: a tag item such as "\xa9nam" or "trkn". */
typedef struct cm_mp4_item {
    uint8_t name[4];    /* the atom's name as stored ("\xa9nam", "----") */
    uint64_t offset;    /* file offset of the item atom */
    uint64_t length;    /* of the item atom, its header (8 or 16 bytes) included */
    cm_bytes body;      /* everything after the item's header */
    /* True when body is exactly a run of child atoms with plain 32-bit
     * sizes: for "----", a "mean" then a "name" atom (each at least its 4
     * flag bytes, which are zero) and then "data" atoms; for other items
     * "data" atoms only; every data atom at least 16 bytes.  When false,
     * data_count is 0 and body is all there is. */
    bool well_formed;
    cm_str mean, key;   /* "----" items: the mean and name after their flags */
    size_t data_count;
    const cm_mp4_data *data; /* in file order */
} cm_mp4_item;

/* A Nero chapter (moov.udta.chpl). */
typedef struct cm_mp4_chapter {
    double start;       /* seconds */
    cm_str title;       /* as stored (UTF-8 expected; check with cm_utf8_valid) */
} cm_mp4_chapter;

/* Which values a file gives, as mutagen's MP4Info sets them: a length
 * (from mvhd, then from the first audio track's mdhd) and, when that track
 * has a sample description, the audio properties. */
enum {
    CM_MP4_HAS_LENGTH = 1,
    CM_MP4_HAS_AUDIO_TRACK = 2,
    CM_MP4_HAS_SAMPLE_ENTRY = 4
};

typedef struct cm_mp4_info {
    unsigned fields;          /* CM_MP4_HAS_* */
    /* The track's mdhd has a time scale of 0: there is no length, which
     * mutagen reports as the integer 0. */
    bool zero_timescale;
    double length;            /* seconds */
    uint64_t bitrate;         /* bits per second, 0 when unknown */
    uint32_t channels;
    uint32_t sample_rate;
    uint32_t bits_per_sample;
    cm_str codec;             /* "mp4a.40.2", "alac", "ac-3", ... */
    cm_str codec_description; /* "AAC LC", "ALAC", "AC-3", ... */
} cm_mp4_info;

typedef struct cm_mp4 {
    uint64_t file_size;
    uint64_t moov_offset;     /* the first moov atom, the one mutagen reads */
    uint64_t moov_length;
    cm_mp4_info info;
    bool has_tags;            /* moov.udta.meta.ilst exists */
    uint64_t ilst_offset;
    uint64_t padding;         /* the "free" atom mutagen would reuse: its payload size */
    size_t item_count;
    const cm_mp4_item *items; /* in file order */
    /* Nero chapters: present when moov.udta.chpl and moov.mvhd exist. */
    bool has_chapters;
    uint32_t timescale;       /* mvhd's, with its duration */
    uint64_t duration;
    size_t chapter_count;
    const cm_mp4_chapter *chapters;
} cm_mp4;

/* ------------------------------------------------------------------------ */
/* Documents                                                                 */
/* ------------------------------------------------------------------------ */

typedef enum cm_format {
    CM_FORMAT_AUTO = 0, /* detect from the bytes */
    CM_FORMAT_FLAC,
    CM_FORMAT_MP3,      /* MPEG audio with ID3 tags (cm_doc_mp3); no audio frame: CM_ERR_NOT_FORMAT */
    CM_FORMAT_ID3,      /* just the ID3 tags of any file (cm_doc_mp3, info NULL) */
    CM_FORMAT_MP4,      /* MP4/M4A (cm_doc_mp4); reads the atoms, never the media data */
    /* Ogg streams (cm_doc_ogg).  CM_FORMAT_OGG reads whichever of them the
     * file's first identification header announces; the document's format
     * is then that codec's. */
    CM_FORMAT_OGG,
    CM_FORMAT_OGG_VORBIS,
    CM_FORMAT_OGG_OPUS,
    CM_FORMAT_OGG_SPEEX,
    CM_FORMAT_OGG_THEORA,
    CM_FORMAT_OGG_FLAC
} cm_format;

typedef struct cm_read_opts {
    cm_format format; /* CM_FORMAT_AUTO or the format to insist on */
} cm_read_opts;

typedef struct cm_doc cm_doc;

/* Read a file by path: one read of its head, more only when a parser asks.
 * opts may be NULL.  Returns NULL and fills *err (which may be NULL) on error. */
CM_API cm_doc *cm_read_file(const char *path, const cm_read_opts *opts, cm_error *err);

/* The same from an open descriptor, read with pread from offset 0; the
 * descriptor's file position is not used or changed. */
CM_API cm_doc *cm_read_fd(int fd, const cm_read_opts *opts, cm_error *err);

/* Parse a whole file held in memory.  Zero-copy: the document's slices point
 * into `data`, which must stay alive and unchanged until cm_doc_free(). */
CM_API cm_doc *cm_read_mem(const void *data, size_t len, const cm_read_opts *opts, cm_error *err);

CM_API cm_format cm_doc_format(const cm_doc *doc);

/* The format-specific view, or NULL when the document is of another format. */
CM_API const cm_flac *cm_doc_flac(const cm_doc *doc);
CM_API const cm_mp3 *cm_doc_mp3(const cm_doc *doc); /* CM_FORMAT_MP3 and CM_FORMAT_ID3 */
CM_API const cm_mp4 *cm_doc_mp4(const cm_doc *doc);
CM_API const cm_ogg *cm_doc_ogg(const cm_doc *doc); /* every CM_FORMAT_OGG_* */

/* Bytes the document's arena holds (for allocation accounting). */
CM_API size_t cm_doc_arena_bytes(const cm_doc *doc);

CM_API void cm_doc_free(cm_doc *doc);

/* ------------------------------------------------------------------------ */
/* Incremental parsing (for bindings and callers doing their own I/O)        */
/* ------------------------------------------------------------------------ */

/* Parse the first `avail` bytes of a file whose full size is `file_size`.
 * Returns a document, or NULL with err->code set.  When err->code is
 * CM_NEED_MORE the parse needs the first err->need_bytes bytes of the file:
 * fetch them and call again.  The returned document does not copy `data`.
 * A format that also needs the end of the file (ID3v1 in MP3) asks here
 * for the whole file; cm_parse_input asks for the tail alone. */
CM_API cm_doc *cm_parse_prefix(const void *data, size_t avail, uint64_t file_size,
                        const cm_read_opts *opts, cm_error *err);

/* A file as a caller holding parts of it hands it over: its first head_len
 * bytes and, when a parse asked for them, its last tail_len bytes (the two
 * may overlap; tail may be NULL with tail_len 0). */
typedef struct cm_input {
    const void *head;
    size_t head_len;
    const void *tail;
    size_t tail_len;
    uint64_t file_size;
} cm_input;

/* cm_parse_prefix with the file's tail too.  On CM_NEED_MORE the parse
 * needs the first err->need_bytes bytes (no more than head_len: nothing
 * more of the head) and the last err->need_tail_bytes bytes (0: none);
 * formats with tags at the end (ID3v1 in MP3) ask for the tail.  The
 * document does not copy head or tail. */
CM_API cm_doc *cm_parse_input(const cm_input *in, const cm_read_opts *opts, cm_error *err);

/* When a document was parsed from a buffer the caller will free, this makes
 * the document own `buffer` (allocated with malloc) and free it itself. */
CM_API void cm_doc_adopt_buffer(cm_doc *doc, void *buffer);

#ifdef __cplusplus
}
#endif

#endif /* CMUTAGEN_H */
