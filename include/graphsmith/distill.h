/*
 * distill.h - training a student's float parameters against a teacher's
 * softened outputs (Hinton et al. 2015), on the gradient tape (grad.h).
 *
 * Loss per sample, on output 0 taken as logits [N, C]:
 *   L = alpha * T^2 * KL(softmax(z_t / T) || softmax(z_s / T))
 *       + (1 - alpha) * CE(label, softmax(z_s))
 * (alpha is 1 without labels).  Adam (beta1 0.9, beta2 0.999, eps 1e-8)
 * on mini-batches drawn without replacement, reshuffled every epoch from
 * the seed.  Weights of Conv, Gemm and MatMul that are exactly zero at the
 * start stay zero (a pruned weight keeps zero); frozen tensors (non-float,
 * shape constants, BatchNormalization statistics, quantization
 * parameters) are never trained.  The result is written back through the
 * journaled edit, all at the end: an interrupted run changes nothing.
 */
#ifndef GRAPHSMITH_DISTILL_H
#define GRAPHSMITH_DISTILL_H

#include <stdint.h>

#include "graphsmith/error.h"
#include "graphsmith/ir.h"

struct gs_distill_opts {
	const char *data;		/* .npz keyed by input name, samples on axis 0 */
	const char *labels;		/* .npy, one integer per sample, or NULL */
	int64_t steps;			/* default 300 */
	double lr;			/* default 0.01 */
	double temperature;		/* default 4 */
	double alpha;			/* default 0.5 with labels (1 without); <0: default */
	int64_t batch;			/* default 64 */
	uint64_t seed;			/* default 0 */
};

void gs_distill_opts_init(struct gs_distill_opts *o);

struct gs_distill_result {
	int64_t samples, steps;
	double loss_before, loss_after;	/* mean loss over the data */
	double acc_before, acc_after;	/* top-1 against the labels, -1 without */
	double teacher_acc;		/* -1 without labels */
	double agree_before, agree_after;	/* top-1 agreement with the teacher */
	double seconds;			/* training only */
	int64_t trained;		/* float parameters trained */
	int64_t kept_zeros;		/* pruned weights kept at zero */
	int tensors_changed;
};

/* Trains student (journaled) from teacher on o->data. */
int gs_distill(struct gs_model *student, const struct gs_model *teacher,
	       const struct gs_distill_opts *o, struct gs_distill_result *r, struct gs_error *err);

#endif
