/*
 * numpy's .npy format (versions 1.0, 2.0, 3.0) and .npz archives of them.
 *
 * An .npy file is "\x93NUMPY", a major and minor version byte, the header
 * length (2 bytes little-endian in 1.0, 4 bytes after), then a Python dict
 * literal such as {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 * padded with spaces to a multiple of 64 bytes and ended by '\n', then the
 * elements.  An .npz is a zip of NAME.npy members.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zip.h>

#include "graphsmith/eval.h"
#include "graphsmith/tensorio.h"
#include "graphsmith/util.h"

/* numpy itself refuses headers over 10000 bytes unless told otherwise */
#define NPY_MAX_HEADER (1 << 20)

static bool host_big_endian(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *)&one == 0;
}

static void swap_elems(void *data, size_t n, size_t width)
{
	uint8_t *p = data, tmp;
	size_t i, j;

	for (i = 0; i < n; i++, p += width) {
		for (j = 0; j < width / 2; j++) {
			tmp = p[j];
			p[j] = p[width - 1 - j];
			p[width - 1 - j] = tmp;
		}
	}
}

/* ---- dtypes ---- */

static const struct {
	char kind;
	int size;
	int dtype;
} npy_types[] = {
	{ 'f', 2, GS_DTYPE_FLOAT16 }, { 'f', 4, GS_DTYPE_FLOAT }, { 'f', 8, GS_DTYPE_DOUBLE },
	{ 'i', 1, GS_DTYPE_INT8 }, { 'i', 2, GS_DTYPE_INT16 }, { 'i', 4, GS_DTYPE_INT32 },
	{ 'i', 8, GS_DTYPE_INT64 }, { 'u', 1, GS_DTYPE_UINT8 }, { 'u', 2, GS_DTYPE_UINT16 },
	{ 'u', 4, GS_DTYPE_UINT32 }, { 'u', 8, GS_DTYPE_UINT64 }, { 'b', 1, GS_DTYPE_BOOL },
};

/* Our dtype for a descr like '<f4'; *swap when its bytes need reversing. */
static int descr_dtype(const char *descr, bool *swap)
{
	const char *p = descr;
	char order = '=', kind;
	size_t i;
	int size;

	if (*p == '<' || *p == '>' || *p == '|' || *p == '=')
		order = *p++;
	kind = *p++;
	if (kind == '?') {
		kind = 'b';
		size = 1;
	} else {
		if (*p < '1' || *p > '8' || p[1])
			return GS_DTYPE_UNDEFINED;
		size = *p - '0';
	}
	for (i = 0; i < sizeof(npy_types) / sizeof(npy_types[0]); i++) {
		if (npy_types[i].kind == kind && npy_types[i].size == size) {
			*swap = size > 1 && ((order == '>' && !host_big_endian()) ||
					     (order == '<' && host_big_endian()));
			return npy_types[i].dtype;
		}
	}
	return GS_DTYPE_UNDEFINED;
}

static const char *dtype_descr(int dtype)
{
	static char buf[8];
	size_t i;

	for (i = 0; i < sizeof(npy_types) / sizeof(npy_types[0]); i++) {
		if (npy_types[i].dtype == dtype) {
			snprintf(buf, sizeof(buf), "%c%c%d", npy_types[i].size == 1 ? '|' : '<',
				 npy_types[i].kind, npy_types[i].size);
			return buf;
		}
	}
	return NULL;
}

/* ---- the header dict ---- */

struct header {
	char descr[32];
	bool fortran;
	int rank;
	int64_t dims[GS_EVAL_MAX_RANK];
	unsigned seen;			/* 1 descr, 2 fortran_order, 4 shape */
};

struct cursor {
	const char *p, *end;
};

