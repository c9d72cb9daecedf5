/*
 * workbenchmodule.c - the Python module `workbench`: C memory lent to Python
 * through the buffer protocol (PEP 3118), with an export counter.
 *
 * A type that fills in a Py_buffer when asked (its bf_getbuffer) can be
 * looked at by memoryview, bytes(), zlib, hashlib, mmap's write and every
 * other "bytes-like" consumer, without a copy: the consumer reads the
 * exporter's own memory. A Py_buffer is the views of the earlier lessons
 * under other names: buf and len (lesson 02's byteview), itemsize, ndim,
 * shape and strides (lesson 03's strided view), readonly and format.
 *
 * The types:
 *
 *   Memory(size, readonly=False)   size bytes of C memory, 1-D, format 'B'.
 *                                  resize(n) and free() refuse (BufferError)
 *                                  while a buffer is exported, as bytearray
 *                                  does with its ob_exports counter.
 *   Matrix(rows, cols, readonly=False)
 *                                  rows x cols doubles, row-major, 2-D,
 *                                  format 'd'; cell i holds the number i.
 *                                  column(j) and transposed() give Views.
 *   View                           a strided window onto a Matrix: it holds
 *                                  one export of the Matrix for its lifetime
 *                                  and lends out the window it describes.
 *
 * and the functions address(obj), the address of the first byte of any
 * exporter's buffer, checksum(obj), src/checksum.h's fingerprint of a
 * contiguous buffer (the C-level reduction the benchmark uses), and
 * anonymous_bytes(), the process's own resident memory measured as the C
 * harness measures it (src/measure.h), so that the Python benchmark's
 * extra_bytes and the C benchmarks' come from one method. For the same
 * reason next_iters(iters, ns, min_ns) and stats(times) are the harness's
 * calibration rule and order statistics (src/benchstats.h), not copies.
 *
 * Layout of this file: the shared description of a buffer (struct layout)
 * and the one function that lends it out; the owners (Memory, Matrix); the
 * View; the module functions; the module itself.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

#include "benchstats.h"
#include "checksum.h"
#include "measure.h"

/* --- What a consumer sees ------------------------------------------------- */

/*
 * The Py_buffer fields that describe memory, kept in the exporter so that
 * shape and strides can point into it for as long as a buffer is exported.
 */
struct layout {
	char *buf;			/* first item; NULL once freed */
	Py_ssize_t itemsize;
	const char *format;		/* struct-module code: "B", "d" */
	int ndim;			/* 1 or 2 */
	Py_ssize_t shape[2];
	Py_ssize_t strides[2];		/* bytes, signed */
	int readonly;
};

static Py_ssize_t layout_len(const struct layout *l)
{
	Py_ssize_t n = l->itemsize;

	for (int i = 0; i < l->ndim; i++)
		n *= l->shape[i];
	return n;
}

/* Do the items follow each other with no gaps, last index fastest (C)? */
static int layout_is_c_contiguous(const struct layout *l)
{
	Py_ssize_t step = l->itemsize;

	for (int i = l->ndim - 1; i >= 0; i--) {
		if (l->shape[i] > 1 && l->strides[i] != step)
			return 0;
		step *= l->shape[i];
	}
	return 1;
}

/* ... or first index fastest (Fortran)? */
static int layout_is_f_contiguous(const struct layout *l)
{
	Py_ssize_t step = l->itemsize;

	for (int i = 0; i < l->ndim; i++) {
		if (l->shape[i] > 1 && l->strides[i] != step)
			return 0;
		step *= l->shape[i];
	}
	return 1;
}

/*
 * A consumer says in flags how much of the description it can follow. One
 * that cannot follow strides gets memory only if it is C-contiguous; one
 * that asks for contiguity gets it or a BufferError, never a silent copy.
 * Returns NULL when l suits the request, or why it does not.
 */
