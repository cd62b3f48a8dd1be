/*
 * The opset adapters: for each op and version at which its meaning or
 * signature changed, the rewrite raising a node across that version (up)
 * and lowering it (down).  Where the reference converter is known to be
 * wrong we differ on purpose: Resize 10 -> 11 keeps the asymmetric
 * coordinates and floor rounding of opset 10, Hardmax is wrapped like
 * Softmax at 13, Clip and Pad constants take the data's dtype.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/convert-internal.h"

#define HINT(c, n, suffix) gs_arena_printf(&(c)->m->arena, "%s_%s", gs_cv_name(c, n), suffix)

static const char *dtype_str(int dt)
{
	const char *s = gs_dtype_name(dt);

	return s ? s : "?";
}

static const char *ints_str(const int64_t *v, int64_t count, char *buf, size_t len)
{
	size_t off = 0;
	int64_t i;

	buf[0] = 0;
	off += (size_t)snprintf(buf, len, "[");
	for (i = 0; i < count && off < len - 24; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%lld", i ? "," : "", (long long)v[i]);
	snprintf(buf + off, len - off, "%s]", i < count ? ",..." : "");
	return buf;
}

static const char *attr_str(const struct gs_node *n, const char *name, const char *dflt)
{
	const struct gs_attr *a = gs_node_attr(n, name);

	return a && a->type == GS_ATTR_STRING && a->s ? a->s : dflt;
}

static bool attr_ints(const struct gs_node *n, const char *name, const int64_t **v, int64_t *count)
{
	const struct gs_attr *a = gs_node_attr(n, name);

	if (!a || a->type != GS_ATTR_INTS)
		return false;
	*v = a->ints;
	*count = a->n;
	return true;
}

/* The data input's dtype, for constants made to match it. */
static int data_dtype(struct cv *c, const struct gs_node *n, int slot)
{
	return gs_cv_has_input(n, slot) ? gs_cv_dtype(c, n->inputs[slot]) : 0;
}

static const char *in_name(const struct cv *c, const struct gs_node *n, int slot)
{
	return gs_cv_has_input(n, slot) ? c->g->values[n->inputs[slot]]->name : "";
}

/* Copies n's inputs into in[] (at least want slots, -1 padded). */
static int inputs_of(const struct gs_node *n, int *in, int want)
{
	int i, count = n->n_inputs > want ? n->n_inputs : want;

	for (i = 0; i < count; i++)
		in[i] = i < n->n_inputs ? n->inputs[i] : -1;
	return count;
}

/* Drops trailing omitted inputs. */
static int trim(const int *in, int count)
{
	while (count > 1 && in[count - 1] < 0)
		count--;
	return count;
}

static int refuse_runtime(struct cv *c, const struct gs_node *n, int slot, const char *what)
{
	return gs_cv_refuse(c, "%s comes from '%s', computed at run time, and opset %lld needs it "
			    "as a constant attribute", what, in_name(c, n, slot), (long long)c->to);
}

/* ---- axes and the like: attribute <-> input ---- */

/* axes attribute -> int64 input 1 (Squeeze, Unsqueeze, Reduce*) */
static int up_axes(struct cv *c, struct gs_node *n)
{
	static const char *const drop[] = { "axes", NULL };
	const int64_t *v;
	int64_t count;
	int in[2];
	char buf[128];

	if (!attr_ints(n, "axes", &v, &count))
		return 0;	/* absent: every axis (Reduce*, Squeeze of 1s) as before */
	in[0] = n->inputs[0];
	in[1] = gs_cv_new_ints(c, HINT(c, n, "axes"), count, v);
	gs_cv_replace(c, n, n->op_type, 2, in, drop);
	return gs_cv_did(c, n->op_type, "axes %s -> input", ints_str(v, count, buf, sizeof(buf)));
}

static int down_axes(struct cv *c, struct gs_node *n)
{
	static const char *const drop[] = { "noop_with_empty_axes", NULL };
	static const char *const drop_all[] = { "noop_with_empty_axes", "keepdims", NULL };
	bool noop = gs_node_attr_int(n, "noop_with_empty_axes", 0) != 0;
	int64_t *v = NULL, count = 0;
	struct gs_node *nn;
	int in[1] = { n->inputs[0] };
	char buf[128];

	if (gs_cv_has_input(n, 1) && gs_cv_const_ints(c, n, 1, &v, &count))
		return refuse_runtime(c, n, 1, "axes");
	if (noop && !count) {
		/* no axes and noop_with_empty_axes: the input unchanged */
		gs_cv_replace(c, n, "Identity", 1, in, drop_all);
		free(v);
		return gs_cv_did(c, n->op_type, "no axes with noop_with_empty_axes -> Identity");
	}
	if (!gs_cv_has_input(n, 1) && !gs_node_attr(n, "noop_with_empty_axes"))
		return 0;
	nn = gs_cv_replace(c, n, n->op_type, 1, in, drop);
	if (gs_cv_has_input(n, 1))
		gs_node_set_attr_ints(c->g, nn, "axes", (int)count, v);
	gs_cv_did(c, n->op_type, "axes input -> attribute %s",
		  ints_str(v, count, buf, sizeof(buf)));
	free(v);
	return 1;
}

/* ---- Split ---- */

static int up_split13(struct cv *c, struct gs_node *n)
{
	static const char *const drop[] = { "split", NULL };
	const int64_t *v;
	int64_t count;
	int in[2];
	char buf[128];

	if (!attr_ints(n, "split", &v, &count))
		return 0;
	in[0] = n->inputs[0];
	in[1] = gs_cv_new_ints(c, HINT(c, n, "split"), count, v);
	gs_cv_replace(c, n, "Split", 2, in, drop);
	return gs_cv_did(c, "Split", "split %s -> input", ints_str(v, count, buf, sizeof(buf)));
}

static int down_split13(struct cv *c, struct gs_node *n)
{
	int64_t *v, count;
	struct gs_node *nn;
	int in[1] = { n->inputs[0] };
	char buf[128];

	if (!gs_cv_has_input(n, 1))
		return 0;
	if (gs_cv_const_ints(c, n, 1, &v, &count))
		return refuse_runtime(c, n, 1, "split");
	nn = gs_cv_replace(c, n, "Split", 1, in, NULL);
	gs_node_set_attr_ints(c->g, nn, "split", (int)count, v);
	gs_cv_did(c, "Split", "split input -> attribute %s", ints_str(v, count, buf, sizeof(buf)));
	free(v);
	return 1;
}

static int up_split18(struct cv *c, struct gs_node *n)
{
	if (gs_cv_has_input(n, 1) || gs_node_attr(n, "num_outputs"))
		return 0;
	gs_node_set_attr_int(c->g, n, "num_outputs", n->n_outputs);
	return gs_cv_did(c, "Split", "num_outputs = %d", n->n_outputs);
}

