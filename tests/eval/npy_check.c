/*
 * npy_check - the .npy/.npz/.pb readers and writers, driven by npy.sh.
 *
 *   npy_check dump FILE.npy|FILE.pb   prints "dtype [dims] v v v ..."
 *   npy_check dumpz FILE.npz          one "name: dtype [dims] v ..." per array
 *   npy_check copy IN OUT             .npy or .pb in, .npy or .pb out
 *   npy_check copyz IN.npz OUT.npz [deflate]
 *
 * Errors go to stdout as one line starting "error: " (exit 1).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/tensorio.h"

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && !strcmp(s + a - b, tail);
}

static void dump(const struct gs_etensor *t)
{
	char sb[256];
	int64_t i;

	printf("%s %s", gs_dtype_name(t->dtype), gs_format_dims(t->rank, t->dims, sb, sizeof(sb)));
	for (i = 0; i < t->numel; i++) {
		switch (t->dtype) {
		case GS_DTYPE_INT64:
			printf(" %" PRId64, ((const int64_t *)t->data)[i]);
			break;
		case GS_DTYPE_UINT64:
			printf(" %" PRIu64, ((const uint64_t *)t->data)[i]);
			break;
		default:
			printf(" %.17g", gs_et_get(t, i));
		}
	}
	printf("\n");
}

static struct gs_etensor *load(const char *path, struct gs_error *err)
{
	struct gs_etensor *t = NULL;

	if (ends_with(path, ".pb"))
		return gs_tensorfile_read(path, err);
	gs_npy_read(path, &t, err);
	return t;
}

int main(int argc, char **argv)
{
	struct gs_error err = { "" };
	struct gs_etensor *t;
	struct gs_npz z;
	int i, rc = 0;

	if (argc == 3 && !strcmp(argv[1], "dump")) {
		if (!(t = load(argv[2], &err)))
			goto fail;
		dump(t);
		gs_et_unref(t);
	} else if (argc == 3 && !strcmp(argv[1], "dumpz")) {
		if (gs_npz_read(argv[2], &z, &err))
			goto fail;
		for (i = 0; i < z.n; i++) {
			printf("%s: ", z.names[i]);
			dump(z.ts[i]);
		}
		gs_npz_release(&z);
	} else if (argc == 4 && !strcmp(argv[1], "copy")) {
		if (!(t = load(argv[2], &err)))
			goto fail;
		if (ends_with(argv[3], ".pb"))
			rc = gs_tensorfile_write(argv[3], "copy", t, &err);
		else
			rc = gs_npy_write(argv[3], t, &err);
		gs_et_unref(t);
		if (rc)
			goto fail;
	} else if ((argc == 4 || argc == 5) && !strcmp(argv[1], "copyz")) {
		if (gs_npz_read(argv[2], &z, &err))
			goto fail;
		if (argc == 5)
			rc = gs_npz_write_compressed(argv[3], z.n, (const char *const *)z.names,
						     z.ts, &err);
		else
			rc = gs_npz_write(argv[3], z.n, (const char *const *)z.names, z.ts, &err);
		gs_npz_release(&z);
		if (rc)
			goto fail;
	} else {
		fprintf(stderr, "usage: npy_check dump|dumpz|copy|copyz ...\n");
		return 2;
	}
	return 0;
fail:
	printf("error: %s\n", err.msg);
	return 1;
}
