"""encoder_u8.onnx: the encoder with the image preprocessing fused in front of it.

The job receives frames as RGB8 pixels (height x width x 3 bytes, HWC). encoder.onnx wants float32
images in the manifest's layout, channel order and value range; encoder_u8.onnx takes the bytes as
they are, a uint8 tensor [N, H, W, 3] (RGB, NHWC, dynamic N), and does

    Transpose to NCHW -> Cast float32 -> Mul (max - min) / 255 -> Add min -> encoder.onnx's graph

(every exported encoder takes RGB, NCHW: manifest.validate_model_dir holds the image spec to that)

so the job only copies bytes. When the encoder starts with a plain convolution (group 1, dilation 1, explicit
pads, weights stored in the graph: every encoder paffmem_pk exports), the transpose is not done at all: the bytes
are viewed as one channel of H rows by W*3 columns (a Reshape, no copy) and that convolution is rewritten to read
them in place, kernel KH x (KW*3) with column stride and pads times 3, its weights laid out as R, G, B per tap:

    Reshape [N, 1, H, W*3] -> Cast float32 -> Sub c -> the rewritten convolution -> the rest of encoder.onnx

The value range's scale is folded into that convolution's weights too: byte * s + min is s * (byte - c) with
c = -min / s (127.5 for [-1, 1]), so the convolution gets weights W * s and reads byte - c, which is 0 exactly
where the normalized image is 0; its zero padding therefore still pads the normalized image, and the image takes
one pass over its floats (Sub) instead of two (Mul, Add).

It computes the same sums (the zero padding lands on whole pixels, as before) in another order, so z agrees with
encoder.onnx on normalized images to float rounding (about 3e-7 for the shipped model), and saves about 8 µs of
CPU per 96x96 frame in ONNX Runtime with two threads at batch 64 (10-13 µs with one; the transpose of 27,648 bytes
per frame, and a first convolution that runs faster on one wide channel; BENCHMARKS.md, section 10). Folding the
scale saves about 6 µs more (the Mul's pass over 110 KB of floats per frame; BENCHMARKS.md, section 10). It is built from an exported encoder.onnx with onnx.compose (the
PyTorch model is not needed) and recorded in manifest.json as ``models.encoder_u8`` (format_version
stays 1: the entry is optional and readers that do not know it ignore it).

    /usr/bin/python3 -m paffmem_pk.preprocess ../models/demo-pk    # idempotent
"""
import argparse
import json
import os
import sys

import numpy as np

from .manifest import ENCODER_U8_FILE as FILE
from .manifest import ENCODER_U8_INPUT as INPUT
from .manifest import ENCODER_U8_KEY as KEY
from .manifest import MANIFEST, sha256_file, u8_input_tensor, validate_model_dir, write_manifest

_FLOAT_IMAGE = "u8pre_image"  # the front end's output, fed to the encoder's image input
_PREFIX = "u8pre_"


