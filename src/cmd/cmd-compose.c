/* compose [--map OUT_A=IN_B]... [--plan] SLOT|FILE: a model put in front of
 * B (the pass: src/transfer/compose-pass.c). */
#include "cmd/internal.h"

GS_PASS_COMMAND(compose, gs_pass_compose, GS_CMD_NEEDS_B | GS_CMD_MUTATES,
		"compose [--map OUT_A=IN_B]... [--plan] SLOT|FILE",
		"Puts the model named (a slot or a file) in front of B: its inputs\n"
		"become B's, and each input of B reads the output --map names (several\n"
		"outputs mapped to one input are concatenated), else the output of its\n"
		"name, else the one at its position.  Adapters are chosen from dtypes and\n"
		"shapes, symbolic dims included: Cast, Squeeze/Unsqueeze, Transpose\n"
		"between NHWC and NCHW, Resize of the spatial size, Flatten/Reshape,\n"
		"Concat.  --plan prints them and changes nothing; where none fits the\n"
		"command refuses with the reason.  One undoable step.");
