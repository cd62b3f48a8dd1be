/*
 * samples.h - the inputs a model runs on: from .npz, .npy or ONNX test-data
 * files, or random from a seed; and running a model over many samples in
 * the batches its input shapes accept.
 *
 * Random inputs are reproducible: splitmix64 from the seed, one stream per
 * input in input order.  Floats are uniform in [-1, 1); bool is 0 or 1;
 * integers are uniform in [0, n) where n is the size of the axis they
 * index when the input feeds a Gather's indices (so every index is
 * valid), else [0, 10).  Symbolic dims take their size from the spec's
 * dims (--dim NAME=N); one without a size is an error naming it.
 *
 * Ownership: a gs_samples owns its tensors; gs_samples_release frees them.
 */
#ifndef GRAPHSMITH_SAMPLES_H
#define GRAPHSMITH_SAMPLES_H

#include <stdbool.h>
#include <stdint.h>

#include "graphsmith/eval.h"

struct gs_sample_spec {
	const char *npz;		/* arrays keyed by input name */
	const char *dir;		/* input_K.pb files, positional */
	int n_files;			/* NAME=FILE.npy pairs */
	const char **file_names;
	const char **file_paths;
	bool random;			/* random inputs for whatever is not given */
	uint64_t seed;
	int64_t default_dim;		/* for symbolic dims not named: 0 refuses */
	int n_dims;			/* symbolic dim sizes */
	const char **dim_names;
	int64_t *dim_values;
};

struct gs_samples {
	int n;				/* = gs_eval_n_inputs of the model */
	struct gs_etensor **inputs;	/* by eval input index */
	int64_t n_samples;		/* along axis 0 of the inputs */
	int64_t batch;			/* samples per run (n_samples when one run) */
};

int gs_samples_load(const struct gs_eval *ev, const struct gs_sample_spec *spec,
		    struct gs_samples *out, struct gs_error *err);
void gs_samples_release(struct gs_samples *s);
/* Runs ev over every sample, s->batch at a time, and joins each output
 * along axis 0 (new references in outputs[0..gs_eval_n_outputs)). */
int gs_samples_run(struct gs_eval *ev, const struct gs_samples *s,
		   struct gs_etensor **outputs, struct gs_error *err);
/* Labels for accuracy: an integer array with one label per sample. */
int gs_labels_load(const char *path, int64_t n_samples, struct gs_etensor **out,
		   struct gs_error *err);
/* Top-1 accuracy of scores [N, C] (or [N, ..., C] flattened to N rows)
 * against labels; *correct receives the count. */
int gs_top1_correct(const struct gs_etensor *scores, const struct gs_etensor *labels,
		    int64_t *correct, struct gs_error *err);

#endif