static const char *layout_refusal(const struct layout *l, int flags)
{
	int c = layout_is_c_contiguous(l), f = layout_is_f_contiguous(l);

	if ((flags & PyBUF_WRITABLE) && l->readonly)
		return "this buffer is read-only";
	if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && !c)
		return "this buffer is strided: ask with PyBUF_STRIDES";
	if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && !c)
		return "this buffer is not C-contiguous";
	if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS && !f)
		return "this buffer is not Fortran-contiguous";
	if ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS && !c && !f)
		return "this buffer is not contiguous";
	return NULL;
}

/* Fill view from l for the consumer's flags: the body of every bf_getbuffer. */
static int layout_lend(struct layout *l, PyObject *exporter, Py_buffer *view,
		       int flags)
{
	const char *refusal = l->buf ? layout_refusal(l, flags)
				     : "this memory has been freed";

	if (refusal) {
		PyErr_SetString(PyExc_BufferError, refusal);
		return -1;
	}
	*view = (Py_buffer){
		.buf = l->buf,
		.obj = Py_NewRef(exporter),
		.len = layout_len(l),
		.itemsize = l->itemsize,
		.readonly = l->readonly,
		.ndim = l->ndim,
		.format = (flags & PyBUF_FORMAT) ? (char *)l->format : NULL,
		.shape = (flags & PyBUF_ND) ? l->shape : NULL,
		.strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? l->strides
								  : NULL,
	};
	return 0;
}

static PyObject *layout_shape(const struct layout *l)
{
	if (l->ndim == 1)
		return Py_BuildValue("(n)", l->shape[0]);
	return Py_BuildValue("(nn)", l->shape[0], l->shape[1]);
}

/* --- The owners: Memory and Matrix ----------------------------------------- */

/*
 * An owner allocated the memory and is the only one that frees or moves it.
 * exports counts the Py_buffers lent out and not yet released; while it is
 * above zero, freeing or moving the memory would leave a consumer reading
 * memory that is no longer the owner's, so both are refused.
 */
struct owner {
	PyObject_HEAD
	struct layout layout;
	Py_ssize_t exports;
};

static int owner_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
	struct owner *o = (struct owner *)self;

	if (layout_lend(&o->layout, self, view, flags) < 0)
		return -1;
	o->exports++;
	return 0;
}

static void owner_releasebuffer(PyObject *self, Py_buffer *view)
{
	(void)view;
	((struct owner *)self)->exports--;
}

static int owner_refuse_if_lent(const struct owner *o, const char *what)
{
	if (o->exports == 0)
		return 0;
	PyErr_Format(PyExc_BufferError,
		     "cannot %s: %zd buffer(s) of this memory are still "
		     "exported; release them first", what, o->exports);
	return -1;
}

/*
 * (Re-)initialise an owner, which __init__ may do more than once: refused
 * while a buffer is lent; else the old memory is freed and nbytes of zeros,
 * seen as `layout` says, take its place.
 */
static int owner_init(struct owner *o, struct layout layout, Py_ssize_t nbytes)
{
	if (owner_refuse_if_lent(o, "re-initialise"))
		return -1;
	PyMem_Free(o->layout.buf);
	o->layout = layout;
	o->layout.buf = PyMem_Calloc(nbytes ? (size_t)nbytes : 1, 1);
	if (!o->layout.buf) {
		PyErr_NoMemory();
		return -1;
	}
	return 0;
}

static PyObject *owner_free(PyObject *self, PyObject *unused)
{
	struct owner *o = (struct owner *)self;

	(void)unused;
	if (owner_refuse_if_lent(o, "free"))
		return NULL;
	PyMem_Free(o->layout.buf);
	o->layout.buf = NULL;
	Py_RETURN_NONE;
}

static void owner_dealloc(PyObject *self)
{
	/* No buffer can be exported here: each one holds a reference to us. */
	PyMem_Free(((struct owner *)self)->layout.buf);
	Py_TYPE(self)->tp_free(self);
}

