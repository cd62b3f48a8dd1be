/*
 * The one-line report of a step, from the figures stats.c measured and the
 * history kept: above both, as only it needs the history and the numbers.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "graphsmith/history.h"
#include "graphsmith/util.h"

static double pct(uint64_t now, uint64_t then)
{
	return then ? 100.0 * ((double)now - (double)then) / (double)then : 0.0;
}

void gs_history_format_step(const struct gs_history *h, int i, char *buf, size_t len)
{
	const struct gs_step_stats *s = gs_history_stats(h, i), *b = gs_history_baseline(h), *p;
	char line[256], sz[32], zs[32];

	if (!s) {
		snprintf(buf, len, "no step %d", i);
		return;
	}
	gs_format_bytes(s->bytes, sz, sizeof(sz));
	gs_format_bytes(s->zstd_bytes, zs, sizeof(zs));
	if (i == 0) {
		snprintf(buf, len, "baseline: %d nodes, %lld params, %s, zstd %s, sparsity %.1f%%",
			 s->nodes, (long long)s->params, sz, zs, 100.0 * s->sparsity);
		return;
	}
	p = gs_history_stats(h, i - 1);
	gs_escape(gs_history_line(h, i), line, sizeof(line));
	snprintf(buf, len,
		 "step %d %s: %d nodes (%+d), %lld params (%+lld), %s (%+.1f%%), "
		 "zstd %s (%+.1f%%, %+.1f%% vs baseline), sparsity %.1f%% (%+.1f pts)",
		 i, line, s->nodes, s->nodes - p->nodes, (long long)s->params,
		 (long long)(s->params - p->params), sz, pct(s->bytes, p->bytes), zs,
		 pct(s->zstd_bytes, p->zstd_bytes), pct(s->zstd_bytes, b->zstd_bytes),
		 100.0 * s->sparsity, 100.0 * (s->sparsity - p->sparsity));
	/* growth is rarely the point of a step: said in words, not only
	 * in the percentage (a fold that widened stored weights, say) */
	if (p->bytes && (double)s->bytes > 1.2 * (double)p->bytes) {
		size_t at = strlen(buf);

		if (at < len)
			snprintf(buf + at, len - at, ", model grew %.0f%%",
				 pct(s->bytes, p->bytes));
	}
	if (s->opset != p->opset) {
		size_t at = strlen(buf);

		if (at < len)
			snprintf(buf + at, len - at, ", opset %lld -> %lld",
				 (long long)p->opset, (long long)s->opset);
	}
	if (s->out.state) {
		size_t at = strlen(buf);
		char oe[400];

		gs_history_format_output_error(h, i, oe, sizeof(oe));
		if (at < len)
			snprintf(buf + at, len - at, "; %s", oe);
	}
}

void gs_history_format_output_error(const struct gs_history *h, int i, char *buf, size_t len)
{
	const struct gs_step_stats *s = gs_history_stats(h, i), *b = gs_history_baseline(h);
	size_t at = 0;
	int k;

	buf[0] = 0;
	if (!s || !s->out.state)
		return;
	if (s->out.state < 0) {
		snprintf(buf, len, "outputs not measured: %s", s->out.why);
		return;
	}
	for (k = 0; k < s->out.n && at < len; k++) {
		char db[32];

		if (isinf(s->out.sqnr_db[k]) && s->out.sqnr_db[k] > 0)
			snprintf(db, sizeof(db), "exact");
		else
			snprintf(db, sizeof(db), "%.1f dB", s->out.sqnr_db[k]);
		char name[24] = "out";

		if (s->out.n > 1)
			snprintf(name, sizeof(name), "out[%d]", k);
		at += (size_t)snprintf(buf + at, len - at, "%s%s cos %.4f, %s, max abs %.3g",
				       k ? "; " : "", name, s->out.cosine[k], db, s->out.max_abs[k]);
	}
	if (s->out.has_acc && at < len) {
		if (b && b->out.has_acc)
			snprintf(buf + at, len - at, "; acc %.1f%% (%+.1f pts)", 100.0 * s->out.acc,
				 100.0 * (s->out.acc - b->out.acc));
		else
			snprintf(buf + at, len - at, "; acc %.1f%%", 100.0 * s->out.acc);
	}
}
