/* explain [NODE|OP]: what an op computes, from data/ops.txt. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "graphsmith/info.h"
#include "graphsmith/opdoc.h"
#include "graphsmith/ops.h"
#include "cmd/internal.h"

static const struct gs_opdoc_db *opdoc(struct gs_workspace *ws, struct gs_error *err)
{
	char msg[512], *path;

	if (ws->opdoc)
		return ws->opdoc;
	if (!(path = gs_data_path("ops.txt"))) {
		gs_error_set(err, "cannot find the operator notes 'ops.txt' (set GRAPHSMITH_DATADIR)");
		return NULL;
	}
	if (!(ws->opdoc = gs_opdoc_load(path, msg, sizeof(msg))))
		gs_error_set(err, "%s", msg);
	free(path);
	return ws->opdoc;
}

static bool standard_domain(const char *domain)
{
	return !domain || !domain[0] || !strcmp(domain, GS_OPDOC_DEFAULT_DOMAIN);
}

/* Exact first, then ignoring case: "conv" is what people type.  A node of
 * another domain (com.microsoft) gets that domain's notes or none: the
 * standard op of the same name may compute something else. */
static const struct gs_opdoc *find_op(const struct gs_opdoc_db *db, const char *domain, const char *op)
{
	const struct gs_opdoc *d = gs_opdoc_find(db, domain, op);
	size_t i;

	for (i = 0; !d && i < gs_opdoc_count(db); i++)
		if (!strcasecmp(gs_opdoc_at(db, i)->op, op) &&
		    (standard_domain(domain) ? true : !strcmp(gs_opdoc_at(db, i)->domain, domain)))
			d = gs_opdoc_at(db, i);
	return d;
}

/* "[48,32]" of a value, from its parameter's dims or its known shape. */
static const char *dims_of(const struct gs_graph *g, int v, int64_t *d, int *rank, char *buf, size_t len)
{
	const struct gs_value *val = v >= 0 ? g->values[v] : NULL;
	int i;

	*rank = -1;
	if (!val)
		return "?";
	if (val->param) {
		*rank = val->param->rank;
		for (i = 0; i < *rank && i < 8; i++)
			d[i] = val->param->dims[i];
		return gs_format_dims(val->param->rank, val->param->dims, buf, len);
	}
	*rank = val->rank;
	for (i = 0; i < val->rank && i < 8; i++)
		d[i] = val->dims[i].value;
	return gs_format_shape(val, buf, len);
}

static void dim_text(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%lld", (long long)v);
}

/* "  kernel_shape=[3,3] strides=[2,2] pads=[1,1,1,1]": the window
 * attributes the node sets. */
static void window(struct gs_workspace *ws, const struct gs_node *n)
{
	static const char *const names[] = { "kernel_shape", "strides", "pads", "dilations" };
	char buf[400], db[120];
	size_t o = 0, i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(*names) && o + 1 < sizeof(buf); i++) {
		const struct gs_attr *at = gs_node_attr(n, names[i]);

		if (at && at->type == GS_ATTR_INTS)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, " %s=%s", names[i],
					      gs_format_dims(at->n, at->ints, db, sizeof(db)));
	}
	if (buf[0])
		gs_printf(ws, " %s", buf);
}

