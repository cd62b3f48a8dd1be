/* Unit tests: escaping of hostile text, the string map, the arena. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graphsmith/util.h"

static void test_escape_controls(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(gs_escape("conv1.weight", buf, sizeof(buf)), "conv1.weight");
	assert_string_equal(gs_escape("a\x1b[2Jb", buf, sizeof(buf)), "a\\e[2Jb");
	assert_string_equal(gs_escape("tab\there\n", buf, sizeof(buf)), "tab\\there\\n");
	assert_string_equal(gs_escape("bell\a", buf, sizeof(buf)), "bell\\x07");
	assert_string_equal(gs_escape("back\\slash", buf, sizeof(buf)), "back\\\\slash");
	assert_string_equal(gs_escape("del\x7f", buf, sizeof(buf)), "del\\x7f");
	assert_string_equal(gs_escape(NULL, buf, sizeof(buf)), "");
}

static void test_escape_utf8(void **state)
{
	char buf[128];

	(void)state;
	/* valid UTF-8 passes, invalid bytes and C1 controls do not */
	assert_string_equal(gs_escape("\xc3\xa9t\xc3\xa9", buf, sizeof(buf)), "\xc3\xa9t\xc3\xa9");
	assert_string_equal(gs_escape("\xc3", buf, sizeof(buf)), "\\xc3");
	assert_string_equal(gs_escape("\xc0\xaf", buf, sizeof(buf)), "\\xc0\\xaf");	/* overlong */
	assert_string_equal(gs_escape("\xc2\x9b" "31m", buf, sizeof(buf)), "\\xc2\\x9b31m");	/* CSI */
	assert_string_equal(gs_escape_ascii("\xc3\xa9", buf, sizeof(buf)), "\\u{e9}");
	assert_true(gs_is_printable("layer1/conv"));
	assert_false(gs_is_printable("x\x1b"));
	assert_false(gs_is_printable("\xff"));
}

static void test_escape_truncates(void **state)
{
	char buf[8];

	(void)state;
	assert_string_equal(gs_escape("abcdefghijkl", buf, sizeof(buf)), "abcd...");
	assert_string_equal(gs_escape("\x1b\x1b\x1b\x1b", buf, sizeof(buf)), "\\e\\e...");
}

/* Every byte string survives store -> raw, valid UTF-8 is stored as it
 * is, and the display shows the file's bytes. */
static void test_bytestr(void **state)
{
	unsigned char all[512], back[1100];
	char stored[1100], buf[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(all); i++)
		all[i] = (unsigned char)(i * 7 + i / 256);
	n = gs_bytestr_stored_len(all, sizeof(all));
	assert_int_equal(n, sizeof(all) + 2 + 2);	/* two NULs, two C0s */
	gs_bytestr_store(all, sizeof(all), stored);
	assert_int_equal(strlen(stored), n);
	assert_false(gs_bytestr_is_stored_plain(stored));
	assert_int_equal(gs_bytestr_raw(stored, back), sizeof(all));
	assert_memory_equal(back, all, sizeof(all));

	gs_bytestr_store("na\xc3\xafve", 6, stored);
	assert_string_equal(stored, "na\xc3\xafve");
	assert_true(gs_bytestr_is_stored_plain(stored));

	gs_bytestr_store("a\0b\xc0" "c", 5, stored);
	assert_string_equal(stored, "a\xc0\x80" "b\xc0\x81" "c");
	assert_string_equal(gs_escape(stored, buf, sizeof(buf)), "a\\x00b\\xc0c");
	assert_string_equal(gs_escape_ascii(stored, buf, sizeof(buf)), "a\\x00b\\xc0c");
	gs_defang(stored, sizeof(stored));
	assert_string_equal(stored, "a\\x00b\\xc0c");
	/* a lone C0 typed by a user is a byte of its own */
	assert_int_equal(gs_bytestr_raw("x\xc0y", back), 3);
	assert_memory_equal(back, "x\xc0y", 3);
}

static void test_strmap(void **state)
{
	struct gs_strmap m;
	char keys[1000][16];
	int i;

	(void)state;
	gs_strmap_init(&m);
	assert_int_equal(gs_strmap_get(&m, "x"), -1);
	for (i = 0; i < 1000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		assert_int_equal(gs_strmap_put(&m, keys[i], i), -1);
	}
	assert_int_equal(gs_strmap_put(&m, "k5", 55), 5);
	for (i = 0; i < 1000; i += 2)
		gs_strmap_del(&m, keys[i]);
	for (i = 0; i < 1000; i++)
		assert_int_equal(gs_strmap_get(&m, keys[i]), i % 2 ? (i == 5 ? 55 : i) : -1);
	assert_int_equal((int)m.count, 500);
	gs_strmap_release(&m);
}

