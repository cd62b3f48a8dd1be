# Data-driven steps: data sets and taps, activation norms (Wanda),
# layer-wise reconstruction (graphsmith/recon.h)
RECON_SOURCES = include/graphsmith/recon.h src/learn/data.c src/learn/linear.c \
	src/learn/activations.c src/learn/reconstruct.c src/learn/reconstruct-pass.c
