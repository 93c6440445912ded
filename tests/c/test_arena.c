/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "core/arena.h"

static void test_small_allocations_share_one_chunk(void)
{
    cm_arena a;
    cm_arena_init(&a);
    for (int i = 0; i < 100; i++) {
        unsigned char *p = cm_arena_calloc(&a, 1, 37);
        CHECK(p != NULL);
        CHECK(((uintptr_t)p % alignof(max_align_t)) == 0);
        int zero = 1;
        for (int k = 0; k < 37; k++)
            zero &= p[k] == 0;
        CHECK(zero);
        p[36] = 0xff;
    }
    CHECK_EQ_U(a.chunks, 1);
    cm_arena_release(&a);
    CHECK(a.head == NULL);
}

static void test_large_allocation_gets_its_own_chunk(void)
{
    cm_arena a;
    cm_arena_init(&a);
    CHECK(cm_arena_calloc(&a, 1, 8) != NULL);
    unsigned char *big = cm_arena_calloc(&a, 1000, 1000);
    CHECK(big != NULL);
    big[999999] = 1;
    CHECK(a.chunks == 2);
    CHECK(a.total >= 1000000);
    cm_arena_release(&a);
}

static void test_overflowing_request_fails(void)
{
    cm_arena a;
    cm_arena_init(&a);
    CHECK(cm_arena_calloc(&a, SIZE_MAX / 2, 4) == NULL);
    CHECK(cm_arena_calloc(&a, SIZE_MAX, SIZE_MAX) == NULL);
    CHECK(cm_arena_calloc(&a, 0, 16) != NULL);
    cm_arena_release(&a);
}

static void test_big_requests_get_exact_chunks_behind_the_small_ones(void)
{
    cm_arena a;
    cm_arena_init(&a);
    unsigned char *first = cm_arena_alloc(&a, 1, 100);
    size_t after_first = a.total;
    /* two covers: a chunk of exactly each one's size */
    unsigned char *cover1 = cm_arena_alloc(&a, 1, 100000);
    unsigned char *cover2 = cm_arena_alloc(&a, 1, 70000);
    CHECK(first && cover1 && cover2);
    CHECK(a.chunks == 3);
    CHECK(a.total - after_first < 100000 + 70000 + 2 * alignof(max_align_t));
    memset(cover1, 1, 100000);
    memset(cover2, 2, 70000);
    /* small ones still come from the first chunk, right after `first` */
    unsigned char *small = cm_arena_alloc(&a, 1, 100);
    CHECK(small > first && small - first < 200);
    CHECK(a.chunks == 3);
    /* a small request that does not fit any more grows the small chunks */
    for (int i = 0; i < 200; i++)
        CHECK(cm_arena_alloc(&a, 1, 1000) != NULL);
    CHECK(a.chunks > 3 && a.chunks < 8);
    CHECK(cover1[99999] == 1 && cover2[69999] == 2);
    cm_arena_release(&a);
}

static void test_reserve_sizes_the_first_chunk(void)
{
    /* big buffers reserved before the first allocation come from the
     * first chunk, with the usual room for small ones left over */
    cm_arena a;
    cm_arena_init(&a);
    CHECK(cm_arena_reserve(&a, 300000));
    CHECK(a.chunks == 1 && a.total >= 300000 + 16 * 1024);
    unsigned char *p = cm_arena_alloc(&a, 1, 200000), *q = cm_arena_alloc(&a, 1, 100000);
    CHECK(p && q);
    p[199999] = q[99999] = 1;
    for (int i = 0; i < 100; i++)
        CHECK(cm_arena_calloc(&a, 1, 100) != NULL);
    CHECK(a.chunks == 1);
    /* once the arena holds memory, a no-op */
    size_t total = a.total;
    CHECK(cm_arena_reserve(&a, 1000000));
    CHECK(a.chunks == 1 && a.total == total);
    cm_arena_release(&a);
    cm_arena_init(&a);
    CHECK(!cm_arena_reserve(&a, SIZE_MAX - 8));
    CHECK(a.chunks == 0 && a.head == NULL);
}

TEST_LIST(test_small_allocations_share_one_chunk, test_large_allocation_gets_its_own_chunk,
          test_overflowing_request_fails, test_big_requests_get_exact_chunks_behind_the_small_ones,
          test_reserve_sizes_the_first_chunk)
