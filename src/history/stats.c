/*
 * The numbers every step shows: nodes, parameter elements, saved bytes,
 * those bytes through zstd (what sparsity and quantization buy on disk)
 * and the zero fraction of the weights of Conv, ConvTranspose, Gemm and
 * MatMul.  Measured from the model alone (format.c writes them as the
 * step's line, with the history's).
 */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "graphsmith/history.h"
#include "graphsmith/ops.h"

enum { STATS_ZSTD_LEVEL = 1 };

/*
 * A weight as the op sees it: the stored tensor q, reached from the op's
 * input through Cast (zero stays zero) and DequantizeLinear (zero where
 * q equals its zero point or the scale is zero), so pruned zeros still
 * count after a step stores them as fp16 or int8.
 */
struct wref {
	const struct gs_tensor *q;
	const struct gs_tensor *scale, *zp;	/* DequantizeLinear, or NULL */
	int64_t axis, block;
};

struct census {
	struct gs_model_figures *f;
	struct wref *weights;
	int n_weights, weights_alloc;
};

/* Conv, ConvTranspose, Gemm, MatMul: the registry's float weight ops
 * (their weight is input 1). */
bool gs_is_weight_op(const struct gs_node *n)
{
	return !n->domain[0] && gs_op_weight_slot("", n->op_type, NULL, NULL) == 1;
}

bool gs_param_saved(const struct gs_graph *g, const struct gs_value *v)
{
	if (v->kind != GS_VALUE_PARAM || !v->param)
		return false;
	if (v->producer >= 0)
		return !g->nodes[v->producer]->removed;
	return v->is_initializer;
}

static bool resolve_weight(const struct gs_graph *g, int vid, struct wref *w)
{
	int hops;

	memset(w, 0, sizeof(*w));
	for (hops = 0; hops < 8 && vid >= 0; hops++) {
		const struct gs_value *v = g->values[vid];
		const struct gs_node *n;

		if ((w->q = gs_graph_param_of(g, vid)))
			return w->q->data != NULL;
		if (v->kind != GS_VALUE_ACTIVATION || v->producer < 0)
			return false;
		n = g->nodes[v->producer];
		if (n->removed || n->n_inputs < 1)
			return false;
		if (!n->domain[0] && !strcmp(n->op_type, "Cast")) {
			vid = n->inputs[0];
			continue;
		}
		if (strcmp(n->op_type, "DequantizeLinear") || w->scale || n->n_inputs < 2 ||
		    (n->domain[0] && strcmp(n->domain, "com.microsoft")))
			return false;
		if (!(w->scale = gs_graph_param_of(g, n->inputs[1])) || !w->scale->data)
			return false;
		w->zp = n->n_inputs > 2 && n->inputs[2] >= 0 ?
			gs_graph_param_of(g, n->inputs[2]) : NULL;
		if (w->zp && !w->zp->data)
			return false;
		w->axis = gs_node_attr_int(n, "axis", 1);
		w->block = gs_node_attr_int(n, "block_size", 0);
		vid = n->inputs[0];
	}
	return false;
}

static int count_graph(struct gs_graph *g, void *ctx)
{
	struct census *c = ctx;
	struct gs_model_figures *f = c->f;
	struct wref w;
	int i, j;

	f->nodes += gs_graph_live_nodes(g);
	for (i = 0; i < g->n_values; i++) {
		const struct gs_value *v = g->values[i];

		if (!gs_param_saved(g, v))
			continue;
		f->n_params++;
		f->params += v->param->numel > 0 ? v->param->numel : 0;
		f->param_bytes += v->param->nbytes;
	}
	for (i = 0; i < g->n_nodes; i++) {
		const struct gs_node *n = g->nodes[i];

		if (n->removed || !gs_is_weight_op(n) || n->n_inputs < 2)
			continue;
		if (!resolve_weight(g, n->inputs[1], &w))
			continue;
		/* a weight shared by several nodes counts once */
		for (j = 0; j < c->n_weights; j++)
			if (c->weights[j].q == w.q)
				break;
		if (j < c->n_weights)
			continue;
		GS_GROW(c->weights, c->n_weights + 1, c->weights_alloc);
		c->weights[c->n_weights++] = w;
	}
	return 0;
}

/* Zero elements among the n elements of t at p; -0.0 counts as zero for
 * floats. */