static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static bool eat(struct cursor *c, char ch)
{
	skip_ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

static int parse_str(struct cursor *c, char *out, size_t len, struct gs_error *err)
{
	char q;
	size_t n = 0;

	skip_ws(c);
	if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
		return gs_error_set(err, "header: expected a string");
	q = *c->p++;
	while (c->p < c->end && *c->p != q) {
		if (*c->p == '\\' || n + 1 >= len)
			return gs_error_set(err, "header: unexpected string");
		out[n++] = *c->p++;
	}
	if (c->p >= c->end)
		return gs_error_set(err, "header: unterminated string");
	c->p++;
	out[n] = 0;
	return 0;
}

static int parse_shape(struct cursor *c, struct header *h, struct gs_error *err)
{
	if (!eat(c, '('))
		return gs_error_set(err, "header: shape is not a tuple");
	h->rank = 0;
	for (;;) {
		int64_t v = 0;

		if (eat(c, ')'))
			return 0;
		skip_ws(c);
		if (c->p >= c->end || *c->p < '0' || *c->p > '9')
			return gs_error_set(err, "header: bad shape");
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
			if (v > (INT64_MAX - 9) / 10)
				return gs_error_set(err, "header: dimension too large");
			v = v * 10 + (*c->p++ - '0');
		}
		if (c->p < c->end && *c->p == 'L')	/* Python 2 longs */
			c->p++;
		if (h->rank >= GS_EVAL_MAX_RANK)
			return gs_error_set(err, "rank over %d is not supported", GS_EVAL_MAX_RANK);
		h->dims[h->rank++] = v;
		if (!eat(c, ',')) {
			if (eat(c, ')'))
				return 0;
			return gs_error_set(err, "header: bad shape");
		}
	}
}

static int parse_header(const char *text, size_t len, struct header *h, struct gs_error *err)
{
	struct cursor c = { text, text + len };
	char key[32], word[8];

	memset(h, 0, sizeof(*h));
	if (!eat(&c, '{'))
		return gs_error_set(err, "header is not a dict");
	while (!eat(&c, '}')) {
		if (parse_str(&c, key, sizeof(key), err))
			return -1;
		if (!eat(&c, ':'))
			return gs_error_set(err, "header: expected ':'");
		if (!strcmp(key, "descr")) {
			skip_ws(&c);
			if (c.p < c.end && *c.p == '[')
				return gs_error_set(err, "structured arrays are not supported");
			if (parse_str(&c, h->descr, sizeof(h->descr), err))
				return -1;
			h->seen |= 1;
		} else if (!strcmp(key, "fortran_order")) {
			size_t n = 0;

			skip_ws(&c);
			while (c.p < c.end && n + 1 < sizeof(word) && *c.p >= 'A' && *c.p <= 'z')
				word[n++] = *c.p++;
			word[n] = 0;
			if (strcmp(word, "True") && strcmp(word, "False"))
				return gs_error_set(err, "header: bad fortran_order");
			h->fortran = !strcmp(word, "True");
			h->seen |= 2;
		} else if (!strcmp(key, "shape")) {
			if (parse_shape(&c, h, err))
				return -1;
			h->seen |= 4;
		} else {
			return gs_error_set(err, "header: unknown key '%s'", key);
		}
		if (!eat(&c, ',')) {
			if (eat(&c, '}'))
				break;
			return gs_error_set(err, "header: expected ',' or '}'");
		}
	}
	skip_ws(&c);
	if (c.p != c.end)
		return gs_error_set(err, "header: junk after the dict");
	if (h->seen != 7)
		return gs_error_set(err, "header lacks '%s'", !(h->seen & 1) ? "descr" :
				    !(h->seen & 2) ? "fortran_order" : "shape");
	return 0;
}

/* ---- reading ---- */

/* A byte stream: returns bytes read (short only at the end), -1 on error
 * with err set. */
struct npy_in {
	int64_t (*read)(void *ctx, void *buf, size_t n, struct gs_error *err);
	void *ctx;
	int64_t avail;			/* bytes in the stream, -1 if unknown */
	int64_t *budget;		/* inflated bytes still allowed, or NULL */
};

static int read_exact(struct npy_in *in, void *buf, size_t n, const char *what,
		      struct gs_error *err)
{
	int64_t got = in->read(in->ctx, buf, n, err);

	if (got < 0)
		return -1;
	if ((size_t)got != n)
		return gs_error_set(err, "truncated %s: %lld of %zu bytes", what, (long long)got, n);
	return 0;
}

