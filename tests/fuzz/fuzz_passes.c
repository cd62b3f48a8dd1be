/*
 * Fuzz target for the passes and the history: a model from the bytes is
 * opened as a workspace (B, with an untouched second load as A) and put
 * through every pass as console commands, each a history step; undoing
 * them all must give back B as it was loaded (it packs to A's bytes), and
 * redo must repeat the first step exactly (the passes are deterministic).
 */
#include "graphsmith/cmd.h"
#include "graphsmith/history.h"
#include "fuzz.h"

/* Steps in order; the conversions and quantizations that are undone at
 * once each start from the fused model. */
static const char *const steps[] = {
	"fuse all",
	"convert opset 21", "undo",
	"convert opset 11", "undo",
	"quantize int8", "undo",
	"quantize uint8 per-tensor asym", "undo",
	"quantize int4 --block 16", "undo",
	"quantize fp16 --all", "undo",
	"prune magnitude 0.5",
	"prune nm 2:4",
	"prune channels 0.5",
	"quantize fp16",
	"history",
	NULL
};

static void sink(void *ctx, enum gs_out_kind kind, const char *line)
{
}

struct digest {
	uint64_t h, n;
};

static void hash_bytes(void *ctx, const void *data, size_t len)
{
	struct digest *d = ctx;
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++)
		d->h = (d->h ^ p[i]) * 0x100000001b3ULL;
	d->n += len;
}

static struct digest pack(struct gs_model *m)
{
	struct digest d = { 0xcbf29ce484222325ULL, 0 };

	gs_onnx_pack_stream(m, hash_bytes, &d);
	return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = gs_fuzz_file("passes.onnx", data, size);
	struct digest base, fused = { 0, 0 }, now;
	struct gs_workspace ws;
	struct gs_error err;
	int i, n;

	gs_workspace_init(&ws);
	ws.out.write = sink;
	if (gs_workspace_open(&ws, 'b', path, &err))
		goto out;
	base = pack(gs_workspace_a(&ws));	/* the untouched baseline, loaded on demand */
	for (i = 0; steps[i]; i++) {
		if (gs_cmd_run(&ws, steps[i], &err) < 0)
			continue;	/* refused: nothing changed */
		if (i == 0)
			fused = pack(ws.b);
	}
	n = gs_history_count(ws.history);
	for (i = 0; i < n; i++)
		if (gs_cmd_run(&ws, "undo", &err) < 0)
			abort();
	now = pack(ws.b);
	if (now.h != base.h || now.n != base.n)
		abort();	/* undo did not restore the model */
	if (gs_history_redo_line(ws.history) && gs_cmd_run(&ws, "redo", &err) == 0 &&
	    !strcmp(gs_history_line(ws.history, 1), "fuse all")) {
		now = pack(ws.b);
		if (now.h != fused.h || now.n != fused.n)
			abort();	/* the same pass gave another model */
	}
out:
	gs_workspace_release(&ws);
	return 0;
}
