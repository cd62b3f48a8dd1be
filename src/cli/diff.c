/* `graphsmith diff [--json] [--by-name] [--map FILE] A B`: exit 0 when
 * identical, 1 when different, 2 on trouble (like diff(1)). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "graphsmith/cli.h"
#include "graphsmith/match.h"

static const char diff_usage[] =
	"usage: graphsmith diff [--json] [--by-name] [--map FILE] "
	"[--allow-external-outside] A B\n";

int gs_cli_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "by-name", no_argument, NULL, 'n' },
		{ "map", required_argument, NULL, 'm' },
		{ "allow-external-outside", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct gs_match_opts opts = { 0 };
	struct gs_model *a = NULL, *b = NULL;
	struct gs_match *m = NULL;
	struct gs_error err;
	bool json = false;
	int c, ret = 2;

	gs_metrics_opts_init(&opts.metrics);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'n': opts.by_name = true; break;
		case 'm': opts.map_file = optarg; break;
		case 'X': gs_cli_load_opts.allow_external_outside = true; break;
		case 'h':
			fputs(diff_usage, stdout);
			return 0;
		default:
			fputs(diff_usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 2) {
		fputs(diff_usage, stderr);
		return 2;
	}
	if (gs_cli_load_pair(argv[optind], argv[optind + 1], &a, &b))
		goto out;
	if (!(m = gs_match_models(a, b, &opts, &err))) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		goto out;
	}
	if (json) {
		if (gs_match_write_json(m, stdout)) {
			fprintf(stderr, "graphsmith: cannot write the report\n");
			goto out;
		}
	} else {
		gs_match_print(m, stdout);
	}
	ret = m->verdict.identical ? 0 : 1;
out:
	gs_match_free(m);
	gs_model_free(a);
	gs_model_free(b);
	return ret;
}
