/* The pass interface (graphsmith/pass.h): parsing, usage and completion
 * from one argument spec, and report lines. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/pass.h"
#include "graphsmith/util.h"

static bool is_option(const char *w)
{
	return w[0] == '-' && w[1] == '-' && w[2];
}

static bool is_number(const char *w)
{
	char *end;

	strtod(w, &end);
	return end != w && !*end;
}

static int n_args(const struct gs_pass *p)
{
	int n = 0;

	while (p->args && p->args[n].name)
		n++;
	return n;
}

static bool is_positional(const struct gs_pass_arg *a)
{
	return !is_option(a->name) && !(a->flags & GS_ARG_ANYWHERE);
}

/* The k-th positional's index in p->args, or -1. */
static int positional(const struct gs_pass *p, int k)
{
	int i;

	for (i = 0; p->args && p->args[i].name; i++)
		if (is_positional(&p->args[i]) && k-- == 0)
			return i;
	return -1;
}

static bool has_word(const char *const *words, const char *w)
{
	for (int i = 0; words && words[i]; i++)
		if (!strcmp(words[i], w))
			return true;
	return false;
}

/* The GS_ARG_ANYWHERE word argument w is a value of, or -1. */
static int anywhere(const struct gs_pass *p, const char *w)
{
	int i;

	for (i = 0; p->args && p->args[i].name; i++)
		if ((p->args[i].flags & GS_ARG_ANYWHERE) && has_word(p->args[i].words, w))
			return i;
	return -1;
}

/* The option word w names (up to a '='), or -1. */
static int option(const struct gs_pass *p, const char *w)
{
	size_t len = strcspn(w, "=");
	int i;

	for (i = 0; p->args && p->args[i].name; i++)
		if (is_option(p->args[i].name) && strlen(p->args[i].name) == len &&
		    !strncmp(p->args[i].name, w, len))
			return i;
	return -1;
}

static size_t put_words(char *buf, size_t len, size_t o, const char *const *words)
{
	for (int i = 0; words && words[i] && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "|" : "", words[i]);
	return o;
}

static size_t put_value(char *buf, size_t len, size_t o, const struct gs_pass_arg *a)
{
	if (a->metavar)
		return o + (size_t)snprintf(buf + o, len - o, "%s", a->metavar);
	if (a->type == GS_ARG_KEYWORD)
		return o + (size_t)snprintf(buf + o, len - o, "%s", a->words ? a->words[0] : "");
	return put_words(buf, len, o, a->words);
}

static size_t put_arg(char *buf, size_t len, size_t o, const struct gs_pass_arg *a)
{
	bool bracket = is_positional(a) ? a->flags & GS_ARG_OPTIONAL :
		       !(a->flags & GS_ARG_REQUIRED);

	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, "%s", bracket ? "[" : "");
	if (is_option(a->name) && o < len)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", a->name,
				      a->type == GS_ARG_FLAG ? "" : " ");
	if (a->type != GS_ARG_FLAG && o < len)
		o = put_value(buf, len, o, a);
	if (o < len && is_option(a->name))	/* [--map X]... */
		o += (size_t)snprintf(buf + o, len - o, "%s%s", bracket ? "]" : "",
				      a->flags & GS_ARG_REPEAT ? "..." : "");
	else if (o < len)
		o += (size_t)snprintf(buf + o, len - o, "%s%s",
				      a->flags & GS_ARG_REPEAT ? "..." : "", bracket ? "]" : "");
	return o;
}

const char *gs_pass_arg_usage(const struct gs_pass_arg *a, char *buf, size_t len)
{
	buf[0] = 0;
	put_arg(buf, len, 0, a);
	return buf;
}

const char *gs_pass_usage(const struct gs_pass *p, char *buf, size_t len)
{
	size_t o;
	int i;

	o = (size_t)snprintf(buf, len, "%s", p->name);
	for (i = 0; p->args && p->args[i].name && o < len; i++) {
		o += (size_t)snprintf(buf + o, len - o, " ");
		o = put_arg(buf, len, o, &p->args[i]);
	}
	return buf;
}

static int usage_error(const struct gs_pass *p, struct gs_error *err)
{
	char u[512];

	return gs_error_set(err, "usage: %s", gs_pass_usage(p, u, sizeof(u)));
}

