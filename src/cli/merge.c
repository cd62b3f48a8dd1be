/* `graphsmith merge --method M [options] -o OUT MODEL1 MODEL2 [...]`:
 * MODEL1 with its parameters merged with their counterparts in the others
 * (see graphsmith/transfer.h).  Exit 0, or 2 with one line on trouble. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/cli.h"
#include "graphsmith/transfer.h"
#include "graphsmith/util.h"

static const char merge_usage[] =
	"usage: graphsmith merge --method linear|slerp|task|ties|dare [--alpha A]\n"
	"         [--weights W1,W2,...] [--t T] [--base BASE] [--lambda L] [--density D]\n"
	"         [--drop P] [--seed S] [--skip-mismatched] [--debug] -o OUT MODEL1 MODEL2...\n";

void gs_cli_report_line(void *ctx, const char *line)
{
	char buf[2048];

	fprintf(ctx ? ctx : stdout, "%s\n", gs_escape(line, buf, sizeof(buf)));
}

int gs_cli_merge(int argc, char **argv)
{
	struct gs_merge_args a;
	struct gs_merge_stats st;
	struct gs_model **m = NULL;
	const char *paths[GS_MERGE_MAX_MODELS + 1];
	struct gs_error err;
	int i, n, ret = 2;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(merge_usage, stdout);
		return 0;
	}
	gs_cli_common_options(&argc, argv);
	if (gs_merge_args_parse(argc - 1, argv + 1, true, &a, &err)) {
		fprintf(stderr, "graphsmith: merge: %s\n", err.msg);
		if (argc == 1)
			fputs(merge_usage, stderr);
		return 2;
	}
	n = a.n_models;
	for (i = 0; i < n; i++)
		paths[i] = a.models[i];
	if (a.base)
		paths[n] = a.base;
	m = gs_xcalloc((size_t)n + 2, sizeof(*m));
	if (gs_onnx_load_many(n + (a.base ? 1 : 0), paths, &gs_cli_load_opts, m, &err)) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		free(m);
		return 2;
	}
	if (gs_merge(n, m, a.base ? m[n] : NULL, &a.o, gs_cli_report_line, stdout, &st, &err)) {
		fflush(stdout);
		fprintf(stderr, "graphsmith: merge: %s\n", err.msg);
		goto out;
	}
	printf("merge %s: %d parameter%s merged (%d changed), %d kept, %d initializer%s not "
	       "mergeable, median input cosine %.4f, %.3f s\n", gs_merge_method_name(a.o.method),
	       st.merged, st.merged == 1 ? "" : "s", st.changed, st.kept, st.not_mergeable,
	       st.not_mergeable == 1 ? "" : "s", st.median_cos, st.seconds);
	if (gs_onnx_save(m[0], a.out, NULL, &err)) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		goto out;
	}
	ret = 0;
out:
	for (i = 0; i < n + (a.base ? 1 : 0); i++)
		gs_model_free(m[i]);
	free(m);
	return ret;
}
