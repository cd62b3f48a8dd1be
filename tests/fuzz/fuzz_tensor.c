/*
 * Fuzz target for the tensor file readers: the bytes are read as a .npy,
 * a .npz and an ONNX TensorProto file.  Each must read or fail with an
 * error; what reads must write and read back the same.
 */
#include "graphsmith/tensorio.h"
#include "fuzz.h"

static bool same(const struct gs_etensor *a, const struct gs_etensor *b)
{
	return a->dtype == b->dtype && a->rank == b->rank && a->numel == b->numel &&
	       !memcmp(a->dims, b->dims, sizeof(a->dims[0]) * (size_t)a->rank) &&
	       a->nbytes == b->nbytes && (!a->nbytes || !memcmp(a->data, b->data, a->nbytes));
}

static void npy(const uint8_t *data, size_t size)
{
	const char *path = gs_fuzz_file("t.npy", data, size);
	struct gs_etensor *t, *back;
	struct gs_error err;
	char out[512];

	if (gs_npy_read(path, &t, &err))
		return;
	snprintf(out, sizeof(out), "%s/back.npy", gs_fuzz_dir());
	if (gs_npy_write(out, t, &err) == 0) {
		if (gs_npy_read(out, &back, &err))
			abort();	/* we wrote what we cannot read */
		if (!same(t, back))
			abort();
		gs_et_unref(back);
	}
	gs_et_unref(t);
}

static void npz(const uint8_t *data, size_t size)
{
	const char *path = gs_fuzz_file("t.npz", data, size);
	struct gs_npz z, back;
	struct gs_error err;
	char out[512];
	int i;

	if (gs_npz_read(path, &z, &err))
		return;
	for (i = 0; i < z.n; i++)
		if (gs_npz_find(&z, z.names[i]) == NULL)
			abort();
	snprintf(out, sizeof(out), "%s/back.npz", gs_fuzz_dir());
	if (gs_npz_write_compressed(out, z.n, (const char *const *)z.names, z.ts, &err) == 0) {
		if (gs_npz_read(out, &back, &err))
			abort();
		if (back.n != z.n)
			abort();
		for (i = 0; i < z.n; i++)
			if (strcmp(back.names[i], z.names[i]) || !same(back.ts[i], z.ts[i]))
				abort();
		gs_npz_release(&back);
	}
	gs_npz_release(&z);
}

static void pb(const uint8_t *data, size_t size)
{
	const char *path = gs_fuzz_file("t.pb", data, size);
	struct gs_etensor *t, *back;
	struct gs_error err;
	char out[512], *name = NULL;

	if (!(t = gs_tensorfile_read_named(path, &name, &err)))
		return;
	snprintf(out, sizeof(out), "%s/back.pb", gs_fuzz_dir());
	if (gs_tensorfile_write(out, name, t, &err) == 0) {
		if (!(back = gs_tensorfile_read(out, &err)))
			abort();
		if (!same(t, back))
			abort();
		gs_et_unref(back);
	}
	free(name);
	gs_et_unref(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	npy(data, size);
	npz(data, size);
	pb(data, size);
	return 0;
}
