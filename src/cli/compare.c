/* `graphsmith compare [--json] [input options] A B`: runs both models on
 * the same inputs and compares every pair of corresponding tensors.  Exit
 * 0 when every model output agrees within the tolerance, 1 when not, 2 on
 * trouble, so CI can gate a compressed model on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sample-args.h"
#include "graphsmith/cli.h"
#include "graphsmith/compare.h"

static const char compare_usage[] =
	"usage: graphsmith compare [--json] [--inputs FILE.npz|DIR] [--input NAME=FILE.npy]...\n"
	"                          [--random SEED] [--dim NAME=N]... [--labels FILE.npy]\n"
	"                          [--rtol R] [--atol A] [--threshold DB] A B\n";

static bool parse_double(const char *s, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return *s && !*end && *out >= 0;
}

int gs_cli_compare(int argc, char **argv)
{
	struct gs_sample_args sa;
	struct gs_compare_opts opts;
	struct gs_match_opts mopts = { 0 };
	struct gs_model *a = NULL, *b = NULL;
	struct gs_match *match = NULL;
	struct gs_compare c = { 0 };
	const char *paths[2] = { NULL, NULL };
	struct gs_error err;
	int i, n_paths = 0, rc = 2, taken;
	bool json = false, have_c = false;

	gs_compare_opts_init(&opts);
	gs_metrics_opts_init(&mopts.metrics);
	gs_sample_args_init(&sa, argc);
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool has = i + 1 < argc;

		if ((taken = gs_sample_args_parse(&sa, argc, argv, &i)) < 0)
			goto bad;
		if (taken)
			continue;
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			fputs(compare_usage, stdout);
			rc = 0;
			goto out;
		} else if (!strcmp(arg, "--json")) {
			json = true;
		} else if (!strcmp(arg, "--allow-external-outside")) {
			gs_cli_load_opts.allow_external_outside = true;
		} else if (!strcmp(arg, "--labels") && has) {
			opts.labels = argv[++i];
		} else if (!strcmp(arg, "--rtol") && has) {
			if (!parse_double(argv[++i], &opts.rtol))
				goto bad;
		} else if (!strcmp(arg, "--atol") && has) {
			if (!parse_double(argv[++i], &opts.atol))
				goto bad;
		} else if (!strcmp(arg, "--threshold") && has) {
			char *end;

			opts.threshold_db = strtod(argv[++i], &end);
			if (end == argv[i] || *end)
				goto bad;
		} else if (arg[0] == '-' || n_paths == 2) {
			goto bad;
		} else {
			paths[n_paths++] = arg;
		}
		continue;
bad:
		fprintf(stderr, "graphsmith compare: bad argument '%s'\n%s",
			gs_escape(argv[i], (char[128]){ 0 }, 128), compare_usage);
		goto out;
	}
	if (n_paths != 2) {
		fputs(compare_usage, stderr);
		goto out;
	}
	gs_sample_args_finish(&sa);
	if (gs_cli_load_pair(paths[0], paths[1], &a, &b))
		goto out;
	if (!(match = gs_match_models(a, b, &mopts, &err)) ||
	    gs_compare_models(a, b, match, &sa.spec, &opts, &c, &err)) {
		fprintf(stderr, "graphsmith: cannot compare '%s' and '%s': %s\n", paths[0], paths[1],
			err.msg);
		goto out;
	}
	have_c = true;
	if (json) {
		json_t *j = gs_compare_json(&c);

		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(9));
		putchar('\n');
		json_decref(j);
	} else {
		gs_compare_print(&c, stdout);
	}
	rc = c.outputs_failing ? 1 : 0;
out:
	if (have_c)
		gs_compare_release(&c);
	gs_match_free(match);
	gs_model_free(a);
	gs_model_free(b);
	gs_sample_args_release(&sa);
	return rc;
}
