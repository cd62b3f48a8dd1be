/* `graphsmith info [--json] MODEL` */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "graphsmith/cli.h"
#include "graphsmith/info.h"
#include "graphsmith/util.h"

int gs_cli_info(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "ascii", no_argument, NULL, 'a' },
		{ "top", required_argument, NULL, 't' },
		{ "allow-external-outside", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct gs_info_opts opts = { .top_tensors = 10 };
	struct gs_model *m;
	bool json = false;
	char *end, eb[128];
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'a': opts.ascii = true; break;
		case 't':
			opts.top_tensors = (int)strtol(optarg, &end, 10);
			if (!*optarg || *end || opts.top_tensors < 0) {
				fprintf(stderr, "graphsmith: info: --top wants a count, not '%s'\n",
					gs_escape(optarg, eb, sizeof(eb)));
				return 2;
			}
			break;
		case 'X': gs_cli_load_opts.allow_external_outside = true; break;
		case 'h':
			puts("usage: graphsmith info [--json] [--ascii] [--top N] MODEL");
			return 0;
		default:
			fputs("usage: graphsmith info [--json] [--ascii] [--top N] MODEL\n", stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs("usage: graphsmith info [--json] [--ascii] [--top N] MODEL\n", stderr);
		return 2;
	}
	if (!(m = gs_cli_load(argv[optind])))
		return 2;
	if (json) {
		json_t *j = gs_info_json(m, &opts);

		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
		json_decref(j);
	} else {
		gs_info_print(m, &opts, stdout);
	}
	gs_model_free(m);
	return 0;
}