static struct gs_etensor *npy_load(struct npy_in *in, struct gs_error *err)
{
	uint8_t pre[12];
	struct header h;
	struct gs_etensor *t;
	size_t hlen, plen;
	char *text;
	bool swap = false;
	int dtype, major;
	int64_t numel, nbytes, i;

	if (read_exact(in, pre, 10, "header", err))
		return NULL;
	if (memcmp(pre, "\x93NUMPY", 6)) {
		gs_error_set(err, "not a numpy .npy file");
		return NULL;
	}
	major = pre[6];
	if (major == 1) {
		hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
		plen = 10;
	} else if (major == 2 || major == 3) {
		if (read_exact(in, pre + 10, 2, "header", err))
			return NULL;
		hlen = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 |
		       (size_t)pre[11] << 24;
		plen = 12;
	} else {
		gs_error_set(err, "npy format version %d.%d is not supported", major, pre[7]);
		return NULL;
	}
	if (hlen > NPY_MAX_HEADER) {
		gs_error_set(err, "npy header of %zu bytes", hlen);
		return NULL;
	}
	text = gs_xmalloc(hlen + 1);
	if (read_exact(in, text, hlen, "header", err) || parse_header(text, hlen, &h, err)) {
		free(text);
		return NULL;
	}
	free(text);
	if (h.fortran) {
		gs_error_set(err, "fortran_order arrays are not supported");
		return NULL;
	}
	dtype = descr_dtype(h.descr, &swap);
	if (!dtype) {
		gs_error_set(err, "npy dtype '%s' is not supported", h.descr);
		return NULL;
	}
	numel = gs_dims_numel(h.rank, h.dims);
	nbytes = numel < 0 ? -1 : gs_dtype_nbytes(dtype, numel);
	if (nbytes < 0) {
		gs_error_set(err, "shape whose size overflows");
		return NULL;
	}
	/* an archive member's declared size is the file's word: its data
	 * must fit what the archive's size allows before it is allocated */
	if (in->budget && nbytes > *in->budget) {
		gs_error_set(err, "%lld MiB of data, past the limit of %lld MiB for this archive "
			     "(GS_MAX_INFLATE_MB)", (long long)(nbytes >> 20),
			     (long long)(*in->budget >> 20));
		return NULL;
	}
	if (in->avail >= 0 && in->avail < (int64_t)(plen + hlen) + nbytes) {
		gs_error_set(err, "truncated data: %lld of %lld bytes",
			     (long long)(in->avail - (int64_t)(plen + hlen)), (long long)nbytes);
		return NULL;
	}
	t = gs_et_new(dtype, h.rank, h.dims, err);
	if (!t)
		return NULL;
	if (nbytes && read_exact(in, t->data, (size_t)nbytes, "data", err)) {
		gs_et_unref(t);
		return NULL;
	}
	if (in->budget)
		*in->budget -= nbytes;
	if (swap)
		swap_elems(t->data, (size_t)numel, gs_et_elem_size(dtype));
	if (dtype == GS_DTYPE_BOOL) {
		for (i = 0; i < numel; i++)
			((uint8_t *)t->data)[i] = ((uint8_t *)t->data)[i] != 0;
	}
	return t;
}

static int64_t file_read(void *ctx, void *buf, size_t n, struct gs_error *err)
{
	size_t got = fread(buf, 1, n, ctx);

	if (got < n && ferror(ctx))
		return gs_error_set(err, "%s", strerror(errno ? errno : EIO));
	return (int64_t)got;
}

int gs_npy_read(const char *path, struct gs_etensor **out, struct gs_error *err)
{
	struct npy_in in = { file_read, NULL, -1, NULL };
	struct stat st;
	char pb[512];

	*out = NULL;
	in.ctx = gs_fopen_regular(path, NULL, err);
	if (!in.ctx)
		goto fail;
	if (fstat(fileno(in.ctx), &st)) {
		gs_error_set(err, "%s", strerror(errno));
		fclose(in.ctx);
		goto fail;
	}
	in.avail = st.st_size;
	*out = npy_load(&in, err);
	fclose(in.ctx);
	if (*out)
		return 0;
fail:
	return gs_error_prefix(err, "cannot read '%s'", gs_escape(path, pb, sizeof(pb)));
}

