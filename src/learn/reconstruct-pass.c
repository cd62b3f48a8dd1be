/* `reconstruct [--data FILE.npz] [--damp X] [--all]` as a pass
 * (graphsmith/pass.h) over gs_reconstruct: B re-solved against the
 * baseline A the caller supplies. */
#include "graphsmith/pass.h"
#include "graphsmith/recon.h"

static const struct gs_pass_arg recon_args[] = {
	{ .name = "--data", .metavar = "FILE.npz", .type = GS_ARG_STRING,
	  .help = "the inputs (default: the ones set by 'inputs FILE.npz')" },
	{ .name = "--damp", .metavar = "X", .type = GS_ARG_FLOAT, .min = 0, .max = 1e6,
	  .help = "ridge X * mean(diag X'X) (0.01)" },
	{ .name = "--all", .type = GS_ARG_FLAG, .help = "re-solve unchanged layers too" },
	{ .name = NULL },
};

static void recon_line(void *ctx, const char *line)
{
	gs_pass_say(ctx, GS_REPORT_DETAIL, "%s", line);
}

static int recon_run(struct gs_model *m, const struct gs_pass_args *a,
		     const struct gs_pass_report *r, struct gs_error *err)
{
	struct gs_recon_opts o = { .damp = 0.01, .note = recon_line, .ctx = (void *)r };
	const struct gs_pass_value *damp = gs_pass_get(a, "--damp");
	struct gs_recon_result res;

	o.data = gs_pass_get(a, "--data")->set ? gs_pass_get(a, "--data")->s : a->data;
	o.all = gs_pass_get(a, "--all")->set;
	if (damp->set)
		o.damp = damp->f;
	if (!o.data)
		return gs_error_set(err, "reconstruct: no data: give --data FILE.npz (or set "
				    "'inputs FILE.npz')");
	if (!a->baseline || !a->a_of_b)
		return gs_error_set(err, "reconstruct: no baseline A to match");
	if (gs_reconstruct(a->baseline, m, a->a_of_b, &o, &res, err))
		return -1;
	if (res.layers)
		gs_pass_say(r, GS_REPORT_SUMMARY, "reconstructed %d layers: relative output MSE "
			    "%.4g -> %.4g%s", res.layers, res.err_before, res.err_after,
			    res.skipped ? " (some skipped)" : "");
	return res.layers;
}

const struct gs_pass gs_pass_reconstruct = {
	.name = "reconstruct",
	.flags = GS_PASS_DATA_DEFAULT | GS_PASS_BASELINE,
	.args = recon_args,
	.run = recon_run,
};
