/*
 * The fusion passes through the C API: exact rewrite counts on the models
 * of tests/passes/gen_fuse_models.py, and undo of every recorded edit
 * giving back a model that saves byte for byte like the file.
 * Run by tests/passes/fuse.sh with FUSE_MODELS=DIR (skips without it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"

#include "graphsmith/fuse.h"
#include "graphsmith/onnx.h"

static const char *models_dir;

struct recorder {
	struct gs_edit *edits;
	int n, alloc;
};

static void record(void *ctx, struct gs_edit *e)
{
	struct recorder *r = ctx;

	GS_GROW(r->edits, r->n + 1, r->alloc);
	r->edits[r->n++] = *e;
}

/* Fuses, checks the count, undoes every edit and compares the bytes. */
static void run_case(const char *model, const char *pattern, int expect)
{
	struct gs_save_opts so = { GS_EXTERNAL_AUTO, 0, 0 };
	struct recorder rec = { NULL, 0, 0 };
	struct gs_journal j = { record, &rec };
	struct gs_fuse_log log;
	struct gs_error err;
	struct gs_model *m;
	char path[4096], out[4096];
	char *a, *b;
	size_t la, lb;
	int n, i;

	snprintf(path, sizeof(path), "%s/%s.onnx", models_dir, model);
	snprintf(out, sizeof(out), "%s/undo_%s_%s.onnx", models_dir, model, pattern);
	m = gs_onnx_load(path, NULL, &err);
	assert_non_null(m);
	gs_model_set_journal(m, &j);
	gs_fuse_log_init(&log);
	n = gs_fuse_run(m, pattern, &log, &err);
	if (n != expect)
		fprintf(stderr, "%s %s: %d rewrites, expected %d\n", model, pattern, n, expect);
	assert_int_equal(n, expect);
	for (i = 0, n = 0; i < log.n; i++)
		n += !log.lines[i].note;
	assert_int_equal(n, expect);	/* one line per rewrite */
	gs_fuse_log_release(&log);
	gs_model_set_journal(m, NULL);
	for (i = rec.n - 1; i >= 0; i--) {
		gs_edit_undo(m, &rec.edits[i]);
		gs_edit_release(&rec.edits[i]);
	}
	free(rec.edits);
	assert_int_equal(gs_onnx_save(m, out, &so, &err), 0);
	gs_model_free(m);
	a = fixture_slurp(path, &la);
	b = fixture_slurp(out, &lb);
	if (la != lb || memcmp(a, b, la))
		fprintf(stderr, "%s %s: undo does not give the original bytes\n", model, pattern);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
	remove(out);
}

static void test_cases(void **state)
{
	char path[4096], model[256], pattern[64];
	int expect, check, count = 0;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/cases.txt", models_dir);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fscanf(f, "%255s %63s %d %d", model, pattern, &expect, &check) == 4) {
		run_case(model, pattern, expect);
		count++;
	}
	fclose(f);
	assert_true(count >= 20);
}

static void test_unknown_pattern(void **state)
{
	struct gs_fuse_log log;
	struct gs_error err;
	struct gs_model *m;
	char path[4096];

	(void)state;
	snprintf(path, sizeof(path), "%s/mlp.onnx", models_dir);
	m = gs_onnx_load(path, NULL, &err);
	assert_non_null(m);
	gs_fuse_log_init(&log);
	assert_int_equal(gs_fuse_run(m, "conv-relu", &log, &err), -1);
	assert_non_null(strstr(err.msg, "unknown fuse pattern 'conv-relu'"));
	assert_int_equal(log.n, 0);
	assert_false(m->graph->dirty);
	gs_model_free(m);
}

static void test_pattern_names(void **state)
{
	const char *const *names = gs_fuse_pattern_names();
	int n = 0;

	(void)state;
	while (names[n])
		n++;
	assert_int_equal(n, 8);
	assert_string_equal(names[n - 1], "all");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pattern_names),
		cmocka_unit_test(test_unknown_pattern),
		cmocka_unit_test(test_cases),
	};

	models_dir = getenv("FUSE_MODELS");
	if (!models_dir) {
		printf("SKIP: FUSE_MODELS not set (run tests/passes/fuse.sh)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
