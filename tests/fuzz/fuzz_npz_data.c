/*
 * Fuzz target for the --data loaders of the data-driven steps: the bytes
 * are d.npz, given to static quantization (calibration), Wanda pruning and
 * reconstruct, channel and importance pruning and one distillation step on
 * data/cnn.onnx (B, its baseline A the teacher), each undone after.  Data
 * sets of more than 8 samples are skipped to keep runs short.
 */
#include "graphsmith/cmd.h"
#include "graphsmith/tensorio.h"
#include "fuzz.h"


int LLVMFuzzerInitialize(int *argc, char ***argv);

static char model_path[4096];

static const char *const script[] = {
	"quantize int8 static --data d.npz --samples 4",
	"undo",
	"quantize uint8 static --data d.npz --method entropy --bins 64",
	"undo",
	"prune magnitude 0.5 --data d.npz",
	"reconstruct --data d.npz",
	"undo",
	"undo",
	"prune channels 0.25 --data d.npz",
	"undo",
	"prune importance 0.3 --data d.npz --labels d.npz",
	"undo",
	"distill --teacher A --data d.npz --steps 1 --batch 2",
	"undo",
};

static void sink(void *ctx, enum gs_out_kind kind, const char *line)
{
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	snprintf(model_path, sizeof(model_path), "%s", gs_fuzz_data_path("cnn.onnx"));
	return 0;
}

/* The run budget: no more than 8 samples in any array. */
static bool small(const char *path)
{
	struct gs_error err;
	struct gs_npz z;
	bool ok = true;
	int i;

	if (gs_npz_read(path, &z, &err))
		return true;	/* the steps fail the same way: still worth running */
	for (i = 0; i < z.n; i++)
		if (z.ts[i]->rank > 0 && z.ts[i]->dims[0] > 8)
			ok = false;
	gs_npz_release(&z);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gs_workspace ws;
	struct gs_error err;
	size_t i;
	int cwd;

	if ((cwd = open(".", O_RDONLY | O_DIRECTORY)) < 0 || chdir(gs_fuzz_dir()))
		abort();
	gs_fuzz_clear(gs_fuzz_dir());
	gs_fuzz_file("d.npz", data, size);
	if (small("d.npz")) {
		gs_workspace_init(&ws);
		ws.out.write = sink;
		if (gs_workspace_open(&ws, 'b', model_path, &err))
			abort();
		for (i = 0; i < sizeof(script) / sizeof(*script); i++)
			gs_cmd_run(&ws, script[i], &err);
		gs_workspace_release(&ws);
	}
	if (fchdir(cwd))
		abort();
	close(cwd);
	return 0;
}
