"""The uint8 front ends of encoder_u8.onnx alone, for FrontEndLoop.java: each reads N x 96 x 96 x 3 bytes as
[N, 1, 96, 288] and ends where the first convolution would start.

    /usr/bin/python3 benchmarks/scripts/front_end_graphs.py OUT_DIR

writes OUT_DIR/front_cast.onnx (Cast only: the floor), front_cast_sub.onnx (Cast, Sub 127.5: the shipped front end,
the scale folded into the convolution) and front_cast_mul_add.onnx (Cast, Mul 2/255, Add -1: the front end before).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def front_end(name, ops, out_dir):
    inits = [numpy_helper.from_array(np.array(2 / 255, np.float32), "s"),
             numpy_helper.from_array(np.array(-1, np.float32), "m"),
             numpy_helper.from_array(np.array(127.5, np.float32), "c"),
             numpy_helper.from_array(np.array([0, 1, 96, 288], np.int64), "shape")]
    used = {"shape"} | {arg for _, arg in ops}
    nodes = [helper.make_node("Reshape", ["x", "shape"], ["v"]),
             helper.make_node("Cast", ["v"], ["f"], to=TensorProto.FLOAT)]
    last = "f"
    for i, (op, arg) in enumerate(ops):
        nodes.append(helper.make_node(op, [last, arg], [f"t{i}"]))
        last = f"t{i}"
    nodes.append(helper.make_node("Identity", [last], ["y"]))
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.UINT8, ["n", 96, 96, 3])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 1, 96, 288])],
                              initializer=[i for i in inits if i.name in used])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, f"front_{name}.onnx"))


if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    front_end("cast", [], out)
    front_end("cast_sub", [("Sub", "c")], out)
    front_end("cast_mul_add", [("Mul", "s"), ("Add", "m")], out)
    print("wrote", out)
