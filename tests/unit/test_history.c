/*
 * The history with the core alone: steps recorded through the journal,
 * undo back to a model that saves byte for byte like the file it came
 * from, redo, nesting, abort, and what compressed before-images cost.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixtures.h"

#include "graphsmith/history.h"
#include "graphsmith/onnx.h"
#include "graphsmith/prune.h"

static char fixtures[256];

static void path_of(char *buf, size_t len, const char *name)
{
	if (!strcmp(name, "cnn.onnx"))
		snprintf(buf, len, "%s/data/cnn.onnx", fixture_srcdir());
	else
		snprintf(buf, len, "%s/%s", fixtures, name);
}

static struct gs_model *load(const char *name)
{
	struct gs_error err;
	struct gs_model *m;
	char path[512];

	path_of(path, sizeof(path), name);
	m = gs_onnx_load(path, NULL, &err);
	if (!m)
		fail_msg("%s", err.msg);
	return m;
}

/* m saves to the same bytes as the file `name`. */
static void assert_saves_as(struct gs_model *m, const char *name)
{
	struct gs_error err;
	char path[512], out[512];
	size_t a, b;
	char *x, *y;

	path_of(path, sizeof(path), name);
	snprintf(out, sizeof(out), "%s/out-%s", fixtures, name);
	if (gs_onnx_save(m, out, NULL, &err))
		fail_msg("%s", err.msg);
	x = fixture_slurp(path, &a);
	y = fixture_slurp(out, &b);
	assert_int_equal(a, b);
	assert_memory_equal(x, y, a);
	free(x);
	free(y);
	unlink(out);
}

static void run(struct gs_history *h, struct gs_model *m, const char *line)
{
	struct gs_error err;
	int rc, n, k;
	double s;

	gs_history_begin(h, line);
	if (!strncmp(line, "magnitude ", 10)) {
		assert_int_equal(gs_prune_parse_sparsity(line + 10, &s, &err), 0);
		rc = gs_prune_magnitude(m, s, NULL, NULL, &err);
	} else if (!strncmp(line, "nm ", 3)) {
		assert_int_equal(gs_prune_parse_nm(line + 3, &n, &k, &err), 0);
		rc = gs_prune_nm(m, n, k, NULL, NULL, &err);
	} else {
		assert_int_equal(gs_prune_parse_ratio(line + 9, &s, &err), 0);
		rc = gs_prune_channels(m, s, NULL, NULL, &err);
	}
	assert_int_equal(rc, 0);
	gs_history_commit(h);
}

static void undo_all_restores_bytes(const char *name)
{
	static const char *const lines[] = {
		"magnitude 0.5", "nm 2:4", "channels 0.25", "magnitude 0.8",
	};
	struct gs_model *m = load(name);
	struct gs_history *h = gs_history_new(m);
	struct gs_error err;
	int i;

	for (i = 0; i < 4; i++)
		run(h, m, lines[i]);
	assert_true(gs_history_count(h) >= 3);
	while (gs_history_count(h))
		assert_int_equal(gs_history_undo(h, &err), 0);
	assert_int_equal(gs_history_undo(h, &err), -1);
	assert_string_equal(err.msg, "nothing to undo");
	assert_int_equal(gs_history_memory(h), 0);
	assert_saves_as(m, name);
	gs_history_free(h);
	gs_model_free(m);
}

static void test_undo_cnn(void **state)
{
	undo_all_restores_bytes("cnn.onnx");
}

static void test_undo_groups(void **state)
{
	undo_all_restores_bytes("cnn_groups.onnx");
}

static void test_undo_mlp(void **state)
{
	undo_all_restores_bytes("mlp.onnx");
}

static void test_undo_residual(void **state)
{
	undo_all_restores_bytes("residual.onnx");
}

/* Dense heap before-images (sliced, not yet pruned) take the byte-plane
 * path of the compressor; they must come back exactly too. */
static void test_undo_dense_heap(void **state)
{
	struct gs_model *m = load("cnn_groups.onnx");
	struct gs_history *h = gs_history_new(m);
	struct gs_error err;

	run(h, m, "channels 0.25");
	run(h, m, "magnitude 0.5");
	run(h, m, "channels 0.5");
	assert_int_equal(gs_history_count(h), 3);
	assert_true(gs_history_memory(h) > 0);
	while (gs_history_count(h))
		assert_int_equal(gs_history_undo(h, &err), 0);
	assert_saves_as(m, "cnn_groups.onnx");
	gs_history_free(h);
	gs_model_free(m);
}

/* Undo in the middle, then redo by re-running the line: the same model. */
static void test_redo(void **state)
{
	struct gs_model *m = load("mlp.onnx");
	struct gs_history *h = gs_history_new(m);
	struct gs_step_stats after2;
	struct gs_error err;
	char *line;

	run(h, m, "magnitude 0.5");
	run(h, m, "nm 1:4");
	after2 = *gs_history_stats(h, 2);
	assert_null(gs_history_redo_line(h));
	assert_int_equal(gs_history_undo(h, &err), 0);
	assert_int_equal(gs_history_undo(h, &err), 0);
	assert_string_equal(gs_history_redo_line(h), "magnitude 0.5");
	line = strdup(gs_history_redo_line(h));
	run(h, m, line);
	gs_history_redone(h);
	free(line);
	/* the redo list shrank instead of clearing */
	assert_string_equal(gs_history_redo_line(h), "nm 1:4");
	line = strdup(gs_history_redo_line(h));
	run(h, m, line);
	gs_history_redone(h);
	free(line);
	assert_null(gs_history_redo_line(h));
	assert_int_equal(gs_history_count(h), 2);
	assert_int_equal(gs_history_stats(h, 2)->zstd_bytes, after2.zstd_bytes);
	assert_true(gs_history_stats(h, 2)->sparsity == after2.sparsity);
	/* a fresh step clears what is left to redo */
	assert_int_equal(gs_history_undo(h, &err), 0);
	run(h, m, "magnitude 0.7");
	assert_int_equal(gs_history_count(h), 2);
	assert_null(gs_history_redo_line(h));
	while (gs_history_count(h))
		assert_int_equal(gs_history_undo(h, &err), 0);
	assert_saves_as(m, "mlp.onnx");
	gs_history_free(h);
	gs_model_free(m);
}

