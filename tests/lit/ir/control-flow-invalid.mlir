// RUN: kiln-opt %s -split-input-file -verify-diagnostics
// The control-flow verifiers tie block arguments and yielded values to the
// ops' operands and results.

func.func @if_branch_arity(%c: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{the else branch yields 0 values for 1 results}}
  %r = graph.if %c : tensor<i1> -> tensor<2xf32> {
    graph.yield %x : tensor<2xf32>
  } else {
    graph.yield
  }
  return %r : tensor<2xf32>
}

// -----

func.func @if_branch_type(%c: tensor<i1>, %x: tensor<3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{then branch value #0 has type 'tensor<3xf32>', incompatible with result 'tensor<2xf32>'}}
  %r = graph.if %c : tensor<i1> -> tensor<2xf32> {
    graph.yield %x : tensor<3xf32>
  } else {
    graph.yield %x : tensor<3xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @if_condition_size(%c: tensor<2xi1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{condition must have one element, got 'tensor<2xi1>'}}
  %r = graph.if %c : tensor<2xi1> -> tensor<2xf32> {
    graph.yield %x : tensor<2xf32>
  } else {
    graph.yield %x : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @loop_arguments(%y0: tensor<1xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{body takes 2 arguments; expected the iteration number, the condition and 1 loop-carried values}}
  %y = graph.loop initial(%y0) : (tensor<1xf32>) -> tensor<1xf32> {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>):
    graph.yield %cond, %y0 : tensor<i1>, tensor<1xf32>
  }
  return %y : tensor<1xf32>
}

// -----

func.func @loop_carried_shape(%y0: tensor<1xf32>, %z: tensor<2xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{yielded loop-carried value #0 has type 'tensor<2xf32>', incompatible with body argument 'tensor<1xf32>'}}
  %y = graph.loop initial(%y0) : (tensor<1xf32>) -> tensor<1xf32> {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>, %y: tensor<1xf32>):
    graph.yield %cond, %z : tensor<i1>, tensor<2xf32>
  }
  return %y : tensor<1xf32>
}

// -----

func.func @loop_scan_output(%y0: tensor<1xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{scan output #0 has type 'tensor<4x2xf32>', which does not stack scan elements of type 'tensor<1xf32>'}}
  %ys = graph.loop initial() : () -> tensor<4x2xf32> {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>):
    graph.yield %cond, %y0 : tensor<i1>, tensor<1xf32>
  }
  return %ys : tensor<4x2xf32>
}

// -----

func.func @loop_iteration_type(%y0: tensor<1xf32>) {
  // expected-error @+1 {{body argument #0 (iteration number) must be tensor<i64>, got 'tensor<i32>'}}
  graph.loop initial() : () -> () {
  ^bb0(%i: tensor<i32>, %cond: tensor<i1>):
    graph.yield %cond : tensor<i1>
  }
  return
}

// -----

func.func @scan_slice_type(%s0: tensor<2xf32>, %x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{body argument #1 has type 'tensor<3xf32>', which is not a slice of scan input 'tensor<2x3xf32>' along axis 1}}
  %s = graph.scan initial(%s0) inputs(%x) {scan_input_axes = array<i64: 1>, scan_input_directions = array<i64: 0>, scan_output_axes = array<i64>, scan_output_directions = array<i64>} : (tensor<2xf32>, tensor<2x3xf32>) -> tensor<2xf32> {
  ^bb0(%acc: tensor<2xf32>, %col: tensor<3xf32>):
    graph.yield %acc : tensor<2xf32>
  }
  return %s : tensor<2xf32>
}

// -----

func.func @scan_lengths(%a: tensor<3x2xf32>, %b: tensor<4x2xf32>) {
  // expected-error @+1 {{scan input #1 has length 4 along its scan axis; an earlier one has 3}}
  graph.scan initial() inputs(%a, %b) {scan_input_axes = array<i64: 0, 0>, scan_input_directions = array<i64: 0, 0>, scan_output_axes = array<i64>, scan_output_directions = array<i64>} : (tensor<3x2xf32>, tensor<4x2xf32>) -> () {
  ^bb0(%x: tensor<2xf32>, %y: tensor<2xf32>):
    graph.yield
  }
  return
}

// -----

func.func @scan_direction(%x: tensor<3x2xf32>) {
  // expected-error @+1 {{scan directions must be 0 (forward) or 1 (reverse), got 2}}
  graph.scan initial() inputs(%x) {scan_input_axes = array<i64: 0>, scan_input_directions = array<i64: 2>, scan_output_axes = array<i64>, scan_output_directions = array<i64>} : (tensor<3x2xf32>) -> () {
  ^bb0(%v: tensor<2xf32>):
    graph.yield
  }
  return
}

// -----

func.func @scan_output_axis(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{scan_output_axes[0] = 2 is out of range for scan elements of type 'tensor<2xf32>'}}
  %o = graph.scan initial() inputs(%x) {scan_input_axes = array<i64: 0>, scan_input_directions = array<i64: 0>, scan_output_axes = array<i64: 2>, scan_output_directions = array<i64: 0>} : (tensor<3x2xf32>) -> tensor<3x2xf32> {
  ^bb0(%v: tensor<2xf32>):
    graph.yield %v : tensor<2xf32>
  }
  return %o : tensor<3x2xf32>
}

// -----

func.func @yield_outside(%x: tensor<2xf32>) {
  // expected-error @+1 {{expects parent op to be one of 'graph.if, graph.loop, graph.scan'}}
  graph.yield %x : tensor<2xf32>
}
