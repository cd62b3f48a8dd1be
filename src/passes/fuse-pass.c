/* `fuse PATTERN` as a pass (graphsmith/pass.h) over gs_fuse_run. */
#include "graphsmith/fuse.h"
#include "graphsmith/pass.h"

/* the usage's order; the same set as GS_FUSE_PATTERNS and "all" */
static const char *const patterns[] = {
	"affine", "conv-bn", "gemm", "layernorm", "gelu", "identity", "constants", "all", NULL
};

static const struct gs_pass_arg fuse_args[] = {
	{ .name = "fuse pattern", .type = GS_ARG_WORD, .words = patterns,
	  .help = "the subgraph to fold (all: every one until nothing changes)" },
	{ .name = NULL },
};

static int fuse_run(struct gs_model *m, const struct gs_pass_args *a,
		    const struct gs_pass_report *r, struct gs_error *err)
{
	const char *pattern = gs_pass_get(a, "fuse pattern")->s;
	struct gs_fuse_log log;
	int n, i;

	gs_fuse_log_init(&log);
	n = gs_fuse_run(m, pattern, &log, err);
	for (i = 0; i < log.n; i++)
		gs_pass_say(r, log.lines[i].note ? GS_REPORT_NOTE : GS_REPORT_DETAIL, "%s",
			    log.lines[i].text);
	gs_fuse_log_release(&log);
	if (n < 0)
		return -1;
	gs_pass_say(r, GS_REPORT_SUMMARY, "fuse %s: %d rewrite%s", pattern, n, n == 1 ? "" : "s");
	return n;
}

const struct gs_pass gs_pass_fuse = {
	.name = "fuse",
	.args = fuse_args,
	.run = fuse_run,
};
