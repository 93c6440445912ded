/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mp3.h"

#include "../core/error.h"
#include "../id3/id3v1.h"
#include "../id3/id3v2.h"
#include "../id3/id3v2_header.h"

bool cm_mpeg_sniff(const uint8_t *data, size_t len)
{
    /* 11 set bits of frame sync */
    return len >= 2 && data[0] == 0xff && (data[1] & 0xe0) == 0xe0;
}

cm_status cm_mp3_parse(const cm_source *src, bool id3_only, cm_arena *arena, cm_mp3 **out,
                       cm_error *err)
{
    uint64_t size = src->file_size;
    size_t tail_need = size < CM_ID3V1_WINDOW ? (size_t)size : CM_ID3V1_WINDOW;
    const uint8_t *tail = cm_source_last(src, tail_need);
    if (!tail) {
        /* Ask for the tail and, in the same round, all of the ID3v2 tag the
         * head's first bytes announce, so a read from a path needs at most
         * one more round. */
        uint64_t head_need = 0;
        if (size >= CM_ID3V2_HEADER_SIZE && src->head_len >= CM_ID3V2_HEADER_SIZE &&
            cm_id3v2_header_span(src->head, src->head_len, &head_need))
            head_need = head_need < size ? head_need : size;
        return cm_need_more_tail(err, head_need, tail_need);
    }

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
        return cm_fail(err, CM_ERR_NOT_FORMAT, CM_PART_ID3, 0,
                       "no ID3v2 tag at the start and no ID3v1 tag at the end");
    /* The MPEG audio properties (mp3->info) are filled here once the MPEG
     * frame parser lands (src/mpeg/); until then info stays NULL. */
    *out = mp3;
    return CM_OK;
}
