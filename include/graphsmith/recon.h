/*
 * recon.h - steps that look at data: streaming a model over a data set
 * with taps on chosen tensors, the per-layer statistics activation-aware
 * pruning needs (Wanda: the L2 norm of every input feature), and
 * layer-wise least-squares reconstruction after prune or quantize.
 *
 * A "linear layer" is a Conv (group 1), Gemm (transA 0) or MatMul with a
 * 2-D weight: outputs y_m = sum_k W[m,k] x_k (+ b_m), where the features x
 * of a Conv are its im2col columns (input channel x kernel position).
 * Statistics are accumulated batch by batch, so memory stays O(K^2) per
 * layer whatever the number of samples.
 *
 * Ownership: everything returned is malloc'd and the caller's (free with
 * the matching *_free).  Models are borrowed; edits go through ir.h.
 */
#ifndef GRAPHSMITH_RECON_H
#define GRAPHSMITH_RECON_H

#include <stdbool.h>
#include <stdint.h>

#include "graphsmith/error.h"
#include "graphsmith/eval.h"
#include "graphsmith/ir.h"
#include "graphsmith/samples.h"

/* ---- data ---- */
/* A data set: arrays keyed by input name, samples along axis 0. */
struct gs_data {
	const char *path;
	struct gs_samples s;
	int64_t batch;			/* samples per run */
	int64_t n_batches;
	char **names;			/* the inputs' names, in s.inputs order */
};

/* Loads path (.npz) for ev's inputs; one line "cannot use 'PATH': ..."
 * on a bad file.  batch <= 0: the model's fixed batch, else 128. */
int gs_data_open(const struct gs_eval *ev, const char *path, int64_t batch, struct gs_data *d,
		 struct gs_error *err);
/* Views of batch i in ev's input order (ev may be another model with
 * inputs of the same names); new references in in[0..n_inputs). */
int gs_data_batch(const struct gs_data *d, const struct gs_eval *ev, int64_t i,
		  struct gs_etensor **in, struct gs_error *err);
int64_t gs_data_batch_rows(const struct gs_data *d, int64_t i);
void gs_data_close(struct gs_data *d);

/* Runs ev on inputs and hands fn every tensor of values[0..n) (main-graph
 * value ids: graph inputs or node outputs) as it is made.  With
 * stop_early the run ends once all were seen. */
typedef int (*gs_tap_fn)(void *ctx, int tap, struct gs_etensor *t, struct gs_error *err);
int gs_run_taps(struct gs_eval *ev, struct gs_etensor *const *inputs, int n, const int *values,
		gs_tap_fn fn, void *ctx, bool stop_early, struct gs_error *err);

/* ---- linear layers ---- */
enum gs_linear_kind { GS_LINEAR_CONV, GS_LINEAR_GEMM, GS_LINEAR_MATMUL };

struct gs_linear {
	struct gs_graph *g;
	struct gs_node *node;
	enum gs_linear_kind kind;
	int64_t rows;			/* M: outputs (Conv: output channels) */
	int64_t feats;			/* K: inputs per output */
	int64_t row_stride, feat_stride;	/* W[m,k] = w[m*row_stride + k*feat_stride] */
	float alpha, beta;		/* Gemm */
	/* Conv: input channels, kernel, strides, pads (begin, end), dilations */
	int sp;				/* spatial rank, 1 or 2 */
	int64_t cin, kern[2], stride[2], pad[4], dil[2];
	struct gs_tensor *w;		/* the float weight, or the quantized one */
	struct gs_tensor *bias;		/* float32 bias param, or NULL */
	/* weights behind a DequantizeLinear (int8/uint8, per-tensor or per-axis) */
	struct gs_node *dq;
	struct gs_tensor *scale, *zero;
	int axis;
};

/* Describes node n of g; -1 with why in err when it is not a layer the
 * data steps handle. */
int gs_linear_describe(struct gs_graph *g, struct gs_node *n, struct gs_linear *l,
		       struct gs_error *err);
/* The layer's input x of one run as rows of features [*n_rows, K] (Conv:
 * im2col); NULL with err set on a shape the layer does not take. */
float *gs_linear_features(const struct gs_linear *l, const struct gs_etensor *x,
			  int64_t *n_rows, struct gs_error *err);
/* The layer's output as rows [*n_rows, M] (Conv: positions x channels). */
float *gs_linear_outputs(const struct gs_linear *l, const struct gs_etensor *y,
			 int64_t *n_rows, struct gs_error *err);
/* W as float [M, K] (dequantized when behind a DequantizeLinear). */
float *gs_linear_weights(const struct gs_model *m, const struct gs_linear *l,
			 struct gs_error *err);
/* Which scale / zero point element the quantized weight's element idx uses. */
int64_t gs_linear_qindex(const struct gs_linear *l, int64_t idx);

/* ---- activation norms (Wanda) ---- */
struct gs_act_norms {
	int n;
	const struct gs_tensor **w;	/* the weights scored */
	float **scale;			/* per weight element: ||X_k|| of its feature */
	int64_t samples;
};

/* Streams m over data (the path of a .npz) and, for every linear layer
 * with a float32 weight, the L2 norm of each input feature over all
 * samples and positions, spread to the weight's layout. */
int gs_act_norms_collect(const struct gs_model *m, const char *data, struct gs_act_norms *out,
			 struct gs_error *err);
/* The element scale of weight w, or NULL when w was not measured. */
const float *gs_act_norms_find(const struct gs_act_norms *a, const struct gs_tensor *w);
void gs_act_norms_free(struct gs_act_norms *a);

/* ---- reconstruction ---- */
struct gs_recon_opts {
	const char *data;		/* .npz */
	double damp;			/* ridge: damp * mean(diag X^T X) */
	bool all;			/* every layer, not only the changed ones */
	void (*note)(void *ctx, const char *line);
	void *ctx;
};

struct gs_recon_result {
	int layers;			/* re-solved and installed */
	int skipped;
	double err_before, err_after;	/* summed squared errors over the layers / sum y^2 */
};

/* Re-solves, in B's order, every linear layer of b whose weights differ
 * from its counterpart in a (a_of_b[node id] = a's node id, or -1) so its
 * outputs match a's on the data: per output row, least squares over the
 * kept (non-zero) weights and the bias, inputs from b as reconstructed so
 * far.  Quantized weights are solved in float and rounded to their grid.
 * Notes one line per layer (relative MSE before -> after).  Nothing is
 * changed unless every layer was solved (an interrupt changes nothing). */
int gs_reconstruct(struct gs_model *a, struct gs_model *b, const int *a_of_b,
		   const struct gs_recon_opts *opts, struct gs_recon_result *res,
		   struct gs_error *err);

/* Solves (G_SS + lambda I) w = h_S by Cholesky for the features in S
 * (g: K x K row-major, leading dimension ld); w[0..ns).  -1 when G_SS is
 * not positive definite.  Exposed for the tests. */
int gs_recon_solve(const double *g, int64_t ld, const double *h, const int64_t *s, int64_t ns,
		   double lambda, const bool *no_damp, double *w, double *work);

#endif
