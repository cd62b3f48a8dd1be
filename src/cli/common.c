/* What every subcommand accepts, for those that parse by hand. */
#include <string.h>

#include "graphsmith/cli.h"

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
