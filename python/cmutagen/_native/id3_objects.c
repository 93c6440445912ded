/* SPDX-License-Identifier: GPL-2.0-or-later */
/* id3_objects: ID3v2 frames read straight into cmutagen.id3 frame objects.
 *
 * id3_read_frames does what cmutagen.id3._tags.read_frames does (that Python
 * function stays the reference): it walks the frames of a tag body and turns
 * each into a frame object.  Frames of the common kinds are built here, as
 * `cls.__new__(cls)` with the instance __dict__ filled with exactly the
 * values the specs' read() would give; anything this file is not sure to
 * decode the same way (odd text encodings, frame format flags, values that
 * do not fit) goes to the Python `cls._fromData`, which also decides what
 * is junk.
 *
 * Which classes are built here, and how, comes from a table the Python side
 * derives from each class's _framespec (see _tags._native_context): one
 * opcode per spec, so nothing about the frame classes is repeated here. */
#include "id3_objects.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Opcodes: one per spec class whose read() is reproduced here.  Each is
 * stored as two bytes (opcode, argument) in an entry's program. */
enum {
    OP_ENCODING = 1,  /* EncodingSpec: byte 0..3 -> Encoding member */
    OP_LATIN1,        /* Latin1TextSpec: up to a zero byte */
    OP_STRING,        /* StringSpec(arg): arg ASCII bytes (fewer at the end) */
    OP_PICTYPE,       /* PictureTypeSpec: byte -> PictureType */
    OP_BYTE,          /* ByteSpec: byte -> int */
    OP_ETEXT,         /* EncodedTextSpec (and its numeric kinds) */
    OP_BINARY,        /* BinaryDataSpec: the rest, as bytes */
    OP_INTEGER,       /* IntegerSpec: the rest as a big-endian int */
    OP_SIZEDINT,      /* SizedIntegerSpec(arg): arg bytes big-endian */
    OP_MULTI_TEXT,    /* MultiSpec of one EncodedTextSpec: list of str */
    OP_MULTI_STAMP,   /* MultiSpec of one TimeStampSpec: list of ID3TimeStamp */
    OP_MULTI_PAIRS,   /* MultiSpec of two EncodedTextSpecs: list of [a, b] */
};

/* The context tuple built once by the Python side. */
enum {
    CTX_TABLE,       /* dict: frame class -> entry tuple (see ENTRY_*) */
    CTX_ENCODINGS,   /* tuple of the 4 Encoding members */
    CTX_PICTYPES,    /* tuple of 256 PictureType values */
    CTX_TIMESTAMP,   /* the ID3TimeStamp class */
    CTX_JUNK,        /* ID3JunkFrameError */
    CTX_FRAMES_2_2,  /* the Frames_2_2 dict */
    CTX_NO_ARGS,     /* (): the arguments of object.__new__(cls) */
    CTX_STAMP_FIELDS, /* ID3TimeStamp's six field names, or None: always
                       * construct ID3TimeStamp(text) */
    CTX_SIZE
};

enum {
    ENTRY_PROGRAM,   /* bytes: (opcode, argument) per field */
    ENTRY_NAMES,     /* tuple of str: the field names, in order */
    ENTRY_REQUIRED,  /* int: how many fields are _framespec (the rest optional) */
    ENTRY_FRAME_ID,  /* str: the class name */
    ENTRY_HASH,      /* tuple of field indices joined after the frame ID in
                      * HashKey, or None when HashKey is not such a join */
    ENTRY_SIZE
};

#define MAX_FIELDS 16

/* Frame format flags after which the body is not the plain field data. */
#define FLAG24_SPECIAL 0x000F /* compression, encryption, unsync, data length */
#define FLAG23_SPECIAL 0x00C0 /* compression, encryption */

/* Result of a field reader: the value was read, or the Python specs must
 * decide (nothing set), or an exception is set. */
typedef enum { RD_OK = 1, RD_FALLBACK = 0, RD_ERROR = -1 } read_result;

typedef struct {
    const unsigned char *p;
    Py_ssize_t len;
    Py_ssize_t pos;
} cursor;

static Py_ssize_t left(const cursor *c)
{
    return c->len - c->pos;
}

