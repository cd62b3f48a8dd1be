/* The workspace: models A and B, their match, B's history, and where
 * command output goes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "graphsmith/compare.h"
#include "graphsmith/history.h"
#include "graphsmith/opdoc.h"
#include "cmd/internal.h"

void gs_workspace_init(struct gs_workspace *ws)
{
	memset(ws, 0, sizeof(*ws));
	ws->sel_node = -1;
	gs_file_ops_install(&gs_onnx_file_ops);	/* the file layer under history */
}

static void drop_history(struct gs_workspace *ws)
{
#if GS_CMD_HAVE_HISTORY
	if (ws->history)
		gs_history_free(ws->history);
#endif
	ws->history = NULL;
}

static void drop_side(struct gs_workspace *ws, char side)
{
	if (ws->sel_side == side || !ws->sel_side) {
		ws->sel_side = 0;
		ws->sel_graph = NULL;
		ws->sel_node = -1;
	}
	if (side == 'a') {
		gs_model_free(ws->a);
		ws->a = NULL;
		free(ws->path_a);
		ws->path_a = NULL;
		ws->a_is_baseline = false;
		ws->a_pending = false;
	} else {
		drop_history(ws);
		gs_workspace_probe_forget(ws);	/* the old B's outputs */
		gs_model_free(ws->b);
		ws->b = NULL;
		free(ws->path_b);
		ws->path_b = NULL;
		ws->unsaved = false;
	}
}

void gs_workspace_release(struct gs_workspace *ws)
{
	gs_workspace_invalidate(ws);
	drop_side(ws, 'b');
	drop_side(ws, 'a');
	if (ws->opdoc)
		gs_opdoc_free(ws->opdoc);
	gs_probe_free(ws->probe);
	for (int i = 0; i < ws->n_slots; i++) {
		gs_model_free(ws->slots[i].model);
		free(ws->slots[i].name);
		free(ws->slots[i].path);
	}
	free(ws->slots);
	free(ws->shown[0]);
	free(ws->shown[1]);
	gs_workspace_init(ws);
}

static struct gs_slot *find_slot(struct gs_workspace *ws, const char *name)
{
	for (int i = 0; i < ws->n_slots; i++)
		if (!strcmp(ws->slots[i].name, name))
			return &ws->slots[i];
	return NULL;
}

static struct gs_slot *add_slot(struct gs_workspace *ws, const char *name, const char *path,
				struct gs_model *m)
{
	struct gs_slot *s;

	ws->slots = gs_xrealloc(ws->slots, sizeof(*ws->slots) * (size_t)(ws->n_slots + 1));
	s = &ws->slots[ws->n_slots++];
	s->name = gs_xstrdup(name);
	s->path = gs_xstrdup(path);
	s->model = m;
	return s;
}

struct gs_model *gs_workspace_model_arg(struct gs_workspace *ws, const char *arg,
					struct gs_error *err)
{
	struct gs_slot *s;
	struct gs_model *m;

	if (gs_parse_side(arg)) {
		m = gs_parse_side(arg) == 'a' ? gs_workspace_a(ws) : ws->b;
		if (!m)
			gs_error_set(err, "no model in %c", arg[0] & ~0x20);
		return m;
	}
	if ((s = find_slot(ws, arg)))
		return s->model;
	if (gs_slot_name_ok(arg) && access(arg, F_OK)) {
		char eb[128];

		gs_error_set(err, "no slot or file '%s' (see 'slots')", gs_escape(arg, eb, sizeof(eb)));
		return NULL;
	}
	if (!(m = gs_onnx_load(arg, &ws->load_opts, err)))
		return NULL;
	return add_slot(ws, arg, arg, m)->model;
}

bool gs_slot_name_ok(const char *name)
{
	size_t i;

	if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
		return false;
	for (i = 1; name[i]; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '_' || name[i] == '-'))
			return false;
	return i <= 64;
}

/* The shown pair changes: the match and the selection point into it. */
static void pair_changed(struct gs_workspace *ws)
{
	gs_workspace_invalidate(ws);
	ws->sel_side = 0;
	ws->sel_graph = NULL;
	ws->sel_node = -1;
}

