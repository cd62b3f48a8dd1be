/* `graphsmith apply [-c COMMANDS | -f SCRIPT] -o OUT MODEL`: the headless
 * runner of console commands; with no commands, a load and save. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <string.h>
#include <sys/stat.h>

#include "graphsmith/cli.h"
#include "graphsmith/cmd.h"

static const char usage_line[] =
	"usage: graphsmith apply [-c COMMANDS | -f SCRIPT] [-q] [--external-data]\n"
	"                        [--inputs FILE.npz|DIR] [--labels FILE.npy] [--in-place]\n"
	"                        -o OUT MODEL\n";

/* --inputs / --labels: the sample inputs steps are measured on */
static const char *inputs_opt, *labels_opt;
/* --in-place: -o may name the model being read */
static bool in_place;
/* -q: errors only, and so no step is measured */
static bool quiet;

/* -q's writer: what is not an error goes nowhere. */
static void errors_only(void *ctx, enum gs_out_kind kind, const char *line)
{
	(void)ctx;
	if (kind == GS_OUT_ERROR)
		fprintf(stderr, "graphsmith: %s\n", line);
}

/* Whether a and b name the same file (b need not exist). */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Scripts are text typed by people: anything bigger is not a script. */
#define SCRIPT_MAX ((size_t)16 << 20)

/* Reads a script, "-" being stdin; NULL with err set on failure.  A file
 * must be regular (a FIFO or /dev/zero would be read forever), and a NUL
 * byte is refused rather than silently ending the script there. */
static char *read_script(const char *path, struct gs_error *err)
{
	FILE *f = strcmp(path, "-") ? gs_fopen_regular(path, NULL, err) : stdin;
	char *buf = NULL;
	size_t len = 0, got;

	if (!f)
		return NULL;
	for (;;) {
		buf = gs_xrealloc(buf, len + 65536 + 1);
		got = fread(buf + len, 1, 65536, f);
		len += got;
		if (got < 65536 || len > SCRIPT_MAX)
			break;
	}
	buf[len] = 0;
	if (ferror(f))
		gs_error_set(err, "%s", strerror(errno));
	else if (len > SCRIPT_MAX)
		gs_error_set(err, "longer than %zu MiB: not a script", SCRIPT_MAX >> 20);
	else if (memchr(buf, 0, len))
		gs_error_set(err, "holds a NUL byte at offset %zu: not a text script",
			     (size_t)((char *)memchr(buf, 0, len) - buf));
	else
		goto out;
	free(buf);
	buf = NULL;
out:
	if (f != stdin)
		fclose(f);
	return buf;
}

/* Runs the commands line by line, so that an error can name its line;
 * the first error stops the run. */
static int run_commands(struct gs_workspace *ws, const char *name, char *text)
{
	struct gs_error err;
	char *line = text, *nl;
	int lineno = 0;

	while (line && !ws->quit) {
		lineno++;
		if ((nl = strchr(line, '\n')))
			*nl = 0;
		if (gs_cmd_run(ws, line, &err) < 0) {
			fflush(stdout);
			fprintf(stderr, "graphsmith: apply: %s:%d: %s\n", name, lineno, err.msg);
			return -1;
		}
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* The commands run on a workspace with MODEL as B and its file as A, the
 * baseline, read only if a command asks for it; B is saved to OUT only
 * when every command succeeded.  A script that never undoes keeps no
 * undo records. */
static int apply_commands(const char *model, const char *commands, const char *script,
			  const char *out, const struct gs_save_opts *save)
{
	struct gs_workspace ws;
	struct gs_error err;
	char *text, eb[512];
	int rc = 2;

	if (!in_place && same_file(model, out)) {
		fprintf(stderr, "graphsmith: apply: '%s' is the model being read: give another -o, "
			"or --in-place to replace it\n", gs_escape(out, eb, sizeof(eb)));
		return 2;
	}
	if (script && !(text = read_script(script, &err))) {
		char pb[512];

		fprintf(stderr, "graphsmith: apply: cannot read '%s': %s\n",
			gs_escape(script, pb, sizeof(pb)), err.msg);
		return 2;
	}
	if (!script)
		text = gs_xstrdup(commands);
	gs_workspace_init(&ws);
	ws.load_opts = gs_cli_load_opts;
	ws.no_undo = !gs_cmd_script_undoes(text);
	if (quiet) {
		ws.no_measure = true;
		ws.out.write = errors_only;
	}
	if (gs_workspace_open(&ws, 'b', model, &err) < 0)
		fprintf(stderr, "graphsmith: %s\n", err.msg);
	else if ((inputs_opt || labels_opt) &&
		 gs_workspace_set_inputs(&ws, inputs_opt, 0, labels_opt, false, &err) < 0)
		fprintf(stderr, "graphsmith: apply: %s\n", err.msg);
	else if (run_commands(&ws, script ? (strcmp(script, "-") ? script : "stdin") : "-c", text) < 0)
		;
	else if (ws.quit)
		/* the rest of the script was skipped: saving half of it would
		 * pass for the whole */
		fprintf(stderr, "graphsmith: apply: 'quit' ends a console session, not a script: "
			"the commands after it did not run and nothing was saved\n");
	else if (gs_onnx_save(ws.b, out, save, &err) < 0)
		fprintf(stderr, "graphsmith: %s\n", err.msg);
	else
		rc = 0;
	gs_workspace_release(&ws);
	free(text);
	return rc;
}

int gs_cli_apply(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "external-data", no_argument, NULL, 'e' },
		{ "allow-external-outside", no_argument, NULL, 'X' },
		{ "inputs", required_argument, NULL, 'i' },
		{ "labels", required_argument, NULL, 'l' },
		{ "in-place", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct gs_save_opts save = { GS_EXTERNAL_AUTO, 0, 0 };
	const char *commands = NULL, *script = NULL, *out = NULL;
	struct gs_error err;
	struct gs_model *m;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "c:f:o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': commands = optarg; break;
		case 'f': script = optarg; break;
		case 'o': out = optarg; break;
		case 'q': quiet = true; break;
		case 'e': save.external = GS_EXTERNAL_ALWAYS; break;
		case 'X': gs_cli_load_opts.allow_external_outside = true; break;
		case 'i': inputs_opt = optarg; break;
		case 'l': labels_opt = optarg; break;
		case 'I': in_place = true; break;
		case 'h': fputs(usage_line, stdout); return 0;
		default: fputs(usage_line, stderr); return 2;
		}
	}
	if (optind != argc - 1 || !out || (commands && script)) {
		fputs(usage_line, stderr);
		return 2;
	}
	if (commands || script)
		return apply_commands(argv[optind], commands, script, out, &save);
	if (!in_place && same_file(argv[optind], out)) {
		char eb[512];

		fprintf(stderr, "graphsmith: apply: '%s' is the model being read: give another -o, "
			"or --in-place to replace it\n", gs_escape(out, eb, sizeof(eb)));
		return 2;
	}
	if (!(m = gs_cli_load(argv[optind])))
		return 2;
	if (gs_onnx_save(m, out, &save, &err)) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		rc = 2;
	}
	gs_model_free(m);
	return rc;
}
