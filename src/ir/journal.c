/*
 * The journal that makes edits undoable: an edit record is started with
 * the graph's dirty flags, then handed to whoever listens (the history).
 * Below every edit (build.c, edit.c) and knowing none of them.
 */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/ir.h"
#include "ir/internal.h"

struct gs_edit gs_edit_begin(enum gs_edit_kind kind, struct gs_graph *g)
{
	struct gs_edit e;

	memset(&e, 0, sizeof(e));
	e.kind = kind;
	e.g = g;
	e.node = e.slot = e.value = e.old_value = -1;
	if (g) {
		e.graph_dirty = g->dirty;
		e.topo_valid = g->topo_valid;
	}
	return e;
}

void gs_journal_note(struct gs_model *m, struct gs_edit *e)
{
	if (m->journal && !m->journal_muted)
		m->journal->record(m->journal->ctx, e);
	else if (e->kind == GS_EDIT_TENSOR)
		gs_edit_release(e);
}

void gs_model_set_journal(struct gs_model *m, const struct gs_journal *j)
{
	m->journal = j;
}

void gs_edit_release(struct gs_edit *e)
{
	if (e->kind == GS_EDIT_TENSOR && e->before.store == GS_STORE_HEAP) {
		free((void *)e->before.data);
		e->before.data = NULL;
		e->before.store = GS_STORE_NONE;
	}
}
