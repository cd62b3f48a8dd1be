/* A bump allocator: models hold thousands of small strings and arrays that
 * all die together, so one free per block beats one per string. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "graphsmith/error.h"
#include "graphsmith/util.h"

struct gs_arena_block {
	struct gs_arena_block *next;
	size_t size;
	unsigned char data[];
};

/* Blocks start small and double up to 2 MiB, so a tiny model costs 64 KiB
 * while a 10^5-node one gets huge pages: its structure is a hundred MB of
 * small objects, and faulting that in 4 KiB pages was a third of the load. */
enum { ARENA_BLOCK = 64 * 1024, ARENA_BLOCK_MAX = 2 * 1024 * 1024 };

void *gs_xmalloc_huge(size_t n)
{
	void *p;

	if (n < ARENA_BLOCK_MAX)
		return gs_xmalloc(n);
	p = aligned_alloc(ARENA_BLOCK_MAX, (n + ARENA_BLOCK_MAX - 1) & ~(size_t)(ARENA_BLOCK_MAX - 1));
	if (!p)
		return gs_xmalloc(n);
	madvise(p, n, MADV_HUGEPAGE);
	return p;
}

static struct gs_arena_block *new_block(size_t size)
{
	return gs_xmalloc_huge(sizeof(struct gs_arena_block) + size);
}

void gs_arena_init(struct gs_arena *a)
{
	memset(a, 0, sizeof(*a));
}

void gs_arena_release(struct gs_arena *a)
{
	struct gs_arena_block *b = a->blocks, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	gs_arena_init(a);
}

void *gs_arena_alloc(struct gs_arena *a, size_t n)
{
	struct gs_arena_block *b;
	size_t size;
	void *p;

	n = (n + 7) & ~(size_t)7;
	if (!a->blocks || a->used + n > a->cap) {
		size = a->cap ? a->cap * 2 : ARENA_BLOCK;
		if (size > ARENA_BLOCK_MAX - sizeof(*b))
			size = ARENA_BLOCK_MAX - sizeof(*b);
		if (n > size / 4)
			size = n;
		b = new_block(size);
		b->size = size;
		if (size == n && a->blocks) {
			/* a big allocation gets its own block behind the current one */
			b->next = a->blocks->next;
			a->blocks->next = b;
			memset(b->data, 0, n);
			return b->data;
		}
		b->next = a->blocks;
		a->blocks = b;
		a->used = 0;
		a->cap = size;
	}
	p = a->blocks->data + a->used;
	a->used += n;
	memset(p, 0, n);
	return p;
}

char *gs_arena_strndup(struct gs_arena *a, const char *s, size_t n)
{
	char *p = gs_arena_alloc(a, n + 1);

	if (n)	/* an empty bytes field may come with a NULL pointer */
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *gs_arena_strdup(struct gs_arena *a, const char *s)
{
	return gs_arena_strndup(a, s, strlen(s));
}

char *gs_arena_printf(struct gs_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = gs_arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
