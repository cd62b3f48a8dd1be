/* The family tables of the op registry (one file each in src/ops/) and
 * what their kernels share. */
#ifndef GS_OPS_FAMILIES_H
#define GS_OPS_FAMILIES_H

#include "graphsmith/ops.h"

extern const struct gs_op gs_ops_elementwise[];	/* elementwise.c: unary, binary, variadic, logic, activations */
extern const struct gs_op gs_ops_reduce[];	/* reduce.c: Reduce*, ArgMax/Min, Softmax family, CumSum, TopK */
extern const struct gs_op gs_ops_norm[];	/* norm.c: Batch/Instance/Layer/RMS/Group norms, LRN, Dropout */
extern const struct gs_op gs_ops_einsum[];	/* einsum.c: Einsum */
extern const struct gs_op gs_ops_nn[];		/* nn.c: Conv, ConvTranspose, pools, Gemm, MatMul */
extern const struct gs_op gs_ops_rnn[];		/* rnn.c: LSTM, GRU, RNN */
extern const struct gs_op gs_ops_shape[];	/* shape.c: Reshape, Transpose, Concat, Split, Squeeze, ... */
extern const struct gs_op gs_ops_index[];	/* index.c: Gather*, Slice, Scatter*, Pad, Tile, Trilu, ... */
extern const struct gs_op gs_ops_quant[];	/* quant.c: QuantizeLinear, DequantizeLinear, Cast-like */
extern const struct gs_op gs_ops_resize[];	/* resize.c: Resize, Upsample */
extern const struct gs_op gs_ops_control[];	/* control.c: If, Loop, Scan, Constant, Identity */
extern const struct gs_op gs_ops_loss[];	/* loss.c: SoftmaxCrossEntropyLoss, NegativeLogLikelihoodLoss */
extern const struct gs_op gs_ops_attention[];	/* attention.c: Attention, RotaryEmbedding, RMSNormalization, ... */
extern const struct gs_op gs_ops_signal[];	/* signal.c: DFT, STFT, windows, MelWeightMatrix */
extern const struct gs_op gs_ops_integer[];	/* integer.c: ConvInteger, MatMulInteger, QLinear*, BitCast */
extern const struct gs_op gs_ops_vision[];	/* vision.c: GridSample, NonMaxSuppression, RoiAlign, Col2Im, ... */
extern const struct gs_op gs_ops_contrib[];	/* contrib.c: com.microsoft ops the matcher knows (no kernels) */

#endif