def _front_end(image: dict, opset_import, ir_version):
    """uint8 [batch, H, W, 3] RGB -> float32 [batch, 3, H, W] RGB in the manifest's value range."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    h, w = int(image["height"]), int(image["width"])
    if int(image["channels"]) != 3:
        raise ValueError(f"image.channels must be 3, was {image['channels']}")
    order = str(image["channel_order"]).upper()
    layout = str(image["layout"]).upper()
    if (order, layout) != ("RGB", "NCHW"):
        raise ValueError(f"unsupported image spec: channel_order {order}, layout {layout} (the contract: RGB, NCHW)")
    lo, hi = (np.float32(v) for v in image["value_range"])
    if not hi > lo:
        raise ValueError(f"image.value_range must have max > min, was {image['value_range']}")
    # the same float32 arithmetic as the job's ImageTensors: byte * ((max - min) / 255) + min
    scale = np.float32((hi - lo) / np.float32(255.0))
    inits = [numpy_helper.from_array(np.array(scale, dtype=np.float32), _PREFIX + "scale"),
             numpy_helper.from_array(np.array(lo, dtype=np.float32), _PREFIX + "min")]
    nodes = [helper.make_node("Transpose", [INPUT], [_PREFIX + "nchw"], perm=[0, 3, 1, 2]),
             helper.make_node("Cast", [_PREFIX + "nchw"], [_PREFIX + "f32"], to=TensorProto.FLOAT),
             helper.make_node("Mul", [_PREFIX + "f32", _PREFIX + "scale"], [_PREFIX + "scaled"]),
             helper.make_node("Add", [_PREFIX + "scaled", _PREFIX + "min"], [_FLOAT_IMAGE])]
    out_shape = ["batch", 3, h, w]
    graph = helper.make_graph(
        nodes, "u8_front_end",
        [helper.make_tensor_value_info(INPUT, TensorProto.UINT8, ["batch", h, w, 3])],
        [helper.make_tensor_value_info(_FLOAT_IMAGE, TensorProto.FLOAT, out_shape)],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=list(opset_import))
    model.ir_version = ir_version
    onnx.checker.check_model(model)
    return model


def build_encoder_u8(encoder_path: str, image: dict):
    """The u8 network (an onnx.ModelProto, checked) from encoder.onnx and the manifest's ``image`` spec."""
    import onnx
    from onnx import compose, helper

    enc = onnx.load(encoder_path)
    if len(enc.graph.input) != 1 or len(enc.graph.output) != 1:
        raise ValueError(f"{encoder_path}: the encoder must have one input and one output")
    names = {n for node in enc.graph.node for n in list(node.input) + list(node.output)}
    names |= {i.name for i in enc.graph.initializer}
    if any(n.startswith(_PREFIX) or n == INPUT for n in names):
        raise ValueError(f"{encoder_path}: tensor names clash with the front end's ({_PREFIX}*, {INPUT})")
    pre = _front_end(image, enc.opset_import, enc.ir_version)
    merged = compose.merge_models(
        pre, enc, io_map=[(_FLOAT_IMAGE, enc.graph.input[0].name)],
        doc_string="encoder.onnx behind a uint8 NHWC RGB front end (paffmem_pk.preprocess)",
        producer_name="paffmem_pk.preprocess", producer_version=enc.producer_version or "1",
        domain=enc.domain, model_version=enc.model_version or 1)
    # onnx 1.12's merge_models repeats each opset import (one per model) and loses the graph name
    # (a loop variable shadows it): set both as they should be
    opsets = {}
    for op in merged.opset_import:
        opsets.setdefault(op.domain, op.version)
    del merged.opset_import[:]
    merged.opset_import.extend(helper.make_opsetid(d, v) for d, v in opsets.items())
    merged.graph.name = (enc.graph.name or "encoder") + "_u8"
    if _read_bytes_in_place(merged, int(image["height"]), int(image["width"])):
        _fold_value_range(merged, image)
    onnx.checker.check_model(merged)
    return merged


def _first_conv(graph):
    """The encoder's first node if it is a convolution the view can feed (see the module's doc), with its weight
    initializer and attributes; else (None, None, None): the front end then keeps its transpose."""
    from onnx import helper, numpy_helper

    users = [n for n in graph.node if _FLOAT_IMAGE in n.input]
    if len(users) != 1 or users[0].op_type != "Conv" or list(users[0].input).index(_FLOAT_IMAGE) != 0:
        return None, None, None
    conv = users[0]
    a = {x.name: helper.get_attribute_value(x) for x in conv.attribute}
    auto_pad = a.get("auto_pad", b"NOTSET")
    if (a.get("group", 1) != 1 or list(a.get("dilations", [1, 1])) != [1, 1]
            or (auto_pad.decode() if isinstance(auto_pad, bytes) else auto_pad) != "NOTSET"
            or len(a.get("strides", [1, 1])) != 2 or len(a.get("pads", [0, 0, 0, 0])) != 4):
        return None, None, None
    weights = [i for i in graph.initializer if i.name == conv.input[1]]
    if len(weights) != 1 or sum(conv.input[1] in n.input for n in graph.node) != 1:
        return None, None, None  # weights computed in the graph, or shared with another node
    w = numpy_helper.to_array(weights[0])
    if w.ndim != 4 or w.shape[1] != 3 or w.dtype != np.float32:
        return None, None, None
    return conv, weights[0], a


def _read_bytes_in_place(model, h: int, w: int):
    """Drops the front end's transpose where the encoder's first convolution allows (the module's doc): the bytes,
    [N, H, W, 3], are read as [N, 1, H, W*3] and the convolution's kernel, strides and pads widened by 3 on the
    column axis, its weights laid out per tap as R, G, B. Changes ``model`` in place; returns whether it did."""
    from onnx import helper, numpy_helper

    g = model.graph
    conv, weight, a = _first_conv(g)
    if conv is None:
        return False
    transpose = next(n for n in g.node if n.op_type == "Transpose" and list(n.input) == [INPUT])
    wt = numpy_helper.to_array(weight)
    out_ch, c, kh, kw = wt.shape
    sh, sw = a.get("strides", [1, 1])
    pt, pl, pb, pr = a.get("pads", [0, 0, 0, 0])
    # W[o, c, i, j] -> W'[o, 0, i, c * j + channel]: the view's column of pixel x, channel k is 3 * x + k
    wide = np.ascontiguousarray(wt.transpose(0, 2, 3, 1).reshape(out_ch, 1, kh, kw * c))
    weight.CopyFrom(numpy_helper.from_array(wide, weight.name))
    del conv.attribute[:]
    conv.attribute.extend([helper.make_attribute("dilations", [1, 1]), helper.make_attribute("group", 1),
                           helper.make_attribute("kernel_shape", [kh, kw * c]),
                           helper.make_attribute("pads", [pt, pl * c, pb, pr * c]),
                           helper.make_attribute("strides", [sh, sw * c])])
    shape = _PREFIX + "view_shape"
    g.initializer.append(numpy_helper.from_array(np.array([0, 1, h, w * c], dtype=np.int64), shape))
    view = helper.make_node("Reshape", [INPUT, shape], [_PREFIX + "view"], name=_PREFIX + "view")
    for n in g.node:  # the cast read the transpose's output
        for k, name in enumerate(n.input):
            if name == transpose.output[0]:
                n.input[k] = view.output[0]
    at = list(g.node).index(transpose)
    g.node.remove(transpose)
    g.node.insert(at, view)
    return True