static PyObject *owner_address(PyObject *self, void *unused)
{
	(void)unused;
	return PyLong_FromVoidPtr(((struct owner *)self)->layout.buf);
}

static PyObject *owner_exports(PyObject *self, void *unused)
{
	(void)unused;
	return PyLong_FromSsize_t(((struct owner *)self)->exports);
}

static PyObject *owner_shape(PyObject *self, void *unused)
{
	(void)unused;
	return layout_shape(&((struct owner *)self)->layout);
}

static PyBufferProcs owner_as_buffer = {
	.bf_getbuffer = owner_getbuffer,
	.bf_releasebuffer = owner_releasebuffer,
};

static PyGetSetDef owner_getset[] = {
	{ "address", owner_address, NULL,
	  "address of the first byte, as C sees it (0 once freed)", NULL },
	{ "exports", owner_exports, NULL,
	  "buffers lent out and not yet released", NULL },
	{ "shape", owner_shape, NULL, "the shape consumers see", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* Memory(size, readonly=False): size zero bytes, 1-D. */
static int memory_init(PyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = { "size", "readonly", NULL };
	struct owner *o = (struct owner *)self;
	struct layout bytes;
	Py_ssize_t size;
	int readonly = 0;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "n|$p", keywords,
					 &size, &readonly))
		return -1;
	if (size < 0) {
		PyErr_SetString(PyExc_ValueError, "size must be >= 0");
		return -1;
	}
	bytes = (struct layout){ .itemsize = 1, .format = "B", .ndim = 1,
				 .shape = { size }, .strides = { 1 },
				 .readonly = readonly };
	return owner_init(o, bytes, size);
}

/*
 * Memory.resize(size): move the bytes to a block of the new size. realloc
 * may move them, so every pointer to the old block would dangle: that is
 * why it is refused while a buffer is exported. New bytes are zero.
 */
static PyObject *memory_resize(PyObject *self, PyObject *arg)
{
	struct owner *o = (struct owner *)self;
	Py_ssize_t size = PyLong_AsSsize_t(arg), old = o->layout.shape[0];
	char *p;

	if (size == -1 && PyErr_Occurred())
		return NULL;
	if (size < 0 || !o->layout.buf) {
		PyErr_SetString(PyExc_ValueError, size < 0
				? "size must be >= 0" : "this memory has been freed");
		return NULL;
	}
	if (owner_refuse_if_lent(o, "resize"))
		return NULL;
	p = PyMem_Realloc(o->layout.buf, size ? (size_t)size : 1);
	if (!p)
		return PyErr_NoMemory();
	if (size > old)
		memset(p + old, 0, (size_t)(size - old));
	o->layout.buf = p;
	o->layout.shape[0] = size;
	Py_RETURN_NONE;
}

static Py_ssize_t memory_length(PyObject *self)
{
	struct owner *o = (struct owner *)self;

	return o->layout.buf ? o->layout.shape[0] : 0;
}

static PySequenceMethods memory_as_sequence = { .sq_length = memory_length };

static PyMethodDef memory_methods[] = {
	{ "resize", memory_resize, METH_O,
	  "resize(size): move to a block of size bytes; BufferError while "
	  "exported" },
	{ "free", owner_free, METH_NOARGS,
	  "free(): give the memory back now; BufferError while exported" },
	{ NULL, NULL, 0, NULL },
};

static PyTypeObject memory_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "workbench.Memory",
	.tp_doc = "Memory(size, *, readonly=False): size bytes of C memory, "
		  "lent out through the buffer protocol",
	.tp_basicsize = sizeof(struct owner),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_new = PyType_GenericNew,
	.tp_init = memory_init,
	.tp_dealloc = owner_dealloc,
	.tp_as_buffer = &owner_as_buffer,
	.tp_as_sequence = &memory_as_sequence,
	.tp_methods = memory_methods,
	.tp_getset = owner_getset,
};

