// RUN: kiln-opt %s --kiln-approximate-math | FileCheck %s

// f32 exp, tanh and erf become arithmetic (a polynomial with fma), scalar or
// vector; f64 and trigonometric functions are left for the library.
// CHECK-LABEL: func.func @approximated
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK: math.fma
// CHECK: return
func.func @approximated(%x: f32, %v: vector<16xf32>) -> (f32, f32, vector<16xf32>) {
  %e = math.exp %x : f32
  %t = math.tanh %x : f32
  %r = math.erf %v : vector<16xf32>
  return %e, %t, %r : f32, f32, vector<16xf32>
}

// CHECK-LABEL: func.func @kept
// CHECK: math.exp %{{.*}} : f64
// CHECK: math.sin %{{.*}} : f32
func.func @kept(%x: f64, %y: f32) -> (f64, f32) {
  %e = math.exp %x : f64
  %s = math.sin %y : f32
  return %e, %s : f64, f32
}
