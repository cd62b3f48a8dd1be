/*
 * conform - runs ONNX backend test cases through the evaluator.
 *
 *   conform [-v] [--op NAME] [--rtol X] [--atol X] DIR...
 *
 * A DIR is a case (model.onnx + test_data_set_N/{input,output}_K.pb) or a
 * folder of cases.  Each case passes, fails (wrong output, or an error
 * while loading or running), or is unsupported (no kernel for a node, a
 * non-tensor or string type at the graph's edge, or a kernel that says
 * "not supported").  The pass rule is ONNX's: same dtype and shape, and
 * |a - e| <= atol + rtol * |e| (NaN equals NaN; integers and bools exact).
 * Exits 1 when a case failed, 2 on bad usage.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "graphsmith/eval.h"
#include "graphsmith/onnx.h"
#include "graphsmith/ops.h"
#include "graphsmith/tensorio.h"
#include "onnx/onnx.pb-c.h"

enum verdict { PASS, FAIL, UNSUPPORTED };

struct op_count {
	char *op;
	int n[3];
	int unclaimed;			/* cases of an op (or op set) we do not claim */
};

static struct {
	bool verbose;
	const char *only_op;
	double rtol, atol;
	struct op_count *ops;
	int n_ops, ops_alloc;
	int total[3];
	int claimed_cases, all_cases;
	double min_pass, min_coverage;	/* --min-pass, --min-coverage: 0 = off */
	double case_atol;		/* atol of the case running (--op-atol) */
	char **atol_ops;		/* --op-atol OP=X: a looser atol for OP */
	double *atol_vals;
	int n_atol;
	char **excused;			/* --excuse OP: below min-pass for a stated reason */
	int n_excused;
} conf = { .rtol = 1e-3, .atol = 1e-7 };

static char *path_join(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) < 0) {
		fprintf(stderr, "conform: out of memory\n");
		exit(2);
	}
	return p;
}

static bool exists(const char *dir, const char *name, bool want_dir)
{
	char *p = path_join(dir, name);
	struct stat st;
	bool ok = stat(p, &st) == 0 && (want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));

	free(p);
	return ok;
}

static void count(const char *op, enum verdict v, bool claimed)
{
	struct op_count *c = NULL;
	int i;

	conf.total[v]++;
	conf.all_cases++;
	conf.claimed_cases += claimed;
	for (i = 0; i < conf.n_ops && !c; i++)
		if (!strcmp(conf.ops[i].op, op))
			c = &conf.ops[i];
	if (!c) {
		GS_GROW(conf.ops, conf.n_ops + 1, conf.ops_alloc);
		c = &conf.ops[conf.n_ops++];
		memset(c, 0, sizeof(*c));
		c->op = gs_xstrdup(op);
	}
	if (claimed)
		c->n[v]++;
	else
		c->unclaimed++;
}

/* A case is claimed when the registry has a kernel for every op of every
 * graph in it, at the model's opsets. */
static int claim_graph(struct gs_graph *g, void *ctx)
{
	const struct gs_model *m = ctx;
	int i;

	for (i = 0; i < g->n_nodes; i++) {
		const struct gs_node *n = g->nodes[i];
		const char *dom = n->domain ? n->domain : "";
		int64_t opset = gs_model_opset(m, dom);
		const struct gs_op *op;

		if (n->removed)
			continue;
		if (!opset && !*dom)
			opset = gs_model_opset(m, "ai.onnx");
		op = gs_op_find(dom, n->op_type, opset);
		if (!op || !op->kernel)
			return 1;
	}
	return 0;
}

static bool claimed(struct gs_model *m)
{
	return m && gs_graph_walk(m->graph, claim_graph, m) == 0;
}

/* The op a case tests: its single node's, or "model". */
static void case_op(const struct gs_model *m, char *buf, size_t len)
{
	const struct gs_graph *g = m->graph;
	const struct gs_node *one = NULL;
	int i, live = 0;

	for (i = 0; i < g->n_nodes; i++) {
		if (!g->nodes[i]->removed) {
			one = g->nodes[i];
			live++;
		}
	}
	if (live != 1)
		snprintf(buf, len, "model");
	else if (one->domain && *one->domain)
		snprintf(buf, len, "%s:%s", one->domain, one->op_type);
	else
		snprintf(buf, len, "%s", one->op_type);
}

