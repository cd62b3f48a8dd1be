/* convert opset N [--dry-run] [--list]: opset conversion of B (the pass:
 * src/passes/convert-pass.c). */
#include "cmd/internal.h"

GS_PASS_COMMAND(convert, gs_pass_convert, GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	"convert opset N [--dry-run] [--list]",
	"Converts B to default-domain opset N (7 to 24), up or down one\n"
	"version at a time, rewriting every node whose op changed meaning or\n"
	"signature on the way: attributes that became inputs (Squeeze/Unsqueeze\n"
	"and Reduce* axes, Split, Clip, Pad, Slice, TopK, Dropout) and back,\n"
	"Upsample -> Resize (asymmetric coordinates kept), Softmax/LogSoftmax/\n"
	"Hardmax axis at 13, Scatter -> ScatterElements, GroupNormalization at\n"
	"21, LayerNormalization and Gelu decomposed below their opset.  The IR\n"
	"version moves with the opset (below IR 4 every initializer is listed\n"
	"as a graph input).  A node that cannot be converted exactly\n"
	"is refused with the reason, and then nothing changes.  --dry-run lists\n"
	"every rewrite and refusal and changes nothing; --list lists them too.\n"
	"The conversion is one undoable step.");
