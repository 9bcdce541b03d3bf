/*===- parallel.c - parallel-for entry used by generated code -------------===*/

#include "context_internal.h"

void kiln_parallel_for(kiln_context_t *context, int64_t count,
                       kiln_parallel_body_t body, void *data) {
  if (count <= 0)
    return;
  if (!context || !context->dispatch || context->num_threads <= 1 || count == 1) {
    body(data, 0, count);
    return;
  }
  context->dispatch(context, count, body, data);
}

int32_t kiln_context_num_threads(const kiln_context_t *context) {
  return context ? context->num_threads : 1;
}
