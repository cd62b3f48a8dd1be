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
#include <stdint.h>

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
	X("affine", gs_fuse_affine) \
	X("conv-bn", gs_fuse_conv_bn) \
	X("gemm", gs_fuse_gemm) \
	X("layernorm", gs_fuse_layernorm) \
	X("gelu", gs_fuse_gelu)

/* Each returns the number of rewrites (>= 0), or -1 with err set. */
int gs_fuse_constants(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err);
int gs_fuse_identity(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err);
int gs_fuse_affine(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err);
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

/*
 * The affine chain pattern, one description for `fuse affine` and the
 * matcher's fusion view (src/match/fusion.c): a base (Conv, ConvTranspose,
 * Gemm, MatMul) followed by links that map each output channel c as
 * y = a[c] * x + b[c] with constant operands: BatchNormalization in
 * inference, Mul, Add, Sub, Div by a constant broadcast along the channel
 * axis only.  The chain folds into the base's weight and bias.
 */
enum gs_affine_kind {
	GS_AFFINE_NONE, GS_AFFINE_BN, GS_AFFINE_MUL, GS_AFFINE_ADD, GS_AFFINE_SUB,
	GS_AFFINE_RSUB,			/* c - x */
	GS_AFFINE_DIV,
};

/* A live default-domain Conv, ConvTranspose, Gemm or MatMul. */
bool gs_affine_is_base(const struct gs_node *n);
/* The link kind of node n when the chain's value enters at input slot;
 * for the binary ops the constant operand's slot goes to *cslot (BN's
 * constants are inputs 1-4). */
int gs_affine_link_kind(const struct gs_node *n, int slot, int *cslot);
/* BatchNormalization n computes in inference mode, per channel. */
bool gs_affine_bn_ok(const struct gs_node *bn);
/* Constant c broadcasts along only the channel axis (of `channels`) of
 * an output of rank out_rank (-1 unknown: axis must be -1, the last). */
bool gs_affine_per_channel(const struct gs_tensor *c, int out_rank, int axis, int64_t channels);
/* Composes link n of kind with the running map y = s * x + t (arrays of
 * `channels`); params are BN's scale, bias, mean, var or the operand.
 * 0, or -1 when the constants do not fit (size, type, a zero divisor). */
int gs_affine_compose(int kind, const struct gs_node *n, const struct gs_tensor *const *params,
		      int64_t channels, double *s, double *t);
/* Output channel of element i of a Conv (or ConvTranspose) weight. */
int64_t gs_affine_out_channel(bool transposed, const struct gs_tensor *w, int64_t group, int64_t i);

#endif
