/* graphsmith: the command-line front door.  Thin by design: each
 * subcommand parses its options and calls into the library. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "graphsmith/info.h"
#include "graphsmith/onnx.h"

static const char usage_text[] =
	"usage: graphsmith [A.onnx [B.onnx]]           open the workbench\n"
	"       graphsmith info [--json] MODEL\n"
	"       graphsmith apply [-c COMMANDS | -f SCRIPT] -o OUT MODEL\n"
	"       graphsmith --help | --version\n"
	"\n"
	"Common options:\n"
	"  --allow-external-outside   accept external data outside the model's folder\n";

static int usage(FILE *out, int status)
{
	fputs(usage_text, out);
	return status;
}

static struct gs_load_opts load_opts;

static int cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "ascii", no_argument, NULL, 'a' },
		{ "top", required_argument, NULL, 't' },
		{ "allow-external-outside", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct gs_info_opts opts = { 10, false };
	struct gs_error err;
	struct gs_model *m;
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "jt:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'a': opts.ascii = true; break;
		case 't': opts.top_tensors = atoi(optarg); break;
		case 'X': load_opts.allow_external_outside = true; break;
		case 'h': return usage(stdout, 0);
		default: return usage(stderr, 2);
		}
	}
	if (optind != argc - 1)
		return usage(stderr, 2);
	m = gs_onnx_load(argv[optind], &load_opts, &err);
	if (!m) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		return 2;
	}
	if (json) {
		json_t *j = gs_info_json(m, &opts);

		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else {
		gs_info_print(m, &opts, stdout);
	}
	gs_model_free(m);
	return 0;
}

static int cmd_apply(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "commands", required_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "external-data", no_argument, NULL, 'e' },
		{ "allow-external-outside", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct gs_save_opts save = { GS_EXTERNAL_AUTO, 0, 0 };
	const char *commands = NULL, *script = NULL, *out = NULL;
	struct gs_error err;
	struct gs_model *m;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "c:f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': commands = optarg; break;
		case 'f': script = optarg; break;
		case 'o': out = optarg; break;
		case 'e': save.external = GS_EXTERNAL_ALWAYS; break;
		case 'X': load_opts.allow_external_outside = true; break;
		case 'h': return usage(stdout, 0);
		default: return usage(stderr, 2);
		}
	}
	if (optind != argc - 1 || !out || (commands && script))
		return usage(stderr, 2);
	m = gs_onnx_load(argv[optind], &load_opts, &err);
	if (!m) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		return 2;
	}
	if (commands || script) {
		fprintf(stderr, "graphsmith: apply: commands are not available in this build\n");
		rc = 2;
	} else if (gs_onnx_save(m, out, &save, &err)) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		rc = 2;
	}
	gs_model_free(m);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--help"))
		return usage(stdout, 0);
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("graphsmith %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "info"))
		return cmd_info(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "apply"))
		return cmd_apply(argc - 1, argv + 1);
	return usage(stderr, 2);
}
