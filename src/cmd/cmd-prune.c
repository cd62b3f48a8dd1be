/* prune magnitude|nm|channels|importance ...: pruning of B (the pass:
 * src/passes/prune-pass.c). */
#include "cmd/internal.h"

GS_PASS_COMMAND(prune, gs_pass_prune, GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	"prune magnitude|nm|channels|importance [AMOUNT] [--global] [--only PATTERN] "
	"[--data FILE.npz] [--labels FILE.npy] [--threshold A]",
	"Prunes the weights of Conv, ConvTranspose, Gemm and MatMul in B\n"
	"(biases and normalization parameters are left alone).\n"
	"magnitude: zeroes exactly floor(n * SPARSITY) weights of smallest\n"
	"magnitude in each layer, or across all layers with --global.\n"
	"nm N:M: keeps the N largest of every M consecutive weights along\n"
	"the reduction axis (2:4 is what sparse tensor cores run).\n"
	"channels RATIO: removes the output channels of lowest L1 norm of\n"
	"each Conv and Gemm for real, slicing bias, BatchNormalization,\n"
	"activations and the consumers' inputs; previews every shape change\n"
	"and says why a layer is left alone.  --only PATTERN picks layers by\n"
	"node or weight name (shell pattern).  --data FILE.npz on magnitude,\n"
	"nm and channels scores weights by |w| * ||x|| over the data (Wanda):\n"
	"magnitude then cuts within each output row, nm within groups,\n"
	"channels by the sum.\n"
	"importance: scores weights by squared gradients over --data,\n"
	"I = sum over samples and outputs j of (dy_j/dw)^2 (over the\n"
	"cross-entropy with --labels), and zeroes the SPARSITY lowest of each\n"
	"layer (--global: of all), or with --threshold A those below\n"
	"A * max(I); reports each layer's min/median/max score.");
