// batch.cpp - runs the compiled tiny_cnn model on several images at once,
// one std::thread per image, each with its own workspace from the runtime.
// It checks that every thread gets the same answer as a serial run.
//
//   kiln compile examples/tiny_cnn.onnx -o out
//   c++ -std=c++17 -Iout examples/cpp/batch.cpp out/tiny_cnn.o -Lout -lkiln_rt -lpthread -lm

#include "tiny_cnn.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

namespace {

using Image = std::array<float, TINY_CNN_INPUT_image_SIZE>;
using Scores = std::array<float, TINY_CNN_OUTPUT_probabilities_SIZE>;

struct WorkspaceDeleter {
  void operator()(void *workspace) const { kiln_workspace_free(workspace); }
};
using Workspace = std::unique_ptr<void, WorkspaceDeleter>;

Workspace allocateWorkspace() {
  void *memory = nullptr;
  if (kiln_workspace_alloc(TINY_CNN_WORKSPACE_SIZE, TINY_CNN_WORKSPACE_ALIGNMENT, &memory) !=
      KILN_STATUS_OK)
    return nullptr;
  return Workspace(memory);
}

kiln_status_t classify(const Image &image, Scores &scores, void *workspace) {
  tiny_cnn_inputs inputs{image.data()};
  tiny_cnn_outputs outputs{scores.data()};
  return tiny_cnn_run(&inputs, &outputs, workspace, nullptr);
}

} // namespace

int main() {
  constexpr int kImages = 4;
  std::vector<Image> images(kImages);
  for (int n = 0; n < kImages; ++n)
    for (size_t i = 0; i < images[n].size(); ++i)
      images[n][i] = std::sin(0.01f * static_cast<float>(i * (n + 1)));

  // Serial reference.
  std::vector<Scores> expected(kImages);
  Workspace shared = allocateWorkspace();
  for (int n = 0; n < kImages; ++n)
    if (!shared || classify(images[n], expected[n], shared.get()) != KILN_STATUS_OK) {
      std::fprintf(stderr, "batch: serial run failed\n");
      return 1;
    }

  // Concurrent runs, one workspace each.
  std::vector<Scores> scores(kImages);
  std::vector<kiln_status_t> statuses(kImages, KILN_STATUS_INTERNAL);
  std::vector<std::thread> threads;
  for (int n = 0; n < kImages; ++n)
    threads.emplace_back([&, n] {
      Workspace workspace = allocateWorkspace();
      if (workspace)
        statuses[n] = classify(images[n], scores[n], workspace.get());
    });
  for (std::thread &thread : threads)
    thread.join();

  int failures = 0;
  for (int n = 0; n < kImages; ++n) {
    if (statuses[n] != KILN_STATUS_OK || scores[n] != expected[n]) {
      std::fprintf(stderr, "batch: image %d differs between serial and threaded runs\n", n);
      ++failures;
      continue;
    }
    int best = 0;
    for (size_t i = 0; i < scores[n].size(); ++i)
      if (scores[n][i] > scores[n][best])
        best = static_cast<int>(i);
    std::printf("image %d: class %d (p = %.4f)\n", n, best, scores[n][best]);
  }
  // A NULL workspace is reported, not dereferenced.
  Scores unused;
  if (TINY_CNN_WORKSPACE_SIZE > 0 &&
      classify(images[0], unused, nullptr) != KILN_STATUS_INVALID_ARGUMENT) {
    std::fprintf(stderr, "batch: a NULL workspace was not rejected\n");
    ++failures;
  }
  return failures ? 1 : 0;
}
