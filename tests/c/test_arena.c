/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

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

TEST_LIST(test_small_allocations_share_one_chunk, test_large_allocation_gets_its_own_chunk,
          test_overflowing_request_fails)
