/*
 * pass.h - the one interface of a model pass.
 *
 * A pass is a name, an argument spec, a run function and a report.  The
 * spec says what the words after the name are: positionals in order (a
 * sub-command keyword, one of a set of words, a number, a string, a model)
 * and --options anywhere after them.  One spec serves parsing (with the
 * error messages), completion, the usage line and the help text, so the
 * four cannot drift apart; src/cmd/pass-cmd.c turns a pass into a console
 * command with a few lines (GS_PASS_COMMAND in src/cmd/internal.h).
 *
 * The run function changes the model only through the journaled edits of
 * ir.h (so one console step undoes it), and never prints: every line goes
 * to the report, which holds raw model names (escape before printing).
 *
 * Ownership: parsed values borrow the argv they were parsed from.
 */
#ifndef GRAPHSMITH_PASS_H
#define GRAPHSMITH_PASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graphsmith/error.h"
#include "graphsmith/ir.h"

enum gs_pass_arg_type {
	GS_ARG_KEYWORD,		/* positional: exactly words[0], else the usage */
	GS_ARG_WORD,		/* one of words */
	GS_ARG_INT,		/* an integer within [min, max] when min < max */
	GS_ARG_FLOAT,		/* a finite number within [min, max] when min < max */
	GS_ARG_STRING,		/* any word (a pattern, a name) */
	GS_ARG_MODEL,		/* A, B, a slot name or a file (completed so) */
	GS_ARG_FLAG,		/* an option without a value */
};

struct gs_pass_arg {
	const char *name;	/* "--list" for an option, else the positional's
				 * name in messages ("opset", "fuse pattern") */
	const char *metavar;	/* how usage shows the value ("N"); NULL: words
				 * joined by '|' (WORD) or the keyword */
	enum gs_pass_arg_type type;
	const char *const *words;	/* KEYWORD, WORD: NULL-terminated */
	double min, max;
	const char *help;	/* one line for `help CMD`; NULL: none */
	unsigned flags;		/* GS_ARG_OPTIONAL, ... */
	/* Valid only when the first positional (a method) is one of these
	 * words, else refused ("prune: --global goes with 'magnitude' or
	 * 'importance'"); NULL: always. */
	const char *const *when;
	/* An option whose value may be followed by a number: that number is
	 * the value of the option named so ("--method percentile 99.9" is
	 * "--method percentile --percentile 99.9"); NULL: none. */
	const char *then;
};

/* gs_pass_arg.flags */
enum {
	GS_ARG_OPTIONAL = 1 << 0,	/* a positional that may be left out */
	GS_ARG_REQUIRED = 1 << 1,	/* an option that must be given (else the usage) */
	GS_ARG_REPEAT = 1 << 2,		/* the last positional, one or more times;
					 * an option: may be given several times
					 * (gs_pass_all; v[] holds the last) */
	GS_ARG_ANYWHERE = 1 << 3,	/* WORD: not a positional but an option
					 * without dashes, anywhere after the
					 * first positional (quantize's sym|asym) */
	GS_ARG_COPY = 1 << 4,		/* MODEL: the pass gets a private copy it may
					 * change (merge folds Conv+BN in it), which
					 * the caller frees after the run */
	GS_ARG_WEIGHTS = 1 << 5,	/* MODEL: or a weights file (.safetensors,
					 * .npz, see transfer.h), left unresolved
					 * (model NULL): the pass reads the file s */
};

/* A parsed argument: set, with the word and its number. */
struct gs_pass_value {
	bool set;
	const char *s;		/* the word as typed (NULL for a flag) */
	int64_t i;
	double f;
	struct gs_model *model;	/* MODEL: resolved by the caller (the console:
				 * gs_workspace_model_arg), else NULL */
};

#define GS_PASS_MAX_ARGS 16

struct gs_pass;

#define GS_PASS_MAX_LIST 16

