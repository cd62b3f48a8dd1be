/*
 * test_tui_lanes.c - the git-log-like lane layout of the graph panes:
 * chains, branches, joins, residual connections and gap rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "tui/lanes.h"

/* Parents as a string per row: "", "0", "0 1". */
static void layout(struct gs_lanes *l, int n, const char *const *parents, const bool *has)
{
	int off[32], par[64], cnt = 0, i;
	bool all[32];

	for (i = 0; i < n; i++) {
		const char *p = parents[i];

		off[i] = cnt;
		all[i] = has ? has[i] : true;
		for (; *p; p++)
			if (*p >= '0' && *p <= '9')
				par[cnt++] = *p - '0';
	}
	off[n] = cnt;
	gs_lanes_layout(l, n, all, off, par);
}

static void expect_rows(const struct gs_lanes *l, bool utf8, const char *const *want)
{
	char buf[256];
	int i;

	for (i = 0; i < l->n; i++)
		assert_string_equal(gs_lanes_render(l, i, utf8, GS_LANES_MAX, buf, sizeof(buf)), want[i]);
}

static void test_chain(void **state)
{
	static const char *const par[] = { "", "0", "1", "2" };
	static const char *const want[] = { "*", "*", "*", "*" };
	struct gs_lanes l;

	(void)state;
	gs_lanes_init(&l);
	layout(&l, 4, par, NULL);
	expect_rows(&l, false, want);
	assert_int_equal(l.width, 1);
	gs_lanes_release(&l);
}

/* 0 branches into 1 and 2 which join in 3. */
static void test_diamond(void **state)
{
	static const char *const par[] = { "", "0", "0", "1 2" };
	static const char *const ascii[] = { "*", "+-*", "* |", "*-'" };
	static const char *const utf8[] = {
		"\u25cf", "\u251c\u2500\u25cf", "\u25cf \u2502", "\u25cf\u2500\u2518",
	};
	struct gs_lanes l;

	(void)state;
	gs_lanes_init(&l);
	layout(&l, 4, par, NULL);
	expect_rows(&l, false, ascii);
	expect_rows(&l, true, utf8);
	assert_int_equal(l.node_col[1], 1);
	assert_int_equal(l.node_col[3], 0);
	assert_int_equal(l.width, 2);
	gs_lanes_release(&l);
}

/* A residual block: 0 -> 1 -> 2 -> 3 -> add(4) <- 0, then 5. */
static void test_residual(void **state)
{
	static const char *const par[] = { "", "0", "1", "2", "3 0", "4" };
	static const char *const want[] = { "*", "+-*", "| *", "| *", "*-'", "*" };
	struct gs_lanes l;

	(void)state;
	gs_lanes_init(&l);
	layout(&l, 6, par, NULL);
	expect_rows(&l, false, want);
	gs_lanes_release(&l);
}

/* A join that passes over a lane still running (cross), and a value used
 * by a later node too (tee keeps the lane). */
static void test_cross_and_tee(void **state)
{
	static const char *const par[] = { "", "", "", "0 2", "1 3", "2 4" };
	/* 0,1,2 sources in cols 0,1,2; 3 joins 0 and 2 over 1, 2 lives on */
	static const char *const want[] = { "*", "| *", "| | *", "*-+-+", "*-' |", "*---'" };
	struct gs_lanes l;

	(void)state;
	gs_lanes_init(&l);
	layout(&l, 6, par, NULL);
	expect_rows(&l, false, want);
	assert_int_equal(l.width, 3);
	gs_lanes_release(&l);
}

/* Gap rows (a node only on the other side) let lanes through. */
static void test_gap(void **state)
{
	static const char *const par[] = { "", "0", "", "0 1" };
	static const bool has[] = { true, true, false, true };
	static const char *const want[] = { "*", "+-*", "| |", "*-'" };
	struct gs_lanes l;

	(void)state;
	gs_lanes_init(&l);
	layout(&l, 4, par, has);
	expect_rows(&l, false, want);
	assert_int_equal(l.node_col[2], -1);
	gs_lanes_release(&l);
}

/* Upward edges (parents later in the list) are ignored, not crashed on;
 * rendering clips to max_cols. */
static void test_upward_and_clip(void **state)
{
	static const char *const par[] = { "1", "", "0", "" };
	struct gs_lanes l;
	char buf[64];

	(void)state;
	gs_lanes_init(&l);
	layout(&l, 4, par, NULL);
	assert_string_equal(gs_lanes_render(&l, 0, false, 8, buf, sizeof(buf)), "*");
	assert_string_equal(gs_lanes_render(&l, 1, false, 8, buf, sizeof(buf)), "| *");
	assert_string_equal(gs_lanes_render(&l, 1, false, 1, buf, sizeof(buf)), "|");
	assert_string_equal(gs_lanes_render(&l, 2, false, 8, buf, sizeof(buf)), "*");
	gs_lanes_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_diamond),
		cmocka_unit_test(test_residual),
		cmocka_unit_test(test_cross_and_tee),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_upward_and_clip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
