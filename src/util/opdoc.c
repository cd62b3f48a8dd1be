/*
 * Loader for data/ops.txt, the operator notes behind "explain".
 *
 * The whole file is read into one buffer and cut up in place, so every
 * string handed out is a pointer into that buffer; only the per-op arrays
 * are separate allocations.
 *
 * The file is the long form.  An op it lacks falls back to the one-line
 * note of the op registry (graphsmith/ops.h): a record with just a
 * summary, found by gs_opdoc_find but not listed by gs_opdoc_at.
 */
#include "graphsmith/opdoc.h"
#include "graphsmith/ops.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gs_opdoc_db {
	char *buf;
	struct gs_opdoc *ops;
	size_t nops;
	size_t cap;
	struct gs_opdoc *notes;		/* the registry's ops the file lacks */
	size_t nnotes, cap_notes;
	bool oom;
};

struct parse {
	const char *path;
	char *err;
	size_t errlen;
	int line;
	struct gs_opdoc_db *db;
	struct gs_opdoc *cur;	/* NULL outside op ... end */
	size_t cap_formulas, cap_texts, cap_inputs, cap_outputs, cap_attrs;
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(struct parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || !p->errlen)
		return -1;
	n = snprintf(p->err, p->errlen, "%s:%d: ", p->path, line);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Make room for element n of an array of sz-byte elements.  Returns the
 * (possibly moved) array, or NULL with the old one left intact.
 */
static void *grow(void *arr, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *q;

	if (n < *cap)
		return arr;
	ncap = *cap ? *cap * 2 : 4;
	if (ncap > SIZE_MAX / sz)
		return NULL;
	q = realloc(arr, ncap * sz);
	if (q)
		*cap = ncap;
	return q;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *q;
	size_t n = 0, cap = 0, got;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			q = realloc(buf, cap + 1);
			if (!q) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = q;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static char *skip_blank(char *s)
{
	while (is_blank(*s))
		s++;
	return s;
}

/*
 * Cut the next field off *s.  Fields end at a tab or at two or more
 * spaces, so a single space may appear inside a description.
 */
static char *cut_field(char **s)
{
	char *start = *s, *q = start;

	while (*q && *q != '\t' && !(q[0] == ' ' && q[1] == ' '))
		q++;
	if (*q) {
		*q++ = '\0';
		q = skip_blank(q);
	}
	*s = q;
	return start;
}

static int has_blank(const char *s)
{
	return strpbrk(s, " \t") != NULL;
}

static const char *const attr_types[] = {
	"int", "ints", "float", "floats", "string", "strings",
	"tensor", "tensors", "graph", "graphs",
};

static int valid_attr_type(const char *t)
{
	size_t i;

	for (i = 0; i < sizeof(attr_types) / sizeof(attr_types[0]); i++)
		if (!strcmp(t, attr_types[i]))
			return 1;
	return 0;
}

static int parse_io(struct parse *p, const char *kw, char *rest,
		    struct gs_opdoc_io **arr, size_t *n, size_t *cap)
{
	struct gs_opdoc_io io, *q;
	char *name = cut_field(&rest);
	size_t len;

	if (!*name)
		return fail(p, p->line, "%s needs a name", kw);
	if (has_blank(name))
		return fail(p, p->line,
			    "%s name '%s' has a space; separate fields by two spaces",
			    kw, name);
	memset(&io, 0, sizeof(io));
	/* markers may come in either order: "x...?" or "x?..." */
	for (;;) {
		len = strlen(name);
		if (len > 1 && name[len - 1] == '?') {
			io.optional = true;
			name[len - 1] = '\0';
		} else if (len > 3 && !strcmp(name + len - 3, "...")) {
			io.variadic = true;
			name[len - 3] = '\0';
		} else {
			break;
		}
	}
	io.name = name;
	io.desc = rest;
	q = grow(*arr, cap, *n, sizeof(io));
	if (!q)
		return fail(p, p->line, "out of memory");
	*arr = q;
	q[(*n)++] = io;
	return 0;
}

static int parse_attr(struct parse *p, char *rest)
{
	struct gs_opdoc *o = p->cur;
	struct gs_opdoc_attr a, *q;

	a.name = cut_field(&rest);
	a.type = cut_field(&rest);
	a.desc = rest;
	if (!*a.name || !*a.type)
		return fail(p, p->line, "attr needs a name and a type");
	if (has_blank(a.name))
		return fail(p, p->line,
			    "attr name '%s' has a space; separate fields by two spaces",
			    a.name);
	if (!valid_attr_type(a.type))
		return fail(p, p->line, "attr %s: unknown type '%s'",
			    a.name, a.type);
	q = grow(o->attrs, &p->cap_attrs, o->nattrs, sizeof(a));
	if (!q)
		return fail(p, p->line, "out of memory");
	o->attrs = q;
	q[o->nattrs++] = a;
	return 0;
}

static int push_line(struct parse *p, const char ***arr, size_t *n,
		     size_t *cap, const char *s, const char *kw)
{
	const char **q;

	if (!*s)
		return fail(p, p->line, "empty %s line", kw);
	q = grow(*arr, cap, *n, sizeof(*q));
	if (!q)
		return fail(p, p->line, "out of memory");
	*arr = q;
	q[(*n)++] = s;
	return 0;
}

static int begin_op(struct parse *p, char *name)
{
	struct gs_opdoc_db *db = p->db;
	struct gs_opdoc *ops;

	if (p->cur)
		return fail(p, p->line, "'op %s' inside op %s (missing 'end'?)",
			    name, p->cur->op);
	if (!*name || has_blank(name))
		return fail(p, p->line, "op needs a single name");
	ops = grow(db->ops, &db->cap, db->nops, sizeof(*ops));
	if (!ops)
		return fail(p, p->line, "out of memory");
	db->ops = ops;
	p->cur = &ops[db->nops++];
	memset(p->cur, 0, sizeof(*p->cur));
	p->cur->op = name;
	p->cur->line = p->line;
	p->cap_formulas = p->cap_texts = 0;
	p->cap_inputs = p->cap_outputs = p->cap_attrs = 0;
	return 0;
}

static int end_op(struct parse *p)
{
	if (!p->cur->summary)
		return fail(p, p->line, "op %s has no summary", p->cur->op);
	if (!p->cur->domain)
		p->cur->domain = GS_OPDOC_DEFAULT_DOMAIN;
	p->cur = NULL;
	return 0;
}

static int parse_line(struct parse *p, char *s)
{
	struct gs_opdoc *o;
	char *kw, *rest;

	kw = s;
	while (*s && !is_blank(*s))
		s++;
	if (*s)
		*s++ = '\0';
	rest = skip_blank(s);

	if (!strcmp(kw, "op"))
		return begin_op(p, rest);
	o = p->cur;
	if (!o)
		return fail(p, p->line, "'%s' outside an op record", kw);

	if (!strcmp(kw, "end")) {
		if (*rest)
			return fail(p, p->line, "junk after 'end'");
		return end_op(p);
	}
	if (!strcmp(kw, "domain")) {
		if (o->domain)
			return fail(p, p->line, "second domain for op %s", o->op);
		if (!*rest || has_blank(rest))
			return fail(p, p->line, "domain needs a single name");
		o->domain = rest;
		return 0;
	}
	if (!strcmp(kw, "summary")) {
		if (o->summary)
			return fail(p, p->line, "second summary for op %s", o->op);
		if (!*rest)
			return fail(p, p->line, "empty summary");
		o->summary = rest;
		return 0;
	}
	if (!strcmp(kw, "see")) {
		if (o->see)
			return fail(p, p->line, "second see line for op %s", o->op);
		if (!*rest)
			return fail(p, p->line, "empty see line");
		o->see = rest;
		return 0;
	}
	if (!strcmp(kw, "formula"))
		return push_line(p, &o->formulas, &o->nformulas,
				 &p->cap_formulas, rest, kw);
	if (!strcmp(kw, "text"))
		return push_line(p, &o->texts, &o->ntexts,
				 &p->cap_texts, rest, kw);
	if (!strcmp(kw, "input"))
		return parse_io(p, kw, rest, &o->inputs, &o->ninputs,
				&p->cap_inputs);
	if (!strcmp(kw, "output"))
		return parse_io(p, kw, rest, &o->outputs, &o->noutputs,
				&p->cap_outputs);
	if (!strcmp(kw, "attr"))
		return parse_attr(p, rest);
	return fail(p, p->line, "unknown keyword '%s'", kw);
}

static int cmp_key(const char *da, const char *oa, const char *db,
		   const char *ob)
{
	int c = strcmp(da, db);

	return c ? c : strcmp(oa, ob);
}

static int cmp_op(const void *a, const void *b)
{
	const struct gs_opdoc *x = a, *y = b;

	return cmp_key(x->domain, x->op, y->domain, y->op);
}

static int parse_buf(struct parse *p, char *buf)
{
	struct gs_opdoc_db *db = p->db;
	char *s = buf, *nl, *e;
	size_t i;

	while (*s) {
		p->line++;
		nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		e = s + strlen(s);
		while (e > s && (is_blank(e[-1]) || e[-1] == '\r'))
			*--e = '\0';
		s = skip_blank(s);
		if (*s && *s != '#' && parse_line(p, s))
			return -1;
		if (!nl)
			break;
		s = nl + 1;
	}
	if (p->cur)
		return fail(p, p->cur->line, "op %s is missing 'end'",
			    p->cur->op);

	/* sorted so that lookups can bsearch */
	qsort(db->ops, db->nops, sizeof(*db->ops), cmp_op);
	for (i = 1; i < db->nops; i++) {
		struct gs_opdoc *a = &db->ops[i - 1], *b = &db->ops[i];

		if (!cmp_op(a, b)) {
			if (a->line > b->line) {
				struct gs_opdoc *t = a;

				a = b;
				b = t;
			}
			return fail(p, b->line,
				    "duplicate op %s (domain %s), first at line %d",
				    b->op, b->domain, a->line);
		}
	}
	return 0;
}

struct find_key {
	const char *domain;
	const char *op;
};

static int cmp_find(const void *k, const void *e)
{
	const struct find_key *key = k;
	const struct gs_opdoc *o = e;

	return cmp_key(key->domain, key->op, o->domain, o->op);
}

static void add_note(const struct gs_op *op, void *ctx)
{
	struct gs_opdoc_db *db = ctx;
	struct find_key key;
	struct gs_opdoc *q;

	key.domain = op->domain && *op->domain ? op->domain : GS_OPDOC_DEFAULT_DOMAIN;
	key.op = op->name;
	/* one record per op: its newest entry's note */
	if (db->oom || !op->note || gs_op_facts(op->domain, op->name) != op ||
	    bsearch(&key, db->ops, db->nops, sizeof(*db->ops), cmp_find))
		return;
	q = grow(db->notes, &db->cap_notes, db->nnotes, sizeof(*q));
	if (!q) {
		db->oom = true;
		return;
	}
	db->notes = q;
	q = &db->notes[db->nnotes++];
	memset(q, 0, sizeof(*q));
	q->op = op->name;
	q->domain = key.domain;
	q->summary = op->note;
}

struct gs_opdoc_db *gs_opdoc_load(const char *path, char *err, size_t errlen)
{
	struct gs_opdoc_db *db;
	struct parse p;
	size_t len = 0;

	if (err && errlen)
		err[0] = '\0';
	db = calloc(1, sizeof(*db));
	if (!db) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	db->buf = read_all(path, &len);
	if (!db->buf) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(db);
		return NULL;
	}
	if (memchr(db->buf, '\0', len)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: contains a NUL byte", path);
		gs_opdoc_free(db);
		return NULL;
	}

	memset(&p, 0, sizeof(p));
	p.path = path;
	p.err = err;
	p.errlen = errlen;
	p.db = db;
	if (parse_buf(&p, db->buf)) {
		gs_opdoc_free(db);
		return NULL;
	}
	gs_op_each(add_note, db);
	if (db->oom) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		gs_opdoc_free(db);
		return NULL;
	}
	if (db->nnotes)
		qsort(db->notes, db->nnotes, sizeof(*db->notes), cmp_op);
	return db;
}

