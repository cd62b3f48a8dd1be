/* The subcommands of the program, one entry point each (src/cli/, src/tui/). */
#ifndef GRAPHSMITH_CLI_H
#define GRAPHSMITH_CLI_H

#include "graphsmith/onnx.h"

/* Options every subcommand understands, parsed once in main(). */
extern struct gs_load_opts gs_cli_load_opts;

int gs_cli_info(int argc, char **argv);
int gs_cli_apply(int argc, char **argv);
int gs_cli_diff(int argc, char **argv);
int gs_cli_run(int argc, char **argv);
int gs_cli_compare(int argc, char **argv);
int gs_cli_distill(int argc, char **argv);
int gs_cli_merge(int argc, char **argv);
int gs_cli_transplant(int argc, char **argv);
int gs_cli_export(int argc, char **argv);
/* help [CMD] | help --man: the console commands, as text or as troff */
int gs_cli_help(int argc, char **argv);
/* Takes --allow-external-outside out of argv[1..] (it may come anywhere). */
void gs_cli_common_options(int *argc, char **argv);
int gs_cli_ensemble(int argc, char **argv);
int gs_cli_compose(int argc, char **argv);
int gs_cli_graft(int argc, char **argv);
int gs_cli_workbench(int argc, char **argv);	/* no subcommand: the TUI */

/* Loads or prints "graphsmith: <error>" and returns NULL. */
struct gs_model *gs_cli_load(const char *path);
/* Both at once (in parallel); on failure prints the first error, frees
 * whatever loaded and returns -1. */
int gs_cli_load_pair(const char *path_a, const char *path_b, struct gs_model **a,
		     struct gs_model **b);

/*
 * A pass as a subcommand (src/cli/pass.c): its spec parses the words (the
 * options are the console command's), -o OUT and --allow-external-outside
 * added; every model word is a file, loaded; the pass runs on one of them
 * (or builds a new model, GS_PASS_FRESH) and the result is saved to OUT.
 * Returns the exit status: 0, or 2 with one line on stderr.
 */
struct gs_pass;
struct gs_cli_pass {
	const struct gs_pass *pass;
	const char *operands;		/* the usage's model words: "MODEL1 MODEL2..." */
	const char *needs;		/* fewer than two: "needs at least two models" */
	bool target_last;		/* the pass runs on the last (compose: B) */
	const char *method_option;	/* the first positional given as this option
					 * ("--method linear"), or NULL */
	const char *no_out;		/* a flag that makes -o optional (--plan) */
};
int gs_cli_run_pass(const struct gs_cli_pass *c, int argc, char **argv);

#endif
