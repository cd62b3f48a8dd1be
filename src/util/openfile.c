/*
 * Opening files named by the user or by a model.  A FIFO, a device or a
 * directory would block a read forever or feed it without end, so a file
 * is opened without blocking, checked to be a regular file, and only then
 * read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "graphsmith/error.h"
#include "graphsmith/util.h"

int gs_open_regular(const char *path, off_t *size, struct gs_error *err)
{
	struct stat st;
	int fd, flags;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return gs_error_set(err, "%s", strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return gs_error_set(err, "%s", strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return gs_error_set(err, "%s", S_ISDIR(st.st_mode) ? "is a directory" :
				    "not a regular file");
	}
	/* a regular file never blocks: reads may go back to blocking mode */
	flags = fcntl(fd, F_GETFL);
	if (flags >= 0)
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	if (size)
		*size = st.st_size;
	return fd;
}

FILE *gs_fopen_regular(const char *path, off_t *size, struct gs_error *err)
{
	int fd = gs_open_regular(path, size, err);
	FILE *f;

	if (fd < 0)
		return NULL;
	if (!(f = fdopen(fd, "rb"))) {
		gs_error_set(err, "%s", strerror(errno));
		close(fd);
	}
	return f;
}

/* Weights compress 1.1-10x; far more is a bomb. */
size_t gs_inflate_limit(size_t compressed)
{
	const char *env = getenv("GS_MAX_INFLATE_MB");
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	size_t lim = compressed > SIZE_MAX / 512 ? SIZE_MAX / 2 :
		     compressed * 256 + ((size_t)256 << 20);
	size_t mem = pages > 0 && psize > 0 ? (size_t)pages * (size_t)psize / 4 * 3 : SIZE_MAX;

	if (env && *env)
		return (size_t)strtoull(env, NULL, 10) << 20;
	return lim < mem ? lim : mem;
}
