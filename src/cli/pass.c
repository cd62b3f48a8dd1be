/* A pass run headless (gs_cli_run_pass): the pass's own spec parses the
 * words, so a subcommand and its console command take the same options.
 * The CLI adds -o OUT and --allow-external-outside, reads every model
 * word as a file (never a slot), and runs the pass on one of them.
 * Exit 0 saved, 2 on trouble (nothing saved). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/cli.h"
#include "graphsmith/pass.h"
#include "graphsmith/transfer.h"
#include "graphsmith/util.h"

#define MAX_MODELS (GS_PASS_MAX_ARGS + GS_PASS_MAX_LIST + 1)
#define USAGE_INDENT 10

static bool is_option(const char *w)
{
	return w[0] == '-' && w[1] == '-' && w[2];
}

/* The first positional of the spec (the method merge takes as --method). */
static const struct gs_pass_arg *first_positional(const struct gs_pass *p)
{
	for (int i = 0; p->args[i].name; i++)
		if (!is_option(p->args[i].name) && !(p->args[i].flags & GS_ARG_ANYWHERE))
			return &p->args[i];
	return NULL;
}

/* Adds word to the usage line, first printing the line when it is full. */
static size_t put(FILE *f, char *line, size_t len, size_t o, const char *word)
{
	if (o + 1 + strlen(word) > 80 && o > USAGE_INDENT) {
		fprintf(f, "%s\n", line);
		o = (size_t)snprintf(line, len, "%*s", USAGE_INDENT, "");
	}
	return o + (size_t)snprintf(line + o, len - o, " %s", word);
}

/* "usage: graphsmith NAME [options...] -o OUT OPERANDS" from the spec. */
static void usage(const struct gs_cli_pass *c, FILE *f)
{
	const struct gs_pass *p = c->pass;
	char line[512], word[256], v[200];
	size_t o;
	int i;

	o = (size_t)snprintf(line, sizeof(line), "usage: graphsmith %s", p->name);
	if (c->method_option) {
		snprintf(word, sizeof(word), "%s %s", c->method_option,
			 gs_pass_arg_usage(first_positional(p), v, sizeof(v)));
		o = put(f, line, sizeof(line), o, word);
	}
	for (i = 0; p->args[i].name; i++)
		if (is_option(p->args[i].name) || (p->args[i].flags & GS_ARG_ANYWHERE))
			o = put(f, line, sizeof(line), o,
				gs_pass_arg_usage(&p->args[i], word, sizeof(word)));
	snprintf(word, sizeof(word), "-o OUT %s", c->operands);
	put(f, line, sizeof(line), o, word);
	fprintf(f, "%s\n", line);
}

static int fail(const struct gs_cli_pass *c, const char *msg)
{
	size_t n = strlen(c->pass->name);

	if (!strncmp(msg, c->pass->name, n) && msg[n] == ':')
		fprintf(stderr, "graphsmith: %s\n", msg);
	else
		fprintf(stderr, "graphsmith: %s: %s\n", c->pass->name, msg);
	return 2;
}

static void report_line(void *ctx, enum gs_report_kind kind, const char *text)
{
	char buf[2048];

	(void)ctx;
	/* the pass escaped the names it quotes: defang, do not escape twice */
	snprintf(buf, sizeof(buf), "%s", text);
	gs_defang(buf, sizeof(buf));
	printf("%s%s\n", kind == GS_REPORT_NOTE ? "note: " : "", buf);
}

/* Which word of args[1..n) is the model the pass runs on (the first
 * model operand, or the last with target_last), and how many model
 * operands there are: the words that are neither options nor their
 * values nor a positional of another kind (merge's method). */
static int find_target(const struct gs_cli_pass *c, int n, char **args, int *n_models)
{
	const struct gs_pass_arg *a;
	bool value;
	int i, target = -1;

	*n_models = 0;
	for (i = 1; i < n; i++) {
		if (is_option(args[i]))
			continue;
		a = gs_pass_arg_at(c->pass, i, args, &value);
		if (value || (a && a->type != GS_ARG_MODEL))
			continue;
		if (target < 0 || c->target_last)
			target = i;
		++*n_models;
	}
	return target;
}

/* The files the parsed words name as models, loaded (target first) and
 * handed to a; weights files (GS_ARG_WEIGHTS) are left to the pass. */
static int load(const char *target, struct gs_pass_args *a, struct gs_model **ms, int *n,
		struct gs_error *err)
{
	const struct gs_pass *p = a->pass;
	const char *paths[MAX_MODELS];
	struct gs_model **to[MAX_MODELS];
	int i, k;

