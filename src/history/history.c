/*
 * B's history: steps of recorded edits, undo in reverse, redo by re-running
 * the step's command line.  A tensor edit whose before-image lives on the
 * heap keeps it compressed (see blob.c); before-images in a mapping cost
 * nothing, they stay valid as long as the model.
 */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/history.h"
#include "history/internal.h"

/* The journal's callback: append the edit to the open step. */
static void record(void *ctx, struct gs_edit *e)
{
	struct gs_history *h = ctx;
	struct gs_step *s = h->open;
	struct gs_record *r;

	if (!s) {
		gs_edit_release(e);
		return;
	}
	GS_GROW(s->recs, s->n_recs + 1, s->recs_alloc);
	r = &s->recs[s->n_recs++];
	memset(r, 0, sizeof(*r));
	r->e = *e;
	/* without undo the step only lives until it commits or aborts: not
	 * worth compressing */
	if (!h->no_undo && e->kind == GS_EDIT_TENSOR && e->before.store == GS_STORE_HEAP &&
	    e->before.data && e->before.nbytes) {
		gs_blob_pack(&r->blob, e->before.data, e->before.nbytes, e->before.dtype);
		free((void *)e->before.data);
		r->e.before.data = NULL;
		r->packed = true;
	}
	h->memory += sizeof(*r) + r->blob.len;
}

/* A removed initializer keeps its tensor for undo; once the command is
 * done nothing reads it, so its heap bytes can wait compressed. */
static void park_removed(struct gs_history *h, struct gs_step *s)
{
	int i, j;

	for (i = 0; i < s->n_recs; i++) {
		struct gs_record *r = &s->recs[i];
		struct gs_value *v;
		struct gs_tensor *t;

		if (r->e.kind != GS_EDIT_INITIALIZER_REMOVE || r->blob.chunks)
			continue;
		v = r->e.g->values[r->e.value];
		t = v->param;
		if (v->kind == GS_VALUE_PARAM || !t || t->store != GS_STORE_HEAP || !t->data ||
		    !t->nbytes)
			continue;
		for (j = i + 1; j < s->n_recs; j++)
			if (s->recs[j].e.kind == GS_EDIT_TENSOR && s->recs[j].e.tensor == t)
				break;
		if (j < s->n_recs)
			continue;	/* edited after removal: leave it be */
		gs_blob_pack(&r->blob, t->data, t->nbytes, t->dtype);
		free((void *)t->data);
		t->data = NULL;
		t->store = GS_STORE_NONE;
		r->parked = t;
		h->memory += r->blob.len;
	}
}

static void unpark(struct gs_record *r)
{
	struct gs_tensor *t = r->parked;

	t->data = gs_blob_unpack(&r->blob, t->nbytes);
	t->store = GS_STORE_HEAP;
	r->parked = NULL;
}

static void step_free(struct gs_history *h, struct gs_step *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->n_recs; i++) {
		struct gs_record *r = &s->recs[i];

		h->memory -= sizeof(*r) + r->blob.len;
		gs_blob_release(&r->blob);
		gs_edit_release(&r->e);
	}
	free(s->recs);
	free(s->line);
	free(s);
}

/* Reverts the records of s from the last down to index `from`. */
static void revert(struct gs_history *h, struct gs_step *s, int from)
{
	while (s->n_recs > from) {
		struct gs_record *r = &s->recs[--s->n_recs];

		if (r->packed) {
			r->e.before.data = gs_blob_unpack(&r->blob, r->e.before.nbytes);
			r->packed = false;
		}
		if (r->parked)
			unpark(r);
		h->memory -= sizeof(*r) + r->blob.len;
		gs_blob_release(&r->blob);
		gs_edit_undo(h->m, &r->e);
		gs_edit_release(&r->e);
	}
}

static void redo_clear(struct gs_redo *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->lines[i]);
	free(l->lines);
	memset(l, 0, sizeof(*l));
}

static void redo_push(struct gs_redo *l, char *line)
{
	GS_GROW(l->lines, l->n + 1, l->alloc);
	l->lines[l->n++] = line;
}

struct gs_history *gs_history_new(struct gs_model *m)
{
	struct gs_history *h = gs_xcalloc(1, sizeof(*h));

	h->m = m;
	h->journal.record = record;
	h->journal.ctx = h;
	h->measure = true;
	return h;
}

void gs_history_free(struct gs_history *h)
{
	int i;

	if (!h)
		return;
	if (h->open)
		gs_history_abort(h);
	while (h->depth)
		gs_history_abort(h);
	for (i = 0; i < h->n_steps; i++)
		step_free(h, h->steps[i]);
	free(h->steps);
	free(h->marks);
	redo_clear(&h->redo);
	redo_clear(&h->stash);
	if (h->m && h->m->journal == &h->journal)
		gs_model_set_journal(h->m, NULL);
	free(h);
}

static void ensure_baseline(struct gs_history *h)
{
	if (!h->have_baseline) {
		if (h->measure)
			gs_step_stats_measure(h->m, &h->baseline);
		h->have_baseline = true;
	}
}

/* Without undo a committed step keeps its line and figures only. */
static void drop_records(struct gs_history *h, struct gs_step *s)
{
	for (int i = 0; i < s->n_recs; i++) {
		h->memory -= sizeof(s->recs[i]);
		gs_edit_release(&s->recs[i].e);
	}
	free(s->recs);
	s->recs = NULL;
	s->n_recs = s->recs_alloc = 0;
}

