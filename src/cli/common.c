/* What every subcommand shares: the load options parsed once, loading
 * with the one error line, the options every subcommand accepts.  (Here,
 * not in main.c, so that src/cli never calls back into the front door.) */
#include <stdio.h>
#include <string.h>

#include "graphsmith/cli.h"

struct gs_load_opts gs_cli_load_opts;

struct gs_model *gs_cli_load(const char *path)
{
	struct gs_error err;
	struct gs_model *m = gs_onnx_load(path, &gs_cli_load_opts, &err);

	if (!m)
		fprintf(stderr, "graphsmith: %s\n", err.msg);
	return m;
}

int gs_cli_load_pair(const char *path_a, const char *path_b, struct gs_model **a,
		     struct gs_model **b)
{
	const char *paths[2] = { path_a, path_b };
	struct gs_model *out[2];
	struct gs_error err;

	if (gs_onnx_load_many(2, paths, &gs_cli_load_opts, out, &err)) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		*a = *b = NULL;
		return -1;
	}
	*a = out[0];
	*b = out[1];
	return 0;
}


void gs_cli_common_options(int *argc, char **argv)
{
	int i, n = 0;

	for (i = 0; i < *argc; i++) {
		if (i && !strcmp(argv[i], "--allow-external-outside"))
			gs_cli_load_opts.allow_external_outside = true;
		else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	*argc = n;
}
