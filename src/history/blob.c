/*
 * Compressed before-images.  Level 1 is enough: weights are mostly noise,
 * the win comes from zeros (pruning) and from exponent bytes.  Elements of
 * 4 bytes are split into byte planes, so the exponents sit together; when
 * many are exactly zero, a bitmap of the non-zero ones is kept instead and
 * only those are stored.
 */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "history/internal.h"

enum { BLOB_LEVEL = 1 };

static bool word_zero(const uint8_t *p)
{
	return !(p[0] | p[1] | p[2] | p[3]);
}

/* n words at src -> 4 planes of n bytes at dst */
static void split_planes(uint8_t *dst, const uint8_t *src, size_t n)
{
	size_t i;
	int k;

	for (k = 0; k < 4; k++)
		for (i = 0; i < n; i++)
			dst[(size_t)k * n + i] = src[i * 4 + (size_t)k];
}

static void join_planes(uint8_t *dst, const uint8_t *src, size_t n)
{
	size_t i;
	int k;

	for (k = 0; k < 4; k++)
		for (i = 0; i < n; i++)
			dst[i * 4 + (size_t)k] = src[(size_t)k * n + i];
}

/* The byte stream to compress: words as planes, or bitmap + non-zeros. */
static uint8_t *transform(struct gs_blob *b, const uint8_t *src, size_t nbytes, size_t *len)
{
	size_t n = nbytes / 4, zeros = 0, i, map = (n + 7) / 8, k = 0;
	uint8_t *out, *words;

	for (i = 0; i < n; i++)
		zeros += word_zero(src + i * 4);
	if (zeros < n / 8) {
		b->mode = GS_BLOB_PLANES;
		out = gs_xmalloc(nbytes);
		split_planes(out, src, n);
		*len = nbytes;
		return out;
	}
	b->mode = GS_BLOB_SPARSE;
	b->nnz = n - zeros;
	*len = map + b->nnz * 4;
	out = gs_xcalloc(1, *len + 1);
	words = gs_xmalloc(b->nnz * 4 + 1);
	for (i = 0; i < n; i++) {
		if (word_zero(src + i * 4))
			continue;
		out[i / 8] |= (uint8_t)(1u << (i % 8));
		memcpy(words + k * 4, src + i * 4, 4);
		k++;
	}
	split_planes(out + map, words, b->nnz);
	free(words);
	return out;
}

void gs_blob_pack(struct gs_blob *b, const void *data, size_t nbytes, int dtype)
{
	uint8_t *tmp = NULL;
	const void *src = data;
	size_t cap, len = nbytes;

	memset(b, 0, sizeof(*b));
	if (gs_dtype_bits(dtype) == 32 && nbytes % 4 == 0 && nbytes >= 64) {
		tmp = transform(b, data, nbytes, &len);
		src = tmp;
	}
	cap = ZSTD_compressBound(len);
	b->z = gs_xmalloc(cap);
	b->len = ZSTD_compress(b->z, cap, src, len, BLOB_LEVEL);
	if (ZSTD_isError(b->len))
		abort();	/* only allocation fails with a bound-sized buffer */
	b->raw_len = len;
	free(tmp);
	/* give back the slack of the bound-sized buffer */
	b->z = gs_xrealloc(b->z, b->len ? b->len : 1);
}

void *gs_blob_unpack(const struct gs_blob *b, size_t nbytes)
{
	uint8_t *out = gs_xmalloc(nbytes ? nbytes : 1), *tmp = out;
	size_t rc, n = nbytes / 4, map = (n + 7) / 8, i, k = 0;

	if (b->mode != GS_BLOB_RAW)
		tmp = gs_xmalloc(b->raw_len + 1);
	rc = ZSTD_decompress(tmp, b->raw_len, b->z, b->len);
	if (ZSTD_isError(rc) || rc != b->raw_len)
		abort();	/* our own buffer, never corrupt: a bug */
	if (b->mode == GS_BLOB_PLANES) {
		join_planes(out, tmp, n);
	} else if (b->mode == GS_BLOB_SPARSE) {
		uint8_t *words = gs_xmalloc(b->nnz * 4 + 1);

		join_planes(words, tmp + map, b->nnz);
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
	return out;
}

void gs_blob_release(struct gs_blob *b)
{
	free(b->z);
	memset(b, 0, sizeof(*b));
}