static int down_split18(struct cv *c, struct gs_node *n)
{
	static const char *const drop[] = { "num_outputs", NULL };
	int64_t parts = gs_node_attr_int(n, "num_outputs", 0), axis, dim, chunk, *sizes, i;
	int r = gs_cv_rank(c, n->inputs[0]), in[2];

	if (!gs_node_attr(n, "num_outputs"))
		return 0;
	axis = gs_node_attr_int(n, "axis", 0);
	if (axis < 0 && r >= 0)
		axis += r;
	dim = gs_cv_dim(c, n->inputs[0], (int)axis);
	if (dim < 0 || parts <= 0)
		return gs_cv_refuse(c, "num_outputs %lld over axis %lld of '%s', whose size is "
				    "unknown: opset %lld splits only evenly", (long long)parts,
				    (long long)axis, in_name(c, n, 0), (long long)c->to);
	in[0] = n->inputs[0];
	if (dim % parts == 0) {
		gs_cv_replace(c, n, "Split", 1, in, drop);
		return gs_cv_did(c, "Split", "num_outputs %lld dropped (even split)", (long long)parts);
	}
	/* the last part is smaller: explicit sizes */
	chunk = (dim + parts - 1) / parts;
	sizes = gs_xmalloc(sizeof(int64_t) * (size_t)parts);
	for (i = 0; i < parts; i++)
		sizes[i] = i < parts - 1 ? chunk : dim - chunk * (parts - 1);
	if (sizes[parts - 1] < 0) {
		free(sizes);
		return gs_cv_refuse(c, "num_outputs %lld does not fit axis size %lld", (long long)parts,
				    (long long)dim);
	}
	in[1] = gs_cv_new_ints(c, HINT(c, n, "split"), parts, sizes);
	free(sizes);
	gs_cv_replace(c, n, "Split", 2, in, drop);
	return gs_cv_did(c, "Split", "num_outputs %lld -> split input (uneven)", (long long)parts);
}

/* ---- Clip ---- */

static int up_clip(struct cv *c, struct gs_node *n)
{
	static const char *const drop[] = { "min", "max", NULL };
	const struct gs_attr *lo = gs_node_attr(n, "min"), *hi = gs_node_attr(n, "max");
	int dt = data_dtype(c, n, 0), in[3];

	if (!dt)
		return gs_cv_refuse(c, "the dtype of '%s' is unknown, and the min/max inputs must "
				    "have it", in_name(c, n, 0));
	in[0] = n->inputs[0];
	in[1] = lo ? gs_cv_new_scalar(c, HINT(c, n, "min"), dt, 0, lo->f) : -1;
	in[2] = hi ? gs_cv_new_scalar(c, HINT(c, n, "max"), dt, 0, hi->f) : -1;
	gs_cv_replace(c, n, "Clip", trim(in, 3), in, drop);
	return gs_cv_did(c, "Clip", "min/max attributes -> %s inputs", dtype_str(dt));
}

static int down_clip(struct cv *c, struct gs_node *n)
{
	double *lo = NULL, *hi = NULL;
	int64_t k;
	struct gs_node *nn;
	int in[1] = { n->inputs[0] }, dt = data_dtype(c, n, 0);

	if (dt && !gs_dtype_is_float(dt))
		return gs_cv_refuse(c, "Clip of %s needs opset 12", dtype_str(dt));
	if (gs_cv_has_input(n, 1) && (gs_cv_const_doubles(c, n, 1, &lo, &k) || k != 1))
		return refuse_runtime(c, n, 1, "min");
	if (gs_cv_has_input(n, 2) && (gs_cv_const_doubles(c, n, 2, &hi, &k) || k != 1)) {
		free(lo);
		return refuse_runtime(c, n, 2, "max");
	}
	nn = gs_cv_replace(c, n, "Clip", 1, in, NULL);
	if (lo)
		gs_node_set_attr_float(c->g, nn, "min", (float)*lo);
	if (hi)
		gs_node_set_attr_float(c->g, nn, "max", (float)*hi);
	free(lo);
	free(hi);
	return gs_cv_did(c, "Clip", "min/max inputs -> attributes");
}

static int down_clip12(struct cv *c, struct gs_node *n)
{
	int dt = data_dtype(c, n, 0);

	if (dt && !gs_dtype_is_float(dt))
		return gs_cv_refuse(c, "Clip of %s needs opset 12", dtype_str(dt));
	return 0;
}

/* ---- Pad ---- */

static int up_pad(struct cv *c, struct gs_node *n)
{
	static const char *const drop[] = { "pads", "value", NULL };
	const struct gs_attr *val = gs_node_attr(n, "value");
	const int64_t *pads;
	int64_t count;
	int dt = data_dtype(c, n, 0), in[3];

	if (!attr_ints(n, "pads", &pads, &count))
		return gs_cv_refuse(c, "no pads attribute");
	if (val && !dt)
		return gs_cv_refuse(c, "the dtype of '%s' is unknown, and the pad value input must "
				    "have it", in_name(c, n, 0));
	in[0] = n->inputs[0];
	in[1] = gs_cv_new_ints(c, HINT(c, n, "pads"), count, pads);
	in[2] = val && !strcmp(attr_str(n, "mode", "constant"), "constant") ?
		gs_cv_new_scalar(c, HINT(c, n, "value"), dt, 0, val->f) : -1;
	if (val && in[2] < 0 && !strcmp(attr_str(n, "mode", "constant"), "constant"))
		return gs_cv_refuse(c, "cannot make a %s constant", dtype_str(dt));
	gs_cv_replace(c, n, "Pad", trim(in, 3), in, drop);
	return gs_cv_did(c, "Pad", "pads%s -> inputs", in[2] >= 0 ? "/value" : "");
}

static int down_pad(struct cv *c, struct gs_node *n)
{
	int64_t *pads, np, k;
	double *val = NULL;
	struct gs_node *nn;
	int in[1] = { n->inputs[0] }, dt = data_dtype(c, n, 0);

	if (dt && !gs_dtype_is_float(dt))
		return gs_cv_refuse(c, "Pad of %s needs opset 11", dtype_str(dt));
	if (gs_cv_const_ints(c, n, 1, &pads, &np))
		return refuse_runtime(c, n, 1, "pads");
	if (gs_cv_has_input(n, 2) && (gs_cv_const_doubles(c, n, 2, &val, &k) || k != 1)) {
		free(pads);
		return refuse_runtime(c, n, 2, "constant_value");
	}
	nn = gs_cv_replace(c, n, "Pad", 1, in, NULL);
	gs_node_set_attr_ints(c->g, nn, "pads", (int)np, pads);
	if (val)
		gs_node_set_attr_float(c->g, nn, "value", (float)*val);
	free(pads);
	free(val);
	return gs_cv_did(c, "Pad", "pads/value inputs -> attributes");
}

static int down_pad18(struct cv *c, struct gs_node *n)
{
	if (gs_cv_has_input(n, 3))
		return gs_cv_refuse(c, "the axes input of Pad needs opset 18");
	return 0;
}

static int down_pad19(struct cv *c, struct gs_node *n)
{
	if (!strcmp(attr_str(n, "mode", "constant"), "wrap"))
		return gs_cv_refuse(c, "mode 'wrap' needs opset 19");
	return 0;
}

/* ---- Slice ---- */