void gs_history_begin(struct gs_history *h, const char *line)
{
	if (h->depth++) {
		/* a command run from inside another joins its step */
		GS_GROW(h->marks, h->depth, h->marks_alloc);
		h->marks[h->depth - 1] = h->open->n_recs;
		return;
	}
	ensure_baseline(h);
	redo_clear(&h->stash);
	h->open = gs_xcalloc(1, sizeof(*h->open));
	h->open->line = gs_xstrdup(line ? line : "");
	GS_GROW(h->marks, 1, h->marks_alloc);
	h->marks[0] = 0;
	gs_model_set_journal(h->m, &h->journal);
}

void gs_history_commit(struct gs_history *h)
{
	struct gs_step *s = h->open;

	if (!h->depth)
		return;
	if (--h->depth)
		return;
	gs_model_set_journal(h->m, NULL);
	h->open = NULL;
	if (!s->n_recs) {
		step_free(h, s);
		return;
	}
	if (h->measure)
		gs_step_stats_measure(h->m, &s->stats);
	else
		memset(&s->stats, 0, sizeof(s->stats));
	if (h->no_undo)
		drop_records(h, s);
	else
		park_removed(h, s);
	GS_GROW(h->steps, h->n_steps + 1, h->steps_alloc);
	h->steps[h->n_steps++] = s;
	/* kept aside until the caller says whether this was a redo */
	redo_clear(&h->stash);
	h->stash = h->redo;
	memset(&h->redo, 0, sizeof(h->redo));
}

void gs_history_abort(struct gs_history *h)
{
	struct gs_step *s = h->open;

	if (!h->depth)
		return;
	revert(h, s, h->marks[h->depth - 1]);
	if (--h->depth)
		return;
	gs_model_set_journal(h->m, NULL);
	h->open = NULL;
	step_free(h, s);
}

int gs_history_undo(struct gs_history *h, struct gs_error *err)
{
	struct gs_step *s;

	if (h->depth)
		return gs_error_set(err, "cannot undo while a step is running");
	if (!h->n_steps)
		return gs_error_set(err, "nothing to undo");
	if (h->no_undo)
		return gs_error_set(err, "this run keeps no undo records");
	redo_clear(&h->stash);
	s = h->steps[--h->n_steps];
	revert(h, s, 0);
	redo_push(&h->redo, s->line);
	s->line = NULL;
	step_free(h, s);
	return 0;
}

const char *gs_history_redo_line(const struct gs_history *h)
{
	return h->redo.n ? h->redo.lines[h->redo.n - 1] : NULL;
}

void gs_history_redone(struct gs_history *h)
{
	if (h->stash.n) {
		/* the redo committed a step: keep the rest of the redo list */
		redo_clear(&h->redo);
		h->redo = h->stash;
		memset(&h->stash, 0, sizeof(h->stash));
	}
	if (h->redo.n)
		free(h->redo.lines[--h->redo.n]);
}

int gs_history_count(const struct gs_history *h)
{
	return h->n_steps;
}

const char *gs_history_line(const struct gs_history *h, int i)
{
	if (i == 0)
		return "baseline";
	return i >= 1 && i <= h->n_steps ? h->steps[i - 1]->line : NULL;
}

const struct gs_step_stats *gs_history_stats(const struct gs_history *h, int i)
{
	if (i == 0)
		return gs_history_baseline(h);
	return i >= 1 && i <= h->n_steps ? &h->steps[i - 1]->stats : NULL;
}

const struct gs_step_stats *gs_history_baseline(const struct gs_history *h)
{
	/* measured lazily: the struct is ours, only the interface is const */
	ensure_baseline((struct gs_history *)h);
	return &h->baseline;
}

uint64_t gs_history_memory(const struct gs_history *h)
{
	return h->memory;
}

void gs_history_set_measure(struct gs_history *h, bool on)
{
	h->measure = on;
}

void gs_history_set_undo(struct gs_history *h, bool on)
{
	h->no_undo = !on;
}

int gs_history_open_edits(const struct gs_history *h, const struct gs_edit **edits, int max)
{
	int i, n;

	if (!h->open)
		return 0;
	n = h->open->n_recs;
	for (i = 0; i < n && i < max; i++)
		edits[i] = &h->open->recs[i].e;
	return n;
}

void *gs_history_before_data(const struct gs_history *h, const struct gs_edit *e)
{
	const struct gs_record *r = (const struct gs_record *)(const void *)e;

	if (e->kind != GS_EDIT_TENSOR || !e->before.nbytes)
		return NULL;
	if (r->packed)
		return gs_blob_unpack(&r->blob, e->before.nbytes);
	if (!e->before.data)
		return NULL;
	return memcpy(gs_xmalloc(e->before.nbytes), e->before.data, e->before.nbytes);
}

void gs_history_set_output_error(struct gs_history *h, int i, const struct gs_output_error *e)
{
	if (i == 0) {
		ensure_baseline(h);
		h->baseline.out = *e;
	} else if (i >= 1 && i <= h->n_steps) {
		h->steps[i - 1]->stats.out = *e;
	}
}
