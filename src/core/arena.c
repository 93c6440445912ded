/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Most tag blocks are a few KiB: one first chunk of this size serves them. */
enum { CM_ARENA_FIRST_CHUNK = 16 * 1024 };

/* A request at least this big that does not fit gets a chunk of exactly
 * its size, behind the current one, which goes on serving the small
 * requests.  Big requests are covers and reassembled Ogg packets (50-400
 * KB): doubling the chunk for them, as for small ones, made a tagged Ogg
 * file's document hold ~200 KB it never used, and the extra heap is what
 * glibc gives back to the system on free and faults in again, page by
 * page, on the next file. */
enum { CM_ARENA_OWN_CHUNK = 4 * 1024 };

static cm_arena_chunk *new_chunk(cm_arena *a, size_t size)
{
    if (size > SIZE_MAX - sizeof(cm_arena_chunk))
        return NULL;
    cm_arena_chunk *c = malloc(sizeof(cm_arena_chunk) + size);
    if (!c)
        return NULL;
    c->size = size;
    a->total += size;
    a->chunks++;
    return c;
}

void cm_arena_init(cm_arena *a)
{
    memset(a, 0, sizeof *a);
}

static size_t round_up(size_t n)
{
    const size_t align = alignof(max_align_t);
    return (n + align - 1) & ~(align - 1);
}

void *cm_arena_alloc_slow(cm_arena *a, size_t n, size_t size)
{
    if (size != 0 && n > (SIZE_MAX / 2) / size)
        return NULL;
    size_t want = round_up(n * size);
    if (want == 0)
        want = alignof(max_align_t);
    if (a->head && a->head->size - a->used < want && want >= CM_ARENA_OWN_CHUNK) {
        cm_arena_chunk *c = new_chunk(a, want);
        if (!c)
            return NULL;
        c->next = a->head->next;
        a->head->next = c;
        return c->data;
    }
    if (!a->head || a->head->size - a->used < want) {
        /* Grow geometrically so a document with many values still needs
         * only a handful of chunks. */
        size_t grown = a->head ? a->head->size * 2 : CM_ARENA_FIRST_CHUNK;
        cm_arena_chunk *c = new_chunk(a, grown < want ? want : grown);
        if (!c)
            return NULL;
        c->next = a->head;
        a->head = c;
        a->used = 0;
    }
    void *p = a->head->data + a->used;
    a->used += want;
    return p;
}

bool cm_arena_reserve(cm_arena *a, size_t bytes)
{
    if (a->head)
        return true;
    if (bytes > SIZE_MAX / 2)
        return false;
    cm_arena_chunk *c = new_chunk(a, CM_ARENA_FIRST_CHUNK + round_up(bytes));
    if (!c)
        return false;
    c->next = NULL;
    a->head = c;
    a->used = 0;
    return true;
}

void *cm_arena_calloc(cm_arena *a, size_t n, size_t size)
{
    void *p = cm_arena_alloc(a, n, size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void cm_arena_release(cm_arena *a)
{
    cm_arena_chunk *c = a->head;
    while (c) {
        cm_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    cm_arena_init(a);
}
