/*
 * The named tensors a weights file was read into (struct gs_weights) and
 * their release, whichever reader filled them: the safetensors reader
 * (its mapping) or the npz one in weights.c (its tensors).  The
 * safetensors reader unwinds a failed read with it, so it sits below both.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "graphsmith/tensorio.h"
#include "graphsmith/transfer.h"

void gs_weights_release(struct gs_weights *w)
{
	int i;

	for (i = 0; i < w->n; i++)
		free(w->t[i].name);
	free(w->t);
	if (w->map)
		munmap(w->map, w->map_len);
	if (w->npz) {
		gs_npz_release(w->npz);
		free(w->npz);
	}
	memset(w, 0, sizeof(*w));
}
