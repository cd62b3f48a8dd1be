/* `compose [--map OUT_A=IN_B]... [--plan] SLOT|FILE` as a pass
 * (graphsmith/pass.h) over gs_compose: a model put in front of this one. */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/combine.h"
#include "graphsmith/pass.h"

#define MAX_MAP 64

static const struct gs_pass_arg compose_args[] = {
	{ .name = "--map", .metavar = "OUT_A=IN_B", .type = GS_ARG_STRING,
	  .flags = GS_ARG_REPEAT, .help = "the output of the front model an input reads" },
	{ .name = "--plan", .type = GS_ARG_FLAG, .help = "print the adapters, change nothing" },
	{ .name = "front", .metavar = "SLOT|FILE", .type = GS_ARG_MODEL,
	  .help = "the model whose outputs feed this one's inputs" },
	{ .name = NULL },
};

static int compose_run(struct gs_model *m, const struct gs_pass_args *a,
		       const struct gs_pass_report *rep, struct gs_error *err)
{
	const char *words[MAX_MAP];
	struct gs_io_map map[MAX_MAP];
	char *copy[MAX_MAP] = { 0 };
	bool plan = gs_pass_get(a, "--plan")->set;
	struct gs_model *front = gs_pass_get(a, "front")->model, *dst = plan ? NULL : m;
	int i, n = gs_pass_all(a, "--map", words, MAX_MAP), rc = -1;
	char *eq;

	if (n > MAX_MAP)
		return gs_error_set(err, "compose: at most %d --map", MAX_MAP);
	for (i = 0; i < n; i++) {
		copy[i] = gs_xstrdup(words[i]);
		if (!(eq = strchr(copy[i], '=')) || eq == copy[i] || !eq[1]) {
			gs_error_set(err, "compose: --map wants OUT_A=IN_B");
			goto out;
		}
		*eq = 0;
		map[i].out_a = copy[i];
		map[i].in_b = eq + 1;
	}
	if (a->result && !plan)	/* a new model, A under a/, B under b/ */
		*a->result = dst = gs_combine_new_model(front, "compose");
	if (!gs_compose(dst, !a->result, front, m, map, n,
			gs_pass_detail, (void *)rep, err))
		rc = !plan;
out:
	for (i = 0; i < n; i++)
		free(copy[i]);
	return rc;
}

const struct gs_pass gs_pass_compose = {
	.name = "compose",
	.flags = GS_PASS_FRESH,
	.args = compose_args,
	.run = compose_run,
};
