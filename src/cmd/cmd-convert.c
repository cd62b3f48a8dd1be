/* convert opset N [--dry-run] [--list]: opset conversion of B (graphsmith/convert.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/internal.h"
#include "graphsmith/convert.h"

static void convert_line(void *ctx, const char *line)
{
	char buf[1024];

	gs_printf(ctx, "%s", gs_escape(line, buf, sizeof(buf)));
}

static int convert_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	unsigned flags = 0;
	long long target = -1;
	char *end;
	int i, n;

	if (argc < 3 || strcmp(argv[1], "opset"))
		return gs_error_set(err, "usage: %s", gs_cmd_convert.usage);
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run")) {
			flags |= GS_CONVERT_DRY_RUN | GS_CONVERT_LIST;
		} else if (!strcmp(argv[i], "--list")) {
			flags |= GS_CONVERT_LIST;
		} else if (target < 0) {
			errno = 0;
			target = strtoll(argv[i], &end, 10);
			if (errno || end == argv[i] || *end || target <= 0)
				return gs_error_set(err, "convert: opset '%s' is not a positive integer",
						    argv[i]);
		} else {
			return gs_error_set(err, "convert: unexpected argument '%s'", argv[i]);
		}
	}
	if (target < 0)
		return gs_error_set(err, "convert: which opset? (convert opset N)");
	n = gs_convert_opset(ws->b, target, flags, convert_line, ws, err);
	if (n < 0)
		return -1;
	return n && !(flags & GS_CONVERT_DRY_RUN) ? GS_CHANGED_MODEL : GS_CHANGED_NOTHING;
}

static const char *const convert_words1[] = { "opset", NULL };
static const char *const convert_words[] = { "--dry-run", "--list", NULL };

static enum gs_complete_kind convert_complete(int argi, char **argv, const char *const **words)
{
	(void)argv;
	*words = argi == 1 ? convert_words1 : convert_words;
	return argi == 2 ? GS_COMPLETE_NONE : GS_COMPLETE_WORDS;
}

const struct gs_cmd_entry gs_cmd_convert = {
	.name = "convert",
	.alias = NULL,
	.usage = "convert opset N [--dry-run] [--list]",
	.help = "Converts B to default-domain opset N (7 to 24), up or down one\n"
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
		"The conversion is one undoable step.",
	.flags = GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	.exec = convert_exec,
	.complete = convert_complete,
};
