/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File()'s reading of a file's two ends and its C copies of the format
 * classes' score() rules (score.c). */
#ifndef CM_PY_SCORE_H
#define CM_PY_SCORE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

enum { CM_PY_SCORE_MAX_OPTIONS = 256 };

/* The rule found for the class at one position of the options. */
typedef struct cm_py_score_memo {
    PyTypeObject *kind; /* not owned: only ever compared, with version */
    unsigned int version;
    Py_ssize_t rule;
} cm_py_score_memo;

/* What choose_by_score keeps in the module state.
 *
 * The names looked up on every option are interned once: a lookup by a
 * fresh string misses the type attribute cache.
 *
 * The memo spares each call the getattr(class, "score") and rule_of lookup
 * of every option, most of a File(path) call's own cost.  It is keyed by
 * class identity and the class's type version tag, which CPython gives a
 * class once its attributes are looked up and resets when any attribute of
 * it or of a base is set; tags are never reused, so a new class at a freed
 * one's address cannot match.  A class whose score is replaced thus misses
 * and is looked up again; nothing about any file is kept. */
typedef struct cm_py_score_state {
    PyObject *score;   /* "score" */
    PyObject *name;    /* "__name__" */
    PyObject *rule_of; /* the rule_of dict the memo was filled from */
    cm_py_score_memo memo[CM_PY_SCORE_MAX_OPTIONS];
} cm_py_score_state;

cm_py_score_state *cm_py_get_score_state(PyObject *module);
int cm_py_score_state_init(cm_py_score_state *state);
int cm_py_score_state_traverse(cm_py_score_state *state, visitproc visit, void *arg);
void cm_py_score_state_clear(cm_py_score_state *state);

/* The rules' names, "module.Class" of the score() each copies, in the
 * order of their indexes. */
PyObject *cm_py_score_rule_names(void);

extern const char cm_py_read_file_ends_doc[];
PyObject *cm_py_read_file_ends(PyObject *module, PyObject *args);

extern const char cm_py_choose_by_score_doc[];
PyObject *cm_py_choose_by_score(PyObject *module, PyObject *args);

extern const char cm_py_option_rules_doc[];
PyObject *cm_py_option_rules(PyObject *module, PyObject *args);

extern const char cm_py_choose_by_rules_doc[];
PyObject *cm_py_choose_by_rules(PyObject *module, PyObject *args);

extern const char cm_py_score_rule_doc[];
PyObject *cm_py_score_rule(PyObject *module, PyObject *args);

/* score.c's entries in _native's method table, which module.c lists. */
#define CM_PY_SCORE_METHODS                                                                    \
    {"read_file_ends", cm_py_read_file_ends, METH_VARARGS, cm_py_read_file_ends_doc},          \
    {"choose_by_score", cm_py_choose_by_score, METH_VARARGS, cm_py_choose_by_score_doc},       \
    {"option_rules", cm_py_option_rules, METH_VARARGS, cm_py_option_rules_doc},                \
    {"choose_by_rules", cm_py_choose_by_rules, METH_VARARGS, cm_py_choose_by_rules_doc},       \
    {"score_rule", cm_py_score_rule, METH_VARARGS, cm_py_score_rule_doc},

#endif
