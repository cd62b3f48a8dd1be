/*
 * Reading and writing ONNX files.  The reader maps the file, parses only
 * the model's structure and leaves tensor bytes where they are; the writer
 * streams the model back out, reusing every untouched message so that a
 * load and save with no edits writes the same bytes.
 */
#ifndef GRAPHSMITH_ONNX_H
#define GRAPHSMITH_ONNX_H

#include <stdbool.h>

#include "graphsmith/ir.h"

struct gs_load_opts {
	/* Accept external-data locations outside the model's folder. */
	bool allow_external_outside;
};

/* Subgraphs nested deeper than this are refused as malformed. */
#define GS_MAX_GRAPH_DEPTH 64

/* Loads a .onnx (or zstd-compressed .onnx.zst) file.  On failure returns
 * NULL and err says "cannot read 'PATH': what is wrong". */
struct gs_model *gs_onnx_load(const char *path, const struct gs_load_opts *opts,
			      struct gs_error *err);
/* Loads n models at once, on up to n threads, into out[0..n).  All or
 * nothing: on failure nothing stays loaded and err says why the first
 * failing path (in order) failed, as loading one after the other would. */
int gs_onnx_load_many(int n, const char *const *paths, const struct gs_load_opts *opts,
		      struct gs_model **out, struct gs_error *err);

enum gs_external_mode {
	GS_EXTERNAL_AUTO,	/* only when the model needs it (over 2 GB) */
	GS_EXTERNAL_NEVER,
	GS_EXTERNAL_ALWAYS,	/* weights in PATH.data, 4 KiB-aligned */
};

struct gs_save_opts {
	enum gs_external_mode external;
	size_t external_threshold;	/* tensors smaller than this stay inline */
	int zstd_level;			/* for .onnx.zst paths; 0 = default (3) */
};

/* Saves atomically: a temporary file in the same folder, fsync, rename.
 * On any failure the old file is untouched and err explains why. */
int gs_onnx_save(struct gs_model *m, const char *path, const struct gs_save_opts *opts,
		 struct gs_error *err);

/* Size in bytes the model would have if saved inline (what `info` and the
 * step report show); excludes nothing. */
uint64_t gs_onnx_packed_size(struct gs_model *m);

/* Packs the model as gs_onnx_packed_size counts it (inline weights) and
 * hands the bytes to sink in order, without building the file in memory;
 * returns the byte count. */
uint64_t gs_onnx_pack_stream(struct gs_model *m,
			     void (*sink)(void *ctx, const void *data, size_t len), void *ctx);

/*
 * Bytes [data, data + len) of a tensor of m, for one pass over them: when
 * they lie in the loaded file they are read into buf (len bytes) with
 * pread and buf is returned; otherwise data itself.  A one-pass scan of a
 * mapped model through the mapping faults in every page; reading from the
 * page cache into a small buffer is 2-3x faster on a virtual machine and
 * adds nothing to the process's resident size.
 */
const void *gs_onnx_fetch(const struct gs_model *m, const void *data, size_t len, void *buf);

/* The three above as the IR's file hooks (gs_file_ops), installed by every
 * load and save; gs_workspace_init installs them too. */
extern const struct gs_file_ops gs_onnx_file_ops;

#endif
