/* merge M [options] SLOT|FILE...: B's parameters merged with their
 * counterparts in other models (see graphsmith/transfer.h), one step. */
#include <stdlib.h>
#include <string.h>

#include "cmd/internal.h"
#include "graphsmith/transfer.h"

void gs_cmd_report_line(void *ctx, const char *line)
{
	char buf[2048];

	gs_printf(ctx, "%s", gs_escape(line, buf, sizeof(buf)));
}

/* A private copy of the model a word names: the merge may fold it. */
struct gs_model *gs_cmd_model_copy(struct gs_workspace *ws, const char *word,
				   struct gs_error *err)
{
	struct gs_model *m = gs_workspace_model_arg(ws, word, err);
	struct gs_load_opts lo = { 0 };

	if (!m)
		return NULL;
	if (!m->path)
		return gs_error_set(err, "'%s' has no file to copy it from", word), NULL;
	return gs_onnx_load(m->path, &lo, err);
}

static int merge_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	struct gs_model *m[GS_MERGE_MAX_MODELS + 1] = { 0 }, *base = NULL;
	struct gs_merge_args a;
	struct gs_merge_stats st;
	int i, n = 0, rc = -1;

	if (gs_merge_args_parse(argc - 1, argv + 1, false, &a, err))
		return -1;
	if (a.n_models >= GS_MERGE_MAX_MODELS)
		return gs_error_set(err, "at most %d models", GS_MERGE_MAX_MODELS - 1);
	m[n++] = ws->b;
	for (i = 0; i < a.n_models; i++)
		if (!(m[n++] = gs_cmd_model_copy(ws, a.models[i], err)))
			goto out;
	if (a.base && !(base = gs_cmd_model_copy(ws, a.base, err)))
		goto out;
	if (gs_merge(n, m, base, &a.o, gs_cmd_report_line, ws, &st, err))
		goto out;
	gs_printf(ws, "merge %s: %d parameter%s merged (%d changed), %d kept, median input "
		  "cosine %.4f", gs_merge_method_name(a.o.method), st.merged,
		  st.merged == 1 ? "" : "s", st.changed, st.kept, st.median_cos);
	rc = st.changed || st.folds ? GS_CHANGED_MODEL : GS_CHANGED_NOTHING;
out:
	for (i = 1; i < n; i++)
		gs_model_free(m[i]);
	gs_model_free(base);
	return rc;
}

static const char *const merge_words[] = { "linear", "slerp", "task", "ties", "dare", NULL };

static enum gs_complete_kind merge_complete(int argi, char **argv, const char *const **words)
{
	(void)argv;
	if (argi == 1) {
		*words = merge_words;
		return GS_COMPLETE_WORDS;
	}
	return GS_COMPLETE_FILE;
}

const struct gs_cmd_entry gs_cmd_merge = {
	.name = "merge",
	.alias = NULL,
	.usage = "merge linear|slerp|task|ties|dare [--alpha A] [--weights W1,W2,...] [--t T] "
		 "[--base BASE] [--lambda L] [--density D] [--drop P] [--seed S] "
		 "[--skip-mismatched] SLOT|FILE...",
	.help = "Merges B's parameters with their counterparts in the models named\n"
		"(slots or files), paired through the correspondence, so renamed and\n"
		"reordered models merge.  linear: a*B + (1-a)*M (--alpha) or weights\n"
		"normalized over B and the models.  slerp: per tensor, t=0 is B.\n"
		"task: base + l*sum(p_i - base).  ties: each task vector trimmed to its\n"
		"top --density, sign elected, agreeing entries averaged.  dare: task\n"
		"vector entries dropped with probability --drop (seeded), rescaled\n"
		"by 1/(1-p).  A Conv+BatchNormalization against a folded Conv is\n"
		"merged in the folded form.  Only float weights and biases are merged.\n"
		"Mismatched or unmatched parameters are listed and refused unless\n"
		"--skip-mismatched.  The report gives each tensor's cosine of the inputs\n"
		"and of the result to B, and warns when the models share no start.",
	.flags = GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	.exec = merge_exec,
	.complete = merge_complete,
};
