/* distill --teacher SLOT|FILE --data FILE ...: trains B against a teacher
 * (the pass: src/learn/distill-pass.c). */
#include "cmd/internal.h"

GS_PASS_COMMAND(distill, gs_pass_distill, GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	"distill --teacher SLOT|FILE --data FILE.npz [--labels FILE.npy] [--steps N] "
	"[--lr X] [--temperature T] [--alpha A] [--batch B] [--seed S]",
	"Trains B's float parameters to match the teacher's softened outputs\n"
	"on the data (arrays keyed by input name, samples along axis 0):\n"
	"KL divergence at temperature T (default 4) scaled by T^2, mixed with\n"
	"the cross-entropy against --labels by A (default 0.5; 1 without\n"
	"labels).  Adam with --lr (default 0.01) on batches of B (64) for N\n"
	"steps (300), shuffled from --seed.  Output 0 is taken as logits.\n"
	"Weights of Conv, Gemm and MatMul that are zero stay zero, so a pruned\n"
	"model keeps its sparsity; integer tensors, shape constants,\n"
	"BatchNormalization statistics and quantization parameters are never\n"
	"trained.  Reports loss, top-1 and agreement with the teacher before\n"
	"and after, and steps per second.  Ctrl-C stops with nothing changed.");
