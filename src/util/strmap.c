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
	if (n)	/* data may be NULL when n is 0 (an empty attribute list) */
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

/* keys, vals and hashes share one block (keys first), on huge pages when
 * big: the name maps of a 10^5-node graph are 4 MB of fresh memory */
void gs_strmap_release(struct gs_strmap *m)
{
	free(m->keys);
	gs_strmap_init(m);
}

/* 0 marks an empty slot; the low bits pick the home slot. */
static uint32_t key_hash(const char *key)
{
	uint32_t h = (uint32_t)gs_hash_str(key);

	return h ? h : 1;
}

static size_t slot_of(const struct gs_strmap *m, const char *key, uint32_t h)
{
	size_t mask = m->cap - 1, i = h & mask;

	/* the dense hash array is scanned; keys are read only on a match */
	while (m->hashes[i] && (m->hashes[i] != h || strcmp(m->keys[i], key)))
		i = (i + 1) & mask;
	return i;
}

static void rehash(struct gs_strmap *m, size_t cap)
{
	struct gs_strmap bigger;
	size_t i, j, mask;

	bigger.cap = cap;
	bigger.count = m->count;
	bigger.keys = gs_xmalloc_huge(cap * (sizeof(*bigger.keys) + sizeof(*bigger.vals) +
					     sizeof(*bigger.hashes)));
	bigger.vals = (int *)(bigger.keys + cap);
	bigger.hashes = (uint32_t *)(bigger.vals + cap);
	memset(bigger.hashes, 0, cap * sizeof(*bigger.hashes));
	mask = bigger.cap - 1;
	for (i = 0; i < m->cap; i++) {
		if (!m->hashes[i])
			continue;
		for (j = m->hashes[i] & mask; bigger.hashes[j]; j = (j + 1) & mask)
			;
		bigger.hashes[j] = m->hashes[i];
		bigger.keys[j] = m->keys[i];
		bigger.vals[j] = m->vals[i];
	}
	gs_strmap_release(m);
	*m = bigger;
}

static void grow(struct gs_strmap *m)
{
	rehash(m, m->cap ? m->cap * 2 : 16);
}

void gs_strmap_reserve(struct gs_strmap *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 16;

	while (n * 4 > cap * 3)
		cap *= 2;
	if (cap != m->cap)
		rehash(m, cap);
}

int gs_strmap_put(struct gs_strmap *m, const char *key, int val)
{
	uint32_t h = key_hash(key);
	size_t i;
	int old;

	if ((m->count + 1) * 4 > m->cap * 3)
		grow(m);
	i = slot_of(m, key, h);
	if (m->hashes[i]) {
		old = m->vals[i];
		m->vals[i] = val;
		return old;
	}
	m->hashes[i] = h;
	m->keys[i] = key;
	m->vals[i] = val;
	m->count++;
	return -1;
}

int gs_strmap_get_or_put(struct gs_strmap *m, const char *key, int val)
{
	uint32_t h = key_hash(key);
	size_t i;

	if ((m->count + 1) * 4 > m->cap * 3)
		grow(m);
	i = slot_of(m, key, h);
	if (m->hashes[i])
		return m->vals[i];
	m->hashes[i] = h;
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
	i = slot_of(m, key, key_hash(key));
	return m->hashes[i] ? m->vals[i] : -1;
}

void gs_strmap_del(struct gs_strmap *m, const char *key)
{
	size_t i, j, home, mask;

	if (!m->cap)
		return;
	mask = m->cap - 1;
	i = slot_of(m, key, key_hash(key));
	if (!m->hashes[i])
		return;
	m->hashes[i] = 0;
	m->keys[i] = NULL;
	m->count--;
	/* shift back the entries of the probe run that follows */
	for (j = (i + 1) & mask; m->hashes[j]; j = (j + 1) & mask) {
		home = m->hashes[j] & mask;
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			m->hashes[i] = m->hashes[j];
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			m->hashes[j] = 0;
			m->keys[j] = NULL;
			i = j;
		}
	}
}
