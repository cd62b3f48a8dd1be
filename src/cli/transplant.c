/* `graphsmith transplant [--only PATTERN] [--strict] [--skip-mismatched]
 * -o OUT DEST SOURCE`: DEST with SOURCE's corresponding parameters; SOURCE
 * is an ONNX model, a .safetensors or a .npz file.  The options are the
 * console's transplant's. */
#include "graphsmith/cli.h"
#include "graphsmith/pass.h"

static const struct gs_cli_pass transplant_cli = {
	.pass = &gs_pass_transplant,
	.operands = "DEST SOURCE(.onnx|.safetensors|.npz)",
	.needs = "DEST and SOURCE",
};

int gs_cli_transplant(int argc, char **argv)
{
	return gs_cli_run_pass(&transplant_cli, argc, argv);
}
