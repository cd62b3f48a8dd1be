/* `convert opset N` as a pass (graphsmith/pass.h) over gs_convert_opset. */
#include "graphsmith/convert.h"
#include "graphsmith/pass.h"

static const char *const opset_word[] = { "opset", NULL };

static const struct gs_pass_arg convert_args[] = {
	{ .name = "what", .type = GS_ARG_KEYWORD, .words = opset_word },
	{ .name = "opset", .metavar = "N", .type = GS_ARG_INT, .min = 1,
	  .help = "the default-domain opset to reach (7 to 24)" },
	{ .name = "--dry-run", .type = GS_ARG_FLAG,
	  .help = "list every rewrite and refusal, change nothing" },
	{ .name = "--list", .type = GS_ARG_FLAG, .help = "list every rewrite as well" },
	{ .name = NULL },
};

/* The converter's lines, its own summary among them, in its order. */
static void convert_line(void *ctx, const char *line)
{
	gs_pass_say(ctx, GS_REPORT_DETAIL, "%s", line);
}

static int convert_run(struct gs_model *m, const struct gs_pass_args *a,
		       const struct gs_pass_report *r, struct gs_error *err)
{
	unsigned flags = 0;
	int n;

	if (gs_pass_get(a, "--dry-run")->set)
		flags |= GS_CONVERT_DRY_RUN | GS_CONVERT_LIST;
	if (gs_pass_get(a, "--list")->set)
		flags |= GS_CONVERT_LIST;
	n = gs_convert_opset(m, gs_pass_get(a, "opset")->i, flags, convert_line, (void *)r, err);
	if (n < 0)
		return -1;
	return flags & GS_CONVERT_DRY_RUN ? 0 : n;
}

const struct gs_pass gs_pass_convert = {
	.name = "convert",
	.args = convert_args,
	.run = convert_run,
};
