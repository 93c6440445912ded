/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The extension's one way of reading a byte range of an open file, shared
 * by the readers that take a path themselves (MP3's one-call read, the Ogg
 * reader, File()'s read of the file's ends). */
#ifndef CM_PY_PREAD_H
#define CM_PY_PREAD_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

/* pread [offset, offset + len) into buf, retrying on EINTR and short reads,
 * until len bytes or the end of the file: *got says how many.  False on a
 * read error (errno says which). */
static inline bool cm_py_pread(int fd, uint8_t *buf, size_t len, uint64_t offset, size_t *got)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, buf + done, len - done, (off_t)(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0)
            break;
        done += (size_t)n;
    }
    *got = done;
    return true;
}

#endif
