/*
 * Unit tests for the opdoc loader and for data/ops.txt itself.
 *
 * The data directory comes from argv[1], else $GS_DATADIR, else
 * "../../data" (the layout when run from a build/tests directory).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "graphsmith/opdoc.h"

static const char *datadir = "../../data";

static int load_db(void **state)
{
	char path[4096], err[512];
	struct gs_opdoc_db *db;

	snprintf(path, sizeof(path), "%s/ops.txt", datadir);
	db = gs_opdoc_load(path, err, sizeof(err));
	if (!db) {
		fprintf(stderr, "cannot load %s: %s\n", path, err);
		return -1;
	}
	*state = db;
	return 0;
}

static int free_db(void **state)
{
	gs_opdoc_free(*state);
	return 0;
}

static void test_count(void **state)
{
	const struct gs_opdoc_db *db = *state;

	assert_true(gs_opdoc_count(db) >= 90);
	assert_null(gs_opdoc_at(db, gs_opdoc_count(db)));
}

static void test_conv(void **state)
{
	const struct gs_opdoc_db *db = *state;
	const struct gs_opdoc *c = gs_opdoc_find(db, NULL, "Conv");
	int have_w = 0, have_group = 0;
	size_t i;

	assert_non_null(c);
	assert_ptr_equal(c, gs_opdoc_find(db, "", "Conv"));
	assert_ptr_equal(c, gs_opdoc_find(db, "ai.onnx", "Conv"));
	assert_string_equal(c->domain, "ai.onnx");
	for (i = 0; i < c->ninputs; i++) {
		if (!strcmp(c->inputs[i].name, "W")) {
			have_w = 1;
			assert_false(c->inputs[i].optional);
		}
		if (!strcmp(c->inputs[i].name, "B"))
			assert_true(c->inputs[i].optional);
	}
	for (i = 0; i < c->nattrs; i++) {
		if (strcmp(c->attrs[i].name, "group"))
			continue;
		have_group = 1;
		assert_string_equal(c->attrs[i].type, "int");
		assert_true(strlen(c->attrs[i].desc) > 0);
	}
	assert_true(have_w);
	assert_true(have_group);
	assert_true(c->nformulas >= 1);
	assert_true(c->ntexts >= 1);
	assert_non_null(c->see);
}

static void test_every_op(void **state)
{
	const struct gs_opdoc_db *db = *state;
	const struct gs_opdoc *o, *prev = NULL;
	size_t i, j;

	for (i = 0; i < gs_opdoc_count(db); i++) {
		o = gs_opdoc_at(db, i);
		assert_non_null(o);
		assert_non_null(o->summary);
		assert_true(strlen(o->summary) > 0);
		if (o->noutputs < 1)
			fail_msg("op %s has no output", o->op);
		for (j = 0; j < o->nattrs; j++)
			assert_true(strlen(o->attrs[j].type) > 0);
		/* gs_opdoc_at promises (domain, op) order */
		if (prev) {
			int c = strcmp(prev->domain, o->domain);

			assert_true(c < 0 || (c == 0 && strcmp(prev->op, o->op) < 0));
		}
		assert_ptr_equal(o, gs_opdoc_find(db, o->domain, o->op));
		prev = o;
	}
}

static void test_required_ops(void **state)
{
	static const char *const onnx_ops[] = {
		"Conv", "ConvTranspose", "BatchNormalization",
		"InstanceNormalization", "LayerNormalization",
		"GroupNormalization", "Relu", "LeakyRelu", "PRelu", "Sigmoid",
		"Tanh", "HardSigmoid", "HardSwish", "Elu", "Selu", "Gelu",
		"Erf", "Softplus", "Softmax", "LogSoftmax", "MaxPool",
		"AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Gemm",
		"MatMul", "Add", "Sub", "Mul", "Div", "Pow", "Sqrt",
		"Reciprocal", "Exp", "Log", "Abs", "Neg", "Floor", "Ceil",
		"Round", "Clip", "Min", "Max", "Sum", "Mean", "Where", "Equal",
		"Less", "Greater", "Not", "And", "Or", "Cast", "CastLike",
		"Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze",
		"Concat", "Split", "Slice", "Gather", "GatherElements",
		"GatherND", "ScatterND", "Expand", "Tile", "Pad", "Resize",
		"Upsample", "Shape", "Size", "ConstantOfShape", "Constant",
		"Identity", "Dropout", "ReduceMean", "ReduceSum", "ReduceMax",
		"ReduceMin", "ReduceProd", "ReduceL2", "ArgMax", "ArgMin",
		"TopK", "Range", "Einsum", "QuantizeLinear",
		"DequantizeLinear", "DynamicQuantizeLinear", "QLinearConv",
		"QLinearMatMul", "MatMulInteger", "ConvInteger", "If", "Loop",
		"Scan", "NonZero", "OneHot", "CumSum", "Trilu", "DepthToSpace",
		"SpaceToDepth", "LRN", "Attention", "RMSNormalization",
	};
	static const char *const ms_ops[] = {
		"MultiHeadAttention", "SkipLayerNormalization", "FusedConv",
	};
	const struct gs_opdoc_db *db = *state;
	size_t i;

	for (i = 0; i < sizeof(onnx_ops) / sizeof(onnx_ops[0]); i++)
		if (!gs_opdoc_find(db, NULL, onnx_ops[i]))
			fail_msg("missing op %s", onnx_ops[i]);
	for (i = 0; i < sizeof(ms_ops) / sizeof(ms_ops[0]); i++) {
		if (!gs_opdoc_find(db, "com.microsoft", ms_ops[i]))
			fail_msg("missing op com.microsoft.%s", ms_ops[i]);
		/* contrib ops must not leak into the default domain */
		assert_null(gs_opdoc_find(db, NULL, ms_ops[i]));
	}
}

