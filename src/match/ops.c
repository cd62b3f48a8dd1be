/*
 * Op type names to the small integers of ops.h, made once from the op
 * registry: the named ops first, then the registry's other names.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/ops.h"

struct id_name {
	const char *name;
	int id;
};

static const char *const named[OP_COUNT_] = {
	NULL,
#define X(name) #name,
	MATCH_NAMED_OPS(X)
#undef X
};

static const char *names[OP_MAX_];		/* by id */
static const struct gs_op *entry[OP_MAX_], *dflt_entry[OP_MAX_];
static bool comm[OP_MAX_];
static struct id_name by_name[OP_MAX_];		/* strcmp order, for gs_match_op_id */
static int n_ids;
static pthread_once_t ids_once = PTHREAD_ONCE_INIT;

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct id_name *)a)->name, ((const struct id_name *)b)->name);
}

struct collect {
	const struct gs_op **ops;
	int n, alloc;
};

static void collect_op(const struct gs_op *op, void *ctx)
{
	struct collect *c = ctx;

	GS_GROW(c->ops, c->n + 1, c->alloc);
	c->ops[c->n++] = op;
}

static int op_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct gs_op *const *)a)->name, (*(const struct gs_op *const *)b)->name);
}

static int find_name(const char *op)
{
	int lo = 0, hi = n_ids - 2;	/* by_name holds ids 1 .. n_ids - 1 */

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		const char *s = by_name[mid].name;
		/* most steps differ in the first letter: skip the call */
		int c = op[0] != s[0] ? (unsigned char)op[0] - (unsigned char)s[0] : strcmp(op, s);

		if (!c)
			return by_name[mid].id;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return OP_NONE;
}

static void make_ids(void)
{
	struct collect c = { NULL, 0, 0 };
	int i, id;

	gs_op_each(collect_op, &c);
	qsort(c.ops, (size_t)c.n, sizeof(*c.ops), op_cmp);
	for (i = 1; i < OP_COUNT_; i++)
		names[i] = named[i];
	n_ids = OP_COUNT_;
	for (i = 0; i < c.n; i++) {
		const char *s = c.ops[i]->name;
		bool seen = i > 0 && !strcmp(s, c.ops[i - 1]->name);

		for (id = 1; !seen && id < OP_COUNT_; id++)
			seen = !strcmp(s, named[id]);
		if (seen)
			continue;
		if (n_ids >= OP_MAX_) {
			fprintf(stderr, "graphsmith: the op registry has more than %d op names\n",
				OP_MAX_ - 1);
			abort();
		}
		names[n_ids++] = s;
	}
	for (id = 1; id < n_ids; id++) {
		by_name[id - 1].name = names[id];
		by_name[id - 1].id = id;
		entry[id] = dflt_entry[id] = gs_op_facts("", names[id]);
		/* a contrib op: the facts of its domain */
		for (i = 0; !entry[id] && i < c.n; i++)
			if (!strcmp(c.ops[i]->name, names[id]))
				entry[id] = gs_op_facts(c.ops[i]->domain, names[id]);
		if (!entry[id]) {
			fprintf(stderr, "graphsmith: matcher op '%s' is not in the op registry\n",
				names[id]);
			abort();
		}
		comm[id] = entry[id]->commutative;
	}
	free(c.ops);
	qsort(by_name, (size_t)n_ids - 1, sizeof(*by_name), name_cmp);
}

static inline void ensure_ids(void)
{
	pthread_once(&ids_once, make_ids);
}

int gs_match_op_id(const char *op)
{
	ensure_ids();
	return find_name(op);
}

const char *gs_match_op_name(int id)
{
	ensure_ids();
	return id > OP_NONE && id < n_ids ? names[id] : NULL;
}

bool gs_match_op_id_commutative(int id)
{
	ensure_ids();
	return id > OP_NONE && id < n_ids && comm[id];
}

const struct gs_op *gs_match_op_entry(int id)
{
	ensure_ids();
	return id > OP_NONE && id < n_ids ? entry[id] : NULL;
}

const struct gs_op *gs_match_op_default_entry(int id)
{
	ensure_ids();
	return id > OP_NONE && id < n_ids ? dflt_entry[id] : NULL;
}

bool gs_match_op_commutative(const char *op)
{
	return gs_match_op_id_commutative(gs_match_op_id(op));
}
