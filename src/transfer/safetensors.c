/*
 * safetensors (huggingface/safetensors): u64 little-endian header length
 * N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end)}},
 * optional "__metadata__" {string: string}, then the byte buffer.  The
 * reader trusts nothing: header size capped (100 MB, as the reference),
 * duplicate keys, unknown dtypes, offsets outside the buffer, sizes that
 * disagree with the shape and overlapping ranges are refused with one line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <jansson.h>

#include "graphsmith/transfer.h"
#include "graphsmith/util.h"

#define ST_MAX_HEADER (100u << 20)

static const struct {
	const char *name;
	int dtype;
} st_dtypes[] = {
	{ "F64", GS_DTYPE_DOUBLE }, { "F32", GS_DTYPE_FLOAT }, { "F16", GS_DTYPE_FLOAT16 },
	{ "BF16", GS_DTYPE_BFLOAT16 }, { "I64", GS_DTYPE_INT64 }, { "I32", GS_DTYPE_INT32 },
	{ "I16", GS_DTYPE_INT16 }, { "I8", GS_DTYPE_INT8 }, { "U64", GS_DTYPE_UINT64 },
	{ "U32", GS_DTYPE_UINT32 }, { "U16", GS_DTYPE_UINT16 }, { "U8", GS_DTYPE_UINT8 },
	{ "BOOL", GS_DTYPE_BOOL }, { "F8_E4M3", GS_DTYPE_FLOAT8E4M3FN },
	{ "F8_E5M2", GS_DTYPE_FLOAT8E5M2 },
};

#define N_ST_DTYPES (sizeof(st_dtypes) / sizeof(*st_dtypes))

static int st_dtype(const char *s)
{
	size_t i;

	for (i = 0; i < N_ST_DTYPES; i++)
		if (!strcmp(s, st_dtypes[i].name))
			return st_dtypes[i].dtype;
	return GS_DTYPE_UNDEFINED;
}

static const char *st_dtype_name(int dtype)
{
	size_t i;

	for (i = 0; i < N_ST_DTYPES; i++)
		if (st_dtypes[i].dtype == dtype)
			return st_dtypes[i].name;
	return NULL;
}

static int cmp_offset(const void *a, const void *b)
{
	const struct gs_wtensor *x = a, *y = b;

	return x->data < y->data ? -1 : x->data > y->data;
}

/* One tensor entry of the header; buf/len: the byte buffer. */
static int st_entry(const char *path, const char *key, json_t *e, const unsigned char *buf,
		    uint64_t len, struct gs_wtensor *t, struct gs_error *err)
{
	json_t *dt = json_object_get(e, "dtype"), *sh = json_object_get(e, "shape");
	json_t *off = json_object_get(e, "data_offsets");
	char safe[128], dts[64];
	json_int_t b, end;
	size_t i;

	gs_escape(key, safe, sizeof(safe));
	if (!json_is_object(e) || !json_is_string(dt) || !json_is_array(sh) ||
	    !json_is_array(off) || json_array_size(off) != 2 ||
	    !json_is_integer(json_array_get(off, 0)) || !json_is_integer(json_array_get(off, 1)))
		return gs_error_set(err, "cannot read '%s': tensor '%s' lacks dtype, shape or "
				    "data_offsets", path, safe);
	if (!(t->dtype = st_dtype(json_string_value(dt))))
		return gs_error_set(err, "cannot read '%s': tensor '%s' has unknown dtype '%s'",
				    path, safe, gs_escape(json_string_value(dt), dts, sizeof(dts)));
	if (json_array_size(sh) > 8)
		return gs_error_set(err, "cannot read '%s': tensor '%s' has rank %zu, beyond 8",
				    path, safe, json_array_size(sh));
	t->rank = (int)json_array_size(sh);
	for (i = 0; i < json_array_size(sh); i++) {
		json_t *d = json_array_get(sh, i);

		if (!json_is_integer(d) || json_integer_value(d) < 0)
			return gs_error_set(err, "cannot read '%s': tensor '%s' has a bad dimension",
					    path, safe);
		t->dims[i] = json_integer_value(d);
	}
	t->numel = gs_dims_numel(t->rank, t->dims);
	b = json_integer_value(json_array_get(off, 0));
	end = json_integer_value(json_array_get(off, 1));
	if (t->numel < 0 || gs_dtype_nbytes(t->dtype, t->numel) < 0)
		return gs_error_set(err, "cannot read '%s': tensor '%s' is too large", path, safe);
	if (b < 0 || end < b || (uint64_t)end > len)
		return gs_error_set(err, "cannot read '%s': tensor '%s' has data_offsets [%lld, %lld) "
				    "outside the %llu-byte buffer", path, safe, (long long)b,
				    (long long)end, (unsigned long long)len);
	if (end - b != gs_dtype_nbytes(t->dtype, t->numel))
		return gs_error_set(err, "cannot read '%s': tensor '%s' holds %lld bytes, its shape "
				    "needs %lld", path, safe, (long long)(end - b),
				    (long long)gs_dtype_nbytes(t->dtype, t->numel));
	t->data = buf + b;
	t->nbytes = (size_t)(end - b);
	t->name = gs_xstrdup(key);
	return 0;
}

