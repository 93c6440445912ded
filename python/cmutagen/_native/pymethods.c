/* SPDX-License-Identifier: GPL-2.0-or-later */
/* C bodies for methods of cmutagen's Python classes that a program reading
 * every tag calls once per tag, where a C body is measurably faster:
 * TextFrame.__str__ (every ID3 text frame), VCommentDict.__getitem__ and
 * keys() (every Vorbis comment: Ogg, and FLAC's VCFLACDict).
 *
 * The classes stay Python classes: their modules replace a method with the
 * method descriptor c_method() makes here.  Each body does exactly what the
 * Python body it replaces did, through the same operations, so values and
 * errors are the same (tests/python/test_pymethods.py); only the Python
 * frame per call goes.
 *
 * A method reached through a slot gains (str(frame) goes through tp_str
 * whatever the body is: 1.2 µs of the 10.5 µs touch of a library MP3), and
 * so does a long body (VCommentDict.__getitem__ checks and lowers its key on
 * every call).  A short Python __getitem__ is inlined by the interpreter's
 * specialisation of subscripts, and a C one measured no faster, so
 * DictProxy keeps its own. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdbool.h>
#include <string.h>

#include "native.h"
#include "pymethods.h"

/* Interned once: attribute lookups by an interned name hit the type
 * attribute cache. */
static PyObject *text_name;    /* "text" */
static PyObject *nul;          /* "\0", TextFrame's value separator */
static PyObject *index_name;   /* "_index", VCommentDict's lookup dict or None */
static PyObject *lookup_name;  /* "_lookup", which builds it */
static PyObject *general_name; /* "_getitem_general", the Python form for other keys */

/* TextFrame.__str__: "\0".join(self.text) */
static PyObject *text_frame_str(PyObject *self, PyObject *unused)
{
    (void)unused;
    PyObject *text = PyObject_GetAttr(self, text_name);
    if (!text)
        return NULL;
    PyObject *joined = PyUnicode_Join(nul, text);
    Py_DECREF(text);
    return joined;
}

/* key.lower() for a valid Vorbis comment field name (non-empty ASCII
 * 0x20-0x7D without '='), checked and lowered on every call as the Python
 * form does; NULL with a bare ValueError for any other str, as it raises. */
static PyObject *valid_key_lowered(PyObject *key)
{
    bool valid = PyUnicode_IS_ASCII(key) && PyUnicode_GET_LENGTH(key) > 0;
    const Py_UCS1 *s = valid ? PyUnicode_1BYTE_DATA(key) : NULL;
    for (Py_ssize_t i = 0; valid && i < PyUnicode_GET_LENGTH(key); i++)
        valid = s[i] >= 0x20 && s[i] <= 0x7D && s[i] != '=';
    if (!valid) {
        PyErr_SetNone(PyExc_ValueError);
        return NULL;
    }
    return cm_py_key_lower(key);
}

/* self._index, built by self._lookup() when it is None (new reference). */
static PyObject *vcomment_index(PyObject *self)
{
    PyObject *index = PyObject_GetAttr(self, index_name);
    if (index != Py_None)
        return index;
    Py_DECREF(index);
    return PyObject_CallMethodNoArgs(self, lookup_name);
}

/* VCommentDict.__getitem__ for a str key: a copy of the values stored under
 * it, lowered; KeyError(lowered) when there are none.  Other keys (slices,
 * str subclasses, the wrong types) go to the Python form. */
static PyObject *vcomment_getitem(PyObject *self, PyObject *key)
{
    if (!PyUnicode_CheckExact(key))
        return PyObject_CallMethodOneArg(self, general_name, key);
    PyObject *lowered = valid_key_lowered(key);
    if (!lowered)
        return NULL;
    PyObject *index = vcomment_index(self), *values = NULL, *result = NULL;
    if (index && PyDict_CheckExact(index)) {
        values = PyDict_GetItemWithError(index, lowered);
        Py_XINCREF(values);
    } else if (index) {
        values = PyObject_CallMethod(index, "get", "O", lowered);
    }
    int truth = values ? PyObject_IsTrue(values) : (PyErr_Occurred() ? -1 : 0);
    if (truth == 0)
        PyErr_SetObject(PyExc_KeyError, lowered);
    else if (truth > 0)
        result = PySequence_GetSlice(values, 0, PY_SSIZE_T_MAX);
    Py_XDECREF(values);
    Py_XDECREF(index);
    Py_DECREF(lowered);
    return result;
}

/* VCommentDict.keys: the lowered names as a list of a set built by adding
 * them one by one in the index's order, which gives the set (and so the
 * order) that a set comprehension over the index gives. */
static PyObject *vcomment_keys(PyObject *self, PyObject *unused)
{
    (void)unused;
    PyObject *index = PyObject_CallMethodNoArgs(self, lookup_name);
    PyObject *set = index ? PySet_New(NULL) : NULL;
    PyObject *it = set ? PyObject_GetIter(index) : NULL, *name, *result = NULL;
    if (it) {
        while ((name = PyIter_Next(it)) != NULL) {
            int rc = PySet_Add(set, name);
            Py_DECREF(name);
            if (rc < 0)
                break;
        }
        if (!PyErr_Occurred())
            result = PySequence_List(set);
        Py_DECREF(it);
    }
    Py_XDECREF(set);
    Py_XDECREF(index);
    return result;
}

/* Each class's methods with a C body. */
static struct {
    const char *class_name;
    PyMethodDef def;
} methods[] = {
    {"TextFrame", {"__str__", text_frame_str, METH_NOARGS, "The values joined by NUL characters."}},
    {"VCommentDict",
     {"__getitem__", vcomment_getitem, METH_O, "The values stored under a key (case-insensitive)."}},
    {"VCommentDict", {"keys", vcomment_keys, METH_NOARGS, "The lower-cased keys, as a list."}},
};

const char cm_py_c_method_doc[] =
    "c_method(cls, name)\n--\n\n"
    "The C body of cls.name (cls one of the classes listed in pymethods.c) as a\n"
    "method descriptor of cls; ValueError for a method without one.";

static int intern_names(void)
{
    static const struct {
        PyObject **slot;
        const char *text;
    } names[] = {
        {&text_name, "text"},
        {&index_name, "_index"},
        {&lookup_name, "_lookup"},
        {&general_name, "_getitem_general"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!*names[i].slot && !(*names[i].slot = PyUnicode_InternFromString(names[i].text)))
            return -1;
    if (!nul && !(nul = PyUnicode_FromStringAndSize("\0", 1)))
        return -1;
    return 0;
}

PyObject *cm_py_c_method(PyObject *module, PyObject *args)
{
    (void)module;
    PyTypeObject *cls;
    const char *name;
    if (!PyArg_ParseTuple(args, "O!s:c_method", &PyType_Type, &cls, &name))
        return NULL;
    if (intern_names() < 0)
        return NULL;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(methods[i].class_name, cls->tp_name) == 0 &&
            strcmp(methods[i].def.ml_name, name) == 0)
            return PyDescr_NewMethod(cls, &methods[i].def);
    return PyErr_Format(PyExc_ValueError, "c_method: no C body for %s.%s", cls->tp_name, name);
}
