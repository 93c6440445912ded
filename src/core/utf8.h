/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UTF-8 validation (cm_utf8_valid, in cmutagen.h): its two ways, for the
 * unit tests to hold each against the reference. */
#ifndef CM_UTF8_H
#define CM_UTF8_H

#include <stdbool.h>

#include "cmutagen.h"

/* A byte at a time (a small state machine), on every machine. */
bool cm_utf8_valid_portable(cm_str s);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CM_UTF8_VECTOR 1
/* Whether this machine runs the vector check (AVX2), and the check. */
bool cm_utf8_have_vector(void);
bool cm_utf8_valid_vector(cm_str s);
#endif

#endif
