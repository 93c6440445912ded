/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common.h - what every native benchmark program shares (C11 and C++17).
 *
 * The contract is bench/README.md ("Native programs"):
 *
 *     <program> --list LISTFILE --mode mem|path --rounds N [--dump]
 *
 * A program only supplies a bench_program: how to parse one file and touch
 * every value of the result, and how to dump it.  bench_main() does the rest
 * the same way for every library, so the libraries differ only where they
 * really differ:
 *
 *   1. an untimed pass per file counts the allocations of one parse (and
 *      records which files the library cannot read); the counter is
 *      switched on for this pass only, so the timed rounds pay a flag test
 *      per allocation and nothing more (lofty-bench does the same).  More
 *      untimed passes follow until BENCH_WARMUP_MS have passed: measured
 *      on the 2-core VM, the syscalls of the first milliseconds of a fresh
 *      process run up to 1.7x slower, which would land on the only round
 *      of a --rounds 1 run;
 *   2. N rounds, each over the whole list in order (so repeats of one file
 *      are separated by all the other files), time one parse each; a file
 *      that fails in a timed round (it changed or vanished) gets an error
 *      and no figures, as in lofty-bench, instead of stopping the program;
 *   3. per file, the median over the rounds is printed as JSON.
 *
 * native.py runs each program with --rounds 1 once per round, the programs
 * taking turns, so the rounds of different libraries are interleaved.
 *
 * In mem mode the file is loaded (and, if the library wants it, wrapped in
 * the library's own buffer type) before the clock starts; in path mode the
 * library opens the path itself and the time includes open, read and close.
 * Either way the timed work ends after the library's result is freed.
 *
 * Everything here is header-only (static inline functions) so the C and the C++
 * programs compile it the same way without a shared object file.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

/* getline, strdup, pread, O_CLOEXEC under -std=c11 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

/* alloc_count.c: calls and bytes of heap allocations since the last reset. */
void bench_alloc_reset(void);
void bench_alloc_counting(bool on);
uint64_t bench_alloc_count(void);
uint64_t bench_alloc_bytes(void);

#ifdef __cplusplus
}
#endif

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

static inline void bench_die(const char *what, const char *detail)
{
    fprintf(stderr, "bench: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

static inline void *bench_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        bench_die("out of memory", NULL);
    return p;
}

static inline uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline int bench_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Median of v[0..n) (sorts v); the mean of the two middle values when n is even. */
static inline uint64_t bench_median(uint64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_cmp_u64);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* `, "name": [v0, v1, ...]` with null for the files that failed. */
static void bench_put_u64_array(const char *name, const uint64_t *v, char *const *errors, size_t n)
{
    printf(",\n \"%s\": [", name);
    for (size_t i = 0; i < n; i++) {
        if (errors[i])
            printf("%snull", i ? ", " : "");
        else
            printf("%s%llu", i ? ", " : "", (unsigned long long)v[i]);
    }
    printf("]");
}

/* ------------------------------------------------------------------------ */
/* Touching: hashing every byte of a result                                  */
/* ------------------------------------------------------------------------ */

#define BENCH_FNV_INIT UINT64_C(0xcbf29ce484222325)
#define BENCH_FNV_PRIME UINT64_C(0x100000001b3)

/* FNV-1a-64, byte by byte: the dump's picture digest and the touch of text. */
static inline uint64_t bench_fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = (const unsigned char *)data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * BENCH_FNV_PRIME;
    return h;
}

static inline uint64_t bench_hash_u64(uint64_t h, uint64_t v)
{
    return bench_fnv1a(h, &v, sizeof v);
}

/* Touch of bulk data (picture bytes).  Byte-wise FNV costs a dependent
 * multiply per byte, several times what reading the bytes costs, so for a
 * cover of 100 KiB the hash would dominate every library's time and hide
 * the differences we measure.  This reads every byte too, as four
 * independent 64-bit sums the CPU can run in parallel, then folds them into
 * the FNV state; the same function is used for every library. */
