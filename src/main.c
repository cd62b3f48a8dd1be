/* graphsmith: the command-line front door.  Thin by design: each
 * subcommand lives in src/cli/ (or src/tui/ for the workbench). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "graphsmith/cli.h"

static const char usage_text[] =
	"usage: graphsmith [--inputs FILE.npz|DIR] [--labels FILE.npy] [A.onnx [B.onnx]]\n"
	"       graphsmith --replay KEYS [--frames] [--dump] [--size WxH] A.onnx [B.onnx]\n"
	"       graphsmith info [--json] [--ascii] [--top N] MODEL\n"
	"       graphsmith diff [--json] [--by-name] [--map FILE] A B\n"
	"       graphsmith apply [-c COMMANDS | -f SCRIPT] [-q] [--external-data]\n"
	"                        [--inputs FILE.npz|DIR] [--labels FILE.npy] [--in-place]\n"
	"                        -o OUT MODEL\n"
	"       graphsmith run [input options] [--labels FILE.npy] [-o OUT.npz] [--json]\n"
	"                      [--bench N] MODEL\n"
	"       graphsmith compare [--json] [input options] [--labels FILE.npy] [--rtol R]\n"
	"                          [--atol A] [--threshold DB] A B\n"
	"       graphsmith distill --teacher MODEL --data FILE.npz [options] -o OUT STUDENT\n"
	"       graphsmith merge --method M [options] -o OUT MODEL1 MODEL2 [...]\n"
	"       graphsmith transplant [--only P] [--strict | --skip-mismatched] -o OUT DEST SOURCE\n"
	"       graphsmith export weights [-o] FILE.safetensors|FILE.npz MODEL\n"
	"       graphsmith ensemble [--weights W,...] [--combine mean|softmax-mean|vote|concat]\n"
	"                           -o OUT MODEL1 MODEL2 [MODEL...]\n"
	"       graphsmith compose [--map OUT_A=IN_B]... [--plan] -o OUT A B\n"
	"       graphsmith graft --from T1[,T2...] --to T3[,T4...] -o OUT MODEL PART\n"
	"       graphsmith help [CMD]\n"
	"       graphsmith --help | --version\n"
	"\n"
	"The workbench opens A and B, or one model as B with a copy as A.\n"
	"Input options: --inputs FILE.npz|DIR, --input NAME=FILE.npy, --random SEED,\n"
	"--dim NAME=N.  'graphsmith SUBCOMMAND --help' lists a subcommand's options;\n"
	"'graphsmith help' the console commands.  Every subcommand accepts\n"
	"--allow-external-outside to read external data stored outside the model's\n"
	"folder.  See graphsmith(1).\n";

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct subcommand subcommands[] = {
	{ "info", gs_cli_info },
	{ "apply", gs_cli_apply },
	{ "diff", gs_cli_diff },
	{ "run", gs_cli_run },
	{ "compare", gs_cli_compare },
	{ "distill", gs_cli_distill },
	{ "merge", gs_cli_merge },
	{ "transplant", gs_cli_transplant },
	{ "export", gs_cli_export },
	{ "ensemble", gs_cli_ensemble },
	{ "compose", gs_cli_compose },
	{ "graft", gs_cli_graft },
	{ "help", gs_cli_help },
};

int main(int argc, char **argv)
{
	size_t i;

	gs_atomic_cleanup_on_signals();
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("graphsmith %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (i = 0; argc >= 2 && i < sizeof(subcommands) / sizeof(*subcommands); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(argc - 1, argv + 1);
	/* no subcommand: model files (or nothing) open the workbench */
	if (argc < 2 || argv[1][0] != '-' || !strcmp(argv[1], "--replay"))
		return gs_cli_workbench(argc, argv);
	fputs(usage_text, stderr);
	return 2;
}
