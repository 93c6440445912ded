/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ogg: _native.read_ogg, everything cmutagen's Ogg classes (OggVorbis,
 * OggOpus, OggSpeex, OggTheora, OggFLAC) read from a file in one call (see
 * ogg.c).  Registered in _native's method table by module.c. */
#ifndef CMUTAGEN_NATIVE_OGG_H
#define CMUTAGEN_NATIVE_OGG_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "cmutagen.h"

extern const char cm_py_read_ogg_doc[];
PyObject *cm_py_read_ogg(PyObject *module, PyObject *args, PyObject *kwargs);
extern const char cm_py_load_ogg_doc[];
PyObject *cm_py_load_ogg(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

#endif
