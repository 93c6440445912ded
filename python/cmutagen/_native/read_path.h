/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where a binding's bytes come from: a path given by Python, or a buffer
 * (an io.BytesIO's contents), shared by the bindings that take either
 * (read_flac, read_id3, read_mp4, the one-call loads). */
#ifndef CM_PY_READ_PATH_H
#define CM_PY_READ_PATH_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

#include "cmutagen.h"

/* A loader's source: the file at `path`, or the bytes of `view`.
 *
 * A memoryview is read in place (a one-call load of an io.BytesIO, through
 * a view of its getvalue()); anything else is a path (str, bytes or PathLike).
 * bytes are a path here, never contents: the one-call loads are handed a
 * memoryview, so the two cannot be mistaken. */
typedef struct cm_py_source {
    const char *path;  /* the path, encoded for the file system; NULL: the buffer */
    PyObject *encoded; /* owns path when it had to be encoded */
    Py_buffer view;    /* the buffer, when path is NULL */
} cm_py_source;

/* Opens source as above.  -1 with a Python error set when it is neither a
 * path nor a readable buffer.  The buffer is held until
 * cm_py_source_close: a document read from it may point into it, so
 * every Python object must be built before the source is closed. */
static inline int cm_py_source_open(PyObject *source, cm_py_source *s)
{
    s->path = NULL;
    s->encoded = NULL;
    s->view.obj = NULL;
    if (PyMemoryView_Check(source))
        return PyObject_GetBuffer(source, &s->view, PyBUF_SIMPLE) < 0 ? -1 : 0;
    /* An ASCII str is its own encoding (when it holds no NUL); any other
     * path is encoded, and checked, as the file system wants it. */
    if (PyUnicode_Check(source) && PyUnicode_IS_ASCII(source)) {
        const char *ascii = (const char *)PyUnicode_DATA(source);
        if (strlen(ascii) == (size_t)PyUnicode_GET_LENGTH(source)) {
            s->path = ascii;
            return 0;
        }
    }
    if (!PyUnicode_FSConverter(source, &s->encoded))
        return -1;
    s->path = PyBytes_AS_STRING(s->encoded);
    return 0;
}

static inline void cm_py_source_close(cm_py_source *s)
{
    Py_CLEAR(s->encoded);
    if (s->view.obj)
        PyBuffer_Release(&s->view);
}

/* The document of an open source: cm_read_file (the GIL released while it
 * reads) or cm_read_mem (zero copy: the document may point into the
 * buffer).  NULL with *err saying why. */
static inline cm_doc *cm_py_source_read(const cm_py_source *s, const cm_read_opts *opts,
                                        cm_error *err)
{
    if (!s->path)
        return cm_read_mem(s->view.buf, (size_t)s->view.len, opts, err);
    cm_doc *doc;
    Py_BEGIN_ALLOW_THREADS
    doc = cm_read_file(s->path, opts, err);
    Py_END_ALLOW_THREADS
    return doc;
}

/* cm_read_file on source (str, bytes or PathLike: a path, never contents),
 * for the bindings that read a buffer themselves and a path through here.
 * -1 with a Python error set when source is no path; else 0, with *doc
 * the document (which owns its bytes), or NULL and *err saying why. */
static inline int cm_py_read_path(PyObject *source, const cm_read_opts *opts, cm_doc **doc,
                                  cm_error *err)
{
    if (PyMemoryView_Check(source)) {
        PyErr_SetString(PyExc_TypeError, "a path was expected, not a memoryview");
        return -1;
    }
    cm_py_source s;
    if (cm_py_source_open(source, &s) < 0)
        return -1;
    *doc = cm_py_source_read(&s, opts, err);
    cm_py_source_close(&s);
    return 0;
}

#endif
