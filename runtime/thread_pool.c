/*===- thread_pool.c - the pthread pool behind kiln_context_t -------------===*
 *
 * Workers sleep on a condition variable between jobs. A job splits [0, count)
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
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct kiln_thread_pool {
  pthread_mutex_t submit_lock; /* one job at a time */
  pthread_mutex_t lock;
  pthread_cond_t work_ready;
  pthread_cond_t work_done;
  pthread_t *threads;
  int32_t num_workers;
  int shutting_down;
  uint64_t generation; /* bumps per job; workers wait for a new one */
  /* The current job. */
  kiln_parallel_body_t body;
  void *data;
  int64_t count;
  int64_t chunk;
  atomic_int_fast64_t next;
  int32_t workers_busy;
} kiln_thread_pool;

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

static void *worker_main(void *arg) {
  kiln_thread_pool *pool = (kiln_thread_pool *)arg;
  uint64_t seen = 0;
  pthread_mutex_lock(&pool->lock);
  for (;;) {
    while (!pool->shutting_down && pool->generation == seen)
      pthread_cond_wait(&pool->work_ready, &pool->lock);
    if (pool->shutting_down)
      break;
    seen = pool->generation;
    pthread_mutex_unlock(&pool->lock);
    run_chunks(pool);
    pthread_mutex_lock(&pool->lock);
    if (--pool->workers_busy == 0)
      pthread_cond_signal(&pool->work_done);
  }
  pthread_mutex_unlock(&pool->lock);
  return NULL;
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
  pthread_mutex_lock(&pool->lock);
  pool->body = body;
  pool->data = data;
  pool->count = count;
  pool->chunk = chunk;
  atomic_store(&pool->next, 0);
  pool->workers_busy = pool->num_workers;
  pool->generation++;
  pthread_cond_broadcast(&pool->work_ready);
  pthread_mutex_unlock(&pool->lock);

  run_chunks(pool);

  pthread_mutex_lock(&pool->lock);
  while (pool->workers_busy > 0)
    pthread_cond_wait(&pool->work_done, &pool->lock);
  pthread_mutex_unlock(&pool->lock);
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
  pthread_cond_init(&pool->work_done, NULL);
  atomic_init(&pool->next, 0);
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
    pool->shutting_down = 1;
    pthread_cond_broadcast(&pool->work_ready);
    pthread_mutex_unlock(&pool->lock);
    for (int32_t i = 0; i < pool->num_workers; ++i)
      pthread_join(pool->threads[i], NULL);
    pthread_mutex_destroy(&pool->submit_lock);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->work_ready);
    pthread_cond_destroy(&pool->work_done);
    free(pool->threads);
    free(pool);
  }
  free(context);
}

#endif /* KILN_RT_NO_THREADS */
