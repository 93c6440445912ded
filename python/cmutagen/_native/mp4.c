/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mp4: the MP4 read path of cmutagen.mp4 in one call.
 *
 * read_mp4(source[, file_size]) parses an MP4 file with libcmutagen (a path
 * is read with the GIL released; a bytes-like object is the head of a file
 * of file_size bytes) and returns what MP4.load needs as plain values:
 *
 *   (info, tags, chapters)
 *   info:     a dict to become MP4Info's __dict__: the attributes mutagen
 *             sets, in its order ({} when the file gives none)
 *   tags:     None (no moov.udta.meta.ilst) or (padding, items); each item
 *             is (key, datas, body): key as mutagen names it ("\xa9nam",
 *             "----:com.apple.iTunes:NAME"), datas a list of (flags,
 *             payload) for its data atoms (flags: version byte and 24-bit
 *             type) or None, and then body, the item atom's contents, for
 *             the general parse
 *   chapters: None or (timescale, duration, [(start, title), ...])
 *
 * It returns None when the file is not one the fast path reproduces
 * exactly (an error anywhere, titles that are not UTF-8, ...): the caller
 * then takes the general way, which raises mutagen's exceptions.  For a
 * bytes-like source it returns an int when it needs the first that many
 * bytes of the file (the _util.read_file_prefix protocol). */
#include "mp4.h"

#include <string.h>

#include "cmutagen.h"

const char cm_py_read_mp4_doc[] =
    "read_mp4(source, file_size=None)\n--\n\n"
    "Read an MP4 file: (info, tags, chapters), an int (bytes needed) or None.";

/* The item's key as mutagen spells it: the name's bytes as Latin-1, and
 * for freeform items "----:" mean ":" name, Latin-1 as well. */
static PyObject *item_key(const cm_mp4_item *item)
{
    if (item->well_formed && memcmp(item->name, "----", 4) == 0) {
        size_t n = 5 + item->mean.len + 1 + item->key.len;
        PyObject *s = PyUnicode_New((Py_ssize_t)n, 255);
        if (!s)
            return NULL;
        Py_UCS1 *d = PyUnicode_1BYTE_DATA(s);
        memcpy(d, "----:", 5);
        memcpy(d + 5, item->mean.ptr, item->mean.len);
        d[5 + item->mean.len] = ':';
        memcpy(d + 6 + item->mean.len, item->key.ptr, item->key.len);
        return s;
    }
    return PyUnicode_DecodeLatin1((const char *)item->name, 4, NULL);
}

static PyObject *build_item(const cm_mp4_item *item)
{
    PyObject *key = item_key(item);
    if (!key)
        return NULL;
    /* A data atom with a locale cannot be rendered back from (flags,
     * payload): those items go the general way with their body. */
    bool plain = item->well_formed;
    for (size_t i = 0; plain && i < item->data_count; i++)
        plain = item->data[i].locale == 0;
    PyObject *datas = NULL, *body = NULL, *result = NULL;
    if (plain) {
        datas = PyList_New((Py_ssize_t)item->data_count);
        if (!datas)
            goto done;
        for (size_t i = 0; i < item->data_count; i++) {
            const cm_mp4_data *d = &item->data[i];
            PyObject *t = Py_BuildValue("(ky#)", (unsigned long)((uint32_t)d->version << 24 | d->type),
                                        (const char *)d->value.ptr, (Py_ssize_t)d->value.len);
            if (!t)
                goto done;
            PyList_SET_ITEM(datas, (Py_ssize_t)i, t);
        }
        result = PyTuple_Pack(3, key, datas, Py_None);
    } else {
        body = PyBytes_FromStringAndSize((const char *)item->body.ptr, (Py_ssize_t)item->body.len);
        if (body)
            result = PyTuple_Pack(3, key, Py_None, body);
    }
done:
    Py_DECREF(key);
    Py_XDECREF(datas);
    Py_XDECREF(body);
    return result;
}

static int set_item(PyObject *dict, const char *key, PyObject *value)
{
    if (!value)
        return -1;
    int r = PyDict_SetItemString(dict, key, value);
    Py_DECREF(value);
    return r;
}

