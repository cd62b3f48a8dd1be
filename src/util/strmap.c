/* Open addressing with linear probing; deletions use backward shifting so
 * lookups never meet tombstones. */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/error.h"
#include "graphsmith/util.h"

uint64_t gs_hash_bytes(const void *data, size_t n, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL), w;

	while (n >= 8) {
		memcpy(&w, p, 8);
		h = gs_mix64(h ^ w);
		p += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, p, n);
	return gs_mix64(h ^ w ^ ((uint64_t)n << 56));
}

uint64_t gs_hash_str(const char *s)
{
	return gs_hash_bytes(s, strlen(s), 0);
}

void gs_strmap_init(struct gs_strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void gs_strmap_release(struct gs_strmap *m)
{
	free(m->keys);
	free(m->vals);
	gs_strmap_init(m);
}

static size_t slot_of(const struct gs_strmap *m, const char *key)
{
	size_t i = gs_hash_str(key) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void grow(struct gs_strmap *m)
{
	struct gs_strmap bigger;
	size_t i;

	bigger.cap = m->cap ? m->cap * 2 : 16;
	bigger.count = 0;
	bigger.keys = gs_xcalloc(bigger.cap, sizeof(*bigger.keys));
	bigger.vals = gs_xcalloc(bigger.cap, sizeof(*bigger.vals));
	for (i = 0; i < m->cap; i++)
		if (m->keys[i])
			gs_strmap_put(&bigger, m->keys[i], m->vals[i]);
	gs_strmap_release(m);
	*m = bigger;
}

int gs_strmap_put(struct gs_strmap *m, const char *key, int val)
{
	size_t i;
	int old;

	if ((m->count + 1) * 4 > m->cap * 3)
		grow(m);
	i = slot_of(m, key);
	if (m->keys[i]) {
		old = m->vals[i];
		m->vals[i] = val;
		return old;
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->count++;
	return -1;
}

int gs_strmap_get(const struct gs_strmap *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return -1;
	i = slot_of(m, key);
	return m->keys[i] ? m->vals[i] : -1;
}

void gs_strmap_del(struct gs_strmap *m, const char *key)
{
	size_t i, j, home;

	if (!m->cap)
		return;
	i = slot_of(m, key);
	if (!m->keys[i])
		return;
	m->keys[i] = NULL;
	m->count--;
	/* shift back the entries of the probe run that follows */
	for (j = (i + 1) & (m->cap - 1); m->keys[j]; j = (j + 1) & (m->cap - 1)) {
		home = gs_hash_str(m->keys[j]) & (m->cap - 1);
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			m->keys[j] = NULL;
			i = j;
		}
	}
}
