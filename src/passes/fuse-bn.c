/* BatchNormalization in inference as a per-channel affine map, for the
 * passes that fold it into the layer before it. */
#include <math.h>
#include <stdlib.h>

#include "passes/fuse-internal.h"

int gs_fuse_bn_affine(const struct gs_graph *g, const struct gs_node *bn, int64_t channels,
		      double **s, double **t)
{
	struct gs_tensor *p[4];
	double *v[4] = { NULL, NULL, NULL, NULL };
	double eps = gs_node_attr_float(bn, "epsilon", 1e-5f);
	int64_t n;
	int i, rc = -1;

	if (bn->n_inputs != 5 || gs_node_attr_int(bn, "training_mode", 0) ||
	    !gs_node_attr_int(bn, "spatial", 1))
		return -1;
	for (i = 1; i < bn->n_outputs; i++)
		if (bn->outputs[i] >= 0 && gs_fuse_uses(g, bn->outputs[i]) != 0)
			return -1;
	for (i = 0; i < 4; i++) {
		p[i] = gs_fuse_param(g, bn, i + 1);
		if (!p[i] || p[i]->numel != channels || !gs_dtype_is_float(p[i]->dtype))
			goto out;
		if (!(v[i] = gs_fuse_param_doubles(p[i], &n)))
			goto out;
	}
	*s = gs_xmalloc(sizeof(double) * (size_t)channels);
	*t = gs_xmalloc(sizeof(double) * (size_t)channels);
	for (n = 0; n < channels; n++) {
		(*s)[n] = v[0][n] / sqrt(v[3][n] + eps);
		(*t)[n] = v[1][n] - v[2][n] * (*s)[n];
	}
	rc = 0;
out:
	for (i = 0; i < 4; i++)
		free(v[i]);
	return rc;
}
