/* fuse PATTERN: fold well-known subgraphs of B (the pass: src/passes/fuse-pass.c). */
#include "cmd/internal.h"

GS_PASS_COMMAND(fuse, gs_pass_fuse, GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	"fuse affine|conv-bn|gemm|layernorm|gelu|identity|constants|all",
	"Rewrites well-known subgraphs of B into fewer standard ONNX ops, in\n"
	"every graph (If/Loop/Scan bodies too), keeping the names downstream\n"
	"reads.  conv-bn: Conv/ConvTranspose + BatchNormalization folded into\n"
	"the weights and bias.  gemm: MatMul (2-D input, constant 2-D weight)\n"
	"+ Add (constant bias) -> Gemm, and Gemm + BatchNormalization.\n"
	"layernorm: the ReduceMean ... Add chain -> LayerNormalization (opset\n"
	"17).  gelu: the Erf and Tanh forms -> Gelu (opset 20).  identity:\n"
	"Identity and inference Dropout removed.  constants: Constant,\n"
	"ConstantOfShape and other constant-only nodes folded into\n"
	"initializers.  all: every pattern until nothing changes.  The opset\n"
	"is raised only when no op the model uses changes meaning.  Gelu\n"
	"needs opset 20, which onnx 1.12's checker does not know yet:\n"
	"validate such models with onnxruntime.");