/* What this node's own attributes and shapes make of the op. */
static void node_facts(struct gs_workspace *ws, const struct gs_graph *g, const struct gs_node *n)
{
	int64_t da[8], db[8];
	int ra, rb;
	char sa[96], sb[96], k[24], m[24], o[24];

	if (n->n_inputs < 2)
		return;
	dims_of(g, n->inputs[0], da, &ra, sa, sizeof(sa));
	dims_of(g, n->inputs[1], db, &rb, sb, sizeof(sb));
	if (!strcmp(n->op_type, "Gemm") && !n->domain[0]) {
		int64_t ta = gs_node_attr_int(n, "transA", 0), tb = gs_node_attr_int(n, "transB", 0);

		gs_oprintf(ws, GS_OUT_HEADING, "this node:");
		gs_printf(ws, "  A %s, B %s, transA=%lld, transB=%lld", sa, sb, (long long)ta, (long long)tb);
		if (rb == 2) {
			dim_text(db[tb ? 1 : 0], k, sizeof(k));
			dim_text(db[tb ? 0 : 1], o, sizeof(o));
			gs_printf(ws, "  transB=%lld, so B is read as %s: K=%s inputs, N=%s outputs",
				  (long long)tb, tb ? "[N,K]" : "[K,N]", k, o);
		}
		if (ra == 2) {
			dim_text(da[ta ? 1 : 0], m, sizeof(m));
			dim_text(da[ta ? 0 : 1], k, sizeof(k));
			gs_printf(ws, "  transA=%lld, so A is read as %s: M=%s rows of K=%s",
				  (long long)ta, ta ? "[K,M]" : "[M,K]", m, k);
		}
		gs_printf(ws, "  Y = %g * A' B' + %g * C", (double)gs_node_attr_float(n, "alpha", 1.0f),
			  (double)gs_node_attr_float(n, "beta", 1.0f));
	} else if (!strcmp(n->op_type, "MatMul") && !n->domain[0] && ra >= 1 && rb >= 1) {
		gs_oprintf(ws, GS_OUT_HEADING, "this node:");
		dim_text(da[ra - 1], k, sizeof(k));
		dim_text(db[rb - 1], o, sizeof(o));
		gs_printf(ws, "  A %s @ B %s: K=%s (A's last axis, B's %s) summed away, N=%s", sa, sb, k,
			  rb >= 2 ? "second last" : "only", rb >= 2 ? o : "none");
	} else if ((!strcmp(n->op_type, "Conv") || !strcmp(n->op_type, "ConvTranspose")) && rb >= 3) {
		int64_t grp = gs_node_attr_int(n, "group", 1);
		bool tr = n->op_type[4] == 'T';

		gs_oprintf(ws, GS_OUT_HEADING, "this node:");
		dim_text(db[0], m, sizeof(m));
		dim_text(db[1], k, sizeof(k));
		gs_printf(ws, "  X %s, W %s, group=%lld", sa, sb, (long long)grp);
		gs_printf(ws, tr ? "  %s input channels, each spread to %s output channels per group"
				 : "  %s filters, each over %s input channels%s", m, k,
			  !tr && grp > 1 && db[1] == 1 ? " (depthwise: one channel per filter)" : "");
		window(ws, n);
	}
}

static void print_io(struct gs_workspace *ws, const char *title, const struct gs_opdoc_io *io, size_t n)
{
	char name[96];
	size_t i;

	if (n)
		gs_oprintf(ws, GS_OUT_HEADING, "%s", title);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%s", io[i].name,
			 io[i].variadic ? "..." : io[i].optional ? "?" : "");
		gs_printf(ws, "  %-14s %s", name, io[i].desc);
	}
}

static void print_doc(struct gs_workspace *ws, const struct gs_opdoc *d)
{
	size_t i;

	gs_oprintf(ws, GS_OUT_HEADING, "%s (%s): %s", d->op, d->domain, d->summary);
	for (i = 0; i < d->nformulas; i++)
		gs_printf(ws, "    %s", d->formulas[i]);
	for (i = 0; i < d->ntexts; i++)
		gs_printf(ws, "%s", d->texts[i]);
	print_io(ws, "inputs", d->inputs, d->ninputs);
	print_io(ws, "outputs", d->outputs, d->noutputs);
	if (d->nattrs)
		gs_oprintf(ws, GS_OUT_HEADING, "attributes");
	for (i = 0; i < d->nattrs; i++)
		gs_printf(ws, "  %-14s %-8s %s", d->attrs[i].name, d->attrs[i].type, d->attrs[i].desc);
	if (d->see)
		gs_printf(ws, "see also: %s", d->see);
}

