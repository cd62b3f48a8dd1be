/* `graphsmith ensemble [--weights W,...] [--combine HOW] -o OUT MODEL1
 * MODEL2 [MODEL...]`: several models in one, outputs combined (combine.h),
 * built as a new model (model K under mK/).  The options are the
 * console's ensemble's. */
#include "graphsmith/cli.h"
#include "graphsmith/pass.h"

static const struct gs_cli_pass ensemble_cli = {
	.pass = &gs_pass_ensemble,
	.operands = "MODEL1 MODEL2 [MODEL...]",
	.needs = "at least two models",
};

int gs_cli_ensemble(int argc, char **argv)
{
	return gs_cli_run_pass(&ensemble_cli, argc, argv);
}
