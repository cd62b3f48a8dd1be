/*
 * The words of `merge` and `transplant`, one parser for the headless
 * subcommands and the console commands (no getopt: the console calls it
 * again and again, and its words come from its own splitter).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/transfer.h"
#include "graphsmith/util.h"

/* Words echoed in errors: at most 40 bytes, escaped. */
#define WORD(s) gs_escape(s, (char[168]){ 0 }, 168)

static int number(const char *flag, const char *s, double *v, struct gs_error *err)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(*v))
		return gs_error_set(err, "%s wants a number, not '%.40s'", flag, WORD(s));
	return 0;
}

int gs_merge_weights_parse(const char *s, double *w, int *n, struct gs_error *err)
{
	char buf[1024], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return gs_error_set(err, "--weights list too long");
	strcpy(buf, s);
	*n = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == GS_MERGE_MAX_MODELS)
			return gs_error_set(err, "--weights: at most %d", GS_MERGE_MAX_MODELS);
		if (number("--weights", tok, &w[(*n)++], err))
			return -1;
	}
	return 0;
}

static int weights(const char *s, struct gs_merge_args *a, struct gs_error *err)
{
	a->o.weights = a->weights;
	return gs_merge_weights_parse(s, a->weights, &a->o.n_weights, err);
}

/* The value of flag argv[*i] ("--flag v" or "--flag=v"), or NULL. */
static const char *value(int argc, char **argv, int *i, const char *flag, struct gs_error *err)
{
	size_t n = strlen(flag);

	if (!strncmp(argv[*i], flag, n) && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 >= argc) {
		gs_error_set(err, "%s needs a value", flag);
		return NULL;
	}
	return argv[++*i];
}

static bool is_flag(const char *arg, const char *flag)
{
	size_t n = strlen(flag);

	return !strncmp(arg, flag, n) && (arg[n] == 0 || arg[n] == '=');
}

int gs_merge_args_parse(int argc, char **argv, bool want_out, struct gs_merge_args *a,
			struct gs_error *err)
{
	static const char *const num_flags[] = { "--alpha", "--t", "--lambda", "--density",
						 "--drop", "--seed" };
	bool have_method = false;
	int i, k;

	memset(a, 0, sizeof(*a));
	a->o.lambda = 1;
	a->o.density = 0.2;
	a->o.t = 0.5;
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *v;
		char *end;
		double d;

		if (arg[0] != '-' || !arg[1]) {
			if (!have_method) {
				if ((a->o.method = gs_merge_method_parse(arg)) < 0)
					return gs_error_set(err, "unknown merge method '%.40s' (linear, "
							    "slerp, task, ties, dare)", WORD(arg));
				have_method = true;
			} else if (a->n_models == GS_MERGE_MAX_MODELS) {
				return gs_error_set(err, "at most %d models", GS_MERGE_MAX_MODELS);
			} else {
				a->models[a->n_models++] = arg;
			}
			continue;
		}
		if (is_flag(arg, "--method")) {
			if (!(v = value(argc, argv, &i, "--method", err)))
				return -1;
			if ((a->o.method = gs_merge_method_parse(v)) < 0)
				return gs_error_set(err, "unknown merge method '%.40s' (linear, slerp, "
						    "task, ties, dare)", WORD(v));
			have_method = true;
			continue;
		}
		if (!strcmp(arg, "--skip-mismatched")) {
			a->o.skip_mismatched = true;
			continue;
		}
		if (!strcmp(arg, "--debug")) {
			a->o.debug = true;
			continue;
		}
		if (is_flag(arg, "--base") || (want_out && is_flag(arg, "-o"))) {
			bool base = arg[2] == 'b';

			if (!(v = value(argc, argv, &i, base ? "--base" : "-o", err)))
				return -1;
			*(base ? &a->base : &a->out) = v;
			continue;
		}
		if (is_flag(arg, "--weights")) {
			if (!(v = value(argc, argv, &i, "--weights", err)) || weights(v, a, err))
				return -1;
			continue;
		}
		for (k = 0; k < 6 && !is_flag(arg, num_flags[k]); k++)
			;
		if (k == 6)
			return gs_error_set(err, "unknown option '%.40s'", WORD(arg));
		if (!(v = value(argc, argv, &i, num_flags[k], err)) || number(num_flags[k], v, &d, err))
			return -1;
		switch (k) {
		case 0: a->o.alpha = d; a->o.has_alpha = true; break;
		case 1: a->o.t = d; break;
		case 2: a->o.lambda = d; break;
		case 3: a->o.density = d; break;
		case 4: a->o.drop = d; break;
		default:
			if (d < 0 || d != floor(d) || d > 18446744073709549568.0)
				return gs_error_set(err, "--seed wants a non-negative integer");
			/* exact when written as an integer, as 1e3 else */
			a->o.seed = strtoull(v, &end, 10);
			if (*end)
				a->o.seed = (uint64_t)d;
		}
	}
	if (!have_method)
		return gs_error_set(err, "which method? (linear, slerp, task, ties, dare)");
	if (want_out && !a->out)
		return gs_error_set(err, "-o OUT is required");
	if (a->n_models < (want_out ? 2 : 1))
		return gs_error_set(err, "merge needs %s", want_out ? "two models or more" :
				    "a model to merge into B");
	return 0;
}

int gs_transplant_args_parse(int argc, char **argv, bool want_out, struct gs_transplant_args *a,
			     struct gs_error *err)
{
	int i, want = want_out ? 2 : 1;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--strict")) {
			a->o.strict = true;
		} else if (!strcmp(arg, "--skip-mismatched")) {
			a->o.skip_mismatched = true;
		} else if (is_flag(arg, "--only")) {
			if (!(a->o.only = value(argc, argv, &i, "--only", err)))
				return -1;
		} else if (want_out && is_flag(arg, "-o")) {
			if (!(a->out = value(argc, argv, &i, "-o", err)))
				return -1;
		} else if (arg[0] == '-' && arg[1]) {
			return gs_error_set(err, "unknown option '%.40s'", WORD(arg));
		} else if (a->n_files == want) {
			return gs_error_set(err, "too many files: %s", want_out ? "DEST SOURCE" :
					    "SOURCE");
		} else {
			a->files[a->n_files++] = arg;
		}
	}
	if (a->o.strict && a->o.skip_mismatched)
		return gs_error_set(err, "--strict and --skip-mismatched exclude each other");
	if (want_out && !a->out)
		return gs_error_set(err, "-o OUT is required");
	if (a->n_files != want)
		return gs_error_set(err, "transplant needs %s", want_out ? "DEST and SOURCE" :
				    "a SOURCE (model, .safetensors or .npz)");
	return 0;
}
