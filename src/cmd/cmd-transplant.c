/* transplant [--only P] [--strict | --skip-mismatched] SOURCE: SOURCE's
 * corresponding parameters copied into B, one step. */
#include <string.h>

#include "cmd/internal.h"
#include "graphsmith/transfer.h"

static int transplant_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	struct gs_transplant_args a;
	struct gs_transplant_stats st;
	struct gs_weights w = { 0 };
	struct gs_model *src = NULL;
	int rc;

	if (gs_transplant_args_parse(argc - 1, argv + 1, false, &a, err))
		return -1;
	if (gs_weights_is_file(a.files[0])) {
		if (gs_weights_read(a.files[0], &w, err))
			return -1;
	} else if (!(src = gs_workspace_model_arg(ws, a.files[0], err))) {
		return -1;
	}
	rc = gs_transplant(ws->b, src, src ? NULL : &w, &a.o, gs_cmd_report_line, ws, &st, err);
	gs_weights_release(&w);
	if (rc)
		return -1;
	gs_printf(ws, "transplant: %d copied, %d unchanged, %d mismatched, %d missing, "
		  "%d unexpected", st.copied, st.unchanged, st.mismatched, st.missing,
		  st.unexpected);
	return st.copied ? GS_CHANGED_MODEL : GS_CHANGED_NOTHING;
}

static enum gs_complete_kind transplant_complete(int argi, char **argv, const char *const **words)
{
	(void)argi;
	(void)argv;
	(void)words;
	return GS_COMPLETE_FILE;
}

const struct gs_cmd_entry gs_cmd_transplant = {
	.name = "transplant",
	.alias = NULL,
	.usage = "transplant [--only PATTERN] [--strict | --skip-mismatched] SLOT|FILE",
	.help = "Copies the corresponding parameters of another model (a slot or an\n"
		".onnx file, paired through the correspondence) or of a weights file\n"
		"(.safetensors or .npz: by name first, then by shape in order, Linear\n"
		"weights stored transposed recognised) into B.  Reports what was\n"
		"copied, missing (B parameters nothing fills), unexpected (source\n"
		"tensors unused) and mismatched.  A shape mismatch refuses the whole\n"
		"step unless --skip-mismatched; --strict also refuses missing and\n"
		"unexpected tensors.  --only copies the parameters whose B or source\n"
		"name matches the glob PATTERN.",
	.flags = GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	.exec = transplant_exec,
	.complete = transplant_complete,
};
