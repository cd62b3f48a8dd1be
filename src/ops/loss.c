/* Op family 'loss' of the registry (see graphsmith/ops.h). */
#include "ops/families.h"

const struct gs_op gs_ops_loss[] = {
	{ .name = NULL },
};
