/*
 * Atomic file replacement: write a temporary file beside the target, fsync,
 * rename over it.  Whatever fails on the way, the old file is untouched and
 * the temporary file is removed.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "graphsmith/util.h"
#include "graphsmith/error.h"

/*
 * Temporaries open now, for the signal path: SIGTERM or SIGHUP in the
 * middle of writing a 400 MB model must not leave 400 MB behind.  Fixed
 * slots, because a handler may not allocate or lock.
 */
#define TEMP_SLOTS 8
static char temp_path[TEMP_SLOTS][4096];
static volatile sig_atomic_t temp_used[TEMP_SLOTS];

static void temp_track(const char *path)
{
	int i;

	for (i = 0; i < TEMP_SLOTS; i++)
		if (!temp_used[i] && strlen(path) < sizeof(temp_path[i])) {
			strcpy(temp_path[i], path);
			temp_used[i] = 1;
			return;
		}
}

static void temp_untrack(const char *path)
{
	int i;

	for (i = 0; i < TEMP_SLOTS; i++)
		if (temp_used[i] && !strcmp(temp_path[i], path))
			temp_used[i] = 0;
}

void gs_atomic_unlink_all(void)
{
	int i;

	for (i = 0; i < TEMP_SLOTS; i++)
		if (temp_used[i])
			unlink(temp_path[i]);	/* async-signal-safe */
}

static void on_fatal_signal(int sig)
{
	gs_atomic_unlink_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

void gs_atomic_cleanup_on_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGHUP, SIGINT };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(*sigs); i++)
		if (!sigaction(sigs[i], NULL, &old) && old.sa_handler == SIG_DFL)
			sigaction(sigs[i], &sa, NULL);
}

/* Temporaries of an earlier save of the same file whose process is gone
 * (killed with -9): ".NAME.tmp.PID.XXXXXX" beside the target. */
static void remove_stale(const char *dir, const char *base)
{
	char prefix[512], full[4096];
	size_t plen;
	struct dirent *e;
	DIR *d;

	plen = (size_t)snprintf(prefix, sizeof(prefix), ".%s.tmp.", base);
	if (plen >= sizeof(prefix) || !(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		char *end;
		long pid;

		if (strncmp(e->d_name, prefix, plen))
			continue;
		pid = strtol(e->d_name + plen, &end, 10);
		if (pid <= 0 || *end != '.' || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;	/* alive, or not ours to judge */
		if ((size_t)snprintf(full, sizeof(full), "%s/%s", dir, e->d_name) < sizeof(full))
			unlink(full);
	}
	closedir(d);
}

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
	char *target, *copy, *dir, pb[512];
	const char *base;
	size_t len;
	mode_t mask;
	int fd, mode;

	memset(af, 0, sizeof(*af));
	if (!(target = resolve_target(path, &mode, err)))
		return -1;
	copy = gs_xstrdup(target);
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	len = strlen(target) + 48;
	af->tmp = gs_xmalloc(len);
	dir = dirname(copy);
	remove_stale(dir, base);
	snprintf(af->tmp, len, "%s/.%s.tmp.%ld.XXXXXX", dir, base, (long)getpid());
	fd = mkstemp(af->tmp);
	free(copy);
	if (fd < 0)
		goto fail;
	temp_track(af->tmp);
	/* mkstemp makes 0600: a new file gets the mode any new file gets, a
	 * replaced one keeps its own */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, mode >= 0 ? (mode_t)mode : 0666 & ~mask) < 0 ||
	    !(af->f = fdopen(fd, "wb"))) {
		close(fd);
		unlink(af->tmp);
		temp_untrack(af->tmp);
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
	temp_untrack(af->tmp);
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
	if (af->tmp) {
		unlink(af->tmp);
		temp_untrack(af->tmp);
	}
	free(af->tmp);
	free(af->path);
	memset(af, 0, sizeof(*af));
}
