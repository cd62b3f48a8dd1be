/*
 * Lane layout.  A lane is the output of a row still needed further down;
 * it ends at its last consumer.  A node takes the column of the leftmost
 * input lane that ends at it (so a chain stays in one column), or else
 * the leftmost free column.  O(rows x lanes).
 */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/error.h"
#include "tui/lanes.h"

void gs_lanes_init(struct gs_lanes *l)
{
	memset(l, 0, sizeof(*l));
}

void gs_lanes_release(struct gs_lanes *l)
{
	free(l->off);
	free(l->cells);
	free(l->node_col);
	free(l->lo);
	free(l->hi);
	gs_lanes_init(l);
}

static void put(struct gs_lanes *l, size_t *cnt, size_t *alloc, const unsigned char *row, int w)
{
	if (w > GS_LANES_MAX)
		w = GS_LANES_MAX;
	GS_GROW(l->cells, *cnt + (size_t)w + 1, *alloc);
	memcpy(l->cells + *cnt, row, (size_t)w);
	*cnt += (size_t)w;
	if (w > l->width)
		l->width = w;
}

void gs_lanes_layout(struct gs_lanes *l, int n, const bool *has_node,
		     const int *off, const int *par)
{
	int *last = gs_xmalloc(sizeof(int) * ((size_t)n + 1));
	int *col = gs_xmalloc(sizeof(int) * ((size_t)n + 1));
	int *owner = NULL, n_cols = 0, owner_alloc = 0;
	unsigned char *row = NULL;
	int row_alloc = 0;
	size_t cnt = 0, alloc = 0;
	int i, k, c;

	gs_lanes_release(l);
	l->n = n;
	l->off = gs_xmalloc(sizeof(int) * ((size_t)n + 1));
	l->node_col = gs_xmalloc(sizeof(int) * ((size_t)n + 1));
	l->lo = gs_xmalloc(sizeof(int) * ((size_t)n + 1));
	l->hi = gs_xmalloc(sizeof(int) * ((size_t)n + 1));
	for (i = 0; i < n; i++) {
		last[i] = -1;
		col[i] = -1;
	}
	for (i = 0; i < n; i++)
		for (k = off[i]; k < off[i + 1]; k++)
			if (par[k] < i && par[k] >= 0 && last[par[k]] < i)
				last[par[k]] = i;
	for (i = 0; i < n; i++) {
		int nc = -1, lo, hi;

		l->off[i] = (int)cnt;
		l->node_col[i] = -1;
		l->lo[i] = l->hi[i] = 0;
		if (has_node[i]) {
			/* the leftmost input lane ending here, or a free column */
			for (k = off[i]; k < off[i + 1]; k++) {
				int p = par[k];

				if (p < i && p >= 0 && col[p] >= 0 && last[p] == i &&
				    (nc < 0 || col[p] < nc))
					nc = col[p];
			}
			for (c = 0; nc < 0 && c < n_cols; c++)
				if (owner[c] < 0)
					nc = c;
			if (nc < 0) {
				GS_GROW(owner, n_cols + 1, owner_alloc);
				owner[n_cols] = -1;
				nc = n_cols++;
			}
		}
		GS_GROW(row, n_cols + 1, row_alloc);
		for (c = 0; c < n_cols; c++)
			row[c] = owner[c] >= 0 ? GS_LANE_VERT : GS_LANE_EMPTY;
		if (nc < 0) {
			put(l, &cnt, &alloc, row, n_cols);
			continue;
		}
		row[nc] = GS_LANE_NODE;
		lo = hi = nc;
		for (k = off[i]; k < off[i + 1]; k++) {
			int p = par[k], cp;

			if (p >= i || p < 0 || (cp = col[p]) < 0 || cp == nc)
				continue;
			if (cp > nc)
				row[cp] = last[p] == i ? GS_LANE_END_R : GS_LANE_TEE_R;
			else
				row[cp] = last[p] == i ? GS_LANE_END_L : GS_LANE_TEE_L;
			if (cp < lo)
				lo = cp;
			if (cp > hi)
				hi = cp;
		}
		for (c = lo + 1; c < hi; c++) {
			if (row[c] == GS_LANE_EMPTY)
				row[c] = GS_LANE_HORIZ;
			else if (row[c] == GS_LANE_VERT)
				row[c] = GS_LANE_CROSS;
		}
		l->node_col[i] = nc;
		l->lo[i] = lo;
		l->hi[i] = hi;
		put(l, &cnt, &alloc, row, n_cols);
		/* lanes ending here free their columns; ours starts */
		for (k = off[i]; k < off[i + 1]; k++) {
			int p = par[k];

			if (p < i && p >= 0 && col[p] >= 0 && last[p] == i) {
				owner[col[p]] = -1;
				col[p] = -1;
			}
		}
		if (last[i] > i) {
			owner[nc] = i;
			col[i] = nc;
		}
		while (n_cols > 0 && owner[n_cols - 1] < 0)
			n_cols--;
	}
	l->off[n] = (int)cnt;
	if (!l->cells)
		l->cells = gs_xmalloc(1);
	free(row);
	free(owner);
	free(col);
	free(last);
}

static const char *const glyph_utf8[] = {
	" ", "\u2502", "\u25cf", "\u2500", "\u253c", "\u2518", "\u2524", "\u2514", "\u251c",
};
static const char *const glyph_ascii[] = {
	" ", "|", "*", "-", "+", "'", "+", "`", "+",
};

const char *gs_lanes_render(const struct gs_lanes *l, int i, bool utf8, int max_cols,
			    char *buf, size_t len)
{
	const char *const *g = utf8 ? glyph_utf8 : glyph_ascii;
	int w = l->off[i + 1] - l->off[i], c;
	size_t at = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (w > max_cols)
		w = max_cols;
	for (c = 0; c < w; c++) {
		const char *s = g[l->cells[l->off[i] + c]];
		const char *link = c >= l->lo[i] && c < l->hi[i] && l->node_col[i] >= 0 ? g[GS_LANE_HORIZ] : " ";
		size_t need = strlen(s) + strlen(link);

		if (at + need + 1 > len)
			break;
		memcpy(buf + at, s, strlen(s));
		at += strlen(s);
		memcpy(buf + at, link, strlen(link));
		at += strlen(link);
	}
	/* no trailing blanks: callers pad to the gutter width */
	while (at > 0 && buf[at - 1] == ' ')
		at--;
	buf[at] = '\0';
	return buf;
}
