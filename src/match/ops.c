/*
 * Op type names to the small integers of ops.h.
 */
#include <stdlib.h>
#include <string.h>

#include "match/internal.h"

/* views store ids in bytes */
_Static_assert(OP_COUNT_ <= 256, "op ids must fit in unsigned char");

static const char *const names[OP_COUNT_] = {
	NULL,
#define X(name) #name,
	MATCH_OPS(X)
#undef X
};

int op_id(const char *op)
{
	int lo = 1, hi = OP_COUNT_ - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		/* most steps differ in the first letter: skip the call */
		int c = op[0] != names[mid][0] ? (unsigned char)op[0] - (unsigned char)names[mid][0] :
			strcmp(op, names[mid]);

		if (!c)
			return mid;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return OP_NONE;
}

const char *op_name(int id)
{
	return id > OP_NONE && id < OP_COUNT_ ? names[id] : NULL;
}

bool op_id_commutative(int id)
{
	switch (id) {
	case OP_Add: case OP_Mul: case OP_Max: case OP_Min: case OP_Sum: case OP_Mean:
	case OP_And: case OP_Or: case OP_Xor: case OP_Equal:
		return true;
	default:
		return false;
	}
}

bool op_commutative(const char *op)
{
	return op_id_commutative(op_id(op));
}
