/*
 * The JSON report, written straight to a FILE*: the one writer of the
 * diff's JSON (gs_match_json parses what it writes).  Streaming because
 * 10^5-node diffs would otherwise build a million jansson objects only to
 * print them.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/internal.h"

static bool utf8_valid(const unsigned char *s)
{
	while (*s) {
		int n = *s < 0x80 ? 0 : (*s & 0xe0) == 0xc0 ? 1 : (*s & 0xf0) == 0xe0 ? 2 :
			(*s & 0xf8) == 0xf0 ? 3 : -1;

		/* C0 80 is a NUL byte of the file as the IR stores it
		 * (src/util/bytestr.c): written as \u0000 */
		if (n < 0 || (n == 1 && *s < 0xc2 && !(s[0] == 0xc0 && s[1] == 0x80)))
			return false;
		s++;
		while (n-- > 0)
			if ((*s++ & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/*
 * Output goes through a buffer written in big chunks: per-character putc
 * and per-field fprintf were most of the time of a 10^5-node report.
 */
struct jout {
	FILE *f;			/* NULL: collect in mem instead */
	char *mem;
	size_t mem_len, mem_cap;
	size_t len;
	char buf[1 << 16];
};

static void j_write(struct jout *o, const char *s, size_t n)
{
	if (o->f) {
		fwrite(s, 1, n, o->f);
		return;
	}
	if (o->mem_len + n > o->mem_cap) {
		o->mem_cap = (o->mem_len + n) * 2;
		o->mem = gs_xrealloc(o->mem, o->mem_cap);
	}
	memcpy(o->mem + o->mem_len, s, n);
	o->mem_len += n;
}

static void j_flush(struct jout *o)
{
	if (o->len)
		j_write(o, o->buf, o->len);
	o->len = 0;
}

static void j_mem(struct jout *o, const char *s, size_t n)
{
	if (o->len + n > sizeof(o->buf)) {
		j_flush(o);
		if (n > sizeof(o->buf)) {
			j_write(o, s, n);
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void j_puts(struct jout *o, const char *s)
{
	j_mem(o, s, strlen(s));
}

static void j_char(struct jout *o, char c)
{
	if (o->len == sizeof(o->buf))
		j_flush(o);
	o->buf[o->len++] = c;
}

static void j_int(struct jout *o, long long v)
{
	char t[24];
	size_t at = sizeof(t);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		t[--at] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		t[--at] = '-';
	j_mem(o, t + at, sizeof(t) - at);
}

static void put_str(struct jout *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char buf[1024];
	const unsigned char *p, *run;

	if (!s) {
		j_puts(o, "null");
		return;
	}
	if (!utf8_valid((const unsigned char *)s))
		s = gs_escape_ascii(s, buf, sizeof(buf));
	j_char(o, '"');
	for (p = run = (const unsigned char *)s; *p; p++) {
		/* C1 controls (U+0080..U+009F, bytes C2 80..C2 9F) act on
		 * terminals too: escaped like C0 ones, never written raw; a
		 * stored NUL byte (C0 80) is \u0000 */
		if ((*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) || (*p == 0xc0 && p[1] == 0x80)) {
			unsigned c = *p == 0xc0 ? 0 : p[1];
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			j_mem(o, (const char *)run, (size_t)(p - run));
			j_mem(o, u, sizeof(u));
			run = p + 2;
			p++;
			continue;
		}
		if (*p != '"' && *p != '\\' && *p >= 0x20)
			continue;
		j_mem(o, (const char *)run, (size_t)(p - run));
		run = p + 1;
		if (*p == '"' || *p == '\\') {
			j_char(o, '\\');
			j_char(o, (char)*p);
		} else {
			char u[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };

			j_mem(o, u, sizeof(u));
		}
	}
	j_mem(o, (const char *)run, (size_t)(p - run));
	j_char(o, '"');
}

static void put_num(struct jout *o, double x)
{
	char buf[40];

	if (isnan(x)) {
		j_puts(o, "null");
	} else if (isinf(x)) {
		j_puts(o, x > 0 ? "\"inf\"" : "\"-inf\"");
	} else if (fabs(x) < 1e15 && x == (double)(long long)x) {
		/* whole numbers (0, 1: most metrics) print as %.17g would */
		if (x == 0 && signbit(x))
			j_char(o, '-');
		j_int(o, (long long)x);
		j_puts(o, ".0");
	} else {
		snprintf(buf, sizeof(buf), "%.17g", x);
		/* a real stays a real for readers that tell them apart */
		j_puts(o, buf);
		if (!strpbrk(buf, ".eE"))
			j_puts(o, ".0");
	}
}

static void put_key(struct jout *o, bool *first, const char *key)
{
	if (!*first)
		j_mem(o, ", ", 2);
	*first = false;
	j_char(o, '"');
	j_puts(o, key);
	j_mem(o, "\": ", 3);
}

static void put_bool(struct jout *o, bool b)
{
	j_puts(o, b ? "true" : "false");
}

static void put_names(struct jout *o, const struct gs_graph *g, const int *ids, int n, bool ops)
{
	int i;

	j_char(o, '[');
	for (i = 0; i < n; i++) {
		const char *name = g->nodes[ids[i]]->name;

		if (i)
			j_mem(o, ", ", 2);
		if (ops) {
			put_str(o, g->nodes[ids[i]]->op_type);
		} else if (name && name[0]) {
			put_str(o, name);
		} else {
			j_mem(o, "\"#", 2);
			j_int(o, ids[i]);
			j_char(o, '"');
		}
	}
	j_char(o, ']');
}

static void put_dims(struct jout *o, int rank, const int64_t *dims)
{
	int i;

	if (rank < 0) {
		j_puts(o, "null");
		return;
	}
	j_char(o, '[');
	for (i = 0; i < rank; i++) {
		if (i)
			j_mem(o, ", ", 2);
		j_int(o, (long long)dims[i]);
	}
	j_char(o, ']');
}

static void put_param(struct jout *o, const struct gs_param_diff *d)
{
	const struct gs_metrics *mt = &d->metrics;
	bool first = true;

	j_char(o, '{');
	put_key(o, &first, "a");
	put_str(o, d->name_a);
	put_key(o, &first, "b");
	put_str(o, d->name_b);
	put_key(o, &first, "class");
	put_str(o, gs_param_class_name(d->cls));
	put_key(o, &first, "entry");
	j_int(o, d->entry);
	put_key(o, &first, "shape_a");
	put_dims(o, d->rank_a, d->dims_a);
	put_key(o, &first, "shape_b");
	put_dims(o, d->rank_b, d->dims_b);
	if (d->note[0]) {
		put_key(o, &first, "note");
		put_str(o, d->note);
	}
	if (d->has_metrics) {
		put_key(o, &first, "max_abs_diff");
		put_num(o, mt->max_abs_diff);
		put_key(o, &first, "mean_abs_diff");
		put_num(o, mt->mean_abs_diff);
		put_key(o, &first, "rel_l2");
		put_num(o, mt->rel_l2_defined ? mt->rel_l2 : NAN);
		put_key(o, &first, "cosine");
		put_num(o, mt->cosine);
		put_key(o, &first, "sqnr_db");
		put_num(o, mt->sqnr_defined ? mt->sqnr_db : NAN);
		put_key(o, &first, "sparsity_a");
		put_num(o, mt->sparsity_a);
		put_key(o, &first, "sparsity_b");
		put_num(o, mt->sparsity_b);
		put_key(o, &first, "newly_zero");
		j_int(o, (long long)mt->newly_zero);
		put_key(o, &first, "changed");
		j_int(o, (long long)mt->changed);
	}
	j_char(o, '}');
}

static void put_entry(struct jout *o, const struct gs_match_entry *e)
{
	bool sub = (e->graph_a && e->graph_a->parent) || (e->graph_b && e->graph_b->parent);
	bool first = true;
	int k;

	j_char(o, '{');
	put_key(o, &first, "status");
	put_str(o, gs_match_status_name(e->status));
	put_key(o, &first, "a");
	put_names(o, e->graph_a, e->a, e->n_a, false);
	put_key(o, &first, "b");
	put_names(o, e->graph_b, e->b, e->n_b, false);
	put_key(o, &first, "ops_a");
	put_names(o, e->graph_a, e->a, e->n_a, true);
	put_key(o, &first, "ops_b");
	put_names(o, e->graph_b, e->b, e->n_b, true);
	put_key(o, &first, "changes");
	j_char(o, '[');
	for (k = 0; k < e->n_changes; k++) {
		if (k)
			j_mem(o, ", ", 2);
		put_str(o, e->changes[k]);
	}
	j_char(o, ']');
	put_key(o, &first, "method");
	put_str(o, gs_match_method_name(e->method));
	put_key(o, &first, "score");
	put_num(o, e->score);
	put_key(o, &first, "ambiguous");
	put_bool(o, e->ambiguous);
	if (e->pattern) {
		put_key(o, &first, "pattern");
		put_str(o, e->pattern);
	}
	if (sub) {
		put_key(o, &first, "subgraph");
		put_str(o, e->graph_a ? e->graph_a->name : e->graph_b->name);
	}
	j_char(o, '}');
}

/*
 * The nodes and parameters arrays are most of a big report: their items
 * are formatted in chunks on every core, a round of chunks at a time into
 * buffers that are reused (fresh memory is slow to come by), then written
 * in order.  The bytes are the same as one thread's.
 */
enum { JSON_CHUNK = 2048 };	/* items per chunk */

struct json_array {
	const struct gs_match *m;
	void (*put)(struct jout *o, const struct gs_match *m, int i);
	int n, first;			/* items; the round's first chunk */
	struct jout **chunks;
};

static void put_node_item(struct jout *o, const struct gs_match *m, int i)
{
	put_entry(o, &m->entries[i]);
}

static void put_param_item(struct jout *o, const struct gs_match *m, int i)
{
	put_param(o, &m->params[i]);
}

static void array_task(void *ctx, size_t k, int worker)
{
	struct json_array *a = ctx;
	struct jout *o = a->chunks[k];
	int c = a->first + (int)k, i;

	(void)worker;
	o->mem_len = 0;
	o->len = 0;
	for (i = c * JSON_CHUNK; i < (c + 1) * JSON_CHUNK && i < a->n; i++) {
		j_puts(o, i ? ",\n " : "\n ");
		a->put(o, a->m, i);
	}
	j_flush(o);
}

static void put_array(struct jout *o, const struct gs_match *m, int n,
		      void (*put)(struct jout *o, const struct gs_match *m, int i))
{
	struct json_array a = { m, put, n, 0, NULL };
	int n_chunks = (n + JSON_CHUNK - 1) / JSON_CHUNK, round = 2 * gs_worker_count(), k, c;

	if (round > n_chunks)
		round = n_chunks;
	a.chunks = gs_xcalloc((size_t)round + 1, sizeof(*a.chunks));
	for (k = 0; k < round; k++)
		a.chunks[k] = gs_xcalloc(1, sizeof(**a.chunks));
	for (a.first = 0; a.first < n_chunks; a.first += round) {
		c = n_chunks - a.first < round ? n_chunks - a.first : round;
		gs_parallel_for((size_t)c, array_task, &a);
		for (k = 0; k < c; k++)
			j_mem(o, a.chunks[k]->mem, a.chunks[k]->mem_len);
	}
	for (k = 0; k < round; k++) {
		free(a.chunks[k]->mem);
		free(a.chunks[k]);
	}
	free(a.chunks);
}

int gs_match_write_json(const struct gs_match *m, FILE *out)
{
	const struct gs_match_summary *s = &m->summary;
	struct jout *o = gs_xmalloc(sizeof(*o));
	int i;

	memset(o, 0, offsetof(struct jout, buf));
	o->f = out;
	j_puts(o, "{\"verdict\": {\"identical\": ");
	put_bool(o, m->verdict.identical);
	j_puts(o, ", \"structure\": ");
	put_bool(o, m->verdict.structure);
	j_puts(o, ", \"parameters\": ");
	put_bool(o, m->verdict.parameters);
	j_puts(o, ", \"io\": ");
	put_bool(o, m->verdict.io);
	j_puts(o, "},\n\"summary\": {\"nodes_a\": ");
	j_int(o, s->nodes_a);
	j_puts(o, ", \"nodes_b\": ");
	j_int(o, s->nodes_b);
	for (i = 0; i < GS_MATCH_STATUS_COUNT_; i++) {
		j_puts(o, ", \"");
		j_puts(o, gs_match_status_name(i));
		j_puts(o, "\": ");
		j_int(o, s->count[i]);
	}
	j_puts(o, ", \"params_changed\": ");
	j_int(o, s->params_changed);
	j_puts(o, ", \"edges_changed\": ");
	j_int(o, s->edges_changed);
	j_puts(o, ", \"io_mismatches\": ");
	j_int(o, s->io_mismatches);
	j_puts(o, "},\n\"nodes\": [");
	put_array(o, m, m->n_entries, put_node_item);
	j_puts(o, "],\n\"edges\": [");
	for (i = 0; i < m->n_edges; i++) {
		const struct gs_edge_diff *d = &m->edges[i];

		j_puts(o, i ? ",\n " : "\n ");
		j_puts(o, "{\"entry\": ");
		j_int(o, d->entry);
		j_puts(o, ", \"slot\": ");
		j_int(o, d->slot);
		j_puts(o, ", \"from_a\": ");
		put_str(o, d->from_a);
		j_puts(o, ", \"from_b\": ");
		put_str(o, d->from_b);
		j_puts(o, ", \"text\": ");
		put_str(o, d->text);
		j_char(o, '}');
	}
	j_puts(o, "],\n\"parameters\": [");
	put_array(o, m, m->n_params, put_param_item);
	j_puts(o, "],\n\"io\": [");
	for (i = 0; i < m->n_io; i++) {
		const struct gs_io_diff *d = &m->io[i];

		j_puts(o, i ? ",\n " : "\n ");
		j_puts(o, "{\"kind\": \"");
		j_puts(o, d->is_output ? "output" : "input");
		j_puts(o, "\", \"a\": ");
		put_str(o, d->name_a);
		j_puts(o, ", \"b\": ");
		put_str(o, d->name_b);
		j_puts(o, ", \"ok\": ");
		put_bool(o, d->ok);
		j_puts(o, ", \"renamed\": ");
		put_bool(o, d->renamed);
		j_puts(o, ", \"text\": ");
		put_str(o, d->text);
		j_char(o, '}');
	}
	j_puts(o, "],\n\"seconds\": ");
	put_num(o, m->seconds);
	j_puts(o, "}\n");
	j_flush(o);
	free(o);
	return ferror(out) ? -1 : 0;
}
