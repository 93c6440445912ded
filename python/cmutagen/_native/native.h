/* SPDX-License-Identifier: GPL-2.0-or-later */
/* native: what module.c shares with the extension's other files. */
#ifndef CMUTAGEN_NATIVE_NATIVE_H
#define CMUTAGEN_NATIVE_NATIVE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "cmutagen.h"

/* Raise a document error as _native.ParseError (or OSError / MemoryError);
 * always returns NULL. */
PyObject *cm_py_raise_parse_error(PyObject *module, const cm_error *err, PyObject *path);
/* A Vorbis comment block as (vendor, [(key, value), ...]) decoded with
 * mutagen's errors="replace". */
PyObject *cm_py_vcomment_replace(PyObject *module, const cm_vcomment *vc);
/* UTF-8 text as str, undecodable bytes replaced (errors="replace"). */
PyObject *cm_py_text_replace(cm_str s);
/* key.lower() of a comment's key: the key itself (a new reference) when it
 * is ASCII without a capital, quickly for other ASCII keys. */
PyObject *cm_py_key_lower(PyObject *key);

#endif
