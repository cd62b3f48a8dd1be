/* `transplant [--only P] [--strict] [--skip-mismatched] SOURCE` as a pass
 * (graphsmith/pass.h) over gs_transplant: another model's or a weights
 * file's corresponding parameters copied into this one. */
#include "graphsmith/pass.h"
#include "graphsmith/transfer.h"

static const struct gs_pass_arg transplant_args[] = {
	{ .name = "--only", .metavar = "PATTERN", .type = GS_ARG_STRING,
	  .help = "the parameters whose name here or in the source matches (glob)" },
	{ .name = "--strict", .type = GS_ARG_FLAG,
	  .help = "refuse missing and unexpected tensors too" },
	{ .name = "--skip-mismatched", .type = GS_ARG_FLAG,
	  .help = "list shape mismatches instead of refusing" },
	{ .name = "source", .metavar = "SLOT|FILE", .type = GS_ARG_MODEL,
	  .flags = GS_ARG_WEIGHTS, .help = "a model, or a .safetensors or .npz weights file" },
	{ .name = NULL },
};

static int transplant_run(struct gs_model *m, const struct gs_pass_args *a,
			  const struct gs_pass_report *rep, struct gs_error *err)
{
	const struct gs_pass_value *src = gs_pass_get(a, "source");
	struct gs_transplant_opts o = { 0 };
	struct gs_transplant_stats st;
	struct gs_weights w = { 0 };
	int rc;

	o.only = gs_pass_get(a, "--only")->s;
	o.strict = gs_pass_get(a, "--strict")->set;
	o.skip_mismatched = gs_pass_get(a, "--skip-mismatched")->set;
	if (o.strict && o.skip_mismatched)
		return gs_error_set(err, "--strict and --skip-mismatched exclude each other");
	if (!src->model && gs_weights_read(src->s, &w, err))
		return -1;
	rc = gs_transplant(m, src->model, src->model ? NULL : &w, &o, gs_pass_detail, (void *)rep,
			   &st, err);
	gs_weights_release(&w);
	if (rc)
		return -1;
	gs_pass_say(rep, GS_REPORT_SUMMARY, "transplant: %d copied, %d unchanged, %d mismatched, "
		    "%d missing, %d unexpected, %d not selected", st.copied, st.unchanged,
		    st.mismatched, st.missing, st.unexpected, st.skipped);
	return st.copied;
}

const struct gs_pass gs_pass_transplant = {
	.name = "transplant",
	.args = transplant_args,
	.run = transplant_run,
};
