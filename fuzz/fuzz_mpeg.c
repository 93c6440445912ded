/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the MPEG audio first-frame scan (src/mpeg), over the
 * whole input at once and through growing windows of unknown total size,
 * which must agree. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cmutagen.h"
#include "mpeg/mpeg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_sane(const cm_mpeg_stream *st, size_t size)
{
    if (st->frame_offset >= size || st->encoder_info_len > CM_MPEG_TEXT_MAX ||
        st->encoder_settings_len > CM_MPEG_TEXT_MAX || st->sample_rate == 0 ||
        st->layer < 1 || st->layer > 3)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cm_mpeg_stream whole, st;
    cm_error err;
    cm_status s = cm_mpeg_parse(data, size, 0, 0, size, &whole, &err);
    if (s == CM_OK)
        check_sane(&whole, size);
    else if (s != CM_ERR_NOT_FORMAT || err.msg[0] == '\0')
        __builtin_trap(); /* with the whole file in hand nothing is missing */

    /* The same answer from windows that start small and double, the size
     * known only once a window reaches the end. */
    uint64_t base = 0, start = 0;
    size_t len = size < 16 ? size : 16;
    cm_status t = CM_NEED_MORE;
    for (int rounds = 0; rounds < 100 && t == CM_NEED_MORE; rounds++) {
        uint64_t known = base + len >= size ? size : CM_MPEG_SIZE_UNKNOWN;
        t = cm_mpeg_parse(data + base, len, base, start, known, &st, &err);
        if (t != CM_NEED_MORE)
            break;
        if (err.offset < start || err.need_bytes <= base + len)
            __builtin_trap(); /* a request must move forward */
        start = err.offset;
        if (start >= size) {
            base = size;
            len = 0;
            continue;
        }
        if (start > base + len) {
            base = start;
            len = 0;
        }
        uint64_t end = err.need_bytes < size ? err.need_bytes : size;
        size_t want = (size_t)(end - base);
        if (want < 2 * len)
            want = 2 * len;
        len = want < size - base ? want : (size_t)(size - base);
    }
    if (t != s)
        __builtin_trap();
    if (t == CM_OK && (st.frame_offset != whole.frame_offset || st.bitrate != whole.bitrate ||
                       st.fields != whole.fields || st.sketchy != whole.sketchy))
        __builtin_trap();
    /* a window short of the end leaves a CBR length to the caller (-1) */
    if (t == CM_OK && st.length != -1 && memcmp(&st.length, &whole.length, sizeof st.length) != 0)
        __builtin_trap();
    return 0;
}
