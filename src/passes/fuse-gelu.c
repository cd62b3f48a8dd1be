/* GELU written out by exporters -> Gelu (opset 20):
 *   erf form:  x * 0.5 * (1 + Erf(x / sqrt(2)))        (or x * (1/sqrt 2))
 *   tanh form: x * 0.5 * (1 + Tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))
 *              -> Gelu(approximate="tanh")
 * The three factors of the tail may be multiplied in any order. */
#include <stdlib.h>
#include <string.h>

#include "passes/fuse-internal.h"

#define GELU_TOL 1e-5

/* Binary node n reads vid and a constant scalar close to want. */
static bool with_const(const struct gs_graph *g, const struct gs_node *n, int vid, double want)
{
	int k;

	if (!n || n->n_inputs != 2)
		return false;
	for (k = 0; k < 2; k++)
		if (n->inputs[k] == vid && gs_fuse_param_scalar_is(g, n, 1 - k, want, GELU_TOL))
			return true;
	return false;
}

static struct gs_node *single_producer(const struct gs_graph *g, int vid, const char *op)
{
	struct gs_node *p = gs_fuse_producer(g, vid);

	return gs_fuse_is(p, op) && gs_fuse_sole_use(g, vid, NULL) ? p : NULL;
}

/* The operand of binary n that is not vid. */
static int other_of(const struct gs_node *n, int vid)
{
	if (!n || n->n_inputs != 2)
		return -1;
	return n->inputs[0] == vid ? n->inputs[1] : n->inputs[1] == vid ? n->inputs[0] : -1;
}

/* Head of the erf form: Erf's input is x / sqrt2 or x * (1/sqrt2). */
static int erf_head(const struct gs_graph *g, const struct gs_node *e, struct gs_node **q)
{
	struct gs_node *p;

	if ((p = single_producer(g, e->inputs[0], "Div")) &&
	    gs_fuse_param_scalar_is(g, p, 1, 1.4142135623730951, GELU_TOL)) {
		*q = p;
		return p->inputs[0];
	}
	if ((p = single_producer(g, e->inputs[0], "Mul"))) {
		int k;

		for (k = 0; k < 2; k++)
			if (gs_fuse_param_scalar_is(g, p, 1 - k, 0.7071067811865476, GELU_TOL)) {
				*q = p;
				return p->inputs[k];
			}
	}
	return -1;
}

/* Head of the tanh form; fills head[0..3] = Pow, Mul, Add, Mul. */
static int tanh_head(const struct gs_graph *g, const struct gs_node *e, struct gs_node **head)
{
	struct gs_node *q, *s, *m3, *pw;
	int k, x;

	if (!(q = single_producer(g, e->inputs[0], "Mul")))
		return -1;
	for (k = 0; k < 2; k++)
		if (gs_fuse_param_scalar_is(g, q, 1 - k, 0.7978845608028654, GELU_TOL))
			break;
	if (k == 2 || !(s = single_producer(g, q->inputs[k], "Add")))
		return -1;
	for (k = 0; k < 2; k++) {
		m3 = single_producer(g, s->inputs[k], "Mul");
		x = s->inputs[1 - k];
		if (!m3)
			continue;
		if (with_const(g, m3, m3->inputs[0], 0.044715))
			pw = single_producer(g, m3->inputs[0], "Pow");
		else if (with_const(g, m3, m3->inputs[1], 0.044715))
			pw = single_producer(g, m3->inputs[1], "Pow");
		else
			continue;
		if (pw && pw->inputs[0] == x && gs_fuse_param_scalar_is(g, pw, 1, 3.0, GELU_TOL)) {
			head[0] = pw;
			head[1] = m3;
			head[2] = s;
			head[3] = q;
			return x;
		}
	}
	return -1;
}

/* The tail from Erf/Tanh e: Add(1) and two Muls bringing in x and 0.5.
 * Fills tail[0..2]; returns the final node. */