def _fold_value_range(model, image: dict):
    """After _read_bytes_in_place: the front end's Mul and Add become one Sub of c = -min / s, the convolution's
    weights are multiplied by s (the module's doc). Changes ``model`` in place."""
    from onnx import helper, numpy_helper

    g = model.graph
    mul = next(n for n in g.node if n.op_type == "Mul" and _PREFIX + "scale" in n.input)
    add = next(n for n in g.node if n.op_type == "Add" and _PREFIX + "min" in n.input)
    conv = next(n for n in g.node if n.op_type == "Conv" and _FLOAT_IMAGE in n.input)
    inits = {i.name: i for i in g.initializer}
    scale = numpy_helper.to_array(inits[_PREFIX + "scale"])  # the Mul's own factor, as _front_end made it
    lo, hi = (float(v) for v in image["value_range"])
    offset = np.float32(-lo * 255.0 / (hi - lo))  # 127.5 exactly for [-1, 1]: byte - 127.5 is exact in float32
    weight = inits[conv.input[1]]
    w = numpy_helper.to_array(weight)
    weight.CopyFrom(numpy_helper.from_array((w * scale).astype(np.float32), weight.name))
    for name in (_PREFIX + "scale", _PREFIX + "min"):
        g.initializer.remove(inits[name])
    g.initializer.append(numpy_helper.from_array(np.array(offset, dtype=np.float32), _PREFIX + "offset"))
    sub = helper.make_node("Sub", [mul.input[0], _PREFIX + "offset"], [add.output[0]], name=_PREFIX + "centre")
    at = list(g.node).index(mul)
    g.node.remove(mul)
    g.node.remove(add)
    g.node.insert(at, sub)


def add_encoder_u8(model_dir: str) -> dict:
    """Writes model_dir/encoder_u8.onnx from model_dir/encoder.onnx and records it in manifest.json
    (``models.encoder_u8``: file, sha256, inputs, outputs, derived_from). Idempotent: the file is rebuilt
    from the current encoder.onnx, so rerunning gives the same bytes and the same manifest.
    Returns the manifest entry."""
    import onnx

    mpath = os.path.join(model_dir, MANIFEST)
    with open(mpath) as f:
        manifest = json.load(f)
    enc_entry = manifest["models"]["encoder"]
    enc_path = os.path.join(model_dir, enc_entry["file"])
    enc_sha = sha256_file(enc_path)
    if enc_sha != enc_entry["sha256"]:
        raise ValueError(f"sha256 mismatch for {enc_entry['file']}: not building {FILE} from it")
    model = build_encoder_u8(enc_path, manifest["image"])
    path = os.path.join(model_dir, FILE)
    tmp = path + ".tmp"
    onnx.save(model, tmp)
    os.replace(tmp, path)
    entry = {
        "file": FILE,
        "sha256": sha256_file(path),
        "inputs": [u8_input_tensor(manifest["image"])],
        "outputs": [dict(t) for t in enc_entry["outputs"]],
        "derived_from": {"model": "encoder", "file": enc_entry["file"], "sha256": enc_sha},
    }
    manifest["models"][KEY] = entry
    write_manifest(model_dir, manifest)
    return entry


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Add encoder_u8.onnx (uint8 NHWC RGB input, preprocessing inside the graph) to a model "
                    "directory and record it in manifest.json. Idempotent.")
    ap.add_argument("model_dir", nargs="+", help="exported model directory (with manifest.json and encoder.onnx)")
    args = ap.parse_args(argv)
    for d in args.model_dir:
        entry = add_encoder_u8(d)
        validate_model_dir(d)
        print(json.dumps({"dir": d, "file": entry["file"], "sha256": entry["sha256"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
