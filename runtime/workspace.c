/*===- workspace.c - workspace allocation for hosted targets --------------===*/

#include "kiln_rt.h"

#ifdef KILN_RT_NO_HEAP
/* Bare-metal builds have no heap: the application declares the workspace
 * as a static array of NAME_WORKSPACE_SIZE bytes, aligned to
 * NAME_WORKSPACE_ALIGNMENT. */
kiln_status_t kiln_workspace_alloc(size_t size, size_t alignment, void **out_workspace) {
  (void)size;
  (void)alignment;
  if (out_workspace)
    *out_workspace = NULL;
  return KILN_STATUS_UNAVAILABLE;
}

void kiln_workspace_free(void *workspace) { (void)workspace; }
#else

#include <stdlib.h>

kiln_status_t kiln_workspace_alloc(size_t size, size_t alignment, void **out_workspace) {
  if (!out_workspace || alignment == 0 || (alignment & (alignment - 1)) != 0)
    return KILN_STATUS_INVALID_ARGUMENT;
  *out_workspace = NULL;
  if (alignment < sizeof(void *))
    alignment = sizeof(void *);
  /* A zero-byte workspace is still a valid, distinct pointer. */
  size_t rounded = (size + alignment - 1) / alignment * alignment;
  if (rounded == 0)
    rounded = alignment;
  void *memory = NULL;
  if (posix_memalign(&memory, alignment, rounded) != 0)
    return KILN_STATUS_OUT_OF_MEMORY;
  *out_workspace = memory;
  return KILN_STATUS_OK;
}

void kiln_workspace_free(void *workspace) { free(workspace); }

#endif /* KILN_RT_NO_HEAP */
