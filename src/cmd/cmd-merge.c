/* merge M [options] SLOT|FILE...: B's parameters merged with their
 * counterparts in other models (the pass: src/transfer/merge-pass.c). */
#include "cmd/internal.h"

GS_PASS_COMMAND(merge, gs_pass_merge, GS_CMD_NEEDS_B | GS_CMD_MUTATES,
		"merge linear|slerp|task|ties|dare [--alpha A] [--weights W1,W2,...] [--t T] "
		"[--base BASE] [--lambda L] [--density D] [--drop P] [--seed S] "
		"[--skip-mismatched] [--debug] SLOT|FILE...",
		"Merges B's parameters with their counterparts in the models named\n"
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
		"and of the result to B, and warns when the models share no start.");