static int up_slice(struct cv *c, struct gs_node *n)
{
	static const char *const drop[] = { "starts", "ends", "axes", NULL };
	const int64_t *s, *e, *a;
	int64_t ns, ne, na;
	int in[4];

	if (!attr_ints(n, "starts", &s, &ns) || !attr_ints(n, "ends", &e, &ne))
		return gs_cv_refuse(c, "no starts/ends attributes");
	in[0] = n->inputs[0];
	in[1] = gs_cv_new_ints(c, HINT(c, n, "starts"), ns, s);
	in[2] = gs_cv_new_ints(c, HINT(c, n, "ends"), ne, e);
	in[3] = attr_ints(n, "axes", &a, &na) ? gs_cv_new_ints(c, HINT(c, n, "axes"), na, a) : -1;
	gs_cv_replace(c, n, "Slice", trim(in, 4), in, drop);
	return gs_cv_did(c, "Slice", "starts/ends%s attributes -> inputs",
			 in[3] >= 0 ? "/axes" : "");
}

static int down_slice(struct cv *c, struct gs_node *n)
{
	int64_t *s = NULL, *e = NULL, *a = NULL, *st = NULL, ns, ne, na = 0, nst, i;
	struct gs_node *nn;
	int in[1] = { n->inputs[0] }, rc = 1;

	if (gs_cv_const_ints(c, n, 1, &s, &ns))
		return refuse_runtime(c, n, 1, "starts");
	if (gs_cv_const_ints(c, n, 2, &e, &ne)) {
		rc = refuse_runtime(c, n, 2, "ends");
		goto out;
	}
	if (gs_cv_has_input(n, 3) && gs_cv_const_ints(c, n, 3, &a, &na)) {
		rc = refuse_runtime(c, n, 3, "axes");
		goto out;
	}
	if (gs_cv_has_input(n, 4)) {
		if (gs_cv_const_ints(c, n, 4, &st, &nst)) {
			rc = refuse_runtime(c, n, 4, "steps");
			goto out;
		}
		for (i = 0; i < nst; i++) {
			if (st[i] != 1) {
				rc = gs_cv_refuse(c, "step %lld: steps other than 1 need opset 10",
						  (long long)st[i]);
				goto out;
			}
		}
	}
	nn = gs_cv_replace(c, n, "Slice", 1, in, NULL);
	gs_node_set_attr_ints(c->g, nn, "starts", (int)ns, s);
	gs_node_set_attr_ints(c->g, nn, "ends", (int)ne, e);
	if (a)
		gs_node_set_attr_ints(c->g, nn, "axes", (int)na, a);
	gs_cv_did(c, "Slice", "inputs -> starts/ends%s attributes", a ? "/axes" : "");
out:
	free(s);
	free(e);
	free(a);
	free(st);
	return rc;
}

/* Slice 11 -> 10: an axes input counted from the end */
static int down_slice11(struct cv *c, struct gs_node *n)
{
	int64_t *a, na, i;
	int r = gs_cv_rank(c, n->inputs[0]);
	bool neg = false;

	if (!gs_cv_has_input(n, 3))
		return 0;
	if (gs_cv_const_ints(c, n, 3, &a, &na))
		return refuse_runtime(c, n, 3, "axes");
	for (i = 0; i < na; i++)
		neg |= a[i] < 0;
	if (!neg) {
		free(a);
		return 0;
	}
	if (r < 0) {
		free(a);
		return gs_cv_refuse(c, "negative axes need opset 11 and the rank of '%s' is "
				    "unknown", in_name(c, n, 0));
	}
	for (i = 0; i < na; i++)
		if (a[i] < 0)
			a[i] += r;
	gs_node_set_input(c->g, n, 3, gs_cv_new_ints(c, HINT(c, n, "axes"), na, a));
	free(a);
	return gs_cv_did(c, "Slice", "negative axes made positive (rank %d)", r);
}

/* ---- TopK ---- */

static int up_topk(struct cv *c, struct gs_node *n)
{
	static const char *const drop[] = { "k", NULL };
	const struct gs_attr *k = gs_node_attr(n, "k");
	int in[2];

	if (!k)
		return gs_cv_refuse(c, "no k attribute");
	in[0] = n->inputs[0];
	in[1] = gs_cv_new_ints(c, HINT(c, n, "k"), 1, &k->i);
	gs_cv_replace(c, n, "TopK", 2, in, drop);
	return gs_cv_did(c, "TopK", "k %lld -> input", (long long)k->i);
}

static int down_topk(struct cv *c, struct gs_node *n)
{
	int64_t *k, count;
	struct gs_node *nn;
	int in[1] = { n->inputs[0] };

	if (gs_cv_const_ints(c, n, 1, &k, &count) || count != 1)
		return refuse_runtime(c, n, 1, "k");
	nn = gs_cv_replace(c, n, "TopK", 1, in, NULL);
	gs_node_set_attr_int(c->g, nn, "k", k[0]);
	gs_cv_did(c, "TopK", "k input -> attribute %lld", (long long)k[0]);
	free(k);
	return 1;
}

static int down_topk11(struct cv *c, struct gs_node *n)
{
	if (!gs_node_attr_int(n, "largest", 1))
		return gs_cv_refuse(c, "largest = 0 (smallest k) needs opset 11");
	if (!gs_node_attr_int(n, "sorted", 1))
		return gs_cv_refuse(c, "sorted = 0 needs opset 11");
	if (!gs_node_attr(n, "largest") && !gs_node_attr(n, "sorted"))
		return 0;
	gs_node_remove_attr(c->g, n, "largest");
	gs_node_remove_attr(c->g, n, "sorted");
	return gs_cv_did(c, "TopK", "largest/sorted (defaults) dropped");
}

/* ---- Upsample and Resize ---- */

static int up_upsample9(struct cv *c, struct gs_node *n)
{
	static const char *const drop[] = { "scales", NULL };
	const struct gs_attr *a = gs_node_attr(n, "scales");
	double d[16];
	int in[2], i;

	if (!a || a->type != GS_ATTR_FLOATS || a->n > 16)
		return gs_cv_refuse(c, "no usable scales attribute");
	for (i = 0; i < a->n; i++)
		d[i] = a->floats[i];
	in[0] = n->inputs[0];
	in[1] = gs_cv_new_floats(c, HINT(c, n, "scales"), GS_DTYPE_FLOAT, a->n, d);
	gs_cv_replace(c, n, "Upsample", 2, in, drop);
	return gs_cv_did(c, "Upsample", "scales attribute -> input");
}

static int down_upsample9(struct cv *c, struct gs_node *n)
{
	double *s;
	int64_t count, i;
	float f[16];
	struct gs_node *nn;
	int in[1] = { n->inputs[0] };
	struct gs_attr *a;

	if (gs_cv_const_doubles(c, n, 1, &s, &count) || count > 16)
		return refuse_runtime(c, n, 1, "scales");
	for (i = 0; i < count; i++)
		f[i] = (float)s[i];
	free(s);
	nn = gs_cv_replace(c, n, "Upsample", 1, in, NULL);
	/* a node just added: its attribute needs no journal */
	a = gs_node_add_attr(c->m, nn, "scales", GS_ATTR_FLOATS);
	a->n = (int)count;
	a->floats = gs_arena_alloc(&c->m->arena, sizeof(float) * (size_t)(count + 1));
	memcpy(a->floats, f, sizeof(float) * (size_t)count);
	return gs_cv_did(c, "Upsample", "scales input -> attribute");
}

