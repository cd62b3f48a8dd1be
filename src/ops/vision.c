/* Op family 'vision' of the registry (see graphsmith/ops.h). */
#include "ops/families.h"

const struct gs_op gs_ops_vision[] = {
	{ .name = NULL },
};
