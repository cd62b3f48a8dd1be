/*
 * External data: tensor bytes in a separate file next to the model.  The
 * location comes from the file, so it is untrusted: an absolute path, a ".."
 * component or a symlink leading out of the model's folder could make us
 * read (and later display or copy) any file on the machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onnx/internal.h"

static char *model_dir(const char *model_path)
{
	char *copy = gs_xstrdup(model_path), *slash = strrchr(copy, '/'), *real;

	if (slash)
		*slash = '\0';
	real = realpath(slash ? (copy[0] ? copy : "/") : ".", NULL);
	free(copy);
	return real;
}

static bool inside(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return true;
	return !strncmp(dir, path, n) && path[n] == '/';
}

static bool has_dotdot(const char *loc)
{
	const char *p = loc;

	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

static struct gs_external_file *open_external(struct gs_source *src, const char *real,
					      struct gs_error *err)
{
	struct gs_external_file *f;
	struct stat st;
	char pb[512];
	size_t i;
	int fd;

	for (i = 0; i < src->n_external; i++)
		if (!strcmp(src->external[i].path, real))
			return &src->external[i];
	fd = gs_open_regular(real, NULL, err);
	if (fd < 0) {
		gs_error_prefix(err, "external data '%s'", gs_escape(real, pb, sizeof(pb)));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		gs_error_set(err, "external data '%s' is not a regular file",
			     gs_escape(real, pb, sizeof(pb)));
		return NULL;
	}
	GS_GROW(src->external, src->n_external + 1, src->external_alloc);
	f = &src->external[src->n_external];
	memset(f, 0, sizeof(*f));
	if (st.st_size > 0) {
		f->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (f->map == MAP_FAILED) {
			close(fd);
			gs_error_set(err, "cannot map external data '%s': %s", real, strerror(errno));
			return NULL;
		}
	}
	close(fd);
	f->size = (size_t)st.st_size;
	f->path = gs_xstrdup(real);
	src->n_external++;
	return f;
}

int gs_external_resolve(struct gs_source *src, const char *model_path,
			const Onnx__TensorProto *tp, struct gs_tensor *t,
			const struct gs_load_opts *opts, struct gs_error *err)
{
	const char *location = NULL;
	uint64_t offset = 0, length = UINT64_MAX;
	struct gs_external_file *f;
	char path[PATH_MAX], eb[256], *real;
	size_t k;

	for (k = 0; k < tp->n_external_data; k++) {
		const Onnx__StringStringEntryProto *kv = tp->external_data[k];
		const char *key, *val;
		char *end;

		if (!kv->has_key || !kv->has_value)
			continue;
		/* a path or a number cannot hold a NUL byte */
		if ((kv->key.len && memchr(kv->key.data, 0, kv->key.len)) ||
		    (kv->value.len && memchr(kv->value.data, 0, kv->value.len)))
			return gs_error_set(err, "external data entry holds a NUL byte");
		key = gs_arena_strndup(&src->proto_arena, (const char *)kv->key.data, kv->key.len);
		val = gs_arena_strndup(&src->proto_arena, (const char *)kv->value.data,
				       kv->value.len);
		if (!strcmp(key, "location")) {
			location = val;
		} else if (!strcmp(key, "offset") || !strcmp(key, "length")) {
			errno = 0;
			unsigned long long v = strtoull(val, &end, 10);

			if (errno || *end || val[0] == '-' || !val[0])
				return gs_error_set(err, "external data has a bad %s '%s'", key,
						    gs_escape(val, eb, sizeof(eb)));
			if (key[0] == 'o')
				offset = v;
			else
				length = v;
		}
	}
	if (!location || !location[0])
		return gs_error_set(err, "external data has no location");
	if (!src->dir && !(src->dir = model_dir(model_path)))
		return gs_error_set(err, "cannot resolve the model's folder");
	if (!opts->allow_external_outside && (location[0] == '/' || has_dotdot(location)))
		return gs_error_set(err, "external data location '%s' is outside the model's folder "
				    "(use --allow-external-outside to permit it)",
				    gs_escape(location, eb, sizeof(eb)));
	if (location[0] == '/')
		snprintf(path, sizeof(path), "%s", location);
	else
		snprintf(path, sizeof(path), "%s/%s", src->dir, location);
	real = realpath(path, NULL);
	if (!real)
		return gs_error_set(err, "external data '%s': %s", gs_escape(location, eb, sizeof(eb)),
				    strerror(errno));
	if (!opts->allow_external_outside && !inside(src->dir, real)) {
		free(real);
		return gs_error_set(err, "external data location '%s' leads outside the model's folder "
				    "(use --allow-external-outside to permit it)",
				    gs_escape(location, eb, sizeof(eb)));
	}
	f = open_external(src, real, err);
	free(real);
	if (!f)
		return -1;
	if (length == UINT64_MAX)
		length = t->nbytes;
	if (offset > f->size || length > f->size - offset)
		return gs_error_set(err, "external data '%s' range %llu+%llu is past its end (%zu bytes)",
				    gs_escape(location, eb, sizeof(eb)), (unsigned long long)offset,
				    (unsigned long long)length, f->size);
	if (length != t->nbytes)
		return gs_error_set(err, "external data length %llu, expected %zu",
				    (unsigned long long)length, t->nbytes);
	t->data = f->map ? f->map + offset : (const uint8_t *)"";
	t->store = GS_STORE_EXTERNAL;
	t->external_source = true;
	return 0;
}
