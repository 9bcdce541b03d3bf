/*===- thread_pool.c - the pthread pool behind kiln_context_t -------------===*
 *
 * Workers poll for the next job for a short while, then sleep on a condition
 * variable (see KILN_SPIN_NANOSECONDS). A job splits [0, count)
 * into chunks that the workers and the calling thread claim with an atomic
 * counter, so uneven chunks balance themselves. One job runs at a time per
 * pool; concurrent callers on the same context take turns (each model call
 * still gets every thread of the pool for its parallel loops).
 *
 *===----------------------------------------------------------------------===*/

#include "context_internal.h"

#ifdef KILN_RT_NO_THREADS
/* Bare-metal builds: no threads and no heap, so there is no context to
 * create. Generated code gets a NULL context and kiln_parallel_for runs
 * every loop on the calling thread. */
kiln_status_t kiln_context_create(int32_t num_threads, kiln_context_t **out_context) {
  (void)num_threads;
  if (out_context)
    *out_context = NULL;
  return KILN_STATUS_UNAVAILABLE;
}

void kiln_context_destroy(kiln_context_t *context) { (void)context; }
#else

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* How long an idle worker polls for the next job before it sleeps. A model
 * runs its kernels back to back, with a few microseconds of serial code
 * between parallel ones; waking a sleeping thread costs tens of
 * microseconds, more than many kernels take. */
#define KILN_SPIN_NANOSECONDS 200000

typedef struct kiln_thread_pool {
  pthread_mutex_t submit_lock; /* one job at a time */
  pthread_mutex_t lock;        /* guards sleeping workers */
  pthread_cond_t work_ready;
  pthread_t *threads;
  int32_t num_workers;
  atomic_int shutting_down;
  atomic_uint_fast64_t generation; /* bumps per job; workers wait for a new one */
  atomic_int sleepers;             /* workers blocked on work_ready */
  /* The current job, published by the bump of `generation`. */
  kiln_parallel_body_t body;
  void *data;
  int64_t count;
  int64_t chunk;
  atomic_int_fast64_t next;
  atomic_int workers_busy;
} kiln_thread_pool;

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__arm__) && __ARM_ARCH >= 7)
  __asm__ volatile("yield");
#endif
}

static int64_t now_nanoseconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void run_chunks(kiln_thread_pool *pool) {
  for (;;) {
    int64_t begin = atomic_fetch_add(&pool->next, pool->chunk);
    if (begin >= pool->count)
      return;
    int64_t end = begin + pool->chunk;
    if (end > pool->count)
      end = pool->count;
    pool->body(pool->data, begin, end);
  }
}

/* Waits until the generation differs from `seen` (returns it) or the pool
 * shuts down (returns `seen`): polls first, then sleeps. */
static uint64_t wait_for_job(kiln_thread_pool *pool, uint64_t seen) {
  int64_t deadline = now_nanoseconds() + KILN_SPIN_NANOSECONDS;
  for (int spins = 0;; ++spins) {
    uint64_t generation = atomic_load(&pool->generation);
    if (generation != seen || atomic_load(&pool->shutting_down))
      return generation;
    cpu_relax();
    if ((spins & 63) == 63 && now_nanoseconds() > deadline)
      break;
  }
  /* Announce the sleep before the last check: a dispatcher that bumps the
   * generation after this check sees `sleepers` and broadcasts under the
   * lock this thread holds until it waits, so no wake-up is lost. */
  pthread_mutex_lock(&pool->lock);
  atomic_fetch_add(&pool->sleepers, 1);
  uint64_t generation;
  while ((generation = atomic_load(&pool->generation)) == seen &&
         !atomic_load(&pool->shutting_down))
    pthread_cond_wait(&pool->work_ready, &pool->lock);
  atomic_fetch_sub(&pool->sleepers, 1);
  pthread_mutex_unlock(&pool->lock);
  return generation;
}

static void *worker_main(void *arg) {
  kiln_thread_pool *pool = (kiln_thread_pool *)arg;
  uint64_t seen = 0;
  for (;;) {
    seen = wait_for_job(pool, seen);
    if (atomic_load(&pool->shutting_down))
      return NULL;
    run_chunks(pool);
    atomic_fetch_sub(&pool->workers_busy, 1);
  }
}

