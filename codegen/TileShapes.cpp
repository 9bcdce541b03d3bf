//===- TileShapes.cpp - register and cache tile shapes for a target ---------===//

#include "codegen/TileShapes.h"

#include <algorithm>

namespace kiln::codegen {

RegisterTile chooseMatmulRegisterTile(int64_t m, int64_t n, const TargetVectorShape &target) {
  int64_t lanes = target.lanes();
  if (lanes < 2 || m < 1 || n < 1)
    return {};
  // A few registers hold the broadcast row values and the loaded columns.
  int64_t accumulators = std::max<int64_t>(4, int64_t(target.vectorRegisters) - 4);
  // The widest row of 4, 2 or 1 vectors (or a half vector for narrow or odd
  // N) that divides N.
  int64_t columns = 0;
  for (int64_t width : {4 * lanes, 2 * lanes, lanes, lanes / 2})
    if (width >= 2 && n % width == 0) {
      columns = width;
      break;
    }
  if (columns == 0)
    return {};
  int64_t vectorsPerRow = std::max<int64_t>(1, columns / lanes);
  // Rows: the largest divisor of M that keeps the accumulators in registers,
  // at most 8 (more rows give no more reuse of the loaded columns than the
  // FMA units can use).
  int64_t maxRows = std::min<int64_t>(8, accumulators / vectorsPerRow);
  // Prefer two vectors per row over four when M allows enough rows: more
  // rows reuse each loaded column vector.
  if (vectorsPerRow == 4 && m >= 4 && n % (2 * lanes) == 0) {
    columns = 2 * lanes;
    vectorsPerRow = 2;
    maxRows = std::min<int64_t>(8, accumulators / vectorsPerRow);
  }
  int64_t rows = 1;
  for (int64_t candidate = std::min(maxRows, m); candidate >= 1; --candidate)
    if (m % candidate == 0) {
      rows = candidate;
      break;
    }
  return {rows, columns};
}

int64_t chooseAttentionRowBlock(int64_t batches, int64_t queries, int64_t keys) {
  constexpr int64_t kScoreTileBytes = 64 * 1024;
  constexpr int64_t kMinIterations = 4;
  constexpr int64_t kRegisterRows = 8;
  if (batches < 1 || queries < 1 || keys < 1 || keys > kMaxAttentionKeys)
    return 0;
  int64_t maxRows = std::min(queries, kScoreTileBytes / (keys * int64_t(sizeof(float))));
  auto largestDivisorUpTo = [&](int64_t limit) {
    for (int64_t rows = limit; rows >= 1; --rows)
      if (queries % rows == 0)
        return rows;
    return int64_t(1);
  };
  int64_t rows = largestDivisorUpTo(maxRows);
  // Fewer, larger blocks than threads could use: split them while a block
  // keeps a whole register tile of rows.
  while (batches * (queries / rows) < kMinIterations && rows > kRegisterRows) {
    int64_t smaller = largestDivisorUpTo(rows - 1);
    if (smaller < kRegisterRows)
      break;
    rows = smaller;
  }
  return rows >= std::min<int64_t>(4, queries) ? rows : 0;
}

} // namespace kiln::codegen