/* A node of another domain: say so, and what the op registry knows. */
static void contrib(struct gs_workspace *ws, const struct gs_graph *g, const struct gs_node *n,
		    const struct gs_opdoc *d)
{
	const struct gs_op *op = gs_op_facts(n->domain, n->op_type);
	char eb[256], ob[128], db[128];

	gs_printf(ws, "%s is a %s of domain %s: a contrib op (%s), not standard ONNX;",
		  gs_node_label(g, n, eb, sizeof(eb)), gs_escape(n->op_type, ob, sizeof(ob)),
		  gs_escape(n->domain, db, sizeof(db)),
		  !strcmp(n->domain, "com.microsoft") ? "an ONNX Runtime extension" : "a vendor extension");
	gs_printf(ws, "only runtimes that implement that domain run it%s",
		  op && op->kernel ? " (graphsmith evaluates it)" : op ? " (graphsmith knows it but cannot run it)" : "");
	if (op && op->note && !d)
		gs_printf(ws, "  %s", op->note);
	if (!d && !(op && op->note))
		gs_printf(ws, "  no notes for it yet; its inputs, outputs and attributes are in the detail view");
}

static int explain_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	const struct gs_opdoc_db *db;
	const struct gs_opdoc *d = NULL;
	const struct gs_node *n = NULL;
	const struct gs_graph *g = NULL;
	const char *op, *domain = NULL;
	struct gs_node_ref r;
	struct gs_error ignored;
	char eb[256];

	if (argc > 2)
		return gs_error_set(err, "usage: %s", gs_cmd_explain.usage);
	if (!(db = opdoc(ws, err)))
		return -1;
	if (argc == 2 && (d = gs_opdoc_find(db, NULL, argv[1])))
		;
	else if (argc == 2 && ((gs_ws_model(ws, 'b') &&
				!gs_ws_find_node(ws, 'b', argv[1], &r, &ignored)) ||
			       (gs_ws_model(ws, 'a') &&
				!gs_ws_find_node(ws, 'a', argv[1], &r, &ignored))))
		g = r.g, n = r.g->nodes[r.node];
	else if (argc == 1 && ws->sel_graph && ws->sel_node >= 0)
		g = ws->sel_graph, n = g->nodes[ws->sel_node];
	else if (argc == 1)
		return gs_error_set(err, "no node selected (use 'explain NODE' or 'explain OP')");
	if (argc == 1 && ws->view_ops && ws->view_ops->explain) {
		ws->view_ops->explain(ws->view);
		return GS_CHANGED_VIEW;
	}
	op = d ? d->op : n ? n->op_type : argv[1];
	domain = n ? n->domain : NULL;
	if (!d && !(d = find_op(db, domain, op)) && !(n && !standard_domain(domain)))
		return gs_error_set(err, "no notes for op '%s'%s", gs_escape(op, eb, sizeof(eb)),
				    n ? "" : " (and no node has that name)");
	if (n && !standard_domain(domain))
		contrib(ws, g, n, d);
	else if (n)
		gs_printf(ws, "%s is a %s:", gs_node_label(g, n, eb, sizeof(eb)), d->op);
	if (n)
		node_facts(ws, g, n);
	if (d)
		print_doc(ws, d);
	return GS_CHANGED_NOTHING;
}

static enum gs_complete_kind explain_complete(int argi, char **argv, const char *const **words)
{
	return argi == 1 ? GS_COMPLETE_OP : GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_explain = {
	.name = "explain",
	.alias = NULL,
	.usage = "explain [NODE|OP]",
	.help = "Explains what an operator computes: its formula, inputs, outputs\n"
		"and attributes with their meaning.  Names an op type, a node (of B,\n"
		"else of A), "
		"or with no argument the selected node.",
	.flags = 0,
	.exec = explain_exec,
	.complete = explain_complete,
};
