/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flac: the FLAC readers of cmutagen._native (see flac.h). */
#include "flac.h" /* Python.h first */

#include "core/cursor.h"
#include "core/error.h"
#include "flac/flac.h"
#include "native.h"
#include "read_path.h"

static PyObject *build_picture(const cm_flac_picture *p)
{
    return Py_BuildValue("(kNNkkkky#)", (unsigned long)p->type, cm_py_text_replace(p->mime),
                         cm_py_text_replace(p->desc), (unsigned long)p->width,
                         (unsigned long)p->height, (unsigned long)p->depth,
                         (unsigned long)p->colors, (const char *)p->data.ptr,
                         (Py_ssize_t)p->data.len);
}

static PyObject *build_block(PyObject *module, const cm_flac_block *b)
{
    PyObject *payload;
    if (b->vcomment)
        payload = cm_py_vcomment_replace(module, b->vcomment);
    else if (b->picture)
        payload = build_picture(b->picture);
    else if (b->type == CM_FLAC_PADDING)
        payload = (Py_INCREF(Py_None), Py_None);
    else
        payload = PyBytes_FromStringAndSize((const char *)b->body.ptr, (Py_ssize_t)b->body.len);
    if (!payload)
        return NULL;
    return Py_BuildValue("(IkKN)", (unsigned)b->type, (unsigned long)b->declared_length,
                         (unsigned long long)b->length, payload);
}

static PyObject *build_streaminfo(const cm_flac_streaminfo *si)
{
    return Py_BuildValue("(kkkkkkkKy#)", (unsigned long)si->min_blocksize,
                         (unsigned long)si->max_blocksize, (unsigned long)si->min_framesize,
                         (unsigned long)si->max_framesize, (unsigned long)si->sample_rate,
                         (unsigned long)si->channels, (unsigned long)si->bits_per_sample,
                         (unsigned long long)si->total_samples, (const char *)si->md5,
                         (Py_ssize_t)16);
}

static PyObject *build_flac(PyObject *module, const cm_flac *f)
{
    PyObject *blocks = PyList_New((Py_ssize_t)f->block_count);
    if (!blocks)
        return NULL;
    for (size_t i = 0; i < f->block_count; i++) {
        PyObject *block = build_block(module, &f->blocks[i]);
        if (!block) {
            Py_DECREF(blocks);
            return NULL;
        }
        PyList_SET_ITEM(blocks, (Py_ssize_t)i, block);
    }
    return Py_BuildValue("(KKKdKNN)", (unsigned long long)f->flac_offset,
                         (unsigned long long)f->audio_offset, (unsigned long long)f->file_size,
                         f->length, (unsigned long long)f->bitrate,
                         build_streaminfo(&f->streaminfo), blocks);
}

const char cm_py_read_flac_doc[] =
    "read_flac(source, file_size=None)\n--\n\n"
    "Parse a FLAC file's metadata.  `source` is a path (str, bytes or os.PathLike),\n"
    "or a bytes-like object holding the first bytes of a file of `file_size`\n"
    "bytes (default: all of it).  Returns (flac_offset, audio_offset, file_size,\n"
    "length, bitrate, streaminfo, blocks), or, for a buffer that holds too little\n"
    "of the file, the int number of leading bytes the parse needs.";

PyObject *cm_py_read_flac(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"source", "file_size", NULL};
    PyObject *source, *file_size_obj = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:read_flac", kwlist, &source,
                                     &file_size_obj))
        return NULL;
    cm_read_opts opts = {CM_FORMAT_FLAC};
    cm_error err;
    cm_doc *doc;

    if (PyObject_CheckBuffer(source)) {
        Py_buffer view;
        if (PyObject_GetBuffer(source, &view, PyBUF_SIMPLE) < 0)
            return NULL;
        unsigned long long file_size = (unsigned long long)view.len;
        if (file_size_obj != Py_None) {
            file_size = PyLong_AsUnsignedLongLong(file_size_obj);
            if (PyErr_Occurred()) {
                PyBuffer_Release(&view);
                return NULL;
            }
        }
        /* The document points into the buffer: build the result before
         * letting the buffer go. */
        doc = cm_parse_prefix(view.buf, (size_t)view.len, file_size, &opts, &err);
        PyObject *result;
        if (doc)
            result = build_flac(module, cm_doc_flac(doc));
        else if (err.code == CM_NEED_MORE)
            result = PyLong_FromUnsignedLongLong((unsigned long long)err.need_bytes);
        else
            result = cm_py_raise_parse_error(module, &err, NULL);
        cm_doc_free(doc);
        PyBuffer_Release(&view);
        return result;
    }

    if (cm_py_read_path(source, &opts, &doc, &err) < 0)
        return NULL;
    PyObject *result = doc ? build_flac(module, cm_doc_flac(doc)) : cm_py_raise_parse_error(module, &err, source);
    cm_doc_free(doc);
    return result;
}

const char cm_py_read_flac_streaminfo_doc[] =
    "read_flac_streaminfo(body)\n--\n\n"
    "Decode a STREAMINFO block body.  Returns (fields, length).";

PyObject *cm_py_read_flac_streaminfo(PyObject *module, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    cm_flac_streaminfo si;
    cm_error err;
    PyObject *result;
    if (cm_flac_decode_streaminfo(view.buf, (size_t)view.len, 0, &si, &err) != CM_OK)
        result = cm_py_raise_parse_error(module, &err, NULL);
    else
        result = Py_BuildValue("(Nd)", build_streaminfo(&si), cm_flac_streaminfo_length(&si));
    PyBuffer_Release(&view);
    return result;
}

const char cm_py_read_flac_picture_doc[] =
    "read_flac_picture(body)\n--\n\n"
    "Decode a PICTURE block body.  Returns (fields, bytes_consumed).";

PyObject *cm_py_read_flac_picture(PyObject *module, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    cm_cursor cur = cm_cursor_make(view.buf, (size_t)view.len);
    cm_flac_picture pic;
    PyObject *result;
    if (!cm_flac_decode_picture(&cur, &pic)) {
        cm_error err;
        cm_fail(&err, CM_ERR_TRUNCATED, CM_PART_CONTAINER, cur.pos,
                "PICTURE block ends inside its fields (%zu bytes given)", (size_t)view.len);
        result = cm_py_raise_parse_error(module, &err, NULL);
    } else {
        result = Py_BuildValue("(Nn)", build_picture(&pic), (Py_ssize_t)cur.pos);
    }
    PyBuffer_Release(&view);
    return result;
}