/* Abort reverts; an empty step is dropped; nested steps join. */
static void test_abort_and_nesting(void **state)
{
	struct gs_model *m = load("cnn_groups.onnx");
	struct gs_history *h = gs_history_new(m);
	const struct gs_edit *edits[64];
	struct gs_error err;

	gs_history_begin(h, "preview magnitude 0.5");
	assert_int_equal(gs_prune_magnitude(m, 0.5, NULL, NULL, &err), 0);
	gs_history_begin(h, "inner");
	assert_int_equal(gs_prune_nm(m, 2, 4, NULL, NULL, &err), 0);
	gs_history_abort(h);		/* only the inner part */
	assert_true(gs_history_open_edits(h, edits, 64) == 6);
	gs_history_begin(h, "inner");
	assert_int_equal(gs_prune_nm(m, 2, 4, NULL, NULL, &err), 0);
	gs_history_commit(h);		/* joins the outer step */
	assert_int_equal(gs_history_count(h), 0);
	assert_true(gs_history_open_edits(h, edits, 64) > 6);
	gs_history_abort(h);
	assert_int_equal(gs_history_count(h), 0);
	assert_int_equal(gs_history_memory(h), 0);
	assert_saves_as(m, "cnn_groups.onnx");

	gs_history_begin(h, "magnitude 0");
	assert_int_equal(gs_prune_magnitude(m, 0.0, NULL, NULL, &err), 0);
	gs_history_commit(h);
	assert_int_equal(gs_history_count(h), 0);
	gs_history_free(h);
	gs_model_free(m);
}

/* A second replacement of every weight (here: int8, as quantize does)
 * keeps the pruned float before-images compressed. */
static void test_memory(void **state)
{
	struct gs_model *m = load("mlp.onnx");
	struct gs_history *h = gs_history_new(m);
	struct gs_prune_layer *layers;
	uint64_t raw = 0, after_prune;
	struct gs_error err;
	int n, i;

	run(h, m, "magnitude 0.5");
	after_prune = gs_history_memory(h);
	/* before-images in the file mapping cost only their records */
	assert_true(after_prune < 4096);
	gs_history_begin(h, "quantize-like");
	n = gs_prune_collect(m, NULL, &layers);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		struct gs_tensor *t = layers[i].w;
		void *q = calloc(1, (size_t)t->numel);

		raw += t->nbytes;
		gs_tensor_replace(m, t, GS_DTYPE_INT8, t->rank, t->dims, q, (size_t)t->numel);
	}
	free(layers);
	gs_history_commit(h);
	assert_int_equal(gs_history_count(h), 2);
	/* half zeros, the rest noise: well under the raw bytes */
	assert_true(gs_history_memory(h) - after_prune < raw * 6 / 10);
	assert_int_equal(gs_history_undo(h, &err), 0);
	assert_int_equal(gs_history_memory(h), after_prune);
	assert_int_equal(gs_history_undo(h, &err), 0);
	assert_saves_as(m, "mlp.onnx");
	gs_history_free(h);
	gs_model_free(m);
}

/* The step report: exact figures of a known change. */
static void test_report(void **state)
{
	struct gs_model *m = load("mlp.onnx");
	struct gs_history *h = gs_history_new(m);
	const struct gs_step_stats *b, *s;
	char line[512];

	b = gs_history_baseline(h);
	assert_int_equal(b->nodes, 7);
	assert_int_equal(b->params, 256 * 128 + 128 + 128 * 64 + 64 + 64 * 16);
	assert_true(b->sparsity == 0.0);
	run(h, m, "magnitude 0.5");
	s = gs_history_stats(h, 1);
	assert_int_equal(s->nodes, 7);
	assert_int_equal(s->params, b->params);
	assert_true(s->sparsity == 0.5);
	/* rewritten tensors drop nothing: the size moves by a few bytes */
	assert_true(s->bytes > b->bytes - 64 && s->bytes < b->bytes + 64);
	assert_true(s->zstd_bytes < b->zstd_bytes * 8 / 10);
	gs_history_format_step(h, 1, line, sizeof(line));
	assert_non_null(strstr(line, "step 1 magnitude 0.5: 7 nodes (+0), 42176 params (+0), "));
	assert_non_null(strstr(line, "sparsity 50.0% (+50.0 pts)"));
	gs_history_format_step(h, 0, line, sizeof(line));
	assert_true(!strncmp(line, "baseline: 7 nodes, 42176 params, ", 33));
	gs_history_free(h);
	gs_model_free(m);
}

static int setup(void **state)
{
	return fixture_make(fixtures, sizeof(fixtures), "history", "tests/fixtures/gen_prune.py");
}

static int teardown(void **state)
{
	return fixture_remove(fixtures);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_undo_cnn),
		cmocka_unit_test(test_undo_groups),
		cmocka_unit_test(test_undo_mlp),
		cmocka_unit_test(test_undo_residual),
		cmocka_unit_test(test_undo_dense_heap),
		cmocka_unit_test(test_redo),
		cmocka_unit_test(test_abort_and_nesting),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