static struct gs_node *tail_of(const struct gs_graph *g, const struct gs_node *e, int x,
			       struct gs_node **tail)
{
	struct gs_node *a1, *m1, *m2, *h;
	int o;

	a1 = gs_fuse_sole_use(g, e->outputs[0], NULL);
	if (!gs_fuse_is(a1, "Add") || !with_const(g, a1, e->outputs[0], 1.0))
		return NULL;
	m1 = gs_fuse_sole_use(g, a1->outputs[0], NULL);
	if (!gs_fuse_is(m1, "Mul") || (o = other_of(m1, a1->outputs[0])) < 0)
		return NULL;
	tail[0] = a1;
	tail[1] = m1;
	if (o == x) {			/* (x * (1 + f)) * 0.5 */
		m2 = gs_fuse_sole_use(g, m1->outputs[0], NULL);
		if (!gs_fuse_is(m2, "Mul") || !with_const(g, m2, m1->outputs[0], 0.5))
			return NULL;
		tail[2] = m2;
		return m2;
	}
	if (gs_fuse_param_scalar_is(g, m1, m1->inputs[0] == o ? 0 : 1, 0.5, GELU_TOL)) {
		/* ((1 + f) * 0.5) * x */
		m2 = gs_fuse_sole_use(g, m1->outputs[0], NULL);
		if (!gs_fuse_is(m2, "Mul") || other_of(m2, m1->outputs[0]) != x)
			return NULL;
		tail[2] = m2;
		return m2;
	}
	/* (x * 0.5) * (1 + f) */
	h = single_producer(g, o, "Mul");
	if (!h || !with_const(g, h, x, 0.5))
		return NULL;
	tail[2] = h;
	return m1;
}

static int fuse_one(struct gs_graph *g, struct gs_node *e, bool tanh_form, struct gs_fuse_log *log)
{
	struct gs_node *chain[8], *last, *gelu;
	int n = 0, x, i, out;
	const char *why = NULL, *label;

	if (e->n_inputs != 1 || e->n_outputs != 1 || e->inputs[0] < 0 || e->outputs[0] < 0)
		return 0;
	if (tanh_form) {
		x = tanh_head(g, e, chain);
		n = 4;
	} else {
		x = erf_head(g, e, chain);
		n = 1;
	}
	if (x < 0)
		return 0;
	chain[n++] = e;
	if (!(last = tail_of(g, e, x, chain + n)))
		return 0;
	n += 3;
	label = gs_fuse_label(g, chain[0]);
	if (gs_fuse_need_opset(g->model, 20, &why)) {
		gs_fuse_logf(log, true, "gelu at %s skipped: opset %lld, and raising it to 20 would change '%s'",
			     label, (long long)gs_model_opset(g->model, ""), why);
		return 0;
	}
	out = last->outputs[0];
	for (i = n - 1; i >= 0; i--)
		gs_graph_remove_node(g, chain[i]);
	gelu = gs_graph_add_node(g, "Gelu", "", gs_arena_printf(&g->model->arena, "%s_gelu", label),
				 1, &x, 1, &out);
	if (tanh_form)
		gs_node_set_attr_string(g, gelu, "approximate", "tanh");
	for (i = 0; i < n; i++)
		gs_fuse_drop_inputs(g, chain[i]);
	gs_fuse_logf(log, false, "%s ... %s (%d nodes, %s) -> %s", label, gs_fuse_label(g, last), n,
		     tanh_form ? "tanh" : "erf", gs_fuse_label(g, gelu));
	return 1;
}

static int try_gelu(struct gs_graph *g, struct gs_node *n, struct gs_fuse_log *log)
{
	if (gs_fuse_is(n, "Erf"))
		return fuse_one(g, n, false, log);
	if (gs_fuse_is(n, "Tanh"))
		return fuse_one(g, n, true, log);
	return 0;
}

int gs_fuse_gelu(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err)
{
	return gs_fuse_each_node(m, try_gelu, log, err);
}