/* Non-NULL (why) when a graph input or output is not a plain tensor. */
static const char *edge_type_problem(const struct gs_graph *g)
{
	int pass, i, n;
	const int *ids;

	for (pass = 0; pass < 2; pass++) {
		ids = pass ? g->outputs : g->inputs;
		n = pass ? g->n_outputs : g->n_inputs;
		for (i = 0; i < n; i++) {
			const struct gs_value *v = g->values[ids[i]];
			const Onnx__ValueInfoProto *vi = v->origin;

			if (v->kind == GS_VALUE_PARAM)
				continue;
			if (vi && vi->type && vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE) {
				switch (vi->type->value_case) {
				case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE:
					return "sequence types are not supported";
				case ONNX__TYPE_PROTO__VALUE_MAP_TYPE:
					return "map types are not supported";
				case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE:
					return "optional types are not supported";
				case ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE:
					return "sparse tensor types are not supported";
				default:
					return "non-tensor types are not supported";
				}
			}
			if (v->dtype == GS_DTYPE_STRING)
				return "string tensors are not supported";
		}
	}
	return NULL;
}

static bool says_unsupported(const char *msg)
{
	return strstr(msg, "not supported") || strstr(msg, "unsupported") ||
	       strstr(msg, "not implemented");
}

static void index_str(const struct gs_etensor *t, int64_t flat, char *buf, size_t len)
{
	int64_t idx[GS_EVAL_MAX_RANK];
	size_t used = 0;
	int i;

	for (i = t->rank - 1; i >= 0; i--) {
		idx[i] = t->dims[i] ? flat % t->dims[i] : 0;
		flat = t->dims[i] ? flat / t->dims[i] : 0;
	}
	used += (size_t)snprintf(buf, len, "[");
	for (i = 0; i < t->rank && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%lld", i ? "," : "",
					 (long long)idx[i]);
	if (used < len)
		snprintf(buf + used, len - used, "]");
}

/* 0 when got matches want; else -1 with why in err. */
static int compare(const struct gs_etensor *got, const struct gs_etensor *want,
		   struct gs_error *err)
{
	char gs[128], ws[128], ib[128];
	int64_t i, bad = 0, first = -1, worst_i = -1;
	double worst = 0;
	bool same = got->rank == want->rank;
	size_t w;
	int d;

	if (got->dtype != want->dtype)
		return gs_error_set(err, "dtype %s, expected %s", gs_dtype_name(got->dtype),
				    gs_dtype_name(want->dtype));
	for (d = 0; same && d < got->rank; d++)
		same = got->dims[d] == want->dims[d];
	if (!same)
		return gs_error_set(err, "shape %s, expected %s",
				    gs_format_dims(got->rank, got->dims, gs, sizeof(gs)),
				    gs_format_dims(want->rank, want->dims, ws, sizeof(ws)));
	w = gs_et_elem_size(want->dtype);
	for (i = 0; i < want->numel; i++) {
		double a = gs_et_get(got, i), e = gs_et_get(want, i), diff;
		bool ok;

		if (!gs_dtype_is_float(want->dtype)) {
			if (want->dtype == GS_DTYPE_BOOL)
				ok = (((const uint8_t *)got->data)[i] != 0) ==
				     (((const uint8_t *)want->data)[i] != 0);
			else
				ok = !memcmp((const uint8_t *)got->data + i * (int64_t)w,
					     (const uint8_t *)want->data + i * (int64_t)w, w);
			diff = ok ? 0 : fabs(a - e);
		} else if (isnan(e) || isnan(a)) {
			ok = isnan(e) && isnan(a);
			diff = ok ? 0 : INFINITY;
		} else if (a == e) {
			ok = true;
			diff = 0;
		} else {
			diff = fabs(a - e);
			ok = diff <= conf.case_atol + conf.rtol * fabs(e);
		}
		if (!ok) {
			bad++;
			if (first < 0)
				first = i;
		}
		if (diff > worst || (!ok && worst_i < 0)) {
			worst = diff;
			worst_i = i;
		}
	}
	if (!bad)
		return 0;
	index_str(want, first, ib, sizeof(ib));
	return gs_error_set(err, "%lld of %lld elements differ, max abs err %.6g, first at %s "
			    "(got %.9g, expected %.9g)", (long long)bad, (long long)want->numel,
			    worst, ib, gs_et_get(got, first), gs_et_get(want, first));
}

