/* Profiles one call of tiny_cnn compiled with `kiln compile --profile`,
 * through the runtime API an application would use, and prints one line per
 * kernel: its index, name, FLOPs and whether its times are ordered. */
#include "tiny_cnn.h"

#include <stdio.h>
#include <stdlib.h>

int main(void) {
  static const char *const names[] = TINY_CNN_PROFILE_KERNEL_NAMES_TABLE;
  static const int64_t flops[] = TINY_CNN_PROFILE_KERNEL_FLOPS_TABLE;
  static float image[TINY_CNN_INPUT_image_SIZE];
  static float probabilities[TINY_CNN_OUTPUT_probabilities_SIZE];
  void *workspace = NULL;
  kiln_context_t *context = NULL;
  kiln_profile_event_t events[TINY_CNN_PROFILE_KERNELS];
  if (kiln_workspace_alloc(TINY_CNN_WORKSPACE_SIZE, TINY_CNN_WORKSPACE_ALIGNMENT, &workspace) ||
      kiln_context_create(1, &context) ||
      kiln_profile_attach(context, events, TINY_CNN_PROFILE_KERNELS))
    return 1;
  tiny_cnn_inputs inputs = {image};
  tiny_cnn_outputs outputs = {probabilities};
  if (tiny_cnn_run(&inputs, &outputs, workspace, context) != KILN_STATUS_OK)
    return 1;
  int64_t count = kiln_profile_count(context);
  printf("%lld events for %d kernels\n", (long long)count, TINY_CNN_PROFILE_KERNELS);
  for (int64_t i = 0; i < count && i < TINY_CNN_PROFILE_KERNELS; ++i)
    printf("%d %s flops=%lld %s\n", events[i].kernel, names[events[i].kernel],
           (long long)flops[events[i].kernel],
           events[i].end_ns >= events[i].begin_ns ? "ordered" : "UNORDERED");
  kiln_profile_attach(context, NULL, 0);
  kiln_context_destroy(context);
  kiln_workspace_free(workspace);
  return 0;
}
