/* `fuse all` and the pattern table: run every fusion until nothing changes. */
#include <string.h>

#include "passes/fuse-internal.h"

typedef int (*fuse_fn)(struct gs_model *, struct gs_fuse_log *, struct gs_error *);

#define FUSE_ENTRY(name, fn) { name, fn },
static const struct { const char *name; fuse_fn fn; } patterns[] = {
	GS_FUSE_PATTERNS(FUSE_ENTRY)
	{ "all", gs_fuse_all },
};
#undef FUSE_ENTRY

#define FUSE_NAME(name, fn) name,
static const char *const names[] = { GS_FUSE_PATTERNS(FUSE_NAME) "all", NULL };
#undef FUSE_NAME

/* Each round can expose new matches (folded constants become BN params,
 * removed Identities join MatMul and Add); a handful of rounds suffices. */
#define FUSE_MAX_ROUNDS 8

int gs_fuse_all(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err)
{
	struct gs_fuse_log scratch;
	int total = 0, round, k, i, n, changed;

	gs_fuse_log_init(&scratch);
	for (round = 0; round < FUSE_MAX_ROUNDS; round++) {
		changed = 0;
		for (k = 0; k < (int)(sizeof(patterns) / sizeof(patterns[0])); k++) {
			if (patterns[k].fn == gs_fuse_all)
				continue;
			n = patterns[k].fn(m, &scratch, err);
			/* notes of a repeated round would only say the same again */
			for (i = 0; i < scratch.n; i++) {
				if (!round || !scratch.lines[i].note)
					gs_fuse_logf(log, scratch.lines[i].note, "%s", scratch.lines[i].text);
			}
			gs_fuse_log_release(&scratch);
			if (n < 0)
				return -1;
			changed += n;
		}
		total += changed;
		if (!changed)
			break;
	}
	return total;
}

int gs_fuse_run(struct gs_model *m, const char *pattern, struct gs_fuse_log *log,
		struct gs_error *err)
{
	char buf[128];
	size_t k;

	for (k = 0; k < sizeof(patterns) / sizeof(patterns[0]); k++)
		if (!strcmp(pattern, patterns[k].name))
			return patterns[k].fn(m, log, err);
	return gs_error_set(err, "unknown fuse pattern '%s' (affine, conv-bn, gemm, layernorm, gelu, identity, constants, all)",
			    gs_escape(pattern, buf, sizeof(buf)));
}

const char *const *gs_fuse_pattern_names(void)
{
	return names;
}
