/*
 * A minimal parallel loop for the few places that stream hundreds of MB
 * of weights (zero counts, compressed-size samples, quantization).  On a
 * virtual machine the first touch of every page of a mapping is as slow
 * as the arithmetic, and two cores touch twice the pages.  Threads are
 * started per call: the callers run for milliseconds, not microseconds.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "graphsmith/util.h"

enum { MAX_WORKERS = 16 };

/* Set while a thread runs tasks: a loop inside a task (a prune layer
 * reading its weight in chunks) runs on that thread alone rather than
 * starting threads within threads. */
static _Thread_local bool in_task;

struct pool {
	gs_task_fn fn;
	void *ctx;
	size_t n_tasks;
	atomic_size_t next;
};

struct worker {
	struct pool *pool;
	int id;
};

int gs_worker_count(void)
{
	static atomic_int cached;
	const char *env;
	long n;

	if (atomic_load(&cached))
		return atomic_load(&cached);
	env = getenv("GS_THREADS");
	n = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > MAX_WORKERS)
		n = MAX_WORKERS;
	atomic_store(&cached, (int)n);
	return (int)n;
}

static void drain(struct pool *p, int id)
{
	size_t t;

	in_task = true;
	while ((t = atomic_fetch_add(&p->next, 1)) < p->n_tasks)
		p->fn(p->ctx, t, id);
	in_task = false;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	drain(w->pool, w->id);
	return NULL;
}

void gs_parallel_for(size_t n_tasks, gs_task_fn fn, void *ctx)
{
	struct pool p = { fn, ctx, n_tasks, 0 };
	struct worker w[MAX_WORKERS];
	pthread_t th[MAX_WORKERS];
	bool started[MAX_WORKERS] = { false };
	int n = gs_worker_count(), i;
	size_t t;

	if (in_task) {
		for (t = 0; t < n_tasks; t++)
			fn(ctx, t, 0);
		return;
	}
	if ((size_t)n > n_tasks)
		n = (int)n_tasks;
	/* a thread that cannot start costs nothing: the others take its tasks */
	for (i = 1; i < n; i++) {
		w[i].pool = &p;
		w[i].id = i;
		started[i] = pthread_create(&th[i], NULL, worker_main, &w[i]) == 0;
	}
	drain(&p, 0);
	for (i = 1; i < n; i++)
		if (started[i])
			pthread_join(th[i], NULL);
}