static int up_upsample10(struct cv *c, struct gs_node *n)
{
	int in[2] = { n->inputs[0], n->n_inputs > 1 ? n->inputs[1] : -1 };

	if (in[1] < 0)
		return gs_cv_refuse(c, "Upsample without scales");
	gs_cv_replace(c, n, "Resize", 2, in, NULL);
	return gs_cv_did(c, "Upsample -> Resize", "-> Resize (mode %s)", attr_str(n, "mode", "nearest"));
}

static int down_resize10(struct cv *c, struct gs_node *n)
{
	int in[2] = { n->inputs[0], n->n_inputs > 1 ? n->inputs[1] : -1 };

	gs_cv_replace(c, n, "Upsample", 2, in, NULL);
	return gs_cv_did(c, "Resize -> Upsample", "-> Upsample (mode %s)", attr_str(n, "mode", "nearest"));
}

/* 10 -> 11: opset 10's Resize maps output x to x / scale and rounds down
 * for nearest; opset 11's defaults (half_pixel, round_prefer_floor) do not,
 * so both are set explicitly. */
static int up_resize11(struct cv *c, struct gs_node *n)
{
	const char *mode = attr_str(n, "mode", "nearest");
	struct gs_node *nn;
	int in[3];

	if (!gs_cv_has_input(n, 1))
		return gs_cv_refuse(c, "Resize without scales");
	in[0] = n->inputs[0];
	in[1] = gs_cv_new_floats(c, HINT(c, n, "roi"), GS_DTYPE_FLOAT, 0, NULL);
	in[2] = n->inputs[1];
	nn = gs_cv_replace(c, n, "Resize", 3, in, NULL);
	gs_node_set_attr_string(c->g, nn, "coordinate_transformation_mode", "asymmetric");
	if (!strcmp(mode, "nearest"))
		gs_node_set_attr_string(c->g, nn, "nearest_mode", "floor");
	return gs_cv_did(c, "Resize", "roi input added; asymmetric%s kept explicitly",
			 strcmp(mode, "nearest") ? "" : " + floor");
}

static int down_resize11(struct cv *c, struct gs_node *n)
{
	static const char *const drop[] = {
		"coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a",
		"exclude_outside", "extrapolation_value", NULL
	};
	const char *mode = attr_str(n, "mode", "nearest");
	const char *ctm = attr_str(n, "coordinate_transformation_mode", "half_pixel");
	int64_t k;
	int in[2];
	struct gs_tensor *t;

	(void)k;
	if (strcmp(mode, "nearest") && strcmp(mode, "linear"))
		return gs_cv_refuse(c, "mode '%s' needs opset 11", mode);
	if (strcmp(ctm, "asymmetric"))
		return gs_cv_refuse(c, "coordinate_transformation_mode '%s' needs opset 11 "
				    "(opset 10 is 'asymmetric' only)", ctm);
	if (!strcmp(mode, "nearest") && strcmp(attr_str(n, "nearest_mode", "round_prefer_floor"),
					      "floor"))
		return gs_cv_refuse(c, "nearest_mode '%s' needs opset 11 (opset 10 rounds down)",
				    attr_str(n, "nearest_mode", "round_prefer_floor"));
	if (gs_node_attr_int(n, "exclude_outside", 0))
		return gs_cv_refuse(c, "exclude_outside needs opset 11");
	if (!gs_cv_has_input(n, 2) || ((t = gs_graph_param_of(c->g, n->inputs[2])) && !t->numel))
		return gs_cv_refuse(c, "Resize by sizes needs opset 11 (opset 10 takes scales)");
	in[0] = n->inputs[0];
	in[1] = n->inputs[2];
	gs_cv_replace(c, n, "Resize", 2, in, drop);
	return gs_cv_did(c, "Resize", "roi dropped, asymmetric%s implied", strcmp(mode, "nearest") ?
			 "" : " + floor");
}

static int up_resize13(struct cv *c, struct gs_node *n)
{
	if (!strcmp(attr_str(n, "coordinate_transformation_mode", ""), "tf_half_pixel_for_nn"))
		return gs_cv_refuse(c, "coordinate_transformation_mode 'tf_half_pixel_for_nn' was "
				    "removed at opset 13");
	return 0;
}

/* 13 -> 12: roi and scales are required inputs (empty when unused) */
static int down_resize13(struct cv *c, struct gs_node *n)
{
	int in[4], count = inputs_of(n, in, 3);

	if (in[1] >= 0 && in[2] >= 0)
		return 0;
	if (in[1] < 0)
		in[1] = gs_cv_new_floats(c, HINT(c, n, "roi"), GS_DTYPE_FLOAT, 0, NULL);
	if (in[2] < 0)
		in[2] = gs_cv_new_floats(c, HINT(c, n, "scales"), GS_DTYPE_FLOAT, 0, NULL);
	gs_cv_replace(c, n, "Resize", count, in, NULL);
	return gs_cv_did(c, "Resize", "empty roi/scales inputs added");
}

static int down_resize18(struct cv *c, struct gs_node *n)
{
	if (gs_node_attr_int(n, "antialias", 0))
		return gs_cv_refuse(c, "antialias needs opset 18");
	if (gs_node_attr(n, "axes"))
		return gs_cv_refuse(c, "the axes attribute needs opset 18");
	if (strcmp(attr_str(n, "keep_aspect_ratio_policy", "stretch"), "stretch"))
		return gs_cv_refuse(c, "keep_aspect_ratio_policy needs opset 18");
	if (!gs_node_attr(n, "antialias") && !gs_node_attr(n, "keep_aspect_ratio_policy"))
		return 0;
	gs_node_remove_attr(c->g, n, "antialias");
	gs_node_remove_attr(c->g, n, "keep_aspect_ratio_policy");
	return gs_cv_did(c, "Resize", "opset-18 attributes (defaults) dropped");
}

static int down_resize19(struct cv *c, struct gs_node *n)
{
	if (!strcmp(attr_str(n, "coordinate_transformation_mode", ""), "half_pixel_symmetric"))
		return gs_cv_refuse(c, "coordinate_transformation_mode 'half_pixel_symmetric' "
				    "needs opset 19");
	return 0;
}

/* ---- Softmax, LogSoftmax, Hardmax ---- */

/* 12 -> 13: before, the input was coerced to 2-D at `axis` (default 1);
 * from 13 the op runs along one axis (default -1).  The same when the
 * axis is the last; else Flatten -> op(-1) -> Reshape to the input's
 * shape, which needs no static shape. */
static int up_softmax(struct cv *c, struct gs_node *n)
{
	int64_t axis = gs_node_attr_int(n, "axis", 1);
	int r = gs_cv_rank(c, n->inputs[0]), x = n->inputs[0], y = n->outputs[0];
	int flat, soft, shape, in[2];
	struct gs_node *nn;
	const char *op = n->op_type;

	if (axis == -1 || (r >= 0 && (axis == r - 1 || axis + r == r - 1))) {
		gs_node_set_attr_int(c->g, n, "axis", -1);
		return gs_cv_did(c, op, "axis %lld is the last: axis -1", (long long)axis);
	}
	if (n->n_outputs != 1)
		return gs_cv_refuse(c, "more than one output");
	shape = gs_cv_new_value(c, HINT(c, n, "shape"));
	flat = gs_cv_new_value(c, HINT(c, n, "flat"));
	soft = gs_cv_new_value(c, HINT(c, n, "2d"));
	gs_graph_remove_node(c->g, n);
	gs_cv_add(c, "Shape", HINT(c, n, "shape"), 1, &x, 1, &shape);
	nn = gs_cv_add(c, "Flatten", HINT(c, n, "flatten"), 1, &x, 1, &flat);
	gs_node_set_attr_int(c->g, nn, "axis", axis);
	nn = gs_cv_add(c, op, n->name, 1, &flat, 1, &soft);
	gs_node_set_attr_int(c->g, nn, "axis", -1);
	in[0] = soft;
	in[1] = shape;
	gs_cv_add(c, "Reshape", HINT(c, n, "reshape"), 2, in, 1, &y);
	return gs_cv_did(c, op, "axis %lld%s: Flatten -> %s(-1) -> Reshape", (long long)axis,
			 r >= 0 ? " is not the last" : " (rank unknown)", op);
}

