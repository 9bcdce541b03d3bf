#!/usr/bin/env python3
"""make_control_flow_models.py CASE OUTDIR: small If / Loop / Scan models for
kiln's control-flow tests. Writes OUTDIR/model.onnx and, for cases with a
reference, OUTDIR/test_data_set_0 (inputs and expected outputs computed here
with numpy) in the layout of ONNX's node tests, for `kiln run --test-data`."""
import os
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore", category=FutureWarning)

# Debian's numpy 1.24 removed aliases that onnx 1.12 still uses.
for alias, real in [("float", float), ("int", int), ("bool", bool), ("object", object),
                    ("complex", complex), ("str", str)]:
    if not hasattr(np, alias):
        setattr(np, alias, real)

import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name, array):
    return helper.make_node("Constant", [], [name], name=name,
                            value=numpy_helper.from_array(np.asarray(array), name))


def model(nodes, inputs, outputs, opset=13, inits=()):
    graph = helper.make_graph(nodes, "test", inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="kiln-tests")
    m.ir_version = 7
    return m


def if_outer_scope():
    """Branches read the outer `x`; then: x + x, else: x * x."""
    then = helper.make_graph([helper.make_node("Add", ["x", "x"], ["t"], name="then_add")],
                             "then", [], [vi("t", F, [2, 3])])
    other = helper.make_graph([helper.make_node("Mul", ["x", "x"], ["e"], name="else_mul")],
                              "else", [], [vi("e", F, [2, 3])])
    node = helper.make_node("If", ["c"], ["y"], name="choose", then_branch=then,
                            else_branch=other)
    x = np.arange(6, dtype=np.float32).reshape(2, 3) - 2
    c = np.array(False)
    return (model([node], [vi("c", B, []), vi("x", F, [2, 3])], [vi("y", F, [2, 3])]),
            [c, x], [x * x])


def if_branch_shapes():
    """Branches yielding 2 and 3 elements: the output's shape depends on the
    condition (a bounded dynamic output). Two data sets, one per branch."""
    then = helper.make_graph([const("a", np.arange(2, dtype=np.float32))], "then", [],
                             [vi("a", F, [2])])
    other = helper.make_graph([const("b", np.arange(3, dtype=np.float32))], "else", [],
                              [vi("b", F, [3])])
    node = helper.make_node("If", ["c"], ["r"], name="shape_if", then_branch=then,
                            else_branch=other)
    m = model([node], [vi("c", B, [])], [vi("r", F, None)])
    return m, [[np.array(True)], [np.array(False)]], [[np.arange(2, dtype=np.float32)],
                                                      [np.arange(3, dtype=np.float32)]]


if_branch_shapes.data_sets = 2


def if_constant_condition():
    """A constant condition: graph-opt inlines the then branch."""
    m, _, _ = if_outer_scope()
    m.graph.node.insert(0, const("c", np.array(True)))
    del m.graph.input[0]
    x = np.ones((2, 3), np.float32)
    return m, [x], [x + x]


def loop_counted():
    """Trip count 4, no condition: a <- 0.5 * a + x (x from the outer scope),
    p, q swap every iteration; scan outputs a and the iteration number."""
    body = helper.make_graph(
        [const("half", np.float32(0.5)),
         helper.make_node("Mul", ["a_in", "half"], ["scaled"], name="scale"),
         helper.make_node("Add", ["scaled", "x"], ["a_out"], name="accumulate"),
         helper.make_node("Identity", ["cond_in"], ["cond_out"], name="keep_going"),
         helper.make_node("Identity", ["q_in"], ["p_out"], name="swap_p"),
         helper.make_node("Identity", ["p_in"], ["q_out"], name="swap_q"),
         helper.make_node("Identity", ["a_out"], ["a_scan"], name="record_a"),
         helper.make_node("Identity", ["i"], ["i_scan"], name="record_i")],
        "body",
        [vi("i", I64, []), vi("cond_in", B, []), vi("a_in", F, [2, 3]),
         vi("p_in", F, [3]), vi("q_in", F, [3])],
        [vi("cond_out", B, []), vi("a_out", F, [2, 3]), vi("p_out", F, [3]),
         vi("q_out", F, [3]), vi("a_scan", F, [2, 3]), vi("i_scan", I64, [])])
    nodes = [const("trip", np.int64(4)),
             helper.make_node("Loop", ["trip", "", "a0", "p0", "q0"],
                              ["a", "p", "q", "as", "is"], name="loop", body=body)]
    m = model(nodes, [vi("x", F, [2, 3]), vi("a0", F, [2, 3]), vi("p0", F, [3]),
                      vi("q0", F, [3])],
              [vi("a", F, [2, 3]), vi("p", F, [3]), vi("q", F, [3]), vi("as", F, None),
               vi("is", I64, None)])
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    a0 = np.full((2, 3), 8, np.float32)
    p0, q0 = np.array([1, 2, 3], np.float32), np.array([4, 5, 6], np.float32)
    a, p, q, scans = a0, p0, q0, []
    for _ in range(4):
        a = 0.5 * a + x
        p, q = q, p
        scans.append(a)
    return m, [x, a0, p0, q0], [a, p, q, np.stack(scans), np.arange(4, dtype=np.int64)]