static const char *number_words(const struct gs_pass_arg *a, char *buf, size_t len)
{
	const char *what = a->type == GS_ARG_INT ? "an integer" : "a number";

	if (a->max > a->min)
		snprintf(buf, len, "%s from %g to %g", what, a->min, a->max);
	else if (a->min == 1 && a->type == GS_ARG_INT)
		snprintf(buf, len, "a positive integer");
	else if (a->min == 0)
		snprintf(buf, len, "%s >= 0", what);
	else
		snprintf(buf, len, "%s >= %g", what, a->min);
	return buf;
}

/* "'a' or 'b'", "'a', 'b' or 'c'" (quoted), "a, b or c" */
static const char *alternatives(const char *const *words, bool quoted, char *buf, size_t len)
{
	const char *q = quoted ? "'" : "";
	size_t o = 0;
	int i, n = 0;

	while (words[n])
		n++;
	buf[0] = 0;
	for (i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s%s%s",
				      !i ? "" : i == n - 1 ? " or " : ", ", q, words[i], q);
	return buf;
}

static int set_value(const struct gs_pass *p, const struct gs_pass_arg *a, const char *w,
		     struct gs_pass_value *v, struct gs_error *err)
{
	char eb[128], nb[256];
	char *end;
	int i;

	v->set = true;
	v->s = w;
	switch (a->type) {
	case GS_ARG_KEYWORD:
		if (!a->words || strcmp(w, a->words[0]))
			return usage_error(p, err);
		break;
	case GS_ARG_WORD:
		for (i = 0; a->words && a->words[i]; i++)
			if (!strcmp(w, a->words[i]))
				return 0;
		if (is_option(a->name))
			return gs_error_set(err, "%s: %s is %s, not '%s'", p->name, a->name,
					    alternatives(a->words, false, nb, sizeof(nb)),
					    gs_escape(w, eb, sizeof(eb)));
		return gs_error_set(err, "unknown %s '%s'", a->name, gs_escape(w, eb, sizeof(eb)));
	case GS_ARG_INT:
		errno = 0;
		v->i = strtoll(w, &end, 10);
		v->f = (double)v->i;
		if (errno || end == w || *end || v->f < a->min || (a->max > a->min && v->f > a->max))
			return gs_error_set(err, "%s: %s '%s' is not %s", p->name, a->name,
					    gs_escape(w, eb, sizeof(eb)),
					    number_words(a, nb, sizeof(nb)));
		break;
	case GS_ARG_FLOAT:
		errno = 0;
		v->f = strtod(w, &end);
		if (errno || end == w || *end || !isfinite(v->f) || v->f < a->min ||
		    (a->max > a->min && v->f > a->max))
			return gs_error_set(err, "%s: %s '%s' is not %s", p->name, a->name,
					    gs_escape(w, eb, sizeof(eb)),
					    number_words(a, nb, sizeof(nb)));
		break;
	case GS_ARG_STRING:
	case GS_ARG_MODEL:
	case GS_ARG_FLAG:
		break;
	}
	return 0;
}

/* After the words: a positional or a required option missing gives the
 * usage; an argument of another method is refused. */
static int check(const struct gs_pass *p, int pos, struct gs_pass_args *out, struct gs_error *err)
{
	const char *method = NULL;
	char wb[256];
	int i, k;

	for (k = pos; (i = positional(p, k)) >= 0; k++)
		if (!(p->args[i].flags & GS_ARG_OPTIONAL) && !out->v[i].set)
			return usage_error(p, err);
	if ((i = positional(p, 0)) >= 0)
		method = out->v[i].s;
	for (i = 0; p->args[i].name; i++) {
		const struct gs_pass_arg *a = &p->args[i];

		if ((a->flags & GS_ARG_REQUIRED) && !out->v[i].set)
			return usage_error(p, err);
		if (a->when && out->v[i].set && method && !has_word(a->when, method))
			return gs_error_set(err, "%s: %s goes with %s", p->name,
					    is_option(a->name) ? a->name : out->v[i].s,
					    alternatives(a->when, true, wb, sizeof(wb)));
	}
	return 0;
}

int gs_pass_parse(const struct gs_pass *p, int argc, char **argv, struct gs_pass_args *out,
		  struct gs_error *err)
{
	int i, k, pos = 0;
	char eb[128];

