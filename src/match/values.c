/*
 * What a value of a graph is to the matcher: the parameter behind it
 * (through outer-scope references), whether it is constant, its kind as a
 * view input slot.  Below both the view build (view.c) and the pattern
 * finder it runs (fusion.c), which ask these while roles are being set.
 */
#include "match/internal.h"

const struct gs_value *gs_match_value_outermost(const struct gs_value *val)
{
	int hops;

	for (hops = 0; hops < GS_MAX_GRAPH_DEPTH && val->kind == GS_VALUE_OUTER && val->outer; hops++)
		val = val->outer;
	return val;
}

const struct gs_tensor *gs_match_view_param(const struct mview *v, int value)
{
	const struct gs_value *val;

	if (value < 0)
		return NULL;
	val = gs_match_value_outermost(v->g->values[value]);
	return val->kind == GS_VALUE_PARAM ? val->param : NULL;
}

bool gs_match_view_is_const(const struct mview *v, int value)
{
	const struct gs_value *val;

	if (value < 0)
		return false;
	val = v->g->values[value];
	if (val->kind == GS_VALUE_PARAM)
		return true;
	if (val->kind == GS_VALUE_OUTER)
		return gs_match_value_outermost(val)->kind == GS_VALUE_PARAM;
	return val->producer >= 0 && v->role[val->producer] == ROLE_CONST;
}

int gs_match_view_slot_kind(const struct mview *v, int value)
{
	if (value < 0)
		return SLOT_ABSENT;
	if (v->src[value] >= 0)
		return SLOT_ACT;
	if (gs_match_view_is_const(v, value))
		return SLOT_PARAM;
	return SLOT_INPUT;
}
