/*
 * The op types the matcher has rules for, as small integers.  A view looks
 * each node's op up once, so pattern, default and family checks compare
 * ints instead of strings on every visit.  Keep the list in strcmp order:
 * op_id() bisects it (the unit test checks the order).
 */
#ifndef GS_MATCH_OPS_H
#define GS_MATCH_OPS_H

#include <stdbool.h>

#define MATCH_OPS(X) \
	X(Add) X(And) X(Attention) X(AveragePool) X(BatchNormalization) X(BiasAdd) \
	X(BiasGelu) X(Cast) X(Clip) X(Concat) X(Constant) X(ConstantOfShape) X(Conv) \
	X(ConvInteger) X(ConvTranspose) X(DequantizeLinear) X(Div) X(Dropout) X(Elu) \
	X(Equal) X(Erf) X(Expand) X(FastGelu) X(Flatten) X(FusedConv) X(FusedMatMul) \
	X(Gather) X(Gelu) X(Gemm) X(GlobalAveragePool) X(GlobalMaxPool) \
	X(GroupQueryAttention) X(HardSigmoid) X(HardSwish) X(Identity) \
	X(LayerNormalization) X(LeakyRelu) X(LogSoftmax) X(LpPool) X(MatMul) \
	X(MatMulInteger) X(MatMulNBits) X(Max) X(MaxPool) X(Mean) X(Min) X(Mul) \
	X(MultiHeadAttention) X(Or) X(PRelu) X(Pad) X(Pow) X(QLinearAdd) X(QLinearConv) \
	X(QLinearMatMul) X(QuantizeLinear) X(ReduceL2) X(ReduceMax) X(ReduceMean) \
	X(ReduceMin) X(ReduceProd) X(ReduceSum) X(Relu) X(Reshape) X(Resize) X(Selu) \
	X(Shape) X(SimplifiedLayerNormalization) X(SkipLayerNormalization) X(Slice) \
	X(Softmax) X(Split) X(Sqrt) X(Squeeze) X(Sub) X(Sum) X(Tile) X(TopK) X(Transpose) \
	X(Unsqueeze) X(Upsample) X(Xor)

enum match_op {
	OP_NONE,		/* an op without a rule, or not in the default domain */
#define X(name) OP_##name,
	MATCH_OPS(X)
#undef X
	OP_COUNT_
};

/* The id of an op type by name alone (any domain), OP_NONE if unknown. */
int op_id(const char *op);
/* The name of an id, NULL for OP_NONE. */
const char *op_name(int id);
bool op_id_commutative(int id);

#endif
