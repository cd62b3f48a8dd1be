/* graphsmith run: runs a model on given or random inputs and summarises
 * each output (optionally writing them, scoring accuracy, timing runs). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/sample-args.h"
#include "graphsmith/cli.h"
#include "graphsmith/json.h"
#include "graphsmith/samples.h"
#include "graphsmith/tensorio.h"

static const char run_usage[] =
	"usage: graphsmith run [--inputs FILE.npz|DIR] [--input NAME=FILE.npy]... [--random SEED]\n"
	"                      [--dim NAME=N]... [--labels FILE.npy] [-o OUT.npz] [--json]\n"
	"                      [--bench N] MODEL\n";

struct output_stats {
	double min, max, mean;
	int64_t nan, inf;
};

static void stats_of(const struct gs_etensor *t, struct output_stats *s)
{
	double sum = 0;
	int64_t i, finite = 0;

	memset(s, 0, sizeof(*s));
	s->min = INFINITY;
	s->max = -INFINITY;
	for (i = 0; i < t->numel; i++) {
		double v = gs_et_get(t, i);

		if (isnan(v)) {
			s->nan++;
			continue;
		}
		if (isinf(v)) {
			s->inf++;
			continue;
		}
		finite++;
		sum += v;
		if (v < s->min)
			s->min = v;
		if (v > s->max)
			s->max = v;
	}
	s->mean = finite ? sum / (double)finite : NAN;
	if (!finite)
		s->min = s->max = NAN;
}

/* A class vector: one row of scores ([C] or [1, C]) worth a top-5. */
static bool is_class_vector(const struct gs_etensor *t)
{
	int d, big = 0;

	if (!gs_dtype_is_float(t->dtype) || t->numel < 2)
		return false;
	for (d = 0; d < t->rank; d++)
		big += t->dims[d] > 1;
	return big == 1;
}

