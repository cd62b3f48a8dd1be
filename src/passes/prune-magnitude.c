/*
 * `prune magnitude SPARSITY [--global] [--only PATTERN]`: zero the
 * floor(n * s) weights of smallest magnitude, exactly, ties broken by
 * position.  Magnitudes are compared as the bits of |w|: for IEEE floats
 * the unsigned order of those bits is the order of the values, NaN last.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/prune.h"

static uint32_t mag_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u & 0x7fffffffu;
}

/* Threshold for zeroing k of the n magnitudes: every |w| below t goes,
 * and the first `ties` of those equal to t (in layer, index order). */
struct cut {
	uint32_t t;
	int64_t ties;
};

/*
 * The k-th smallest (0-based) of the keys, by radix selection: count the
 * top 16 bits, then the low 16 bits of the keys in the chosen bucket.  Two
 * linear passes that move nothing (quickselect's swaps were a third of a
 * 400 MB prune), and the counts also give how many keys lie below.
 */
static struct cut find_cut(const uint32_t *keys, size_t n, size_t k)
{
	struct cut c = { 0, 0 };
	uint64_t *count, below = 0;
	uint32_t hi = 0, lo = 0;
	size_t i;

	if (!k)
		return c;
	k--;			/* the largest key that goes */
	count = gs_xcalloc(1 << 16, sizeof(*count));
	for (i = 0; i < n; i++)
		count[keys[i] >> 16]++;
	while (below + count[hi] <= k)
		below += count[hi++];
	memset(count, 0, sizeof(*count) << 16);
	for (i = 0; i < n; i++)
		if (keys[i] >> 16 == hi)
			count[keys[i] & 0xffff]++;
	while (below + count[lo] <= k)
		below += count[lo++];
	free(count);
	c.t = hi << 16 | lo;
	c.ties = (int64_t)(k + 1 - below);
	return c;
}

/* Applies the cut to the weights f in place; ties counts down across
 * layers for --global.  Returns the zeros left in f; *changed says whether
 * any bit changed (a -0.0 cut to 0.0 counts).  The pass over everything
 * below the threshold is branch-free; the ties, rare outside all-zero
 * stretches, get a second pass that stops once they are spent. */
static int64_t apply_cut(float *f, int64_t n, struct cut *c, bool *changed)
{
	int64_t i, zeros = 0, cut = 0;
	uint32_t u, v, t = c->t;	/* a local: stores to f must not reload it */

	for (i = 0; i < n; i++) {
		memcpy(&u, &f[i], sizeof(u));
		v = (u & 0x7fffffffu) < t ? 0 : u;
		memcpy(&f[i], &v, sizeof(v));
		cut += v != u;
		zeros += (v & 0x7fffffffu) == 0;
	}
	for (i = 0; i < n && c->ties > 0; i++) {
		if (mag_bits(f[i]) != c->t)
			continue;
		c->ties--;
		memcpy(&u, &f[i], sizeof(u));
		cut += u != 0;
		f[i] = 0.0f;
		zeros += c->t != 0;	/* a -0.0 tie was counted already */
	}
	*changed = cut > 0;
	return zeros;
}

static uint32_t *magnitudes(const float *f, int64_t n, uint32_t *keys)
{
	int64_t i;

	for (i = 0; i < n; i++)
		keys[i] = mag_bits(f[i]);
	return keys + n;
}

/*
 * Each layer's copy, cut and zero count is independent of the others, so
 * the layers are pruned on every core; only installing the results goes
 * through the edit journal, in layer order, on the caller's thread.
 */
struct layer_job {
	const struct gs_model *m;
	struct gs_prune_layer *layers;
	double sparsity;
	bool global;
	float **out;			/* per layer: the new weights */
	bool *changed;			/* per layer: did the cut change a bit */
	int64_t *zeros;			/* per layer, after it */
	uint32_t *keys;			/* --global: every layer's magnitudes */
	int64_t *key_off;		/* --global: where each layer's start */
	uint32_t **scratch;		/* per worker: one layer's magnitudes */
	size_t *scratch_cap;
};

static void prune_layer(void *ctx, size_t i, int worker)
{
	struct layer_job *j = ctx;
	const struct gs_tensor *t = j->layers[i].w;
	int64_t n = t->numel;
	float *f = gs_prune_floats(j->m, t);
	struct cut c;

	j->out[i] = f;
	if (j->global) {
		magnitudes(f, n, j->keys + j->key_off[i]);
		return;
	}
	if (j->scratch_cap[worker] < (size_t)n) {
		free(j->scratch[worker]);
		j->scratch_cap[worker] = (size_t)n;
		j->scratch[worker] = gs_xmalloc_huge(sizeof(uint32_t) * (size_t)n + 1);
	}
	magnitudes(f, n, j->scratch[worker]);
	c = find_cut(j->scratch[worker], (size_t)n, (size_t)floor((double)n * j->sparsity));
	j->zeros[i] = apply_cut(f, n, &c, &j->changed[i]);
}

int gs_prune_magnitude(struct gs_model *m, double sparsity, const struct gs_prune_opts *opts,
		       struct gs_prune_result *res, struct gs_error *err)
{
	struct gs_prune_layer *layers = NULL;
	struct gs_prune_result r;
	struct layer_job j;
	int n, i, nw = gs_worker_count();

	memset(&r, 0, sizeof(r));
	if (!(sparsity >= 0.0 && sparsity < 1.0))
		return gs_error_set(err, "bad sparsity '%g': expected a number in [0, 1)", sparsity);
	n = gs_prune_collect(m, opts, &layers);
	memset(&j, 0, sizeof(j));
	j.m = m;
	j.layers = layers;
	j.sparsity = sparsity;
	j.global = opts && opts->global;
	j.out = gs_xcalloc((size_t)n + 1, sizeof(*j.out));
	j.changed = gs_xcalloc((size_t)n + 1, sizeof(bool));
	j.zeros = gs_xcalloc((size_t)n + 1, sizeof(int64_t));
	j.key_off = gs_xcalloc((size_t)n + 1, sizeof(int64_t));
	j.scratch = gs_xcalloc((size_t)nw, sizeof(*j.scratch));
	j.scratch_cap = gs_xcalloc((size_t)nw, sizeof(size_t));
	for (i = 0; i < n; i++) {
		j.key_off[i] = r.elements;
		r.elements += layers[i].w->numel;
	}
	if (j.global)
		j.keys = gs_xmalloc_huge(sizeof(uint32_t) * (size_t)(r.elements + 1));
	gs_parallel_for((size_t)n, prune_layer, &j);
	if (j.global) {
		/* one threshold for all, ties broken in layer order */
		struct cut c = find_cut(j.keys, (size_t)r.elements,
					(size_t)floor((double)r.elements * sparsity));

		for (i = 0; i < n; i++)
			j.zeros[i] = apply_cut(j.out[i], layers[i].w->numel, &c, &j.changed[i]);
	}
	for (i = 0; i < n; i++) {
		struct gs_tensor *t = layers[i].w;

		r.zeroed += j.zeros[i];
		r.layers += gs_prune_install(m, t, j.out[i],
					     j.changed[i],
					     j.zeros[i]);
	}
	for (i = 0; i < nw; i++)
		free(j.scratch[i]);
	free(j.scratch);
	free(j.scratch_cap);
	free(j.keys);
	free(j.key_off);
	free(j.zeros);
	free(j.changed);
	free(j.out);
	free(layers);
	if (res)
		*res = r;
	return 0;
}
