/* `graphsmith graft --from T1[,T2...] --to T3[,T4...] -o OUT MODEL PART`:
 * a sub-graph of MODEL replaced by PART (combine.h).  The options are the
 * console's graft's. */
#include "graphsmith/cli.h"
#include "graphsmith/pass.h"

static const struct gs_cli_pass graft_cli = {
	.pass = &gs_pass_graft,
	.operands = "MODEL PART",
	.needs = "MODEL and PART",
};

int gs_cli_graft(int argc, char **argv)
{
	return gs_cli_run_pass(&graft_cli, argc, argv);
}
