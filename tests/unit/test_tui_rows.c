/*
 * test_tui_rows.c - the row alignment of the two panes: a fused group on
 * one row, an added node placed after its producer although B's node list
 * is shuffled, a removed node opposite a gap, parents for the lanes, and
 * subgraphs expanded in place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tui/rows.h"

static int val(struct gs_graph *g, const char *name)
{
	return gs_graph_add_value(g, name);
}

static int node(struct gs_graph *g, const char *op, const char *name,
		const char *in1, const char *in2, const char *out)
{
	int ins[2], outs[1], n = 0;

	ins[n++] = val(g, in1);
	if (in2)
		ins[n++] = val(g, in2);
	outs[0] = val(g, out);
	return gs_graph_add_node(g, op, "", name, n, ins, 1, outs)->id;
}

struct fixture {
	struct gs_model *ma, *mb;
	struct gs_graph *a, *b;
	int conv, bn, relu, add, gone;		/* A */
	int c, r, added, s;			/* B */
	struct gs_match_entry e[4];
	int ea[4][2], eb[4][1];
};

/*
 * A: x -> conv -> bn -> relu -> add(relu, x) -> gone
 * B: x -> c -> r -> added -> s(added, x)    (nodes listed in reverse)
 * entries: conv+bn ~ c (fused), relu = r, add ~ s (changed), gone removed;
 * `added` has no entry at all.
 */
static int setup(void **state)
{
	static struct fixture f;
	struct gs_error err;

	memset(&f, 0, sizeof(f));
	f.ma = gs_model_new();
	f.mb = gs_model_new();
	f.a = f.ma->graph = gs_graph_new(f.ma, NULL, "a");
	f.b = f.mb->graph = gs_graph_new(f.mb, NULL, "b");
	f.conv = node(f.a, "Conv", "conv", "x", NULL, "y1");
	f.bn = node(f.a, "BatchNormalization", "bn", "y1", NULL, "y2");
	f.relu = node(f.a, "Relu", "relu", "y2", NULL, "y3");
	f.add = node(f.a, "Add", "add", "y3", "x", "y4");
	f.gone = node(f.a, "Sigmoid", "gone", "y4", NULL, "y5");
	f.s = node(f.b, "Add", "s", "z3", "x", "z4");
	f.added = node(f.b, "Tanh", "added", "z2", NULL, "z3");
	f.r = node(f.b, "Relu", "r", "z1", NULL, "z2");
	f.c = node(f.b, "Conv", "c", "x", NULL, "z1");
	assert_int_equal(gs_graph_toposort(f.a, &err), 0);
	assert_int_equal(gs_graph_toposort(f.b, &err), 0);

	f.ea[0][0] = f.conv; f.ea[0][1] = f.bn; f.eb[0][0] = f.c;
	f.ea[1][0] = f.relu; f.eb[1][0] = f.r;
	f.ea[2][0] = f.add; f.eb[2][0] = f.s;
	f.ea[3][0] = f.gone;
	f.e[0] = (struct gs_match_entry){ .status = GS_MATCH_FUSED, .n_a = 2, .n_b = 1 };
	f.e[1] = (struct gs_match_entry){ .status = GS_MATCH_MATCHED, .n_a = 1, .n_b = 1 };
	f.e[2] = (struct gs_match_entry){ .status = GS_MATCH_CHANGED, .n_a = 1, .n_b = 1 };
	f.e[3] = (struct gs_match_entry){ .status = GS_MATCH_REMOVED, .n_a = 1, .n_b = 0 };
	for (int i = 0; i < 4; i++) {
		f.e[i].graph_a = f.a;
		f.e[i].graph_b = f.b;
		f.e[i].a = f.ea[i];
		f.e[i].b = f.eb[i];
		f.e[i].worst_param = -1;
	}
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	gs_model_free(f->ma);
	gs_model_free(f->mb);
	return 0;
}

static void build(struct gs_rows *r, struct fixture *f)
{
	struct gs_rows_input in = {
		.ga = f->a, .gb = f->b, .entries = f->e, .n_entries = 4,
	};

	gs_rows_init(r);
	gs_rows_build(r, &in);
}

