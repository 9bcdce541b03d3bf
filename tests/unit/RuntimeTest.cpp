//===- RuntimeTest.cpp - the C runtime: thread pool, workspaces, statuses --===//

#include "kiln_rt.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Coverage {
  std::vector<std::atomic<int>> hits;
  explicit Coverage(int64_t count) : hits(static_cast<size_t>(count)) {}
};

void markChunk(void *data, int64_t begin, int64_t end) {
  auto *coverage = static_cast<Coverage *>(data);
  for (int64_t i = begin; i < end; ++i)
    coverage->hits[static_cast<size_t>(i)].fetch_add(1);
}

bool everyIndexOnce(kiln_context_t *context, int64_t count) {
  Coverage coverage(count);
  kiln_parallel_for(context, count, markChunk, &coverage);
  for (auto &hit : coverage.hits)
    if (hit.load() != 1)
      return false;
  return true;
}

} // namespace

TEST_CASE("parallel_for runs every index exactly once", "[runtime]") {
  for (int32_t threads : {1, 2, 3, 8}) {
    kiln_context_t *context = nullptr;
    REQUIRE(kiln_context_create(threads, &context) == KILN_STATUS_OK);
    REQUIRE(kiln_context_num_threads(context) == threads);
    for (int64_t count : {1, 2, 7, 64, 1000, 4097})
      CHECK(everyIndexOnce(context, count));
    kiln_context_destroy(context);
  }
  // A NULL context runs on the calling thread.
  CHECK(everyIndexOnce(nullptr, 100));
}

TEST_CASE("one context serves concurrent callers", "[runtime]") {
  kiln_context_t *context = nullptr;
  REQUIRE(kiln_context_create(3, &context) == KILN_STATUS_OK);
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([&] {
      for (int round = 0; round < 50; ++round)
        if (!everyIndexOnce(context, 333))
          ++failures;
    });
  for (std::thread &caller : callers)
    caller.join();
  CHECK(failures.load() == 0);
  kiln_context_destroy(context);
}

TEST_CASE("workspaces are aligned and bad requests are refused", "[runtime]") {
  for (size_t alignment : {16u, 64u, 4096u}) {
    void *workspace = nullptr;
    REQUIRE(kiln_workspace_alloc(1000, alignment, &workspace) == KILN_STATUS_OK);
    CHECK(reinterpret_cast<uintptr_t>(workspace) % alignment == 0);
    std::memset(workspace, 0xab, 1000);
    kiln_workspace_free(workspace);
  }
  void *workspace = nullptr;
  CHECK(kiln_workspace_alloc(0, 64, &workspace) == KILN_STATUS_OK);
  CHECK(workspace != nullptr);
  kiln_workspace_free(workspace);
  CHECK(kiln_workspace_alloc(64, 48, &workspace) == KILN_STATUS_INVALID_ARGUMENT);
  CHECK(kiln_workspace_alloc(64, 64, nullptr) == KILN_STATUS_INVALID_ARGUMENT);
  kiln_context_t *context = nullptr;
  CHECK(kiln_context_create(-1, &context) == KILN_STATUS_INVALID_ARGUMENT);
}

TEST_CASE("every status has a message", "[runtime]") {
  for (kiln_status_t status = 0; status <= 5; ++status)
    CHECK(std::strlen(kiln_status_message(status)) > 0);
  CHECK(std::string(kiln_status_message(KILN_STATUS_OK)) == "ok");
}
