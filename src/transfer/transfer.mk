# parameter-level fusion and transfer (include/graphsmith/transfer.h)
TRANSFER_SOURCES = include/graphsmith/transfer.h src/transfer/pairs.c src/transfer/merge.c \
	src/transfer/transplant.c src/transfer/safetensors.c src/transfer/weights.c \
	src/transfer/weights-set.c src/transfer/transplant-pass.c src/transfer/merge-pass.c
