/* The evaluator's plan, shared by plan.c (building it) and run.c (running it). */
#ifndef GS_EVAL_INTERNAL_H
#define GS_EVAL_INTERNAL_H

#include "graphsmith/eval.h"
#include "graphsmith/ops.h"

/* One graph's plan: built once, read by every run. */
struct eval_plan {
	struct gs_graph *g;
	int n_steps;
	int *steps;			/* node ids in execution order */
	const struct gs_op **ops;	/* by node id */
	int64_t *opsets;		/* by node id: the opset of its domain */
	int *reads;			/* by value id: reads in this graph, explicit
					 * and through subgraphs (implicit) */
	int **implicit;			/* by node id: values of g its subgraphs read,
					 * -1 terminated, or NULL */
	struct gs_etensor **params;	/* by value id: parameter tensors, made at
					 * first use and kept */
	bool *is_output;		/* by value id */
	/* speed, not semantics: a Relu that is the only reader of a
	 * GS_OP_EPILOGUE node's output runs inside that node */
	unsigned *epilogue;		/* by node id: enum gs_epilogue to apply */
	bool *absorbed;			/* by node id: a Relu done by its producer */
};

struct gs_eval {
	struct gs_model *m;
	int n_plans, plans_alloc;
	struct eval_plan **plans;	/* plans[0]: the main graph */
	int n_inputs;
	int *inputs;			/* main-graph value ids a run must be given */
	struct gs_eval_observer obs;
	bool has_obs;
	bool record_shapes;		/* gs_eval_record_shapes */
	const bool *reuse_skip;		/* gs_eval_set_reuse: by main-graph node id */
	struct gs_etensor *const *reuse_cached;	/* by main-graph value id */
};

/* The plan of graph g (built with the others by gs_eval_new). */
struct eval_plan *gs_eval_plan_of(const struct gs_eval *ev, const struct gs_graph *g);
/* A parameter's tensor (borrowed; the plan keeps it). */
struct gs_etensor *gs_eval_param(struct gs_eval *ev, struct eval_plan *p, int value_id,
				 struct gs_error *err);

#endif
