/*
 * Internals shared by the files of src/cmd: node lookup by the spellings the
 * console accepts, node labels, and the switches for layers that are
 * being written at the same time as this one.
 */
#ifndef GS_CMD_INTERNAL_H
#define GS_CMD_INTERNAL_H

#include "graphsmith/cmd.h"

/* The matcher (src/match) and the history (src/history) are linked in when
 * they exist; until then the paths that call them are compiled out. */
#ifndef GS_CMD_HAVE_MATCH
#define GS_CMD_HAVE_MATCH 1
/* A report line of a pass printed (escaped) to the workspace ws (ctx). */
void gs_cmd_say(void *ws, const char *line);

#endif
#ifndef GS_CMD_HAVE_HISTORY
#define GS_CMD_HAVE_HISTORY 1
/* A report line of a pass printed (escaped) to the workspace ws (ctx). */
void gs_cmd_say(void *ws, const char *line);

#endif

/* Every command entry, from the one list. */
#define GS_COMMAND(n) extern const struct gs_cmd_entry gs_cmd_##n;
#include "cmd/commands.def"
#undef GS_COMMAND

struct gs_node_ref {
	char side;			/* 'a' or 'b' */
	struct gs_model *m;
	struct gs_graph *g;
	int node;
};

/* The model of side 'a' or 'b', or NULL. */
struct gs_model *gs_ws_model(struct gs_workspace *ws, char side);
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

/* An attribute's value as text: 3, 0.5, 'NOTSET', [1,1], tensor float32 [3]. */
const char *gs_format_attr(const struct gs_attr *a, char *buf, size_t len);

/* Parses a leading --force / -f (or the "CMD!" spelling run turns into it);
 * returns true and removes it from argv when present. */
bool gs_take_flag(int *argc, char **argv, const char *flag);

/* A pass's report line, escaped, to the workspace ws (ctx). */
void gs_cmd_report_line(void *ctx, const char *line);
/* A private copy of the model a word names (slot or file), loaded afresh
 * from its file: merge may fold it. */
struct gs_model *gs_cmd_model_copy(struct gs_workspace *ws, const char *word,
				   struct gs_error *err);

#endif