static int64_t count_zeros(const struct gs_tensor *t, const uint8_t *p, size_t n)
{
	size_t size = (size_t)gs_dtype_bits(t->dtype) / 8, i, k;
	int64_t zeros = 0;
	bool fl = gs_dtype_is_float(t->dtype);

	if (size == 4) {
		/* the common case: fixed-length blocks with a 32-bit count, a
		 * shape the compiler vectorizes at -O2 */
		uint32_t mask = fl ? 0x7fffffffu : 0xffffffffu, w, block;

		for (i = 0; i + 256 <= n; i += 256) {
			block = 0;
			for (k = 0; k < 256; k++) {
				memcpy(&w, p + 4 * (i + k), 4);
				block += !(w & mask);
			}
			zeros += block;
		}
		for (; i < n; i++) {
			memcpy(&w, p + 4 * i, 4);
			zeros += !(w & mask);
		}
		return zeros;
	}
	for (i = 0; i < n; i++, p += size) {
		uint8_t acc = 0;

		for (k = 0; k + 1 < size; k++)
			acc |= p[k];
		/* little-endian: the sign bit is the top bit of the last byte */
		acc |= fl ? (uint8_t)(p[size - 1] & 0x7f) : p[size - 1];
		zeros += !acc;
	}
	return zeros;
}

static bool zeros_countable(const struct gs_tensor *t)
{
	int bits = gs_dtype_bits(t->dtype);

	return bits >= 8 && bits % 8 == 0 && t->nbytes >= (size_t)t->numel * (size_t)(bits / 8);
}

/*
 * Fills the zero counts the weights do not have cached yet (edits reset
 * them, so a step counts only what it changed), in chunks on every core:
 * the baseline of a 400 MB model is the first read of every mapped page.
 */
enum { ZERO_CHUNK = 1 << 20 };	/* elements per task */

struct zero_task {
	struct gs_tensor *t;
	size_t lo, hi;
	int64_t zeros;
};

struct zero_job {
	const struct gs_model *m;
	struct zero_task *tasks;
	uint8_t **bufs;			/* per worker, a chunk's bytes */
};

static void zero_task_run(void *ctx, size_t i, int worker)
{
	struct zero_job *job = ctx;
	struct zero_task *task = &job->tasks[i];
	size_t size = (size_t)gs_dtype_bits(task->t->dtype) / 8;
	const uint8_t *p;

	if (!job->bufs[worker])
		job->bufs[worker] = gs_xmalloc_huge((size_t)ZERO_CHUNK * 8);
	p = gs_model_fetch(job->m, (const uint8_t *)task->t->data + task->lo * size,
			  (task->hi - task->lo) * size, job->bufs[worker]);
	task->zeros = count_zeros(task->t, p, task->hi - task->lo);
}

static void count_missing_zeros(const struct gs_model *m, const struct gs_tensor **weights, int n)
{
	struct zero_task *tasks = NULL;
	struct zero_job job;
	size_t n_tasks = 0, alloc = 0, lo, j;
	int i, nw = gs_worker_count();

	for (i = 0; i < n; i++) {
		struct gs_tensor *t = (struct gs_tensor *)weights[i];

		if (t->zeros_known)
			continue;
		t->zeros = 0;
		t->zeros_known = true;
		if (!zeros_countable(t))
			continue;
		for (lo = 0; lo < (size_t)t->numel; lo += ZERO_CHUNK) {
			GS_GROW(tasks, n_tasks + 1, alloc);
			tasks[n_tasks].t = t;
			tasks[n_tasks].lo = lo;
			tasks[n_tasks++].hi = (size_t)t->numel - lo < ZERO_CHUNK ?
					      (size_t)t->numel : lo + ZERO_CHUNK;
		}
	}
	job.m = m;
	job.tasks = tasks;
	job.bufs = gs_xcalloc((size_t)nw, sizeof(*job.bufs));
	gs_parallel_for(n_tasks, zero_task_run, &job);
	for (j = 0; j < n_tasks; j++)
		tasks[j].t->zeros += tasks[j].zeros;
	for (i = 0; i < nw; i++)
		free(job.bufs[i]);
	free(job.bufs);
	free(tasks);
}

/*
 * The zstd size is what the model would take compressed.  Compressing a
 * 400 MB model at every step would cost a second each time, so each big
 * tensor's compressed size is cached on the tensor (edits reset it) and
 * only the structure and the tensors a step changed are compressed again.
 * The sum differs from one whole-file stream by a few bytes per tensor.
 */
