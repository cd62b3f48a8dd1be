/* `graphsmith help [CMD]`: the console's help without the workbench.
 * `graphsmith help --man` prints the man page's console section as troff
 * from the same command table, so the page cannot drift from `help`
 * (man/update-man.sh splices it in; tests/cli/man-sync.sh checks it). */
#include <stdio.h>
#include <string.h>

#include "graphsmith/cli.h"
#include "graphsmith/cmd.h"
#include "graphsmith/pass.h"

/* Text for a troff body: backslashes and hyphens escaped, a control
 * character at the start of a line defused. */
static void put_text(FILE *f, const char *s, size_t n)
{
	bool bol = true;
	size_t i;

	for (i = 0; i < n; i++) {
		if (bol && (s[i] == '.' || s[i] == '\''))
			fputs("\\&", f);
		bol = s[i] == '\n';
		if (s[i] == '\\')
			fputs("\\e", f);
		else if (s[i] == '-')
			fputs("\\-", f);
		else
			fputc(s[i], f);
	}
}

/* A usage line as a .TP tag: words in bold, metavariables (they start
 * with a capital) in italics, brackets and bars in roman. */
static void put_usage(FILE *f, const char *u)
{
	static const char seps[] = " []|";
	size_t n;

	while (*u) {
		n = strcspn(u, seps);
		if (!n) {
			fputc(*u++, f);
			continue;
		}
		fputs(*u >= 'A' && *u <= 'Z' ? "\\fI" : "\\fB", f);
		put_text(f, u, n);
		fputs("\\fR", f);
		u += n;
	}
	fputc('\n', f);
}

static void put_entry(FILE *f, const struct gs_cmd_entry *e)
{
	const struct gs_pass_arg *a;

	fputs(".TP\n", f);
	put_usage(f, e->usage);
	put_text(f, e->help, strlen(e->help));
	fputc('\n', f);
	if (e->alias)
		fprintf(f, "Alias: \\fB%s\\fR.\n", e->alias);
	if (!e->pass)
		return;
	fputs(".RS\n", f);
	for (a = e->pass->args; a->name; a++) {
		if (!a->help)
			continue;
		fputs(".TP\n\\fB", f);
		put_text(f, a->metavar ? a->metavar : a->name,
			 strlen(a->metavar ? a->metavar : a->name));
		fputs("\\fR\n", f);
		put_text(f, a->help, strlen(a->help));
		fputc('\n', f);
	}
	fputs(".RE\n", f);
}

int gs_cli_help(int argc, char **argv)
{
	const struct gs_cmd_entry *const *t;
	struct gs_workspace ws;
	struct gs_error err;
	int i, n, rc = 0;

	if (argc == 2 && !strcmp(argv[1], "--man")) {
		t = gs_cmd_table(&n);
		for (i = 0; i < n; i++)
			put_entry(stdout, t[i]);
		return 0;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fputs("usage: graphsmith help [CMD]\n", stderr);
		return 2;
	}
	gs_workspace_init(&ws);
	t = gs_cmd_table(&n);
	ws.commands = t;	/* what `help` lists, as gs_cmd_run hands it */
	ws.n_commands = n;
	for (i = 0; strcmp(t[i]->name, "help"); i++)
		;
	if (t[i]->exec(&ws, argc, argv, &err) < 0) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		rc = 2;
	}
	gs_workspace_release(&ws);
	return rc;
}