/* Matrix(rows, cols, readonly=False): row-major doubles, cell i holds i. */
static int matrix_init(PyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = { "rows", "cols", "readonly", NULL };
	struct owner *o = (struct owner *)self;
	Py_ssize_t rows, cols, n;
	struct layout m;
	int readonly = 0;
	double *cell;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "nn|$p", keywords,
					 &rows, &cols, &readonly))
		return -1;
	if (rows < 1 || cols < 1 || __builtin_mul_overflow(rows, cols, &n) ||
	    __builtin_mul_overflow(n, (Py_ssize_t)sizeof(double), &n)) {
		PyErr_SetString(PyExc_ValueError,
				"rows and cols must be >= 1 and fit in memory");
		return -1;
	}
	m = (struct layout){
		.itemsize = sizeof(double), .format = "d", .ndim = 2,
		.shape = { rows, cols },
		.strides = { cols * (Py_ssize_t)sizeof(double), sizeof(double) },
		.readonly = readonly,
	};
	if (owner_init(o, m, n) < 0)
		return -1;
	cell = (double *)o->layout.buf;
	for (Py_ssize_t i = 0; i < rows * cols; i++)
		cell[i] = (double)i;
	return 0;
}

static PyObject *view_new(PyObject *source, const struct layout *window);

/* Matrix.column(j): the rows items at j, j + cols, ... : one stride apart. */
static PyObject *matrix_column(PyObject *self, PyObject *arg)
{
	const struct layout *m = &((struct owner *)self)->layout;
	Py_ssize_t j = PyLong_AsSsize_t(arg);
	struct layout column;

	if (j == -1 && PyErr_Occurred())
		return NULL;
	if (j < 0 || j >= m->shape[1] || !m->buf) {
		PyErr_SetString(PyExc_IndexError, "column index out of range");
		return NULL;
	}
	column = (struct layout){
		.buf = m->buf + j * m->strides[1], .itemsize = m->itemsize,
		.format = m->format, .ndim = 1, .shape = { m->shape[0] },
		.strides = { m->strides[0] }, .readonly = m->readonly,
	};
	return view_new(self, &column);
}

/* Matrix.transposed(): the same cells, with shape and strides swapped. */
static PyObject *matrix_transposed(PyObject *self, PyObject *unused)
{
	const struct layout *m = &((struct owner *)self)->layout;
	struct layout t = *m;

	(void)unused;
	t.shape[0] = m->shape[1];
	t.shape[1] = m->shape[0];
	t.strides[0] = m->strides[1];
	t.strides[1] = m->strides[0];
	return view_new(self, &t);
}

static PyMethodDef matrix_methods[] = {
	{ "column", matrix_column, METH_O,
	  "column(j): a strided View of column j, no copy" },
	{ "transposed", matrix_transposed, METH_NOARGS,
	  "transposed(): a View with shape and strides swapped, no copy" },
	{ "free", owner_free, METH_NOARGS,
	  "free(): give the memory back now; BufferError while exported" },
	{ NULL, NULL, 0, NULL },
};

static PyTypeObject matrix_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "workbench.Matrix",
	.tp_doc = "Matrix(rows, cols, *, readonly=False): rows x cols doubles "
		  "in C memory, lent out as a 2-D buffer",
	.tp_basicsize = sizeof(struct owner),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_new = PyType_GenericNew,
	.tp_init = matrix_init,
	.tp_dealloc = owner_dealloc,
	.tp_as_buffer = &owner_as_buffer,
	.tp_methods = matrix_methods,
	.tp_getset = owner_getset,
};

/* --- View: a strided window that keeps its source alive --------------------- */

/*
 * A View holds one export of its source (source_buffer) from its creation to
 * its end, so the source cannot free or move the memory the window points
 * into. It lends out the window itself; a memoryview of a View holds a
 * reference to the View, and so the chain holds.
 */
struct view {
	PyObject_HEAD
	struct layout layout;
	Py_buffer source_buffer;
};

static PyTypeObject view_type;