/* Whether slot name is on screen (shown names are stored as given). */
static bool is_shown(struct gs_workspace *ws, const char *name)
{
	return (ws->shown[0] && !strcmp(ws->shown[0], name)) ||
	       (ws->shown[1] && !strcmp(ws->shown[1], name));
}

int gs_workspace_open_slot(struct gs_workspace *ws, const char *name, const char *path,
			   struct gs_error *err)
{
	struct gs_slot *s;
	struct gs_model *m;
	char eb[128];

	if (gs_parse_side(name))
		return gs_workspace_open(ws, gs_parse_side(name), path, err);
	if (!gs_slot_name_ok(name))
		return gs_error_set(err, "'%s' is no slot name (a letter, then letters, digits, "
				    "'_' or '-')", gs_escape(name, eb, sizeof(eb)));
	if (!(m = gs_onnx_load(path, &ws->load_opts, err)))
		return -1;
	if (!(s = find_slot(ws, name)))
		s = add_slot(ws, name, path, m);
	else {
		if (is_shown(ws, name))
			pair_changed(ws);	/* the match holds the old graph */
		gs_model_free(s->model);
		free(s->path);
		s->path = gs_xstrdup(path);
		s->model = m;
	}
	return 0;
}

int gs_workspace_close_slot(struct gs_workspace *ws, const char *name, struct gs_error *err)
{
	struct gs_slot *s;
	char eb[128];
	int i;

	if (gs_parse_side(name))
		return gs_error_set(err, "A and B stay open (open another model into them)");
	if (!(s = find_slot(ws, name)))
		return gs_error_set(err, "no slot '%s' (see 'slots')", gs_escape(name, eb, sizeof(eb)));
	for (i = 0; i < 2; i++) {
		if (ws->shown[i] && !strcmp(ws->shown[i], name)) {
			free(ws->shown[i]);
			ws->shown[i] = NULL;
			pair_changed(ws);
		}
	}
	gs_model_free(s->model);
	free(s->name);
	free(s->path);
	i = (int)(s - ws->slots);
	memmove(s, s + 1, sizeof(*s) * (size_t)(ws->n_slots - i - 1));
	ws->n_slots--;
	return 0;
}

struct gs_model *gs_workspace_shown(struct gs_workspace *ws, int side, const char **name,
				    const char **path)
{
	const char *n = ws->shown[side ? 1 : 0];
	struct gs_slot *s;

	if (n && gs_parse_side(n))
		side = gs_parse_side(n) == 'b';	/* B on the left, A on the right */
	else if (n && (s = find_slot(ws, n))) {
		if (name)
			*name = s->name;
		if (path)
			*path = s->path;
		return s->model;
	}
	if (name)
		*name = side ? "B" : "A";
	if (path)
		*path = side ? ws->path_b : ws->path_a;
	return side ? ws->b : gs_workspace_a(ws);
}

int gs_workspace_show(struct gs_workspace *ws, const char *left, const char *right,
		      struct gs_error *err)
{
	const char *names[2] = { left, right };
	struct gs_model *m[2];
	int i;

	for (i = 0; i < 2; i++) {
		if (!names[i])
			names[i] = i ? "B" : "A";
		if (!(m[i] = gs_workspace_model_arg(ws, names[i], err)))
			return -1;
	}
	if (m[0] == m[1])
		return gs_error_set(err, "show two different models (that is one model twice)");
	pair_changed(ws);
	for (i = 0; i < 2; i++) {
		free(ws->shown[i]);
		/* A and B as names, so they follow whatever is opened there;
		 * NULL is the default pair */
		if (gs_parse_side(names[i]))
			ws->shown[i] = gs_parse_side(names[i]) == (i ? 'b' : 'a') ? NULL :
				       gs_xstrdup(i ? "A" : "B");
		else
			ws->shown[i] = gs_xstrdup(names[i]);
	}
	return 0;
}

