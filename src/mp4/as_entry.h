/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MP4 audio sample entries (the first entry of a track's stsd): channels,
 * sample size and rate, bitrate and codec, from the entry itself and from
 * the codec's configuration box (esds for mp4a, the ALAC cookie, dac3),
 * with mutagen's rules for which source wins (mutagen.mp4._as_entry). */
#ifndef CM_MP4_AS_ENTRY_H
#define CM_MP4_AS_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "cmutagen.h"

typedef struct cm_mp4_entry {
    uint32_t channels;
    uint32_t sample_size;
    uint32_t sample_rate;
    uint32_t bitrate;
    char codec[24];        /* NUL-terminated */
    char description[64];  /* NUL-terminated */
} cm_mp4_entry;

/* Parses the sample entry atom at the start of data[0..len) (what follows
 * an stsd's version, flags and entry count); `offset` is where data sits
 * in the file, for errors. */
cm_status cm_mp4_parse_sample_entry(const uint8_t *data, size_t len, uint64_t offset,
                                    cm_mp4_entry *out, cm_error *err);

#endif
