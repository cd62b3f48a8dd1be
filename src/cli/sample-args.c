/* The input options `run` and `compare` share: --inputs, --input,
 * --random, --dim (see graphsmith/samples.h for what they mean). */
#include <stdlib.h>
#include <string.h>

#include "cli/sample-args.h"

void gs_sample_args_init(struct gs_sample_args *a, int argc)
{
	memset(a, 0, sizeof(*a));
	a->spec.file_names = gs_xcalloc((size_t)argc + 1, sizeof(char *));
	a->spec.file_paths = gs_xcalloc((size_t)argc + 1, sizeof(char *));
	a->spec.dim_names = gs_xcalloc((size_t)argc + 1, sizeof(char *));
	a->spec.dim_values = gs_xcalloc((size_t)argc + 1, sizeof(int64_t));
	a->copies = gs_xcalloc((size_t)argc + 1, sizeof(char *));
}

void gs_sample_args_release(struct gs_sample_args *a)
{
	int i;

	for (i = 0; i < a->n_copies; i++)
		free(a->copies[i]);
	free(a->copies);
	free(a->spec.file_names);
	free(a->spec.file_paths);
	free(a->spec.dim_names);
	free(a->spec.dim_values);
	memset(a, 0, sizeof(*a));
}

/* NAME=VALUE into two strings of a kept copy. */
static bool split_pair(struct gs_sample_args *a, const char *arg, const char **name,
		       const char **value)
{
	char *copy = gs_xstrdup(arg), *eq;

	a->copies[a->n_copies++] = copy;
	if (!(eq = strchr(copy, '=')) || eq == copy)
		return false;
	*eq = 0;
	*name = copy;
	*value = eq + 1;
	return true;
}

int gs_sample_args_parse(struct gs_sample_args *a, int argc, char **argv, int *i)
{
	const char *opt = argv[*i], *name, *value;
	char *end;

	if (*i + 1 >= argc)
		return 0;
	if (!strcmp(opt, "--inputs")) {
		const char *p = argv[++*i];
		size_t len = strlen(p);

		if (len > 4 && !strcmp(p + len - 4, ".npz"))
			a->spec.npz = p;
		else
			a->spec.dir = p;
	} else if (!strcmp(opt, "--input")) {
		if (!split_pair(a, argv[++*i], &name, &value))
			return -1;
		a->spec.file_names[a->spec.n_files] = name;
		a->spec.file_paths[a->spec.n_files++] = value;
	} else if (!strcmp(opt, "--random")) {
		a->spec.random = true;
		a->spec.seed = strtoull(argv[++*i], &end, 10);
		if (*end)
			return -1;
	} else if (!strcmp(opt, "--dim")) {
		if (!split_pair(a, argv[++*i], &name, &value))
			return -1;
		a->spec.dim_names[a->spec.n_dims] = name;
		a->spec.dim_values[a->spec.n_dims] = strtoll(value, &end, 10);
		if (*end || !*value || a->spec.dim_values[a->spec.n_dims] < 0)
			return -1;
		a->spec.n_dims++;
	} else {
		return 0;
	}
	return 1;
}

void gs_sample_args_finish(struct gs_sample_args *a)
{
	/* nothing given: random inputs from seed 0 */
	if (!a->spec.npz && !a->spec.dir && !a->spec.n_files)
		a->spec.random = true;
}
