/* The op registry: entries well formed, lookup by version, and the facts
 * the matcher and the passes read (breaks, defaults, attribute inputs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graphsmith/ops.h"

struct all {
	const struct gs_op *ops[1024];
	int n;
};

static void collect(const struct gs_op *op, void *ctx)
{
	struct all *a = ctx;

	if (a->n < 1024)
		a->ops[a->n++] = op;
}

static const char *dom(const struct gs_op *op)
{
	return !op->domain || !strcmp(op->domain, "ai.onnx") ? "" : op->domain;
}

static void test_entries(void **state)
{
	static struct all a;
	int i, j, k;

	(void)state;
	a.n = 0;
	gs_op_each(collect, &a);
	assert_true(a.n > 150 && a.n < 1024);
	for (i = 0; i < a.n; i++) {
		const struct gs_op *op = a.ops[i];

		if (!op->note || !op->note[0])
			fail_msg("%s has no note", op->name);
		assert_true(op->since >= 1);
		for (j = i + 1; j < a.n; j++)
			if (!strcmp(op->name, a.ops[j]->name) && !strcmp(dom(op), dom(a.ops[j])) &&
			    op->since == a.ops[j]->since)
				fail_msg("%s '%s' since %d twice", dom(op), op->name, op->since);
		/* breaks ascend, and lookups find every entry */
		for (k = 1; k < 8 && op->breaks[k]; k++)
			assert_true(op->breaks[k] > op->breaks[k - 1]);
		assert_ptr_equal(gs_op_find(op->domain, op->name, op->since), op);
		assert_true(op->weight_slot >= 0 && op->bias_slot >= 0);
	}
}

static void test_find(void **state)
{
	const struct gs_op *op;

	(void)state;
	op = gs_op_find("", "Conv", 13);
	assert_non_null(op);
	assert_string_equal(op->name, "Conv");
	assert_true(op->since <= 13);
	assert_ptr_equal(gs_op_find("ai.onnx", "Conv", 13), op);
	assert_ptr_equal(gs_op_find(NULL, "Conv", 13), op);
	assert_null(gs_op_find("", "Conv", 0));
	assert_null(gs_op_find("", "NoSuchOp", 13));
	/* LayerNormalization came in 17 */
	assert_null(gs_op_find("", "LayerNormalization", 16));
	assert_non_null(gs_op_find("", "LayerNormalization", 17));
	/* contrib ops stay in their domain */
	assert_non_null(gs_op_find("com.microsoft", "FusedConv", 1));
	assert_null(gs_op_find("", "FusedConv", 21));
	assert_ptr_equal(gs_op_facts("", "Conv"), gs_op_find("", "Conv", INT64_MAX));
}

static void test_breaks(void **state)
{
	(void)state;
	assert_int_equal(gs_op_breaking_version("", "Softmax", 11, 13), 13);
	assert_int_equal(gs_op_breaking_version("", "Softmax", 13, 21), 0);
	assert_int_equal(gs_op_breaking_version("", "Split", 12, 21), 13);
	assert_int_equal(gs_op_breaking_version("", "Split", 13, 21), 18);
	assert_int_equal(gs_op_breaking_version("", "ReduceSum", 11, 17), 13);
	assert_int_equal(gs_op_breaking_version("", "ReduceMean", 11, 17), 0);
	assert_int_equal(gs_op_breaking_version("", "ReduceMean", 11, 18), 18);
	assert_int_equal(gs_op_breaking_version("ai.onnx", "Upsample", 7, 9), 9);
	assert_int_equal(gs_op_breaking_version("", "Relu", 1, 21), 0);
	assert_int_equal(gs_op_breaking_version("", "NoSuchOp", 1, 21), 0);
	assert_int_equal(gs_op_breaking_version("", "GroupNormalization", 18, 21), 21);
}

static void test_defaults(void **state)
{
	const struct gs_op *conv = gs_op_facts("", "Conv"), *sm = gs_op_facts("", "Softmax");
	const struct gs_op_attr *d;
	int64_t ones[2] = { 1, 1 }, mixed[2] = { 1, 2 };
	struct gs_attr a;

	(void)state;
	d = gs_op_attr_default(conv, "group", 11);
	assert_non_null(d);
	assert_int_equal(d->kind, GS_OP_ATTR_INT);
	assert_true(d->num == 1);
	assert_ptr_equal(gs_op_attr_default(conv, "group", 13), d);
	d = gs_op_attr_default(conv, "auto_pad", 13);
	assert_non_null(d);
	assert_string_equal(d->str, "NOTSET");
	assert_null(gs_op_attr_default(conv, "kernel_shape", 13));

	memset(&a, 0, sizeof(a));
	a.name = "strides";
	a.type = GS_ATTR_INTS;
	a.n = 2;
	a.ints = ones;
	assert_true(gs_op_attr_is_default(conv, &a, 11));
	a.ints = mixed;
	assert_false(gs_op_attr_is_default(conv, &a, 11));

	/* Softmax's axis default moved from 1 to -1 in 13 */
	d = gs_op_attr_default(sm, "axis", 11);
	assert_non_null(d);
	assert_true(d->num == 1);
	d = gs_op_attr_default(sm, "axis", 13);
	assert_non_null(d);
	assert_true(d->num == -1);
	memset(&a, 0, sizeof(a));
	a.name = "axis";
	a.type = GS_ATTR_INT;
	a.i = -1;
	assert_true(gs_op_attr_is_default(sm, &a, 13));
	assert_false(gs_op_attr_is_default(sm, &a, 11));
}

static void test_facts(void **state)
{
	const struct gs_op *op;
	int axis = 99, bias = 99;

	(void)state;
	op = gs_op_facts("", "Reshape");
	assert_non_null(gs_op_attr_input(op, 1, 13));
	assert_string_equal(gs_op_attr_input(op, 1, 13)->name, "shape");
	assert_null(gs_op_attr_input(op, 0, 13));
	op = gs_op_facts("", "Squeeze");
	assert_null(gs_op_attr_input(op, 1, 11));
	assert_non_null(gs_op_attr_input(op, 1, 13));
	op = gs_op_facts("", "Resize");
	assert_string_equal(gs_op_attr_input(op, 1, 10)->name, "scales");
	assert_string_equal(gs_op_attr_input(op, 1, 13)->name, "roi");

	assert_string_equal(gs_op_family("", "Gemm"), gs_op_family("", "MatMul"));
	assert_string_equal(gs_op_family("com.microsoft", "FusedConv"), gs_op_family("", "Conv"));
	assert_null(gs_op_family("", "Sigmoid"));
	assert_true(gs_op_facts("", "Add")->commutative);
	assert_false(gs_op_facts("", "Sub")->commutative);

	assert_int_equal(gs_op_weight_slot("", "Conv", &axis, &bias), 1);
	assert_int_equal(axis, 0);
	assert_int_equal(bias, 2);
	assert_int_equal(gs_op_weight_slot("", "MatMul", &axis, &bias), 1);
	assert_int_equal(axis, -1);
	assert_int_equal(bias, -1);
	assert_int_equal(gs_op_weight_slot("", "Relu", NULL, NULL), -1);
	assert_int_equal(gs_op_facts("", "Equal")->out_dtype, GS_DTYPE_BOOL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_breaks),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_facts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