static void test_alignment(void **state)
{
	struct fixture *f = *state;
	struct gs_rows r;

	build(&r, f);
	assert_int_equal(r.n, 5);
	assert_int_equal(r.rows[0].a, f->conv);
	assert_int_equal(r.rows[0].b, f->c);
	assert_int_equal(r.rows[0].status, GS_MATCH_FUSED);
	assert_int_equal(r.rows[1].a, f->relu);
	assert_int_equal(r.rows[1].b, f->r);
	assert_int_equal(r.rows[1].status, GS_MATCH_MATCHED);
	/* the added node sits right after its producer's row, gap opposite */
	assert_int_equal(r.rows[2].a, -1);
	assert_int_equal(r.rows[2].b, f->added);
	assert_int_equal(r.rows[2].status, GS_MATCH_ADDED);
	assert_int_equal(r.rows[2].entry, -1);
	assert_int_equal(r.rows[3].a, f->add);
	assert_int_equal(r.rows[3].b, f->s);
	assert_int_equal(r.rows[3].status, GS_MATCH_CHANGED);
	assert_int_equal(r.rows[4].a, f->gone);
	assert_int_equal(r.rows[4].b, -1);
	assert_int_equal(r.rows[4].status, GS_MATCH_REMOVED);
	gs_rows_release(&r);
}

static void test_members(void **state)
{
	struct fixture *f = *state;
	struct gs_rows r;
	const int *ids;
	int one;

	build(&r, f);
	assert_int_equal(gs_rows_members(&r, &r.rows[0], 0, &ids, &one), 2);
	assert_int_equal(ids[0], f->conv);
	assert_int_equal(ids[1], f->bn);
	assert_int_equal(gs_rows_members(&r, &r.rows[0], 1, &ids, &one), 1);
	assert_int_equal(ids[0], f->c);
	assert_int_equal(gs_rows_members(&r, &r.rows[2], 0, &ids, &one), 0);
	assert_int_equal(gs_rows_members(&r, &r.rows[2], 1, &ids, &one), 1);
	assert_int_equal(ids[0], f->added);
	gs_rows_release(&r);
}

static void expect_parents(const int *off, const int *par, int row, const int *want, int n)
{
	int i;

	assert_int_equal(off[row + 1] - off[row], n);
	for (i = 0; i < n; i++)
		assert_int_equal(par[off[row] + i], want[i]);
}

static void test_parents(void **state)
{
	struct fixture *f = *state;
	struct gs_rows r;
	int *off, *par;
	static const int zero[] = { 0 }, one[] = { 1 }, two[] = { 2 }, three[] = { 3 };

	build(&r, f);
	gs_rows_parents(&r, NULL, r.n, 0, &off, &par);
	expect_parents(off, par, 0, NULL, 0);	/* bn's input is inside the group */
	expect_parents(off, par, 1, zero, 1);
	expect_parents(off, par, 2, NULL, 0);	/* gap on A */
	expect_parents(off, par, 3, one, 1);	/* x is a graph input */
	expect_parents(off, par, 4, three, 1);
	free(off);
	free(par);
	gs_rows_parents(&r, NULL, r.n, 1, &off, &par);
	expect_parents(off, par, 1, zero, 1);
	expect_parents(off, par, 2, one, 1);
	expect_parents(off, par, 3, two, 1);
	expect_parents(off, par, 4, NULL, 0);
	free(off);
	free(par);
	/* a filtered list: rows 0, 3, 4 -> parents by list position */
	{
		static const int list[] = { 0, 3, 4 };
		static const int one_pos[] = { 1 };

		gs_rows_parents(&r, list, 3, 0, &off, &par);
		expect_parents(off, par, 1, NULL, 0);
		expect_parents(off, par, 2, one_pos, 1);
		free(off);
		free(par);
	}
	gs_rows_release(&r);
}

static bool all_expanded(void *ctx, const struct gs_graph *g, int n)
{
	(void)g;
	(void)n;
	return *(bool *)ctx;
}

