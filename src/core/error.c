/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {
    [CM_OK] = "ok",
    [CM_ERR_NOMEM] = "out of memory",
    [CM_ERR_IO] = "I/O error",
    [CM_ERR_NOT_FORMAT] = "not this format",
    [CM_ERR_TRUNCATED] = "truncated",
    [CM_ERR_INVALID] = "invalid data",
    [CM_ERR_UNSUPPORTED] = "unsupported",
    [CM_ERR_ARGUMENT] = "bad argument",
    [CM_NEED_MORE] = "more data needed",
};

const char *cm_status_name(cm_status code)
{
    if ((unsigned)code < sizeof status_names / sizeof status_names[0] && status_names[code])
        return status_names[code];
    return "unknown status";
}

void cm_error_clear(cm_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

cm_status cm_fail(cm_error *err, cm_status code, cm_error_part part, uint64_t offset,
                  const char *fmt, ...)
{
    if (!err)
        return code;
    cm_error_clear(err);
    err->code = code;
    err->part = part;
    err->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

cm_status cm_need_more(cm_error *err, uint64_t bytes)
{
    if (err) {
        cm_error_clear(err);
        err->code = CM_NEED_MORE;
        err->need_bytes = bytes;
        snprintf(err->msg, sizeof err->msg, "need the first %llu bytes of the file",
                 (unsigned long long)bytes);
    }
    return CM_NEED_MORE;
}

cm_status cm_need_more_tail(cm_error *err, uint64_t head, uint64_t tail)
{
    if (err) {
        cm_error_clear(err);
        err->code = CM_NEED_MORE;
        err->need_bytes = head;
        err->need_tail_bytes = tail;
        snprintf(err->msg, sizeof err->msg, "need the first %llu and the last %llu bytes of the file",
                 (unsigned long long)head, (unsigned long long)tail);
    }
    return CM_NEED_MORE;
}
