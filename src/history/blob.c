/*
 * Compressed before-images.  Level 1 is enough: weights are mostly noise,
 * the win comes from zeros (pruning) and from exponent bytes.  Elements of
 * 4 bytes are split into byte planes, so the exponents sit together; when
 * many are exactly zero, a bitmap of the non-zero ones is kept instead and
 * only those are stored.  Images are cut into chunks that are packed and
 * unpacked on every core: the before-images of a step over a 400 MB model
 * are 400 MB to squeeze.
 */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "history/internal.h"

enum { BLOB_LEVEL = 1, BLOB_CHUNK = 4 << 20 };	/* bytes of image per chunk */

static uint32_t load32(const uint8_t *p)
{
	uint32_t u;

	memcpy(&u, p, sizeof(u));
	return u;
}

/* n words at src -> 4 planes of n bytes at dst, in one pass */
static void split_planes(uint8_t *dst, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t u = load32(src + i * 4);

		dst[i] = (uint8_t)u;
		dst[n + i] = (uint8_t)(u >> 8);
		dst[2 * n + i] = (uint8_t)(u >> 16);
		dst[3 * n + i] = (uint8_t)(u >> 24);
	}
}

static void join_planes(uint8_t *dst, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t u = (uint32_t)src[i] | (uint32_t)src[n + i] << 8 |
			     (uint32_t)src[2 * n + i] << 16 | (uint32_t)src[3 * n + i] << 24;

		memcpy(dst + i * 4, &u, sizeof(u));
	}
}

/* The byte stream to compress: words as planes, or bitmap + non-zeros. */
static uint8_t *transform(struct gs_blob_chunk *c, const uint8_t *src, size_t *len)
{
	size_t n = c->nbytes / 4, zeros = 0, i, j, map = (n + 7) / 8, k = 0;
	uint8_t *out, *words;

	for (i = 0; i < n; i++)
		zeros += load32(src + i * 4) == 0;
	if (zeros < n / 8) {
		c->mode = GS_BLOB_PLANES;
		out = gs_xmalloc(c->nbytes);
		split_planes(out, src, n);
		*len = c->nbytes;
		return out;
	}
	c->mode = GS_BLOB_SPARSE;
	c->nnz = n - zeros;
	*len = map + c->nnz * 4;
	out = gs_xmalloc(*len + 1);
	/* branch-free compaction: every word is written, only non-zero ones
	 * advance (zeros are about half of a pruned weight, in no order) */
	words = gs_xmalloc(c->nnz * 4 + 4);
	for (i = 0; i < n; i += 8) {
		uint8_t bits = 0;

		for (j = 0; j < 8 && i + j < n; j++) {
			uint32_t u = load32(src + (i + j) * 4);

			memcpy(words + k * 4, &u, 4);
			bits |= (uint8_t)((u != 0) << j);
			k += u != 0;
		}
		out[i / 8] = bits;
	}
	split_planes(out + map, words, c->nnz);
	free(words);
	return out;
}

static void pack_chunk(struct gs_blob_chunk *c, const uint8_t *data, bool words)
{
	uint8_t *tmp = NULL;
	const uint8_t *src = data;
	size_t cap, len = c->nbytes;

	if (words) {
		tmp = transform(c, data, &len);
		src = tmp;
	}
	cap = ZSTD_compressBound(len);
	c->z = gs_xmalloc(cap);
	c->len = ZSTD_compress(c->z, cap, src, len, BLOB_LEVEL);
	if (ZSTD_isError(c->len))
		abort();	/* only allocation fails with a bound-sized buffer */
	c->raw_len = len;
	free(tmp);
	/* give back the slack of the bound-sized buffer */
	c->z = gs_xrealloc(c->z, c->len ? c->len : 1);
}

static void unpack_chunk(const struct gs_blob_chunk *c, uint8_t *out)
{
	uint8_t *tmp = out;
	size_t rc, n = c->nbytes / 4, map = (n + 7) / 8, i, k = 0;

	if (c->mode != GS_BLOB_RAW)
		tmp = gs_xmalloc(c->raw_len + 1);
	rc = ZSTD_decompress(tmp, c->raw_len, c->z, c->len);
	if (ZSTD_isError(rc) || rc != c->raw_len)
		abort();	/* our own buffer, never corrupt: a bug */
	if (c->mode == GS_BLOB_PLANES) {
		join_planes(out, tmp, n);
	} else if (c->mode == GS_BLOB_SPARSE) {
		uint8_t *words = gs_xmalloc(c->nnz * 4 + 1);

		join_planes(words, tmp + map, c->nnz);
		for (i = 0; i < n; i++) {
			if (tmp[i / 8] & (1u << (i % 8)))
				memcpy(out + i * 4, words + 4 * k++, 4);
			else
				memset(out + i * 4, 0, 4);
		}
		free(words);
	}
	if (tmp != out)
		free(tmp);
}

struct blob_job {
	struct gs_blob *b;
	const uint8_t *in;
	uint8_t *out;
	bool words;
};

static void pack_task(void *ctx, size_t i, int worker)
{
	struct blob_job *j = ctx;

	(void)worker;
	pack_chunk(&j->b->chunks[i], j->in + i * (size_t)BLOB_CHUNK, j->words);
}

static void unpack_task(void *ctx, size_t i, int worker)
{
	struct blob_job *j = ctx;

	(void)worker;
	unpack_chunk(&j->b->chunks[i], j->out + i * (size_t)BLOB_CHUNK);
}

void gs_blob_pack(struct gs_blob *b, const void *data, size_t nbytes, int dtype)
{
	struct blob_job j = { b, data, NULL, false };
	int i;

	memset(b, 0, sizeof(*b));
	j.words = gs_dtype_bits(dtype) == 32 && nbytes % 4 == 0 && nbytes >= 64;
	b->n_chunks = nbytes ? (int)((nbytes + BLOB_CHUNK - 1) / BLOB_CHUNK) : 1;
	b->chunks = gs_xcalloc((size_t)b->n_chunks, sizeof(*b->chunks));
	for (i = 0; i < b->n_chunks; i++)
		b->chunks[i].nbytes = nbytes - (size_t)i * BLOB_CHUNK < BLOB_CHUNK ?
				      nbytes - (size_t)i * BLOB_CHUNK : BLOB_CHUNK;
	gs_parallel_for((size_t)b->n_chunks, pack_task, &j);
	for (i = 0; i < b->n_chunks; i++)
		b->len += b->chunks[i].len;
}

void *gs_blob_unpack(const struct gs_blob *b, size_t nbytes)
{
	struct blob_job j = { (struct gs_blob *)b, NULL, NULL, false };

	j.out = gs_xmalloc(nbytes ? nbytes : 1);
	gs_parallel_for((size_t)b->n_chunks, unpack_task, &j);
	return j.out;
}

void gs_blob_release(struct gs_blob *b)
{
	int i;

	for (i = 0; i < b->n_chunks; i++)
		free(b->chunks[i].z);
	free(b->chunks);
	memset(b, 0, sizeof(*b));
}
