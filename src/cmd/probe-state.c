/* What the probe (probe.c) keeps in the workspace: the sample inputs'
 * settings and the baseline's outputs and activations measured on them.
 * Below the workspace, which drops the baseline when B is replaced and
 * frees it all with itself; probe.c, above both, fills it. */
#include <stdlib.h>

#include "graphsmith/eval.h"
#include "cmd/internal.h"

void gs_probe_drop_base(struct gs_probe *p)
{
	int i;

	for (i = 0; p->base && i < p->n_base; i++)
		gs_et_unref(p->base[i]);
	free(p->base);
	p->base = NULL;
	p->n_base = 0;
	p->base_of = NULL;
	for (i = 0; p->cache && i < p->cache_values; i++)
		gs_et_unref(p->cache[i]);
	free(p->cache);
	free(p->cache_param);
	p->cache = NULL;
	p->cache_param = NULL;
	p->cache_values = p->cache_nodes = 0;
	p->cache_bytes = 0;
}

void gs_workspace_probe_forget(struct gs_workspace *ws)
{
	if (ws->probe)
		gs_probe_drop_base(ws->probe);
}

void gs_probe_free(struct gs_probe *p)
{
	if (!p)
		return;
	gs_probe_drop_base(p);
	free(p->source);
	free(p->labels_path);
	free(p);
}
