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
/* A report line of a pass, escaped, to the FILE * ctx (stdout if NULL). */
/* Takes --allow-external-outside out of argv[1..] (it may come anywhere). */
void gs_cli_common_options(int *argc, char **argv);
void gs_cli_report_line(void *ctx, const char *line);
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

/* A report line of ensemble, compose, graft printed escaped (src/cli/ensemble.c). */
void gs_cli_report_line(void *ctx, const char *line);

#endif