static int find_eval_input(const struct gs_eval *ev, const char *name)
{
	int i;

	for (i = 0; i < gs_eval_n_inputs(ev); i++) {
		if (!strcmp(gs_eval_input(ev, i)->name, name))
			return i;
	}
	return -1;
}

static int count_files(const char *dir, const char *stem)
{
	char name[64];
	int k;

	for (k = 0; k < 100000; k++) {
		snprintf(name, sizeof(name), "%s_%d.pb", stem, k);
		if (!exists(dir, name, false))
			break;
	}
	return k;
}

/* One test_data_set: bind inputs, run, compare outputs. */
static enum verdict run_set(const struct gs_model *m, struct gs_eval *ev, const char *dir,
			    struct gs_error *err)
{
	const struct gs_graph *g = m->graph;
	int n_in = gs_eval_n_inputs(ev), n_out = gs_eval_n_outputs(ev);
	int n_files = count_files(dir, "input"), n_want = count_files(dir, "output");
	struct gs_etensor **ins = calloc((size_t)n_in + 1, sizeof(*ins));
	struct gs_etensor **outs = calloc((size_t)n_out + 1, sizeof(*outs));
	enum verdict v = FAIL;
	char fname[64];
	int k, slot;

	if (!ins || !outs) {
		gs_error_set(err, "out of memory");
		goto out;
	}
	for (k = 0; k < n_files; k++) {
		struct gs_etensor *t;
		char *name = NULL, *p;

		snprintf(fname, sizeof(fname), "input_%d.pb", k);
		p = path_join(dir, fname);
		t = gs_tensorfile_read_named(p, &name, err);
		free(p);
		if (!t) {
			if (says_unsupported(err->msg))
				v = UNSUPPORTED;
			goto out;
		}
		slot = *name ? find_eval_input(ev, name) : -1;
		if (slot >= 0 && ins[slot])
			slot = -1;
		if (slot < 0 && n_files == g->n_inputs)
			slot = find_eval_input(ev, g->values[g->inputs[k]]->name);
		else if (slot < 0 && k < n_in && !ins[k])
			slot = k;
		free(name);
		if (slot < 0 || ins[slot]) {
			/* data for an input that has an initializer */
			gs_et_unref(t);
			continue;
		}
		ins[slot] = t;
	}
	for (k = 0; k < n_in; k++) {
		if (!ins[k]) {
			gs_error_set(err, "no data for input '%s'", gs_eval_input(ev, k)->name);
			goto out;
		}
	}
	if (gs_eval_run(ev, ins, outs, err)) {
		if (says_unsupported(err->msg))
			v = UNSUPPORTED;
		goto out;
	}
	if (n_want != n_out) {
		gs_error_set(err, "%d expected outputs for %d graph outputs", n_want, n_out);
		goto out;
	}
	for (k = 0; k < n_out; k++) {
		struct gs_etensor *want;
		char *p;
		int rc;

		if (!outs[k]) {
			gs_error_set(err, "output %d '%s' was not produced", k,
				     gs_eval_output(ev, k)->name);
			goto out;
		}
		snprintf(fname, sizeof(fname), "output_%d.pb", k);
		p = path_join(dir, fname);
		want = gs_tensorfile_read(p, err);
		free(p);
		if (!want) {
			if (says_unsupported(err->msg))
				v = UNSUPPORTED;
			goto out;
		}
		rc = compare(outs[k], want, err);
		gs_et_unref(want);
		if (rc) {
			gs_error_prefix(err, "output %d '%s'", k, gs_eval_output(ev, k)->name);
			goto out;
		}
	}
	v = PASS;
out:
	for (k = 0; ins && k < n_in; k++) {
		if (ins[k])
			gs_et_unref(ins[k]);
	}
	for (k = 0; outs && k < n_out; k++) {
		if (outs[k])
			gs_et_unref(outs[k]);
	}
	free(ins);
	free(outs);
	return v;
}

