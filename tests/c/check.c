/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int check_passed, check_failed;

void check_report(int ok, const char *file, int line, const char *expr)
{
    if (ok) {
        check_passed++;
    } else {
        check_failed++;
        fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, expr);
    }
}

int check_run(const char *suite, void (*const tests[])(void), size_t n)
{
    for (size_t i = 0; i < n; i++)
        tests[i]();
    printf("%s: %d passed, %d failed\n", suite, check_passed, check_failed);
    return check_failed ? 1 : 0;
}

void bb_put(bbuf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        b->data = realloc(b->data, cap);
        if (!b->data)
            abort();
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

void bb_u8(bbuf *b, unsigned v)
{
    uint8_t c = (uint8_t)v;
    bb_put(b, &c, 1);
}

void bb_be24(bbuf *b, uint32_t v)
{
    uint8_t c[3] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    bb_put(b, c, 3);
}

void bb_be32(bbuf *b, uint32_t v)
{
    uint8_t c[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    bb_put(b, c, 4);
}

void bb_le32(bbuf *b, uint32_t v)
{
    uint8_t c[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    bb_put(b, c, 4);
}

void bb_str(bbuf *b, const char *s)
{
    bb_put(b, s, strlen(s));
}

void bb_free(bbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}
