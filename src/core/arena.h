/* One bump allocator per parsed document: a parse costs O(1) mallocs however
 * many tags it finds, and freeing the document is one walk over a few chunks.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CM_ARENA_H
#define CM_ARENA_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct cm_arena_chunk cm_arena_chunk;

struct cm_arena_chunk {
    cm_arena_chunk *next;
    size_t size;
    alignas(max_align_t) unsigned char data[];
};

typedef struct cm_arena {
    cm_arena_chunk *head;  /* newest chunk first */
    size_t used;           /* bytes handed out from head */
    size_t total;          /* bytes held across all chunks */
    unsigned chunks;       /* malloc calls made */
} cm_arena;

void cm_arena_init(cm_arena *a);

/* cm_arena_alloc when the request does not fit the current chunk (or is
 * huge); the same contract. */
void *cm_arena_alloc_slow(cm_arena *a, size_t n, size_t size);

/* max_align_t-aligned memory for n items of `size` bytes, not zeroed (for
 * buffers about to be written in full: records, transcoded text, inflated
 * data), or NULL when out of memory or when n * size overflows.
 *
 * Inline: a parse asks for a few bytes per frame, atom or string, and the
 * usual request, which fits the current chunk, is then a bounds check and
 * a bump instead of a call.  (The limits on n and size rule out an
 * overflowing product; 0 bytes still take the slow path's minimum.) */
static inline void *cm_arena_alloc(cm_arena *a, size_t n, size_t size)
{
    if (a->head && n <= 0xffff && size <= 0xffff) {
        const size_t align = alignof(max_align_t);
        size_t want = (n * size + align - 1) & ~(align - 1);
        if (want && a->head->size - a->used >= want) {
            void *p = a->head->data + a->used;
            a->used += want;
            return p;
        }
    }
    return cm_arena_alloc_slow(a, n, size);
}

/* The same, zeroed. */
void *cm_arena_calloc(cm_arena *a, size_t n, size_t size);

/* Before the first allocation: makes the first chunk big enough for
 * `bytes` more than the arena's usual first chunk, so a parse that knows
 * its big buffers (a joined Ogg packet, decoded covers) before it
 * allocates gets them from one malloc.  False when out of memory; a no-op
 * once the arena holds memory. */
bool cm_arena_reserve(cm_arena *a, size_t bytes);

void cm_arena_release(cm_arena *a);

#endif