static bool is_set_dir(const struct dirent *d)
{
	return !strncmp(d->d_name, "test_data_set_", 14);
}

static int filter_sets(const struct dirent *d)
{
	return is_set_dir(d);
}

static void run_case(const char *dir)
{
	const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	struct gs_model *m = NULL;
	struct gs_eval *ev = NULL;
	struct dirent **sets = NULL;
	struct gs_error err = { "" };
	enum verdict v = FAIL;
	char op[256] = "(load)", *p;
	const char *why;
	int i, n_sets = 0;

	p = path_join(dir, "model.onnx");
	m = gs_onnx_load(p, NULL, &err);
	free(p);
	if (!m)
		goto done;
	case_op(m, op, sizeof(op));
	conf.case_atol = conf.atol;
	for (i = 0; i < conf.n_atol; i++)
		if (!strcmp(conf.atol_ops[i], op))
			conf.case_atol = conf.atol_vals[i];
	if (conf.only_op && strcmp(conf.only_op, op)) {
		gs_model_free(m);
		return;
	}
	why = edge_type_problem(m->graph);
	if (why) {
		gs_error_set(&err, "%s", why);
		v = UNSUPPORTED;
		goto done;
	}
	ev = gs_eval_new(m, &err);
	if (!ev) {
		v = UNSUPPORTED;
		goto done;
	}
	n_sets = scandir(dir, &sets, filter_sets, alphasort);
	if (n_sets <= 0) {
		gs_error_set(&err, "no test_data_set_* folder");
		n_sets = 0;
		goto done;
	}
	for (i = 0; i < n_sets; i++) {
		p = path_join(dir, sets[i]->d_name);
		v = run_set(m, ev, p, &err);
		free(p);
		if (v != PASS) {
			gs_error_prefix(&err, "%s", sets[i]->d_name);
			break;
		}
	}
done:
	if (conf.only_op && strcmp(conf.only_op, op))
		goto out;
	count(op, v, claimed(m));
	if (conf.verbose) {
		if (v == PASS)
			printf("PASS %s\n", base);
		else
			printf("%s %s: %s\n", v == FAIL ? "FAIL" : "UNSUPPORTED", base, err.msg);
		fflush(stdout);
	}
out:
	for (i = 0; i < n_sets; i++)
		free(sets[i]);
	free(sets);
	if (ev)
		gs_eval_free(ev);
	if (m)
		gs_model_free(m);
}

