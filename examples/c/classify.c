/* classify.c - runs the compiled tiny_cnn model on one 28x28 image.
 *
 *   kiln compile examples/tiny_cnn.onnx -o out
 *   cc -std=c11 -Iout examples/c/classify.c out/tiny_cnn.o -Lout -lkiln_rt -lpthread -lm
 *   ./a.out [image.f32]     (784 raw little-endian floats; default: a test pattern)
 *
 * The workspace is a static array: this program never touches the heap. */

#include "tiny_cnn.h"

#include <stdio.h>

static float image[TINY_CNN_INPUT_image_SIZE];
static float probabilities[TINY_CNN_OUTPUT_probabilities_SIZE];
static _Alignas(TINY_CNN_WORKSPACE_ALIGNMENT) unsigned char
    workspace[TINY_CNN_WORKSPACE_SIZE > 0 ? TINY_CNN_WORKSPACE_SIZE : 1];

int main(int argc, char **argv) {
  if (argc > 1) {
    FILE *file = fopen(argv[1], "rb");
    if (!file || fread(image, sizeof(float), TINY_CNN_INPUT_image_SIZE, file) !=
                     TINY_CNN_INPUT_image_SIZE) {
      fprintf(stderr, "classify: cannot read %d floats from %s\n",
              TINY_CNN_INPUT_image_SIZE, argv[1]);
      return 1;
    }
    fclose(file);
  } else {
    /* kiln run's deterministic input pattern, so the two can be compared. */
    for (int i = 0; i < TINY_CNN_INPUT_image_SIZE; ++i)
      image[i] = (float)((i * 7919) % 2001 - 1000) / 1000.0f;
  }

  tiny_cnn_inputs inputs = {image};
  tiny_cnn_outputs outputs = {probabilities};
  kiln_status_t status = tiny_cnn_run(&inputs, &outputs, workspace, NULL);
  if (status != KILN_STATUS_OK) {
    fprintf(stderr, "classify: %s\n", kiln_status_message(status));
    return 1;
  }

  int best = 0;
  for (int i = 0; i < TINY_CNN_OUTPUT_probabilities_SIZE; ++i) {
    printf("class %d: %.6f\n", i, probabilities[i]);
    if (probabilities[i] > probabilities[best])
      best = i;
  }
  printf("predicted class: %d\n", best);
  return 0;
}
