// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// A data-dependent dimension cannot be declared static.
func.func @non_zero_static(%x: tensor<3x4xf32>) -> tensor<2x5xi64> {
  // expected-error @+2 {{inferred type(s) 'tensor<2x?xi64>' are incompatible with return type(s) of operation 'tensor<2x5xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.non_zero %x : (tensor<3x4xf32>) -> tensor<2x5xi64>
  return %0 : tensor<2x5xi64>
}

// -----

func.func @compress_2d_condition(%x: tensor<3x2xf32>, %c: tensor<2x1xi1>) -> tensor<?xf32> {
  // expected-error @+1 {{expects a 1-D condition, got 'tensor<2x1xi1>'}}
  %0 = graph.compress %x, %c : (tensor<3x2xf32>, tensor<2x1xi1>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @unique_axis(%x: tensor<3x2xf32>) -> (tensor<3x?xf32>, tensor<?xi64>, tensor<2xi64>, tensor<?xi64>) {
  // expected-error @+2 {{unique axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %i, %inv, %n = graph.unique %x {axis = 2 : i64} : (tensor<3x2xf32>) -> (tensor<3x?xf32>, tensor<?xi64>, tensor<2xi64>, tensor<?xi64>)
  return %y, %i, %inv, %n : tensor<3x?xf32>, tensor<?xi64>, tensor<2xi64>, tensor<?xi64>
}

// -----

func.func @nms_boxes(%b: tensor<1x6x5xf32>, %s: tensor<1x1x6xf32>, %m: tensor<1xi64>, %t: tensor<1xf32>) -> tensor<?x3xi64> {
  // expected-error @+1 {{expects boxes of shape batches x boxes x 4, got 'tensor<1x6x5xf32>'}}
  %0 = graph.non_max_suppression %b, %s, %m, %t, %t : (tensor<1x6x5xf32>, tensor<1x1x6xf32>, tensor<1xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

func.func @nms_disagree(%b: tensor<1x6x4xf32>, %s: tensor<1x1x5xf32>, %m: tensor<1xi64>, %t: tensor<1xf32>) -> tensor<?x3xi64> {
  // expected-error @+1 {{disagree on batches or boxes}}
  %0 = graph.non_max_suppression %b, %s, %m, %t, %t : (tensor<1x6x4xf32>, tensor<1x1x5xf32>, tensor<1xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

func.func @nms_threshold(%b: tensor<1x6x4xf32>, %s: tensor<1x1x6xf32>, %m: tensor<1xi64>, %t: tensor<2xf32>) -> tensor<?x3xi64> {
  // expected-error @+1 {{expects one-element thresholds and maximum, got 'tensor<2xf32>'}}
  %0 = graph.non_max_suppression %b, %s, %m, %t, %t : (tensor<1x6x4xf32>, tensor<1x1x6xf32>, tensor<1xi64>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}