const struct gs_opdoc *gs_opdoc_find(const struct gs_opdoc_db *db,
				     const char *domain, const char *op)
{
	const struct gs_opdoc *o;
	struct find_key key;

	if (!db || !op)
		return NULL;
	key.domain = (domain && *domain) ? domain : GS_OPDOC_DEFAULT_DOMAIN;
	key.op = op;
	o = db->nops ? bsearch(&key, db->ops, db->nops, sizeof(*db->ops), cmp_find) : NULL;
	if (!o && db->nnotes)
		o = bsearch(&key, db->notes, db->nnotes, sizeof(*db->notes), cmp_find);
	return o;
}

size_t gs_opdoc_count(const struct gs_opdoc_db *db)
{
	return db ? db->nops : 0;
}

const struct gs_opdoc *gs_opdoc_at(const struct gs_opdoc_db *db, size_t i)
{
	if (!db || i >= db->nops)
		return NULL;
	return &db->ops[i];
}

void gs_opdoc_free(struct gs_opdoc_db *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < db->nops; i++) {
		free(db->ops[i].formulas);
		free(db->ops[i].texts);
		free(db->ops[i].inputs);
		free(db->ops[i].outputs);
		free(db->ops[i].attrs);
	}
	free(db->ops);
	free(db->notes);
	free(db->buf);
	free(db);
}
