/* Shared between the files of src/ir only. */
#ifndef GRAPHSMITH_IR_INTERNAL_H
#define GRAPHSMITH_IR_INTERNAL_H

#include "graphsmith/ir.h"

/* graph.c: the uses lists every edit keeps up to date */
void gs_value_add_use(struct gs_value *v, int node, int slot);
void gs_value_drop_use(struct gs_value *v, int node, int slot);
/* journal.c: an edit record with the graph's current dirty flags filled in. */
struct gs_edit gs_edit_begin(enum gs_edit_kind kind, struct gs_graph *g);
/* Hands e to the model's journal, if one listens. */
void gs_journal_note(struct gs_model *m, struct gs_edit *e);

#endif
