/* Inside the history: steps, records and compressed before-images. */
#ifndef GS_HISTORY_INTERNAL_H
#define GS_HISTORY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graphsmith/history.h"

/* A before-image squeezed with zstd, in chunks packed on every core; in
 * each chunk 4-byte elements are first split into byte planes (the
 * exponents then compress well), or, when many are zero, stored as a
 * bitmap plus the non-zero ones. */
enum gs_blob_mode { GS_BLOB_RAW, GS_BLOB_PLANES, GS_BLOB_SPARSE };

struct gs_blob_chunk {
	uint8_t *z;
	size_t len;			/* compressed bytes */
	size_t raw_len;			/* bytes before compression */
	size_t nbytes;			/* bytes of the image it holds */
	enum gs_blob_mode mode;
	size_t nnz;			/* SPARSE: non-zero elements */
};

struct gs_blob {
	struct gs_blob_chunk *chunks;	/* NULL when nothing is packed */
	int n_chunks;
	size_t len;			/* compressed bytes in all */
};

void gs_blob_pack(struct gs_blob *b, const void *data, size_t nbytes, int dtype);
/* A malloc'd copy of the nbytes packed in b (b is left as it is). */
void *gs_blob_unpack(const struct gs_blob *b, size_t nbytes);
void gs_blob_release(struct gs_blob *b);

/* e comes first: gs_history_before_data() casts an edit back to its record */
struct gs_record {
	struct gs_edit e;
	struct gs_blob blob;
	bool packed;			/* before.data is in blob */
	/* INITIALIZER_REMOVE: the removed tensor's heap bytes, parked in
	 * blob until undo brings the initializer back */
	struct gs_tensor *parked;
};

struct gs_step {
	char *line;
	struct gs_record *recs;
	int n_recs, recs_alloc;
	struct gs_step_stats stats;
};

struct gs_redo {
	char **lines;
	int n, alloc;
};

struct gs_history {
	struct gs_model *m;
	struct gs_journal journal;
	struct gs_step **steps;
	int n_steps, steps_alloc;
	struct gs_step *open;
	int depth;			/* nested begin count */
	int *marks, marks_alloc;	/* record index at each nested begin */
	struct gs_redo redo;
	struct gs_redo stash;		/* redo list set aside by the last commit */
	struct gs_step_stats baseline;
	bool have_baseline;
	bool measure;
	bool no_undo;			/* committed steps drop their records */
	uint64_t memory;
};

#endif
