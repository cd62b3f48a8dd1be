/* history [save FILE]: B's steps with their numbers, or a replayable script. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/internal.h"
#include "graphsmith/history.h"

static void pct(char *buf, size_t len, double now, double then)
{
	if (then > 0)
		snprintf(buf, len, "%+.1f%%", 100.0 * (now - then) / then);
	else
		snprintf(buf, len, "-");
}

/* The output error of a step as table cells: cosine and SQNR of the
 * first output, accuracy; blanks when it was not measured. */
static void error_cells(const struct gs_step_stats *s, char *cos, char *db, char *acc, size_t len)
{
	snprintf(cos, len, "-");
	snprintf(db, len, "-");
	snprintf(acc, len, "-");
	if (s->out.state > 0 && s->out.n > 0) {
		snprintf(cos, len, "%.4f", s->out.cosine[0]);
		if (isinf(s->out.sqnr_db[0]) && s->out.sqnr_db[0] > 0)
			snprintf(db, len, "exact");
		else
			snprintf(db, len, "%.1f", s->out.sqnr_db[0]);
	} else if (s->out.state < 0) {
		snprintf(cos, len, "failed");
	}
	if (s->out.has_acc)
		snprintf(acc, len, "%.1f%%", 100.0 * s->out.acc);
}

static void show(struct gs_workspace *ws)
{
	const struct gs_history *h = ws->history;
	const struct gs_step_stats *b = gs_history_baseline(h);
	char sz[32], zs[32], dz[32], line[256], mem[32], cos[16], db[16], acc[16];
	int i, n = gs_history_count(h);

	gs_printf(ws, "%4s  %-32s %6s %10s %10s %10s %8s %8s %8s %7s %6s", "step", "command",
		  "nodes", "params", "bytes", "zstd", "vs base", "sparsity", "out cos", "SQNR dB",
		  "acc");
	for (i = 0; i <= n; i++) {
		const struct gs_step_stats *s = gs_history_stats(h, i);

		gs_format_bytes(s->bytes, sz, sizeof(sz));
		gs_format_bytes(s->zstd_bytes, zs, sizeof(zs));
		pct(dz, sizeof(dz), (double)s->zstd_bytes, (double)b->zstd_bytes);
		gs_escape(gs_history_line(h, i), line, sizeof(line));
		error_cells(s, cos, db, acc, sizeof(cos));
		if (i == 0 && s->out.has_acc)
			snprintf(cos, sizeof(cos), "base");
		gs_printf(ws, "%4d  %-32s %6d %10lld %10s %10s %8s %7.1f%% %8s %7s %6s", i, line,
			  s->nodes, (long long)s->params, sz, zs, i ? dz : "", 100.0 * s->sparsity,
			  cos, db, acc);
	}
	gs_printf(ws, "undo memory: %s", gs_format_bytes(gs_history_memory(h), mem, sizeof(mem)));
}

/* Writes the step lines as a script `apply -f` replays; atomically. */
static int save(struct gs_workspace *ws, const char *path, struct gs_error *err)
{
	const struct gs_history *h = ws->history;
	struct gs_atomic_file af;
	char pb[512];
	int i;

	if (gs_atomic_open(&af, path, err))
		return -1;
	fprintf(af.f, "# graphsmith history: %d steps; replay with graphsmith apply -f FILE\n",
		gs_history_count(h));
	for (i = 1; i <= gs_history_count(h); i++)
		fprintf(af.f, "%s\n", gs_history_line(h, i));
	if (gs_atomic_commit(&af, err))
		return -1;
	gs_printf(ws, "wrote %d steps to '%s'", gs_history_count(h), gs_escape(path, pb, sizeof(pb)));
	return 0;
}

static int history_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	if (!ws->history)
		return gs_error_set(err, "no model open (use 'open FILE')");
	if (argc == 1) {
		show(ws);
		return GS_CHANGED_NOTHING;
	}
	if (argc == 3 && !strcmp(argv[1], "save"))
		return save(ws, argv[2], err) < 0 ? -1 : GS_CHANGED_NOTHING;
	return gs_error_set(err, "usage: %s", gs_cmd_history.usage);
}

static const char *const history_words[] = { "save", NULL };

static enum gs_complete_kind history_complete(int argi, char **argv, const char *const **words)
{
	if (argi == 1) {
		*words = history_words;
		return GS_COMPLETE_WORDS;
	}
	return argi == 2 ? GS_COMPLETE_FILE : GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_history = {
	.name = "history",
	.alias = NULL,
	.usage = "history [save FILE]",
	.help = "Lists B's steps, the baseline first, each with nodes, parameters,\n"
		"saved bytes, bytes after zstd, weight sparsity, and the memory the\n"
		"undo history holds.  'history save FILE' writes the step commands\n"
		"as a script that 'graphsmith apply -f FILE' replays on this or\n"
		"another model.",
	.flags = GS_CMD_NEEDS_B,
	.exec = history_exec,
	.complete = history_complete,
};
