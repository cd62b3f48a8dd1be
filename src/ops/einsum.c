/*
 * Op family 'einsum' of the registry (see graphsmith/ops.h): Einsum, its
 * equation parsed and evaluated as one loop nest over the labels.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/eval.h"
#include "graphsmith/ir.h"
#include "ops/families.h"
#include "ops/kernel-util.h"

/* Labels: a-z A-Z are 0..51; the ellipsis' axes follow from 52. */
#define EIN_LETTERS 52
#define EIN_LABELS (EIN_LETTERS + GS_EVAL_MAX_RANK)
#define EIN_MAX_IN 16

static int ein_letter(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return 26 + c - 'A';
	return -1;
}

/* Parses one term (up to end) into labels; ell_rank is the number of axes
 * the ellipsis stands for, E the widest ellipsis (its axes are aligned to
 * the right).  Returns the label count, or -1. */
static int ein_term(const char *p, const char *end, int rank, int E, int *labels, bool *has_ell)
{
	int n = 0, letters = 0, i;
	const char *q;

	*has_ell = false;
	for (q = p; q < end; q++)
		if (ein_letter(*q) >= 0)
			letters++;
	for (; p < end; p++) {
		if (*p == ' ')
			continue;
		if (*p == '.') {
			int e;

			if (*has_ell || end - p < 3 || p[1] != '.' || p[2] != '.')
				return -1;
			*has_ell = true;
			p += 2;
			e = rank < 0 ? E : rank - letters;
			if (e < 0 || e > E || n + e > GS_EVAL_MAX_RANK)
				return -1;
			for (i = 0; i < e; i++)
				labels[n++] = EIN_LETTERS + E - e + i;
			continue;
		}
		if (ein_letter(*p) < 0 || n >= GS_EVAL_MAX_RANK)
			return -1;
		labels[n++] = ein_letter(*p);
	}
	return n;
}

