//===- ShapeInferenceTest.cpp - the shared ONNX shape rules ---------------===//

#include "ir/ShapeInference.h"

#include "mlir/IR/BuiltinTypes.h"

#include <catch2/catch.hpp>

using kiln::graph::Shape;
constexpr int64_t kDyn = mlir::ShapedType::kDynamic;

TEST_CASE("broadcasting follows numpy", "[shape]") {
  CHECK(*kiln::graph::broadcastShapes({2, 1, 4}, {3, 1}) == Shape{2, 3, 4});
  CHECK(*kiln::graph::broadcastShapes({}, {5}) == Shape{5});
  CHECK(*kiln::graph::broadcastShapes({kDyn, 4}, {3, 1}) == Shape{3, 4});
  CHECK(*kiln::graph::broadcastShapes({kDyn}, {1}) == Shape{kDyn});
  CHECK_FALSE(kiln::graph::broadcastShapes({3, 4}, {5}).has_value());
}

TEST_CASE("window output sizes", "[shape]") {
  // ResNet stem: 224, k7 s2 p3 -> 112; max pool k3 s2 p1 -> 56.
  CHECK(kiln::graph::windowOutputSize(224, 7, 2, 1, 3, 3, false) == 112);
  CHECK(kiln::graph::windowOutputSize(112, 3, 2, 1, 1, 1, false) == 56);
  // ceil_mode rounds up, but never starts a window in the right padding.
  CHECK(kiln::graph::windowOutputSize(5, 2, 2, 1, 0, 0, false) == 2);
  CHECK(kiln::graph::windowOutputSize(5, 2, 2, 1, 0, 0, true) == 3);
  CHECK(kiln::graph::windowOutputSize(4, 2, 2, 1, 0, 1, true) == 2);
  CHECK(kiln::graph::windowOutputSize(kDyn, 3, 1, 1, 1, 1, false) == kDyn);
  CHECK(kiln::graph::windowOutputSize(10, 3, 1, 2, 0, 0, false) == 6); // dilation 2
}

TEST_CASE("auto_pad SAME splits padding like ONNX", "[shape]") {
  auto upper = kiln::graph::resolveAutoPad("SAME_UPPER", {15}, {3}, {2}, {1});
  REQUIRE(upper);
  CHECK(*upper == Shape{1, 1});
  auto lower = kiln::graph::resolveAutoPad("SAME_LOWER", {4}, {2}, {1}, {1});
  REQUIRE(lower);
  CHECK(*lower == Shape{1, 0});
  auto upper4 = kiln::graph::resolveAutoPad("SAME_UPPER", {4}, {2}, {1}, {1});
  CHECK(*upper4 == Shape{0, 1});
  CHECK_FALSE(kiln::graph::resolveAutoPad("SAME_UPPER", {kDyn}, {3}, {1}, {1}));
}

TEST_CASE("reshape targets", "[shape]") {
  CHECK(*kiln::graph::inferReshape({2, 3, 4}, {0, -1}, false) == Shape{2, 12});
  CHECK(*kiln::graph::inferReshape({2, 3, 4}, {4, 0, 2}, false) == Shape{4, 3, 2});
  CHECK(*kiln::graph::inferReshape({kDyn, 8}, {-1, 4}, false) == Shape{kDyn, 4});
  std::string error;
  CHECK_FALSE(kiln::graph::inferReshape({2, 3}, {-1, -1}, false, &error));
  CHECK(error == "more than one -1 in the target shape");
  CHECK_FALSE(kiln::graph::inferReshape({2, 3}, {4, 2}, false, &error));
  CHECK(error == "target shape has 8 elements but the input has 6");
  CHECK_FALSE(kiln::graph::inferReshape({2, 3}, {5, -1}, false, &error));
}

TEST_CASE("slice lengths clamp and step like ONNX", "[shape]") {
  CHECK(kiln::graph::slicedLength(10, 1, 3, 1) == 2);
  CHECK(kiln::graph::slicedLength(10, 0, INT64_MAX, 3) == 4);
  CHECK(kiln::graph::slicedLength(10, -1, INT64_MIN, -1) == 10);
  CHECK(kiln::graph::slicedLength(10, 8, 2, -2) == 3);
  CHECK(kiln::graph::slicedLength(10, 5, 5, 1) == 0);
  CHECK(kiln::graph::slicedLength(10, 20, 30, 1) == 0);
}

TEST_CASE("axis normalization", "[shape]") {
  CHECK(*kiln::graph::normalizeAxis(-1, 4) == 3);
  CHECK(*kiln::graph::normalizeAxis(0, 4) == 0);
  CHECK_FALSE(kiln::graph::normalizeAxis(4, 4));
  CHECK_FALSE(kiln::graph::normalizeAxis(-5, 4));
}
