/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * io_floor.c - the floors: the least any reader has to do.
 *
 * --mode path, the I/O floor: per file, open(), one pread() per byte range
 * of the list file's third column (the ranges a metadata parse needs at
 * least, from the corpus manifest), close().  Nothing else is timed: the
 * bytes are not hashed or looked at, and the read buffer is allocated once,
 * before any timing, at the size of the largest range (so the allocation
 * count of a file is 0, which the counter confirms).
 *
 * --mode mem, the memory floor: per file already in memory, one pass of the
 * benchmark's bulk touch (bench_touch_bulk, what every library's program
 * runs over picture bytes) over those same ranges.  A parse that touches
 * every byte of its result cannot cost less than reading them once; on
 * files with a cover that is most of what any library's mem time is.
 */
#include "common.h"

static unsigned char *buffer;

static bool touch_ranges(const bench_input *in, uint64_t *hash, char *err)
{
    const bench_entry *e = in->entry;
    for (size_t i = 0; i < e->range_count; i++) {
        uint64_t offset = e->ranges[i].offset, length = e->ranges[i].length;
        if (offset > in->len || length > in->len - offset) {
            snprintf(err, BENCH_ERRLEN, "range %llu+%llu is outside the %zu-byte file",
                     (unsigned long long)offset, (unsigned long long)length, in->len);
            return false;
        }
        *hash = bench_touch_bulk(*hash, in->data + offset, (size_t)length);
    }
    return true;
}

static bool run(const bench_input *in, bool mem, uint64_t *hash, char *err)
{
    if (mem)
        return touch_ranges(in, hash, err);
    const bench_entry *e = in->entry;
    int fd = open(e->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, BENCH_ERRLEN, "open: %s", strerror(errno));
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < e->range_count; i++) {
        ssize_t got = pread(fd, buffer, e->ranges[i].length, (off_t)e->ranges[i].offset);
        if (got != (ssize_t)e->ranges[i].length) {
            snprintf(err, BENCH_ERRLEN, "pread of %llu bytes at %llu returned %zd",
                     (unsigned long long)e->ranges[i].length,
                     (unsigned long long)e->ranges[i].offset, got);
            ok = false;
            break;
        }
        *hash += (uint64_t)got; /* consumed, so the call cannot be dropped */
    }
    close(fd);
    return ok;
}

/* The floor reads no tags; its dump only says what it read. */
static bool dump(const bench_input *in, bool mem, char *err)
{
    uint64_t total = 0;
    if (!run(in, mem, &total, err))
        return false;
    bench_dump_prop_int("bytes_read", (long long)total);
    return true;
}

int main(int argc, char **argv)
{
    static const bench_program prog = {
        "floor", "open+pread+close", false, NULL, NULL, run, dump,
    };
    /* The buffer is sized before bench_main, so no timed pass allocates. */
    bench_args a = bench_parse_args(argc, argv);
    size_t n, largest = 1;
    bench_entry *entries = bench_read_list(a.list, &n);
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < entries[i].range_count; r++)
            if (entries[i].ranges[r].length > largest)
                largest = entries[i].ranges[r].length;
    buffer = (unsigned char *)bench_xmalloc(largest);
    memset(buffer, 0, largest); /* fault the pages in now, not in a timed read */
    bench_free_list(entries, n);
    int status = bench_main(argc, argv, &prog);
    free(buffer);
    return status;
}
