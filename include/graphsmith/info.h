/*
 * `graphsmith info`: a model's summary for people (text) and for scripts
 * (JSON).  Its figures (nodes, parameters, size, sparsity) are the ones a
 * step line gives (gs_model_figures); the sparsity reads each weight of
 * Conv, ConvTranspose, Gemm and MatMul once.
 */
#ifndef GRAPHSMITH_INFO_H
#define GRAPHSMITH_INFO_H

#include <stdio.h>
#include <jansson.h>

#include "graphsmith/ir.h"

struct gs_info_opts {
	int top_tensors;	/* how many of the largest tensors to list */
	bool ascii;		/* escape non-ASCII names too */
	uint64_t saved_size;	/* nonzero: an edited model's size as saved,
				 * shown instead of the loaded file's */
};

json_t *gs_info_json(const struct gs_model *m, const struct gs_info_opts *opts);
void gs_info_print(const struct gs_model *m, const struct gs_info_opts *opts, FILE *out);


#endif
