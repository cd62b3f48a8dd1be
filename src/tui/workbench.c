/*
 * `graphsmith A.onnx [B.onnx]`: the workbench.  Opens the workspace, sets
 * up the terminal (and makes sure it is given back on every way out),
 * then loops: draw a frame, read a key, hand it over (frame.c).  --replay
 * runs a key script on a virtual screen instead (replay.c) for frame
 * times and text dumps.
 */
#include <curses.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graphsmith/cli.h"
#include "tui/replay.h"
#include "tui/tui.h"

static const char usage[] =
	"usage: graphsmith [A.onnx] [B.onnx] [--inputs FILE.npz|DIR] [--labels FILE.npy]\n"
	"                  [--replay KEYS [--frames] [--dump] [--size WxH]]\n";

static void restore_hook(void)
{
	tui_term_restore();
}

static int open_models(struct gs_workspace *ws, int n, char **paths)
{
	struct gs_error err;

	if (n == 2 && gs_workspace_open_pair(ws, paths[0], paths[1], &err) < 0)
		goto fail;
	if (n == 1 && gs_workspace_open(ws, 'b', paths[0], &err) < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "graphsmith: %s\n", err.msg);
	return -1;
}

static void loop(struct tui *t)
{
	wint_t wch;
	int rc;

	timeout(250);	/* wake up to notice SIGINT/SIGTERM */
	while (!t->quit && !tui_signalled()) {
		tui_draw(t);
		rc = get_wch(&wch);
		if (rc == ERR)
			continue;
		tui_handle_key(t, (int)wch, rc == OK);
	}
}

int gs_cli_workbench(int argc, char **argv)
{
	struct gs_workspace ws;
	struct tui t;
	struct gs_replay_opts ro;
	struct gs_error err;
	char *paths[2];
	const char *inputs = NULL, *labels = NULL;
	int n_paths = 0, i, rc = 0;

	memset(&ro, 0, sizeof(ro));
	ro.lines = 40;
	ro.cols = 120;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--replay") && i + 1 < argc)
			ro.script = argv[++i];
		else if (!strcmp(argv[i], "--inputs") && i + 1 < argc)
			inputs = argv[++i];
		else if (!strcmp(argv[i], "--labels") && i + 1 < argc)
			labels = argv[++i];
		else if (!strcmp(argv[i], "--frames"))
			ro.frames = true;
		else if (!strcmp(argv[i], "--dump"))
			ro.dump = true;
		else if (!strcmp(argv[i], "--size") && i + 1 < argc &&
			 sscanf(argv[++i], "%dx%d", &ro.cols, &ro.lines) == 2)
			;
		else if (argv[i][0] == '-' || n_paths == 2) {
			fputs(usage, stderr);
			return 2;
		} else {
			paths[n_paths++] = argv[i];
		}
	}
	if (!ro.script && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "graphsmith: the workbench needs a terminal (stdin and stdout "
			"are not a tty); use 'graphsmith diff' or 'graphsmith apply' in scripts\n");
		return 2;
	}
	setlocale(LC_ALL, "");
	gs_workspace_init(&ws);
	ws.load_opts = gs_cli_load_opts;
	if (open_models(&ws, n_paths, paths) < 0) {
		gs_workspace_release(&ws);
		return 2;
	}
	if ((inputs || labels) && ws.b &&
	    gs_workspace_set_inputs(&ws, inputs, 0, labels, false, &err) < 0) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		gs_workspace_release(&ws);
		return 2;
	}
	gs_workspace_infer_shapes(&ws);	/* shapes the files leave out */
	if (tui_keys_load(&err) < 0) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		gs_workspace_release(&ws);
		return 2;
	}
	memset(&t, 0, sizeof(t));
	t.ws = &ws;
	tui_current = &t;
	gs_set_oom_hook(restore_hook);
	atexit(restore_hook);
	tui_install_signals();
	if (ro.script) {
		if (gs_replay_screen(&ro) < 0) {
			rc = 2;
			goto out;
		}
	} else {
		initscr();
	}
	tui_term_setup(&t);
	tui_console_init(&t);
	ws.out.write = tui_console_write;
	ws.out.ctx = &t;
	ws.view_ops = &tui_view_ops;
	ws.view = &t;
	getmaxyx(stdscr, t.lines, t.cols);
	tui_layout_screen(&t);
	tui_relayout(&t);
	if (ro.script) {
		rc = gs_replay_run(&t, &ro);
	} else {
		tui_progress_install(&t);
		loop(&t);
		tui_progress_remove();
	}
	tui_term_restore();
	if (ro.script)
		gs_replay_finish(&ro);
	if (tui_signalled())
		rc = 130;
	tui_console_release(&t);
out:
	tui_detail_release();
	tui_overlay_clear(&t);
	tui_free_layout(&t);
	free(t.expanded);
	tui_keys_free();
	ws.out.write = NULL;
	ws.view_ops = NULL;
	gs_workspace_release(&ws);
	tui_current = NULL;
	return rc;
}
