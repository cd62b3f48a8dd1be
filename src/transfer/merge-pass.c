/* `merge METHOD [options] SLOT|FILE...` as a pass (graphsmith/pass.h) over
 * gs_merge: this model's parameters merged with their counterparts in
 * private copies of the others (merge may fold Conv+BN in them). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/pass.h"
#include "graphsmith/transfer.h"
#include "graphsmith/util.h"

static const char *const methods[] = { "linear", "slerp", "task", "ties", "dare", NULL };

static const struct gs_pass_arg merge_args[] = {
	{ .name = "merge method", .type = GS_ARG_WORD, .words = methods,
	  .help = "average, interpolate, or add task vectors (task, ties, dare)" },
	{ .name = "--alpha", .metavar = "A", .type = GS_ARG_FLOAT,
	  .help = "linear, two models: A*B + (1-A)*M" },
	{ .name = "--weights", .metavar = "W1,W2,...", .type = GS_ARG_STRING,
	  .help = "linear: one weight per model, B first (normalized)" },
	{ .name = "--t", .metavar = "T", .type = GS_ARG_FLOAT, .help = "slerp: 0 is B (0.5)" },
	{ .name = "--base", .metavar = "BASE", .type = GS_ARG_MODEL, .flags = GS_ARG_COPY,
	  .help = "task, ties, dare: the model the task vectors start from" },
	{ .name = "--lambda", .metavar = "L", .type = GS_ARG_FLOAT,
	  .help = "scale of the summed task vectors (1)" },
	{ .name = "--density", .metavar = "D", .type = GS_ARG_FLOAT,
	  .help = "ties: fraction of each task vector kept (0.2)" },
	{ .name = "--drop", .metavar = "P", .type = GS_ARG_FLOAT,
	  .help = "dare: drop probability" },
	{ .name = "--seed", .metavar = "S", .type = GS_ARG_INT, .min = 0,
	  .help = "dare: the mask's seed (0)" },
	{ .name = "--skip-mismatched", .type = GS_ARG_FLAG,
	  .help = "keep B's tensor where a pair fails instead of refusing" },
	{ .name = "--debug", .type = GS_ARG_FLAG, .help = "slerp coefficients per tensor" },
	{ .name = "models", .metavar = "SLOT|FILE", .type = GS_ARG_MODEL,
	  .flags = GS_ARG_REPEAT | GS_ARG_COPY, .help = "the models merged into B" },
	{ .name = NULL },
};

int gs_merge_weights_parse(const char *s, double *w, int *n, struct gs_error *err)
{
	char buf[1024], eb[168], *tok, *save = NULL, *end;

	if (strlen(s) >= sizeof(buf))
		return gs_error_set(err, "--weights list too long");
	strcpy(buf, s);
	*n = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == GS_MERGE_MAX_MODELS)
			return gs_error_set(err, "--weights: at most %d", GS_MERGE_MAX_MODELS);
		errno = 0;
		w[*n] = strtod(tok, &end);
		if (*end || errno || !isfinite(w[*n]))
			return gs_error_set(err, "--weights wants a number, not '%.40s'",
					    gs_escape(tok, eb, sizeof(eb)));
		++*n;
	}
	return 0;
}

static void merge_number(const struct gs_pass_args *a, const char *name, double *x)
{
	const struct gs_pass_value *v = gs_pass_get(a, name);

	if (v->set)
		*x = v->f;
}

static int merge_run(struct gs_model *m, const struct gs_pass_args *a,
		     const struct gs_pass_report *rep, struct gs_error *err)
{
	struct gs_model *ms[GS_PASS_MAX_LIST + 1];
	double weights[GS_MERGE_MAX_MODELS];
	const char *w = gs_pass_get(a, "--weights")->s;
	struct gs_merge_opts o = { .lambda = 1, .density = 0.2, .t = 0.5 };
	struct gs_merge_stats st;
	int i;

	o.method = gs_merge_method_parse(gs_pass_get(a, "merge method")->s);
	o.has_alpha = gs_pass_get(a, "--alpha")->set;
	merge_number(a, "--alpha", &o.alpha);
	merge_number(a, "--t", &o.t);
	merge_number(a, "--lambda", &o.lambda);
	merge_number(a, "--density", &o.density);
	merge_number(a, "--drop", &o.drop);
	o.seed = (uint64_t)gs_pass_get(a, "--seed")->i;
	o.skip_mismatched = gs_pass_get(a, "--skip-mismatched")->set;
	o.debug = gs_pass_get(a, "--debug")->set;
	if (w && gs_merge_weights_parse(w, weights, &o.n_weights, err))
		return -1;
	o.weights = w ? weights : NULL;
	ms[0] = m;
	for (i = 0; i < a->n_list; i++)
		ms[i + 1] = a->list_models[i];
	if (gs_merge(a->n_list + 1, ms, gs_pass_get(a, "--base")->model, &o, gs_pass_detail,
		     (void *)rep, &st, err))
		return -1;
	gs_pass_say(rep, GS_REPORT_SUMMARY, "merge %s: %d parameter%s merged (%d changed), %d "
		    "kept, %d initializer%s not mergeable, median input cosine %.4f",
		    gs_merge_method_name(o.method), st.merged, st.merged == 1 ? "" : "s",
		    st.changed, st.kept, st.not_mergeable, st.not_mergeable == 1 ? "" : "s",
		    st.median_cos);
	return st.changed + st.folds;
}

const struct gs_pass gs_pass_merge = {
	.name = "merge",
	.args = merge_args,
	.run = merge_run,
};
