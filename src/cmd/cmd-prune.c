/* prune magnitude|nm|channels ...: pruning of B (see graphsmith/prune.h). */
#include <stdlib.h>
#include <string.h>

#include "cmd/internal.h"
#include "graphsmith/prune.h"
#include "graphsmith/recon.h"

static void prune_line(void *ctx, const char *line)
{
	gs_printf(ctx, "%s", line);
}

/* Takes --global and --only PATTERN out of argv, wherever they are. */
static int prune_options(int *argc, char **argv, struct gs_prune_opts *o, struct gs_error *err)
{
	int i, n = 0;

	for (i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--global")) {
			o->global = true;
		} else if (!strcmp(argv[i], "--only")) {
			if (i + 1 >= *argc)
				return gs_error_set(err, "prune: --only needs a pattern");
			o->only = argv[++i];
		} else if (!strncmp(argv[i], "--only=", 7)) {
			o->only = argv[i] + 7;
		} else if (!strcmp(argv[i], "--data") || !strcmp(argv[i], "--labels") ||
			   !strcmp(argv[i], "--threshold")) {
			if (i + 1 >= *argc)
				return gs_error_set(err, "prune: %s needs a value", argv[i]);
			if (argv[i][2] == 'd')
				o->data = argv[++i];
			else if (argv[i][2] == 'l')
				o->labels = argv[++i];
			else if (gs_prune_parse_ratio(argv[++i], &o->threshold, err) < 0)
				return -1;
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			return gs_error_set(err, "prune: unknown option '%s'", argv[i]);
		} else {
			argv[n++] = argv[i];
		}
	}
	*argc = n;
	return 0;
}

static int prune_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	struct gs_prune_opts o = { .note = prune_line, .ctx = ws };
	struct gs_act_norms act = { 0 };
	struct gs_prune_result r;
	const char *data;
	bool wanda;
	double x;
	int n, m, rc;

	if (gs_cmd_data_option(ws, "prune", false, &argc, argv, &data, NULL, err) < 0 ||
	    prune_options(&argc, argv, &o, err) < 0)
		return -1;
	o.data = data;
	if (argc == 2 && !strcmp(argv[1], "importance") && o.threshold > 0)
		argv[argc++] = (char *)"0";	/* the threshold decides */
	if (argc != 3)
		return gs_error_set(err, "usage: %s", gs_cmd_prune.usage);
	if (o.global && strcmp(argv[1], "magnitude") && strcmp(argv[1], "importance"))
		return gs_error_set(err, "prune: --global goes with 'magnitude' or 'importance'");
	/* --data on magnitude, nm, channels: activation-aware scores (Wanda),
	 * measured on B as it is; importance takes the data itself */
	wanda = data && strcmp(argv[1], "importance");
	if (wanda && !strcmp(argv[1], "magnitude") && gs_prune_parse_sparsity(argv[2], &x, err) < 0)
		return -1;
	if (wanda && gs_act_norms_collect(ws->b, data, &act, err) < 0)
		return -1;
	o.act = wanda ? &act : NULL;
	if (!strcmp(argv[1], "importance")) {
		rc = gs_prune_parse_sparsity(argv[2], &x, err);
		if (!rc)
			rc = gs_prune_importance(ws->b, x, &o, &r, err);
	} else if (!strcmp(argv[1], "magnitude")) {
		if (gs_prune_parse_sparsity(argv[2], &x, err) < 0)
			rc = -1;
		else
			rc = data ? gs_prune_wanda(ws->b, x, &o, &r, err) :
			     gs_prune_magnitude(ws->b, x, &o, &r, err);
	} else if (!strcmp(argv[1], "nm")) {
		rc = gs_prune_parse_nm(argv[2], &n, &m, err);
		if (!rc)
			rc = gs_prune_nm(ws->b, n, m, &o, &r, err);
	} else if (!strcmp(argv[1], "channels")) {
		rc = gs_prune_parse_ratio(argv[2], &x, err);
		if (!rc)
			rc = gs_prune_channels(ws->b, x, &o, &r, err);
	} else {
		rc = gs_error_set(err, "prune: unknown method '%s' (magnitude, nm, channels or "
				  "importance)", argv[1]);
	}
	gs_act_norms_free(&act);
	if (rc < 0)
		return -1;
	if (!strcmp(argv[1], "channels"))
		gs_printf(ws, "pruned %lld channels in %d layers (%d left alone)",
			  (long long)r.removed, r.layers, r.skipped);
	else
		gs_printf(ws, "pruned %d layers: %lld of %lld weights zero (%.1f%%)", r.layers,
			  (long long)r.zeroed, (long long)r.elements,
			  r.elements ? 100.0 * (double)r.zeroed / (double)r.elements : 0.0);
	return r.layers ? GS_CHANGED_MODEL : GS_CHANGED_NOTHING;
}

static const char *const prune_methods[] = { "magnitude", "nm", "channels", "importance", NULL };
static const char *const prune_flags[] = { "--global", "--only", "--data", "--labels",
					   "--threshold", NULL };
static const char *const prune_nm[] = { "2:4", "1:4", "4:8", NULL };

static enum gs_complete_kind prune_complete(int argi, char **argv, const char *const **words)
{
	if (argi == 1)
		*words = prune_methods;
	else if (argi == 2 && !strcmp(argv[1], "nm"))
		*words = prune_nm;
	else if (argi == 2)
		return GS_COMPLETE_NONE;
	else
		*words = prune_flags;
	return GS_COMPLETE_WORDS;
}

const struct gs_cmd_entry gs_cmd_prune = {
	.name = "prune",
	.alias = NULL,
	.usage = "prune magnitude SPARSITY [--global] [--only PATTERN] | nm N:M | channels RATIO"
		 " [--data FILE.npz] | importance [SPARSITY] --data FILE [--labels FILE]"
		 " [--threshold A] [--global]",
	.help = "Prunes the weights of Conv, ConvTranspose, Gemm and MatMul in B\n"
		"(biases and normalization parameters are left alone).\n"
		"magnitude: zeroes exactly floor(n * SPARSITY) weights of smallest\n"
		"magnitude in each layer, or across all layers with --global.\n"
		"nm N:M: keeps the N largest of every M consecutive weights along\n"
		"the reduction axis (2:4 is what sparse tensor cores run).\n"
		"channels RATIO: removes the output channels of lowest L1 norm of\n"
		"each Conv and Gemm for real, slicing bias, BatchNormalization,\n"
		"activations and the consumers' inputs; previews every shape change\n"
		"and says why a layer is left alone.  --only PATTERN picks layers by\n"
		"node or weight name (shell pattern).  --data FILE.npz on magnitude,\n"
		"nm and channels scores weights by |w| * ||x|| over the data (Wanda):\n"
		"magnitude then cuts within each output row, nm within groups,\n"
		"channels by the sum.\n"
		"importance: scores weights by squared gradients over --data,\n"
		"I = sum over samples and outputs j of (dy_j/dw)^2 (over the\n"
		"cross-entropy with --labels), and zeroes the SPARSITY lowest of each\n"
		"layer (--global: of all), or with --threshold A those below\n"
		"A * max(I); reports each layer's min/median/max score.",
	.flags = GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	.exec = prune_exec,
	.complete = prune_complete,
};
