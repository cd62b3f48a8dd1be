/*
 * The numbers every step shows: nodes, parameter elements, saved bytes,
 * those bytes through zstd (what sparsity and quantization buy on disk)
 * and the zero fraction of the weights of Conv, ConvTranspose, Gemm and
 * MatMul.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "graphsmith/history.h"
#include "graphsmith/onnx.h"
#include "history/internal.h"

enum { STATS_ZSTD_LEVEL = 1 };

struct census {
	int nodes;
	int64_t params;
	const struct gs_tensor **weights;
	int n_weights, weights_alloc;
};

bool gs_is_weight_op(const struct gs_node *n)
{
	return !n->domain[0] && (!strcmp(n->op_type, "Conv") || !strcmp(n->op_type, "ConvTranspose") ||
				 !strcmp(n->op_type, "Gemm") || !strcmp(n->op_type, "MatMul"));
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

/* Zero elements of a dense tensor; -0.0 counts as zero for floats.
 * Cached on the tensor, so each step only counts what it changed. */
static int64_t count_zeros(const struct gs_tensor *t_const)
{
	struct gs_tensor *t = (struct gs_tensor *)t_const;
	const uint8_t *p = t->data;
	int bits = gs_dtype_bits(t->dtype);
	size_t size = (size_t)bits / 8, i, k, n = (size_t)t->numel;
	int64_t zeros = 0;
	bool fl = gs_dtype_is_float(t->dtype);

	if (t->zeros_known)
		return t->zeros;
	if (bits < 8 || bits % 8 || t->nbytes < n * size)
		return 0;
	if (size == 4) {
		/* the common case, in a loop the compiler vectorizes */
		uint32_t mask = fl ? 0x7fffffffu : 0xffffffffu, w;

		for (i = 0; i < n; i++) {
			memcpy(&w, p + 4 * i, 4);
			zeros += !(w & mask);
		}
	} else {
		for (i = 0; i < n; i++, p += size) {
			uint8_t acc = 0;

			for (k = 0; k + 1 < size; k++)
				acc |= p[k];
			/* little-endian: the sign bit is the top bit of the last byte */
			acc |= fl ? (uint8_t)(p[size - 1] & 0x7f) : p[size - 1];
			zeros += !acc;
		}
	}
	t->zeros = zeros;
	t->zeros_known = true;
	return zeros;
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

static void zpush(struct zcount *z, ZSTD_CCtx *cc, const void *data, size_t len,
		  ZSTD_EndDirective mode, uint64_t *out)
{
	ZSTD_inBuffer in = { data, len, 0 };
	size_t rc;

	do {
		ZSTD_outBuffer o = { z->buf, z->cap, 0 };

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
 * narrow range of quantization), so an eighth predicts the whole within
 * a fraction of a percent, and the first step on a 400 MB model costs a
 * tenth of a second instead of a second.
 */
enum { SAMPLE_ABOVE = 8 << 20, SAMPLE_BLOCK = 128 << 10, SAMPLE_EVERY = 8 };

static uint64_t tensor_zstd_size(struct zcount *z, const uint8_t *data, size_t len)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	uint64_t out = 0, sampled = 0;
	size_t off, n;

	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, STATS_ZSTD_LEVEL);
	if (len <= SAMPLE_ABOVE) {
		zpush(z, cc, data, len, ZSTD_e_end, &out);
		ZSTD_freeCCtx(cc);
		return out ? out : 1;
	}
	for (off = 0; off < len; off += (size_t)SAMPLE_BLOCK * SAMPLE_EVERY) {
		n = len - off < SAMPLE_BLOCK ? len - off : SAMPLE_BLOCK;
		zpush(z, cc, data + off, n, ZSTD_e_end, &out);
		sampled += n;
	}
	ZSTD_freeCCtx(cc);
	return (uint64_t)((double)out * (double)len / (double)sampled) + 1;
}

static void zsink(void *ctx, const void *data, size_t len)
{
	struct zcount *z = ctx;
	struct gs_tensor *t = len >= BIG_TENSOR ? find_big(z, data, len) : NULL;

	if (!t) {
		zpush(z, z->cc, data, len, ZSTD_e_continue, &z->out);
		return;
	}
	if (!t->zstd_bytes)
		t->zstd_bytes = tensor_zstd_size(z, data, len);
	z->out += t->zstd_bytes;
}

static uint64_t zstd_size(struct gs_model *m)
{
	struct zcount z;

	memset(&z, 0, sizeof(z));
	gs_graph_walk(m->graph, collect_big, &z);
	if (z.n_big)
		qsort(z.big, (size_t)z.n_big, sizeof(*z.big), by_data);
	z.cc = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(z.cc, ZSTD_c_compressionLevel, STATS_ZSTD_LEVEL);
	z.cap = ZSTD_CStreamOutSize();
	z.buf = gs_xmalloc(z.cap);
	gs_onnx_pack_stream(m, zsink, &z);
	zpush(&z, z.cc, NULL, 0, ZSTD_e_end, &z.out);
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
	memset(out, 0, sizeof(*out));
	gs_graph_walk(m->graph, count_graph, &c);
	for (i = 0; i < c.n_weights; i++) {
		zeros += count_zeros(c.weights[i]);
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
}
