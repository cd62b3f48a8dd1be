/*
 * Fusion passes: rewrite well-known subgraphs into fewer standard ONNX ops
 * (default domain only).  Each pass walks every graph of the model, If/Loop/
 * Scan bodies included, changes it only through the journaled edit API of
 * graphsmith/ir.h (so a history can undo it), and returns the number of
 * rewrites.  Each rewrite appends one human line to the log, e.g.
 * "conv1 + bn1 -> conv1"; a pattern found but left alone appends a note
 * saying why.  Log text holds raw model names: escape before printing.
 *
 * The opset is raised (gs_model_set_opset) only as far as a fusion needs
 * (LayerNormalization 17, Gelu 20) and only when no op the model uses
 * changes meaning on the way; otherwise the match is skipped with a note.
 * Gelu outputs are opset 20: python3-onnx 1.12's checker knows opsets up to
 * 17, so such models can only be validated by running them in onnxruntime.
 *
 * Ownership: the log owns its lines; gs_fuse_log_release frees them.
 */
#ifndef GRAPHSMITH_FUSE_H
#define GRAPHSMITH_FUSE_H

#include <stdbool.h>

#include "graphsmith/error.h"
#include "graphsmith/ir.h"

struct gs_fuse_line {
	bool note;			/* a skipped match, not a rewrite */
	char *text;
};

struct gs_fuse_log {
	struct gs_fuse_line *lines;
	int n, alloc;
};

void gs_fuse_log_init(struct gs_fuse_log *log);
void gs_fuse_log_release(struct gs_fuse_log *log);

/* One list of patterns: name, function.  "all" runs them in this order
 * until a round changes nothing. */
#define GS_FUSE_PATTERNS(X) \
	X("constants", gs_fuse_constants) \
	X("identity", gs_fuse_identity) \
	X("conv-bn", gs_fuse_conv_bn) \
	X("gemm", gs_fuse_gemm) \
	X("layernorm", gs_fuse_layernorm) \
	X("gelu", gs_fuse_gelu)

/* Each returns the number of rewrites (>= 0), or -1 with err set. */
int gs_fuse_constants(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err);
int gs_fuse_identity(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err);
int gs_fuse_conv_bn(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err);
int gs_fuse_gemm(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err);
int gs_fuse_layernorm(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err);
int gs_fuse_gelu(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err);
int gs_fuse_all(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err);

/* Runs the pattern named `pattern` (one of GS_FUSE_PATTERNS or "all");
 * an unknown name fails with "unknown fuse pattern 'x'" and changes nothing. */
int gs_fuse_run(struct gs_model *m, const char *pattern, struct gs_fuse_log *log,
		struct gs_error *err);
/* NULL-terminated list of the pattern names, "all" last (for completion). */
const char *const *gs_fuse_pattern_names(void);

#endif
