/* ensemble [--weights W,...] [--combine HOW] SLOT|FILE...: B and other
 * models in one (the pass: src/transfer/ensemble-pass.c). */
#include "cmd/internal.h"

GS_PASS_COMMAND(ensemble, gs_pass_ensemble, GS_CMD_NEEDS_B | GS_CMD_MUTATES,
		"ensemble [--weights W1,W2,...] [--combine mean|softmax-mean|vote|concat] SLOT|FILE...",
		"Makes B an ensemble of itself and the models named (slots or files):\n"
		"B's inputs are shared (the others' matched by name, else by position,\n"
		"with adapters such as Cast, Reshape or a NHWC/NCHW Transpose where they\n"
		"expect another type), each other model's graph goes in under mK/, and\n"
		"output j of every model is combined into one: mean (weighted sum),\n"
		"softmax-mean (weighted mean of softmaxes over the last axis), vote\n"
		"(weighted majority of the argmax classes: the class index, plus\n"
		"NAME_votes with the weighted votes; ties go to the lowest class) or\n"
		"concat (along the last axis).  Weights, B's first, are normalized to\n"
		"sum 1.  One undoable step.");
