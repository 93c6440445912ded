/* A bounds-checked reader over a byte range.  Every parser reads through one,
 * so no parser indexes a raw pointer.  A read past the end fails and leaves
 * the cursor where it was; callers turn that into a "truncated" error that
 * names what they were reading.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CM_CURSOR_H
#define CM_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cm_cursor {
    const uint8_t *data;
    size_t len;  /* bytes available from data */
    size_t pos;  /* next byte to read, 0 <= pos <= len */
} cm_cursor;

static inline cm_cursor cm_cursor_make(const uint8_t *data, size_t len)
{
    cm_cursor c = {data, len, 0};
    return c;
}

static inline size_t cm_cursor_left(const cm_cursor *c)
{
    return c->len - c->pos;
}

/* Hand out the next n bytes as a pointer into the buffer. */
static inline bool cm_take(cm_cursor *c, size_t n, const uint8_t **out)
{
    if (n > c->len - c->pos)
        return false;
    *out = c->data + c->pos;
    c->pos += n;
    return true;
}

static inline bool cm_skip(cm_cursor *c, size_t n)
{
    const uint8_t *ignored;
    return cm_take(c, n, &ignored);
}

static inline bool cm_u8(cm_cursor *c, uint8_t *out)
{
    const uint8_t *p;
    if (!cm_take(c, 1, &p))
        return false;
    *out = p[0];
    return true;
}

static inline bool cm_be24(cm_cursor *c, uint32_t *out)
{
    const uint8_t *p;
    if (!cm_take(c, 3, &p))
        return false;
    *out = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    return true;
}

static inline bool cm_be32(cm_cursor *c, uint32_t *out)
{
    const uint8_t *p;
    if (!cm_take(c, 4, &p))
        return false;
    *out = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return true;
}

static inline bool cm_le32(cm_cursor *c, uint32_t *out)
{
    const uint8_t *p;
    if (!cm_take(c, 4, &p))
        return false;
    *out = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
    return true;
}

#endif
