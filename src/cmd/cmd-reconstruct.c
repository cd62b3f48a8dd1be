/* reconstruct [--data FILE] [--damp X] [--all]: layer-wise least squares
 * after prune or quantize (the pass: src/learn/reconstruct-pass.c). */
#include "cmd/internal.h"

GS_PASS_COMMAND(reconstruct, gs_pass_reconstruct, GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	"reconstruct [--data FILE.npz] [--damp X] [--all]",
	"After prune or quantize, re-solves each layer of B whose weights\n"
	"differ from A's (Conv, Gemm, MatMul) by least squares so its outputs\n"
	"match A's on the data, layer by layer in order: inputs come from B\n"
	"as reconstructed so far, targets from A (by node position when B is\n"
	"A edited, else the matcher's pairs).  Pruned zeros stay zero (each\n"
	"output row is solved over its kept weights and the bias); weights\n"
	"behind DequantizeLinear are solved in float and rounded to their\n"
	"grid.  --damp X adds X * mean(diag X'X) as a ridge (0.01, as\n"
	"SparseGPT); --all re-solves unchanged layers too.  Without --data,\n"
	"the sample inputs set by 'inputs FILE.npz' are used.  Reports each\n"
	"layer's relative output MSE before and after.  Ctrl-C stops it with\n"
	"nothing changed.");