/* ---- writing ---- */

/* The .npy bytes of t in one malloc'd buffer (header then data). */
static uint8_t *npy_bytes(const struct gs_etensor *t, size_t *len, struct gs_error *err)
{
	const char *descr = dtype_descr(t->dtype);
	char dict[64 + 24 * GS_EVAL_MAX_RANK];
	size_t dlen, hlen, plen, total, w;
	uint8_t *buf;
	int i;

	if (!descr) {
		gs_error_set(err, "numpy has no %s dtype", gs_dtype_name(t->dtype));
		return NULL;
	}
	dlen = (size_t)snprintf(dict, sizeof(dict), "{'descr': '%s', 'fortran_order': False, 'shape': (",
				descr);
	for (i = 0; i < t->rank; i++)
		dlen += (size_t)snprintf(dict + dlen, sizeof(dict) - dlen, "%s%lld", i ? ", " : "",
					 (long long)t->dims[i]);
	dlen += (size_t)snprintf(dict + dlen, sizeof(dict) - dlen, "%s), }",
				 t->rank == 1 ? "," : "");
	/* padding spaces and '\n' bring the preamble plus header to 64n bytes */
	plen = dlen + 1 + 10 > 65535 ? 12 : 10;
	hlen = (dlen + 1 + plen + 63) / 64 * 64 - plen;
	w = gs_et_elem_size(t->dtype);
	total = plen + hlen + t->nbytes;
	buf = gs_xmalloc(total + 1);
	memcpy(buf, "\x93NUMPY", 6);
	buf[6] = plen == 10 ? 1 : 2;
	buf[7] = 0;
	buf[8] = (uint8_t)hlen;
	buf[9] = (uint8_t)(hlen >> 8);
	if (plen == 12) {
		buf[10] = (uint8_t)(hlen >> 16);
		buf[11] = (uint8_t)(hlen >> 24);
	}
	memcpy(buf + plen, dict, dlen);
	memset(buf + plen + dlen, ' ', hlen - dlen - 1);
	buf[plen + hlen - 1] = '\n';
	if (t->nbytes)
		memcpy(buf + plen + hlen, t->data, t->nbytes);
	if (host_big_endian() && w > 1)
		swap_elems(buf + plen + hlen, (size_t)t->numel, w);
	*len = total;
	return buf;
}

static int write_atomic(const char *path, const void *data, size_t len, struct gs_error *err)
{
	struct gs_atomic_file af;
	char pb[512];

	if (gs_atomic_open(&af, path, err))
		return -1;
	if (len && fwrite(data, 1, len, af.f) != len) {
		gs_error_set(err, "cannot write '%s': %s", gs_escape(path, pb, sizeof(pb)),
			     strerror(errno ? errno : EIO));
		gs_atomic_abort(&af);
		return -1;
	}
	return gs_atomic_commit(&af, err);
}

int gs_npy_write(const char *path, const struct gs_etensor *t, struct gs_error *err)
{
	size_t len;
	uint8_t *buf = npy_bytes(t, &len, err);
	char pb[512];
	int rc;

	if (!buf)
		return gs_error_prefix(err, "cannot write '%s'", gs_escape(path, pb, sizeof(pb)));
	rc = write_atomic(path, buf, len, err);
	free(buf);
	return rc;
}

/* ---- .npz ---- */

static int64_t zip_member_read(void *ctx, void *buf, size_t n, struct gs_error *err)
{
	size_t done = 0;

	/* zip_fread may return less than asked before the end */
	while (done < n) {
		zip_int64_t got = zip_fread(ctx, (uint8_t *)buf + done, n - done);

		if (got < 0)
			return gs_error_set(err, "%s", zip_file_strerror(ctx));
		if (got == 0)
			break;
		done += (size_t)got;
	}
	return (int64_t)done;
}