/* 13 -> 12: one axis; the same as the 2-D coercion when it is the last,
 * else moved there and back with Transpose (needs the rank). */
static int down_softmax(struct cv *c, struct gs_node *n)
{
	int64_t axis = gs_node_attr_int(n, "axis", -1), perm[16];
	int r = gs_cv_rank(c, n->inputs[0]), x = n->inputs[0], y = n->outputs[0], t0, t1, i;
	struct gs_node *nn;
	const char *op = n->op_type;

	if (axis < 0 && r >= 0)
		axis += r;
	if (axis == -1 || (r >= 0 && axis == r - 1)) {
		gs_node_set_attr_int(c->g, n, "axis", -1);
		return gs_cv_did(c, op, "along the last axis: axis -1 (2-D coercion at -1)");
	}
	if (r < 0)
		return gs_cv_refuse(c, "axis %lld is not known to be the last and the rank of '%s' "
				    "is unknown", (long long)axis, in_name(c, n, 0));
	if (r > 16 || axis < 0 || axis >= r || n->n_outputs != 1)
		return gs_cv_refuse(c, "axis %lld out of range for rank %d", (long long)axis, r);
	for (i = 0; i < r; i++)
		perm[i] = i;
	perm[axis] = r - 1;
	perm[r - 1] = axis;
	t0 = gs_cv_new_value(c, HINT(c, n, "t"));
	t1 = gs_cv_new_value(c, HINT(c, n, "last"));
	gs_graph_remove_node(c->g, n);
	nn = gs_cv_add(c, "Transpose", HINT(c, n, "to_last"), 1, &x, 1, &t0);
	gs_node_set_attr_ints(c->g, nn, "perm", r, perm);
	nn = gs_cv_add(c, op, n->name, 1, &t0, 1, &t1);
	gs_node_set_attr_int(c->g, nn, "axis", -1);
	nn = gs_cv_add(c, "Transpose", HINT(c, n, "back"), 1, &t1, 1, &y);
	gs_node_set_attr_ints(c->g, nn, "perm", r, perm);
	return gs_cv_did(c, op, "axis %lld: Transpose -> %s(-1) -> Transpose", (long long)axis, op);
}

/* ---- BatchNormalization, Dropout ---- */

static int up_bn9(struct cv *c, struct gs_node *n)
{
	if (!gs_node_attr(n, "spatial"))
		return 0;
	if (!gs_node_attr_int(n, "spatial", 1))
		return gs_cv_refuse(c, "spatial = 0 (per-activation statistics) was removed at opset 9");
	gs_node_remove_attr(c->g, n, "spatial");
	return gs_cv_did(c, "BatchNormalization", "spatial = 1 dropped");
}

static int up_bn14(struct cv *c, struct gs_node *n)
{
	int in[5], count = inputs_of(n, in, 5);

	if (n->n_outputs <= 1)
		return 0;
	if (gs_cv_output_used(c, n, 1) || gs_cv_output_used(c, n, 2) ||
	    gs_cv_output_used(c, n, 3) || gs_cv_output_used(c, n, 4))
		return gs_cv_refuse(c, "the training outputs (mean, var, saved mean/var) are read");
	gs_cv_replace_out(c, n, "BatchNormalization", count, in, 1, NULL);
	return gs_cv_did(c, "BatchNormalization", "unused training outputs dropped");
}

static int down_bn14(struct cv *c, struct gs_node *n)
{
	if (gs_node_attr_int(n, "training_mode", 0))
		return gs_cv_refuse(c, "training_mode = 1 needs opset 14");
	if (!gs_node_attr(n, "training_mode"))
		return 0;
	gs_node_remove_attr(c->g, n, "training_mode");
	return gs_cv_did(c, "BatchNormalization", "training_mode = 0 dropped");
}

static int dropout_mask(struct cv *c, struct gs_node *n)
{
	if (gs_cv_output_used(c, n, 1))
		return gs_cv_refuse(c, "its mask output is read and the mask's type changed at opset 10");
	return 0;
}

static int up_dropout12(struct cv *c, struct gs_node *n)
{
	static const char *const drop[] = { "ratio", NULL };
	const struct gs_attr *ratio = gs_node_attr(n, "ratio");
	int in[2];

	if (!ratio)
		return 0;	/* 0.5 either way */
	in[0] = n->inputs[0];
	in[1] = gs_cv_new_scalar(c, HINT(c, n, "ratio"), GS_DTYPE_FLOAT, 0, ratio->f);
	gs_cv_replace(c, n, "Dropout", 2, in, drop);
	return gs_cv_did(c, "Dropout", "ratio %g -> input", ratio->f);
}

static int down_dropout12(struct cv *c, struct gs_node *n)
{
	double *v;
	int64_t k;
	struct gs_node *nn;
	int in[1] = { n->inputs[0] };
	float ratio = 0.5f;

	if (gs_cv_has_input(n, 2)) {
		if (gs_cv_const_doubles(c, n, 2, &v, &k) || k != 1)
			return refuse_runtime(c, n, 2, "training_mode");
		k = v[0] != 0;
		free(v);
		if (k)
			return gs_cv_refuse(c, "training_mode true needs opset 12");
	}
	if (gs_cv_has_input(n, 1)) {
		if (gs_cv_const_doubles(c, n, 1, &v, &k) || k != 1)
			return refuse_runtime(c, n, 1, "ratio");
		ratio = (float)v[0];
		free(v);
	} else if (n->n_inputs <= 1) {
		return 0;
	}
	nn = gs_cv_replace(c, n, "Dropout", 1, in, NULL);
	gs_node_set_attr_float(c->g, nn, "ratio", ratio);
	return gs_cv_did(c, "Dropout", "ratio input -> attribute %g", ratio);
}

/* ---- Scatter, Gemm, pooling ---- */

static int up_scatter(struct cv *c, struct gs_node *n)
{
	int in[3], count = inputs_of(n, in, 3);

	gs_cv_replace(c, n, "ScatterElements", count, in, NULL);
	return gs_cv_did(c, "Scatter -> ScatterElements", "-> ScatterElements");
}

static int down_scatter_elements(struct cv *c, struct gs_node *n)
{
	int in[3], count = inputs_of(n, in, 3);

	gs_cv_replace(c, n, "Scatter", count, in, NULL);
	return gs_cv_did(c, "ScatterElements -> Scatter", "-> Scatter");
}