static inline uint64_t bench_touch_bulk(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = (const unsigned char *)data;
    uint64_t lane[4] = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        uint64_t w[4];
        memcpy(w, p + i, sizeof w);
        lane[0] += w[0];
        lane[1] += w[1];
        lane[2] += w[2];
        lane[3] += w[3];
    }
    h = bench_fnv1a(h, p + i, n - i);
    for (int k = 0; k < 4; k++)
        h = bench_hash_u64(h, lane[k]);
    return bench_hash_u64(h, n);
}

/* ------------------------------------------------------------------------ */
/* The list file                                                             */
/* ------------------------------------------------------------------------ */

typedef struct bench_range {
    uint64_t offset, length;
} bench_range;

typedef struct bench_entry {
    char *path;
    char *format;
    size_t range_count;
    bench_range *ranges;
} bench_entry;

/* "off:len,off:len" -> ranges; an empty column gives no ranges. */
static inline void bench_parse_ranges(bench_entry *e, char *text)
{
    size_t n = 0;
    for (char *c = text; *c; c++)
        n += *c == ':';
    e->ranges = (bench_range *)bench_xmalloc(n * sizeof *e->ranges);
    e->range_count = 0;
    char *p = text;
    while (*p) {
        char *end;
        uint64_t off = strtoull(p, &end, 10);
        if (*end != ':')
            bench_die("bad range in list file", text);
        uint64_t len = strtoull(end + 1, &end, 10);
        if (*end != ',' && *end != '\0')
            bench_die("bad range in list file", text);
        e->ranges[e->range_count].offset = off;
        e->ranges[e->range_count].length = len;
        e->range_count++;
        p = *end ? end + 1 : end;
    }
}

/* One entry per line: path<TAB>format<TAB>ranges. */
static inline bench_entry *bench_read_list(const char *listfile, size_t *count)
{
    FILE *f = fopen(listfile, "r");
    if (!f)
        bench_die("cannot open list file", listfile);
    size_t cap = 64, n = 0;
    bench_entry *entries = (bench_entry *)bench_xmalloc(cap * sizeof *entries);
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t got;
    while ((got = getline(&line, &line_cap, f)) > 0) {
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
            line[--got] = '\0';
        if (got == 0)
            continue;
        char *tab1 = strchr(line, '\t');
        char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (!tab1)
            bench_die("list line without a format column", line);
        *tab1 = '\0';
        if (tab2)
            *tab2 = '\0';
        if (n == cap) {
            cap *= 2;
            entries = (bench_entry *)realloc(entries, cap * sizeof *entries);
            if (!entries)
                bench_die("out of memory", NULL);
        }
        bench_entry *e = &entries[n++];
        e->path = strdup(line);
        e->format = strdup(tab1 + 1);
        bench_parse_ranges(e, tab2 ? tab2 + 1 : tab1 + strlen(tab1 + 1) + 1);
    }
    free(line);
    fclose(f);
    *count = n;
    return entries;
}

static inline void bench_free_list(bench_entry *entries, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(entries[i].path);
        free(entries[i].format);
        free(entries[i].ranges);
    }
    free(entries);
}

enum { BENCH_ERRLEN = 200 };

/* The whole file in a malloc'd buffer (mem mode, before the clock starts);
 * NULL with the reason in err (BENCH_ERRLEN bytes) when it cannot be read. */
static inline unsigned char *bench_load_file(const char *path, size_t *len, char *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, BENCH_ERRLEN, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, BENCH_ERRLEN, "cannot stat: %s", strerror(errno));
        close(fd);
        return NULL;
    }
    size_t size = (size_t)st.st_size;
    unsigned char *buf = (unsigned char *)bench_xmalloc(size);
    size_t done = 0;
    while (done < size) {
        ssize_t got = pread(fd, buf + done, size - done, (off_t)done);
        if (got <= 0) {
            snprintf(err, BENCH_ERRLEN, "cannot read: %s",
                     got < 0 ? strerror(errno) : "file shrank");
            free(buf);
            close(fd);
            return NULL;
        }
        done += (size_t)got;
    }
    close(fd);
    *len = size;
    return buf;
}

