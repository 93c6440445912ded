/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a document from a path given by Python, shared by the bindings
 * that take "a path or a buffer" (read_flac, read_id3, read_mp4). */
#ifndef CM_PY_READ_PATH_H
#define CM_PY_READ_PATH_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "cmutagen.h"

/* cm_read_file on source (str, bytes or PathLike), the GIL released while
 * it reads.  -1 with a Python error set when source is no path; else 0,
 * with *doc the document, or NULL and *err saying why. */
static inline int cm_py_read_path(PyObject *source, const cm_read_opts *opts, cm_doc **doc,
                                  cm_error *err)
{
    PyObject *path;
    if (!PyUnicode_FSConverter(source, &path))
        return -1;
    const char *cpath = PyBytes_AS_STRING(path);
    cm_doc *read;
    Py_BEGIN_ALLOW_THREADS
    read = cm_read_file(cpath, opts, err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    *doc = read;
    return 0;
}

#endif
