/* `prune magnitude|nm|channels|importance ...` as a pass (graphsmith/pass.h)
 * over the pruning passes of graphsmith/prune.h. */
#include <string.h>

#include "graphsmith/pass.h"
#include "graphsmith/prune.h"
#include "graphsmith/recon.h"

static const char *const methods[] = { "magnitude", "nm", "channels", "importance", NULL };
static const char *const global_methods[] = { "magnitude", "importance", NULL };
static const char *const importance[] = { "importance", NULL };

static const struct gs_pass_arg prune_args[] = {
	{ .name = "prune method", .type = GS_ARG_WORD, .words = methods,
	  .help = "zero weights (magnitude, nm, importance) or remove channels" },
	{ .name = "amount", .metavar = "AMOUNT", .type = GS_ARG_STRING, .flags = GS_ARG_OPTIONAL,
	  .help = "SPARSITY in [0, 1), nm: N:M, channels: RATIO in (0, 1)" },
	{ .name = "--global", .type = GS_ARG_FLAG, .when = global_methods,
	  .help = "one cut across all layers" },
	{ .name = "--only", .metavar = "PATTERN", .type = GS_ARG_STRING,
	  .help = "the layers whose node or weight name matches (shell pattern)" },
	{ .name = "--data", .metavar = "FILE.npz", .type = GS_ARG_STRING,
	  .help = "scores over the data: Wanda, or importance's gradients" },
	{ .name = "--labels", .metavar = "FILE.npy", .type = GS_ARG_STRING, .when = importance,
	  .help = "importance over the cross-entropy against these classes" },
	{ .name = "--threshold", .metavar = "A", .type = GS_ARG_STRING, .when = importance,
	  .help = "importance: cut the scores below A * max (AMOUNT left out)" },
	{ .name = NULL },
};

static void prune_line(void *ctx, const char *line)
{
	gs_pass_say(ctx, GS_REPORT_DETAIL, "%s", line);
}

/* The method on its amount, with act norms (Wanda) when o->act. */
static int prune_method(struct gs_model *m, const char *method, const char *amount,
			struct gs_prune_opts *o, struct gs_prune_result *r, struct gs_error *err)
{
	double x;
	int n, k;

	if (!strcmp(method, "nm"))
		return gs_prune_parse_nm(amount, &n, &k, err) ? -1 : gs_prune_nm(m, n, k, o, r, err);
	if (!strcmp(method, "channels"))
		return gs_prune_parse_ratio(amount, &x, err) ? -1 :
		       gs_prune_channels(m, x, o, r, err);
	if (gs_prune_parse_sparsity(amount, &x, err))
		return -1;
	if (!strcmp(method, "importance"))
		return gs_prune_importance(m, x, o, r, err);
	return o->act ? gs_prune_wanda(m, x, o, r, err) : gs_prune_magnitude(m, x, o, r, err);
}

static int prune_run(struct gs_model *m, const struct gs_pass_args *a,
		     const struct gs_pass_report *rep, struct gs_error *err)
{
	struct gs_prune_opts o = { .note = prune_line, .ctx = (void *)rep };
	const char *method = gs_pass_get(a, "prune method")->s;
	const char *amount = gs_pass_get(a, "amount")->s;
	const char *threshold = gs_pass_get(a, "--threshold")->s;
	struct gs_act_norms act = { 0 };
	struct gs_prune_result r;
	char u[512];
	double x;
	int rc;

	o.global = gs_pass_get(a, "--global")->set;
	o.only = gs_pass_get(a, "--only")->s;
	o.data = gs_pass_get(a, "--data")->s;
	o.labels = gs_pass_get(a, "--labels")->s;
	if (threshold && gs_prune_parse_ratio(threshold, &o.threshold, err) < 0)
		return -1;
	if (!amount && o.threshold > 0)
		amount = "0";	/* the threshold decides */
	if (!amount)
		return gs_error_set(err, "usage: %s", gs_pass_usage(a->pass, u, sizeof(u)));
	/* --data on magnitude, nm, channels: activation-aware scores (Wanda),
	 * measured on the model as it is; importance takes the data itself */
	if (o.data && strcmp(method, "importance")) {
		if (!strcmp(method, "magnitude") && gs_prune_parse_sparsity(amount, &x, err) < 0)
			return -1;
		if (gs_act_norms_collect(m, o.data, &act, err) < 0)
			return -1;
		o.act = &act;
	}
	rc = prune_method(m, method, amount, &o, &r, err);
	gs_act_norms_free(&act);
	if (rc < 0)
		return -1;
	if (!strcmp(method, "channels"))
		gs_pass_say(rep, GS_REPORT_SUMMARY, "pruned %lld channels in %d layers (%d left "
			    "alone)", (long long)r.removed, r.layers, r.skipped);
	else
		gs_pass_say(rep, GS_REPORT_SUMMARY, "pruned %d layers: %lld of %lld weights zero "
			    "(%.1f%%)", r.layers, (long long)r.zeroed, (long long)r.elements,
			    r.elements ? 100.0 * (double)r.zeroed / (double)r.elements : 0.0);
	return r.layers;
}

const struct gs_pass gs_pass_prune = {
	.name = "prune",
	.args = prune_args,
	.run = prune_run,
};
