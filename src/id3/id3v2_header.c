/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "id3v2_header.h"

bool cm_id3v2_header_span(const uint8_t *data, size_t len, uint64_t *total)
{
    if (len < CM_ID3V2_HEADER_SIZE || data[0] != 'I' || data[1] != 'D' || data[2] != '3')
        return false;
    /* The size is "syncsafe": four 7-bit groups, most significant first. */
    uint32_t size = 0;
    for (int i = 6; i < 10; i++)
        size = size << 7 | (data[i] & 0x7f);
    *total = CM_ID3V2_HEADER_SIZE + (uint64_t)size;
    return true;
}
