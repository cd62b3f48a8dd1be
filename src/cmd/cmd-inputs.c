/* inputs [FILE.npz|DIR|random SEED|off] [--labels FILE.npy]: the sample
 * inputs every step's output error is measured on. */
#include <stdlib.h>
#include <string.h>

#include "cmd/internal.h"

static int inputs_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	const char *source = NULL, *labels = NULL;
	unsigned long long seed = 0;
	bool off = false, random = false;
	char info[600], *end;
	int i;

	if (argc == 1) {
		gs_workspace_inputs_info(ws, info, sizeof(info));
		gs_printf(ws, "%s", info);
		return GS_CHANGED_NOTHING;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--labels") && i + 1 < argc) {
			labels = argv[++i];
		} else if (!strcmp(argv[i], "off") && !source && !random) {
			off = true;
		} else if (!strcmp(argv[i], "random") && !source && !off) {
			random = true;
			if (i + 1 < argc && argv[i + 1][0] != '-') {
				seed = strtoull(argv[++i], &end, 10);
				if (*end)
					return gs_error_set(err, "random: the seed must be a number");
			}
		} else if (argv[i][0] != '-' && !source && !random && !off) {
			source = argv[i];
		} else {
			return gs_error_set(err, "usage: %s", gs_cmd_inputs.usage);
		}
	}
	if (gs_workspace_set_inputs(ws, source, seed, labels, off, err))
		return -1;
	gs_workspace_inputs_info(ws, info, sizeof(info));
	gs_printf(ws, "%s", info);
	return GS_CHANGED_VIEW;
}

static const char *const inputs_words[] = { "random", "off", "--labels", NULL };

static enum gs_complete_kind inputs_complete(int argi, char **argv, const char *const **words)
{
	if (argi >= 2 && !strcmp(argv[argi - 1], "--labels"))
		return GS_COMPLETE_FILE;
	if (argi == 1) {
		*words = inputs_words;
		return GS_COMPLETE_WORDS;
	}
	return GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_inputs = {
	.name = "inputs",
	.alias = NULL,
	.usage = "inputs [FILE.npz|DIR|random [SEED]|off] [--labels FILE.npy]",
	.help = "Sets the sample inputs every step is measured on: arrays keyed by\n"
		"input name in FILE.npz (samples along the first axis), ONNX test\n"
		"data (input_0.pb, ...) in DIR, or random inputs from SEED (the\n"
		"default: seed 0; float uniform in [-1,1), symbolic dims 1).  After\n"
		"each step its line says what the step did to the outputs against\n"
		"the baseline: cosine, SQNR and max abs of each output, and with\n"
		"--labels (one integer label per sample) the top-1 accuracy of the\n"
		"first output and its change.  'off' stops measuring.  With no\n"
		"argument, says what the inputs are.",
	.flags = GS_CMD_NEEDS_B,
	.exec = inputs_exec,
	.complete = inputs_complete,
};
