/*
 * opdoc: teaching notes for ONNX operators, loaded from data/ops.txt.
 *
 * The file is line oriented; every record runs from "op NAME" to "end".
 * Strings in the structs below point into memory owned by the db and live
 * until gs_opdoc_free().
 */
#ifndef GRAPHSMITH_OPDOC_H
#define GRAPHSMITH_OPDOC_H

#include <stdbool.h>
#include <stddef.h>

#define GS_OPDOC_DEFAULT_DOMAIN "ai.onnx"

struct gs_opdoc_io {
	const char *name;	/* without the '?' / '...' markers */
	bool optional;		/* written as "B?" */
	bool variadic;		/* written as "inputs..." */
	const char *desc;	/* may be "" */
};

struct gs_opdoc_attr {
	const char *name;
	const char *type;	/* int, ints, float, floats, string, strings, tensor, graph, graphs */
	const char *desc;	/* may be "" */
};

struct gs_opdoc {
	const char *op;
	const char *domain;	/* never NULL; "ai.onnx" when the file gives none */
	const char *summary;	/* never NULL */
	const char **formulas;
	size_t nformulas;
	const char **texts;	/* paragraph lines, in file order */
	size_t ntexts;
	struct gs_opdoc_io *inputs;
	size_t ninputs;
	struct gs_opdoc_io *outputs;
	size_t noutputs;
	struct gs_opdoc_attr *attrs;
	size_t nattrs;
	const char *see;	/* comma separated op names, or NULL */
	int line;		/* line of the "op" keyword, for diagnostics */
};

struct gs_opdoc_db;

/*
 * Load and validate a whole file.  On failure returns NULL and writes a
 * one-line message of the form "PATH:LINE: what went wrong" into err
 * (when err is non-NULL and errlen > 0).
 */
struct gs_opdoc_db *gs_opdoc_load(const char *path, char *err, size_t errlen);

/* domain NULL or "" means ai.onnx.  Returns NULL when the op is unknown. */
const struct gs_opdoc *gs_opdoc_find(const struct gs_opdoc_db *db,
				     const char *domain, const char *op);

/* Ops are kept sorted by (domain, op); gs_opdoc_at walks that order. */
size_t gs_opdoc_count(const struct gs_opdoc_db *db);
const struct gs_opdoc *gs_opdoc_at(const struct gs_opdoc_db *db, size_t i);

void gs_opdoc_free(struct gs_opdoc_db *db);

#endif