/* ------------------------------------------------------------------------ */
/* The dump lines                                                            */
/* ------------------------------------------------------------------------ */

/* Text of a dump line: newline and backslash escaped, nothing else. */
static inline void bench_put_escaped(const char *s, size_t n, bool upper)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\\')
            fputs("\\\\", stdout);
        else
            putchar(upper && c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
}

static inline void bench_dump_file(const char *path)
{
    printf("file %s\n", path);
}

/* "tag KEY=value": the key upper-cased (ASCII only, as the contract says). */
static inline void bench_dump_tag(const char *key, size_t key_len, const char *value, size_t value_len)
{
    fputs("tag ", stdout);
    bench_put_escaped(key, key_len, true);
    putchar('=');
    bench_put_escaped(value, value_len, false);
    putchar('\n');
}

static inline void bench_dump_picture(unsigned type, const char *mime, size_t mime_len,
                               const void *data, size_t len)
{
    printf("picture %u ", type);
    if (mime_len)
        bench_put_escaped(mime, mime_len, false);
    else
        putchar('-'); /* keeps the line's fields apart */
    printf(" %zu %016llx\n", len,
           (unsigned long long)bench_fnv1a(BENCH_FNV_INIT, data, len));
}

static inline void bench_dump_prop_int(const char *name, long long value)
{
    printf("prop %s=%lld\n", name, value);
}

static inline void bench_dump_prop_double(const char *name, double value)
{
    printf("prop %s=%.6f\n", name, value);
}

/* ------------------------------------------------------------------------ */
/* The program                                                               */
/* ------------------------------------------------------------------------ */

/* One file as the library sees it.  In mem mode data/len hold the whole
 * file and `prepared` whatever bench_program.prepare made of it. */
typedef struct bench_input {
    const bench_entry *entry;
    const unsigned char *data;
    size_t len;
    void *prepared;
} bench_input;

typedef struct bench_program {
    const char *library;
    const char *version;
    bool path_only; /* the I/O floor: mem mode makes no sense */
    /* Untimed, mem mode only, may be NULL: wrap the loaded bytes in the
     * library's own input type (TagLib's ByteVector). */
    void *(*prepare)(const unsigned char *data, size_t len);
    void (*release)(void *prepared);
    /* Timed: parse, touch every value into *hash, free.  On failure write
     * the reason to err (BENCH_ERRLEN bytes) and return false. */
    bool (*run)(const bench_input *in, bool mem, uint64_t *hash, char *err);
    /* Print the tag/picture/prop lines of one file (not the file line). */
    bool (*dump)(const bench_input *in, bool mem, char *err);
} bench_program;

typedef struct bench_args {
    const char *list;
    bool mem;
    int rounds;
    bool dump;
} bench_args;

static inline void bench_usage(void)
{
    bench_die("usage", "<program> --list LISTFILE --mode mem|path --rounds N [--dump]");
}

static inline bench_args bench_parse_args(int argc, char **argv)
{
    bench_args a;
    const char *mode = NULL;
    a.list = NULL;
    a.mem = false;
    a.rounds = 1;
    a.dump = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(arg, "--dump") == 0)
            a.dump = true;
        else if (strcmp(arg, "--list") == 0 && has_value)
            a.list = argv[++i];
        else if (strcmp(arg, "--mode") == 0 && has_value)
            mode = argv[++i];
        else if (strcmp(arg, "--rounds") == 0 && has_value)
            a.rounds = atoi(argv[++i]);
        else
            bench_usage();
    }
    if (!a.list || !mode || a.rounds < 1)
        bench_usage();
    if (strcmp(mode, "mem") == 0)
        a.mem = true;
    else if (strcmp(mode, "path") != 0)
        bench_usage();
    return a;
}

/* The allocation counter must see plain C allocations (the C++ program
 * checks operator new itself); a counter that counts nothing would report
 * zero allocations for every library and look like a result. */
