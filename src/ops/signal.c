/* Op family 'signal' of the registry (see graphsmith/ops.h). */
#include "ops/families.h"

const struct gs_op gs_ops_signal[] = {
	{ .name = NULL },
};