static void test_arena(void **state)
{
	struct gs_arena a;
	char *s, *big;
	int i;

	(void)state;
	gs_arena_init(&a);
	for (i = 0; i < 10000; i++) {
		s = gs_arena_printf(&a, "name_%d", i);
		assert_int_equal(atoi(s + 5), i);
		assert_int_equal(((uintptr_t)s) % 8, 0);
	}
	big = gs_arena_alloc(&a, 1 << 20);
	assert_int_equal(big[12345], 0);
	s = gs_arena_strndup(&a, "abcdef", 3);
	assert_string_equal(s, "abc");
	gs_arena_release(&a);
}

static void test_format_bytes(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(gs_format_bytes(512, buf, sizeof(buf)), "512 B");
	assert_string_equal(gs_format_bytes(1536, buf, sizeof(buf)), "1.5 KiB");
	assert_string_equal(gs_format_bytes(422576128, buf, sizeof(buf)), "403.0 MiB");
}

static void test_hash(void **state)
{
	(void)state;
	assert_int_not_equal(gs_hash_str("a"), gs_hash_str("b"));
	assert_int_not_equal(gs_hash_bytes("ab", 2, 0), gs_hash_bytes("ab", 2, 1));
	assert_int_equal(gs_hash_str("conv"), gs_hash_bytes("conv", 4, 0));
	assert_int_not_equal(gs_mix64(0), 0);
}

struct ran {
	int *count;
	int bad_worker;
};

static void mark(void *ctx, size_t task, int worker)
{
	struct ran *r = ctx;

	r->count[task]++;		/* each task has its own slot: no race */
	if (worker < 0 || worker >= gs_worker_count())
		r->bad_worker = 1;
}

/* Every task runs exactly once, whatever the thread count. */
static void test_parallel_for(void **state)
{
	int count[1000] = { 0 };
	struct ran r = { count, 0 };
	size_t i;

	(void)state;
	setenv("GS_THREADS", "4", 1);
	assert_int_equal(gs_worker_count(), 4);
	gs_parallel_for(1000, mark, &r);
	gs_parallel_for(0, mark, &r);
	gs_parallel_for(3, mark, &r);	/* fewer tasks than threads */
	for (i = 0; i < 1000; i++)
		assert_int_equal(count[i], i < 3 ? 2 : 1);
	assert_int_equal(r.bad_worker, 0);
}

struct nested {
	int inner[4][8];
	int inner_worker_not_0;
};

static void inner_task(void *ctx, size_t task, int worker)
{
	int *row = ctx;

	row[task]++;
	row[7] |= worker != 0;
}

static void outer_task(void *ctx, size_t task, int worker)
{
	struct nested *n = ctx;

	(void)worker;
	gs_parallel_for(7, inner_task, n->inner[task]);
}

/* A loop inside a task runs whole on that task's thread (as worker 0). */
static void test_parallel_nested(void **state)
{
	struct nested n;
	int i, k;

	(void)state;
	memset(&n, 0, sizeof(n));
	setenv("GS_THREADS", "4", 1);
	gs_parallel_for(4, outer_task, &n);
	for (i = 0; i < 4; i++) {
		for (k = 0; k < 7; k++)
			assert_int_equal(n.inner[i][k], 1);
		assert_int_equal(n.inner[i][7], 0);
	}
}

/* A buffer for big scratch space: usable end to end, freed by free(). */
static void test_xmalloc_huge(void **state)
{
	size_t n = (4u << 20) + 123;
	unsigned char *p = gs_xmalloc_huge(n);

	(void)state;
	memset(p, 0xa5, n);
	assert_int_equal(p[n - 1], 0xa5);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_escape_utf8),
		cmocka_unit_test(test_escape_truncates),
		cmocka_unit_test(test_bytestr),
		cmocka_unit_test(test_strmap),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_format_bytes),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_parallel_for),
		cmocka_unit_test(test_parallel_nested),
		cmocka_unit_test(test_xmalloc_huge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