def loop_until():
    """At most 10 iterations, stopping once s >= limit; an If inside the body
    adds 1 on even iterations and 2 on odd ones."""
    add1 = helper.make_graph([helper.make_node("Add", ["s_in", "one"], ["s1"], name="add_one")],
                             "even", [], [vi("s1", F, [1])])
    add2 = helper.make_graph([helper.make_node("Add", ["s_in", "two"], ["s2"], name="add_two")],
                             "odd", [], [vi("s2", F, [1])])
    body = helper.make_graph(
        [const("one", np.array([1], np.float32)), const("two", np.array([2], np.float32)),
         const("i2", np.int64(2)), const("zero", np.int64(0)),
         helper.make_node("Mod", ["i", "i2"], ["parity"], name="parity"),
         helper.make_node("Equal", ["parity", "zero"], ["even"], name="is_even"),
         helper.make_node("If", ["even"], ["s_out"], name="step", then_branch=add1,
                          else_branch=add2),
         helper.make_node("Less", ["s_out", "limit"], ["below"], name="below"),
         helper.make_node("Squeeze", ["below"], ["cond_out"], name="to_scalar")],
        "body", [vi("i", I64, []), vi("cond_in", B, []), vi("s_in", F, [1])],
        [vi("cond_out", B, []), vi("s_out", F, [1])])
    nodes = [const("max", np.int64(10)), const("start", np.array(True)),
             helper.make_node("Loop", ["max", "start", "s0"], ["s"], name="until", body=body)]
    m = model(nodes, [vi("s0", F, [1]), vi("limit", F, [1])], [vi("s", F, [1])])
    s0, limit = np.array([0.5], np.float32), np.array([6], np.float32)
    s = s0.copy()
    for i in range(10):
        s = s + (1 if i % 2 == 0 else 2)
        if not s[0] < limit[0]:
            break
    return m, [s0, limit], [s]


def loop_nested_uint8():
    """uint8 values (signless after lowering) through nested Loops with scan
    outputs, and a Loop that runs zero times (its scan output is empty)."""
    U8 = TensorProto.UINT8
    inner = helper.make_graph(
        [helper.make_node("Identity", ["c2"], ["c2o"], name="inner_keep_going"),
         helper.make_node("Add", ["u_in", "one8"], ["u_out"], name="increment"),
         helper.make_node("Identity", ["u_out"], ["u_scan"], name="record_u")],
        "inner", [vi("j", I64, []), vi("c2", B, []), vi("u_in", U8, [2])],
        [vi("c2o", B, []), vi("u_out", U8, [2]), vi("u_scan", U8, [2])])
    outer = helper.make_graph(
        [helper.make_node("Identity", ["c1"], ["c1o"], name="keep_going"),
         helper.make_node("Loop", ["three", "", "u0"], ["u1", "us"], name="inner", body=inner),
         helper.make_node("Add", ["u0", "u1"], ["u_next"], name="accumulate"),
         helper.make_node("Identity", ["us"], ["us_scan"], name="record_us")],
        "outer", [vi("i", I64, []), vi("c1", B, []), vi("u0", U8, [2])],
        [vi("c1o", B, []), vi("u_next", U8, [2]), vi("us_scan", U8, [3, 2])])
    nodes = [const("three", np.int64(3)), const("one8", np.array([1], np.uint8)),
             const("two", np.int64(2)), const("zero", np.int64(0)),
             helper.make_node("Loop", ["two", "", "u"], ["uf", "uss"], name="outer", body=outer),
             helper.make_node("Loop", ["zero", "", "u"], ["uz", "uzs"], name="never", body=outer)]
    m = model(nodes, [vi("u", U8, [2])], [vi("uf", U8, [2]), vi("uss", U8, None),
                                          vi("uz", U8, [2]), vi("uzs", U8, None)])
    u = np.array([250, 3], np.uint8)
    uf, uss = u.copy(), []
    for _ in range(2):
        cur, rows = uf.copy(), []
        for _ in range(3):
            cur = (cur + 1).astype(np.uint8)  # wraps around like the model
            rows.append(cur)
        uf = (uf + cur).astype(np.uint8)
        uss.append(np.stack(rows))
    return m, [u], [uf, np.stack(uss), u, np.zeros((0, 3, 2), np.uint8)]


