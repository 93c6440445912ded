/* A minimal test harness: CHECK records a failure and goes on, so one run
 * reports every broken expectation; main() prints "N passed, N failed".
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CM_CHECK_H
#define CM_CHECK_H

#include <stddef.h>
#include <stdint.h>

extern int check_passed, check_failed;

void check_report(int ok, const char *file, int line, const char *expr);
int check_run(const char *suite, void (*const tests[])(void), size_t n);

#define CHECK(expr) check_report((expr) != 0, __FILE__, __LINE__, #expr)
#define CHECK_EQ_U(a, b) CHECK((unsigned long long)(a) == (unsigned long long)(b))

#define TEST_LIST(...) \
    static void (*const tests[])(void) = {__VA_ARGS__}; \
    int main(void) { return check_run(__FILE__, tests, sizeof tests / sizeof tests[0]); }

/* A growable byte buffer for building test files. */
typedef struct bbuf {
    uint8_t *data;
    size_t len, cap;
} bbuf;

void bb_put(bbuf *b, const void *p, size_t n);
void bb_u8(bbuf *b, unsigned v);
void bb_be24(bbuf *b, uint32_t v);
void bb_be32(bbuf *b, uint32_t v);
void bb_le32(bbuf *b, uint32_t v);
void bb_str(bbuf *b, const char *s); /* raw bytes, no length */
void bb_free(bbuf *b);

#endif
