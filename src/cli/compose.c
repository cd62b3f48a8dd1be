/* `graphsmith compose [--map OUT_A=IN_B]... [--plan] -o OUT A B`: A's
 * outputs fed into B's inputs with adapters (combine.h), built as a new
 * model (A under a/, B under b/).  The options are the console's
 * compose's; the pass runs on B, A is its front model. */
#include "graphsmith/cli.h"
#include "graphsmith/pass.h"

static const struct gs_cli_pass compose_cli = {
	.pass = &gs_pass_compose,
	.operands = "A B",
	.needs = "A and B",
	.target_last = true,
	.no_out = "--plan",
};

int gs_cli_compose(int argc, char **argv)
{
	return gs_cli_run_pass(&compose_cli, argc, argv);
}