static void npz_append(struct gs_npz *z, int *alloc, char *name, struct gs_etensor *t)
{
	if (z->n + 1 > *alloc) {
		*alloc = *alloc ? *alloc * 2 : 8;
		z->names = gs_xrealloc(z->names, sizeof(*z->names) * (size_t)*alloc);
		z->ts = gs_xrealloc(z->ts, sizeof(*z->ts) * (size_t)*alloc);
	}
	z->names[z->n] = name;
	z->ts[z->n++] = t;
}

static struct gs_etensor *npz_member(zip_t *za, zip_uint64_t i, int64_t *budget,
				      struct gs_error *err)
{
	struct npy_in in = { zip_member_read, NULL, -1, budget };
	struct gs_etensor *t;
	zip_stat_t st;
	uint8_t rest[4096];
	int64_t got;

	zip_stat_init(&st);
	if (!zip_stat_index(za, i, 0, &st) && (st.valid & ZIP_STAT_SIZE) &&
	    st.size <= (zip_uint64_t)INT64_MAX)
		in.avail = (int64_t)st.size;
	in.ctx = zip_fopen_index(za, i, 0);
	if (!in.ctx) {
		gs_error_set(err, "%s", zip_strerror(za));
		return NULL;
	}
	t = npy_load(&in, err);
	/* read to the end so that libzip checks the member's CRC */
	while (t && (got = zip_member_read(in.ctx, rest, sizeof(rest), err)) > 0)
		;
	if (t && got < 0) {
		gs_et_unref(t);
		t = NULL;
	}
	zip_fclose(in.ctx);
	return t;
}

