/*
 * Internals shared by the files of src/cmd: node lookup by the spellings the
 * console accepts, node labels, and the switches for layers that are
 * being written at the same time as this one.
 */
#ifndef GS_CMD_INTERNAL_H
#define GS_CMD_INTERNAL_H

#include "graphsmith/cmd.h"
#include "graphsmith/pass.h"

/* The matcher (src/match) and the history (src/history) are linked in when
 * they exist; until then the paths that call them are compiled out. */
#ifndef GS_CMD_HAVE_MATCH
#define GS_CMD_HAVE_MATCH 1
#endif
#ifndef GS_CMD_HAVE_HISTORY
#define GS_CMD_HAVE_HISTORY 1
#endif

/* Every command entry, from the one list. */
#define GS_COMMAND(n) extern const struct gs_cmd_entry gs_cmd_##n;
#include "cmd/commands.def"
#undef GS_COMMAND

/* The entry of table[0..n) that name spells (lookup.c): exact name, alias
 * or unique prefix; NULL with err set ("unknown command", "ambiguous"). */
const struct gs_cmd_entry *gs_cmd_lookup(const struct gs_cmd_entry *const *table, int n,
					 const char *name, struct gs_error *err);
/* gs_cmd_run against the commands ws->commands holds (run.c); for
 * commands that run lines, such as `redo`. */
int gs_cmd_dispatch(struct gs_workspace *ws, const char *line, struct gs_error *err);

struct gs_node_ref {
	char side;			/* 'a' or 'b' */
	struct gs_model *m;
	struct gs_graph *g;
	int node;
};

/* The model shown on side 'a' (left) or 'b' (right), or NULL: A and B
 * unless `show` picked other slots. */
struct gs_model *gs_ws_model(struct gs_workspace *ws, char side);
/* m's size as `save` would write it inline: the loaded file's size until
 * B has steps, then the packed size the step lines give. */
uint64_t gs_ws_saved_size(struct gs_workspace *ws, struct gs_model *m);
/* "A"/"a" -> 'a', "B"/"b" -> 'b', anything else 0. */
char gs_parse_side(const char *s);

/*
 * Finds a node of side's model by: exact node name (any graph), OP:K (the
 * K-th node of op type OP in the main graph, 0-based, as labels show
 * unnamed nodes), @ID (node id), the name of a value it produces, or a unique name
 * prefix.  Fails with "no node 'X' in B" or "ambiguous node 'X': ...".
 */
int gs_ws_find_node(struct gs_workspace *ws, char side, const char *spec,
		    struct gs_node_ref *out, struct gs_error *err);

/* A node's name, or "OP:K" when it has none; escaped for the terminal. */
const char *gs_node_label(const struct gs_graph *g, const struct gs_node *n, char *buf, size_t len);
/* The unnamed node's part of that label, "OP:K", unescaped, when its K
 * (earlier nodes of the same op type, tombstones included) is known. */
const char *gs_node_op_label(const struct gs_node *n, int k, char *buf, size_t len);
/* K of each node of a graph in one pass over it, in id order. */
struct gs_op_counter {
	struct gs_strmap seen;	/* op type -> nodes so far */
};
void gs_op_counter_init(struct gs_op_counter *c);
int gs_op_counter_next(struct gs_op_counter *c, const struct gs_node *n);
void gs_op_counter_release(struct gs_op_counter *c);

/* An attribute's value as text: 3, 0.5, 'NOTSET', [1,1], tensor float32 [3]. */
const char *gs_format_attr(const struct gs_attr *a, char *buf, size_t len);

/* Strips the '!' of a "CMD!" word (CMD --force, as in vi); true if any. */
bool gs_cmd_take_bang(char *word);
/* Parses a leading --force / -f (or the "CMD!" spelling run turns into it);
 * returns true and removes it from argv when present. */
bool gs_take_flag(int *argc, char **argv, const char *flag);

/* Takes --data FILE and --labels FILE (labels may be NULL: not taken) out
 * of argv.  Without --data and with fallback (steps that need data), *data
 * is the workspace's sample inputs when they are a .npz (and *labels
 * theirs), else NULL. */
int gs_cmd_data_option(struct gs_workspace *ws, const char *cmd, bool fallback, int *argc,
		       char **argv, const char **data, const char **labels, struct gs_error *err);

/* The probe's state (ws->probe): kept by probe-state.c, filled by probe.c. */
struct gs_etensor;
struct gs_probe {
	bool off;			/* `inputs off` */
	char *source;			/* .npz or test-data folder; NULL: random */
	uint64_t seed;
	char *labels_path;
	const struct gs_model *base_of;	/* the B the baseline outputs belong to */
	int n_base;
	struct gs_etensor **base;	/* NULL until measured */
	int64_t n_samples;
	/* the baseline run's activations of B's main graph, by value id, so
	 * that a step's measurement re-runs only what the step changed */
	struct gs_etensor **cache;
	const struct gs_tensor **cache_param;	/* by value id: params then */
	int cache_values, cache_nodes;	/* B's sizes then */
	size_t cache_bytes;
};
/* Drops the baseline's outputs and cached activations (not the settings). */
void gs_probe_drop_base(struct gs_probe *p);

/* The sample inputs' .npz (and their labels into *labels), or NULL. */
const char *gs_workspace_data_source(struct gs_workspace *ws, const char **labels);
/*
 * A pass as a console command (src/cmd/pass-cmd.c): the pass's spec parses,
 * completes and documents the words; the pass runs on B.  usage must be
 * the line gs_pass_usage gives (tests/unit/test_cmd.c checks it):
 *   GS_PASS_COMMAND(fuse, gs_pass_fuse, GS_CMD_NEEDS_B | GS_CMD_MUTATES,
 *                   "fuse affine|...|all", "Rewrites ...");
 */
int gs_pass_cmd_exec(struct gs_workspace *ws, const struct gs_pass *p, int argc, char **argv,
		     struct gs_error *err);
enum gs_complete_kind gs_pass_cmd_complete(const struct gs_pass *p, int argi, char **argv,
					   const char *const **words);
/* The spec's argument lines, for `help CMD`. */
void gs_pass_cmd_help(struct gs_workspace *ws, const struct gs_pass *p);

#define GS_PASS_COMMAND(cmd, pass_, flags_, usage_, help_) \
	static int cmd##_exec(struct gs_workspace *ws, int argc, char **argv, \
			      struct gs_error *err) \
	{ \
		return gs_pass_cmd_exec(ws, &(pass_), argc, argv, err); \
	} \
	static enum gs_complete_kind cmd##_complete(int argi, char **argv, \
						    const char *const **words) \
	{ \
		return gs_pass_cmd_complete(&(pass_), argi, argv, words); \
	} \
	const struct gs_cmd_entry gs_cmd_##cmd = { \
		.name = #cmd, .usage = usage_, .help = help_, .flags = flags_, \
		.exec = cmd##_exec, .complete = cmd##_complete, .pass = &(pass_), \
	}

#endif
