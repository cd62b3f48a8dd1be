/* The file layer's hooks (gs_file_ops): layers above the IR read weights
 * and measure saved sizes through these, never calling into src/onnx. */
#include "graphsmith/ir.h"

static const struct gs_file_ops *installed;

void gs_file_ops_install(const struct gs_file_ops *ops)
{
	/* loads run on several threads at once, all installing the same */
	__atomic_store_n(&installed, ops, __ATOMIC_RELEASE);
}

static const struct gs_file_ops *ops(void)
{
	return __atomic_load_n(&installed, __ATOMIC_ACQUIRE);
}

const void *gs_model_fetch(const struct gs_model *m, const void *data, size_t len, void *buf)
{
	const struct gs_file_ops *o = ops();

	return o ? o->fetch(m, data, len, buf) : data;
}

uint64_t gs_model_packed_size(struct gs_model *m)
{
	const struct gs_file_ops *o = ops();

	return o ? o->packed_size(m) : 0;
}

uint64_t gs_model_pack_stream(struct gs_model *m,
			      void (*sink)(void *ctx, const void *data, size_t len), void *ctx)
{
	const struct gs_file_ops *o = ops();

	return o ? o->pack_stream(m, sink, ctx) : 0;
}
