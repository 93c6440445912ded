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
    CM_PART_VORBIS     /* a Vorbis comment block */
} cm_error_part;

typedef struct cm_error {
    cm_status code;
    cm_error_part part;
    int sys_errno;       /* errno for CM_ERR_IO, else 0 */
    uint64_t offset;     /* byte offset in the file the problem is at */
    uint64_t need_bytes; /* CM_NEED_MORE: bytes needed from the start of the file */
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
/* Documents                                                                 */
/* ------------------------------------------------------------------------ */

typedef enum cm_format {
    CM_FORMAT_AUTO = 0, /* detect from the bytes */
    CM_FORMAT_FLAC
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

/* Bytes the document's arena holds (for allocation accounting). */
CM_API size_t cm_doc_arena_bytes(const cm_doc *doc);

CM_API void cm_doc_free(cm_doc *doc);

/* ------------------------------------------------------------------------ */
/* Incremental parsing (for bindings and callers doing their own I/O)        */
/* ------------------------------------------------------------------------ */

/* Parse the first `avail` bytes of a file whose full size is `file_size`.
 * Returns a document, or NULL with err->code set.  When err->code is
 * CM_NEED_MORE the parse needs the first err->need_bytes bytes of the file:
 * fetch them and call again.  The returned document does not copy `data`. */
CM_API cm_doc *cm_parse_prefix(const void *data, size_t avail, uint64_t file_size,
                        const cm_read_opts *opts, cm_error *err);

/* When a document was parsed from a buffer the caller will free, this makes
 * the document own `buffer` (allocated with malloc) and free it itself. */
CM_API void cm_doc_adopt_buffer(cm_doc *doc, void *buffer);

#ifdef __cplusplus
}
#endif

#endif /* CMUTAGEN_H */
