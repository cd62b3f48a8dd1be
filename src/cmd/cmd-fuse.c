/* fuse PATTERN: fold well-known subgraphs of B (see graphsmith/fuse.h). */
#include <string.h>

#include "cmd/internal.h"
#include "graphsmith/fuse.h"

static int fuse_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	struct gs_fuse_log log;
	char buf[1024];
	int n, i;

	if (argc != 2)
		return gs_error_set(err, "usage: %s", gs_cmd_fuse.usage);
	gs_fuse_log_init(&log);
	n = gs_fuse_run(ws->b, argv[1], &log, err);
	for (i = 0; i < log.n; i++)
		gs_printf(ws, "%s%s", log.lines[i].note ? "note: " : "",
			  gs_escape(log.lines[i].text, buf, sizeof(buf)));
	gs_fuse_log_release(&log);
	if (n < 0)
		return -1;
	gs_printf(ws, "fuse %s: %d rewrite%s", gs_escape(argv[1], buf, sizeof(buf)), n,
		  n == 1 ? "" : "s");
	return n ? GS_CHANGED_MODEL : GS_CHANGED_NOTHING;
}

static enum gs_complete_kind fuse_complete(int argi, char **argv, const char *const **words)
{
	if (argi != 1)
		return GS_COMPLETE_NONE;
	*words = gs_fuse_pattern_names();
	return GS_COMPLETE_WORDS;
}

const struct gs_cmd_entry gs_cmd_fuse = {
	.name = "fuse",
	.alias = NULL,
	.usage = "fuse affine|conv-bn|gemm|layernorm|gelu|identity|constants|all",
	.help = "Rewrites well-known subgraphs of B into fewer standard ONNX ops, in\n"
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
		"validate such models with onnxruntime.",
	.flags = GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	.exec = fuse_exec,
	.complete = fuse_complete,
};