static PyObject *view_new(PyObject *source, const struct layout *window)
{
	struct view *v = PyObject_New(struct view, &view_type);

	if (!v)
		return NULL;
	if (PyObject_GetBuffer(source, &v->source_buffer, PyBUF_FULL_RO) < 0) {
		v->source_buffer.obj = NULL;
		Py_DECREF(v);
		return NULL;
	}
	v->layout = *window;
	return (PyObject *)v;
}

static int view_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
	return layout_lend(&((struct view *)self)->layout, self, view, flags);
}

static void view_dealloc(PyObject *self)
{
	struct view *v = (struct view *)self;

	if (v->source_buffer.obj)
		PyBuffer_Release(&v->source_buffer);
	PyObject_Free(self);
}

static PyObject *view_address(PyObject *self, void *unused)
{
	(void)unused;
	return PyLong_FromVoidPtr(((struct view *)self)->layout.buf);
}

static PyObject *view_shape(PyObject *self, void *unused)
{
	(void)unused;
	return layout_shape(&((struct view *)self)->layout);
}

static PyObject *view_strides(PyObject *self, void *unused)
{
	const struct layout *l = &((struct view *)self)->layout;

	(void)unused;
	if (l->ndim == 1)
		return Py_BuildValue("(n)", l->strides[0]);
	return Py_BuildValue("(nn)", l->strides[0], l->strides[1]);
}

static PyBufferProcs view_as_buffer = { .bf_getbuffer = view_getbuffer };

static PyGetSetDef view_getset[] = {
	{ "address", view_address, NULL, "address of the first item", NULL },
	{ "shape", view_shape, NULL, "the window's shape", NULL },
	{ "strides", view_strides, NULL, "the window's strides, in bytes", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyTypeObject view_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "workbench.View",
	.tp_doc = "a strided window onto a Matrix (from column() or "
		  "transposed()); holds an export of it while alive",
	.tp_basicsize = sizeof(struct view),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_dealloc = view_dealloc,
	.tp_as_buffer = &view_as_buffer,
	.tp_getset = view_getset,
};

/* --- Module functions ----------------------------------------------------- */

/* address(obj): where obj's buffer starts. Strided buffers are allowed. */
static PyObject *workbench_address(PyObject *module, PyObject *obj)
{
	Py_buffer b;
	PyObject *address;

	(void)module;
	if (PyObject_GetBuffer(obj, &b, PyBUF_FULL_RO) < 0)
		return NULL;
	address = PyLong_FromVoidPtr(b.buf);
	PyBuffer_Release(&b);
	return address;
}

/* checksum(obj): checksum_bytes over a C-contiguous buffer, as an int. */
static PyObject *workbench_checksum(PyObject *module, PyObject *obj)
{
	Py_buffer b;
	uint64_t sum;

	(void)module;
	if (PyObject_GetBuffer(obj, &b, PyBUF_C_CONTIGUOUS) < 0)
		return NULL;
	sum = checksum_bytes(b.buf, (size_t)b.len);
	PyBuffer_Release(&b);
	return PyLong_FromUnsignedLongLong(sum);
}

/* anonymous_bytes(): measure_anonymous_bytes, as an int; OSError when the
 * counters cannot be read (a figure nobody could read is never 0). */
static PyObject *workbench_anonymous_bytes(PyObject *module, PyObject *unused)
{
	size_t bytes;

	(void)module;
	(void)unused;
	if (measure_anonymous_bytes(&bytes) < 0)
		return PyErr_SetFromErrno(PyExc_OSError);
	return PyLong_FromSize_t(bytes);
}

/* A whole number >= 0 from a Python int; OverflowError for a negative one
 * or one past 64 bits, TypeError for anything else. */
static int as_count(PyObject *obj, unsigned long long *out)
{
	*out = PyLong_AsUnsignedLongLong(obj);
	return *out == (unsigned long long)-1 && PyErr_Occurred() ? -1 : 0;
}

/* next_iters(iters, ns, min_ns): bench_next_iters; ValueError for iters 0. */
static PyObject *workbench_next_iters(PyObject *module, PyObject *args)
{
	PyObject *a, *b, *c;
	unsigned long long iters, ns, min_ns;

	(void)module;
	if (!PyArg_ParseTuple(args, "OOO:next_iters", &a, &b, &c))
		return NULL;
	if (as_count(a, &iters) < 0 || as_count(b, &ns) < 0 ||
	    as_count(c, &min_ns) < 0)
		return NULL;
	if (iters == 0) {
		PyErr_SetString(PyExc_ValueError, "next_iters: iters must be > 0");
		return NULL;
	}
	return PyLong_FromUnsignedLongLong(bench_next_iters(iters, ns, min_ns));
}

/*
 * stats(times): bench_stats over a sequence of numbers, as the tuple
 * (min, p25, median, p75, max, cv). ValueError for an empty sequence,
 * TypeError for an item that is not a number.
 */
static PyObject *workbench_stats(PyObject *module, PyObject *times)
{
	/* A tuple of its own: an item's __float__ could change a list. */
	PyObject *seq = PySequence_Check(times) ? PySequence_Tuple(times) : NULL;
	PyObject *result = NULL;
	struct bench_stats st;
	Py_ssize_t n;
	double *x;

	(void)module;
	if (!seq) {
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_TypeError,
					"stats: wants a sequence of numbers");
		return NULL;
	}
	n = PyTuple_GET_SIZE(seq);
	if (n == 0) {
		PyErr_SetString(PyExc_ValueError, "stats: no times");
		goto out_seq;
	}
	x = PyMem_New(double, (size_t)n);
	if (!x) {
		PyErr_NoMemory();
		goto out_seq;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		x[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(seq, i));
		if (x[i] == -1.0 && PyErr_Occurred())
			goto out_free;
	}
	bench_stats(x, (size_t)n, &st);
	result = Py_BuildValue("(dddddd)", st.min, st.p25, st.median, st.p75,
			       st.max, st.cv);
out_free:
	PyMem_Free(x);
out_seq:
	Py_DECREF(seq);
	return result;
}

