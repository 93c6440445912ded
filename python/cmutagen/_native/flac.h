/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flac: the FLAC readers of cmutagen._native (see flac.c).  Their entries
 * in _native's method table are CM_PY_FLAC_METHODS, which module.c lists. */
#ifndef CMUTAGEN_NATIVE_FLAC_H
#define CMUTAGEN_NATIVE_FLAC_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

extern const char cm_py_read_flac_doc[];
PyObject *cm_py_read_flac(PyObject *module, PyObject *args, PyObject *kwargs);
extern const char cm_py_read_flac_streaminfo_doc[];
PyObject *cm_py_read_flac_streaminfo(PyObject *module, PyObject *arg);
extern const char cm_py_read_flac_picture_doc[];
PyObject *cm_py_read_flac_picture(PyObject *module, PyObject *arg);
extern const char cm_py_load_flac_doc[];
PyObject *cm_py_load_flac(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
extern const char cm_py_flac_pictures_doc[];
PyObject *cm_py_flac_pictures(PyObject *module, PyObject *flac);

#define CM_PY_FLAC_METHODS                                                                    \
    {"read_flac_streaminfo", cm_py_read_flac_streaminfo, METH_O,                              \
     cm_py_read_flac_streaminfo_doc},                                                         \
        {"read_flac_picture", cm_py_read_flac_picture, METH_O, cm_py_read_flac_picture_doc},  \
        {"read_flac", (PyCFunction)(void (*)(void))cm_py_read_flac,                           \
         METH_VARARGS | METH_KEYWORDS, cm_py_read_flac_doc},                                 \
        {"load_flac", (PyCFunction)(void (*)(void))cm_py_load_flac, METH_FASTCALL,            \
         cm_py_load_flac_doc},                                                                \
        {"flac_pictures", cm_py_flac_pictures, METH_O, cm_py_flac_pictures_doc},

#endif
