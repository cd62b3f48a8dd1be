/* `ensemble [--weights W,...] [--combine HOW] SLOT|FILE...` as a pass
 * (graphsmith/pass.h) over gs_ensemble: this model and others in one. */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/combine.h"
#include "graphsmith/pass.h"

static const char *const hows[] = { "mean", "softmax-mean", "vote", "concat", NULL };

static const struct gs_pass_arg ensemble_args[] = {
	{ .name = "--weights", .metavar = "W1,W2,...", .type = GS_ARG_STRING,
	  .help = "one weight per model, this one first (normalized)" },
	{ .name = "--combine", .type = GS_ARG_WORD, .words = hows,
	  .help = "how outputs are combined (mean)" },
	{ .name = "members", .metavar = "SLOT|FILE", .type = GS_ARG_MODEL, .flags = GS_ARG_REPEAT,
	  .help = "the models that join this one" },
	{ .name = NULL },
};

static int ensemble_run(struct gs_model *m, const struct gs_pass_args *a,
			const struct gs_pass_report *rep, struct gs_error *err)
{
	const char *weights = gs_pass_get(a, "--weights")->s;
	const char *combine = gs_pass_get(a, "--combine")->s;
	int how = combine ? gs_ensemble_combine_parse(combine) : GS_ENSEMBLE_MEAN;
	struct gs_model *ms[GS_PASS_MAX_LIST + 1];
	int i, n = a->n_list + 1, rc = -1;
	struct gs_model *dst = m;
	double *w = NULL;

	ms[0] = m;
	for (i = 0; i < a->n_list; i++)
		ms[i + 1] = a->list_models[i];
	if (weights) {
		w = gs_xmalloc(sizeof(double) * (size_t)n);
		if (how == GS_ENSEMBLE_CONCAT || gs_combine_parse_weights(weights, w, n)) {
			gs_error_set(err, "ensemble: --weights wants %d numbers (B first)%s", n,
				     how == GS_ENSEMBLE_CONCAT ? ", and no concat" : "");
			goto out;
		}
	}
	if (a->result)	/* a new model, every member under mK/ */
		*a->result = dst = gs_combine_new_model(m, "ensemble");
	if (!gs_ensemble(dst, !a->result, ms, n, w, (enum gs_ensemble_combine)how, gs_pass_detail,
			 (void *)rep, err))
		rc = 1;
out:
	free(w);
	return rc;
}

const struct gs_pass gs_pass_ensemble = {
	.name = "ensemble",
	.flags = GS_PASS_FRESH,
	.args = ensemble_args,
	.run = ensemble_run,
};