int gs_npz_read(const char *path, struct gs_npz *out, struct gs_error *err)
{
	char pb[512], nb[256];
	zip_error_t ze;
	zip_int64_t n, i;
	zip_t *za;
	int zerr = 0, alloc = 0, k, fd;
	int64_t budget;
	size_t lim;
	off_t size;

	memset(out, 0, sizeof(*out));
	/* libzip would open a FIFO and wait on it: open and check it first */
	if ((fd = gs_open_regular(path, &size, err)) < 0)
		return gs_error_prefix(err, "cannot read '%s'", gs_escape(path, pb, sizeof(pb)));
	lim = gs_inflate_limit((size_t)size);
	budget = lim > INT64_MAX ? INT64_MAX : (int64_t)lim;
	za = zip_fdopen(fd, ZIP_RDONLY, &zerr);
	if (!za) {
		close(fd);
		zip_error_init_with_code(&ze, zerr);
		gs_error_set(err, "cannot read '%s': %s", gs_escape(path, pb, sizeof(pb)),
			     zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return -1;
	}
	n = zip_get_num_entries(za, 0);
	for (i = 0; i < n; i++) {
		const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
		struct gs_etensor *t;
		size_t len;

		if (!name) {
			gs_error_set(err, "%s", zip_strerror(za));
			goto fail;
		}
		len = strlen(name);
		if (len && name[len - 1] == '/')
			continue;	/* a folder entry */
		if (len < 4 || strcmp(name + len - 4, ".npy")) {
			gs_error_set(err, "member '%s' is not an .npy array",
				     gs_escape(name, nb, sizeof(nb)));
			goto fail;
		}
		t = npz_member(za, (zip_uint64_t)i, &budget, err);
		if (!t) {
			gs_error_prefix(err, "member '%s'", gs_escape(name, nb, sizeof(nb)));
			goto fail;
		}
		npz_append(out, &alloc, gs_xstrndup(name, len - 4), t);
		if (!out->names[out->n - 1]) {
			gs_error_set(err, "out of memory");
			goto fail;
		}
		for (k = 0; k < out->n - 1; k++) {
			if (!strcmp(out->names[k], out->names[out->n - 1])) {
				gs_error_set(err, "two members named '%s'",
					     gs_escape(name, nb, sizeof(nb)));
				goto fail;
			}
		}
	}
	zip_discard(za);
	return 0;
fail:
	zip_discard(za);
	gs_npz_release(out);
	return gs_error_prefix(err, "cannot read '%s'", gs_escape(path, pb, sizeof(pb)));
}

struct gs_etensor *gs_npz_find(const struct gs_npz *z, const char *name)
{
	int i;

	for (i = 0; i < z->n; i++) {
		if (!strcmp(z->names[i], name))
			return z->ts[i];
	}
	return NULL;
}

void gs_npz_release(struct gs_npz *z)
{
	int i;

	for (i = 0; i < z->n; i++) {
		free(z->names[i]);
		if (z->ts[i])
			gs_et_unref(z->ts[i]);
	}
	free(z->names);
	free(z->ts);
	memset(z, 0, sizeof(*z));
}

/* The archive is built in memory, then written like any other file, so
 * the old file survives every failure. */
static int npz_write(const char *path, int n, const char *const *names,
		     struct gs_etensor *const *ts, bool deflate, struct gs_error *err)
{
	zip_source_t *src = NULL, *entry;
	zip_error_t ze;
	zip_stat_t st;
	zip_t *za = NULL;
	uint8_t *arc = NULL;
	char pb[512], nb[256];
	int i, rc = -1;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src || !(za = zip_open_from_source(src, ZIP_TRUNCATE, &ze))) {
		gs_error_set(err, "%s", zip_error_strerror(&ze));
		goto out;
	}
	zip_source_keep(src);	/* read back after zip_close */
	for (i = 0; i < n; i++) {
		size_t len;
		uint8_t *buf = npy_bytes(ts[i], &len, err);
		char *mname;
		zip_int64_t idx;

		if (!buf) {
			gs_error_prefix(err, "array '%s'", gs_escape(names[i], nb, sizeof(nb)));
			goto out;
		}
		entry = zip_source_buffer(za, buf, len, 1);
		if (!entry) {
			free(buf);
			gs_error_set(err, "%s", zip_strerror(za));
			goto out;
		}
		if (asprintf(&mname, "%s.npy", names[i]) < 0) {
			zip_source_free(entry);
			gs_error_set(err, "out of memory");
			goto out;
		}
		idx = zip_file_add(za, mname, entry, ZIP_FL_ENC_UTF_8);
		free(mname);
		if (idx < 0) {
			zip_source_free(entry);
			gs_error_set(err, "array '%s': %s", gs_escape(names[i], nb, sizeof(nb)),
				     zip_strerror(za));
			goto out;
		}
		if (zip_set_file_compression(za, (zip_uint64_t)idx,
					     deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0)) {
			gs_error_set(err, "%s", zip_strerror(za));
			goto out;
		}
	}
	if (zip_close(za)) {
		gs_error_set(err, "%s", zip_strerror(za));
		goto out;
	}
	za = NULL;
	zip_stat_init(&st);
	if (zip_source_stat(src, &st) || zip_source_open(src)) {
		gs_error_set(err, "%s", zip_error_strerror(zip_source_error(src)));
		goto out;
	}
	arc = gs_xmalloc((size_t)st.size + 1);
	if (zip_source_read(src, arc, st.size) != (zip_int64_t)st.size) {
		gs_error_set(err, "%s", zip_error_strerror(zip_source_error(src)));
		zip_source_close(src);
		goto out;
	}
	zip_source_close(src);
	rc = write_atomic(path, arc, (size_t)st.size, err);
	free(arc);
	zip_source_free(src);
	zip_error_fini(&ze);
	return rc;
out:
	if (za)
		zip_discard(za);
	if (src)
		zip_source_free(src);
	free(arc);
	zip_error_fini(&ze);
	return gs_error_prefix(err, "cannot write '%s'", gs_escape(path, pb, sizeof(pb)));
}

int gs_npz_write(const char *path, int n, const char *const *names,
		 struct gs_etensor *const *ts, struct gs_error *err)
{
	return npz_write(path, n, names, ts, false, err);
}

int gs_npz_write_compressed(const char *path, int n, const char *const *names,
			    struct gs_etensor *const *ts, struct gs_error *err)
{
	return npz_write(path, n, names, ts, true, err);
}
