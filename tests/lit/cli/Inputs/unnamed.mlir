// An op without a node's name, for check_locations.py's own test.
func.func @main() -> f32 {
  %0 = arith.constant 1.0 : f32 loc(#loc1)
  return %0 : f32 loc(#loc2)
}
#loc = loc("model.onnx":0:0)
#loc1 = loc(unknown)
#loc2 = loc("output"(#loc))