def loop_runtime_trip():
    """A trip count from an input and a scan output with no declared shape."""
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"], name="keep_going"),
         helper.make_node("Identity", ["i"], ["i_scan"], name="record_i")],
        "body", [vi("i", I64, []), vi("cond_in", B, [])],
        [vi("cond_out", B, []), vi("i_scan", I64, [])])
    node = helper.make_node("Loop", ["n", ""], ["is"], name="count", body=body)
    return model([node], [vi("n", I64, [])], [vi("is", I64, None)]), None, None


def bad_body_arity():
    """A Loop body that takes no loop-carried value for the one it is given."""
    body = helper.make_graph([helper.make_node("Identity", ["c"], ["co"], name="keep_going")],
                             "body", [vi("i", I64, []), vi("c", B, [])], [vi("co", B, [])])
    node = helper.make_node("Loop", ["n", "", "y"], ["yo"], name="bad_loop", body=body)
    return model([node], [vi("n", I64, []), vi("y", F, [2])], [vi("yo", F, [2])]), None, None


def bad_branch_ranks():
    """If branches whose outputs have different ranks."""
    then = helper.make_graph([const("a", np.zeros((2,), np.float32))], "then", [],
                             [vi("a", F, [2])])
    other = helper.make_graph([const("b", np.zeros((2, 2), np.float32))], "else", [],
                              [vi("b", F, [2, 2])])
    node = helper.make_node("If", ["c"], ["r"], name="bad_if", then_branch=then,
                            else_branch=other)
    return model([node], [vi("c", B, [])], [vi("r", F, None)]), None, None


def bad_outer_name():
    """A branch reading a name no enclosing graph defines."""
    branch = helper.make_graph([helper.make_node("Neg", ["ghost"], ["a"], name="neg_ghost")],
                               "branch", [], [vi("a", F, [2])])
    node = helper.make_node("If", ["c"], ["r"], name="ghost_if", then_branch=branch,
                            else_branch=branch)
    return model([node], [vi("c", B, [])], [vi("r", F, None)]), None, None


def bad_growing_carried():
    """A loop-carried value that doubles in length every iteration."""
    body = helper.make_graph(
        [helper.make_node("Identity", ["c"], ["co"], name="keep_going"),
         helper.make_node("Concat", ["y", "y"], ["yy"], name="grow", axis=0)],
        "body", [vi("i", I64, []), vi("c", B, []), vi("y", F, None)],
        [vi("co", B, []), vi("yy", F, None)])
    nodes = [const("n", np.int64(3)),
             helper.make_node("Loop", ["n", "", "y0"], ["yo"], name="grow_loop", body=body)]
    return model(nodes, [vi("y0", F, [2])], [vi("yo", F, None)]), None, None


def scan_axes():
    """Opset 11 Scan: two states, one input scanned along axis 1 in reverse,
    one along axis 0; scan outputs stacked on axis 1, one of them reversed."""
    body = helper.make_graph(
        [helper.make_node("Add", ["acc_in", "col"], ["acc_out"], name="add_col"),
         helper.make_node("Mul", ["prod_in", "w"], ["prod_out"], name="mul_w"),
         helper.make_node("Identity", ["acc_out"], ["acc_scan"], name="record_acc"),
         helper.make_node("Identity", ["prod_out"], ["prod_scan"], name="record_prod")],
        "body", [vi("acc_in", F, [2]), vi("prod_in", F, [1]), vi("col", F, [2]),
                 vi("w", F, [1])],
        [vi("acc_out", F, [2]), vi("prod_out", F, [1]), vi("acc_scan", F, [2]),
         vi("prod_scan", F, [1])])
    node = helper.make_node("Scan", ["acc0", "prod0", "x", "ws"],
                            ["acc", "prod", "accs", "prods"], name="scan", body=body,
                            num_scan_inputs=2, scan_input_axes=[1, 0],
                            scan_input_directions=[1, 0], scan_output_axes=[1, -1],
                            scan_output_directions=[0, 1])
    m = model([node], [vi("acc0", F, [2]), vi("prod0", F, [1]), vi("x", F, [2, 3]),
                       vi("ws", F, [3, 1])],
              [vi("acc", F, [2]), vi("prod", F, [1]), vi("accs", F, None),
               vi("prods", F, None)], opset=11)
    acc0, prod0 = np.array([1, -1], np.float32), np.array([1], np.float32)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    ws = np.array([[2], [3], [4]], np.float32)
    acc, prod, accs, prods = acc0, prod0, [], []
    for t in range(3):
        acc = acc + x[:, 2 - t]
        prod = prod * ws[t]
        accs.append(acc)
        prods.append(prod)
    accs = np.stack(accs, axis=1)                # 2 x 3
    prods = np.stack(prods[::-1], axis=1)        # 1 x 3, reversed
    return m, [acc0, prod0, x, ws], [acc, prod, accs, prods]


