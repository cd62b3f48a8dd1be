/*
 * compare.h - running two models on the same inputs and comparing every
 * pair of corresponding tensors, paired through the compatibility engine
 * (names are not needed): outputs of matched nodes, the boundary tensors
 * of fused and folded groups, and the model outputs.
 *
 * Ownership: a gs_compare owns its pairs and strings; it borrows nothing
 * after gs_compare_models returns.
 */
#ifndef GRAPHSMITH_COMPARE_H
#define GRAPHSMITH_COMPARE_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "graphsmith/match.h"
#include "graphsmith/metrics.h"
#include "graphsmith/samples.h"

struct gs_compare_opts {
	double rtol, atol;		/* model outputs agree iff every element
					 * has |a-b| <= atol + rtol*|a| */
	double threshold_db;		/* first divergence: SQNR below this */
	const char *labels;		/* .npy of int labels, or NULL */
};

void gs_compare_opts_init(struct gs_compare_opts *o);	/* 1e-4, 1e-5, 30 dB */

#define GS_COMPARE_BINS 16

struct gs_compare_pair {
	char *tensor_a, *tensor_b;	/* value names */
	char *node_a, *node_b;		/* producing nodes ("" for model inputs) */
	char *op_a, *op_b;
	bool is_output;			/* a model output pair */
	bool compared;			/* both sides were produced */
	bool shape_differs;
	char shape_a[96], shape_b[96];
	struct gs_metrics m;
	bool within_tol;		/* every element within rtol/atol */
	bool has_top1;			/* class scores: rows of the last axis */
	int64_t top1_agree, rows;
	int64_t correct_a, correct_b;	/* with labels */
	int entry;			/* the match entry it comes from, or -1 */
	/* the two activations' values in GS_COMPARE_BINS bins over
	 * [hist_lo, hist_hi] (A's range in the first batch; values outside
	 * count in the end bins) */
	uint64_t hist_a[GS_COMPARE_BINS], hist_b[GS_COMPARE_BINS];
	double hist_lo, hist_hi;
	bool has_hist;
	/* the run's bookkeeping */
	int order;			/* position in A's execution */
	int vid_a, vid_b;		/* value ids in the main graphs */
	struct gs_metrics_acc acc;
};

struct gs_compare {
	int n_pairs;
	struct gs_compare_pair *pairs;	/* in A's execution order, outputs last */
	int first_divergence;		/* pair index, or -1 */
	int outputs_failing;		/* output pairs beyond tolerance */
	int n_outputs;
	int64_t n_samples;
	bool has_labels;
	size_t peak_bytes;		/* evaluator tensors' high-water mark */
	struct gs_compare_opts opts;
};

int gs_compare_models(const struct gs_model *a, const struct gs_model *b,
		      const struct gs_match *match, const struct gs_sample_spec *spec,
		      const struct gs_compare_opts *opts, struct gs_compare *out,
		      struct gs_error *err);
void gs_compare_release(struct gs_compare *c);
/* The pair of match entry e (first in execution order), or NULL. */
const struct gs_compare_pair *gs_compare_of_entry(const struct gs_compare *c, int e);
/* The pair whose A or B tensor has this name, or NULL. */
const struct gs_compare_pair *gs_compare_of_tensor(const struct gs_compare *c, char side,
						   const char *name);
/* Metrics of b against reference a (same element count). */
void gs_compare_tensors(const struct gs_etensor *a, const struct gs_etensor *b,
			const struct gs_metrics_opts *opts, struct gs_metrics *out);
void gs_compare_print(const struct gs_compare *c, FILE *out);
json_t *gs_compare_json(const struct gs_compare *c);

#endif
