/* Naming nodes on the command line: names, unique prefixes, OP:K labels
 * for the many exporters that leave nodes unnamed. */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/info.h"
#include "cmd/internal.h"

const char *gs_node_op_label(const struct gs_node *n, int k, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%d", n->op_type, k);
	return buf;
}

void gs_op_counter_init(struct gs_op_counter *c)
{
	gs_strmap_init(&c->seen);
}

int gs_op_counter_next(struct gs_op_counter *c, const struct gs_node *n)
{
	int k = gs_strmap_get(&c->seen, n->op_type);

	gs_strmap_put(&c->seen, n->op_type, k < 0 ? 1 : k + 1);
	return k < 0 ? 0 : k;
}

void gs_op_counter_release(struct gs_op_counter *c)
{
	gs_strmap_release(&c->seen);
}

const char *gs_node_label(const struct gs_graph *g, const struct gs_node *n, char *buf, size_t len)
{
	char tmp[256];
	int i, k = 0;

	if (n->name && n->name[0])
		return gs_escape(n->name, buf, len);
	/* counting tombstones too keeps labels stable across edits */
	for (i = 0; i < n->id; i++)
		if (!strcmp(g->nodes[i]->op_type, n->op_type))
			k++;
	return gs_escape(gs_node_op_label(n, k, tmp, sizeof(tmp)), buf, len);
}

struct search {
	const char *spec;
	size_t len;
	struct gs_graph *exact_g, *prefix_g;
	int exact, prefix, hits;
	char list[256];
};

static int search_graph(struct gs_graph *g, void *ctx)
{
	struct search *s = ctx;
	char eb[96];
	size_t o;
	int i;

	for (i = 0; i < g->n_nodes; i++) {
		const struct gs_node *n = g->nodes[i];

		if (n->removed || !n->name || !n->name[0])
			continue;
		if (s->exact < 0 && !strcmp(n->name, s->spec)) {
			s->exact = i;
			s->exact_g = g;
		} else if (!strncmp(n->name, s->spec, s->len)) {
			if (!s->hits++) {
				s->prefix = i;
				s->prefix_g = g;
			}
			o = strlen(s->list);
			if (s->hits <= 3)
				snprintf(s->list + o, sizeof(s->list) - o, "%s'%s'",
					 s->hits > 1 ? ", " : "", gs_escape(n->name, eb, sizeof(eb)));
			else if (s->hits == 4)
				snprintf(s->list + o, sizeof(s->list) - o, ", ...");
		}
	}
	return 0;
}

/* "OP:K" -> the K-th node of op OP in g (tombstones counted), or -1. */
static int by_label(const struct gs_graph *g, const char *spec)
{
	const char *colon = strrchr(spec, ':');
	char *end;
	long k;
	int i;

	if (!colon || colon == spec || !colon[1])
		return -1;
	k = strtol(colon + 1, &end, 10);
	if (*end || k < 0)
		return -1;
	for (i = 0; i < g->n_nodes; i++) {
		const struct gs_node *n = g->nodes[i];

		if (strlen(n->op_type) != (size_t)(colon - spec) ||
		    strncmp(n->op_type, spec, (size_t)(colon - spec)))
			continue;
		if (!k--)
			return n->removed ? -1 : i;
	}
	return -1;
}

int gs_ws_find_node(struct gs_workspace *ws, char side, const char *spec,
		    struct gs_node_ref *out, struct gs_error *err)
{
	struct gs_model *m = gs_ws_model(ws, side);
	struct search s;
	struct gs_graph *g;
	char eb[128];
	int id = -1, v;

	if (!m)
		return gs_error_set(err, "no model open as %c", side == 'a' ? 'A' : 'B');
	g = m->graph;
	memset(&s, 0, sizeof(s));
	s.spec = spec;
	s.len = strlen(spec);
	s.exact = s.prefix = -1;
	if (spec[0] == '@' && spec[1]) {
		char *end;
		long l = strtol(spec + 1, &end, 10);

		if (!*end && l >= 0 && l < g->n_nodes && !g->nodes[l]->removed)
			id = (int)l;
	}
	if (id < 0 && s.len)
		gs_graph_walk(g, search_graph, &s);
	if (id < 0 && s.exact >= 0) {
		id = s.exact;
		g = s.exact_g;
	}
	if (id < 0)
		id = by_label(g, spec);
	if (id < 0 && (v = gs_graph_find_value(g, spec)) >= 0 && g->values[v]->producer >= 0 &&
	    !g->nodes[g->values[v]->producer]->removed)
		id = g->values[v]->producer;
	if (id < 0 && s.hits == 1) {
		id = s.prefix;
		g = s.prefix_g;
	}
	if (id < 0 && s.hits > 1)
		return gs_error_set(err, "ambiguous node '%s': could be %s",
				    gs_escape(spec, eb, sizeof(eb)), s.list);
	if (id < 0)
		return gs_error_set(err, "no node '%s' in %c", gs_escape(spec, eb, sizeof(eb)),
				    side == 'a' ? 'A' : 'B');
	out->side = side;
	out->m = m;
	out->g = g;
	out->node = id;
	return 0;
}

bool gs_take_flag(int *argc, char **argv, const char *flag)
{
	bool found = false;
	int i, j;

	for (i = j = 1; i < *argc; i++) {
		if (!strcmp(argv[i], flag))
			found = true;
		else
			argv[j++] = argv[i];
	}
	*argc = j;
	argv[j] = NULL;
	return found;
}

const char *gs_format_attr(const struct gs_attr *a, char *buf, size_t len)
{
	char eb[256], db[128];
	size_t o = 0;
	int i;

	buf[0] = 0;
	switch (a->type) {
	case GS_ATTR_INT:
		snprintf(buf, len, "%lld", (long long)a->i);
		break;
	case GS_ATTR_FLOAT:
		snprintf(buf, len, "%g", (double)a->f);
		break;
	case GS_ATTR_STRING:
		snprintf(buf, len, "'%s'", gs_escape(a->s, eb, sizeof(eb)));
		break;
	case GS_ATTR_INTS:
	case GS_ATTR_FLOATS:
	case GS_ATTR_STRINGS:
		o += (size_t)snprintf(buf, len, "[");
		for (i = 0; i < a->n && o < len; i++) {
			const char *sep = i ? "," : "";

			if (a->type == GS_ATTR_INTS)
				o += (size_t)snprintf(buf + o, len - o, "%s%lld", sep, (long long)a->ints[i]);
			else if (a->type == GS_ATTR_FLOATS)
				o += (size_t)snprintf(buf + o, len - o, "%s%g", sep, (double)a->floats[i]);
			else
				o += (size_t)snprintf(buf + o, len - o, "%s'%s'", sep,
						      gs_escape(a->strings[i], eb, sizeof(eb)));
		}
		if (o < len)
			snprintf(buf + o, len - o, "]");
		break;
	case GS_ATTR_TENSOR:
		if (a->t)
			snprintf(buf, len, "tensor %s %s", gs_dtype_name(a->t->dtype),
				 gs_format_dims(a->t->rank, a->t->dims, db, sizeof(db)));
		break;
	case GS_ATTR_GRAPH:
		if (a->g)
			snprintf(buf, len, "graph '%s' (%d nodes)", gs_escape(a->g->name, eb, sizeof(eb)),
				 gs_graph_live_nodes(a->g));
		break;
	case GS_ATTR_GRAPHS:
		snprintf(buf, len, "%d graphs", a->n);
		break;
	default:
		snprintf(buf, len, "(attribute type %d)", a->type);
		break;
	}
	return buf;
}
