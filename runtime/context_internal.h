/*===- context_internal.h - the layout of kiln_context_t -------------------===*
 *
 * Private to the runtime. Parallel dispatch goes through a function pointer
 * so that an application that never creates a context (single-threaded, or
 * bare metal) links none of the thread-pool code and needs no pthread.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_CONTEXT_INTERNAL_H
#define KILN_RUNTIME_CONTEXT_INTERNAL_H

#include "kiln_rt.h"

struct kiln_context {
  int32_t num_threads;
  void (*dispatch)(kiln_context_t *context, int64_t count, kiln_parallel_body_t body,
                   void *data);
  void *pool;
  /* Profiling (profile.c): where kiln_profile_attach points events. */
  kiln_profile_event_t *profile_events;
  int32_t profile_capacity;
  int64_t profile_count;
};

#endif /* KILN_RUNTIME_CONTEXT_INTERNAL_H */