static inline void bench_alloc_selftest(void)
{
    static void *volatile keep[4]; /* volatile: the compiler may not elide the calls */
    bench_alloc_reset();
    bench_alloc_counting(true);
    keep[0] = malloc(100);
    keep[1] = calloc(3, 10);
    keep[0] = realloc(keep[0], 200);
    keep[2] = aligned_alloc(64, 128);
    void *p = NULL;
    if (posix_memalign(&p, 64, 64) != 0)
        bench_die("allocation self-test", "posix_memalign failed");
    keep[3] = p;
    bench_alloc_counting(false);
    uint64_t calls = bench_alloc_count(), bytes = bench_alloc_bytes();
    for (int i = 0; i < 4; i++)
        free(keep[i]);
    if (calls != 5 || bytes != 100 + 30 + 200 + 128 + 64) {
        fprintf(stderr, "bench: allocation self-test counted %llu calls, %llu bytes\n",
                (unsigned long long)calls, (unsigned long long)bytes);
        exit(2);
    }
}

static inline void bench_put_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* A file as the library gets it: in mem mode loaded (and prepared) here,
 * before any clock starts; in path mode just the entry.  False with err set
 * when the file cannot be loaded. */
static inline bool bench_input_load(const bench_program *prog, const bench_entry *e, bool mem,
                                    bench_input *in, char *err)
{
    in->entry = e;
    in->data = NULL;
    in->len = 0;
    in->prepared = NULL;
    if (mem) {
        in->data = bench_load_file(e->path, &in->len, err);
        if (!in->data)
            return false;
        if (prog->prepare)
            in->prepared = prog->prepare(in->data, in->len);
    }
    return true;
}

static inline void bench_input_free(const bench_program *prog, bench_input *in)
{
    if (prog->release && in->prepared)
        prog->release(in->prepared);
    free((void *)in->data);
}

/* How long the untimed passes last at least, so timing starts warm (see the
 * top of this file).  Two passes over 100 files were enough; this is a few
 * times that, and short beside a run. */
enum { BENCH_WARMUP_MS = 10 };

/* One timed parse of one file; returns false with err set when the file
 * cannot be loaded or the library cannot read it.  With `allocs` non-NULL
 * (the untimed pass) the allocations of the parse are counted into
 * allocs/alloc_bytes; otherwise the counter stays off. */
static inline bool bench_one(const bench_program *prog, const bench_entry *e, bool mem,
                             uint64_t *hash, char *err, uint64_t *ns, uint64_t *allocs,
                             uint64_t *alloc_bytes)
{
    bench_input in;
    if (!bench_input_load(prog, e, mem, &in, err))
        return false;
    bench_alloc_reset();
    bench_alloc_counting(allocs != NULL);
    uint64_t start = bench_now_ns();
    bool ok = prog->run(&in, mem, hash, err);
    uint64_t end = bench_now_ns();
    bench_alloc_counting(false);
    if (allocs) {
        *allocs = bench_alloc_count();
        *alloc_bytes = bench_alloc_bytes();
    }
    *ns = end - start;
    bench_input_free(prog, &in);
    return ok;
}

/* One pass over the files that have not failed, counter off; the time of
 * file i goes to times[i * stride].  A file failing now, after the first
 * pass read it, changed or vanished: it gets the error and no figures.
 * Returns the sum of the pass's hashes. */
static inline uint64_t bench_pass(const bench_program *prog, const bench_entry *entries, size_t n,
                                  bool mem, char **errors, uint64_t *times, size_t stride)
{
    char err[BENCH_ERRLEN];
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t hash = BENCH_FNV_INIT;
        if (errors[i])
            continue;
        err[0] = '\0';
        if (!bench_one(prog, &entries[i], mem, &hash, err, &times[i * stride], NULL, NULL))
            errors[i] = strdup(err[0] ? err : "failed after the first pass");
        sum += hash;
    }
    return sum;
}

