/* run_model.c - runs any compiled model on raw input files and writes raw
 * outputs: the generic app the tests link every public model into.
 *
 *   kiln compile model.onnx -o out --name net
 *   cc -std=c11 -Iout -DMODEL=net -DMODEL_HEADER='"net.h"' -DMODEL_UPPER=NET \
 *      examples/c/run_model.c out/net.o -Lout -lkiln_rt -lpthread -lm -o run_model
 *   ./run_model [--threads N] IN_0.bin ... OUT_0.bin ...
 *
 * Each file holds a tensor's bytes (dense, row-major, the header's dtype),
 * in the order of the header's tables. An output whose shape depends on the
 * data (NAME_OUTPUT_DYNAMIC_TABLE) is written with its actual size, and its
 * dimensions are printed as "OUT_FILE: d0 d1 ..." on stdout. */

#include MODEL_HEADER

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JOIN2(a, b) a##b
#define JOIN(a, b) JOIN2(a, b)
#define UPPER(suffix) JOIN(MODEL_UPPER, suffix)
#define LOWER(suffix) JOIN(MODEL, suffix)

enum { kInputs = UPPER(_NUM_INPUTS), kOutputs = UPPER(_NUM_OUTPUTS) };
static const size_t kInputBytes[] = UPPER(_INPUT_BYTES_TABLE);
static const size_t kOutputBytes[] = UPPER(_OUTPUT_BYTES_TABLE);
static const int kOutputDynamic[] = UPPER(_OUTPUT_DYNAMIC_TABLE);
static const int kOutputRanks[] = UPPER(_OUTPUT_RANKS_TABLE);
static const size_t kOutputElementBytes[] = UPPER(_OUTPUT_ELEMENT_BYTES_TABLE);
enum { kDynamicOutputs = UPPER(_NUM_DYNAMIC_OUTPUTS) };

static int read_file(const char *path, void *data, size_t bytes) {
  FILE *file = fopen(path, "rb");
  if (!file)
    return 0;
  size_t got = fread(data, 1, bytes, file);
  int extra = fgetc(file) != EOF;
  fclose(file);
  return got == bytes && !extra;
}

int main(int argc, char **argv) {
  int first = 1;
  int threads = 1;
  if (argc > 2 && strcmp(argv[1], "--threads") == 0) {
    threads = atoi(argv[2]);
    first = 3;
  }
  if (argc - first != kInputs + kOutputs) {
    fprintf(stderr, "usage: %s [--threads N] <%d input files> <%d output files>\n", argv[0],
            (int)kInputs, (int)kOutputs);
    return 2;
  }
  /* The input and output structs are arrays of pointers in table order; the
   * dimension arrays of data-dependent outputs follow the output buffers. */
  void *inputs[kInputs > 0 ? kInputs : 1];
  void *outputs[kOutputs + kDynamicOutputs];
  for (int i = 0; i < kInputs; ++i) {
    inputs[i] = malloc(kInputBytes[i] ? kInputBytes[i] : 1);
    if (!inputs[i] || !read_file(argv[first + i], inputs[i], kInputBytes[i])) {
      fprintf(stderr, "run_model: %s must hold exactly %zu bytes\n", argv[first + i],
              kInputBytes[i]);
      return 1;
    }
  }
  int64_t *dims[kOutputs];
  for (int i = 0, dynamic = 0; i < kOutputs; ++i) {
    outputs[i] = malloc(kOutputBytes[i] ? kOutputBytes[i] : 1);
    dims[i] = NULL;
    if (kOutputDynamic[i]) {
      dims[i] = calloc(kOutputRanks[i] > 0 ? kOutputRanks[i] : 1, sizeof(int64_t));
      outputs[kOutputs + dynamic++] = dims[i];
    }
  }

  void *workspace = NULL;
  kiln_context_t *context = NULL;
  if (kiln_workspace_alloc(UPPER(_WORKSPACE_SIZE), UPPER(_WORKSPACE_ALIGNMENT), &workspace) !=
          KILN_STATUS_OK ||
      (threads > 1 && kiln_context_create(threads, &context) != KILN_STATUS_OK)) {
    fprintf(stderr, "run_model: out of memory\n");
    return 1;
  }
  kiln_status_t status = LOWER(_run)((const LOWER(_inputs) *)(void *)inputs,
                                     (LOWER(_outputs) *)(void *)outputs, workspace, context);
  if (status != KILN_STATUS_OK) {
    fprintf(stderr, "run_model: %s\n", kiln_status_message(status));
    return 1;
  }
  for (int i = 0; i < kOutputs; ++i) {
    size_t bytes = kOutputBytes[i];
    if (dims[i]) {
      bytes = kOutputElementBytes[i];
      printf("%s:", argv[first + kInputs + i]);
      for (int d = 0; d < kOutputRanks[i]; ++d) {
        bytes *= (size_t)dims[i][d];
        printf(" %lld", (long long)dims[i][d]);
      }
      printf("\n");
    }
    FILE *file = fopen(argv[first + kInputs + i], "wb");
    if (!file || fwrite(outputs[i], 1, bytes, file) != bytes) {
      fprintf(stderr, "run_model: cannot write %s\n", argv[first + kInputs + i]);
      return 1;
    }
    fclose(file);
  }
  kiln_context_destroy(context);
  kiln_workspace_free(workspace);
  return 0;
}