static void install(struct gs_workspace *ws, char side, struct gs_model *m, const char *path)
{
	gs_workspace_invalidate(ws);
	drop_side(ws, side);
	if (side == 'a') {
		ws->a = m;
		ws->path_a = gs_xstrdup(path);
		ws->a_is_baseline = false;
		return;
	}
	ws->b = m;
	ws->path_b = gs_xstrdup(path);
#if GS_CMD_HAVE_HISTORY
	ws->history = gs_history_new(ws->b);
	gs_history_set_measure(ws->history, !ws->no_measure);
	gs_history_set_undo(ws->history, !ws->no_undo);
#endif
}

/* What tells a file apart from the one it was: device, inode, size, mtime. */
static bool file_id(const char *path, uint64_t id[4])
{
	struct stat st;

	if (stat(path, &st))
		return false;
	id[0] = (uint64_t)st.st_dev;
	id[1] = (uint64_t)st.st_ino;
	id[2] = (uint64_t)st.st_size;
	id[3] = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
	return true;
}

struct gs_model *gs_workspace_a(struct gs_workspace *ws)
{
	uint64_t id[4];
	struct gs_error err;
	char eb[256];

	if (!ws->a_pending)
		return ws->a;
	ws->a_pending = false;
	if (!file_id(ws->path_a, id) || memcmp(id, ws->a_file_id, sizeof(id))) {
		gs_eprintf(ws, "B's baseline is gone: '%s' changed since it was opened",
			   gs_escape(ws->path_a, eb, sizeof(eb)));
	} else if (!(ws->a = gs_onnx_load(ws->path_a, &ws->load_opts, &err))) {
		gs_eprintf(ws, "B's baseline: %s", err.msg);
	} else {
		return ws->a;
	}
	drop_side(ws, 'a');
	return NULL;
}

void gs_workspace_keep_a(struct gs_workspace *ws, const char *path)
{
	uint64_t id[4];

	/* same inode: an atomic save replaces the file under the name */
	if (ws->a_pending && file_id(path, id) && id[0] == ws->a_file_id[0] &&
	    id[1] == ws->a_file_id[1])
		(void)gs_workspace_a(ws);
}

int gs_workspace_open(struct gs_workspace *ws, char side, const char *path, struct gs_error *err)
{
	struct gs_model *m;
	uint64_t id[4];
	bool baseline;

	if (side == 'A' || side == 'B')
		side = (char)(side - 'A' + 'a');
	if (side != 'a' && side != 'b')
		return gs_error_set(err, "unknown side '%c' (use A or B)", side);
	/* B alone gets its file as its baseline A, read when first asked for
	 * (gs_workspace_a); the file's identity now tells if it changed. */
	baseline = side == 'b' && ((!ws->a && !ws->a_pending) || ws->a_is_baseline);
	if (!(m = gs_onnx_load(path, &ws->load_opts, err)))
		return -1;
	if (baseline && file_id(path, id)) {
		install(ws, 'a', NULL, path);
		ws->a_pending = true;
		memcpy(ws->a_file_id, id, sizeof(id));
	} else if (baseline) {
		/* no identity to check later: the second load now */
		struct gs_model *a = gs_onnx_load(path, &ws->load_opts, err);

		if (!a) {
			gs_model_free(m);
			return -1;
		}
		install(ws, 'a', a, path);
	}
	if (baseline)
		ws->a_is_baseline = true;
	install(ws, side, m, path);
	return 0;
}

int gs_workspace_open_pair(struct gs_workspace *ws, const char *path_a, const char *path_b,
			   struct gs_error *err)
{
	const char *paths[2] = { path_a, path_b };
	struct gs_model *m[2];

	if (gs_onnx_load_many(2, paths, &ws->load_opts, m, err))
		return -1;
	install(ws, 'a', m[0], path_a);
	install(ws, 'b', m[1], path_b);
	return 0;
}

struct gs_match *gs_workspace_match(struct gs_workspace *ws, struct gs_error *err)
{
	struct gs_model *a = gs_workspace_shown(ws, 0, NULL, NULL);
	struct gs_model *b = gs_workspace_shown(ws, 1, NULL, NULL);