static inline int bench_main(int argc, char **argv, const bench_program *prog)
{
    bench_args a = bench_parse_args(argc, argv);
    if (a.mem && prog->path_only)
        bench_die("this program only has --mode path", NULL);
    bench_alloc_selftest();

    size_t n;
    bench_entry *entries = bench_read_list(a.list, &n);
    char err[BENCH_ERRLEN];

    if (a.dump) {
        for (size_t i = 0; i < n; i++) {
            bench_input in;
            bench_dump_file(entries[i].path);
            err[0] = '\0';
            if (!bench_input_load(prog, &entries[i], a.mem, &in, err)) {
                printf("error %s\n", err);
                continue;
            }
            if (!prog->dump(&in, a.mem, err))
                printf("error %s\n", err);
            bench_input_free(prog, &in);
        }
        bench_free_list(entries, n);
        return 0;
    }

    /* Per file: allocation figures, error, and the times of every round. */
    uint64_t *allocs = (uint64_t *)bench_xmalloc(n * sizeof *allocs);
    uint64_t *alloc_bytes = (uint64_t *)bench_xmalloc(n * sizeof *alloc_bytes);
    size_t rounds = (size_t)a.rounds;
    uint64_t *times = (uint64_t *)bench_xmalloc(n * rounds * sizeof *times);
    char **errors = (char **)bench_xmalloc(n * sizeof *errors);
    /* Every pass's hash is added (not XORed: an even number of passes over
     * the same files would cancel out) and printed, so no work is dead. */
    uint64_t checksum = 0, ns;

    /* The first untimed pass: allocations and errors. */
    uint64_t warmup_start = bench_now_ns();
    for (size_t i = 0; i < n; i++) {
        uint64_t hash = BENCH_FNV_INIT;
        err[0] = '\0';
        errors[i] = NULL;
        if (!bench_one(prog, &entries[i], a.mem, &hash, err, &ns, &allocs[i], &alloc_bytes[i]))
            errors[i] = strdup(err[0] ? err : "failed");
        checksum += hash;
    }
    /* More untimed passes until warm (times go to round 0, overwritten).
     * Their number depends on the clock, so their hashes go to a sink, not
     * to the checksum that native.py compares between modes. */
    static volatile uint64_t warmup_sink;
    while (bench_now_ns() - warmup_start < (uint64_t)BENCH_WARMUP_MS * 1000000u)
        warmup_sink += bench_pass(prog, entries, n, a.mem, errors, times, rounds);
    (void)warmup_sink; /* a volatile read: the sink is used, for every compiler */
    for (size_t r = 0; r < rounds; r++)
        checksum += bench_pass(prog, entries, n, a.mem, errors, times + r, rounds);

    printf("{\"library\": ");
    bench_put_json_string(prog->library);
    printf(", \"version\": ");
    bench_put_json_string(prog->version);
    printf(", \"mode\": \"%s\", \"rounds\": %d", a.mem ? "mem" : "path", a.rounds);
    /* Each file's median, compacted to the front of `times`: file i's
     * rounds start at i * rounds >= i, and every slot below that belongs to
     * a file whose median is already taken. */
    for (size_t i = 0; i < n; i++)
        times[i] = bench_median(&times[i * rounds], rounds);
    bench_put_u64_array("ns", times, errors, n);
    bench_put_u64_array("allocs", allocs, errors, n);
    bench_put_u64_array("alloc_bytes", alloc_bytes, errors, n);
    printf(",\n \"errors\": [");
    for (size_t i = 0; i < n; i++) {
        printf("%s", i ? ", " : "");
        if (errors[i])
            bench_put_json_string(errors[i]);
        else
            printf("null");
    }
    /* A string: a 64-bit number does not survive JSON readers that use doubles. */
    printf("],\n \"checksum\": \"%016llx\"}\n", (unsigned long long)checksum);

    for (size_t i = 0; i < n; i++)
        free(errors[i]);
    free(errors);
    free(times);
    free(alloc_bytes);
    free(allocs);
    bench_free_list(entries, n);
    return 0;
}

#endif /* BENCH_COMMON_H */