def scan8_batch():
    """Opset 8 Scan with a batch of 2: a running sum per batch entry."""
    body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "v"], ["s_out"], name="add"),
         helper.make_node("Identity", ["s_out"], ["s_scan"], name="record")],
        "body", [vi("s_in", F, [2]), vi("v", F, [2])],
        [vi("s_out", F, [2]), vi("s_scan", F, [2])])
    node = helper.make_node("Scan", ["", "s0", "x"], ["s", "ss"], name="scan8", body=body,
                            num_scan_inputs=1, directions=[1])
    m = model([node], [vi("s0", F, [2, 2]), vi("x", F, [2, 3, 2])],
              [vi("s", F, [2, 2]), vi("ss", F, [2, 3, 2])], opset=8)
    s0 = np.array([[0, 1], [10, 20]], np.float32)
    x = np.arange(12, dtype=np.float32).reshape(2, 3, 2)
    # Reversed input: step t reads x[:, 2 - t].
    ss = np.stack([s0 + x[:, 2:].sum(1), s0 + x[:, 1:].sum(1), s0 + x.sum(1)], axis=1)
    return m, [s0, x], [ss[:, -1], ss]


def torch_loop_if():
    """A TorchScript module exported by PyTorch: a recurrence over the rows of
    x (Loop with a constant trip count whose body yields an outer constant
    as its condition) followed by a data-dependent branch (If)."""
    import io
    import torch

    class Recurrence(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(4, 4)

        def forward(self, x):
            h = torch.zeros(1, 4)
            for i in range(x.size(0)):
                h = torch.tanh(self.lin(x[i]).unsqueeze(0) + h)
            if h.sum() > 0:
                h = h * 2
            else:
                h = h - 1
            return h

    torch.manual_seed(0)
    module = torch.jit.script(Recurrence())
    x = torch.randn(5, 4)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (x,), buffer, input_names=["x"], output_names=["h"],
                          opset_version=13)
    m = onnx.load_from_string(buffer.getvalue())
    assert {n.op_type for n in m.graph.node} >= {"Loop", "If"}, "export changed"
    return m, [x.numpy()], [module(x).detach().numpy()]


CASES = {f.__name__: f for f in [torch_loop_if, if_outer_scope, if_branch_shapes,
                                 if_constant_condition, loop_counted,
                                 loop_until, loop_nested_uint8, loop_runtime_trip, scan_axes, scan8_batch,
                                 bad_body_arity, bad_branch_ranks, bad_outer_name,
                                 bad_growing_carried]}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in CASES:
        sys.exit(f"usage: make_control_flow_models.py {{{','.join(CASES)}}} OUTDIR")
    case = CASES[sys.argv[1]]
    m, inputs, outputs = case()
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    onnx.save(m, os.path.join(out, "model.onnx"))
    if inputs is None:
        return
    data_sets = getattr(case, "data_sets", 0)
    if not data_sets:
        inputs, outputs = [inputs], [outputs]
    graph_inputs = [i.name for i in m.graph.input]
    for index, (set_inputs, set_outputs) in enumerate(zip(inputs, outputs)):
        data = os.path.join(out, f"test_data_set_{index}")
        os.makedirs(data, exist_ok=True)
        for k, (name, array) in enumerate(zip(graph_inputs, set_inputs)):
            tensor = numpy_helper.from_array(np.asarray(array), name)
            with open(os.path.join(data, f"input_{k}.pb"), "wb") as f:
                f.write(tensor.SerializeToString())
        for k, (info, array) in enumerate(zip(m.graph.output, set_outputs)):
            tensor = numpy_helper.from_array(np.asarray(array), info.name)
            with open(os.path.join(data, f"output_{k}.pb"), "wb") as f:
                f.write(tensor.SerializeToString())


if __name__ == "__main__":
    main()