/* If with a then_branch on both sides: collapsed, one row; expanded, a
 * label row and the body aligned one level deeper. */
static void test_subgraph(void **state)
{
	struct gs_model *ma = gs_model_new(), *mb = gs_model_new();
	struct gs_graph *a = ma->graph = gs_graph_new(ma, NULL, "a");
	struct gs_graph *b = mb->graph = gs_graph_new(mb, NULL, "b");
	struct gs_graph *ta, *tb;
	struct gs_attr *at;
	struct gs_rows r;
	struct gs_error err;
	bool expanded = false;
	int ifa, ifb, ida[1], idb[1], ea[1], eb[1];
	struct gs_match_entry e[2];
	struct gs_rows_input in = { .entries = e, .n_entries = 2, .expanded = all_expanded };

	(void)state;
	ifa = node(a, "If", "if", "cond", NULL, "out");
	ifb = node(b, "If", "if", "cond", NULL, "out");
	ta = gs_graph_new(ma, a, "then");
	tb = gs_graph_new(mb, b, "then");
	at = gs_node_add_attr(ma, a->nodes[ifa], "then_branch", GS_ATTR_GRAPH);
	at->g = ta;
	at = gs_node_add_attr(mb, b->nodes[ifb], "then_branch", GS_ATTR_GRAPH);
	at->g = tb;
	ida[0] = node(ta, "Identity", "ia", "cond", NULL, "t");
	idb[0] = node(tb, "Neg", "ib", "cond", NULL, "t");
	assert_int_equal(gs_graph_toposort(a, &err), 0);
	assert_int_equal(gs_graph_toposort(b, &err), 0);
	assert_int_equal(gs_graph_toposort(ta, &err), 0);
	assert_int_equal(gs_graph_toposort(tb, &err), 0);
	ea[0] = ifa;
	eb[0] = ifb;
	e[0] = (struct gs_match_entry){ .status = GS_MATCH_MATCHED, .graph_a = a, .graph_b = b,
		.n_a = 1, .n_b = 1, .a = ea, .b = eb, .worst_param = -1 };
	e[1] = (struct gs_match_entry){ .status = GS_MATCH_CHANGED, .graph_a = ta, .graph_b = tb,
		.n_a = 1, .n_b = 1, .a = ida, .b = idb, .worst_param = -1 };
	in.ga = a;
	in.gb = b;
	in.ctx = &expanded;
	gs_rows_init(&r);
	gs_rows_build(&r, &in);
	assert_int_equal(r.n, 1);
	assert_true(r.rows[0].expandable);
	assert_false(r.rows[0].expanded);

	expanded = true;
	gs_rows_build(&r, &in);
	assert_int_equal(r.n, 3);
	assert_true(r.rows[0].expanded);
	assert_int_equal(r.rows[1].status, GS_ROW_LABEL);
	assert_string_equal(r.rows[1].label, "then_branch");
	assert_int_equal(r.rows[1].depth, 1);
	assert_int_equal(r.rows[2].depth, 1);
	assert_ptr_equal(r.rows[2].ga, ta);
	assert_ptr_equal(r.rows[2].gb, tb);
	assert_int_equal(r.rows[2].a, ida[0]);
	assert_int_equal(r.rows[2].b, idb[0]);
	assert_int_equal(r.rows[2].status, GS_MATCH_CHANGED);
	gs_rows_release(&r);
	gs_model_free(ma);
	gs_model_free(mb);
}

/* No match at all (matching failed): every node still gets a row. */
static void test_no_match(void **state)
{
	struct fixture *f = *state;
	struct gs_rows_input in = { .ga = f->a, .gb = f->b };
	struct gs_rows r;

	gs_rows_init(&r);
	gs_rows_build(&r, &in);
	assert_int_equal(r.n, 9);
	assert_int_equal(r.rows[0].status, GS_MATCH_ADDED);	/* c: no producers */
	assert_int_equal(r.rows[0].b, f->c);
	gs_rows_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_parents),
		cmocka_unit_test(test_subgraph),
		cmocka_unit_test(test_no_match),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
