/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "id3v1.h"

#include <string.h>

#include "../core/error.h"
#include "text.h"

/* The shortest tag taken: mutagen also reads tags cut short by up to four
 * bytes (some writers got the length wrong), shifting the later fields. */
enum { SHORTEST = 124 };

static bool is_space(uint8_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* A text field: cut at its first NUL, ASCII whitespace trimmed at both
 * ends, Latin-1 to UTF-8. */
static bool field(const uint8_t *p, size_t n, cm_arena *arena, cm_str *out)
{
    const uint8_t *nul = memchr(p, 0, n);
    size_t end = nul ? (size_t)(nul - p) : n, start = 0;
    while (start < end && is_space(p[start]))
        start++;
    while (end > start && is_space(p[end - 1]))
        end--;
    return cm_id3_text_decode(CM_ID3_LATIN1, p + start, end - start, arena, out) ==
           CM_ID3_TEXT_OK;
}

cm_status cm_id3v1_parse(const uint8_t *tail, size_t tail_len, uint64_t file_size,
                         cm_arena *arena, const cm_id3v1 **out, cm_error *err)
{
    *out = NULL;
    /* The first "TAG" in the window; a tag if it starts 124 to 128 bytes
     * from the end. */
    size_t at = tail_len;
    for (const uint8_t *t = tail, *end = tail + tail_len;
         (t = memchr(t, 'T', (size_t)(end - t))) != NULL && end - t >= 3; t++) {
        if (t[1] == 'A' && t[2] == 'G') {
            at = (size_t)(t - tail);
            break;
        }
    }
    if (at == tail_len || tail_len - at > CM_ID3V1_SIZE || tail_len - at < SHORTEST)
        return CM_OK;
    const uint8_t *t = tail + at;
    size_t n = tail_len - at;
    cm_id3v1 *v1 = cm_arena_calloc(arena, 1, sizeof *v1);
    if (!v1)
        return cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
    v1->offset = file_size - n;
    v1->raw.ptr = t;
    v1->raw.len = n;
    /* title, artist, album: 30 bytes each; the year takes the 4 bytes a
     * full tag has (fewer in a short one), then the comment's 30 bytes,
     * the last of which is the genre's. */
    size_t year_len = n - SHORTEST;
    const uint8_t *year = t + 93, *comment = year + year_len;
    uint8_t track = comment[29], genre = comment[30];
    /* ID3v1.1: a NUL before the comment's last byte makes that byte the
     * track number */
    size_t comment_len = 29;
    if (comment[28] == 0 && track != 0)
        v1->track = track;
    else
        comment_len = 30;
    v1->genre = genre;
    if (!field(t + 3, 30, arena, &v1->title) || !field(t + 33, 30, arena, &v1->artist) ||
        !field(t + 63, 30, arena, &v1->album) || !field(year, year_len, arena, &v1->year) ||
        !field(comment, comment_len, arena, &v1->comment))
        return cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
    *out = v1;
    return CM_OK;
}
