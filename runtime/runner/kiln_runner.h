/*===- kiln_runner.h - the generic model runner behind --emit=runner -------===*
 *
 * `kiln compile --emit=runner` links three pieces into NAME-run: a glue file
 * kiln writes for the model (the descriptor below, with static buffers for
 * every input, output and the workspace, so running a model allocates
 * nothing), kiln_runner.c (arguments, .npy files, timing; the same for every
 * model and target), and one I/O backend: io_hosted.c (stdio, POSIX clocks,
 * the thread pool) or baremetal/semihost.c (Arm semihosting on a board or in
 * QEMU). kiln_runner.c calls no printf or malloc, so the bare-metal runner
 * links no heap.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_RUNNER_H
#define KILN_RUNNER_H

#include "kiln_rt.h"

#include <stddef.h>
#include <stdint.h>

/* One input or output of the model. */
typedef struct kiln_runner_tensor {
  const char *name;   /* the ONNX name (for --input NAME=FILE) */
  const char *c_name; /* a C identifier: outputs are written to OUTDIR/C_NAME.npy */
  int32_t dtype;      /* KILN_DTYPE_* */
  int32_t rank;
  const int64_t *shape;
  size_t bytes;
  void *buffer; /* static storage of `bytes` bytes */
} kiln_runner_tensor;

typedef struct kiln_runner_model {
  const char *name;
  int32_t num_inputs;
  int32_t num_outputs;
  const kiln_runner_tensor *inputs;
  const kiln_runner_tensor *outputs;
  /* Runs NAME_run on the buffers above with the static workspace. */
  kiln_status_t (*run)(kiln_context_t *context);
} kiln_runner_model;

/* Defined by the glue kiln generates. */
extern const kiln_runner_model kiln_runner_the_model;

/* Defined by kiln_runner.c: the whole program, given its arguments. */
int kiln_runner_main(int argc, char **argv);

/* The I/O backend. Files are small integers; -1 is failure. */
int kiln_runner_open(const char *path, int for_writing);
long kiln_runner_read(int file, void *data, size_t bytes);
int kiln_runner_write(int file, const void *data, size_t bytes); /* 0 on success */
void kiln_runner_close(int file);
/* Creates `path` if missing (hosted) or succeeds when it cannot (semihosting
 * has no mkdir: the directory must exist). 0 on success. */
int kiln_runner_make_directory(const char *path);
void kiln_runner_print(const char *text);       /* stdout */
void kiln_runner_print_error(const char *text); /* stderr */
int64_t kiln_runner_now_ns(void);
/* A context with `threads` threads, or NULL (one thread, or none possible). */
kiln_context_t *kiln_runner_create_context(int32_t threads);
void kiln_runner_destroy_context(kiln_context_t *context);

#endif /* KILN_RUNNER_H */
