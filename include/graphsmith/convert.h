/*
 * convert.h - default-domain opset conversion.
 *
 * gs_convert_opset moves a model one opset at a time (up or down) to the
 * target, rewriting every node whose op changed meaning or signature at
 * the version crossed: attributes that became inputs and back (Squeeze
 * axes, Clip min/max, Pad pads, Slice, TopK k, Split, Reduce* axes),
 * removed ops (Upsample -> Resize, Scatter -> ScatterElements), changed
 * defaults (Softmax/LogSoftmax/Hardmax axis at 13, Resize coordinate mode
 * at 11), new ops decomposed on the way down (LayerNormalization, Gelu).
 * Subgraphs (If/Loop/Scan bodies) are converted with their parents; other
 * domains are left alone.  The IR version moves with the opset (the ONNX
 * versioning table): raised to the target's on the way up, lowered to it
 * on the way down; below IR 4 every initializer is listed as an input of
 * its graph (subgraphs too), as IR < 4 requires.
 *
 * The conversion is all or nothing: every change goes through the
 * journaled edits of ir.h and reaches the model's journal only once the
 * whole conversion succeeded (one history step); on any refusal every
 * change is reverted and the model is as before.  A dry run converts,
 * reports and reverts.
 *
 * Report lines go to the callback, the pass never prints: with
 * GS_CONVERT_LIST one line per rewrite ("9 -> 10: Upsample 'up1' -> Resize
 * ..."), always one line per refusal ("refused: ...") and a summary last:
 *   converted opset 9 -> 13 (IR 4 -> 7): 2 Upsample -> Resize, 5 Clip, 1 Pad
 * Lines hold raw model names: escape before printing.
 */
#ifndef GRAPHSMITH_CONVERT_H
#define GRAPHSMITH_CONVERT_H

#include <stdint.h>

#include "graphsmith/error.h"
#include "graphsmith/ir.h"

/* Opsets the converter moves between. */
#define GS_CONVERT_MIN_OPSET 7
#define GS_CONVERT_MAX_OPSET 24

enum gs_convert_flags {
	GS_CONVERT_DRY_RUN = 1 << 0,	/* report, then revert everything */
	GS_CONVERT_LIST = 1 << 1,	/* one report line per rewrite */
};

typedef void (*gs_convert_report_fn)(void *ctx, const char *line);

/* Converts m's default-domain opset to target.  Returns the number of
 * rewritten nodes (>= 0; a dry run changes nothing whatever it returns),
 * or -1 with err naming the first refusal (all of them were reported) and
 * m unchanged.  report may be NULL. */
int gs_convert_opset(struct gs_model *m, int64_t target, unsigned flags,
		     gs_convert_report_fn report, void *ctx, struct gs_error *err);

#endif