static int top5(const struct gs_etensor *t, int64_t *idx)
{
	int n = 0, j;
	int64_t i;

	for (i = 0; i < t->numel; i++) {
		double v = gs_et_get(t, i);

		for (j = n; j > 0 && gs_et_get(t, idx[j - 1]) < v; j--)
			if (j < 5)
				idx[j] = idx[j - 1];
		if (j < 5) {
			idx[j] = i;
			if (n < 5)
				n++;
		}
	}
	return n;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void print_text(const struct gs_eval *ev, struct gs_etensor **outs)
{
	char b[256], sh[256];
	int o, j, n;

	for (o = 0; o < gs_eval_n_outputs(ev); o++) {
		const struct gs_etensor *t = outs[o];
		struct output_stats s;
		int64_t idx[5];

		stats_of(t, &s);
		printf("output '%s' %s %s: min %.6g max %.6g mean %.6g", 
		       gs_escape(gs_eval_output(ev, o)->name, b, sizeof(b)), gs_dtype_name(t->dtype),
		       gs_format_dims(t->rank, t->dims, sh, sizeof(sh)), s.min, s.max, s.mean);
		if (s.nan || s.inf)
			printf(", %lld NaN, %lld Inf", (long long)s.nan, (long long)s.inf);
		putchar('\n');
		if (is_class_vector(t)) {
			n = top5(t, idx);
			printf("  top-%d:", n);
			for (j = 0; j < n; j++)
				printf(" %lld (%.4g)", (long long)idx[j], gs_et_get(t, idx[j]));
			putchar('\n');
		}
	}
}

static json_t *json_report(const struct gs_eval *ev, struct gs_etensor **outs)
{
	json_t *arr = json_array();
	int o, d, j, n;

	for (o = 0; o < gs_eval_n_outputs(ev); o++) {
		const struct gs_etensor *t = outs[o];
		json_t *obj = json_object(), *shape = json_array();
		struct output_stats s;
		int64_t idx[5];

		stats_of(t, &s);
		json_object_set_new(obj, "name", gs_json_str(gs_eval_output(ev, o)->name));
		json_object_set_new(obj, "dtype", json_string(gs_dtype_name(t->dtype)));
		for (d = 0; d < t->rank; d++)
			json_array_append_new(shape, json_integer(t->dims[d]));
		json_object_set_new(obj, "shape", shape);
		json_object_set_new(obj, "min", isfinite(s.min) ? json_real(s.min) : json_null());
		json_object_set_new(obj, "max", isfinite(s.max) ? json_real(s.max) : json_null());
		json_object_set_new(obj, "mean", isfinite(s.mean) ? json_real(s.mean) : json_null());
		json_object_set_new(obj, "nan", json_integer(s.nan));
		json_object_set_new(obj, "inf", json_integer(s.inf));
		if (is_class_vector(t)) {
			json_t *top = json_array();

			n = top5(t, idx);
			for (j = 0; j < n; j++)
				json_array_append_new(top, json_integer(idx[j]));
			json_object_set_new(obj, "top5", top);
		}
		json_array_append_new(arr, obj);
	}
	return arr;
}

int gs_cli_run(int argc, char **argv)
{
	struct gs_sample_args sa;
	const char *model_path = NULL, *labels_path = NULL, *out_path = NULL;
	struct gs_etensor **outs = NULL, *labels = NULL;
	struct gs_samples samples = { 0 };
	struct gs_model *m = NULL;
	struct gs_eval *ev = NULL;
	struct gs_error err;
	int i, o, rc = 2, bench = 0, taken;
	bool json = false;
	json_t *report = NULL;

	gs_sample_args_init(&sa, argc);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_arg = i + 1 < argc;

		if ((taken = gs_sample_args_parse(&sa, argc, argv, &i)) < 0)
			goto bad_arg;
		if (taken)
			continue;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(run_usage, stdout);
			rc = 0;
			goto out;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--allow-external-outside")) {
			gs_cli_load_opts.allow_external_outside = true;
		} else if (!strcmp(a, "--labels") && has_arg) {
			labels_path = argv[++i];
		} else if (!strcmp(a, "-o") && has_arg) {
			out_path = argv[++i];
		} else if (!strcmp(a, "--bench") && has_arg) {
			bench = atoi(argv[++i]);
			if (bench < 1)
				goto bad_arg;
		} else if (a[0] == '-' || model_path) {
			goto bad_arg;
		} else {
			model_path = a;
		}
		continue;
bad_arg:
		fprintf(stderr, "graphsmith run: bad argument '%s'\n%s",
			gs_escape(argv[i], (char[128]){ 0 }, 128), run_usage);
		goto out;
	}
	if (!model_path) {
		fputs(run_usage, stderr);
		goto out;
	}
	gs_sample_args_finish(&sa);
	if (!(m = gs_cli_load(model_path)))
		goto out;
	if (!(ev = gs_eval_new(m, &err)) || gs_samples_load(ev, &sa.spec, &samples, &err)) {
		fprintf(stderr, "graphsmith: cannot run '%s': %s\n", model_path, err.msg);
		goto out;
	}
	outs = gs_xcalloc((size_t)gs_eval_n_outputs(ev) + 1, sizeof(*outs));
	if (labels_path && gs_labels_load(labels_path, samples.n_samples, &labels, &err)) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		goto out;
	}
	if (gs_samples_run(ev, &samples, outs, &err)) {
		fprintf(stderr, "graphsmith: cannot run '%s': %s\n", model_path, err.msg);
		goto out;
	}
	report = json_object();
	if (json)
		json_object_set_new(report, "outputs", json_report(ev, outs));
	else
		print_text(ev, outs);
	if (labels) {
		int64_t correct;

		if (gs_top1_correct(outs[0], labels, &correct, &err)) {
			fprintf(stderr, "graphsmith: %s\n", err.msg);
			goto out;
		}
		if (json) {
			json_object_set_new(report, "accuracy",
					    json_real((double)correct / (double)labels->numel));
			json_object_set_new(report, "correct", json_integer(correct));
			json_object_set_new(report, "samples", json_integer(labels->numel));
		} else {
			printf("accuracy %.4f (%lld/%lld)\n", (double)correct / (double)labels->numel,
			       (long long)correct, (long long)labels->numel);
		}
	}
	if (bench) {
		double *ms = gs_xmalloc(sizeof(double) * (size_t)bench), median;
		struct gs_etensor **tmp = gs_xcalloc((size_t)gs_eval_n_outputs(ev) + 1, sizeof(*tmp));

		/* the run above was the warm-up */
		for (i = 0; i < bench; i++) {
			double t0 = now_ms();

			if (gs_samples_run(ev, &samples, tmp, &err)) {
				fprintf(stderr, "graphsmith: cannot run '%s': %s\n", model_path, err.msg);
				free(ms), free(tmp);
				goto out;
			}
			ms[i] = now_ms() - t0;
			for (o = 0; o < gs_eval_n_outputs(ev); o++)
				gs_et_unref(tmp[o]), tmp[o] = NULL;
		}
		qsort(ms, (size_t)bench, sizeof(*ms), cmp_double);
		median = bench % 2 ? ms[bench / 2] : (ms[bench / 2 - 1] + ms[bench / 2]) / 2;
		if (json) {
			json_object_set_new(report, "median_ms", json_real(median));
			json_object_set_new(report, "runs", json_integer(bench));
		} else {
			printf("median %.1f ms per run (%d runs)\n", median, bench);
		}
		free(ms);
		free(tmp);
	}
	if (out_path) {
		const char **names = gs_xcalloc((size_t)gs_eval_n_outputs(ev) + 1, sizeof(char *));

		for (o = 0; o < gs_eval_n_outputs(ev); o++)
			names[o] = gs_eval_output(ev, o)->name;
		if (gs_npz_write(out_path, gs_eval_n_outputs(ev), names, outs, &err)) {
			fprintf(stderr, "graphsmith: %s\n", err.msg);
			free(names);
			goto out;
		}
		free(names);
	}
	if (json) {
		json_object_set_new(report, "peak_tensor_bytes", json_integer((json_int_t)gs_eval_mem_peak()));
		json_dumpf(report, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(9));
		putchar('\n');
	}
	rc = 0;
out:
	json_decref(report);
	for (o = 0; outs && ev && o < gs_eval_n_outputs(ev); o++)
		gs_et_unref(outs[o]);
	free(outs);
	gs_et_unref(labels);
	gs_samples_release(&samples);
	gs_eval_free(ev);
	gs_model_free(m);
	gs_sample_args_release(&sa);
	return rc;
}
