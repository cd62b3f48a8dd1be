/* `distill --teacher MODEL --data FILE ...` as a pass (graphsmith/pass.h)
 * over gs_distill: the model trained against the teacher. */
#include "graphsmith/distill.h"
#include "graphsmith/pass.h"

static const struct gs_pass_arg distill_args[] = {
	{ .name = "--teacher", .metavar = "SLOT|FILE", .type = GS_ARG_MODEL,
	  .flags = GS_ARG_REQUIRED, .help = "the model whose outputs B learns" },
	{ .name = "--data", .metavar = "FILE.npz", .type = GS_ARG_STRING,
	  .flags = GS_ARG_REQUIRED, .help = "inputs keyed by name, samples along axis 0" },
	{ .name = "--labels", .metavar = "FILE.npy", .type = GS_ARG_STRING,
	  .help = "one class per sample: cross-entropy mixed in" },
	{ .name = "--steps", .metavar = "N", .type = GS_ARG_INT, .min = 0, .max = 1e12,
	  .help = "Adam steps (300)" },
	{ .name = "--lr", .metavar = "X", .type = GS_ARG_FLOAT, .help = "learning rate (0.01)" },
	{ .name = "--temperature", .metavar = "T", .type = GS_ARG_FLOAT,
	  .help = "softening of both outputs (4)" },
	{ .name = "--alpha", .metavar = "A", .type = GS_ARG_FLOAT, .min = 0, .max = 1,
	  .help = "weight of the teacher's term (0.5; 1 without labels)" },
	{ .name = "--batch", .metavar = "B", .type = GS_ARG_INT, .min = 0, .max = 1e12,
	  .help = "samples per step (64)" },
	{ .name = "--seed", .metavar = "S", .type = GS_ARG_INT, .min = 0, .max = 1e12,
	  .help = "the shuffle's seed (0)" },
	{ .name = NULL },
};

static int distill_run(struct gs_model *m, const struct gs_pass_args *a,
		       const struct gs_pass_report *rep, struct gs_error *err)
{
	const struct gs_pass_value *v;
	struct gs_distill_opts o;
	struct gs_distill_result r;

	gs_distill_opts_init(&o);
	o.data = gs_pass_get(a, "--data")->s;
	o.labels = gs_pass_get(a, "--labels")->s;
	if ((v = gs_pass_get(a, "--steps"))->set)
		o.steps = v->i;
	if ((v = gs_pass_get(a, "--batch"))->set)
		o.batch = v->i;
	if ((v = gs_pass_get(a, "--seed"))->set)
		o.seed = (uint64_t)v->i;
	if ((v = gs_pass_get(a, "--lr"))->set)
		o.lr = v->f;
	if ((v = gs_pass_get(a, "--temperature"))->set)
		o.temperature = v->f;
	if ((v = gs_pass_get(a, "--alpha"))->set)
		o.alpha = v->f;
	if (gs_distill(m, gs_pass_get(a, "--teacher")->model, &o, &r, err) < 0)
		return -1;
	gs_pass_say(rep, GS_REPORT_SUMMARY, "distilled %lld float parameters over %lld steps of "
		    "%lld on %lld samples (%lld pruned weights kept at zero)",
		    (long long)r.trained, (long long)r.steps,
		    (long long)(o.batch < r.samples ? o.batch : r.samples), (long long)r.samples,
		    (long long)r.kept_zeros);
	gs_pass_say(rep, GS_REPORT_DETAIL, "loss %.4f -> %.4f; agreement with the teacher "
		    "%.2f%% -> %.2f%%", r.loss_before, r.loss_after, 100 * r.agree_before,
		    100 * r.agree_after);
	if (r.acc_before >= 0)
		gs_pass_say(rep, GS_REPORT_DETAIL, "top-1 on the data %.2f%% -> %.2f%% "
			    "(teacher %.2f%%)", 100 * r.acc_before, 100 * r.acc_after,
			    100 * r.teacher_acc);
	gs_pass_say(rep, GS_REPORT_DETAIL, "%.1f steps/s (%.2f s)",
		    r.seconds > 0 ? (double)r.steps / r.seconds : 0.0, r.seconds);
	return r.tensors_changed;
}

const struct gs_pass gs_pass_distill = {
	.name = "distill",
	.args = distill_args,
	.run = distill_run,
};
