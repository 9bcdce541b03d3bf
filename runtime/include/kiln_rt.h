/*===- kiln_rt.h - kiln runtime ABI (C99, also valid C++) ------------------===*
 *
 * The one header shared by generated code and the runtime library. Code that
 * kiln generates includes it through NAME.h; applications include it to create
 * a thread pool or allocate a workspace. KILN_RT_ABI_VERSION changes whenever
 * a declaration here changes incompatibly; generated headers check it at
 * compile time.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_RT_H
#define KILN_RT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_RT_ABI_VERSION 1

/* Status codes returned by generated entry points and runtime calls. */
typedef int32_t kiln_status_t;
#define KILN_STATUS_OK 0
#define KILN_STATUS_INVALID_ARGUMENT 1 /* a NULL or misaligned buffer */
#define KILN_STATUS_OUT_OF_MEMORY 2
#define KILN_STATUS_UNAVAILABLE 3 /* e.g. threads on a build without them */
#define KILN_STATUS_INTERNAL 4

/* A human-readable message for a status code (never NULL). */
const char *kiln_status_message(kiln_status_t status);

/* Element types of inputs and outputs, as the header names them. */
typedef enum kiln_dtype {
  KILN_DTYPE_F32 = 1,
  KILN_DTYPE_U8 = 2,
  KILN_DTYPE_I8 = 3,
  KILN_DTYPE_U16 = 4,
  KILN_DTYPE_I16 = 5,
  KILN_DTYPE_I32 = 6,
  KILN_DTYPE_I64 = 7,
  KILN_DTYPE_BOOL = 9,
  KILN_DTYPE_F16 = 10,
  KILN_DTYPE_F64 = 11,
  KILN_DTYPE_U32 = 12,
  KILN_DTYPE_U64 = 13,
  KILN_DTYPE_BF16 = 16
} kiln_dtype_t; /* values match ONNX TensorProto.DataType */

/* Execution context handed to an entry point: where parallel loops run.
 * NULL everywhere means "run on the calling thread". A context holds no
 * model state, so one context may serve many models and calls, and calls
 * on different threads may share it (parallel work is serialized per pool). */
typedef struct kiln_context kiln_context_t;

/* Creates a context with a pool of `num_threads` workers in total (the
 * calling thread counts as one; 0 means one per online CPU). */
kiln_status_t kiln_context_create(int32_t num_threads, kiln_context_t **out_context);
void kiln_context_destroy(kiln_context_t *context);
int32_t kiln_context_num_threads(const kiln_context_t *context);

/* Allocates / frees a workspace of `size` bytes aligned to `alignment` (use
 * the NAME_WORKSPACE_SIZE and NAME_WORKSPACE_ALIGNMENT constants). Callers
 * without a heap declare a static array of that size and alignment instead. */
kiln_status_t kiln_workspace_alloc(size_t size, size_t alignment, void **out_workspace);
void kiln_workspace_free(void *workspace);

/* Called by generated code: runs body(data, begin, end) over [0, count) in
 * chunks spread over the context's threads and returns when all are done. */
typedef void (*kiln_parallel_body_t)(void *data, int64_t begin, int64_t end);
void kiln_parallel_for(kiln_context_t *context, int64_t count,
                       kiln_parallel_body_t body, void *data);

/* Profiling. An object compiled with `kiln compile --profile` calls
 * kiln_profile_begin/kiln_profile_end around each of its kernels (one kernel
 * is one loop nest, or a fused group of them, of one or more ONNX nodes; the
 * header lists them as NAME_PROFILE_KERNEL_*_TABLE). Objects compiled without
 * it make no such calls and cost nothing. To record one call, attach an
 * event array to the context passed to NAME_run; each kernel that runs
 * appends one event, in order. Timestamps are CLOCK_MONOTONIC nanoseconds.
 * Recording is not synchronized: profile one call per context at a time. */
typedef struct kiln_profile_event {
  int32_t kernel; /* index into the NAME_PROFILE_KERNEL_*_TABLE tables */
  int32_t reserved;
  int64_t begin_ns;
  int64_t end_ns;
} kiln_profile_event_t;

/* Records into events[0, capacity) from now on and resets the count; events
 * past the capacity are counted but not stored. NULL, 0 stops recording. */
kiln_status_t kiln_profile_attach(kiln_context_t *context, kiln_profile_event_t *events,
                                  int32_t capacity);
/* Events since the last attach (may exceed the capacity). */
int64_t kiln_profile_count(const kiln_context_t *context);

/* Called by profiled generated code; no-ops without an attached array. */
void kiln_profile_begin(kiln_context_t *context, int32_t kernel);
void kiln_profile_end(kiln_context_t *context, int32_t kernel);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_RT_H */
