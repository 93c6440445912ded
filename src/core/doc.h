/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CM_DOC_H
#define CM_DOC_H

#include "cmutagen.h"
#include "arena.h"

struct cm_doc {
    cm_arena arena;      /* holds this struct and everything the parse made */
    cm_format format;
    void *owned_buffer;  /* file bytes read for this document, or NULL */
    const cm_flac *flac;
};

#endif