struct gs_pass_args {
	const struct gs_pass *pass;
	int argc;		/* the words parsed (gs_pass_all reads them) */
	char **argv;
	struct gs_pass_value v[GS_PASS_MAX_ARGS];	/* as pass->args */
	/* The words of the GS_ARG_REPEAT positional, in order (v[] holds
	 * the first); models resolved as v[].model is. */
	int n_list;
	const char *list[GS_PASS_MAX_LIST];
	struct gs_model *list_models[GS_PASS_MAX_LIST];
	/* What the caller supplies besides the words (the console: from the
	 * workspace), for the passes whose flags ask for it. */
	const char *data;		/* GS_PASS_DATA_DEFAULT: the sample inputs
					 * set aside (`inputs FILE`), or NULL */
	const char *labels;		/* ... and their labels, or NULL */
	struct gs_model *baseline;	/* GS_PASS_BASELINE: A, or NULL */
	const int *a_of_b;		/* ... A's node for each node of the model
					 * (-1: none), or NULL without A */
	/* GS_PASS_FRESH, when not NULL: the pass leaves the model as it is
	 * and builds its result as a new model into *result (left NULL when
	 * it builds nothing, as compose --plan), which the caller frees: the
	 * headless ensemble and compose put every model under its prefix. */
	struct gs_model **result;
};

enum gs_report_kind {
	GS_REPORT_DETAIL,	/* one rewrite, one tensor... */
	GS_REPORT_NOTE,		/* something found but left alone, and why */
	GS_REPORT_SUMMARY,	/* the one line that sums the run up */
};

struct gs_pass_report {
	void (*line)(void *ctx, enum gs_report_kind kind, const char *text);
	void *ctx;
};

/* gs_pass.flags: what the pass needs from its caller besides the words */
enum {
	GS_PASS_DATA_DEFAULT = 1 << 0,	/* args->data/labels when --data is left out */
	GS_PASS_BASELINE = 1 << 1,	/* args->baseline and args->a_of_b */
	GS_PASS_FRESH = 1 << 2,		/* can build into a new model (args->result) */
};

struct gs_pass {
	const char *name;
	unsigned flags;
	/* in the order the usage shows them (positionals in their order);
	 * ends with a NULL name */
	const struct gs_pass_arg *args;
	/* Returns the number of changes (0: the model is as before), or -1
	 * with err set and the model unchanged. */
	int (*run)(struct gs_model *m, const struct gs_pass_args *args,
		   const struct gs_pass_report *report, struct gs_error *err);
};

/* Parses argv[1..argc) (argv[0] is the command's name).  Errors: the usage
 * line for a missing positional or a wrong keyword, else one line naming
 * the word ("unknown fuse pattern 'x'", "convert: opset 'x' is not a
 * positive integer", "fuse: unexpected argument 'x'"). */
int gs_pass_parse(const struct gs_pass *p, int argc, char **argv, struct gs_pass_args *out,
		  struct gs_error *err);
/* The value of the argument called name ("--list", "opset"); never NULL. */
const struct gs_pass_value *gs_pass_get(const struct gs_pass_args *a, const char *name);
/* The values of a GS_ARG_REPEAT option in the order given, at most max of
 * them into out; returns how many were given. */
int gs_pass_all(const struct gs_pass_args *a, const char *name, const char **out, int max);
/* The usage line the spec gives: "convert opset N [--dry-run] [--list]". */
const char *gs_pass_usage(const struct gs_pass *p, char *buf, size_t len);
/* One argument as the usage shows it: "[--alpha A]", "--from T1[,T2...]",
 * "[--map OUT_A=IN_B]...", "linear|slerp|..." (a positional's value). */
const char *gs_pass_arg_usage(const struct gs_pass_arg *a, char *buf, size_t len);
/* What word argi (1-based) of argv can be: the spec entry it falls on
 * (NULL past the end), and *is_value when it is an option's value. */
const struct gs_pass_arg *gs_pass_arg_at(const struct gs_pass *p, int argi, char **argv,
					 bool *is_value);

/* Formats one report line and hands it over (nothing when line is NULL). */
void gs_pass_say(const struct gs_pass_report *r, enum gs_report_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A report callback of the (void *ctx, const char *line) kind the passes'
 * engines take (transfer.h, combine.h, prune.h), ctx being the
 * struct gs_pass_report: each line a detail. */
void gs_pass_detail(void *report, const char *line);

/* The passes behind console commands (src/passes/PASS-pass.c). */
extern const struct gs_pass gs_pass_fuse;
extern const struct gs_pass gs_pass_convert;
extern const struct gs_pass gs_pass_prune;
extern const struct gs_pass gs_pass_reconstruct;
extern const struct gs_pass gs_pass_distill;
extern const struct gs_pass gs_pass_graft;
extern const struct gs_pass gs_pass_compose;
extern const struct gs_pass gs_pass_ensemble;
extern const struct gs_pass gs_pass_transplant;
extern const struct gs_pass gs_pass_merge;
extern const struct gs_pass gs_pass_quantize;

#endif
