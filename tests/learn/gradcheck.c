/*
 * gradcheck MODEL DATA.npz: checks the tape's gradients of
 * L = sum(r * output0) with respect to every trainable parameter and every
 * float input, against centred finite differences (a sample of elements
 * per tensor, in float32 with the forward's own rounding) and, where
 * DATA.npz holds them, against "grad:NAME" arrays (torch autograd).
 * DATA.npz holds the inputs by name and "r" (shaped like output 0).
 * Prints one line per tensor; exit 1 when one is off.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/grad.h"
#include "graphsmith/onnx.h"
#include "graphsmith/tensorio.h"

static struct gs_grad *gr;
static struct gs_etensor **inputs;
static const struct gs_etensor *rvec;
static int bad;

static double loss(void)
{
	struct gs_etensor *out[16] = { 0 };
	struct gs_error err;
	double s = 0;
	int64_t i;

	if (gs_grad_forward(gr, inputs, out, &err) < 0) {
		fprintf(stderr, "gradcheck: %s\n", err.msg);
		exit(2);
	}
	for (i = 0; i < out[0]->numel; i++)
		s += (double)((float *)out[0]->data)[i] * ((float *)rvec->data)[i];
	return s;
}

/* Compares g (the tape's) with finite differences on up to 24 elements
 * of v, and with want (torch's) on all of them. */
static void check(const char *name, float *v, const float *g, int64_t n, const float *want)
{
	double scale = 1e-3, worst_fd = 0, worst_t = 0;
	int64_t i, step = n > 24 ? n / 24 : 1;

	for (i = 0; i < n; i++)
		scale = fmax(scale, fabs(g[i]));
	for (i = 0; i < n; i += step) {
		float keep = v[i], h = 1e-3f * fmaxf(1.0f, fabsf(keep));
		double up, down, fd;

		v[i] = keep + h;
		up = loss();
		v[i] = keep - h;
		down = loss();
		v[i] = keep;
		fd = (up - down) / (2.0 * (double)h);
		worst_fd = fmax(worst_fd, fabs(fd - g[i]) / scale);
	}
	for (i = 0; want && i < n; i++)
		worst_t = fmax(worst_t, fabs((double)want[i] - g[i]) / scale);
	printf("%-28s n=%-6lld max|g|=%-10.4g fd_err=%.2e", name, (long long)n, scale, worst_fd);
	if (want)
		printf(" torch_err=%.2e", worst_t);
	/* float32 differences of a sum: ~1e-2 of the largest gradient on
	 * small graphs; on deep ones rounding drowns them, and torch is the
	 * oracle there */
	if ((!want && worst_fd > 3e-2) || worst_t > 1e-3) {
		printf("  BAD");
		bad++;
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	struct gs_load_opts lo = { 0 };
	struct gs_error err;
	struct gs_model *m;
	struct gs_npz z;
	struct gs_etensor *out[16] = { 0 }, *gout[16] = { 0 }, **in_grads;
	char key[300];
	int i, n_in, trained = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: gradcheck MODEL DATA.npz\n");
		return 2;
	}
	if (!(m = gs_onnx_load(argv[1], &lo, &err)) || gs_npz_read(argv[2], &z, &err) < 0 ||
	    !(gr = gs_grad_new(m, &err))) {
		fprintf(stderr, "gradcheck: %s\n", err.msg);
		return 2;
	}
	gs_grad_want_input_grads(gr, true);
	n_in = gs_grad_n_inputs(gr);
	inputs = calloc((size_t)n_in + 1, sizeof(*inputs));
	in_grads = calloc((size_t)n_in + 1, sizeof(*in_grads));
	for (i = 0; i < n_in; i++)
		if (!(inputs[i] = gs_npz_find(&z, gs_grad_input(gr, i)->name))) {
			fprintf(stderr, "gradcheck: no input '%s'\n", gs_grad_input(gr, i)->name);
			return 2;
		}
	if (!(rvec = gs_npz_find(&z, "r"))) {
		fprintf(stderr, "gradcheck: no 'r'\n");
		return 2;
	}
	loss();
	if (gs_grad_forward(gr, inputs, out, &err) < 0)
		return 2;
	gout[0] = (struct gs_etensor *)rvec;
	gs_grad_zero(gr);
	if (gs_grad_backward(gr, gout, &err) < 0) {
		fprintf(stderr, "gradcheck: %s\n", err.msg);
		return 2;
	}
	/* copy the gradients out: the checks' forwards reset the tape */
	for (i = 0; i < n_in; i++)
		in_grads[i] = gs_grad_input_grad(gr, i) ?
			gs_et_copy(gs_grad_input_grad(gr, i), &err) : NULL;
	for (i = 0; i < gs_grad_n_params(gr); i++) {
		struct gs_grad_param *p = gs_grad_param_at(gr, i);
		const struct gs_etensor *t;
		float *g;

		if (!p->trainable)
			continue;
		trained++;
		g = malloc(sizeof(float) * (size_t)p->g->numel + 1);
		memcpy(g, p->g->data, sizeof(float) * (size_t)p->g->numel);
		snprintf(key, sizeof(key), "grad:%s", p->tensor->name);
		t = gs_npz_find(&z, key);
		check(p->tensor->name, p->w->data, g, p->w->numel, t ? t->data : NULL);
		free(g);
	}
	for (i = 0; i < n_in; i++) {
		struct gs_etensor *gi = in_grads[i], *x;
		const struct gs_etensor *t;

		if (!gi)
			continue;
		/* perturb a private copy: the npz's tensor may be shared */
		x = gs_et_copy(inputs[i], &err);
		inputs[i] = x;
		snprintf(key, sizeof(key), "grad:%s", gs_grad_input(gr, i)->name);
		t = gs_npz_find(&z, key);
		check(gs_grad_input(gr, i)->name, x->data, gi->data, x->numel, t ? t->data : NULL);
		gs_et_unref(x);
		gs_et_unref(gi);
	}
	printf("%d trainable parameters, %d bad\n", trained, bad);
	gs_grad_free(gr);
	gs_npz_release(&z);
	gs_model_free(m);
	free(inputs);
	free(in_grads);
	return bad ? 1 : 0;
}
