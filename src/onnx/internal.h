/* Shared between the files of src/onnx only. */
#ifndef GRAPHSMITH_ONNX_INTERNAL_H
#define GRAPHSMITH_ONNX_INTERNAL_H

#include "graphsmith/onnx.h"
#include "onnx/source.h"

/* Points t at its bytes in the external file named by tp's external_data,
 * refusing locations outside the model's folder unless opts allow it. */
int gs_external_resolve(struct gs_source *src, const char *model_path,
			const Onnx__TensorProto *tp, struct gs_tensor *t,
			const struct gs_load_opts *opts, struct gs_error *err);

#endif