enum { BIG_TENSOR = 64 * 1024 };

struct zcount {
	ZSTD_CCtx *cc;
	uint8_t *buf;
	size_t cap;
	uint64_t out;
	const struct gs_tensor **big;	/* sorted by data pointer */
	int n_big, big_alloc;
};

static int collect_big(struct gs_graph *g, void *ctx)
{
	struct zcount *z = ctx;
	int i;

	for (i = 0; i < g->n_values; i++) {
		const struct gs_tensor *t = g->values[i]->param;

		if (g->values[i]->kind != GS_VALUE_PARAM || !t || !t->data || t->nbytes < BIG_TENSOR)
			continue;
		GS_GROW(z->big, z->n_big + 1, z->big_alloc);
		z->big[z->n_big++] = t;
	}
	return 0;
}

static int by_data(const void *a, const void *b)
{
	const uint8_t *x = (*(const struct gs_tensor *const *)a)->data;
	const uint8_t *y = (*(const struct gs_tensor *const *)b)->data;

	return x < y ? -1 : x > y;
}

static struct gs_tensor *find_big(struct zcount *z, const void *data, size_t len)
{
	int lo = 0, hi = z->n_big - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		const uint8_t *d = z->big[mid]->data;

		if (d == data)
			return z->big[mid]->nbytes == len ? (struct gs_tensor *)z->big[mid] : NULL;
		if (d < (const uint8_t *)data)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

static void zpush(ZSTD_CCtx *cc, uint8_t *buf, size_t cap, const void *data, size_t len,
		  ZSTD_EndDirective mode, uint64_t *out)
{
	ZSTD_inBuffer in = { data, len, 0 };
	size_t rc;

	do {
		ZSTD_outBuffer o = { buf, cap, 0 };

		rc = ZSTD_compressStream2(cc, &o, &in, mode);
		if (ZSTD_isError(rc))
			return;
		*out += o.pos;
	} while (mode == ZSTD_e_end ? rc != 0 : in.pos < in.size);
}

/*
 * A tensor over SAMPLE_ABOVE bytes is measured on every SAMPLE_EVERY-th
 * block of SAMPLE_BLOCK bytes and the result scaled: weights compress
 * evenly along their length (noise, or the zeros of pruning and the
 * narrow range of quantization).  Against zstd of each whole tensor, on
 * the 400 MB model as generated, pruned 50%, and 2:4-pruned + int8, the
 * estimate is off by +0.03%, -1.0% and +1.5%; sampling an eighth instead
 * of a sixteenth changed those by under 0.3 points and cost twice the
 * time.  Each block (or small tensor) is its own frame, so the blocks
 * compress on every core at once and the result does not depend on how
 * many there are.
 */
enum { SAMPLE_ABOVE = 2 << 20, SAMPLE_BLOCK = 64 << 10, SAMPLE_EVERY = 16 };

struct zstd_task {
	struct gs_tensor *t;
	size_t off, len;
	uint64_t out;
};

struct zstd_worker {
	ZSTD_CCtx *cc;
	uint8_t *buf;
	uint8_t *in;			/* the task's bytes, read from the file */
};

struct zstd_job {
	const struct gs_model *m;
	struct zstd_task *tasks;
	struct zstd_worker *workers;
	size_t cap;
};

static void zstd_task_run(void *ctx, size_t i, int worker)
{
	struct zstd_job *job = ctx;
	struct zstd_task *task = &job->tasks[i];
	struct zstd_worker *w = &job->workers[worker];

	if (!w->cc) {
		w->cc = ZSTD_createCCtx();
		ZSTD_CCtx_setParameter(w->cc, ZSTD_c_compressionLevel, STATS_ZSTD_LEVEL);
		w->buf = gs_xmalloc(job->cap);
		w->in = gs_xmalloc_huge(SAMPLE_ABOVE);
	}
	zpush(w->cc, w->buf, job->cap,
	      gs_model_fetch(job->m, (const uint8_t *)task->t->data + task->off, task->len, w->in),
	      task->len, ZSTD_e_end, &task->out);
}

/* Fills the compressed sizes the big tensors do not have cached yet. */
static void measure_missing_zstd(const struct gs_model *m, const struct gs_tensor **big, int n_big)
{
	struct zstd_job job = { m, NULL, NULL, ZSTD_CStreamOutSize() };
	size_t n_tasks = 0, alloc = 0, off, j, k;
	int i, nw = gs_worker_count();

	for (i = 0; i < n_big; i++) {
		struct gs_tensor *t = (struct gs_tensor *)big[i];
		size_t step = t->nbytes <= SAMPLE_ABOVE ? t->nbytes : (size_t)SAMPLE_BLOCK * SAMPLE_EVERY;

		if (t->zstd_bytes)
			continue;
		for (off = 0; off < t->nbytes; off += step) {
			GS_GROW(job.tasks, n_tasks + 1, alloc);
			job.tasks[n_tasks].t = t;
			job.tasks[n_tasks].off = off;
			job.tasks[n_tasks].len = t->nbytes <= SAMPLE_ABOVE ? t->nbytes :
						 t->nbytes - off < SAMPLE_BLOCK ? t->nbytes - off :
						 SAMPLE_BLOCK;
			job.tasks[n_tasks++].out = 0;
		}
	}
	if (!n_tasks)
		return;
	job.workers = gs_xcalloc((size_t)nw, sizeof(*job.workers));
	gs_parallel_for(n_tasks, zstd_task_run, &job);
	for (j = 0; j < n_tasks; j = k) {
		struct gs_tensor *t = job.tasks[j].t;
		uint64_t out = 0, sampled = 0;

		for (k = j; k < n_tasks && job.tasks[k].t == t; k++) {
			out += job.tasks[k].out;
			sampled += job.tasks[k].len;
		}
		t->zstd_bytes = t->nbytes <= SAMPLE_ABOVE ? (out ? out : 1) :
				(uint64_t)((double)out * (double)t->nbytes / (double)sampled) + 1;
	}
	for (i = 0; i < nw; i++) {
		ZSTD_freeCCtx(job.workers[i].cc);
		free(job.workers[i].buf);
		free(job.workers[i].in);
	}
	free(job.workers);
	free(job.tasks);
}

static void zsink(void *ctx, const void *data, size_t len)
{
	struct zcount *z = ctx;
	struct gs_tensor *t = len >= BIG_TENSOR ? find_big(z, data, len) : NULL;

	if (!t || !t->zstd_bytes) {
		zpush(z->cc, z->buf, z->cap, data, len, ZSTD_e_continue, &z->out);
		return;
	}
	z->out += t->zstd_bytes;
}

static uint64_t zstd_size(struct gs_model *m)
{
	struct zcount z;

	memset(&z, 0, sizeof(z));
	gs_graph_walk(m->graph, collect_big, &z);
	if (z.n_big)
		qsort(z.big, (size_t)z.n_big, sizeof(*z.big), by_data);
	measure_missing_zstd(m, z.big, z.n_big);
	z.cc = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(z.cc, ZSTD_c_compressionLevel, STATS_ZSTD_LEVEL);
	z.cap = ZSTD_CStreamOutSize();
	z.buf = gs_xmalloc(z.cap);
	gs_model_pack_stream(m, zsink, &z);
	zpush(z.cc, z.buf, z.cap, NULL, 0, ZSTD_e_end, &z.out);
	ZSTD_freeCCtx(z.cc);
	free(z.buf);
	free(z.big);
	return z.out;
}

/* Whether every element of t (a scale or zero point) decodes to zero,
 * or (want_zero false) none does. */
static bool all_elems(const struct gs_tensor *t, bool want_zero)
{
	double v;
	int64_t i;

	for (i = 0; i < t->numel; i++) {
		if (gs_decode_to_double(t->dtype, t->data, (size_t)i, 1, &v))
			return false;
		if ((v == 0) != want_zero)
			return false;
	}
	return true;
}

/* The raw zero count of q is its zero count in value space: no
 * dequantization, or a symmetric one with no zero scale. */
static bool raw_zeros_suffice(const struct wref *w)
{
	if (!w->scale)
		return true;
	return (!w->zp || all_elems(w->zp, true)) && all_elems(w->scale, false);
}

/*
 * Zeros in value space by decoding: 4-bit weights and asymmetric or
 * blocked DequantizeLinear.  Element i of q = [outer, D, inner] around
 * the axis uses scale/zero point 0 (per tensor), a (per axis) or
 * (o, a / block, r) (blocked).  -1 when the layout is not one of these.
 */
static int64_t decoded_zeros(const struct wref *w)
{
	enum { CHUNK = 4096 };
	const struct gs_tensor *q = w->q;
	double *qv, *sv = NULL, *zv = NULL;
	int64_t outer = 1, d = 1, inner = 1, nb = 1, zeros = 0, i, k, sn = 1;
	int ax = 0, r;

	if (w->scale) {
		sn = w->scale->numel;
		ax = (int)(w->axis < 0 ? w->axis + q->rank : w->axis);
		if (sn > 1 && (ax < 0 || ax >= q->rank))
			return -1;
		for (r = 0; sn > 1 && r < q->rank; r++) {
			if (r < ax)
				outer *= q->dims[r];
			else if (r > ax)
				inner *= q->dims[r];
		}
		if (sn > 1)
			d = q->dims[ax];
		if (sn > 1 && w->block > 0)
			nb = (d + w->block - 1) / w->block;
		if (sn > 1 && (w->block > 0 ? sn != outer * nb * inner : sn != d))
			return -1;
		if (w->zp && w->zp->numel != sn)
			return -1;
		sv = gs_xmalloc(sizeof(double) * (size_t)sn);
		if (gs_decode_to_double(w->scale->dtype, w->scale->data, 0, (size_t)sn, sv))
			goto fail;
		if (w->zp) {
			zv = gs_xmalloc(sizeof(double) * (size_t)sn);
			if (gs_decode_to_double(w->zp->dtype, w->zp->data, 0, (size_t)sn, zv))
				goto fail;
		}
	}
	qv = gs_xmalloc(sizeof(double) * CHUNK);
	for (i = 0; i < q->numel; i += CHUNK) {
		int64_t n = q->numel - i < CHUNK ? q->numel - i : CHUNK;

		if (gs_decode_to_double(q->dtype, q->data, (size_t)i, (size_t)n, qv)) {
			free(qv);
			goto fail;
		}
		for (k = 0; k < n; k++) {
			int64_t e = i + k, c = 0;

			if (sn > 1) {
				int64_t a = (e / inner) % d;

				c = w->block > 0 ? ((e / (inner * d)) * nb + a / w->block) * inner +
						   e % inner : a;
			}
			zeros += qv[k] == (zv ? zv[c] : 0) || (sv && sv[c] == 0);
		}
	}
	free(qv);
	free(sv);
	free(zv);
	return zeros;
fail:
	free(sv);
	free(zv);
	return -1;
}

void gs_model_figures(const struct gs_model *cm, struct gs_model_figures *out)
{
	/* only the caches of the tensors (zero counts) are written */
	struct gs_model *m = (struct gs_model *)cm;
	const struct gs_tensor **raw;
	struct census c;
	int i, n_raw = 0;

	memset(&c, 0, sizeof(c));
	memset(out, 0, sizeof(*out));
	c.f = out;
	gs_graph_walk(m->graph, count_graph, &c);
	raw = gs_xmalloc(sizeof(*raw) * ((size_t)c.n_weights + 1));
	for (i = 0; i < c.n_weights; i++)
		if (zeros_countable(c.weights[i].q) && raw_zeros_suffice(&c.weights[i]))
			raw[n_raw++] = c.weights[i].q;
	count_missing_zeros(m, raw, n_raw);
	for (i = 0; i < c.n_weights; i++) {
		const struct wref *w = &c.weights[i];
		int64_t z;

		if (zeros_countable(w->q) && raw_zeros_suffice(w))
			z = w->q->zeros;
		else if ((z = decoded_zeros(w)) < 0)
			continue;	/* a layout not understood: not counted */
		out->zeros += z;
		out->weights += w->q->numel;
	}
	free(raw);
	free(c.weights);
	out->sparsity = out->weights ? (double)out->zeros / (double)out->weights : 0.0;
	out->opset = gs_model_opset(m, "");
}

void gs_step_stats_measure(struct gs_model *m, struct gs_step_stats *out)
{
	struct gs_model_figures f;

	memset(out, 0, sizeof(*out));	/* the output error is set by the caller */
	gs_model_figures(m, &f);
	out->nodes = f.nodes;
	out->params = f.params;
	out->sparsity = f.sparsity;
	out->opset = f.opset;
	out->bytes = gs_model_packed_size(m);
	out->zstd_bytes = zstd_size(m);
}
