/* A value's shape as text: the one formatter every report uses (info,
 * diff change lines, io lines, the TUI's columns and detail view). */
#include <stdio.h>
#include <stdlib.h>

#include "graphsmith/ir.h"

char *gs_shape_text(const struct gs_value *v, bool inferred)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int i;

	if (v->rank < 0 && inferred && v->has_inferred)
		/* not in the file: what a run of the evaluator produced */
		return gs_dims_text(v->inferred_rank, v->inferred_dims);
	if (v->rank < 0)
		return gs_xstrdup("?");
	if (!(f = open_memstream(&buf, &len)))
		return gs_xstrdup("?");
	fputc('[', f);
	for (i = 0; i < v->rank; i++) {
		char esc[256];

		if (i)
			fputc(',', f);
		if (v->dims[i].param)
			fputs(gs_escape(v->dims[i].param, esc, sizeof(esc)), f);
		else if (v->dims[i].value >= 0)
			fprintf(f, "%lld", (long long)v->dims[i].value);
		else
			fputc('?', f);
	}
	fputc(']', f);
	if (fclose(f) || !buf) {
		free(buf);
		return gs_xstrdup("?");
	}
	return buf;
}

const char *gs_format_shape(const struct gs_value *v, char *buf, size_t len)
{
	char *t = gs_shape_text(v, true);

	snprintf(buf, len, "%s", t);
	free(t);
	return buf;
}