static int down_reduction(struct cv *c, struct gs_node *n)
{
	const char *red = attr_str(n, "reduction", "none");

	if (c->v == 16 && strcmp(red, "none"))
		return gs_cv_refuse(c, "reduction '%s' needs opset 16", red);
	if (c->v == 18 && (!strcmp(red, "max") || !strcmp(red, "min")))
		return gs_cv_refuse(c, "reduction '%s' needs opset 18", red);
	if (c->v == 16 && gs_node_attr(n, "reduction")) {
		gs_node_remove_attr(c->g, n, "reduction");
		return gs_cv_did(c, n->op_type, "reduction 'none' dropped");
	}
	return 0;
}

static int down_gemm11(struct cv *c, struct gs_node *n)
{
	int in[3], dt = data_dtype(c, n, 0);

	if (gs_cv_has_input(n, 2))
		return 0;
	if (!dt)
		dt = data_dtype(c, n, 1);
	if (!dt)
		return gs_cv_refuse(c, "C is omitted, opset %lld requires it and the dtype of "
				    "'%s' is unknown", (long long)c->to, in_name(c, n, 0));
	in[0] = n->inputs[0];
	in[1] = n->inputs[1];
	in[2] = gs_cv_new_scalar(c, HINT(c, n, "c"), dt, 1, 0.0);
	gs_cv_replace(c, n, "Gemm", 3, in, NULL);
	return gs_cv_did(c, "Gemm", "omitted C -> zero %s constant", dtype_str(dt));
}

static int compatible(struct cv *c, struct gs_node *n)
{
	return 0;
}

static bool ints_all(const struct gs_node *n, const char *name, int64_t want)
{
	const int64_t *v;
	int64_t count, i;

	if (!attr_ints(n, name, &v, &count))
		return true;
	for (i = 0; i < count; i++)
		if (v[i] != want)
			return false;
	return true;
}

/* Lowering a pool across the version that introduced attribute `name`:
 * only its default can go, anything else is refused. */
static int drop_new_attr(struct cv *c, struct gs_node *n, const char *name, bool ints,
			 int64_t dflt)
{
	bool is_default = ints ? ints_all(n, name, dflt) : gs_node_attr_int(n, name, dflt) == dflt;

	if (!gs_node_attr(n, name))
		return 0;
	if (!is_default)
		return gs_cv_refuse(c, "%s other than %lld needs opset %d", name, (long long)dflt, c->v);
	gs_node_remove_attr(c->g, n, name);
	return gs_cv_did(c, n->op_type, "%s (default) dropped", name);
}

static int down_maxpool8(struct cv *c, struct gs_node *n)
{
	if (gs_cv_output_used(c, n, 1) || n->n_outputs > 1)
		return gs_cv_refuse(c, "the Indices output needs opset 8");
	return drop_new_attr(c, n, "storage_order", false, 0);
}

static int down_pool10(struct cv *c, struct gs_node *n)
{
	int a = drop_new_attr(c, n, "ceil_mode", false, 0), b;

	if (a < 0)
		return a;
	if (!strcmp(n->op_type, "MaxPool")) {
		b = drop_new_attr(c, n, "dilations", true, 1);
		if (b < 0)
			return b;
		a |= b;
	}
	return a;
}

static int down_avgpool19(struct cv *c, struct gs_node *n)
{
	return drop_new_attr(c, n, "dilations", true, 1);
}

static int down_reshape14(struct cv *c, struct gs_node *n)
{
	int64_t *shape, count, i;

	if (!gs_node_attr(n, "allowzero"))
		return 0;
	if (gs_node_attr_int(n, "allowzero", 0)) {
		if (gs_cv_const_ints(c, n, 1, &shape, &count))
			return gs_cv_refuse(c, "allowzero = 1 with a shape computed at run time");
		for (i = 0; i < count && shape[i]; i++)
			;
		free(shape);
		if (i < count)
			return gs_cv_refuse(c, "allowzero = 1 with a 0 in the shape needs "
					    "opset 14");
	}
	gs_node_remove_attr(c->g, n, "allowzero");
	return gs_cv_did(c, "Reshape", "allowzero dropped (no 0 in the shape)");
}

/* 15 -> 14: Shape's start/end became a Slice of the whole shape (same
 * clamping: negative from the back, then into [0, rank]). */
static int down_shape15(struct cv *c, struct gs_node *n)
{
	int64_t start = gs_node_attr_int(n, "start", 0), axis0 = 0;
	/* no end: past any rank (2^62, exact through gs_cv_new_ints' doubles) */
	int64_t end = gs_node_attr_int(n, "end", (int64_t)1 << 62);
	bool has_end = gs_node_attr(n, "end") != NULL;
	int x = n->inputs[0], full, in[4];

	if (!gs_node_attr(n, "start") && !has_end)
		return 0;
	if (start == 0 && !has_end) {
		gs_node_remove_attr(c->g, n, "start");
		return gs_cv_did(c, "Shape", "start 0 (default) dropped");
	}
	full = gs_cv_new_value(c, HINT(c, n, "full"));
	in[0] = full;
	in[1] = gs_cv_new_ints(c, HINT(c, n, "start"), 1, &start);
	in[2] = gs_cv_new_ints(c, HINT(c, n, "end"), 1, &end);
	in[3] = gs_cv_new_ints(c, HINT(c, n, "axis"), 1, &axis0);
	if (in[1] < 0 || in[2] < 0 || in[3] < 0)
		return gs_cv_refuse(c, "cannot make the Slice's constants");
	/* the Shape first: replacing n drops its input if a now-unused constant */
	gs_cv_add(c, "Shape", HINT(c, n, "shape"), 1, &x, 1, &full);
	gs_cv_replace_out(c, n, "Slice", 4, in, 1, (const char *const[]){ "start", "end", NULL });
	return gs_cv_did(c, "Shape", "start %lld, end %s: Shape -> Slice", (long long)start,
			 has_end ? gs_arena_printf(&c->m->arena, "%lld", (long long)end) :
				   "(none)");
}

static int down_cast19(struct cv *c, struct gs_node *n)
{
	return drop_new_attr(c, n, "saturate", false, 1);
}

static int down_constant12(struct cv *c, struct gs_node *n)
{
	static const char *const newer[] = {
		"value_float", "value_floats", "value_int", "value_ints", "value_string",
		"value_strings", NULL
	};
	int i;

	for (i = 0; newer[i]; i++)
		if (gs_node_attr(n, newer[i]))
			return gs_cv_refuse(c, "attribute %s needs opset 12", newer[i]);
	return 0;
}

static int down_constant11(struct cv *c, struct gs_node *n)
{
	if (gs_node_attr(n, "sparse_value"))
		return gs_cv_refuse(c, "attribute sparse_value needs opset 11");
	return 0;
}

/* ---- ops that do not exist below their version: decomposed ---- */

static int up_mul(struct cv *c, struct gs_node *tmpl, const char *op, const char *sfx, int a,
		  int b, int out)
{
	int in[2] = { a, b };

	if (out < 0)
		out = gs_cv_new_value(c, HINT(c, tmpl, sfx));
	gs_cv_add(c, op, HINT(c, tmpl, sfx), b >= 0 ? 2 : 1, in, 1, &out);
	return out;
}

/* LayerNormalization (17) as ReduceMean, Sub, Mul, ReduceMean, Add, Sqrt,
 * Div, Mul, Add over the axes from `axis` to the last. */
