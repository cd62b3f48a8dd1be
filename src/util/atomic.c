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

/* What a save replaces: path itself, or the regular file a symlink at
 * path leads to; *mode its permission bits (-1: path does not exist).
 * NULL with err set for anything that is not a regular file. */
static char *resolve_target(const char *path, int *mode, struct gs_error *err)
{
	struct stat st;
	char pb[512], *real;

	*mode = -1;
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return gs_xstrdup(path);
		gs_error_set(err, "cannot write '%s': %s", gs_escape(path, pb, sizeof(pb)),
			     strerror(errno));
		return NULL;
	}
	if (S_ISLNK(st.st_mode)) {
		/* replace the file the link names, never the link */
		if (!(real = realpath(path, NULL)) || stat(real, &st) < 0) {
			gs_error_set(err, "cannot write '%s': a symlink to nothing",
				     gs_escape(path, pb, sizeof(pb)));
			free(real);
			return NULL;
		}
	} else {
		real = gs_xstrdup(path);
	}
	if (!S_ISREG(st.st_mode)) {
		gs_error_set(err, "cannot write '%s': not a regular file (a device, FIFO or "
			     "directory is never replaced)", gs_escape(path, pb, sizeof(pb)));
		free(real);
		return NULL;
	}
	*mode = (int)(st.st_mode & 07777);
	return real;
}

int gs_atomic_open(struct gs_atomic_file *af, const char *path, struct gs_error *err)
{
	char *target, *copy, pb[512];
	const char *base;
	size_t len;
	mode_t mask;
	int fd, mode;

	memset(af, 0, sizeof(*af));
	if (!(target = resolve_target(path, &mode, err)))
		return -1;
	copy = gs_xstrdup(target);
	base = strrchr(target, '/');
	len = strlen(target) + 32;
	af->tmp = gs_xmalloc(len);
	snprintf(af->tmp, len, "%s/.%s.tmp.XXXXXX", dirname(copy), base ? base + 1 : target);
	free(copy);
	fd = mkstemp(af->tmp);
	if (fd < 0)
		goto fail;
	/* mkstemp makes 0600: a new file gets the mode any new file gets, a
	 * replaced one keeps its own */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, mode >= 0 ? (mode_t)mode : 0666 & ~mask) < 0 ||
	    !(af->f = fdopen(fd, "wb"))) {
		close(fd);
		unlink(af->tmp);
		goto fail;
	}
	af->path = target;
	return 0;
fail:
	gs_error_set(err, "cannot write '%s': %s", gs_escape(path, pb, sizeof(pb)), strerror(errno));
	free(af->tmp);
	af->tmp = NULL;
	free(target);
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
