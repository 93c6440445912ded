/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * alloc_count.c - counts heap allocations made by the benchmarked library.
 *
 * Linked into a benchmark executable, these definitions replace glibc's
 * allocator entry points for the whole process (the executable's symbols
 * interpose on libc's, and shared libraries such as libtag and libstdc++
 * call malloc through the PLT, so operator new is counted too).  Each one
 * counts the call and the bytes asked for and forwards to glibc's own
 * implementation through its exported __libc_* names, so no dlsym()
 * bootstrapping is needed and every block still comes from one allocator
 * (any libc function we do not replace, such as valloc, stays compatible
 * with our free).
 *
 * Counted: malloc, calloc, realloc (one call, the new size), memalign,
 * aligned_alloc, posix_memalign.  free is forwarded and not counted.  The
 * benchmark is single-threaded, so plain counters suffice.
 *
 * Counting happens only while it is switched on (the untimed pass of
 * common.h), so a timed round pays one test of a flag per allocation and
 * nothing else, as lofty-bench's counting allocator does.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* glibc's allocator under its exported internal names. */
extern void *__libc_malloc(size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

/* Our own prototypes: glibc's headers declare memalign only in <malloc.h>. */
void *memalign(size_t alignment, size_t size);
void bench_alloc_reset(void);
void bench_alloc_counting(bool on);
uint64_t bench_alloc_count(void);
uint64_t bench_alloc_bytes(void);

static bool counting;
static uint64_t alloc_calls;
static uint64_t alloc_bytes;

static void counted(size_t bytes)
{
    if (counting) {
        alloc_calls++;
        alloc_bytes += bytes;
    }
}

void bench_alloc_counting(bool on)
{
    counting = on;
}

void bench_alloc_reset(void)
{
    alloc_calls = 0;
    alloc_bytes = 0;
}

uint64_t bench_alloc_count(void)
{
    return alloc_calls;
}

uint64_t bench_alloc_bytes(void)
{
    return alloc_bytes;
}

void *malloc(size_t size)
{
    counted(size);
    return __libc_malloc(size);
}

void free(void *ptr)
{
    __libc_free(ptr);
}

void *calloc(size_t count, size_t size)
{
    /* an overflowing product is glibc's to reject; count what was asked */
    counted(count * size);
    return __libc_calloc(count, size);
}

void *realloc(void *ptr, size_t size)
{
    counted(size);
    return __libc_realloc(ptr, size);
}

void *memalign(size_t alignment, size_t size)
{
    counted(size);
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size)
{
    counted(size);
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
    /* POSIX: a power of two that is a multiple of sizeof(void *) */
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0)
        return EINVAL;
    counted(size);
    void *p = __libc_memalign(alignment, size);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}
