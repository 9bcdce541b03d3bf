/*===- profile.c - per-kernel timestamps for objects compiled with --profile ===*
 *
 * Generated code calls kiln_profile_begin/kiln_profile_end around each kernel
 * only when it was compiled with `kiln compile --profile`; otherwise nothing
 * references this file and a static link leaves it out. Events go into an
 * array the application attaches to a context, so recording allocates
 * nothing and costs two clock reads per kernel.
 *
 *===----------------------------------------------------------------------===*/

#include "context_internal.h"

#include <time.h>

static int64_t now_ns(void) {
#if defined(CLOCK_MONOTONIC)
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
#endif
  /* No monotonic clock (some bare-metal C libraries): processor time. */
  return (int64_t)((double)clock() * (1e9 / CLOCKS_PER_SEC));
}

kiln_status_t kiln_profile_attach(kiln_context_t *context, kiln_profile_event_t *events,
                                  int32_t capacity) {
  if (!context || capacity < 0 || (!events && capacity > 0))
    return KILN_STATUS_INVALID_ARGUMENT;
  context->profile_events = events;
  context->profile_capacity = events ? capacity : 0;
  context->profile_count = 0;
  return KILN_STATUS_OK;
}

int64_t kiln_profile_count(const kiln_context_t *context) {
  return context ? context->profile_count : 0;
}

void kiln_profile_begin(kiln_context_t *context, int32_t kernel) {
  if (!context || !context->profile_events)
    return;
  /* The slot is claimed at the end; until then it only holds the start. */
  if (context->profile_count < context->profile_capacity) {
    kiln_profile_event_t *event = &context->profile_events[context->profile_count];
    event->kernel = kernel;
    event->begin_ns = now_ns();
  }
}

void kiln_profile_end(kiln_context_t *context, int32_t kernel) {
  if (!context || !context->profile_events)
    return;
  int64_t end = now_ns();
  if (context->profile_count < context->profile_capacity) {
    kiln_profile_event_t *event = &context->profile_events[context->profile_count];
    if (event->kernel != kernel)
      return; /* unmatched end: attached between a begin and its end */
    event->end_ns = end;
  }
  ++context->profile_count;
}