	if (ws->match)
		return ws->match;
	if (!a || !b) {
		gs_error_set(err, "two models needed (use 'open A FILE' and 'open B FILE')");
		return NULL;
	}
#if GS_CMD_HAVE_MATCH
	ws->match = gs_match_models(a, b, &ws->match_opts, err);
	return ws->match;
#else
	gs_error_set(err, "the matcher is not built in yet");
	return NULL;
#endif
}

void gs_workspace_invalidate(struct gs_workspace *ws)
{
#if GS_CMD_HAVE_MATCH
	if (ws->match) {
		gs_match_free(ws->match);
		ws->match_gen++;
	}
#endif
	ws->match = NULL;
	if (ws->compare) {
		gs_compare_release(ws->compare);
		free(ws->compare);
		ws->compare = NULL;
	}
}

struct gs_model *gs_ws_model(struct gs_workspace *ws, char side)
{
	return side == 'a' || side == 'b' ? gs_workspace_shown(ws, side == 'b', NULL, NULL) : NULL;
}

uint64_t gs_ws_saved_size(struct gs_workspace *ws, struct gs_model *m)
{
#if GS_CMD_HAVE_HISTORY
	if (m == ws->b && ws->history && gs_history_count(ws->history) > 0)
		return gs_onnx_packed_size(m);
#endif
	return m->file_size;
}

char gs_parse_side(const char *s)
{
	if (!s || !s[0] || s[1])
		return 0;
	if (s[0] == 'a' || s[0] == 'A')
		return 'a';
	if (s[0] == 'b' || s[0] == 'B')
		return 'b';
	return 0;
}

/* Sends each line of text separately: the console pane wants lines. */
static void emit(struct gs_workspace *ws, enum gs_out_kind kind, const char *text)
{
	const char *p = text, *nl;
	char *line;

	while (*p) {
		nl = strchr(p, '\n');
		line = nl ? gs_xstrndup(p, (size_t)(nl - p)) : gs_xstrdup(p);
		if (ws->out.write)
			ws->out.write(ws->out.ctx, kind, line);
		else if (kind == GS_OUT_ERROR)
			fprintf(stderr, "graphsmith: %s\n", line);
		else
			printf("%s\n", line);
		free(line);
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void vout(struct gs_workspace *ws, enum gs_out_kind kind, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void vout(struct gs_workspace *ws, enum gs_out_kind kind, const char *fmt, va_list ap)
{
	char *text = gs_xvasprintf(fmt, ap);

	emit(ws, kind, text);
	free(text);
}

void gs_printf(struct gs_workspace *ws, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vout(ws, GS_OUT_TEXT, fmt, ap);
	va_end(ap);
}

void gs_eprintf(struct gs_workspace *ws, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vout(ws, GS_OUT_ERROR, fmt, ap);
	va_end(ap);
}

void gs_oprintf(struct gs_workspace *ws, enum gs_out_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vout(ws, kind, fmt, ap);
	va_end(ap);
}

static char *existing(const char *dir, const char *sub, const char *name)
{
	char *p;
	struct stat st;

	if (asprintf(&p, "%s%s/%s", dir, sub, name) < 0)
		abort();
	if (!stat(p, &st) && S_ISREG(st.st_mode))
		return p;
	free(p);
	return NULL;
}

char *gs_data_path(const char *name)
{
	const char *env = getenv("GRAPHSMITH_DATADIR");
	char exe[4096], *p, *found = NULL;
	ssize_t n;

	if (env && *env)
		return existing(env, "", name);
#ifdef GS_DATADIR
	if ((found = existing(GS_DATADIR, "", name)))
		return found;
#endif
	/* Not installed: the program is PREFIX/src/graphsmith in a build
	 * tree, so look in PREFIX/data and, for a build folder inside the
	 * source tree, PREFIX/../data. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = 0;
	if (!(p = strrchr(exe, '/')))
		return NULL;
	*p = 0;
	if ((p = strrchr(exe, '/')))
		*p = 0;
	if (!(found = existing(exe, "/data", name)))
		found = existing(exe, "/../data", name);
	return found;
}