static PyMethodDef workbench_functions[] = {
	{ "address", workbench_address, METH_O,
	  "address(obj): the address of the first byte of obj's buffer" },
	{ "checksum", workbench_checksum, METH_O,
	  "checksum(obj): the workbench's 64-bit fingerprint of a contiguous "
	  "buffer (src/checksum.h), computed in C" },
	{ "anonymous_bytes", workbench_anonymous_bytes, METH_NOARGS,
	  "anonymous_bytes(): this process's anonymous resident memory in "
	  "bytes, as the C harness measures it (src/measure.h)" },
	{ "next_iters", workbench_next_iters, METH_VARARGS,
	  "next_iters(iters, ns, min_ns): how many operations to try in the next "
	  "calibration batch; iters itself when this batch is the one "
	  "(src/benchstats.h)" },
	{ "stats", workbench_stats, METH_O,
	  "stats(times): (min, p25, median, p75, max, cv) of the times, as the C "
	  "harness reports them (src/benchstats.h)" },
	{ NULL, NULL, 0, NULL },
};

/* --- The module -------------------------------------------------------------- */

static struct PyModuleDef workbench_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "workbench",
	.m_doc = "C memory lent to Python through the buffer protocol",
	.m_size = -1,
	.m_methods = workbench_functions,
};

static int add_type(PyObject *module, PyTypeObject *type, const char *name)
{
	if (PyType_Ready(type) < 0)
		return -1;
	return PyModule_AddObjectRef(module, name, (PyObject *)type);
}

PyMODINIT_FUNC PyInit_workbench(void)
{
	PyObject *m = PyModule_Create(&workbench_module);

	if (!m)
		return NULL;
	if (add_type(m, &memory_type, "Memory") < 0 ||
	    add_type(m, &matrix_type, "Matrix") < 0 ||
	    add_type(m, &view_type, "View") < 0) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
