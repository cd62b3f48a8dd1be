/*
 * Shared by the fuzz targets: a private scratch folder (the library loads
 * models from paths, so every input becomes a file in it) and the limits
 * every target runs under.  Header-only so each target stays one object.
 */
#ifndef GS_FUZZ_H
#define GS_FUZZ_H

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "graphsmith/eval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Removes every file of dir (one level: the targets write no folders). */
static inline void gs_fuzz_clear(const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
	closedir(d);
}

static char gs_fuzz_dir_buf[256];

static inline void gs_fuzz_cleanup(void)
{
	gs_fuzz_clear(gs_fuzz_dir_buf);
	rmdir(gs_fuzz_dir_buf);
}

/* The process's scratch folder (tmpfs when there is one), made on first
 * use and removed at exit; also sets the limits: a fuzzed model may ask
 * the evaluator for any amount of memory or iterations, and must be
 * refused, not run. */
static inline const char *gs_fuzz_dir(void)
{
	struct stat st;

	if (gs_fuzz_dir_buf[0])
		return gs_fuzz_dir_buf;
	snprintf(gs_fuzz_dir_buf, sizeof(gs_fuzz_dir_buf), "%s/gs-fuzz-XXXXXX",
		 !stat("/dev/shm", &st) && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp");
	if (!mkdtemp(gs_fuzz_dir_buf))
		abort();
	atexit(gs_fuzz_cleanup);
	gs_eval_set_mem_limit((size_t)64 << 20);
	/* a fuzzed Loop may never end: the bound is met in a thousand
	 * iterations instead of 10^5 (which take seconds under ASan) */
	setenv("GS_EVAL_MAX_LOOP", "1000", 0);
	return gs_fuzz_dir_buf;
}

/* Writes data to NAME in the scratch folder; returns the path (static). */
static inline const char *gs_fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", gs_fuzz_dir(), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
	return path;
}

#ifndef GS_FUZZ_DATADIR
#define GS_FUZZ_DATADIR "data"
#endif

/* The path of data/NAME ($GS_FUZZ_DATADIR overrides the folder); exits
 * when it is missing, as a target cannot run without it. */
static inline const char *gs_fuzz_data_path(const char *name)
{
	static char path[4096];
	const char *dir = getenv("GS_FUZZ_DATADIR");
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : GS_FUZZ_DATADIR, name);
	if (stat(path, &st)) {
		fprintf(stderr, "fuzz: no '%s' (set GS_FUZZ_DATADIR)\n", path);
		exit(1);
	}
	return path;
}

#endif