static int down_layernorm(struct cv *c, struct gs_node *n)
{
	int64_t axis = gs_node_attr_int(n, "axis", -1), axes[16], na = 0, i;
	float eps = gs_node_attr_float(n, "epsilon", 1e-5f);
	int r = gs_cv_rank(c, n->inputs[0]), dt = data_dtype(c, n, 0), x = n->inputs[0];
	int y = n->outputs[0], mean, d, dd, var, ve, sd, nrm, k;
	struct gs_node *nn;

	if (gs_cv_output_used(c, n, 1) || gs_cv_output_used(c, n, 2))
		return gs_cv_refuse(c, "its Mean/InvStdDev outputs are read");
	if (!dt)
		return gs_cv_refuse(c, "the dtype of '%s' is unknown", in_name(c, n, 0));
	if (axis >= 0 && r < 0)
		return gs_cv_refuse(c, "axis %lld counted from the front and the rank of '%s' is "
				    "unknown", (long long)axis, in_name(c, n, 0));
	if (axis < 0)
		for (i = axis; i < 0 && na < 16; i++)
			axes[na++] = i;
	else
		for (i = axis; i < r && na < 16; i++)
			axes[na++] = i;
	if (!na || na >= 16)
		return gs_cv_refuse(c, "axis %lld is out of range", (long long)axis);
	gs_graph_remove_node(c->g, n);
	mean = gs_cv_new_value(c, HINT(c, n, "mean"));
	nn = gs_cv_add(c, "ReduceMean", HINT(c, n, "mean"), 1, &x, 1, &mean);
	gs_node_set_attr_ints(c->g, nn, "axes", (int)na, axes);
	d = up_mul(c, n, "Sub", "centered", x, mean, -1);
	dd = up_mul(c, n, "Mul", "sq", d, d, -1);
	var = gs_cv_new_value(c, HINT(c, n, "var"));
	nn = gs_cv_add(c, "ReduceMean", HINT(c, n, "var"), 1, &dd, 1, &var);
	gs_node_set_attr_ints(c->g, nn, "axes", (int)na, axes);
	k = gs_cv_new_scalar(c, HINT(c, n, "epsilon"), dt, 0, eps);
	ve = up_mul(c, n, "Add", "var_eps", var, k, -1);
	sd = up_mul(c, n, "Sqrt", "std", ve, -1, -1);
	nrm = up_mul(c, n, "Div", "normalized", d, sd, -1);
	if (gs_cv_has_input(n, 2)) {
		k = up_mul(c, n, "Mul", "scaled", nrm, n->inputs[1], -1);
		up_mul(c, n, "Add", "biased", k, n->inputs[2], y);
	} else {
		up_mul(c, n, "Mul", "scaled", nrm, n->inputs[1], y);
	}
	return gs_cv_did(c, "LayerNormalization", "decomposed over axes [%lld..]",
			 (long long)axes[0]);
}

/* Gelu (20): 0.5 x (1 + erf(x / sqrt 2)), or the tanh approximation. */
static int down_gelu(struct cv *c, struct gs_node *n)
{
	bool tanh_form = !strcmp(attr_str(n, "approximate", "none"), "tanh");
	int dt = data_dtype(c, n, 0), x = n->inputs[0], y = n->outputs[0], t, one, half, k;

	if (!dt)
		return gs_cv_refuse(c, "the dtype of '%s' is unknown", in_name(c, n, 0));
	gs_graph_remove_node(c->g, n);
	if (tanh_form) {
		t = up_mul(c, n, "Mul", "x2", x, x, -1);
		t = up_mul(c, n, "Mul", "x3", t, x, -1);
		k = gs_cv_new_scalar(c, HINT(c, n, "c"), dt, 0, 0.044715);
		t = up_mul(c, n, "Mul", "cx3", t, k, -1);
		t = up_mul(c, n, "Add", "inner", x, t, -1);
		k = gs_cv_new_scalar(c, HINT(c, n, "k"), dt, 0, sqrt(2.0 / M_PI));
		t = up_mul(c, n, "Mul", "arg", t, k, -1);
		t = up_mul(c, n, "Tanh", "tanh", t, -1, -1);
	} else {
		k = gs_cv_new_scalar(c, HINT(c, n, "sqrt2"), dt, 0, sqrt(2.0));
		t = up_mul(c, n, "Div", "scaled", x, k, -1);
		t = up_mul(c, n, "Erf", "erf", t, -1, -1);
	}
	one = gs_cv_new_scalar(c, HINT(c, n, "one"), dt, 0, 1.0);
	half = gs_cv_new_scalar(c, HINT(c, n, "half"), dt, 0, 0.5);
	t = up_mul(c, n, "Add", "plus1", t, one, -1);
	t = up_mul(c, n, "Mul", "times_x", x, t, -1);
	up_mul(c, n, "Mul", "half", t, half, y);
	return gs_cv_did(c, "Gelu", "decomposed (%s)", tanh_form ? "tanh" : "erf");
}

/* GroupNormalization 20 -> 21: scale and bias per group became per
 * channel; constant ones are repeated over each group's channels. */
static int up_groupnorm(struct cv *c, struct gs_node *n)
{
	int64_t groups = gs_node_attr_int(n, "num_groups", 0), ch = gs_cv_dim(c, n->inputs[0], 1);
	int64_t k, per, i;
	double *s, *b, *s2, *b2;
	int ids[2], dt, slot;

	if (groups <= 0 || ch <= 0 || ch % groups)
		return gs_cv_refuse(c, "the channel count of '%s' is unknown or not a multiple of "
				    "num_groups %lld", in_name(c, n, 0), (long long)groups);
	if (gs_cv_const_doubles(c, n, 1, &s, &k) || k != groups)
		return refuse_runtime(c, n, 1, "a per-group scale");
	if (gs_cv_const_doubles(c, n, 2, &b, &k) || k != groups) {
		free(s);
		return refuse_runtime(c, n, 2, "a per-group bias");
	}
	per = ch / groups;
	s2 = gs_xmalloc(sizeof(double) * (size_t)ch);
	b2 = gs_xmalloc(sizeof(double) * (size_t)ch);
	for (i = 0; i < ch; i++) {
		s2[i] = s[i / per];
		b2[i] = b[i / per];
	}
	dt = gs_cv_dtype(c, n->inputs[1]);
	ids[0] = gs_cv_new_floats(c, HINT(c, n, "scale"), dt, ch, s2);
	ids[1] = gs_cv_new_floats(c, HINT(c, n, "bias"), gs_cv_dtype(c, n->inputs[2]), ch, b2);
	free(s);
	free(b);
	free(s2);
	free(b2);
	if (ids[0] < 0 || ids[1] < 0)
		return gs_cv_refuse(c, "cannot encode the scale/bias dtype");
	for (slot = 1; slot <= 2; slot++) {
		int old = n->inputs[slot];

		gs_node_set_input(c->g, n, slot, ids[slot - 1]);
		gs_cv_drop_if_unused(c, old);
	}
	return gs_cv_did(c, "GroupNormalization", "scale/bias per group -> per channel (%lld)",
			 (long long)ch);
}

