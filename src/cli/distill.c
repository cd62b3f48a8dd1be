/* `graphsmith distill --teacher T --data FILE ... -o OUT STUDENT`: the
 * console's distill step run headless on STUDENT, saved to OUT when it
 * succeeded.  Exit 0 saved, 2 on trouble (nothing saved). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/cli.h"
#include "graphsmith/cmd.h"

extern const struct gs_cmd_entry gs_cmd_distill;

static const char distill_usage[] =
	"usage: graphsmith distill --teacher MODEL --data FILE.npz [--labels FILE.npy]\n"
	"                          [--steps N] [--lr X] [--temperature T] [--alpha A]\n"
	"                          [--batch B] [--seed S] -o OUT STUDENT\n";

int gs_cli_distill(int argc, char **argv)
{
	struct gs_save_opts save = { GS_EXTERNAL_AUTO, 0, 0 };
	const char *out = NULL, *student = NULL;
	char **args = calloc((size_t)argc + 1, sizeof(char *));
	struct gs_workspace ws;
	struct gs_error err;
	int i, n = 0, rc = 2;

	args[n++] = (char *)"distill";
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--allow-external-outside")) {
			gs_cli_load_opts.allow_external_outside = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(distill_usage, stdout);
			free(args);
			return 0;
		} else if (!strncmp(argv[i], "--", 2) && i + 1 < argc) {
			args[n++] = argv[i];
			args[n++] = argv[++i];
		} else if (!student && argv[i][0] != '-') {
			student = argv[i];
		} else {
			fprintf(stderr, "graphsmith distill: bad argument '%s'\n%s",
				gs_escape(argv[i], (char[128]){ 0 }, 128), distill_usage);
			free(args);
			return 2;
		}
	}
	if (!out || !student) {
		fputs(distill_usage, stderr);
		free(args);
		return 2;
	}
	gs_workspace_init(&ws);
	ws.load_opts = gs_cli_load_opts;
	if (gs_workspace_open(&ws, 'b', student, &err) < 0 ||
	    gs_cmd_distill.exec(&ws, n, args, &err) < 0 || gs_onnx_save(ws.b, out, &save, &err) < 0)
		fprintf(stderr, "graphsmith: distill: %s\n", err.msg);
	else
		rc = 0;
	gs_workspace_release(&ws);
	free(args);
	return rc;
}
