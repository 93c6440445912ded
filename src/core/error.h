/* Filling a cm_error: every failure says what was being read and where.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CM_ERROR_H
#define CM_ERROR_H

#include "cmutagen.h"

#if defined(__GNUC__) || defined(__clang__)
#define CM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CM_PRINTF(f, a)
#endif

/* Sets *err (if err is not NULL) and returns code, so a parser can write
 * `return cm_fail(err, CM_ERR_TRUNCATED, CM_PART_CONTAINER, off, "...")`. */
cm_status cm_fail(cm_error *err, cm_status code, cm_error_part part, uint64_t offset,
                  const char *fmt, ...) CM_PRINTF(5, 6);

/* Asks for the first `bytes` bytes of the file (see CM_NEED_MORE). */
cm_status cm_need_more(cm_error *err, uint64_t bytes);

/* Asks for the first `head` bytes (0: no more of the head) and the last
 * `tail` bytes of the file at once. */
cm_status cm_need_more_tail(cm_error *err, uint64_t head, uint64_t tail);

void cm_error_clear(cm_error *err);

#endif