static PyObject *build_info(const cm_mp4_info *info)
{
    PyObject *d = PyDict_New();
    if (!d)
        return NULL;
    if (info->fields & CM_MP4_HAS_LENGTH) {
        PyObject *length = info->zero_timescale ? PyLong_FromLong(0) : PyFloat_FromDouble(info->length);
        if (set_item(d, "length", length) < 0)
            goto fail;
    }
    if (info->fields & CM_MP4_HAS_SAMPLE_ENTRY) {
        if (set_item(d, "channels", PyLong_FromUnsignedLong(info->channels)) < 0 ||
            set_item(d, "bits_per_sample", PyLong_FromUnsignedLong(info->bits_per_sample)) < 0 ||
            set_item(d, "sample_rate", PyLong_FromUnsignedLong(info->sample_rate)) < 0 ||
            set_item(d, "bitrate", PyLong_FromUnsignedLongLong(info->bitrate)) < 0 ||
            set_item(d, "codec", PyUnicode_FromStringAndSize(info->codec.ptr,
                                                             (Py_ssize_t)info->codec.len)) < 0 ||
            set_item(d, "codec_description",
                     PyUnicode_FromStringAndSize(info->codec_description.ptr,
                                                 (Py_ssize_t)info->codec_description.len)) < 0)
            goto fail;
    }
    return d;
fail:
    Py_DECREF(d);
    return NULL;
}

/* Py_None (with a new reference) when a title is not UTF-8: the general
 * way then raises mutagen's error. */
static PyObject *build_chapters(const cm_mp4 *m, bool *fallback)
{
    if (!m->has_chapters)
        return Py_NewRef(Py_None);
    PyObject *list = PyList_New((Py_ssize_t)m->chapter_count);
    if (!list)
        return NULL;
    for (size_t i = 0; i < m->chapter_count; i++) {
        const cm_mp4_chapter *c = &m->chapters[i];
        if (!cm_utf8_valid(c->title)) {
            *fallback = true;
            Py_DECREF(list);
            return Py_NewRef(Py_None);
        }
        PyObject *t = Py_BuildValue("(ds#)", c->start, c->title.ptr, (Py_ssize_t)c->title.len);
        if (!t) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    PyObject *r = Py_BuildValue("(kKN)", (unsigned long)m->timescale,
                                (unsigned long long)m->duration, list);
    return r;
}

static PyObject *build_tags(const cm_mp4 *m)
{
    if (!m->has_tags)
        return Py_NewRef(Py_None);
    PyObject *items = PyList_New((Py_ssize_t)m->item_count);
    if (!items)
        return NULL;
    for (size_t i = 0; i < m->item_count; i++) {
        PyObject *item = build_item(&m->items[i]);
        if (!item) {
            Py_DECREF(items);
            return NULL;
        }
        PyList_SET_ITEM(items, (Py_ssize_t)i, item);
    }
    return Py_BuildValue("(KN)", (unsigned long long)m->padding, items);
}

static PyObject *build_result(const cm_mp4 *m)
{
    bool fallback = false;
    PyObject *info = build_info(&m->info);
    PyObject *tags = info ? build_tags(m) : NULL;
    PyObject *chapters = tags ? build_chapters(m, &fallback) : NULL;
    PyObject *result = NULL;
    if (chapters)
        result = fallback ? Py_NewRef(Py_None) : PyTuple_Pack(3, info, tags, chapters);
    Py_XDECREF(info);
    Py_XDECREF(tags);
    Py_XDECREF(chapters);
    return result;
}

PyObject *cm_py_read_mp4(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "read_mp4() takes a source and an optional file size");
        return NULL;
    }
    PyObject *source = args[0];
    cm_read_opts opts = {CM_FORMAT_MP4};
    cm_error err;
    cm_doc *doc;
    PyObject *result;

    if (PyObject_CheckBuffer(source)) {
        Py_buffer view;
        if (PyObject_GetBuffer(source, &view, PyBUF_SIMPLE) < 0)
            return NULL;
        unsigned long long file_size = (unsigned long long)view.len;
        if (nargs == 2 && args[1] != Py_None) {
            file_size = PyLong_AsUnsignedLongLong(args[1]);
            if (PyErr_Occurred()) {
                PyBuffer_Release(&view);
                return NULL;
            }
        }
        /* The document points into the buffer: build before releasing it. */
        doc = cm_parse_prefix(view.buf, (size_t)view.len, file_size, &opts, &err);
        if (doc)
            result = build_result(cm_doc_mp4(doc));
        else if (err.code == CM_NEED_MORE)
            result = PyLong_FromUnsignedLongLong((unsigned long long)err.need_bytes);
        else if (err.code == CM_ERR_NOMEM)
            result = PyErr_NoMemory();
        else
            result = Py_NewRef(Py_None);
        cm_doc_free(doc);
        PyBuffer_Release(&view);
        return result;
    }

    PyObject *path = NULL;
    if (!PyUnicode_FSConverter(source, &path))
        return NULL;
    const char *cpath = PyBytes_AS_STRING(path);
    Py_BEGIN_ALLOW_THREADS
    doc = cm_read_file(cpath, &opts, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (doc)
        result = build_result(cm_doc_mp4(doc));
    else if (err.code == CM_ERR_NOMEM)
        result = PyErr_NoMemory();
    else
        result = Py_NewRef(Py_None);
    cm_doc_free(doc);
    return result;
}
