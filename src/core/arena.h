/* One bump allocator per parsed document: a parse costs O(1) mallocs however
 * many tags it finds, and freeing the document is one walk over a few chunks.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CM_ARENA_H
#define CM_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cm_arena_chunk cm_arena_chunk;

typedef struct cm_arena {
    cm_arena_chunk *head;  /* newest chunk first */
    size_t used;           /* bytes handed out from head */
    size_t total;          /* bytes held across all chunks */
    unsigned chunks;       /* malloc calls made */
} cm_arena;

void cm_arena_init(cm_arena *a);

/* Zeroed, max_align_t-aligned memory, or NULL when out of memory or when
 * n * size overflows. */
void *cm_arena_calloc(cm_arena *a, size_t n, size_t size);

/* The same without zeroing, for buffers about to be written in full
 * (transcoded text, inflated data). */
void *cm_arena_alloc(cm_arena *a, size_t n, size_t size);

/* Before the first allocation: makes the first chunk big enough for
 * `bytes` more than the arena's usual first chunk, so a parse that knows
 * its big buffers (a joined Ogg packet, decoded covers) before it
 * allocates gets them from one malloc.  False when out of memory; a no-op
 * once the arena holds memory. */
bool cm_arena_reserve(cm_arena *a, size_t bytes);

void cm_arena_release(cm_arena *a);

#endif
