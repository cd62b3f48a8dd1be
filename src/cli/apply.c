/* `graphsmith apply [-c COMMANDS | -f SCRIPT] -o OUT MODEL`: the headless
 * runner of console commands; with no commands, a load and save. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "graphsmith/cli.h"

static const char usage_line[] =
	"usage: graphsmith apply [-c COMMANDS | -f SCRIPT] [--external-data] -o OUT MODEL\n";

int gs_cli_apply(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "commands", required_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "external-data", no_argument, NULL, 'e' },
		{ "allow-external-outside", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct gs_save_opts save = { GS_EXTERNAL_AUTO, 0, 0 };
	const char *commands = NULL, *script = NULL, *out = NULL;
	struct gs_error err;
	struct gs_model *m;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "c:f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': commands = optarg; break;
		case 'f': script = optarg; break;
		case 'o': out = optarg; break;
		case 'e': save.external = GS_EXTERNAL_ALWAYS; break;
		case 'X': gs_cli_load_opts.allow_external_outside = true; break;
		case 'h': fputs(usage_line, stdout); return 0;
		default: fputs(usage_line, stderr); return 2;
		}
	}
	if (optind != argc - 1 || !out || (commands && script)) {
		fputs(usage_line, stderr);
		return 2;
	}
	if (!(m = gs_cli_load(argv[optind])))
		return 2;
	if (commands || script) {
		fprintf(stderr, "graphsmith: apply: console commands arrive with the passes (issue 5)\n");
		rc = 2;
	} else if (gs_onnx_save(m, out, &save, &err)) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		rc = 2;
	}
	gs_model_free(m);
	return rc;
}
