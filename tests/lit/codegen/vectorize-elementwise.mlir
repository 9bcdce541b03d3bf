// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-vectorize-elementwise{vector-bits=512 vector-registers=32},canonicalize,cse))' | FileCheck %s
// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-vectorize-elementwise{vector-bits=0}))' | FileCheck %s --check-prefix=SCALAR

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// A Clip over NHWC activations: one tile per pixel, its 32 channels two
// AVX-512 vectors (one vector<32xf32> op before LLVM splits it).
// CHECK-LABEL: func.func @clip
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (4, 4)
// CHECK: %[[X:.*]] = vector.transfer_read {{.*}} : tensor<32xf32>, vector<32xf32>
// CHECK: %[[LOW:.*]] = arith.maximumf %[[X]], %{{.*}} : vector<32xf32>
// CHECK: %[[HIGH:.*]] = arith.minimumf %[[LOW]], %{{.*}} : vector<32xf32>
// CHECK: vector.transfer_write %[[HIGH]]
// CHECK-NOT: linalg.generic
// SCALAR-LABEL: func.func @clip
// SCALAR: linalg.generic
func.func @clip(%x: tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %empty = tensor.empty() : tensor<1x4x4x32xf32>
  %y = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x4x4x32xf32>) outs(%empty : tensor<1x4x4x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %low = arith.maximumf %in, %zero : f32
    %high = arith.minimumf %low, %six : f32
    linalg.yield %high : f32
  } -> tensor<1x4x4x32xf32>
  return %y : tensor<1x4x4x32xf32>
}

// A per-channel operand (broadcast over pixels) is read as one vector per
// tile; rows longer than four vectors are split into equal segments (1000
// = 20 x 50).
// CHECK-LABEL: func.func @bias_rows
// CHECK: scf.forall (%[[ROW:.*]], %[[COL:.*]]) = (0, 0) to (2, 1000) step (1, 50)
// CHECK: %[[BIAS:.*]] = tensor.extract_slice %arg1[%[[COL]]] [50] [1] : tensor<1000xf32> to tensor<50xf32>
// CHECK: vector.transfer_read %[[BIAS]]{{.*}} : tensor<50xf32>, vector<50xf32>
// CHECK: arith.addf {{.*}} : vector<50xf32>
func.func @bias_rows(%x: tensor<2x1000xf32>, %b: tensor<1000xf32>) -> tensor<2x1000xf32> {
  %empty = tensor.empty() : tensor<2x1000xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<2x1000xf32>, tensor<1000xf32>) outs(%empty : tensor<2x1000xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<2x1000xf32>
  return %y : tensor<2x1000xf32>
}

// A convolution's patch copy reads a contiguous run (ow * 16 + j) of each
// input row: one 24-element copy per tile, no scalar loop.
// CHECK-LABEL: func.func @patches
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (7, 7, 3)
// CHECK: tensor.extract_slice %arg0[0, %{{.*}}, %{{.*}}] [1, 1, 24] [1, 1, 1]
// CHECK-NOT: linalg.generic
func.func @patches(%x: tensor<1x15x120xf32>) -> tensor<1x7x7x3x24xf32> {
  %empty = tensor.empty() : tensor<1x7x7x3x24xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 2 + d3, d2 * 16 + d4)>,
                                        affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x15x120xf32>) outs(%empty : tensor<1x7x7x3x24xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x7x7x3x24xf32>
  return %y : tensor<1x7x7x3x24xf32>
}

// Left to the scalar path: a transpose (its input is read across the
// innermost loop), a reduction, and booleans (stored a byte each).
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: scf.forall
// CHECK-COUNT-3: linalg.generic
func.func @left_alone(%x: tensor<32x16xf32>, %m: tensor<16x32xi1>) -> (tensor<16x32xf32>, tensor<32xf32>, tensor<16x32xi1>) {
  %e0 = tensor.empty() : tensor<16x32xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<32x16xf32>) outs(%e0 : tensor<16x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<16x32xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e1 : tensor<32xf32>) -> tensor<32xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<32x16xf32>) outs(%init : tensor<32xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<32xf32>
  %e2 = tensor.empty() : tensor<16x32xi1>
  %n = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<16x32xi1>) outs(%e2 : tensor<16x32xi1>) {
  ^bb0(%in: i1, %out: i1):
    %true = arith.constant true
    %not = arith.xori %in, %true : i1
    linalg.yield %not : i1
  } -> tensor<16x32xi1>
  return %t, %r, %n : tensor<16x32xf32>, tensor<32xf32>, tensor<16x32xi1>
}
