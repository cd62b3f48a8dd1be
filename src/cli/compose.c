/* graphsmith compose: A's outputs fed into B's inputs with adapters (combine.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/cli.h"
#include "graphsmith/combine.h"
#include "graphsmith/onnx.h"

static const char usage_line[] =
	"usage: graphsmith compose [--map OUT_A=IN_B]... [--plan] -o OUT A B\n";

int gs_cli_compose(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "map", required_argument, NULL, 'm' },
		{ "plan", no_argument, NULL, 'p' },
		{ "allow-external-outside", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct gs_save_opts save = { GS_EXTERNAL_AUTO, 0, 0 };
	struct gs_io_map *map = gs_xcalloc((size_t)argc + 1, sizeof(*map));
	struct gs_model *a = NULL, *b = NULL, *dst = NULL;
	const char *out = NULL;
	struct gs_error err;
	int c, n_map = 0, rc = 2;
	bool plan = false;

	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': {
			char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg || !eq[1]) {
				fprintf(stderr, "graphsmith: compose: --map wants OUT_A=IN_B\n");
				goto out;
			}
			*eq = 0;
			map[n_map].out_a = optarg;
			map[n_map++].in_b = eq + 1;
			break;
		}
		case 'p': plan = true; break;
		case 'o': out = optarg; break;
		case 'X': gs_cli_load_opts.allow_external_outside = true; break;
		case 'h': fputs(usage_line, stdout); rc = 0; goto out;
		default: fputs(usage_line, stderr); goto out;
		}
	}
	if (argc - optind != 2 || (!out && !plan)) {
		fputs(usage_line, stderr);
		goto out;
	}
	if (gs_cli_load_pair(argv[optind], argv[optind + 1], &a, &b))
		goto out;
	if (!plan)
		dst = gs_combine_new_model(a, "compose");
	if (gs_compose(dst, false, a, b, map, n_map, gs_cli_report_line, NULL, &err) ||
	    (dst && gs_onnx_save(dst, out, &save, &err))) {
		fprintf(stderr, "graphsmith: compose: %s\n", err.msg);
		goto out;
	}
	rc = 0;
out:
	gs_model_free(a);
	gs_model_free(b);
	gs_model_free(dst);
	free(map);
	return rc;
}