	memset(out, 0, sizeof(*out));
	out->pass = p;
	out->argc = argc;
	out->argv = argv;
	if (n_args(p) > GS_PASS_MAX_ARGS)
		return gs_error_set(err, "%s: too many arguments in its spec", p->name);
	for (i = 1; i < argc; i++) {
		const char *w = argv[i], *eq;

		if (is_option(w)) {
			if ((k = option(p, w)) < 0)
				return gs_error_set(err, "%s: unknown option '%s'", p->name,
						    gs_escape(w, eb, sizeof(eb)));
			eq = strchr(w, '=');
			if (p->args[k].type == GS_ARG_FLAG) {
				if (eq)
					return gs_error_set(err, "%s: %s takes no value", p->name,
							    p->args[k].name);
				out->v[k].set = true;
				continue;
			}
			if (!eq && i + 1 >= argc)
				return gs_error_set(err, "%s: %s needs a value", p->name,
						    p->args[k].name);
			if (set_value(p, &p->args[k], eq ? eq + 1 : argv[++i], &out->v[k], err) < 0)
				return -1;
			if (p->args[k].then && i + 1 < argc && is_number(argv[i + 1]) &&
			    (k = option(p, p->args[k].then)) >= 0 &&
			    set_value(p, &p->args[k], argv[++i], &out->v[k], err) < 0)
				return -1;
			continue;
		}
		if (pos > 0 && (k = anywhere(p, w)) >= 0) {
			out->v[k].set = true;
			out->v[k].s = w;
			continue;
		}
		/* an optional keyword left out */
		while ((k = positional(p, pos)) >= 0 && p->args[k].type == GS_ARG_KEYWORD &&
		       (p->args[k].flags & GS_ARG_OPTIONAL) && strcmp(w, p->args[k].words[0]))
			pos++;
		if (k < 0)
			return gs_error_set(err, "%s: unexpected argument '%s'", p->name,
					    gs_escape(w, eb, sizeof(eb)));
		if (p->args[k].flags & GS_ARG_REPEAT) {
			if (out->n_list == GS_PASS_MAX_LIST)
				return gs_error_set(err, "%s: at most %d %s", p->name,
						    GS_PASS_MAX_LIST, p->args[k].name);
			out->list[out->n_list++] = w;
			if (out->v[k].set)
				continue;
		} else {
			pos++;
		}
		if (set_value(p, &p->args[k], w, &out->v[k], err) < 0)
			return -1;
	}
	return check(p, pos, out, err);
}

const struct gs_pass_value *gs_pass_get(const struct gs_pass_args *a, const char *name)
{
	static const struct gs_pass_value none;
	int i;

	for (i = 0; a->pass->args && a->pass->args[i].name; i++)
		if (!strcmp(a->pass->args[i].name, name))
			return &a->v[i];
	return &none;
}

int gs_pass_all(const struct gs_pass_args *a, const char *name, const char **out, int max)
{
	int i, k, n = 0;

	for (i = 1; i < a->argc; i++) {
		if (!is_option(a->argv[i]) || (k = option(a->pass, a->argv[i])) < 0 ||
		    a->pass->args[k].type == GS_ARG_FLAG)
			continue;
		if (!strcmp(a->pass->args[k].name, name) && n < max)
			out[n] = strchr(a->argv[i], '=') ? strchr(a->argv[i], '=') + 1 :
				 a->argv[i + 1];
		n += !strcmp(a->pass->args[k].name, name);
		if (!strchr(a->argv[i], '='))
			i++;
	}
	return n;
}

const struct gs_pass_arg *gs_pass_arg_at(const struct gs_pass *p, int argi, char **argv,
					 bool *is_value)
{
	int i, k, pos = 0;

	*is_value = false;
	for (i = 1; i < argi; i++) {
		if (!is_option(argv[i])) {
			k = positional(p, pos);
			if (!(pos > 0 && anywhere(p, argv[i]) >= 0) &&
			    !(k >= 0 && (p->args[k].flags & GS_ARG_REPEAT)))
				pos++;
			continue;
		}
		k = option(p, argv[i]);
		if (k >= 0 && p->args[k].type != GS_ARG_FLAG && !strchr(argv[i], '=')) {
			if (i + 1 == argi) {
				*is_value = true;
				return &p->args[k];
			}
			i++;	/* its value */
		}
	}
	k = positional(p, pos);
	return k >= 0 ? &p->args[k] : NULL;
}

void gs_pass_say(const struct gs_pass_report *r, enum gs_report_kind kind, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!r || !r->line)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	r->line(r->ctx, kind, buf);
}

void gs_pass_detail(void *report, const char *line)
{
	gs_pass_say(report, GS_REPORT_DETAIL, "%s", line);
}
