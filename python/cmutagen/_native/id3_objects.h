/* SPDX-License-Identifier: GPL-2.0-or-later */
/* id3_objects: the ID3v2 frame walk of cmutagen.id3._tags.read_frames, with
 * the common frame kinds built as Python frame objects in C (see
 * id3_objects.c).  Registered in _native's method table by module.c. */
#ifndef CMUTAGEN_NATIVE_ID3_OBJECTS_H
#define CMUTAGEN_NATIVE_ID3_OBJECTS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>

extern const char cm_py_id3_read_frames_doc[];
PyObject *cm_py_id3_read_frames(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* The ID3 object ID3.load(path) (default arguments) leaves behind, built
 * from the file's parts: `header` the 10-byte ID3v2 header at the file's
 * start (NULL: none; the caller has checked it is one ID3Header reads as it
 * is: version 2 to 4, no extended header or undefined flags, a size that
 * fits the file), `body` (bytes) the tag after it, `tail` the file's last
 * bytes (up to 131, for ID3v1).  `spec` comes from
 * cmutagen.id3._file._load_spec().  `target` is an ID3 just made (ID3(path))
 * whose __dict__ is filled, or NULL: a new ID3 is made, with `filename` as
 * its filename.
 * Returns 1 with *out the tags (None when the file has no tag and target
 * is NULL), 0 when the Python reader must read it (nothing was changed),
 * -1 with an exception set. */
int cm_py_id3_load(PyObject *spec, PyObject *target, PyObject *filename, const uint8_t *header,
                   PyObject *body, const uint8_t *tail, size_t tail_len, PyObject **out);

#endif
