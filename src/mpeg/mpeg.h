/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MPEG audio (MPEG-1, 2 and 2.5; Layer I, II and III) stream properties:
 * the first frame, its Xing/Info (with LAME tag) or VBRI header, and the
 * numbers mutagen derives from them.  python/cmutagen/mp3/__init__.py
 * states the rules; this is the same scan in C, bit for bit, including
 * mutagen's quirks (see mpeg.c).
 *
 * The parser is a pure function over a window of the file: it reads no file
 * and keeps no state.  When it needs bytes the window does not hold it says
 * which, and the caller calls again with more. */
#ifndef CM_MPEG_H
#define CM_MPEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmutagen.h"

/* file_size when the caller does not know it (yet). */
#define CM_MPEG_SIZE_UNKNOWN UINT64_MAX

/* Which of the optional MPEGInfo attributes the first frame's VBR header
 * set (mutagen sets each only in some cases; the binding mirrors that). */
enum {
    CM_MPEG_HAS_LENGTH = 1u << 0,           /* length came from the VBR header */
    CM_MPEG_HAS_BITRATE_MODE = 1u << 1,
    CM_MPEG_HAS_ENCODER_SETTINGS = 1u << 2,
    CM_MPEG_HAS_ENCODER_INFO = 1u << 3,
    CM_MPEG_HAS_LAME_GAINS = 1u << 4,       /* track_gain, track_peak, album_gain set */
    CM_MPEG_HAS_TRACK_GAIN = 1u << 5,       /* ... and not None */
    CM_MPEG_HAS_TRACK_PEAK = 1u << 6,
    CM_MPEG_HAS_ALBUM_GAIN = 1u << 7
};

/* 0 unknown (no VBR header), 1 CBR, 2 VBR, 3 ABR: mutagen's BitrateMode. */
enum { CM_MPEG_MODE_UNKNOWN, CM_MPEG_MODE_CBR, CM_MPEG_MODE_VBR, CM_MPEG_MODE_ABR };

/* Longest encoder_info / encoder_settings text (both are ASCII). */
#define CM_MPEG_TEXT_MAX 48

typedef struct cm_mpeg_stream {
    uint64_t frame_offset;    /* file offset of the first frame */
    uint64_t bitrate;         /* bit/s (a Xing byte count can make it huge) */
    uint32_t sample_rate;
    uint8_t version_x10;      /* the MPEG version times ten: 10, 20 or 25 */
    uint8_t layer;            /* 1, 2 or 3 */
    uint8_t mode;             /* 0 stereo, 1 joint stereo, 2 dual channel, 3 mono */
    uint8_t channels;
    bool protected_;          /* frames carry a CRC */
    bool padding;             /* the first frame is padded */
    bool sketchy;             /* accepted on weak evidence */
    uint8_t bitrate_mode;     /* CM_MPEG_MODE_* */
    unsigned fields;          /* CM_MPEG_HAS_* */
    /* seconds; computed from the file size when no VBR header gives it, and
     * -1 when that is needed but file_size was CM_MPEG_SIZE_UNKNOWN */
    double length;
    double track_gain, track_peak, album_gain;
    size_t encoder_info_len, encoder_settings_len;
    char encoder_info[CM_MPEG_TEXT_MAX];      /* not NUL-terminated */
    char encoder_settings[CM_MPEG_TEXT_MAX];
} cm_mpeg_stream;

/* Finds the stream's first frame at or after `start` (skipping ID3v2 tags
 * there first) in data[0, avail), the bytes of the file from offset `base`
 * (base <= start).  file_size is the file's size, or CM_MPEG_SIZE_UNKNOWN;
 * a window that ends before it counts as the file's end only when it is
 * known.
 *
 * Returns CM_OK with *out filled; CM_ERR_NOT_FORMAT when there is no MPEG
 * stream (mutagen's HeaderNotFoundError); or CM_NEED_MORE: call again with
 * start = err->offset and a window that holds the file from err->offset to
 * err->need_bytes (or to its end).  err->offset moves past start only when
 * an ID3v2 tag was skipped, and then nothing before it is needed. */
cm_status cm_mpeg_parse(const uint8_t *data, size_t avail, uint64_t base, uint64_t start,
                        uint64_t file_size, cm_mpeg_stream *out, cm_error *err);

#endif