/* A failed decode asks the Python specs to decide (they try fixups, or call
 * the frame junk); any other exception is real. */
static read_result decode_failed(void)
{
    if (PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
        PyErr_Clear();
        return RD_FALLBACK;
    }
    return RD_ERROR;
}

/* Offset of the first zero code unit of two bytes at an even offset. */
static Py_ssize_t find_zero_unit(const unsigned char *p, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i + 1 < n; i += 2)
        if (p[i] == 0 && p[i + 1] == 0)
            return i;
    return -1;
}

static bool all_zero(const unsigned char *p, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* One EncodedTextSpec value in encoding `enc`, as _util.decode_terminated
 * finds it.  UTF-16 without a byte order mark, and text that ends in half
 * a code unit, are left to the specs (they try repaired versions). */
static read_result read_etext(cursor *c, int enc, bool v24, PyObject **out)
{
    const unsigned char *p = c->p + c->pos;
    Py_ssize_t n = left(c);
    Py_ssize_t end, next;
    PyObject *text;

    if (enc == 0 || enc == 3) {
        const unsigned char *zero = memchr(p, 0, (size_t)n);
        end = zero ? zero - p : n;
        next = zero ? end + 1 : n;
        text = enc == 0 ? PyUnicode_DecodeLatin1((const char *)p, end, NULL)
                        : PyUnicode_DecodeUTF8((const char *)p, end, NULL);
    } else {
        /* UTF-16 ("utf16" reads the byte order mark) or UTF-16BE */
        Py_ssize_t start = 0;
        int byteorder = 1;
        if (enc == 1) {
            if (n < 2 || !((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
                return RD_FALLBACK;
            start = 2;
            byteorder = 0;
        }
        Py_ssize_t zero = find_zero_unit(p + start, n - start);
        if (zero >= 0) {
            end = start + zero;
            next = end + 2;
        } else {
            if (n % 2)
                return RD_FALLBACK;
            end = next = n;
        }
        text = PyUnicode_DecodeUTF16((const char *)p, end, NULL, &byteorder);
    }
    if (!text)
        return decode_failed();
    /* Before v2.4 zeros after the terminator are padding, not a value. */
    if (!v24 && all_zero(p + next, n - next))
        next = n;
    c->pos += next;
    *out = text;
    return RD_OK;
}

/* An unsigned big-endian integer of n bytes (n <= 8). */
static PyObject *be_int(const unsigned char *p, Py_ssize_t n)
{
    unsigned long long v = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return PyLong_FromUnsignedLongLong(v);
}

/* ID3TimeStamp(text) built here for the text C is sure to split as
 * ID3TimeStamp.set_text does: ASCII digits separated by one of "-T:/." or
 * a run of spaces, six parts at most read (missing ones None).  Returns a
 * new reference, or NULL without an exception to have the class do it. */
static PyObject *fast_stamp(PyObject *ctx, PyObject *text)
{
    PyObject *fields = PyTuple_GET_ITEM(ctx, CTX_STAMP_FIELDS);
    if (!PyTuple_CheckExact(fields) || PyTuple_GET_SIZE(fields) != 6 || !PyUnicode_IS_ASCII(text))
        return NULL;
    const char *s = (const char *)PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    long long values[6];
    bool present[6] = {false, false, false, false, false, false};
    Py_ssize_t i = 0;
    for (int part = 0; part < 6; part++) {
        Py_ssize_t start = i;
        long long v = 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (i - start >= 18)
                return NULL; /* let int() judge long numbers */
            v = v * 10 + (s[i] - '0');
        }
        present[part] = i > start;
        values[part] = v;
        if (i >= n)
            break;
        if (s[i] == ' ') {
            while (i < n && s[i] == ' ')
                i++;
        } else if (s[i] == '-' || s[i] == 'T' || s[i] == ':' || s[i] == '/' || s[i] == '.') {
            i++;
        } else {
            return NULL;
        }
    }
    PyObject *stamp = PyBaseObject_Type.tp_new((PyTypeObject *)PyTuple_GET_ITEM(ctx, CTX_TIMESTAMP),
                                               PyTuple_GET_ITEM(ctx, CTX_NO_ARGS), NULL);
    PyObject *dict = stamp ? PyObject_GenericGetDict(stamp, NULL) : NULL;
    int failed = !dict;
    for (int k = 0; !failed && k < 6; k++) {
        PyObject *value = present[k] ? PyLong_FromLongLong(values[k]) : Py_NewRef(Py_None);
        failed = !value || PyDict_SetItem(dict, PyTuple_GET_ITEM(fields, k), value) < 0;
        Py_XDECREF(value);
    }
    Py_XDECREF(dict);
    if (failed) {
        Py_XDECREF(stamp);
        return NULL; /* with the exception set */
    }
    return stamp;
}

/* A list of values while data is left (MultiSpec.read with one or two
 * EncodedTextSpecs, or a TimeStampSpec). */
static read_result read_multi(cursor *c, int op, int enc, bool v24, PyObject *ctx,
                              PyObject **out)
{
    PyObject *list = PyList_New(0);
    if (!list)
        return RD_ERROR;
    read_result r = RD_OK;
    while (left(c) > 0) {
        PyObject *value = NULL;
        r = read_etext(c, enc, v24, &value);
        if (r != RD_OK)
            break;
        if (op == OP_MULTI_STAMP) {
            PyObject *stamp = fast_stamp(ctx, value);
            if (!stamp && !PyErr_Occurred())
                stamp = PyObject_CallOneArg(PyTuple_GET_ITEM(ctx, CTX_TIMESTAMP), value);
            Py_DECREF(value);
            if (!stamp) {
                r = RD_ERROR;
                break;
            }
            value = stamp;
        } else if (op == OP_MULTI_PAIRS) {
            /* a record whose data ends after its first field: left to
             * the specs, which read the second as empty text */
            PyObject *second = NULL;
            r = left(c) > 0 ? read_etext(c, enc, v24, &second) : RD_FALLBACK;
            if (r != RD_OK) {
                Py_DECREF(value);
                break;
            }
            PyObject *pair = PyList_New(2);
            if (!pair) {
                Py_DECREF(value);
                Py_DECREF(second);
                r = RD_ERROR;
                break;
            }
            PyList_SET_ITEM(pair, 0, value);
            PyList_SET_ITEM(pair, 1, second);
            value = pair;
        }
        int failed = PyList_Append(list, value);
        Py_DECREF(value);
        if (failed) {
            r = RD_ERROR;
            break;
        }
    }
    if (r != RD_OK) {
        Py_DECREF(list);
        return r;
    }
    *out = list;
    return RD_OK;
}

/* One field.  `enc` is the frame's encoding read so far (-1: none). */
static read_result read_field(cursor *c, int op, int arg, int enc, bool v24, PyObject *ctx,
                              PyObject **out)
{
    const unsigned char *p = c->p + c->pos;
    Py_ssize_t n = left(c);
    switch (op) {
    case OP_ENCODING:
        if (p[0] > 3)
            return RD_FALLBACK;
        *out = Py_NewRef(PyTuple_GET_ITEM(PyTuple_GET_ITEM(ctx, CTX_ENCODINGS), p[0]));
        c->pos++;
        return RD_OK;
    case OP_PICTYPE:
        *out = Py_NewRef(PyTuple_GET_ITEM(PyTuple_GET_ITEM(ctx, CTX_PICTYPES), p[0]));
        c->pos++;
        return RD_OK;
    case OP_BYTE:
        *out = PyLong_FromLong(p[0]);
        c->pos++;
        return *out ? RD_OK : RD_ERROR;
    case OP_LATIN1: {
        const unsigned char *zero = memchr(p, 0, (size_t)n);
        Py_ssize_t end = zero ? zero - p : n;
        *out = PyUnicode_DecodeLatin1((const char *)p, end, NULL);
        c->pos += zero ? end + 1 : n;
        return *out ? RD_OK : RD_ERROR;
    }
    case OP_STRING: {
        Py_ssize_t end = n < arg ? n : arg;
        for (Py_ssize_t i = 0; i < end; i++)
            if (p[i] > 0x7F)
                return RD_FALLBACK;
        *out = PyUnicode_DecodeASCII((const char *)p, end, NULL);
        c->pos += end;
        return *out ? RD_OK : RD_ERROR;
    }
    case OP_BINARY:
        *out = PyBytes_FromStringAndSize((const char *)p, n);
        c->pos = c->len;
        return *out ? RD_OK : RD_ERROR;
    case OP_INTEGER:
        if (n > 8)
            return RD_FALLBACK;
        *out = be_int(p, n);
        c->pos = c->len;
        return *out ? RD_OK : RD_ERROR;
    case OP_SIZEDINT: {
        Py_ssize_t end = n < arg ? n : arg;
        *out = be_int(p, end);
        c->pos += end;
        return *out ? RD_OK : RD_ERROR;
    }
    case OP_ETEXT:
        return enc < 0 ? RD_FALLBACK : read_etext(c, enc, v24, out);
    case OP_MULTI_TEXT:
    case OP_MULTI_STAMP:
    case OP_MULTI_PAIRS:
        return enc < 0 ? RD_FALLBACK : read_multi(c, op, enc, v24, ctx, out);
    default:
        return RD_FALLBACK;
    }
}

/* The frame object for `entry` from the field data, or RD_FALLBACK when the
 * specs must read it.  On RD_OK *key is its HashKey, or NULL if only the
 * Python property can tell. */
static read_result build_frame(PyObject *ctx, PyObject *cls, PyObject *entry,
                               const unsigned char *data, Py_ssize_t len, bool v24,
                               PyObject **frame_out, PyObject **key_out)
{
    if (!PyTuple_CheckExact(entry) || PyTuple_GET_SIZE(entry) != ENTRY_SIZE ||
        !PyBytes_CheckExact(PyTuple_GET_ITEM(entry, ENTRY_PROGRAM)) ||
        !PyTuple_CheckExact(PyTuple_GET_ITEM(entry, ENTRY_NAMES)) ||
        !PyUnicode_CheckExact(PyTuple_GET_ITEM(entry, ENTRY_FRAME_ID)) ||
        !(PyTuple_GET_ITEM(entry, ENTRY_HASH) == Py_None ||
          PyTuple_CheckExact(PyTuple_GET_ITEM(entry, ENTRY_HASH))))
        return RD_FALLBACK;
    PyObject *program = PyTuple_GET_ITEM(entry, ENTRY_PROGRAM);
    PyObject *names = PyTuple_GET_ITEM(entry, ENTRY_NAMES);
    Py_ssize_t required = PyLong_AsSsize_t(PyTuple_GET_ITEM(entry, ENTRY_REQUIRED));
    const unsigned char *ops = (const unsigned char *)PyBytes_AS_STRING(program);
    Py_ssize_t count = PyBytes_GET_SIZE(program) / 2;
    if (count > MAX_FIELDS || count != PyTuple_GET_SIZE(names) || required < 0)
        return RD_FALLBACK;

    PyObject *values[MAX_FIELDS];
    Py_ssize_t got = 0;
    cursor c = {data, len, 0};
    int enc = -1;
    read_result r = RD_OK;
    for (; got < count; got++) {
        int op = ops[2 * got];
        if (left(&c) == 0 && op != OP_BINARY) {
            if (got < required)
                r = RD_FALLBACK; /* "no data left": junk, as the specs say */
            break;              /* optional fields stop where the data does */
        }
        r = read_field(&c, op, ops[2 * got + 1], enc, v24, ctx, &values[got]);
        if (r != RD_OK)
            break;
        if (op == OP_ENCODING)
            enc = (int)PyLong_AsLong(values[got]);
    }

    PyObject *frame = NULL, *dict = NULL, *key = NULL;
    if (r == RD_OK) {
        frame = PyBaseObject_Type.tp_new((PyTypeObject *)cls, PyTuple_GET_ITEM(ctx, CTX_NO_ARGS), NULL);
        dict = frame ? PyObject_GenericGetDict(frame, NULL) : NULL;
        if (!dict)
            r = RD_ERROR;
    }
    for (Py_ssize_t i = 0; r == RD_OK && i < got; i++)
        if (PyDict_SetItem(dict, PyTuple_GET_ITEM(names, i), values[i]) < 0)
            r = RD_ERROR;

    PyObject *hash = PyTuple_GET_ITEM(entry, ENTRY_HASH);
    if (r == RD_OK && hash != Py_None && PyTuple_GET_SIZE(hash) == 0) {
        /* the key is the frame ID: the entry's str, its hash already known */
        key = Py_NewRef(PyTuple_GET_ITEM(entry, ENTRY_FRAME_ID));
    } else if (r == RD_OK && hash != Py_None) {
        /* "ID:field:field", bytes fields shown as Latin-1 (_bytes2key) */
        Py_ssize_t nparts = PyTuple_GET_SIZE(hash) + 1;
        PyObject *parts = PyList_New(nparts);
        if (!parts)
            r = RD_ERROR;
        else
            PyList_SET_ITEM(parts, 0, Py_NewRef(PyTuple_GET_ITEM(entry, ENTRY_FRAME_ID)));
        for (Py_ssize_t i = 1; r == RD_OK && i < nparts; i++) {
            Py_ssize_t field = PyLong_AsSsize_t(PyTuple_GET_ITEM(hash, i - 1));
            PyObject *part = NULL;
            if (field < 0 || field >= got) {
                r = RD_FALLBACK;
                break;
            }
            if (PyUnicode_CheckExact(values[field]))
                part = Py_NewRef(values[field]);
            else if (PyBytes_CheckExact(values[field]))
                part = PyUnicode_DecodeLatin1(PyBytes_AS_STRING(values[field]),
                                              PyBytes_GET_SIZE(values[field]), NULL);
            else
                r = RD_FALLBACK;
            if (r == RD_OK && !part)
                r = RD_ERROR;
            if (part)
                PyList_SET_ITEM(parts, i, part);
        }
        if (r == RD_OK) {
            PyObject *sep = PyUnicode_FromOrdinal(':');
            key = sep ? PyUnicode_Join(sep, parts) : NULL;
            Py_XDECREF(sep);
            if (!key)
                r = RD_ERROR;
        }
        Py_XDECREF(parts);
    }

    for (Py_ssize_t i = 0; i < got; i++)
        Py_DECREF(values[i]);
    Py_XDECREF(dict);
    if (r != RD_OK) {
        Py_XDECREF(frame);
        Py_XDECREF(key);
        return r;
    }
    *frame_out = frame;
    *key_out = key;
    return RD_OK;
}

/* is_valid_frame_id for an ASCII name: upper-case letters and digits, at
 * least one letter. */
static bool valid_ascii_id(const unsigned char *id, Py_ssize_t n)
{
    bool letter = false;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (id[i] >= 'A' && id[i] <= 'Z')
            letter = true;
        else if (id[i] < '0' || id[i] > '9')
            return false;
    }
    return letter;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* BitPaddedInt(size): seven bits from each byte. */
static uint32_t syncsafe(uint32_t v)
{
    return (v & 0x7F) | (v >> 8 & 0x7F) << 7 | (v >> 16 & 0x7F) << 14 | (v >> 24 & 0x7F) << 21;
}

/* `key in frames` for a mapping (1, 0, or -1 with an exception set). */
static int mapping_has(PyObject *frames, PyObject *key)
{
    if (PyDict_CheckExact(frames))
        return PyDict_Contains(frames, key);
    return PySequence_Contains(frames, key);
}

/* `frames[name]`: a new reference, NULL without an exception on KeyError. */
static PyObject *mapping_get(PyObject *frames, PyObject *name)
{
    if (PyDict_CheckExact(frames)) {
        PyObject *v = PyDict_GetItemWithError(frames, name);
        return Py_XNewRef(v);
    }
    PyObject *v = PyObject_GetItem(frames, name);
    if (!v && PyErr_ExceptionMatches(PyExc_KeyError))
        PyErr_Clear();
    return v;
}

/* determine_bpi's walk: known frame IDs met, and how far past the end of the
 * data the walk ended (<= 0 inside). */
static int bpi_walk(const unsigned char *d, Py_ssize_t len, PyObject *frames, bool synchsafe,
                    Py_ssize_t *found, Py_ssize_t *over)
{
    Py_ssize_t pos = 0;
    *found = 0;
    while (pos < len - 10) {
        const unsigned char *h = d + pos;
        if (all_zero(h, 10)) {
            *over = -((len - pos) % 10);
            return 0;
        }
        uint32_t size = be32(h + 4);
        pos += 10 + (Py_ssize_t)(synchsafe ? syncsafe(size) : size);
        PyObject *name = PyUnicode_DecodeLatin1((const char *)h, 4, NULL);
        if (!name)
            return -1;
        int known = mapping_has(frames, name);
        Py_DECREF(name);
        if (known < 0)
            return -1;
        *found += known;
    }
    *over = pos - len;
    return 0;
}

/* 1 if a v2.4 tag's frame sizes are synchsafe (determine_bpi), 0 if plain
 * ints, -1 on error. */
static int sizes_synchsafe(const unsigned char *d, Py_ssize_t len, PyObject *frames)
{
    Py_ssize_t asbpi, bpi_over, asint, int_over;
    if (bpi_walk(d, len, frames, true, &asbpi, &bpi_over) < 0 ||
        bpi_walk(d, len, frames, false, &asint, &int_over) < 0)
        return -1;
    if (asint > asbpi || (asint == asbpi && bpi_over >= 1 && int_over <= 1))
        return 0;
    return 1;
}

/* The 4-letter class name a v2.2 ID found in a v2.3/2.4 tag is read as
 * (Frames_2_2[id].__bases__[0].__name__), or NULL without an exception if
 * the ID is not a v2.2 one. */
static PyObject *v22_upgrade_name(PyObject *ctx, const unsigned char *id)
{
    PyObject *short_id = PyUnicode_DecodeASCII((const char *)id, 3, NULL);
    if (!short_id)
        return NULL;
    PyObject *cls = mapping_get(PyTuple_GET_ITEM(ctx, CTX_FRAMES_2_2), short_id);
    Py_DECREF(short_id);
    if (!cls)
        return NULL;
    PyObject *bases = PyObject_GetAttrString(cls, "__bases__");
    Py_DECREF(cls);
    PyObject *base = bases ? PySequence_GetItem(bases, 0) : NULL;
    Py_XDECREF(bases);
    PyObject *name = base ? PyObject_GetAttrString(base, "__name__") : NULL;
    Py_XDECREF(base);
    return name;
}

/* is_valid_frame_id(name) for any str, through str's own methods. */
static int valid_id_str(PyObject *name)
{
    PyObject *alnum = PyObject_CallMethod(name, "isalnum", NULL);
    if (!alnum)
        return -1;
    int ok = PyObject_IsTrue(alnum);
    Py_DECREF(alnum);
    if (ok != 1)
        return ok;
    PyObject *upper = PyObject_CallMethod(name, "isupper", NULL);
    if (!upper)
        return -1;
    ok = PyObject_IsTrue(upper);
    Py_DECREF(upper);
    return ok;
}

typedef struct walk {
    PyObject *ctx, *header, *frames, *sink, *add, *unsupported;
    int minor;
    bool unsync;
} walk;

static int add_unsupported(walk *w, const unsigned char *hdr, Py_ssize_t hdr_len,
                           const unsigned char *body, Py_ssize_t body_len)
{
    PyObject *raw = PyBytes_FromStringAndSize(NULL, hdr_len + body_len);
    if (!raw)
        return -1;
    memcpy(PyBytes_AS_STRING(raw), hdr, (size_t)hdr_len);
    memcpy(PyBytes_AS_STRING(raw) + hdr_len, body, (size_t)body_len);
    int failed = PyList_Append(w->unsupported, raw);
    Py_DECREF(raw);
    return failed;
}

/* Put a frame where read_frames' caller wants it: appended to a list, or
 * into the tags' dict under its key when that key is free (else the tags'
 * _add merges it, as for any frame read from a file). */
static int deliver(walk *w, PyObject *frame, PyObject *key)
{
    if (PyList_CheckExact(w->sink))
        return PyList_Append(w->sink, frame);
    if (key) {
        int present = PyDict_Contains(w->sink, key);
        if (present < 0)
            return -1;
        if (!present)
            return PyDict_SetItem(w->sink, key, frame);
    }
    PyObject *r = PyObject_CallFunctionObjArgs(w->add, frame, Py_False, NULL);
    Py_XDECREF(r);
    return r ? 0 : -1;
}

/* One frame: built here, or by cls._fromData; junk is dropped and frames
 * the specs cannot read (NotImplementedError) are kept raw. */
static int read_one(walk *w, PyObject *cls, int flags, const unsigned char *hdr,
                    Py_ssize_t hdr_len, const unsigned char *body, Py_ssize_t body_len)
{
    PyObject *entry = PyDict_GetItemWithError(PyTuple_GET_ITEM(w->ctx, CTX_TABLE), cls);
    if (!entry && PyErr_Occurred())
        return -1;
    bool plain = w->minor == 4   ? !(flags & FLAG24_SPECIAL) && !w->unsync
                 : w->minor == 3 ? !(flags & FLAG23_SPECIAL)
                                 : true;
    if (entry && plain && body_len > 0) {
        PyObject *frame = NULL, *key = NULL;
        read_result r = build_frame(w->ctx, cls, entry, body, body_len, w->minor >= 4, &frame, &key);
        if (r == RD_ERROR)
            return -1;
        if (r == RD_OK) {
            int failed = deliver(w, frame, key);
            Py_DECREF(frame);
            Py_XDECREF(key);
            return failed;
        }
    }

    PyObject *data = PyBytes_FromStringAndSize((const char *)body, body_len);
    if (!data)
        return -1;
    PyObject *frame = PyObject_CallMethod(cls, "_fromData", "OiO", w->header, flags, data);
    Py_DECREF(data);
    if (!frame) {
        if (PyErr_ExceptionMatches(PyExc_NotImplementedError)) {
            PyErr_Clear();
            return add_unsupported(w, hdr, hdr_len, body, body_len);
        }
        if (PyErr_ExceptionMatches(PyTuple_GET_ITEM(w->ctx, CTX_JUNK))) {
            PyErr_Clear();
            return 0;
        }
        return -1;
    }
    int failed = deliver(w, frame, NULL);
    Py_DECREF(frame);
    return failed;
}

/* The walk of read_frames; returns where it stopped (the rest of the data
 * is padding or junk), or -1 on error. */
static Py_ssize_t walk_frames(walk *w, const unsigned char *d, Py_ssize_t len)
{
    bool v22 = w->minor < 3;
    Py_ssize_t hdr_len = v22 ? 6 : 10;
    Py_ssize_t id_len = v22 ? 3 : 4;
    int synchsafe = 0;
    if (w->minor >= 4) {
        synchsafe = sizes_synchsafe(d, len, w->frames);
        if (synchsafe < 0)
            return -1;
    }

    Py_ssize_t pos = 0;
    while (pos < len) {
        if (len - pos < hdr_len)
            break; /* not enough data left for a frame header */
        const unsigned char *h = d + pos;
        if (all_zero(h, id_len))
            break; /* padding */
        Py_ssize_t size;
        int flags = 0;
        if (v22) {
            size = (Py_ssize_t)h[3] << 16 | (Py_ssize_t)h[4] << 8 | h[5];
        } else {
            uint32_t raw = be32(h + 4);
            size = (Py_ssize_t)(synchsafe ? syncsafe(raw) : raw);
            flags = h[8] << 8 | h[9];
        }
        const unsigned char *body = h + hdr_len;
        Py_ssize_t body_len = len - pos - hdr_len < size ? len - pos - hdr_len : size;
        pos += hdr_len + size;
        if (size == 0)
            continue; /* frames have at least one byte; skip empty ones */

        bool ascii = true;
        for (Py_ssize_t i = 0; i < id_len; i++)
            ascii = ascii && h[i] < 0x80;
        if (!ascii)
            continue;

        PyObject *name;
        if (!v22 && h[3] == 0) {
            /* maybe a v2.2 frame under its 3-letter ID */
            name = v22_upgrade_name(w->ctx, h);
            if (!name && PyErr_Occurred())
                return -1;
        } else {
            name = NULL;
        }
        if (name) {
            int valid = valid_id_str(name);
            if (valid <= 0) {
                Py_DECREF(name);
                if (valid < 0)
                    return -1;
                continue;
            }
        } else {
            if (!valid_ascii_id(h, id_len))
                continue;
            name = PyUnicode_DecodeASCII((const char *)h, id_len, NULL);
            if (!name)
                return -1;
        }

        PyObject *cls = mapping_get(w->frames, name);
        Py_DECREF(name);
        int failed;
        if (!cls) {
            if (PyErr_Occurred())
                return -1;
            failed = add_unsupported(w, h, hdr_len, body, body_len);
        } else {
            failed = read_one(w, cls, flags, h, hdr_len, body, body_len);
            Py_DECREF(cls);
        }
        if (failed)
            return -1;
    }
    return pos < len ? pos : len;
}

const char cm_py_id3_read_frames_doc[] =
    "id3_read_frames(ctx, header, data, minor, unsync, frames, sink, add)\n--\n\n"
    "The frame walk of cmutagen.id3._tags.read_frames over `data` (bytes: the\n"
    "tag body, with a v2.2/2.3 tag's unsynchronisation already undone) of a tag\n"
    "of version 2.`minor`; `unsync` is the tag's unsynchronisation flag.\n"
    "`frames` maps frame IDs to classes, `ctx` comes from\n"
    "_tags._native_context().  Each frame read goes to `sink`: appended if it is\n"
    "a list; if it is a dict (the tags' own), stored under its HashKey when that\n"
    "key is free, else passed to add(frame, False).  Frames are built in C where\n"
    "ctx's table says how, else by cls._fromData(header, flags, body).\n"
    "Returns (raw unsupported frames, the bytes after the last frame).";

PyObject *cm_py_id3_read_frames(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 8) {
        PyErr_SetString(PyExc_TypeError, "id3_read_frames takes 8 arguments");
        return NULL;
    }
    walk w = {.ctx = args[0], .header = args[1], .frames = args[5], .sink = args[6],
              .add = args[7]};
    PyObject *data = args[2];
    if (!PyTuple_CheckExact(w.ctx) || PyTuple_GET_SIZE(w.ctx) != CTX_SIZE ||
        !PyDict_CheckExact(PyTuple_GET_ITEM(w.ctx, CTX_TABLE)) ||
        !PyTuple_CheckExact(PyTuple_GET_ITEM(w.ctx, CTX_ENCODINGS)) ||
        PyTuple_GET_SIZE(PyTuple_GET_ITEM(w.ctx, CTX_ENCODINGS)) != 4 ||
        !PyTuple_CheckExact(PyTuple_GET_ITEM(w.ctx, CTX_PICTYPES)) ||
        PyTuple_GET_SIZE(PyTuple_GET_ITEM(w.ctx, CTX_PICTYPES)) != 256 ||
        !PyTuple_CheckExact(PyTuple_GET_ITEM(w.ctx, CTX_NO_ARGS)) ||
        PyTuple_GET_SIZE(PyTuple_GET_ITEM(w.ctx, CTX_NO_ARGS)) != 0) {
        PyErr_SetString(PyExc_TypeError, "id3_read_frames: ctx is not from _native_context()");
        return NULL;
    }
    if (!PyBytes_Check(data)) {
        PyErr_SetString(PyExc_TypeError, "id3_read_frames: data must be bytes");
        return NULL;
    }
    w.minor = PyLong_AsLong(args[3]) >= 4 ? 4 : PyLong_AsLong(args[3]) >= 3 ? 3 : 2;
    if (PyErr_Occurred())
        return NULL;
    int unsync = PyObject_IsTrue(args[4]);
    if (unsync < 0)
        return NULL;
    w.unsync = unsync;
    if (!PyList_CheckExact(w.sink) && !(PyDict_CheckExact(w.sink) && PyCallable_Check(w.add))) {
        PyErr_SetString(PyExc_TypeError, "id3_read_frames: sink must be a list, or a dict with add");
        return NULL;
    }
    w.unsupported = PyList_New(0);
    if (!w.unsupported)
        return NULL;
    const unsigned char *d = (const unsigned char *)PyBytes_AS_STRING(data);
    Py_ssize_t len = PyBytes_GET_SIZE(data);
    Py_ssize_t stop = walk_frames(&w, d, len);
    if (stop < 0) {
        Py_DECREF(w.unsupported);
        return NULL;
    }
    PyObject *rest = stop == 0 ? Py_NewRef(data)
                               : PyBytes_FromStringAndSize((const char *)d + stop, len - stop);
    if (!rest) {
        Py_DECREF(w.unsupported);
        return NULL;
    }
    return Py_BuildValue("(NN)", w.unsupported, rest);
}
