//===- TileShapes.h - register and cache tile shapes for a target -*- C++ -*-===//
//
// The tile-size decisions of code generation as plain functions of the
// problem shape and the target's vector registers, so they are unit tested
// and printed without building any IR.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_TILESHAPES_H
#define KILN_CODEGEN_TILESHAPES_H

#include <cstdint>

namespace kiln::codegen {

/// What code generation needs to know about the target's SIMD registers.
struct TargetVectorShape {
  unsigned vectorBits = 0;
  unsigned vectorRegisters = 0;
  /// f32 lanes per register.
  int64_t lanes() const { return vectorBits / 32; }
};

/// A register tile of a matrix product: `rows` x `columns` accumulators,
/// columns a whole number of vectors. rows == 0 means no tile fits.
struct RegisterTile {
  int64_t rows = 0;
  int64_t columns = 0;
};

/// The register tile for an M x N output: the columns are 1 to 4 vectors and
/// divide N (so every tile is full and vectorizes without masks), the rows
/// divide M, and accumulators plus operands fit in the registers. Returns
/// rows == 0 when N has no divisor that is a multiple of the vector width
/// (or of half of it).
RegisterTile chooseMatmulRegisterTile(int64_t m, int64_t n, const TargetVectorShape &target);

/// Largest score row a fused attention tile takes (kiln-fuse-attention):
/// longer rows would not stay in L1 between the softmax's passes.
inline constexpr int64_t kMaxAttentionKeys = 4096;

/// The query rows one iteration of a fused attention kernel computes, for
/// `batches` independent heads of `queries` x `keys` scores: a divisor of
/// `queries` whose score tile (rows x keys floats) fits in 64 KB, so that
/// the block's scores and probabilities stay in L2 next to the keys and
/// values (measured on Zen 5: 16 to 128 KB tiles run alike at 1024 keys,
/// 16 KB tiles of 4 rows 1.5x slower), and small enough to leave at least
/// four iterations to share among threads while it stays a whole register
/// tile (8 rows). Returns 0 when no block of at least min(4, queries) rows
/// fits or the rows are longer than kMaxAttentionKeys: the attention is
/// then left unfused.
int64_t chooseAttentionRowBlock(int64_t batches, int64_t queries, int64_t keys);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_TILESHAPES_H
