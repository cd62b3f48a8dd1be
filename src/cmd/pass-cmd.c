/* A pass as a console command (GS_PASS_COMMAND): its spec parses the words,
 * completes them and lists them in `help`; it runs on B as one step and
 * its report lines go to the console, escaped. */
#include <stdlib.h>
#include <string.h>

#include "cmd/internal.h"

static void report_line(void *ctx, enum gs_report_kind kind, const char *text)
{
	char buf[1024];

	gs_printf(ctx, "%s%s", kind == GS_REPORT_NOTE ? "note: " : "",
		  gs_escape(text, buf, sizeof(buf)));
}

int gs_pass_cmd_exec(struct gs_workspace *ws, const struct gs_pass *p, int argc, char **argv,
		     struct gs_error *err)
{
	struct gs_pass_report r = { report_line, ws };
	struct gs_pass_args a;
	int i, n;

	if (gs_pass_parse(p, argc, argv, &a, err) < 0)
		return -1;
	for (i = 0; p->args[i].name; i++)
		if (p->args[i].type == GS_ARG_MODEL && a.v[i].set &&
		    !(a.v[i].model = gs_workspace_model_arg(ws, a.v[i].s, err)))
			return -1;
	if ((n = p->run(ws->b, &a, &r, err)) < 0)
		return -1;
	return n ? GS_CHANGED_MODEL : GS_CHANGED_NOTHING;
}

enum gs_complete_kind gs_pass_cmd_complete(const struct gs_pass *p, int argi, char **argv,
					   const char *const **words)
{
	/* completion runs on one thread, one call at a time */
	static const char *options[GS_PASS_MAX_ARGS + 1];
	const struct gs_pass_arg *a;
	bool value;
	int i, n = 0;

	a = gs_pass_arg_at(p, argi, argv, &value);
	if (a && (value || strncmp(argv[argi], "--", 2))) {
		switch (a->type) {
		case GS_ARG_KEYWORD:
		case GS_ARG_WORD:
			*words = a->words;
			return GS_COMPLETE_WORDS;
		case GS_ARG_MODEL:
			return GS_COMPLETE_SLOT;
		default:
			return GS_COMPLETE_NONE;
		}
	}
	for (i = 0; p->args[i].name && n < GS_PASS_MAX_ARGS; i++)
		if (!strncmp(p->args[i].name, "--", 2))
			options[n++] = p->args[i].name;
	options[n] = NULL;
	*words = options;
	return n ? GS_COMPLETE_WORDS : GS_COMPLETE_NONE;
}

void gs_pass_cmd_help(struct gs_workspace *ws, const struct gs_pass *p)
{
	char name[64];
	int i;

	for (i = 0; p->args[i].name; i++) {
		const struct gs_pass_arg *a = &p->args[i];

		if (!a->help)
			continue;
		snprintf(name, sizeof(name), "%s", a->metavar ? a->metavar : a->name);
		gs_printf(ws, "  %-14s %s", name, a->help);
	}
}
