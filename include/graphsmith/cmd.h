/*
 * Commands: everything a person can do is a line of text.  The TUI binds
 * keys to command lines, the console types them, scripts and
 * `graphsmith apply` replay them.  A command runs against a workspace.
 *
 * Ownership: the workspace owns its models, match and history.  Commands
 * borrow the workspace for the duration of a call.
 */
#ifndef GRAPHSMITH_CMD_H
#define GRAPHSMITH_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "graphsmith/error.h"
#include "graphsmith/ir.h"
#include "graphsmith/match.h"
#include "graphsmith/onnx.h"

struct gs_history;
struct gs_opdoc_db;
struct gs_compare;
struct gs_pass;
struct gs_cmd_entry;

/* Where command output goes: stdout headless, the console pane in the TUI. */
enum gs_out_kind { GS_OUT_TEXT, GS_OUT_ERROR, GS_OUT_HEADING };

struct gs_output {
	void (*write)(void *ctx, enum gs_out_kind kind, const char *line);
	void *ctx;
};

/* What the TUI can be asked to do by commands such as `select`; NULL
 * headless, where those commands print instead. */
struct gs_view_ops {
	void (*select)(void *view, int side, const struct gs_graph *g, int node_id);
	void (*set_filter)(void *view, bool mismatches_only);
	void (*trace)(void *view);
	void (*explain)(void *view);
};

struct gs_workspace {
	struct gs_model *a;		/* the reference (baseline) */
	struct gs_model *b;		/* the model being worked on */
	char *path_a, *path_b;
	struct gs_match *match;		/* NULL when stale; see gs_workspace_match */
	unsigned match_gen;		/* bumped when a match is dropped: views
					 * holding its entries must rebuild */
	struct gs_match_opts match_opts;
	struct gs_history *history;
	bool unsaved;			/* B has edits not saved */
	bool quit;
	struct gs_output out;
	const struct gs_view_ops *view_ops;
	void *view;
	struct gs_load_opts_ref *unused;
	/* added by src/cmd (workspace.c): */
	struct gs_load_opts load_opts;	/* how gs_workspace_open loads */
	bool a_is_baseline;		/* A is the untouched second load of B */
	bool a_pending;			/* ... not loaded yet: gs_workspace_a() reads
					 * path_a the first time A is asked for */
	uint64_t a_file_id[4];		/* path_a's dev, inode, size, mtime then */
	bool no_undo;			/* steps keep no undo records (a headless
					 * script that never undoes) */
	bool no_measure;		/* steps are not measured (apply -q: no
					 * step line is shown) */
	char sel_side;			/* 'a' or 'b': the selected node, set by */
	const struct gs_graph *sel_graph; /* `select` and the TUI; used by */
	int sel_node;			/* `explain`/`trace` with no argument; -1 none */
	bool filter;			/* show mismatches only (the view's) */
	struct gs_opdoc_db *opdoc;	/* data/ops.txt, loaded on first `explain` */
	struct gs_probe *probe;		/* sample inputs, baseline outputs (probe.c) */
	struct gs_compare *compare;	/* the last `compare` of A and B, or NULL;
					 * dropped with the match */
	struct gs_slot *slots;		/* models beyond A and B (gs_workspace_model_arg) */
	int n_slots;
	char *shown[2];			/* slot names on the left and right (`show`);
					 * NULL: A and B.  Panes, match and compare
					 * use this pair; edits always go to B */
	const struct gs_cmd_entry *const *commands; /* what lines run: the table, */
	int n_commands;			/* handed in by gs_cmd_run when NULL, for
					 * `help`, `preview` and `redo` */
};

/* A model the workspace holds besides A and B: opened under a name, or
 * loaded once because a command named its file. */
struct gs_slot {
	char *name;			/* "C", "teacher", or the path as given */
	char *path;
	struct gs_model *model;
};

void gs_workspace_init(struct gs_workspace *ws);
void gs_workspace_release(struct gs_workspace *ws);
/* Opens a model into side 'a' or 'b'; one model opened alone becomes B with
 * an untouched copy as A (so every step shows as a diff). */
