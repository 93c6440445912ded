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

cm_doc *cm_read_fd(int fd, const cm_read_opts *opts, cm_error *err)
{
    cm_error local_err;
    if (!err)
        err = &local_err;
    size_t cap = CM_HEAD_READ;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
        return NULL;
    }
    size_t have;
    if (pread_full(fd, buf, cap, 0, &have, err) != CM_OK)
        goto fail;

    /* A short first read is the whole file, and saves an fstat. */
    uint64_t file_size = have;
    if (have == cap) {
        struct stat st;
        if (fstat(fd, &st) != 0) {
            io_fail(err, errno, "stat failed");
            goto fail;
        }
        file_size = (uint64_t)st.st_size > have ? (uint64_t)st.st_size : have;
    }

    for (;;) {
        cm_doc *doc = cm_parse_prefix(buf, have, file_size, opts, err);
        if (doc) {
            cm_doc_adopt_buffer(doc, buf);
            return doc;
        }
        if (err->code != CM_NEED_MORE)
            goto fail;
        uint64_t want = err->need_bytes;
        if (want <= have || want > file_size || want > SIZE_MAX) {
            cm_fail(err, CM_ERR_INVALID, CM_PART_NONE, want,
                    "internal error: parser asked for %llu bytes of a %llu-byte file",
                    (unsigned long long)want, (unsigned long long)file_size);
            goto fail;
        }
        uint8_t *grown = realloc(buf, (size_t)want);
        if (!grown) {
            cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
            goto fail;
        }
        buf = grown;
        size_t got;
        if (pread_full(fd, buf + have, (size_t)want - have, have, &got, err) != CM_OK)
            goto fail;
        if (got < (size_t)want - have) {
            /* The file shrank while we read it: parse what there is. */
            file_size = have + got;
        }
        have += got;
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
