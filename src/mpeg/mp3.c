/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mp3.h"

#include <string.h>

#include "../core/error.h"
#include "../id3/id3v1.h"
#include "../id3/id3v2.h"
#include "../id3/id3v2_header.h"
#include "mpeg.h"

enum { MPEG_READ_AHEAD = 4096 };

bool cm_mpeg_sniff(const uint8_t *data, size_t len)
{
    /* 11 set bits of frame sync */
    return len >= 2 && data[0] == 0xff && (data[1] & 0xe0) == 0xe0;
}

/* The document's view of the stream the MPEG scan found. */
static cm_status fill_info(const cm_mpeg_stream *st, cm_arena *arena, const cm_mpeg_info **out,
                           cm_error *err)
{
    cm_mpeg_info *info = cm_arena_calloc(arena, 1, sizeof *info);
    char *text = info ? cm_arena_alloc(arena, 1, st->encoder_info_len + st->encoder_settings_len + 1)
                      : NULL;
    if (!text)
        return cm_fail(err, CM_ERR_NOMEM, CM_PART_CONTAINER, 0, "out of memory");
    memcpy(text, st->encoder_info, st->encoder_info_len);
    memcpy(text + st->encoder_info_len, st->encoder_settings, st->encoder_settings_len);
    info->encoder_info = (cm_str){text, st->encoder_info_len};
    info->encoder_settings = (cm_str){text + st->encoder_info_len, st->encoder_settings_len};
    info->length = st->length;
    info->bitrate = st->bitrate;
    info->sample_rate = st->sample_rate;
    info->channels = st->channels;
    info->version = st->version_x10 / 10.0;
    info->layer = st->layer;
    info->mode = st->mode;
    info->bitrate_mode = st->bitrate_mode;
    info->sketchy = st->sketchy;
    info->protected_ = st->protected_;
    info->padding = st->padding;
    info->has_track_gain = st->fields & CM_MPEG_HAS_TRACK_GAIN;
    info->has_track_peak = st->fields & CM_MPEG_HAS_TRACK_PEAK;
    info->has_album_gain = st->fields & CM_MPEG_HAS_ALBUM_GAIN;
    info->track_gain = st->track_gain;
    info->track_peak = st->track_peak;
    info->album_gain = st->album_gain;
    info->audio_offset = st->frame_offset;
    *out = info;
    return CM_OK;
}

cm_status cm_mp3_parse(const cm_source *src, bool id3_only, cm_arena *arena, cm_mp3 **out,
                       cm_error *err)
{
    uint64_t size = src->file_size;
    size_t tail_need = size < CM_ID3V1_WINDOW ? (size_t)size : CM_ID3V1_WINDOW;
    const uint8_t *tail = cm_source_last(src, tail_need);

    /* First what more of the file the parse needs, asked for at once so a
     * read from a path takes at most one more round: the tail (ID3v1), all
     * of the ID3v2 tag, and the audio up to the first frames.  The MPEG
     * scan skips the ID3v2 tags at the start by their headers (as mutagen
     * starts after the tag it read), so it needs none of the tag's bytes. */
    uint64_t head_need = 0;
    if (size >= CM_ID3V2_HEADER_SIZE && src->head_len >= CM_ID3V2_HEADER_SIZE &&
        cm_id3v2_header_span(src->head, src->head_len, &head_need))
        head_need = head_need < size ? head_need : size;
    cm_mpeg_stream stream;
    cm_status mpeg = CM_OK;
    cm_error mpeg_err;
    if (!id3_only) {
        mpeg = cm_mpeg_parse(src->head, src->head_len, 0, 0, size, &stream, &mpeg_err);
        /* The scan asks for the next few bytes it will look at; asking
         * for a few KiB more saves rounds (the first frames and their VBR
         * header are usually there). */
        if (mpeg == CM_NEED_MORE) {
            uint64_t want = mpeg_err.need_bytes + MPEG_READ_AHEAD;
            want = want < size ? want : size;
            head_need = want > head_need ? want : head_need;
        }
    }
    if (!tail || mpeg == CM_NEED_MORE)
        return cm_need_more_tail(err, head_need, tail ? 0 : tail_need);

    cm_mp3 *mp3 = cm_arena_calloc(arena, 1, sizeof *mp3);
    if (!mp3)
        return cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
    mp3->file_size = size;
    cm_status st = cm_id3v2_parse(src->head, src->head_len, size, arena, &mp3->id3v2,
                                  &mp3->audio_offset, err);
    if (st != CM_OK)
        return st;
    if ((st = cm_id3v1_parse(tail, tail_need, size, arena, &mp3->id3v1, err)) != CM_OK)
        return st;
    if (id3_only && !mp3->id3v2 && !mp3->id3v1)
        return cm_fail(err, CM_ERR_NOT_FORMAT, CM_PART_ID3, size,
                       "no ID3v2 tag at the start and no ID3v1 tag at the end");
    if (!id3_only) {
        /* no MPEG audio (mutagen: HeaderNotFoundError), told after what
         * is wrong with the tags, which mutagen reads first */
        if (mpeg != CM_OK) {
            if (err)
                *err = mpeg_err;
            return mpeg;
        }
        if ((st = fill_info(&stream, arena, &mp3->info, err)) != CM_OK)
            return st;
    }
    *out = mp3;
    return CM_OK;
}
