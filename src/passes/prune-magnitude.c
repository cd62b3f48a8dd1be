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

static void swap32(uint32_t *a, uint32_t *b)
{
	uint32_t t = *a;

	*a = *b;
	*b = t;
}

/* The k-th smallest (0-based) of v[0..n), by three-way quickselect (many
 * equal keys, such as zeros, stay linear); v is reordered. */
static uint32_t select_kth(uint32_t *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n;	/* the answer lies in v[lo..hi) */
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	while (hi - lo > 1) {
		size_t lt = lo, i = lo, gt = hi;
		uint32_t p;

		seed = gs_mix64(seed);
		p = v[lo + (size_t)(seed % (hi - lo))];
		while (i < gt) {
			if (v[i] < p)
				swap32(&v[lt++], &v[i++]);
			else if (v[i] > p)
				swap32(&v[i], &v[--gt]);
			else
				i++;
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return p;
	}
	return v[lo];
}

/* Threshold for zeroing k of the n magnitudes: every |w| below t goes,
 * and the first `ties` of those equal to t (in layer, index order). */
struct cut {
	uint32_t t;
	int64_t ties;
};

static struct cut find_cut(uint32_t *keys, size_t n, size_t k)
{
	struct cut c = { 0, 0 };
	size_t i, below = 0;

	if (!k)
		return c;
	c.t = select_kth(keys, n, k - 1);
	for (i = 0; i < n; i++)
		below += keys[i] < c.t;
	c.ties = (int64_t)(k - below);
	return c;
}

/* Applies the cut to w; ties counts down across layers for --global. */
static int64_t apply_cut(struct gs_model *m, struct gs_tensor *t, struct cut *c, int *changed)
{
	float *f = gs_prune_floats(t);
	int64_t i, zeros = 0;

	for (i = 0; i < t->numel; i++) {
		uint32_t b = mag_bits(f[i]);

		if (b < c->t || (b == c->t && c->ties > 0)) {
			if (b == c->t)
				c->ties--;
			f[i] = 0.0f;
		}
		zeros += mag_bits(f[i]) == 0;
	}
	*changed += gs_prune_install(m, t, f);
	return zeros;
}

static uint32_t *magnitudes(const struct gs_tensor *t, uint32_t *keys)
{
	const uint8_t *p = t->data;
	int64_t i;

	for (i = 0; i < t->numel; i++, p += 4) {
		uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			     (uint32_t)p[3] << 24;

		keys[i] = u & 0x7fffffffu;
	}
	return keys + t->numel;
}

int gs_prune_magnitude(struct gs_model *m, double sparsity, const struct gs_prune_opts *opts,
		       struct gs_prune_result *res, struct gs_error *err)
{
	struct gs_prune_layer *layers = NULL;
	struct gs_prune_result r;
	uint32_t *keys = NULL;
	int n, i;

	memset(&r, 0, sizeof(r));
	if (!(sparsity >= 0.0 && sparsity < 1.0))
		return gs_error_set(err, "bad sparsity '%g': expected a number in [0, 1)", sparsity);
	n = gs_prune_collect(m, opts, &layers);
	for (i = 0; i < n; i++)
		r.elements += layers[i].w->numel;
	if (opts && opts->global) {
		struct cut c;
		uint32_t *p;

		keys = gs_xmalloc(sizeof(*keys) * (size_t)(r.elements + 1));
		p = keys;
		for (i = 0; i < n; i++)
			p = magnitudes(layers[i].w, p);
		c = find_cut(keys, (size_t)r.elements, (size_t)floor((double)r.elements * sparsity));
		for (i = 0; i < n; i++)
			r.zeroed += apply_cut(m, layers[i].w, &c, &r.layers);
	} else {
		for (i = 0; i < n; i++) {
			struct gs_tensor *t = layers[i].w;
			struct cut c;

			keys = gs_xrealloc(keys, sizeof(*keys) * (size_t)t->numel);
			magnitudes(t, keys);
			c = find_cut(keys, (size_t)t->numel, (size_t)floor((double)t->numel * sparsity));
			r.zeroed += apply_cut(m, t, &c, &r.layers);
		}
	}
	free(keys);
	free(layers);
	if (res)
		*res = r;
	return 0;
}