int gs_workspace_open(struct gs_workspace *ws, char side, const char *path, struct gs_error *err);
/* A, the reference.  B opened alone has its baseline loaded here the
 * first time something reads it (diff, compare, show, a pass that wants
 * the baseline): a headless run that never does pays nothing.  NULL when
 * there is none, or when the load failed (said through gs_eprintf). */
struct gs_model *gs_workspace_a(struct gs_workspace *ws);
/* Before path is overwritten: a baseline still to be read from it is
 * read now. */
void gs_workspace_keep_a(struct gs_workspace *ws, const char *path);
/* The model a command argument names: "A" or "B", another slot's name,
 * or a file path (loaded once, then kept as a slot named by the path).
 * Slot names are matched exactly (A/B either case).  NULL with err set. */
struct gs_model *gs_workspace_model_arg(struct gs_workspace *ws, const char *slot_or_file,
					struct gs_error *err);
/*
 * Slots.  A name is a letter then letters, digits, '_' or '-' (no '.' or
 * '/', so it never reads as a path).  An argument naming a model is
 * resolved as: A or B (either case), then a slot name, then a file path;
 * write ./NAME for a file whose name is also a slot's.
 */
bool gs_slot_name_ok(const char *name);
/* Loads path into slot name (A, B or another name), replacing what the
 * slot held; A and B go through gs_workspace_open. */
int gs_workspace_open_slot(struct gs_workspace *ws, const char *name, const char *path,
			   struct gs_error *err);
/* Frees slot name (never A or B); a shown slot gives way to A or B. */
int gs_workspace_close_slot(struct gs_workspace *ws, const char *name, struct gs_error *err);
/* Shows left and right (slot names or files) side by side; NULL: A or B. */
int gs_workspace_show(struct gs_workspace *ws, const char *left, const char *right,
		      struct gs_error *err);
/* The model shown on side 0 (left, the reference) or 1 (right), with its
 * slot name and path (either pointer may be NULL); NULL if none. */
struct gs_model *gs_workspace_shown(struct gs_workspace *ws, int side, const char **name,
				    const char **path);

/* Opens A and B at once (loaded in parallel); B's history starts empty. */
int gs_workspace_open_pair(struct gs_workspace *ws, const char *path_a, const char *path_b,
			   struct gs_error *err);
/* The current match, recomputed if an edit made it stale. */
struct gs_match *gs_workspace_match(struct gs_workspace *ws, struct gs_error *err);
void gs_workspace_invalidate(struct gs_workspace *ws);

/* The sample inputs steps are measured on: a .npz or test-data folder
 * (source), else random from seed; labels (.npy) add accuracy; off stops
 * measuring.  Runs B at once for the baseline's outputs. */
int gs_workspace_set_inputs(struct gs_workspace *ws, const char *source, uint64_t seed,
			    const char *labels, bool off, struct gs_error *err);
/* One line describing the sample inputs. */
int gs_workspace_inputs_info(struct gs_workspace *ws, char *buf, size_t len);
/* Around a mutating step: the baseline's outputs before the first step,
 * and the step's output error after it (attached to the history). */
void gs_workspace_probe_before(struct gs_workspace *ws);
void gs_workspace_probe_after(struct gs_workspace *ws);
void gs_workspace_probe_forget(struct gs_workspace *ws);	/* B is replaced */
/* Runs A and B once on the sample inputs (models up to 256 MB) so that
 * views show the shapes of values the files do not annotate. */
void gs_workspace_infer_shapes(struct gs_workspace *ws);
void gs_probe_free(struct gs_probe *p);

/* Runs A and B on the sample inputs and compares every pair of
 * corresponding tensors; the result stays in ws->compare. */
int gs_workspace_compare(struct gs_workspace *ws, double threshold_db, struct gs_error *err);

/* Output goes line by line to ws->out; with no writer, text to stdout and
 * errors to stderr as "graphsmith: LINE". */