static void test_markers(void **state)
{
	const struct gs_opdoc_db *db = *state;
	const struct gs_opdoc *o = gs_opdoc_find(db, NULL, "Concat");

	assert_non_null(o);
	assert_int_equal(o->ninputs, 1);
	assert_string_equal(o->inputs[0].name, "inputs");
	assert_true(o->inputs[0].variadic);
	assert_false(o->inputs[0].optional);
}

static void test_unknown(void **state)
{
	const struct gs_opdoc_db *db = *state;

	assert_null(gs_opdoc_find(db, NULL, "NoSuchOp"));
	assert_null(gs_opdoc_find(db, NULL, "conv"));
	assert_null(gs_opdoc_find(db, "com.microsoft", "Conv"));
	assert_null(gs_opdoc_find(db, NULL, NULL));
	assert_null(gs_opdoc_find(NULL, NULL, "Conv"));
}

/* Write text to a temp file, load it, and return the error message. */
static int load_text(const char *text, char *err, size_t errlen,
		     char *path, size_t pathlen)
{
	struct gs_opdoc_db *db;
	FILE *f;
	int fd;

	snprintf(path, pathlen, "/tmp/test_opdoc_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	db = gs_opdoc_load(path, err, errlen);
	unlink(path);
	if (db) {
		gs_opdoc_free(db);
		return 0;
	}
	return -1;
}

static void expect_error(const char *text, int line)
{
	char err[256], path[64], want[96];

	err[0] = '\0';
	if (!load_text(text, err, sizeof(err), path, sizeof(path)))
		fail_msg("malformed input was accepted:\n%s", text);
	snprintf(want, sizeof(want), "%s:%d: ", path, line);
	if (strncmp(err, want, strlen(want)))
		fail_msg("expected error starting '%s', got '%s'", want, err);
	assert_null(strchr(err, '\n'));
}

static void test_malformed(void **state)
{
	(void)state;
	/* unknown keyword */
	expect_error("# c\nop A\nsummary s\noutput Y  y\nbogus x\nend\n", 5);
	/* bad attribute type */
	expect_error("op A\nsummary s\nattr k  integer  nope\nend\n", 3);
	/* name glued to the description by a single space */
	expect_error("op A\nsummary s\ninput X data\nend\n", 3);
	/* field outside a record */
	expect_error("op A\nsummary s\nend\n\ntext stray\n", 5);
	/* missing end: reported at the op line */
	expect_error("op A\nsummary s\n\nop B\nsummary t\nend\n", 4);
	expect_error("op A\nsummary s\n", 1);
	/* missing summary */
	expect_error("op A\noutput Y  y\nend\n", 3);
	/* duplicate op: reported at the second one */
	expect_error("op A\nsummary s\nend\nop A\nsummary t\nend\n", 4);
}

static void test_wellformed(void **state)
{
	const char *text =
		"# header\r\n"
		"op Z\n"
		"domain x.y\n"
		"summary last\n"
		"output Y  y\n"
		"end\n"
		"op A\n"
		"  summary first  \n"
		"input X...?  many\n"
		"input W  the  weights\n"
		"attr k  ints\n"
		"see Z\n"
		"end";
	char err[256], path[64];
	struct gs_opdoc_db *db;
	const struct gs_opdoc *a;
	FILE *f;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_opdoc_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	db = gs_opdoc_load(path, err, sizeof(err));
	unlink(path);
	if (!db)
		fail_msg("%s", err);
	assert_int_equal(gs_opdoc_count(db), 2);
	assert_non_null(gs_opdoc_find(db, "x.y", "Z"));
	a = gs_opdoc_find(db, NULL, "A");
	assert_non_null(a);
	assert_string_equal(a->summary, "first");
	assert_int_equal(a->ninputs, 2);
	assert_true(a->inputs[0].optional && a->inputs[0].variadic);
	assert_string_equal(a->inputs[0].name, "X");
	/* only the first double space separates; the rest is description */
	assert_string_equal(a->inputs[1].desc, "the  weights");
	assert_string_equal(a->attrs[0].desc, "");
	assert_string_equal(a->see, "Z");
	gs_opdoc_free(db);
}

static void test_missing_file(void **state)
{
	char err[256];

	(void)state;
	assert_null(gs_opdoc_load("/nonexistent/ops.txt", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/ops.txt"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest data_tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_conv),
		cmocka_unit_test(test_every_op),
		cmocka_unit_test(test_required_ops),
		cmocka_unit_test(test_markers),
		cmocka_unit_test(test_unknown),
	};
	const struct CMUnitTest parser_tests[] = {
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_wellformed),
		cmocka_unit_test(test_missing_file),
	};
	const char *env = getenv("GS_DATADIR");
	int rc;

	if (argc > 1)
		datadir = argv[1];
	else if (env && *env)
		datadir = env;
	rc = cmocka_run_group_tests(parser_tests, NULL, NULL);
	rc += cmocka_run_group_tests(data_tests, load_db, free_db);
	return rc ? 1 : 0;
}
