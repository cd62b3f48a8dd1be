/*
 * The numbers every step shows: nodes, parameter elements, saved bytes,
 * those bytes through zstd (what sparsity and quantization buy on disk)
 * and the zero fraction of the weights of Conv, ConvTranspose, Gemm and
 * MatMul.
 */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "graphsmith/history.h"
#include "graphsmith/onnx.h"
#include "graphsmith/ops.h"
#include "history/internal.h"

enum { STATS_ZSTD_LEVEL = 1 };

struct census {
	int nodes;
	int64_t params;
	const struct gs_tensor **weights;
	int n_weights, weights_alloc;
};

/* Conv, ConvTranspose, Gemm, MatMul: the registry's float weight ops
 * (their weight is input 1). */
bool gs_is_weight_op(const struct gs_node *n)
{
	return !n->domain[0] && gs_op_weight_slot("", n->op_type, NULL, NULL) == 1;
}

static int count_graph(struct gs_graph *g, void *ctx)
{
	struct census *c = ctx;
	int i, j;

	c->nodes += gs_graph_live_nodes(g);
	for (i = 0; i < g->n_values; i++) {
		const struct gs_value *v = g->values[i];

		if (v->kind == GS_VALUE_PARAM && v->param && v->param->numel > 0)
			c->params += v->param->numel;
	}
	for (i = 0; i < g->n_nodes; i++) {
		const struct gs_node *n = g->nodes[i];
		const struct gs_tensor *t;

		if (n->removed || !gs_is_weight_op(n) || n->n_inputs < 2)
			continue;
		if (!(t = gs_graph_param_of(g, n->inputs[1])) || !t->data)
			continue;
		/* a weight shared by several nodes counts once */
		for (j = 0; j < c->n_weights; j++)
			if (c->weights[j] == t)
				break;
		if (j < c->n_weights)
			continue;
		GS_GROW(c->weights, c->n_weights + 1, c->weights_alloc);
		c->weights[c->n_weights++] = t;
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
	p = gs_onnx_fetch(job->m, (const uint8_t *)task->t->data + task->lo * size,
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
	      gs_onnx_fetch(job->m, (const uint8_t *)task->t->data + task->off, task->len, w->in),
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
	gs_onnx_pack_stream(m, zsink, &z);
	zpush(z.cc, z.buf, z.cap, NULL, 0, ZSTD_e_end, &z.out);
	ZSTD_freeCCtx(z.cc);
	free(z.buf);
	free(z.big);
	return z.out;
}

void gs_step_stats_measure(struct gs_model *m, struct gs_step_stats *out)
{
	struct census c;
	int64_t zeros = 0, total = 0;
	int i;

	memset(&c, 0, sizeof(c));
	memset(out, 0, sizeof(*out));	/* the output error is set by the caller */
	gs_graph_walk(m->graph, count_graph, &c);
	count_missing_zeros(m, c.weights, c.n_weights);
	for (i = 0; i < c.n_weights; i++) {
		zeros += c.weights[i]->zeros;
		total += c.weights[i]->numel;
	}
	free(c.weights);
	out->nodes = c.nodes;
	out->params = c.params;
	out->sparsity = total ? (double)zeros / (double)total : 0.0;
	out->bytes = gs_onnx_packed_size(m);
	out->zstd_bytes = zstd_size(m);
}

static double pct(uint64_t now, uint64_t then)
{
	return then ? 100.0 * ((double)now - (double)then) / (double)then : 0.0;
}

void gs_history_format_step(const struct gs_history *h, int i, char *buf, size_t len)
{
	const struct gs_step_stats *s = gs_history_stats(h, i), *b = gs_history_baseline(h), *p;
	char line[256], sz[32], zs[32];

	if (!s) {
		snprintf(buf, len, "no step %d", i);
		return;
	}
	gs_format_bytes(s->bytes, sz, sizeof(sz));
	gs_format_bytes(s->zstd_bytes, zs, sizeof(zs));
	if (i == 0) {
		snprintf(buf, len, "baseline: %d nodes, %lld params, %s, zstd %s, sparsity %.1f%%",
			 s->nodes, (long long)s->params, sz, zs, 100.0 * s->sparsity);
		return;
	}
	p = gs_history_stats(h, i - 1);
	gs_escape(gs_history_line(h, i), line, sizeof(line));
	snprintf(buf, len,
		 "step %d %s: %d nodes (%+d), %lld params (%+lld), %s (%+.1f%%), "
		 "zstd %s (%+.1f%%, %+.1f%% vs baseline), sparsity %.1f%% (%+.1f pts)",
		 i, line, s->nodes, s->nodes - p->nodes, (long long)s->params,
		 (long long)(s->params - p->params), sz, pct(s->bytes, p->bytes), zs,
		 pct(s->zstd_bytes, p->zstd_bytes), pct(s->zstd_bytes, b->zstd_bytes),
		 100.0 * s->sparsity, 100.0 * (s->sparsity - p->sparsity));
	if (s->out.state) {
		size_t at = strlen(buf);
		char oe[400];

		gs_history_format_output_error(h, i, oe, sizeof(oe));
		if (at < len)
			snprintf(buf + at, len - at, "; %s", oe);
	}
}

void gs_history_format_output_error(const struct gs_history *h, int i, char *buf, size_t len)
{
	const struct gs_step_stats *s = gs_history_stats(h, i), *b = gs_history_baseline(h);
	size_t at = 0;
	int k;

	buf[0] = 0;
	if (!s || !s->out.state)
		return;
	if (s->out.state < 0) {
		snprintf(buf, len, "outputs not measured: %s", s->out.why);
		return;
	}
	for (k = 0; k < s->out.n && at < len; k++) {
		char db[32];

		if (isinf(s->out.sqnr_db[k]) && s->out.sqnr_db[k] > 0)
			snprintf(db, sizeof(db), "exact");
		else
			snprintf(db, sizeof(db), "%.1f dB", s->out.sqnr_db[k]);
		char name[24] = "out";

		if (s->out.n > 1)
			snprintf(name, sizeof(name), "out[%d]", k);
		at += (size_t)snprintf(buf + at, len - at, "%s%s cos %.4f, %s, max abs %.3g",
				       k ? "; " : "", name, s->out.cosine[k], db, s->out.max_abs[k]);
	}
	if (s->out.has_acc && at < len) {
		if (b && b->out.has_acc)
			snprintf(buf + at, len - at, "; acc %.1f%% (%+.1f pts)", 100.0 * s->out.acc,
				 100.0 * (s->out.acc - b->out.acc));
		else
			snprintf(buf + at, len - at, "; acc %.1f%%", 100.0 * s->out.acc);
	}
}