static int st_parse(const char *path, struct gs_weights *w, const unsigned char *map,
		    size_t size, struct gs_error *err)
{
	uint64_t hlen = 0, blen;
	json_error_t je;
	json_t *h, *v;
	const char *key;
	int i, rc = -1;

	if (size < 8)
		return gs_error_set(err, "cannot read '%s': too short for a safetensors header", path);
	for (i = 7; i >= 0; i--)
		hlen = hlen << 8 | map[i];
	if (hlen > ST_MAX_HEADER || hlen > size - 8)
		return gs_error_set(err, "cannot read '%s': header of %llu bytes is %s", path,
				    (unsigned long long)hlen,
				    hlen > ST_MAX_HEADER ? "larger than 100 MiB" :
				    "longer than the file");
	blen = size - 8 - hlen;
	h = json_loadb((const char *)map + 8, (size_t)hlen, JSON_REJECT_DUPLICATES, &je);
	if (!h)
		return gs_error_set(err, "cannot read '%s': header is not JSON: %.80s", path, je.text);
	if (!json_is_object(h)) {
		gs_error_set(err, "cannot read '%s': header is not a JSON object", path);
		goto out;
	}
	w->t = gs_xcalloc(json_object_size(h) + 1, sizeof(*w->t));
	json_object_foreach(h, key, v) {
		if (!strcmp(key, "__metadata__")) {
			if (!json_is_object(v)) {
				gs_error_set(err, "cannot read '%s': __metadata__ is not an object",
					     path);
				goto out;
			}
			continue;
		}
		if (st_entry(path, key, v, map + 8 + hlen, blen, &w->t[w->n], err))
			goto out;
		w->n++;
	}
	qsort(w->t, (size_t)w->n, sizeof(*w->t), cmp_offset);
	for (i = 1; i < w->n; i++) {
		const struct gs_wtensor *p = &w->t[i - 1];

		if (w->t[i].nbytes && (const unsigned char *)p->data + p->nbytes >
		    (const unsigned char *)w->t[i].data) {
			char a[128], b[128];

			gs_error_set(err, "cannot read '%s': tensors '%s' and '%s' overlap", path,
				     gs_escape(p->name, a, sizeof(a)),
				     gs_escape(w->t[i].name, b, sizeof(b)));
			goto out;
		}
	}
	rc = 0;
out:
	json_decref(h);
	return rc;
}

int gs_safetensors_read(const char *path, struct gs_weights *w, struct gs_error *err)
{
	struct gs_error e2;
	off_t size;
	void *map = NULL;
	char pb[512];
	const char *safe = gs_escape(path, pb, sizeof(pb));
	int fd;

	memset(w, 0, sizeof(*w));
	if ((fd = gs_open_regular(path, &size, &e2)) < 0)
		return gs_error_set(err, "cannot read '%s': %s", safe, e2.msg);
	if (size > 0) {
		map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			close(fd);
			return gs_error_set(err, "cannot read '%s': %s", safe, strerror(errno));
		}
	}
	close(fd);
	w->map = map;
	w->map_len = (size_t)size;
	if (st_parse(safe, w, map, (size_t)size, err)) {
		gs_weights_release(w);
		return -1;
	}
	return 0;
}

int gs_safetensors_write(const char *path, int n, const struct gs_wtensor *t,
			 struct gs_error *err)
{
	json_t *h = json_object();
	struct gs_atomic_file af;
	uint64_t off = 0, hlen;
	unsigned char len8[8];
	char *text = NULL;
	size_t tl;
	int i, rc = -1;

	for (i = 0; i < n; i++) {
		const char *dn = st_dtype_name(t[i].dtype);
		json_t *e, *shape;
		int d;

		if (!dn) {
			gs_error_set(err, "cannot write '%s': safetensors has no dtype for %s", path,
				     gs_dtype_name(t[i].dtype));
			goto out;
		}
		/* the format's one reserved key: readers would drop the tensor */
		if (!strcmp(t[i].name, "__metadata__")) {
			gs_error_set(err, "cannot write '%s': safetensors reserves the name "
				     "'__metadata__'", path);
			goto out;
		}
		shape = json_array();
		for (d = 0; d < t[i].rank; d++)
			json_array_append_new(shape, json_integer(t[i].dims[d]));
		e = json_pack("{s:s, s:o, s:[I, I]}", "dtype", dn, "shape", shape, "data_offsets",
			      (json_int_t)off, (json_int_t)(off + t[i].nbytes));
		if (!e || json_object_set_new(h, t[i].name, e)) {
			gs_error_set(err, "cannot write '%s': tensor names must be UTF-8 and unique",
				     path);
			goto out;
		}
		off += t[i].nbytes;
	}
	text = json_dumps(h, JSON_COMPACT);
	tl = strlen(text);
	hlen = (tl + 7) / 8 * 8;	/* the buffer starts 8-aligned */
	for (i = 0; i < 8; i++)
		len8[i] = (unsigned char)(hlen >> (8 * i));
	if (gs_atomic_open(&af, path, err))
		goto out;
	fwrite(len8, 1, 8, af.f);
	fwrite(text, 1, tl, af.f);
	for (; tl < hlen; tl++)
		fputc(' ', af.f);
	for (i = 0; i < n; i++)
		if (t[i].nbytes)
			fwrite(t[i].data, 1, t[i].nbytes, af.f);
	if (ferror(af.f)) {
		gs_atomic_abort(&af);
		gs_error_set(err, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = gs_atomic_commit(&af, err);
out:
	free(text);
	json_decref(h);
	return rc;
}
