//===- TileShapesTest.cpp - register tile choices per target ---------------===//

#include "codegen/TileShapes.h"

#include <catch2/catch.hpp>

using kiln::codegen::chooseMatmulRegisterTile;
using kiln::codegen::RegisterTile;
using kiln::codegen::TargetVectorShape;

namespace {
const TargetVectorShape kAvx512{512, 32};
const TargetVectorShape kAvx2{256, 16};
const TargetVectorShape kNeon{128, 32};
} // namespace

TEST_CASE("register tiles divide the problem and fit the registers", "[tiles]") {
  for (const TargetVectorShape &target : {kAvx512, kAvx2, kNeon})
    for (int64_t m : {1, 7, 32, 49, 196, 3136})
      for (int64_t n : {8, 64, 128, 384, 1000, 4096}) {
        RegisterTile tile = chooseMatmulRegisterTile(m, n, target);
        if (tile.rows == 0)
          continue;
        CHECK(m % tile.rows == 0);
        CHECK(n % tile.columns == 0);
        int64_t vectors = (tile.columns + target.lanes() - 1) / target.lanes();
        CHECK(tile.rows * vectors <= int64_t(target.vectorRegisters) - 4);
      }
}

TEST_CASE("register tiles per target", "[tiles]") {
  RegisterTile avx512 = chooseMatmulRegisterTile(32, 384, kAvx512);
  CHECK(avx512.rows == 8);
  CHECK(avx512.columns == 32);
  RegisterTile avx2 = chooseMatmulRegisterTile(32, 384, kAvx2);
  CHECK(avx2.rows == 4);
  CHECK(avx2.columns == 16);
  // A matrix-vector product uses a wide row for independent accumulators.
  RegisterTile gemv = chooseMatmulRegisterTile(1, 1024, kAvx512);
  CHECK(gemv.rows == 1);
  CHECK(gemv.columns == 64);
  // N = 1000 has no multiple of 16 or 32 as divisor: half vectors.
  CHECK(chooseMatmulRegisterTile(1, 1000, kAvx512).columns == 8);
  // No SIMD, or no usable divisor: no tile.
  CHECK(chooseMatmulRegisterTile(8, 64, TargetVectorShape{0, 0}).rows == 0);
  CHECK(chooseMatmulRegisterTile(8, 7, kAvx512).rows == 0);
}

TEST_CASE("attention row blocks keep the score tile in L2", "[tiles]") {
  using kiln::codegen::chooseAttentionRowBlock;
  // BERT-base style heads: 12 heads of 128 queries and keys, one block of
  // 64 KB scores per head.
  CHECK(chooseAttentionRowBlock(12, 128, 128) == 128);
  // A small encoder (4 heads of 32): one block per head, four iterations.
  CHECK(chooseAttentionRowBlock(4, 32, 32) == 32);
  // One head: split down to register-tile blocks for the threads.
  CHECK(chooseAttentionRowBlock(1, 64, 64) == 16);
  // Long rows: 1024 keys take 16 rows, 4096 keys 4.
  CHECK(chooseAttentionRowBlock(4, 1024, 1024) == 16);
  CHECK(chooseAttentionRowBlock(8, 512, 4096) == 4);
  // A prime number of queries (ViT's 197) has no block but itself or 1.
  CHECK(chooseAttentionRowBlock(12, 197, 197) == 0);
  // Longer rows than a tile takes.
  CHECK(chooseAttentionRowBlock(12, 128, 8192) == 0);
  for (int64_t queries : {4, 16, 96, 384, 1000})
    for (int64_t keys : {16, 100, 512, 1024})
      if (int64_t rows = chooseAttentionRowBlock(2, queries, keys)) {
        CHECK(queries % rows == 0);
        CHECK(rows * keys * 4 <= 64 * 1024);
      }
}