void gs_printf(struct gs_workspace *ws, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gs_eprintf(struct gs_workspace *ws, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gs_oprintf(struct gs_workspace *ws, enum gs_out_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Path of a data file such as "ops.txt": $GRAPHSMITH_DATADIR, the
 * installed pkgdatadir, or data/ beside the build; malloc'd, NULL if none. */
char *gs_data_path(const char *name);

enum gs_cmd_flags {
	GS_CMD_NEEDS_B = 1 << 0,	/* a model must be open */
	GS_CMD_NEEDS_TWO = 1 << 1,	/* A and B must be open */
	GS_CMD_MUTATES = 1 << 2,	/* changes B: recorded as a history step */
	GS_CMD_VIEW = 1 << 3,		/* only meaningful in the TUI */
};

/* What a command changed, so the caller knows what to redraw. */
enum gs_cmd_changed {
	GS_CHANGED_NOTHING = 0,
	GS_CHANGED_VIEW = 1 << 0,
	GS_CHANGED_MODEL = 1 << 1,
	GS_CHANGED_QUIT = 1 << 2,
	GS_CHANGED_OPENED = 1 << 3,	/* a model was (re)loaded: rebuild all;
					 * not an edit, so B is not "unsaved" */
};

/* Completion of an argument: kinds the console knows how to complete. */
enum gs_complete_kind {
	GS_COMPLETE_NONE, GS_COMPLETE_NODE, GS_COMPLETE_OP, GS_COMPLETE_FILE,
	GS_COMPLETE_COMMAND, GS_COMPLETE_WORDS,
	GS_COMPLETE_SLOT,		/* a model: slot names, then files */
};

struct gs_cmd_entry {
	const char *name;
	const char *alias;
	const char *usage;		/* "prune magnitude SPARSITY [--global] [--only PATTERN]" */
	const char *help;		/* a paragraph */
	unsigned flags;			/* enum gs_cmd_flags */
	/* Returns a mask of enum gs_cmd_changed, or -1 with err set. */
	int (*exec)(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err);
	/* How to complete argument argi (1-based) given the words before it;
	 * for GS_COMPLETE_WORDS, *words is a NULL-terminated static list. */
	enum gs_complete_kind (*complete)(int argi, char **argv, const char *const **words);
	const struct gs_pass *pass;	/* a pass's command (GS_PASS_COMMAND), or NULL */
};

/* The table, resolved by exact name, alias or unique prefix. */
const struct gs_cmd_entry *const *gs_cmd_table(int *count);
const struct gs_cmd_entry *gs_cmd_find(const char *name, struct gs_error *err);

/*
 * The one lexer of command lines (src/cmd/split.c): words split at blanks,
 * quotes and backslashes as in a shell, '#' at the start of a word a
 * comment to the end of its line.  Lexes s[0..len) into *out (free with
 * gs_cmd_words_free); -1 with err on an open quote or a trailing
 * backslash.
 */
enum {
	GS_LEX_COMMAND = 1,		/* an unquoted ';' or newline ends the
					 * command: out->end says where */
	GS_LEX_PARTIAL = 2,		/* text being typed: an open quote or a
					 * trailing backslash ends the last word */
};
struct gs_cmd_words {
	int argc;
	char **argv;			/* argc malloc'd words, then NULL */
	bool *quoted;			/* per word: some of it was in quotes */
	size_t end;			/* where lexing stopped: len, ';' or '\n' */
	bool open;			/* the text ends in the last word (no blank
					 * after it): what completion completes */
};
int gs_cmd_lex(const char *s, size_t len, unsigned flags, struct gs_cmd_words *out,
	       struct gs_error *err);
void gs_cmd_words_free(struct gs_cmd_words *w);
/* The words of one line (gs_cmd_lex of it all, flags 0). */
int gs_cmd_split(const char *line, int *argc, char ***argv, struct gs_error *err);
void gs_cmd_free_argv(int argc, char **argv);

/* Runs one command line, or several separated by ';'.  Blank lines and
 * '#' comments do nothing.  Returns the changed mask, or -1 with err. */
int gs_cmd_run(struct gs_workspace *ws, const char *line, struct gs_error *err);
/* Whether a script (lines of ';'-separated commands) runs `undo` anywhere;
 * a word in quotes or a comment does not count. */
bool gs_cmd_script_undoes(const char *text);

/* Completion candidates for the word that ends at byte `point` of line:
 * command names and aliases for the first word of a command, then what
 * the command's complete() asks for.  *out is a malloc'd NULL-terminated
 * list of malloc'd whole words (free with gs_cmd_free_argv(n, *out)),
 * sorted and unique.  Returns their count. */
int gs_complete(struct gs_workspace *ws, const char *line, int point, char ***out);

#endif
