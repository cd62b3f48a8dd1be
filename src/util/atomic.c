/*
 * Atomic file replacement: write a temporary file beside the target, fsync,
 * rename over it.  Whatever fails on the way, the old file is untouched and
 * the temporary file is removed.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "graphsmith/util.h"
#include "graphsmith/error.h"

int gs_atomic_open(struct gs_atomic_file *af, const char *path, struct gs_error *err)
{
	char *copy = gs_xstrdup(path), pb[512];
	const char *base = strrchr(path, '/');
	size_t len = strlen(path) + 32;
	mode_t mask;
	int fd;

	memset(af, 0, sizeof(*af));
	af->tmp = gs_xmalloc(len);
	snprintf(af->tmp, len, "%s/.%s.tmp.XXXXXX", dirname(copy), base ? base + 1 : path);
	free(copy);
	fd = mkstemp(af->tmp);
	if (fd < 0)
		goto fail;
	/* mkstemp makes 0600; a saved model gets the mode any new file gets */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0 || !(af->f = fdopen(fd, "wb"))) {
		close(fd);
		unlink(af->tmp);
		goto fail;
	}
	af->path = gs_xstrdup(path);
	return 0;
fail:
	gs_error_set(err, "cannot write '%s': %s", gs_escape(path, pb, sizeof(pb)), strerror(errno));
	free(af->tmp);
	af->tmp = NULL;
	return -1;
}

int gs_atomic_commit(struct gs_atomic_file *af, struct gs_error *err)
{
	char pb[512];
	int rc = 0;

	if (fflush(af->f) || ferror(af->f) || fsync(fileno(af->f)))
		rc = -1;
	if (fclose(af->f))
		rc = -1;
	af->f = NULL;
	if (!rc && rename(af->tmp, af->path))
		rc = -1;
	if (rc) {
		gs_error_set(err, "cannot write '%s': %s", gs_escape(af->path, pb, sizeof(pb)),
			     strerror(errno ? errno : EIO));
		unlink(af->tmp);
	}
	free(af->tmp);
	free(af->path);
	memset(af, 0, sizeof(*af));
	return rc;
}

void gs_atomic_abort(struct gs_atomic_file *af)
{
	if (af->f)
		fclose(af->f);
	if (af->tmp)
		unlink(af->tmp);
	free(af->tmp);
	free(af->path);
	memset(af, 0, sizeof(*af));
}
