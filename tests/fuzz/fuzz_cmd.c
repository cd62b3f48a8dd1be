/*
 * Fuzz target for the command layer: the bytes are a console script, run
 * line by line as `graphsmith apply -f` does, on a workspace holding
 * data/cnn.onnx (B, with its baseline as A).  Scripts naming a path with
 * '/' are skipped so that no command reads or writes outside the scratch
 * folder, which is the working directory while the script runs.
 */
#include "graphsmith/cmd.h"
#include "fuzz.h"

#ifndef GS_FUZZ_DATADIR
#define GS_FUZZ_DATADIR "data"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);

static uint8_t *model;
static size_t model_len;

static void sink(void *ctx, enum gs_out_kind kind, const char *line)
{
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("GS_FUZZ_DATADIR");
	char path[4096];
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/cnn.onnx", dir ? dir : GS_FUZZ_DATADIR);
	if (!(f = fopen(path, "rb")) || fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) || !(model = malloc((size_t)len)) ||
	    fread(model, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "fuzz_cmd: cannot read '%s' (set GS_FUZZ_DATADIR)\n", path);
		exit(1);
	}
	fclose(f);
	model_len = (size_t)len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gs_workspace ws;
	struct gs_error err;
	char *text, *line, *nl, **words;
	const char *path;
	int n, cwd;

	if (size > 4096 || memchr(data, 0, size) || memchr(data, '/', size))
		return 0;
	/* the scratch folder is the working directory during the run only:
	 * libFuzzer resolves its corpus and artifact paths between runs */
	if ((cwd = open(".", O_RDONLY | O_DIRECTORY)) < 0 || chdir(gs_fuzz_dir()))
		abort();
	gs_fuzz_clear(gs_fuzz_dir());
	path = gs_fuzz_file("model.onnx", model, model_len);
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	gs_workspace_init(&ws);
	ws.out.write = sink;
	if (gs_workspace_open(&ws, 'b', path, &err))
		abort();
	/* line by line as apply's run_commands, but past errors: a refused
	 * command must leave a workspace the next one can use */
	for (line = text; line && !ws.quit; line = nl ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')))
			*nl = 0;
		/* completion at the end and in the middle, as the console asks */
		n = gs_complete(&ws, line, (int)strlen(line), &words);
		gs_cmd_free_argv(n, words);
		n = gs_complete(&ws, line, (int)strlen(line) / 2, &words);
		gs_cmd_free_argv(n, words);
		gs_cmd_run(&ws, line, &err);
	}
	gs_workspace_release(&ws);
	free(text);
	if (fchdir(cwd))
		abort();
	close(cwd);
	return 0;
}