static int down_groupnorm(struct cv *c, struct gs_node *n)
{
	int64_t groups = gs_node_attr_int(n, "num_groups", 0), k, per, i, gi;
	double *v[2], *g2;
	int slot, ids[2];

	if (gs_node_attr_int(n, "stash_type", 1) != 1)
		return gs_cv_refuse(c, "stash_type other than float needs opset 21");
	for (slot = 1; slot <= 2; slot++) {
		if (gs_cv_const_doubles(c, n, slot, &v[slot - 1], &k)) {
			if (slot == 2)
				free(v[0]);
			return refuse_runtime(c, n, slot, slot == 1 ? "scale" : "bias");
		}
		if (groups <= 0 || k % groups) {
			free(v[slot - 1]);
			if (slot == 2)
				free(v[0]);
			return gs_cv_refuse(c, "%lld channels are not a multiple of num_groups "
					    "%lld", (long long)k, (long long)groups);
		}
	}
	per = k / groups;
	for (slot = 0; slot < 2; slot++) {
		for (i = 0; i < k; i++) {
			if (v[slot][i] != v[slot][(i / per) * per]) {
				free(v[0]);
				free(v[1]);
				return gs_cv_refuse(c, "the %s differs within group %lld: opset 20 has "
						    "one per group", slot ? "bias" : "scale",
						    (long long)(i / per));
			}
		}
	}
	for (slot = 0; slot < 2; slot++) {
		g2 = gs_xmalloc(sizeof(double) * (size_t)groups);
		for (gi = 0; gi < groups; gi++)
			g2[gi] = v[slot][gi * per];
		ids[slot] = gs_cv_new_floats(c, HINT(c, n, slot ? "bias" : "scale"),
					     gs_cv_dtype(c, n->inputs[slot + 1]), groups, g2);
		free(g2);
	}
	free(v[0]);
	free(v[1]);
	{
		int in[3] = { n->inputs[0], ids[0], ids[1] };
		static const char *const drop[] = { "stash_type", NULL };

		gs_cv_replace(c, n, "GroupNormalization", 3, in, drop);
	}
	return gs_cv_did(c, "GroupNormalization", "scale/bias per channel -> per group");
}

/* ---- the generic downgrade across 11: axes counted from the end ---- */

int gs_cv_down_negative_axes(struct cv *c, struct gs_node *n)
{
	const struct gs_attr *axis = gs_node_attr(n, "axis"), *axes = gs_node_attr(n, "axes");
	int r = gs_cv_has_input(n, 0) ? gs_cv_rank(c, n->inputs[0]) : -1, i;
	bool neg = false;
	int64_t v[16];

	if (axis && axis->type == GS_ATTR_INT && axis->i < 0)
		neg = true;
	if (axes && axes->type == GS_ATTR_INTS)
		for (i = 0; i < axes->n; i++)
			neg |= axes->ints[i] < 0;
	if (!neg)
		return 0;
	if (!strcmp(n->op_type, "TopK") && axis && !axes && axis->i == -1)
		return 0;	/* TopK always took -1 */
	if (!strcmp(n->op_type, "Unsqueeze") && r >= 0 && axes)
		r += axes->n;
	if (r < 0)
		return gs_cv_refuse(c, "negative axis needs opset 11 and the rank of '%s' is "
				    "unknown", in_name(c, n, 0));
	if (axis && axis->type == GS_ATTR_INT && axis->i < 0)
		gs_node_set_attr_int(c->g, n, "axis", axis->i + r);
	if (axes && axes->type == GS_ATTR_INTS && axes->n <= 16) {
		for (i = 0; i < axes->n; i++)
			v[i] = axes->ints[i] < 0 ? axes->ints[i] + r : axes->ints[i];
		gs_node_set_attr_ints(c->g, n, "axes", axes->n, v);
	}
	return gs_cv_did(c, n->op_type, "negative axis made positive (rank %d)", r);
}

#define REDUCE18(name) { name, 18, up_axes, down_axes }

const struct cv_adapter gs_cv_adapters[] = {
	{ "AveragePool", 10, compatible, down_pool10 },
	{ "AveragePool", 11, compatible, compatible },
	{ "AveragePool", 19, compatible, down_avgpool19 },
	{ "BatchNormalization", 9, up_bn9, compatible },
	{ "BatchNormalization", 14, up_bn14, down_bn14 },
	{ "Cast", 19, compatible, down_cast19 },
	{ "Clip", 11, up_clip, down_clip },
	{ "Clip", 12, compatible, down_clip12 },
	{ "Constant", 11, compatible, down_constant11 },
	{ "Constant", 12, compatible, down_constant12 },
	{ "Dropout", 10, dropout_mask, dropout_mask },
	{ "Dropout", 12, up_dropout12, down_dropout12 },
	{ "Gelu", 20, compatible, down_gelu },
	{ "Gemm", 11, compatible, down_gemm11 },
	{ "GroupNormalization", 21, up_groupnorm, down_groupnorm },
	{ "Hardmax", 13, up_softmax, down_softmax },
	{ "LayerNormalization", 17, compatible, down_layernorm },
	{ "LogSoftmax", 13, up_softmax, down_softmax },
	{ "MaxPool", 8, compatible, down_maxpool8 },
	{ "MaxPool", 10, compatible, down_pool10 },
	{ "MaxPool", 11, compatible, compatible },
	{ "Pad", 11, up_pad, down_pad },
	{ "Pad", 18, compatible, down_pad18 },
	{ "Pad", 19, compatible, down_pad19 },
	REDUCE18("ReduceL1"), REDUCE18("ReduceL2"), REDUCE18("ReduceLogSum"),
	REDUCE18("ReduceLogSumExp"), REDUCE18("ReduceMax"), REDUCE18("ReduceMean"),
	REDUCE18("ReduceMin"), REDUCE18("ReduceProd"), REDUCE18("ReduceSumSquare"),
	{ "ReduceSum", 13, up_axes, down_axes },
	{ "Reshape", 14, compatible, down_reshape14 },
	{ "Resize", 10, compatible, down_resize10 },
	{ "Resize", 11, up_resize11, down_resize11 },
	{ "Resize", 13, up_resize13, down_resize13 },
	{ "Resize", 18, compatible, down_resize18 },
	{ "Resize", 19, compatible, down_resize19 },
	{ "Scatter", 11, up_scatter, NULL },
	{ "ScatterElements", 11, compatible, down_scatter_elements },
	{ "ScatterElements", 16, compatible, down_reduction },
	{ "ScatterElements", 18, compatible, down_reduction },
	{ "ScatterND", 16, compatible, down_reduction },
	{ "ScatterND", 18, compatible, down_reduction },
	{ "Shape", 15, compatible, down_shape15 },
	{ "Slice", 10, up_slice, down_slice },
	{ "Slice", 11, compatible, down_slice11 },
	{ "Softmax", 13, up_softmax, down_softmax },
	{ "Split", 13, up_split13, down_split13 },
	{ "Split", 18, up_split18, down_split18 },
	{ "Squeeze", 13, up_axes, down_axes },
	{ "TopK", 10, up_topk, down_topk },
	{ "TopK", 11, compatible, down_topk11 },
	{ "Unsqueeze", 13, up_axes, down_axes },
	{ "Upsample", 9, up_upsample9, down_upsample9 },
	{ "Upsample", 10, up_upsample10, NULL },
	{ NULL, 0, NULL, NULL },
};
