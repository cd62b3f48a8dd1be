/*
 * Reading weights for a one-pass scan (zero counts, compressed-size
 * samples, quantization) with pread instead of through the mapping.  A
 * mapped page costs a fault the first time it is touched, and on a
 * virtual machine that fault is as slow as the arithmetic on the page;
 * pread copies from the page cache inside the kernel.  Measured on the
 * 400 MB model: 0.07 s to read and count every weight, against 0.19 s
 * through the mapping (two cores both ways).
 */
#include <unistd.h>

#include "graphsmith/onnx.h"
#include "onnx/source.h"

/* Big reads are split so every core copies a part. */
enum { FETCH_CHUNK = 4 << 20 };

struct fetch {
	int fd;
	off_t off;
	uint8_t *buf;
	size_t len;
	bool failed;
};

static bool read_all(int fd, uint8_t *buf, size_t len, off_t off)
{
	ssize_t n;

	while (len) {
		n = pread(fd, buf, len, off);
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return true;
}

static void fetch_chunk(void *ctx, size_t i, int worker)
{
	struct fetch *f = ctx;
	size_t at = i * FETCH_CHUNK, n = f->len - at < FETCH_CHUNK ? f->len - at : FETCH_CHUNK;

	(void)worker;
	if (!read_all(f->fd, f->buf + at, n, f->off + (off_t)at))
		f->failed = true;
}

const void *gs_onnx_fetch(const struct gs_model *m, const void *data, size_t len, void *buf)
{
	const struct gs_source *src = m->source;
	const uint8_t *p = data;
	struct fetch f;

	if (!src || src->fd < 0 || !src->map || p < src->map || len > src->map_size ||
	    p > src->map + src->map_size - len || !len)
		return data;
	f.fd = src->fd;
	f.off = (off_t)(p - src->map);
	f.buf = buf;
	f.len = len;
	f.failed = false;
	gs_parallel_for((len + FETCH_CHUNK - 1) / FETCH_CHUNK, fetch_chunk, &f);
	/* the mapping holds the same bytes: a failed read only costs speed */
	return f.failed ? data : buf;
}
