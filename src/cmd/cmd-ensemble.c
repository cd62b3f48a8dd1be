/* ensemble [--weights W,...] [--combine HOW] SLOT|FILE...: B and other models in one (combine.h). */
#include <stdlib.h>
#include <string.h>

#include "cmd/internal.h"
#include "graphsmith/combine.h"

static int ensemble_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	struct gs_model **ms = gs_xcalloc((size_t)argc + 1, sizeof(*ms));
	const char *weights = NULL;
	int i, n = 1, how = GS_ENSEMBLE_MEAN, rc = -1;
	double *w = NULL;

	ms[0] = ws->b;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--weights") && i + 1 < argc) {
			weights = argv[++i];
		} else if (!strcmp(argv[i], "--combine") && i + 1 < argc) {
			if ((how = gs_ensemble_combine_parse(argv[++i])) < 0) {
				gs_error_set(err, "ensemble: --combine is mean, softmax-mean, vote or concat");
				goto out;
			}
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			gs_error_set(err, "usage: %s", gs_cmd_ensemble.usage);
			goto out;
		} else if (!(ms[n++] = gs_workspace_model_arg(ws, argv[i], err))) {
			goto out;
		}
	}
	if (n < 2) {
		gs_error_set(err, "ensemble: name at least one model to join B (a slot or a file)");
		goto out;
	}
	if (weights) {
		w = gs_xmalloc(sizeof(double) * (size_t)n);
		if (how == GS_ENSEMBLE_CONCAT || gs_combine_parse_weights(weights, w, n)) {
			gs_error_set(err, "ensemble: --weights wants %d numbers (B first)%s", n,
				     how == GS_ENSEMBLE_CONCAT ? ", and no concat" : "");
			goto out;
		}
	}
	if (!gs_ensemble(ws->b, true, ms, n, w, how, gs_cmd_report_line, ws, err))
		rc = GS_CHANGED_MODEL;
out:
	free(ms);
	free(w);
	return rc;
}

static const char *const ensemble_words[] = { "--weights", "--combine", NULL };
static const char *const ensemble_hows[] = { "mean", "softmax-mean", "vote", "concat", NULL };

static enum gs_complete_kind ensemble_complete(int argi, char **argv, const char *const **words)
{
	if (argi > 1 && !strcmp(argv[argi - 1], "--combine")) {
		*words = ensemble_hows;
		return GS_COMPLETE_WORDS;
	}
	if (argi > 1 && !strcmp(argv[argi - 1], "--weights"))
		return GS_COMPLETE_NONE;
	*words = ensemble_words;
	return argv[argi] && argv[argi][0] == '-' ? GS_COMPLETE_WORDS : GS_COMPLETE_FILE;
}

const struct gs_cmd_entry gs_cmd_ensemble = {
	.name = "ensemble",
	.alias = NULL,
	.usage = "ensemble [--weights W1,W2,...] [--combine mean|softmax-mean|vote|concat] SLOT|FILE...",
	.help = "Makes B an ensemble of itself and the models named (slots or files):\n"
		"B's inputs are shared (the others' matched by name, else by position,\n"
		"with adapters such as Cast, Reshape or a NHWC/NCHW Transpose where they\n"
		"expect another type), each other model's graph goes in under mK/, and\n"
		"output j of every model is combined into one: mean (weighted sum),\n"
		"softmax-mean (weighted mean of softmaxes over the last axis), vote\n"
		"(weighted majority of the argmax classes: the class index, plus\n"
		"NAME_votes with the weighted votes; ties go to the lowest class) or\n"
		"concat (along the last axis).  Weights, B's first, are normalized to\n"
		"sum 1.  One undoable step.",
	.flags = GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	.exec = ensemble_exec,
	.complete = ensemble_complete,
};
