/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pymethods: C bodies of hot methods of cmutagen's Python classes
 * (pymethods.c); its entries in _native's method table are
 * CM_PY_C_METHODS, which module.c lists. */
#ifndef CM_PY_PYMETHODS_H
#define CM_PY_PYMETHODS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

extern const char cm_py_c_method_doc[];
PyObject *cm_py_c_method(PyObject *module, PyObject *args);

#define CM_PY_C_METHODS \
    {"c_method", cm_py_c_method, METH_VARARGS, cm_py_c_method_doc},

#endif
