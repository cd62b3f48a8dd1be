/* The input options `run` and `compare` share (src/cli/sample-args.c). */
#ifndef GS_CLI_SAMPLE_ARGS_H
#define GS_CLI_SAMPLE_ARGS_H

#include "graphsmith/samples.h"

struct gs_sample_args {
	struct gs_sample_spec spec;
	char **copies;			/* NAME=VALUE strings split in place */
	int n_copies;
};

/* argc bounds how many options there can be. */
void gs_sample_args_init(struct gs_sample_args *a, int argc);
void gs_sample_args_release(struct gs_sample_args *a);
/* argv[*i] if it is an input option (with its value, *i moved past it):
 * 1 taken, 0 not an input option, -1 a bad value. */
int gs_sample_args_parse(struct gs_sample_args *a, int argc, char **argv, int *i);
/* After parsing: no inputs named means random ones. */
void gs_sample_args_finish(struct gs_sample_args *a);

#endif
