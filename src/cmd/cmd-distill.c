/* distill --teacher SLOT|FILE --data FILE ...: trains B against a teacher
 * (graphsmith/distill.h). */
#include <stdlib.h>
#include <string.h>

#include "cmd/internal.h"
#include "graphsmith/distill.h"

static int number(const char *flag, const char *s, double *out, struct gs_error *err)
{
	char *end;

	*out = strtod(s, &end);
	if (!*s || *end)
		return gs_error_set(err, "distill: %s wants a number, not '%s'", flag,
				    gs_escape(s, (char[64]){ 0 }, 64));
	return 0;
}

static int distill_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	struct gs_distill_opts o;
	struct gs_distill_result r;
	const struct gs_model *teacher;
	const char *teacher_arg = NULL;
	double x;
	int i;

	gs_distill_opts_init(&o);
	for (i = 1; i < argc; i++) {
		const char *f = argv[i];

		if (i + 1 >= argc || strncmp(f, "--", 2))
			return gs_error_set(err, "usage: %s", gs_cmd_distill.usage);
		if (!strcmp(f, "--teacher")) {
			teacher_arg = argv[++i];
		} else if (!strcmp(f, "--data")) {
			o.data = argv[++i];
		} else if (!strcmp(f, "--labels")) {
			o.labels = argv[++i];
		} else if (!strcmp(f, "--steps") || !strcmp(f, "--batch") || !strcmp(f, "--seed")) {
			if (number(f, argv[++i], &x, err) < 0)
				return -1;
			if (!(x >= 0 && x < 1e12 && x == (int64_t)x))
				return gs_error_set(err, "distill: %s wants a whole number", f);
			if (f[2] == 's' && f[3] == 't')
				o.steps = (int64_t)x;
			else if (f[2] == 'b')
				o.batch = (int64_t)x;
			else
				o.seed = (uint64_t)x;
		} else if (!strcmp(f, "--lr")) {
			if (number(f, argv[++i], &o.lr, err) < 0)
				return -1;
		} else if (!strcmp(f, "--temperature")) {
			if (number(f, argv[++i], &o.temperature, err) < 0)
				return -1;
		} else if (!strcmp(f, "--alpha")) {
			if (number(f, argv[++i], &o.alpha, err) < 0)
				return -1;
			if (!(o.alpha >= 0 && o.alpha <= 1))
				return gs_error_set(err, "distill: --alpha wants a number in [0, 1]");
		} else {
			return gs_error_set(err, "distill: unknown option '%s'",
					    gs_escape(f, (char[64]){ 0 }, 64));
		}
	}
	if (!teacher_arg || !o.data)
		return gs_error_set(err, "usage: %s", gs_cmd_distill.usage);
	if (!(teacher = gs_workspace_model_arg(ws, teacher_arg, err)))
		return -1;
	if (gs_distill(ws->b, teacher, &o, &r, err) < 0)
		return -1;
	gs_printf(ws, "distilled %lld float parameters over %lld steps of %lld on %lld samples "
		  "(%lld pruned weights kept at zero)", (long long)r.trained, (long long)r.steps,
		  (long long)(o.batch < r.samples ? o.batch : r.samples), (long long)r.samples,
		  (long long)r.kept_zeros);
	gs_printf(ws, "loss %.4f -> %.4f; agreement with the teacher %.2f%% -> %.2f%%",
		  r.loss_before, r.loss_after, 100 * r.agree_before, 100 * r.agree_after);
	if (r.acc_before >= 0)
		gs_printf(ws, "top-1 on the data %.2f%% -> %.2f%% (teacher %.2f%%)",
			  100 * r.acc_before, 100 * r.acc_after, 100 * r.teacher_acc);
	gs_printf(ws, "%.1f steps/s (%.2f s)", r.seconds > 0 ? (double)r.steps / r.seconds : 0.0,
		  r.seconds);
	return r.tensors_changed ? GS_CHANGED_MODEL : GS_CHANGED_NOTHING;
}

static const char *const distill_flags[] = {
	"--teacher", "--data", "--labels", "--steps", "--lr", "--temperature", "--alpha",
	"--batch", "--seed", NULL
};

static enum gs_complete_kind distill_complete(int argi, char **argv, const char *const **words)
{
	if (argi % 2 == 0) {
		const char *f = argv[argi - 1];

		return !strcmp(f, "--teacher") || !strcmp(f, "--data") || !strcmp(f, "--labels") ?
			GS_COMPLETE_FILE : GS_COMPLETE_NONE;
	}
	*words = distill_flags;
	return GS_COMPLETE_WORDS;
}

const struct gs_cmd_entry gs_cmd_distill = {
	.name = "distill",
	.alias = NULL,
	.usage = "distill --teacher SLOT|FILE --data FILE.npz [--labels FILE.npy] [--steps N] "
		 "[--lr X] [--temperature T] [--alpha A] [--batch B] [--seed S]",
	.help = "Trains B's float parameters to match the teacher's softened outputs\n"
		"on the data (arrays keyed by input name, samples along axis 0):\n"
		"KL divergence at temperature T (default 4) scaled by T^2, mixed with\n"
		"the cross-entropy against --labels by A (default 0.5; 1 without\n"
		"labels).  Adam with --lr (default 0.01) on batches of B (64) for N\n"
		"steps (300), shuffled from --seed.  Output 0 is taken as logits.\n"
		"Weights of Conv, Gemm and MatMul that are zero stay zero, so a pruned\n"
		"model keeps its sparsity; integer tensors, shape constants,\n"
		"BatchNormalization statistics and quantization parameters are never\n"
		"trained.  Reports loss, top-1 and agreement with the teacher before\n"
		"and after, and steps per second.  Ctrl-C stops with nothing changed.",
	.flags = GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	.exec = distill_exec,
	.complete = distill_complete,
};
