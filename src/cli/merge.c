/* `graphsmith merge --method M [options] -o OUT MODEL1 MODEL2 [...]`:
 * MODEL1 with its parameters merged with their counterparts in the others
 * (see graphsmith/transfer.h); the options are the console's merge's. */
#include "graphsmith/cli.h"
#include "graphsmith/pass.h"

static const struct gs_cli_pass merge_cli = {
	.pass = &gs_pass_merge,
	.operands = "MODEL1 MODEL2...",
	.needs = "two models or more",
	.method_option = "--method",
};

int gs_cli_merge(int argc, char **argv)
{
	return gs_cli_run_pass(&merge_cli, argc, argv);
}