static int filter_visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int run_dir(const char *dir)
{
	struct dirent **list;
	int i, n, found = 0;

	if (exists(dir, "model.onnx", false)) {
		run_case(dir);
		return 0;
	}
	n = scandir(dir, &list, filter_visible, alphasort);
	if (n < 0) {
		fprintf(stderr, "conform: cannot read '%s': %m\n", dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		char *p = path_join(dir, list[i]->d_name);

		if (exists(p, "model.onnx", false)) {
			run_case(p);
			found++;
		}
		free(p);
		free(list[i]);
	}
	free(list);
	if (!found) {
		fprintf(stderr, "conform: '%s' holds no test case (model.onnx)\n", dir);
		return -1;
	}
	return 0;
}

static int cmp_op(const void *a, const void *b)
{
	return strcmp(((const struct op_count *)a)->op, ((const struct op_count *)b)->op);
}

static bool is_excused(const char *op)
{
	int i;

	for (i = 0; i < conf.n_excused; i++)
		if (!strcmp(conf.excused[i], op))
			return true;
	return false;
}

static void usage(void)
{
	fprintf(stderr, "usage: conform [-v] [--op NAME] [--rtol X] [--atol X] [--min-pass R]\n"
		"               [--min-coverage C] [--excuse OP]... [--op-atol OP=X]... DIR...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int i, status = 0, below = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v"))
			conf.verbose = true;
		else if (!strcmp(argv[i], "--op") && i + 1 < argc)
			conf.only_op = argv[++i];
		else if (!strcmp(argv[i], "--rtol") && i + 1 < argc)
			conf.rtol = strtod(argv[++i], NULL);
		else if (!strcmp(argv[i], "--atol") && i + 1 < argc)
			conf.atol = strtod(argv[++i], NULL);
		else if (!strcmp(argv[i], "--min-pass") && i + 1 < argc)
			conf.min_pass = strtod(argv[++i], NULL);
		else if (!strcmp(argv[i], "--excuse") && i + 1 < argc) {
			conf.excused = gs_xrealloc(conf.excused, sizeof(char *) * (size_t)(conf.n_excused + 1));
			conf.excused[conf.n_excused++] = argv[++i];
		} else if (!strcmp(argv[i], "--op-atol") && i + 1 < argc && strchr(argv[i + 1], '=')) {
			char *eq = strchr(argv[++i], '=');

			conf.atol_ops = gs_xrealloc(conf.atol_ops, sizeof(char *) * (size_t)(conf.n_atol + 1));
			conf.atol_vals = gs_xrealloc(conf.atol_vals, sizeof(double) * (size_t)(conf.n_atol + 1));
			*eq = 0;
			conf.atol_ops[conf.n_atol] = argv[i];
			conf.atol_vals[conf.n_atol++] = strtod(eq + 1, NULL);
		} else if (!strcmp(argv[i], "--min-coverage") && i + 1 < argc)
			conf.min_coverage = strtod(argv[++i], NULL);
		else if (!strcmp(argv[i], "--") && ++i)
			break;
		else
			usage();
	}
	if (i >= argc)
		usage();
	for (; i < argc; i++) {
		if (run_dir(argv[i]))
			status = 2;
	}
	if (conf.n_ops)
		qsort(conf.ops, (size_t)conf.n_ops, sizeof(conf.ops[0]), cmp_op);
	/* cases of claimed ops: passed, failed, unsupported; then the cases of
	 * ops the registry does not claim */
	printf("%-32s %6s %6s %6s %9s\n", "op", "passed", "failed", "unsup", "unclaimed");
	for (i = 0; i < conf.n_ops; i++) {
		const struct op_count *c = &conf.ops[i];
		int claimed_n = c->n[PASS] + c->n[FAIL] + c->n[UNSUPPORTED];

		printf("%-32s %6d %6d %6d %9d\n", c->op, c->n[PASS], c->n[FAIL],
		       c->n[UNSUPPORTED], c->unclaimed);
		if (conf.min_pass > 0 && claimed_n && strcmp(c->op, "model") &&
		    c->n[PASS] < conf.min_pass * claimed_n && !is_excused(c->op)) {
			fprintf(stderr, "conform: %s passes %d of %d claimed cases, below %.0f%%\n",
				c->op, c->n[PASS], claimed_n, 100 * conf.min_pass);
			below++;
		}
	}
	for (i = 0; i < conf.n_ops; i++)
		free(conf.ops[i].op);
	free(conf.ops);
	printf("conform: %d passed, %d failed, %d unsupported; claimed ops cover %d of %d cases "
	       "(%.1f%%)\n", conf.total[PASS], conf.total[FAIL], conf.total[UNSUPPORTED],
	       conf.claimed_cases, conf.all_cases,
	       conf.all_cases ? 100.0 * conf.claimed_cases / conf.all_cases : 0.0);
	if (conf.min_coverage > 0 && conf.claimed_cases < conf.min_coverage * conf.all_cases) {
		fprintf(stderr, "conform: coverage below %.0f%%\n", 100 * conf.min_coverage);
		below++;
	}
	if (!status && below)
		status = 1;
	free(conf.excused);
	free(conf.atol_ops);
	free(conf.atol_vals);
	if (!status && conf.total[FAIL])
		status = 1;
	return status;
}