static int k_einsum(struct gs_kernel_ctx *k)
{
	const struct gs_attr *eqa = gs_node_attr(k->node, "equation");
	const char *eq, *arrow, *p, *term[EIN_MAX_IN + 1];
	int lab[EIN_MAX_IN][GS_EVAL_MAX_RANK], olab[GS_EVAL_MAX_RANK], order[EIN_LABELS];
	int nlab[EIN_MAX_IN], count[EIN_LABELS] = { 0 }, nt = 0, E = 0, no, nord = 0;
	int64_t size[EIN_LABELS], st[EIN_MAX_IN + 1][EIN_LABELS], off[EIN_MAX_IN + 1];
	int64_t ctr[EIN_LABELS], odims[GS_EVAL_MAX_RANK];
	bool used[EIN_LABELS] = { false }, inout[EIN_LABELS] = { false }, ell, any_ell = false;
	struct gs_etensor *Y;
	float *y;
	int i, j, l;

	if (!eqa || !eqa->s)
		return gs_kernel_fail(k, "needs attribute 'equation'");
	eq = eqa->s;
	arrow = strstr(eq, "->");
	term[0] = eq;
	for (p = eq; *p && p != arrow; p++)
		if (*p == ',') {
			if (++nt >= EIN_MAX_IN)
				return gs_kernel_fail(k, "too many operands");
			term[nt] = p + 1;
		}
	term[++nt] = arrow ? arrow : p;
	if (nt != k->n_in)
		return gs_kernel_fail(k, "equation '%s' has %d operands, node %d", eq, nt, k->n_in);
	for (i = 0; i < nt; i++) {
		struct gs_etensor *t = gs_kernel_in(k, i);
		int letters = 0;

		if (!t || gs_k_want_float(k, t, "operand"))
			return t ? -1 : gs_kernel_fail(k, "operand %d is omitted", i);
		for (p = term[i]; p < term[i + 1] - (i + 1 < nt); p++)
			letters += ein_letter(*p) >= 0;
		if (t->rank - letters > E)
			E = t->rank - letters;
	}
	for (l = 0; l < EIN_LABELS; l++)
		size[l] = 1;
	memset(st, 0, sizeof(st));
	for (i = 0; i < nt; i++) {
		struct gs_etensor *t = gs_kernel_in(k, i);
		int64_t stride = 1;

		nlab[i] = ein_term(term[i], term[i + 1] - (i + 1 < nt), t->rank, E, lab[i], &ell);
		if (nlab[i] != t->rank)
			return gs_kernel_fail(k, "term %d of '%s' does not match rank %d", i, eq,
					      t->rank);
		any_ell |= ell;
		for (j = t->rank - 1; j >= 0; j--) {
			int64_t d = t->dims[j];

			l = lab[i][j];
			if (!used[l] || size[l] == 1) {
				if (used[l] && l < EIN_LETTERS && size[l] != d)
					goto mismatch;
				if (!used[l] || d != 1)
					size[l] = d;
			} else if (d != size[l] && !(l >= EIN_LETTERS && d == 1)) {
				goto mismatch;
			}
			if (l < EIN_LETTERS || d != 1)
				st[i][l] += stride;
			used[l] = true;
			stride *= d;
		}
		/* implicit output: the letters seen exactly once overall */
		for (j = 0; j < t->rank; j++)
			if (lab[i][j] < EIN_LETTERS)
				count[lab[i][j]]++;
	}
	if (arrow) {
		no = ein_term(arrow + 2, arrow + strlen(arrow), -1, E, olab, &ell);
		if (no < 0)
			return gs_kernel_fail(k, "cannot parse output of '%s'", eq);
	} else {
		no = 0;
		if (any_ell)
			for (l = EIN_LETTERS; l < EIN_LETTERS + E; l++)
				olab[no++] = l;
		/* uppercase sorts before lowercase, as in ASCII */
		for (l = 26; l < 52; l++)
			if (count[l] == 1 && no < GS_EVAL_MAX_RANK)
				olab[no++] = l;
		for (l = 0; l < 26; l++)
			if (count[l] == 1 && no < GS_EVAL_MAX_RANK)
				olab[no++] = l;
	}
	for (j = 0; j < no; j++) {
		l = olab[j];
		if (!used[l] && l < EIN_LETTERS)
			return gs_kernel_fail(k, "output label of '%s' is in no operand", eq);
		if (inout[l])
			return gs_kernel_fail(k, "output label repeated in '%s'", eq);
		inout[l] = true;
		odims[j] = size[l];
		order[nord++] = l;
	}
	for (l = 0; l < EIN_LABELS; l++)
		if (used[l] && !inout[l])
			order[nord++] = l;
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, no, odims)))
		return -1;
	y = Y->data;
	if (Y->numel)
		memset(y, 0, (size_t)Y->numel * sizeof(*y));
	for (l = 0; l < nord; l++)
		if (size[order[l]] == 0)
			return 0;
	{
		int64_t s = 1;

		for (j = no - 1; j >= 0; j--) {
			st[nt][olab[j]] = s;
			s *= odims[j];
		}
	}
	memset(ctr, 0, sizeof(ctr));
	memset(off, 0, sizeof(off));
	for (;;) {
		float v = 1.0f;

		for (i = 0; i < nt; i++)
			v *= ((const float *)k->in[i]->data)[off[i]];
		y[off[nt]] += v;
		for (j = nord - 1; j >= 0; j--) {
			l = order[j];
			for (i = 0; i <= nt; i++)
				off[i] += st[i][l];
			if (++ctr[j] < size[l])
				break;
			for (i = 0; i <= nt; i++)
				off[i] -= st[i][l] * size[l];
			ctr[j] = 0;
		}
		if (j < 0)
			break;
	}
	return 0;
mismatch:
	return gs_kernel_fail(k, "operand %d of '%s' disagrees on a dim size", i, eq);
}

const struct gs_op gs_ops_einsum[] = {
	{ .name = "Einsum", .since = 12, .flags = GS_OP_FLOAT32, .kernel = k_einsum,
	  .changed = { 12 },
	  .note = "Einstein summation: labelled axes multiplied, absent output labels summed" },
	{ .name = NULL },
};
