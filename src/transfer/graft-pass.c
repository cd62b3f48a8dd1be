/* `graft --from T1,... --to T3,... SLOT|FILE` as a pass (graphsmith/pass.h)
 * over gs_graft: a sub-graph of the model replaced by another model. */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/combine.h"
#include "graphsmith/pass.h"

static const struct gs_pass_arg graft_args[] = {
	{ .name = "--from", .metavar = "T1[,T2...]", .type = GS_ARG_STRING,
	  .flags = GS_ARG_REQUIRED, .help = "the tensors the part reads, in order" },
	{ .name = "--to", .metavar = "T3[,T4...]", .type = GS_ARG_STRING,
	  .flags = GS_ARG_REQUIRED, .help = "the tensors the part's outputs become" },
	{ .name = "part", .metavar = "SLOT|FILE", .type = GS_ARG_MODEL,
	  .help = "the model put in place of the part between them" },
	{ .name = NULL },
};

static int graft_run(struct gs_model *m, const struct gs_pass_args *a,
		     const struct gs_pass_report *rep, struct gs_error *err)
{
	char *from_s = gs_xstrdup(gs_pass_get(a, "--from")->s);
	char *to_s = gs_xstrdup(gs_pass_get(a, "--to")->s);
	const char *from[16], *to[16];
	int n_from, n_to, rc;
	char u[256];

	n_from = gs_combine_split_names(from_s, from, 16);
	n_to = gs_combine_split_names(to_s, to, 16);
	if (n_from <= 0 || n_to <= 0)
		rc = gs_error_set(err, "usage: %s", gs_pass_usage(a->pass, u, sizeof(u)));
	else
		rc = gs_graft(m, gs_pass_get(a, "part")->model, from, n_from, to, n_to,
			      gs_pass_detail, (void *)rep, err);
	free(from_s);
	free(to_s);
	return rc < 0 ? -1 : 1;
}

const struct gs_pass gs_pass_graft = {
	.name = "graft",
	.args = graft_args,
	.run = graft_run,
};
