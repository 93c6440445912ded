/* SPDX-License-Identifier: GPL-2.0-or-later */
/* id3_objects: the ID3v2 frame walk of cmutagen.id3._tags.read_frames, with
 * the common frame kinds built as Python frame objects in C (see
 * id3_objects.c).  Registered in _native's method table by module.c. */
#ifndef CMUTAGEN_NATIVE_ID3_OBJECTS_H
#define CMUTAGEN_NATIVE_ID3_OBJECTS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

extern const char cm_py_id3_read_frames_doc[];
PyObject *cm_py_id3_read_frames(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

#endif
