/*
 * Small building blocks shared by every layer: an arena for strings and
 * arrays that live as long as a model, a string-keyed hash map, 64-bit
 * hash mixing, and the one function that makes model text safe to print.
 *
 * Ownership: an arena owns everything it hands out; gs_arena_free releases
 * it all at once.  A gs_strmap borrows its keys.
 */
#ifndef GRAPHSMITH_UTIL_H
#define GRAPHSMITH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct gs_arena {
	struct gs_arena_block *blocks;
	size_t used, cap;
};

void gs_arena_init(struct gs_arena *a);
void gs_arena_release(struct gs_arena *a);
void *gs_arena_alloc(struct gs_arena *a, size_t n);	/* zeroed, 8-aligned */
char *gs_arena_strdup(struct gs_arena *a, const char *s);
char *gs_arena_strndup(struct gs_arena *a, const char *s, size_t n);
char *gs_arena_printf(struct gs_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* n bytes (uninitialised) on 2 MiB huge pages where the kernel has them:
 * for big buffers that are written once and read many times; free(). */
void *gs_xmalloc_huge(size_t n);

/* Open addressing map from a borrowed NUL-terminated key to an int. */
struct gs_strmap {
	const char **keys;
	int *vals;
	size_t cap, count;
	uint32_t *hashes;	/* per slot, never 0 when used: probes skip strcmp */
};

void gs_strmap_init(struct gs_strmap *m);
void gs_strmap_release(struct gs_strmap *m);
/* Returns the previous value or -1; stores val. */
int gs_strmap_put(struct gs_strmap *m, const char *key, int val);
int gs_strmap_get(const struct gs_strmap *m, const char *key);	/* -1 if absent */
/* Makes room for n keys in all, so that filling it never rehashes. */
void gs_strmap_reserve(struct gs_strmap *m, size_t n);
/* Returns the present value, or stores val and returns -1: one probe. */
int gs_strmap_get_or_put(struct gs_strmap *m, const char *key, int val);
void gs_strmap_del(struct gs_strmap *m, const char *key);

/* splitmix64 finalizer: a well mixed 64-bit hash step. */
static inline uint64_t gs_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline uint64_t gs_hash_combine(uint64_t h, uint64_t x)
{
	return gs_mix64(h ^ gs_mix64(x));
}

uint64_t gs_hash_bytes(const void *data, size_t n, uint64_t seed);
uint64_t gs_hash_str(const char *s);

/*
 * Strings from model files as C strings (src/util/bytestr.c): a NUL byte
 * is stored as C0 80 and a C0 byte as C0 81, so any byte string survives
 * and valid UTF-8 is stored as it is.
 *   stored_len: length of the stored form of n bytes (without the NUL);
 *   store: writes it to out (stored_len + 1 bytes);
 *   is_stored_plain: s holds no escape (its bytes are the file's bytes);
 *   raw: the file's bytes of stored s into out (strlen(s) bytes suffice),
 *        returns their count;
 *   escape_at: 2 when s starts with an escape, which *byte receives.
 */
size_t gs_bytestr_stored_len(const void *data, size_t n);
void gs_bytestr_store(const void *data, size_t n, char *out);
bool gs_bytestr_is_stored_plain(const char *s);
size_t gs_bytestr_raw(const char *s, void *out);
size_t gs_bytestr_escape_at(const char *s, unsigned *byte);

/*
 * Writes s into buf as text that is safe on a terminal: control characters,
 * DEL, backslash and invalid UTF-8 become \xHH / \e / \n escapes; valid
 * UTF-8 passes through.  Always NUL-terminates; truncates with "...".
 * Every name that comes from a model file is printed through this.
 */
const char *gs_escape(const char *s, char *buf, size_t len);
/* Same, but the escape is ASCII-only (non-ASCII as \u{...}). */
const char *gs_escape_ascii(const char *s, char *buf, size_t len);
/* True when s needs no escaping at all. */
bool gs_is_printable(const char *s);
/* Escapes, in place, what must never reach a terminal raw (C0 and C1
 * controls, DEL, invalid UTF-8) and leaves the rest, backslashes
 * included, as it is: every error message goes through it, so text from
 * a file or a command line that was formatted without gs_escape is still
 * harmless. */
void gs_defang(char *s, size_t size);

/* Atomic replacement of a file: write to f, then commit (fsync, rename)
 * or abort (remove the temporary file).  Either way the old file survives
 * any failure. */
struct gs_atomic_file {
	FILE *f;
	char *tmp, *path;
};
struct gs_error;
/* Opens path for reading only if it is a regular file (a FIFO or device
 * would block or never end): the fd, or -1 with err set to the reason
 * alone ("not a regular file", strerror), for the caller to prefix.
 * size receives the file's size when not NULL. */
int gs_open_regular(const char *path, off_t *size, struct gs_error *err);
FILE *gs_fopen_regular(const char *path, off_t *size, struct gs_error *err);
/* The most a compressed file (.onnx.zst, .npz) of compressed bytes may
 * inflate to: 256 times its size plus 256 MiB, never more than three
 * quarters of the machine's memory; GS_MAX_INFLATE_MB overrides.  Checked
 * against declared sizes before anything is allocated. */
size_t gs_inflate_limit(size_t compressed);
/* Replaces path atomically.  An existing path must be a regular file, or a
 * symlink to one (the target is replaced, never the link); its mode is
 * kept.  Anything else (a device, a FIFO, a directory) is refused. */
int gs_atomic_open(struct gs_atomic_file *af, const char *path, struct gs_error *err);
int gs_atomic_commit(struct gs_atomic_file *af, struct gs_error *err);
void gs_atomic_abort(struct gs_atomic_file *af);
/* SIGTERM, SIGHUP, SIGINT (where nothing else handles them) remove the
 * temporaries of saves in progress, then end the process as the signal
 * would.  The next save of a file also removes the temporaries an earlier,
 * killed process left beside it. */
void gs_atomic_cleanup_on_signals(void);
/* Unlinks the temporaries in progress (async-signal-safe). */
void gs_atomic_unlink_all(void);

/*
 * Runs fn(ctx, task, worker) for every task in [0, n_tasks) on up to
 * gs_worker_count() threads (the caller's among them) and returns when all
 * are done.  Tasks are handed out in order; worker is in [0,
 * gs_worker_count()) and lets fn use per-thread scratch.  Called from
 * inside a task, it runs the tasks on the calling thread.  Results must not
 * depend on which worker ran a task: give each task its own output slot.
 */
typedef void (*gs_task_fn)(void *ctx, size_t task, int worker);
void gs_parallel_for(size_t n_tasks, gs_task_fn fn, void *ctx);
/* Online CPUs, or $GS_THREADS when set (1 turns threads off), at most 16. */
int gs_worker_count(void);

/* Human sizes: "1.5 KiB", "402.7 MiB". */
const char *gs_format_bytes(uint64_t n, char *buf, size_t len);
/* "[1,3,224,224]" (a negative dim as "?"): whole and malloc'd, or into
 * buf (cut at len, for fixed-width views only).  The one dims formatter. */
char *gs_dims_text(int rank, const int64_t *dims);
const char *gs_format_dims(int rank, const int64_t *dims, char *buf, size_t len);

#endif
