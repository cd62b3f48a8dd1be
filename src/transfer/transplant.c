/*
 * Transplant: copy another model's (or a weights file's) corresponding
 * parameters into dst, with PyTorch load_state_dict's bookkeeping
 * (../shared/TRANSFER.md §4.1): copied, missing (dst parameters nothing
 * fills), unexpected (source tensors unused), mismatched (shapes).  A shape
 * mismatch refuses the whole transplant unless skip_mismatched; strict also
 * refuses missing and unexpected.  Nothing is written before the checks.
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/params.h"
#include "graphsmith/transfer.h"


static bool selected(const struct gs_transplant_opts *o, const char *a, const char *b)
{
	return !o->only || (a && !fnmatch(o->only, a, 0)) || (b && !fnmatch(o->only, b, 0));
}

/* Source tensors nothing used (ONNX: mergeable initializers; file: all). */
static int count_unexpected(const struct gs_model *src, const struct gs_weights *w,
			    const struct gs_pairs *pairs, const struct gs_transplant_opts *o,
			    gs_report_fn report, void *ctx)
{
	int n = 0, i, k;

	if (w) {
		bool *used = gs_xcalloc((size_t)w->n + 1, sizeof(bool));

		for (k = 0; k < pairs->n; k++)
			if (pairs->p[k].src_index >= 0)
				used[pairs->p[k].src_index] = true;
		for (i = 0; i < w->n; i++)
			if (!used[i] && selected(o, NULL, w->t[i].name)) {
				gs_report(report, ctx, "unexpected: %s (not used)", w->t[i].name);
				n++;
			}
		free(used);
		return n;
	}
	for (i = 0; i < src->graph->n_initializers; i++) {
		int v = src->graph->initializers[i];
		const struct gs_value *val = v >= 0 ? src->graph->values[v] : NULL;
		bool found = false;

		if (!val || !gs_param_is_mergeable(src->graph, v) || !selected(o, NULL, val->name))
			continue;
		for (k = 0; k < pairs->n && !found; k++)
			found = pairs->p[k].src == val->param;
		if (!found) {
			gs_report(report, ctx, "unexpected: %s (not used)", val->name);
			n++;
		}
	}
	return n;
}

int gs_transplant(struct gs_model *dst, const struct gs_model *src_model,
		  const struct gs_weights *w, const struct gs_transplant_opts *o,
		  gs_report_fn report, void *ctx, struct gs_transplant_stats *st,
		  struct gs_error *err)
{
	struct gs_pairs pairs;
	int k, ok = 0, rc = -1;

	memset(st, 0, sizeof(*st));
	if ((src_model ? gs_pairs_models(dst, src_model, &pairs, err) :
	     gs_pairs_weights(dst, w, &pairs, err)))
		return -1;
	for (k = 0; k < pairs.n; k++) {
		const struct gs_pair *p = &pairs.p[k];
		const char *name = dst->graph->values[p->value]->name;

		if (!selected(o, name, p->src_name))
			continue;
		ok += p->status == GS_PAIR_OK;
		if (p->status == GS_PAIR_SHAPE) {
			st->mismatched++;
			gs_report(report, ctx, "mismatch: %s vs %s: shapes or dtypes differ", name,
			    p->src_name);
		} else if (p->status != GS_PAIR_OK) {
			st->missing++;
			gs_report(report, ctx, "missing: %s (%s)", name, p->status == GS_PAIR_FUSED ?
			    "its counterpart is fused: fuse conv-bn first" : "no source tensor");
		}
	}
	st->unexpected = count_unexpected(src_model, w, &pairs, o, report, ctx);
	if (st->mismatched && !o->skip_mismatched) {
		gs_error_set(err, "%d parameter%s mismatched (listed above); --skip-mismatched "
			     "leaves them as they are", st->mismatched, st->mismatched == 1 ?
			     "" : "s");
		goto out;
	}
	/* a source nothing corresponds to is the wrong file, not a no-op */
	if (!ok && !st->mismatched && st->missing) {
		gs_error_set(err, "no parameter has a counterpart in the source, by name or by "
			     "shape: nothing to copy");
		goto out;
	}
	if (o->strict && (st->missing || st->unexpected)) {
		gs_error_set(err, "--strict: %d missing, %d unexpected (listed above)", st->missing,
			     st->unexpected);
		goto out;
	}
	for (k = 0; k < pairs.n; k++) {
		const struct gs_pair *p = &pairs.p[k];
		const char *name = dst->graph->values[p->value]->name;
		float *f;
		int ch;

		if (!selected(o, name, p->src_name)) {
			st->skipped++;
			continue;
		}
		if (p->status != GS_PAIR_OK)
			continue;
		f = src_model ? gs_pair_floats(src_model, p, err) : gs_wpair_floats(w, p, err);
		if (!f || (ch = gs_param_set_floats(dst, p->dst, f, err)) < 0) {
			free(f);
			goto out;
		}
		free(f);
		if (ch)
			st->copied++;
		else
			st->unchanged++;
		gs_report(report, ctx, "%s %s <- %s%s", ch ? "copied" : "unchanged", name, p->src_name,
		    p->transposed ? " (transposed)" : "");
	}
	rc = 0;
out:
	gs_pairs_release(&pairs);
	return rc;
}
