/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mp4: everything cmutagen.mp4.MP4 loads (stream info, tag items,
 * chapters) read in one call (see mp4.c).  Registered in _native's method
 * table by module.c. */
#ifndef CMUTAGEN_NATIVE_MP4_H
#define CMUTAGEN_NATIVE_MP4_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

extern const char cm_py_read_mp4_doc[];
PyObject *cm_py_read_mp4(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

#endif
