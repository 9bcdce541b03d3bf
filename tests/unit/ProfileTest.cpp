//===- ProfileTest.cpp - the runtime's per-kernel profiling ---------------===//

#include "kiln_rt.h"

#include <catch2/catch.hpp>

#include <vector>

TEST_CASE("profile events record kernels in order", "[runtime][profile]") {
  kiln_context_t *context = nullptr;
  REQUIRE(kiln_context_create(1, &context) == KILN_STATUS_OK);
  std::vector<kiln_profile_event_t> events(4);
  REQUIRE(kiln_profile_attach(context, events.data(), 4) == KILN_STATUS_OK);
  for (int32_t kernel : {0, 1, 2}) {
    kiln_profile_begin(context, kernel);
    kiln_profile_end(context, kernel);
  }
  REQUIRE(kiln_profile_count(context) == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(events[i].kernel == i);
    CHECK(events[i].end_ns >= events[i].begin_ns);
    if (i > 0)
      CHECK(events[i].begin_ns >= events[i - 1].end_ns);
  }
  // Attaching again starts over; detaching stops recording.
  REQUIRE(kiln_profile_attach(context, events.data(), 4) == KILN_STATUS_OK);
  CHECK(kiln_profile_count(context) == 0);
  REQUIRE(kiln_profile_attach(context, nullptr, 0) == KILN_STATUS_OK);
  kiln_profile_begin(context, 0);
  kiln_profile_end(context, 0);
  CHECK(kiln_profile_count(context) == 0);
  kiln_context_destroy(context);
}

TEST_CASE("profile events past the capacity are counted, not stored", "[runtime][profile]") {
  kiln_context_t *context = nullptr;
  REQUIRE(kiln_context_create(1, &context) == KILN_STATUS_OK);
  std::vector<kiln_profile_event_t> events(3);
  events[2].kernel = -7; // a guard the runtime must not touch
  REQUIRE(kiln_profile_attach(context, events.data(), 2) == KILN_STATUS_OK);
  for (int32_t kernel = 0; kernel < 5; ++kernel) {
    kiln_profile_begin(context, kernel);
    kiln_profile_end(context, kernel);
  }
  CHECK(kiln_profile_count(context) == 5);
  CHECK(events[0].kernel == 0);
  CHECK(events[1].kernel == 1);
  CHECK(events[2].kernel == -7);
  kiln_context_destroy(context);
}

TEST_CASE("profiling without a context or an array does nothing", "[runtime][profile]") {
  kiln_profile_begin(nullptr, 0);
  kiln_profile_end(nullptr, 0);
  CHECK(kiln_profile_count(nullptr) == 0);
  kiln_context_t *context = nullptr;
  REQUIRE(kiln_context_create(2, &context) == KILN_STATUS_OK);
  kiln_profile_begin(context, 0);
  kiln_profile_end(context, 0);
  CHECK(kiln_profile_count(context) == 0);
  kiln_profile_event_t event;
  CHECK(kiln_profile_attach(nullptr, &event, 1) == KILN_STATUS_INVALID_ARGUMENT);
  CHECK(kiln_profile_attach(context, &event, -1) == KILN_STATUS_INVALID_ARGUMENT);
  CHECK(kiln_profile_attach(context, nullptr, 1) == KILN_STATUS_INVALID_ARGUMENT);
  kiln_context_destroy(context);
}
