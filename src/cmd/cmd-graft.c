/* graft --from T1[,T2] --to T3[,T4] SLOT|FILE: a sub-graph of B replaced
 * (the pass: src/transfer/graft-pass.c). */
#include "cmd/internal.h"

GS_PASS_COMMAND(graft, gs_pass_graft, GS_CMD_NEEDS_B | GS_CMD_MUTATES,
		"graft --from T1[,T2...] --to T3[,T4...] SLOT|FILE",
		"Replaces the part of B between tensors T1,... and T3,... with the model\n"
		"named (a slot or a file), e.g. a new head on a backbone: its inputs read\n"
		"T1,... in order, its outputs become T3,... (names kept, so whatever read\n"
		"them reads the new part), adapters where the types differ; the nodes\n"
		"and initializers that then feed nothing are removed.  Refused with the\n"
		"reason when the counts or types do not fit or T1 lies after T3.  One\n"
		"undoable step.");
