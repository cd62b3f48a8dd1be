/* Op family 'attention' of the registry (see graphsmith/ops.h). */
#include "ops/families.h"

const struct gs_op gs_ops_attention[] = {
	{ .name = NULL },
};
