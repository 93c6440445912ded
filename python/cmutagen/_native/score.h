/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File()'s reading of a file's two ends and its C copies of the format
 * classes' score() rules (score.c). */
#ifndef CM_PY_SCORE_H
#define CM_PY_SCORE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Attribute names looked up on every option, interned once in the module
 * state: a lookup by a fresh string misses the type attribute cache. */
typedef struct cm_py_score_names {
    PyObject *score;    /* "score" */
    PyObject *name;     /* "__name__" */
} cm_py_score_names;

const cm_py_score_names *cm_py_get_score_names(PyObject *module);

/* The rules' names, "module.Class" of the score() each copies, in the
 * order of their indexes. */
PyObject *cm_py_score_rule_names(void);

extern const char cm_py_read_file_ends_doc[];
PyObject *cm_py_read_file_ends(PyObject *module, PyObject *args);

extern const char cm_py_choose_by_score_doc[];
PyObject *cm_py_choose_by_score(PyObject *module, PyObject *args);

extern const char cm_py_score_rule_doc[];
PyObject *cm_py_score_rule(PyObject *module, PyObject *args);

#endif