static void wake_sleepers(kiln_thread_pool *pool) {
  if (atomic_load(&pool->sleepers) > 0) {
    pthread_mutex_lock(&pool->lock);
    pthread_cond_broadcast(&pool->work_ready);
    pthread_mutex_unlock(&pool->lock);
  }
}

static void pool_dispatch(kiln_context_t *context, int64_t count,
                          kiln_parallel_body_t body, void *data) {
  kiln_thread_pool *pool = (kiln_thread_pool *)context->pool;
  pthread_mutex_lock(&pool->submit_lock);
  int64_t threads = context->num_threads;
  /* A few chunks per thread balance uneven work without much contention. */
  int64_t chunk = count / (threads * 4);
  if (chunk < 1)
    chunk = 1;
  pool->body = body;
  pool->data = data;
  pool->count = count;
  pool->chunk = chunk;
  atomic_store(&pool->next, 0);
  atomic_store(&pool->workers_busy, pool->num_workers);
  atomic_fetch_add(&pool->generation, 1); /* publishes the job */
  wake_sleepers(pool);

  run_chunks(pool);

  /* The others finish their last chunk at about the same time. */
  for (int spins = 0; atomic_load(&pool->workers_busy) > 0; ++spins) {
    if (spins < 4096)
      cpu_relax();
    else
      sched_yield();
  }
  pthread_mutex_unlock(&pool->submit_lock);
}

kiln_status_t kiln_context_create(int32_t num_threads, kiln_context_t **out_context) {
  if (!out_context || num_threads < 0)
    return KILN_STATUS_INVALID_ARGUMENT;
  *out_context = NULL;
  if (num_threads == 0) {
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    num_threads = online > 0 ? (int32_t)online : 1;
  }
  kiln_context_t *context = (kiln_context_t *)calloc(1, sizeof(kiln_context_t));
  if (!context)
    return KILN_STATUS_OUT_OF_MEMORY;
  context->num_threads = num_threads;
  if (num_threads == 1) {
    *out_context = context;
    return KILN_STATUS_OK;
  }
  kiln_thread_pool *pool = (kiln_thread_pool *)calloc(1, sizeof(kiln_thread_pool));
  if (!pool) {
    free(context);
    return KILN_STATUS_OUT_OF_MEMORY;
  }
  pool->num_workers = num_threads - 1;
  pool->threads = (pthread_t *)calloc((size_t)pool->num_workers, sizeof(pthread_t));
  if (!pool->threads) {
    free(pool);
    free(context);
    return KILN_STATUS_OUT_OF_MEMORY;
  }
  pthread_mutex_init(&pool->submit_lock, NULL);
  pthread_mutex_init(&pool->lock, NULL);
  pthread_cond_init(&pool->work_ready, NULL);
  atomic_init(&pool->shutting_down, 0);
  atomic_init(&pool->generation, 0);
  atomic_init(&pool->sleepers, 0);
  atomic_init(&pool->next, 0);
  atomic_init(&pool->workers_busy, 0);
  context->pool = pool;
  context->dispatch = pool_dispatch;
  for (int32_t i = 0; i < pool->num_workers; ++i) {
    if (pthread_create(&pool->threads[i], NULL, worker_main, pool) != 0) {
      pool->num_workers = i;
      kiln_context_destroy(context);
      return KILN_STATUS_UNAVAILABLE;
    }
  }
  *out_context = context;
  return KILN_STATUS_OK;
}

void kiln_context_destroy(kiln_context_t *context) {
  if (!context)
    return;
  kiln_thread_pool *pool = (kiln_thread_pool *)context->pool;
  if (pool) {
    pthread_mutex_lock(&pool->lock);
    atomic_store(&pool->shutting_down, 1);
    pthread_cond_broadcast(&pool->work_ready);
    pthread_mutex_unlock(&pool->lock);
    for (int32_t i = 0; i < pool->num_workers; ++i)
      pthread_join(pool->threads[i], NULL);
    pthread_mutex_destroy(&pool->submit_lock);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->work_ready);
    free(pool->threads);
    free(pool);
  }
  free(context);
}

#endif /* KILN_RT_NO_THREADS */