	*n = 0;
	paths[(*n)++] = target;
	to[0] = NULL;
	for (i = 0; p->args[i].name; i++) {
		const struct gs_pass_arg *s = &p->args[i];

		if (s->type != GS_ARG_MODEL || !a->v[i].set)
			continue;
		if (s->flags & GS_ARG_REPEAT) {
			for (k = 0; k < a->n_list; k++) {
				to[*n] = &a->list_models[k];
				paths[(*n)++] = a->list[k];
			}
		} else if (!((s->flags & GS_ARG_WEIGHTS) && gs_weights_is_file(a->v[i].s))) {
			to[*n] = &a->v[i].model;
			paths[(*n)++] = a->v[i].s;
		}
	}
	if (gs_onnx_load_many(*n, paths, &gs_cli_load_opts, ms, err)) {
		*n = 0;
		return -1;
	}
	for (i = 1; i < *n; i++)
		*to[i] = ms[i];
	for (i = 0; p->args[i].name; i++)	/* a list's first is its value */
		if (p->args[i].type == GS_ARG_MODEL && (p->args[i].flags & GS_ARG_REPEAT))
			a->v[i].model = a->list_models[0];
	return 0;
}

static int run(const struct gs_cli_pass *c, const char *out, const char *target, int n,
	       char **args)
{
	struct gs_save_opts save = { GS_EXTERNAL_AUTO, 0, 0 };
	struct gs_pass_report r = { report_line, NULL };
	struct gs_model *ms[MAX_MODELS], *result = NULL;
	struct gs_pass_args a;
	struct gs_error err;
	int i, n_ms = 0, rc = 2;

	if (gs_pass_parse(c->pass, n, args, &a, &err) < 0) {
		if (strncmp(err.msg, "usage:", 6))
			return fail(c, err.msg);
		usage(c, stderr);
		return 2;
	}
	if (!out && !(c->no_out && gs_pass_get(&a, c->no_out)->set))
		return fail(c, "-o OUT is required");
	if (load(target, &a, ms, &n_ms, &err) < 0)
		return fail(c, err.msg);
	if (c->pass->flags & GS_PASS_FRESH)
		a.result = &result;
	if (c->pass->run(ms[0], &a, &r, &err) < 0) {
		fflush(stdout);
		fail(c, err.msg);
	} else if (out && gs_onnx_save(result ? result : ms[0], out, &save, &err) < 0) {
		fail(c, err.msg);
	} else {
		rc = 0;
	}
	gs_model_free(result);
	for (i = 0; i < n_ms; i++)
		gs_model_free(ms[i]);
	return rc;
}

int gs_cli_run_pass(const struct gs_cli_pass *c, int argc, char **argv)
{
	char **args = gs_xcalloc((size_t)argc + 2, sizeof(char *));
	const char *out = NULL, *method = NULL, *model;
	int i, n = 1, target, n_models, rc = 2;

	args[0] = (char *)c->pass->name;
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];
		size_t len = c->method_option ? strlen(c->method_option) : 0;

		if (!strcmp(w, "--help") || !strcmp(w, "-h")) {
			usage(c, stdout);
			rc = 0;
			goto out;
		} else if (!strcmp(w, "--allow-external-outside")) {
			gs_cli_load_opts.allow_external_outside = true;
		} else if (!strcmp(w, "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (len && !strncmp(w, c->method_option, len) && w[len] == '=') {
			method = w + len + 1;
		} else if (len && !strcmp(w, c->method_option) && i + 1 < argc) {
			method = argv[++i];
		} else if (w[0] == '-' && w[1] && !is_option(w)) {
			char eb[128];

			fprintf(stderr, "graphsmith: %s: unknown option '%s'\n", c->pass->name,
				gs_escape(w, eb, sizeof(eb)));
			goto out;
		} else {
			args[n++] = argv[i];
		}
	}
	if (argc == 1) {
		usage(c, stderr);
		goto out;
	}
	if (method) {	/* the first positional, where the spec wants it */
		memmove(args + 2, args + 1, sizeof(char *) * (size_t)(n - 1));
		args[1] = (char *)method;
		n++;
	}
	target = find_target(c, n, args, &n_models);
	if (n_models < 2) {
		fprintf(stderr, "graphsmith: %s: needs %s\n", c->pass->name, c->needs);
		goto out;
	}
	model = args[target];
	memmove(args + target, args + target + 1, sizeof(char *) * (size_t)(n - target));
	rc = run(c, out, model, n - 1, args);
out:
	free(args);
	return rc;
}
