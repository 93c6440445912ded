/* Reading files: one read of the head, more only when a parser asks.
 * Measured on the target machines, open+read+close of 64 KiB beats
 * open+fstat+mmap+munmap+close by 2-3x, so there is no mmap here.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmutagen.h"
#include "doc.h"
#include "error.h"

/* The first read: enough for the whole metadata of a lightly tagged file.
 * A parser that needs more says exactly how much, so a file with a cover
 * costs one more read; reading 64 KiB up front instead made every small
 * file pay for copying bytes nobody looks at (5.2 against 2.4 us per file
 * on the benchmark's minimal FLAC files, whose I/O floor is 1.4 us). */
enum { CM_HEAD_READ = 4 * 1024 };

static cm_status io_fail(cm_error *err, int errnum, const char *what)
{
    cm_fail(err, CM_ERR_IO, CM_PART_NONE, 0, "%s: %s", what, strerror(errnum));
    if (err)
        err->sys_errno = errnum;
    return CM_ERR_IO;
}

/* Reads [offset, offset + len) or up to end of file; *got says how much. */
static cm_status pread_full(int fd, uint8_t *buf, size_t len, uint64_t offset, size_t *got,
                            cm_error *err)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, buf + done, len - done, (off_t)(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return io_fail(err, errno, "read failed");
        }
        if (n == 0)
            break;
        done += (size_t)n;
    }
    *got = done;
    return CM_OK;
}

/* Room kept after the first read for a tail request (ID3v1 is 128 bytes),
 * so an MP3 read from a path costs no second allocation. */
enum { CM_TAIL_SLACK = 256 };

cm_doc *cm_read_fd(int fd, const cm_read_opts *opts, cm_error *err)
{
    cm_error local_err;
    if (!err)
        err = &local_err;
    /* buf holds the head (have bytes), then the tail (tail_len bytes). */
    size_t cap = CM_HEAD_READ + CM_TAIL_SLACK;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
        return NULL;
    }
    size_t have, tail_len = 0;
    if (pread_full(fd, buf, CM_HEAD_READ, 0, &have, err) != CM_OK)
        goto fail;

    /* A short first read is the whole file, and saves an fstat. */
    uint64_t file_size = have;
    if (have == CM_HEAD_READ) {
        struct stat st;
        if (fstat(fd, &st) != 0) {
            io_fail(err, errno, "stat failed");
            goto fail;
        }
        file_size = (uint64_t)st.st_size > have ? (uint64_t)st.st_size : have;
    }

    for (;;) {
        cm_input in = {buf, have, tail_len ? buf + have : NULL, tail_len, file_size};
        cm_doc *doc = cm_parse_input_owned(&in, true, opts, err);
        if (doc) {
            cm_doc_adopt_buffer(doc, buf);
            return doc;
        }
        if (err->code != CM_NEED_MORE)
            goto fail;
        uint64_t want = err->need_bytes, want_tail = err->need_tail_bytes;
        bool more_head = want > have, more_tail = want_tail > tail_len;
        if ((!more_head && !more_tail) || want > file_size || want_tail > file_size ||
            want > SIZE_MAX / 2 || want_tail > SIZE_MAX / 2) {
            cm_fail(err, CM_ERR_INVALID, CM_PART_NONE, want,
                    "internal error: parser asked for %llu + %llu bytes of a %llu-byte file",
                    (unsigned long long)want, (unsigned long long)want_tail,
                    (unsigned long long)file_size);
            goto fail;
        }
        size_t head = more_head ? (size_t)want : have;
        size_t tail = more_tail ? (size_t)want_tail : tail_len;
        /* A tail close to the head's end is read as more head: one read
         * either way, and no separate tail to keep. */
        if (tail && file_size - tail <= (uint64_t)head + CM_HEAD_READ) {
            head = (size_t)file_size;
            tail = 0;
        }
        if (head + tail > cap) {
            uint8_t *grown = realloc(buf, head + tail);
            if (!grown) {
                cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
                goto fail;
            }
            buf = grown;
            cap = head + tail;
        }
        /* a tail already read moves to follow the grown head */
        if (tail && tail == tail_len && head != have)
            memmove(buf + head, buf + have, tail);
        if (head > have) {
            size_t got;
            if (pread_full(fd, buf + have, head - have, have, &got, err) != CM_OK)
                goto fail;
            if (got < head - have) {
                /* The file shrank while we read it: parse what there is. */
                file_size = have + got;
                head = have + got;
                tail = 0;
            }
            have = head;
        }
        if (tail && tail != tail_len) {
            size_t got;
            if (pread_full(fd, buf + have, tail, file_size - tail, &got, err) != CM_OK)
                goto fail;
            if (got < tail) {
                io_fail(err, EIO, "the file shrank while it was read");
                goto fail;
            }
        }
        tail_len = tail;
    }
fail:
    free(buf);
    return NULL;
}

cm_doc *cm_read_file(const char *path, const cm_read_opts *opts, cm_error *err)
{
    if (!path) {
        cm_fail(err, CM_ERR_ARGUMENT, CM_PART_NONE, 0, "path is NULL");
        return NULL;
    }
    int fd;
    do
        fd = open(path, O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        io_fail(err, errno, "cannot open file");
        return NULL;
    }
    cm_doc *doc = cm_read_fd(fd, opts, err);
    close(fd);
    return doc;
}
