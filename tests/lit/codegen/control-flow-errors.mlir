// RUN: kiln-opt %s --kiln-lower-graph-to-linalg -split-input-file -verify-diagnostics

// The scan output's length is the run-time trip count.
func.func @runtime_length(%m: tensor<i64>) -> tensor<?xi64> {
  // expected-error @+2 {{scan output 0 has type 'tensor<?xi64>'; its length must be known at compile time (a constant trip count, or the shape the model declares for the output)}}
  // expected-error @+1 {{failed to legalize operation 'graph.loop'}}
  %is = graph.loop trip_count(%m : tensor<i64>) initial() : () -> tensor<?xi64> {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>):
    graph.yield %cond, %i : tensor<i1>, tensor<i64>
  }
  return %is : tensor<?xi64>
}
