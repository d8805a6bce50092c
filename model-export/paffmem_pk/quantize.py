"""Static int8 QDQ quantization of the generator and the encoder (ONNX Runtime's CPU int8 kernels).

(Over 400 lines: the graph rewrites, calibration, QDQ insertion and the manifest entry written by hand with the
`onnx` package, because ONNX Runtime's quantization tool is not available here; they are one procedure.)

Debian has no onnxruntime for Python, so ONNX Runtime's own quantization tool is not available;
this builds the same kind of graph with the onnx package:

* weights of every Conv / ConvTranspose / Gemm: int8, symmetric, per output channel
  (QuantizeLinear done here, a DequantizeLinear in the graph); biases int32 at scale
  s_input * s_weight (ONNX Runtime's convention, so its fusion can take them as they are);
* activations entering those ops, and their outputs: uint8, asymmetric, per tensor, ranges
  calibrated on training faces (`--calibration` faces, their E(x), G(E(x), y') for random targets y'):
  QuantizeLinear -> DequantizeLinear pairs. A ReLU after a quantized op is replaced by the pair
  (uint8 with zero point 0 clamps at 0, which is the ReLU), as ONNX Runtime's tool does;
  Reshape / Flatten between two quantized ops get the same scale on both sides, so ONNX Runtime
  drops them to uint8 data movement;
* the graph's inputs and outputs stay float32 with the same names and shapes: the manifest's
  tensor contract is unchanged, the job loads either file.

ONNX Runtime (level ALL_OPT, what the job uses) fuses DQ -> op -> Q into QLinearConv,
QLinearConvTranspose (contrib) and QGemm; what it fused is listed by the Java benchmark
(`./paffmem bench quantized`).

The file is recorded in manifest.json as an optional variant of its network
(``models.generator.quantized``: file, sha256, precision, method); the job runs it with
``--model-precision int8``. Regenerate (idempotent for the same calibration faces):

    cd model-export && /usr/bin/python3 -m paffmem_pk.quantize ../models/demo-pk \\
        --data ../../main/data/synth-affectnet-v2 --calibration 300
"""
import argparse
import json
import os
import sys

import numpy as np

from .manifest import MANIFEST, check_file, sha256_file, write_manifest

QUANTIZED_OPS = ("Conv", "ConvTranspose", "Gemm")
NETWORKS = ("generator", "encoder")
PRECISION = "int8"
# Ops with fewer output channels stay float: at width 0.125 G's last two layers (4 and 3 channels at 96 x 96)
# ran slower as QLinearConv than as float Conv (BENCHMARKS.md, quantization).
MIN_CHANNELS = 16


def suffix_file(file: str) -> str:
    base, ext = os.path.splitext(file)
    return f"{base}_int8{ext}"


# ---------------------------------------------------------------- calibration (PyTorch, hooks)

def load_pk(model_dir: str, manifest: dict):
    """The PyTorch E, G, D_em of an exported model directory (weights from its ONNX files)."""
    from .models import PK, PKConfig
    from .onnx_init import load_exported_weights

    pk = PK(PKConfig.from_dict(manifest["architecture"]["config"]))
    load_exported_weights(pk, model_dir)
    return pk.eval()


def calibration_faces(data_dir: str, n: int, seed: int, cache_dir=None) -> np.ndarray:
    """n training faces (N x 96 x 96 x 3 uint8), a seeded random subset of training.csv."""
    from .data import load_split

    split = load_split(os.path.join(data_dir, "training.csv"), max_samples=n, seed=seed, cache_dir=cache_dir,
                       progress=False, crop="none")
    return np.asarray(split.images)


def calibrate(pk, faces_u8: np.ndarray, seed: int = 0, batch: int = 50) -> dict:
    """Per network, per layer (ONNX weight name): (input min, input max, output min, output max) over
    the calibration set. The encoder sees the faces and G's edits of them (what it encodes in
    generation); the generator sees E(face) and random targets in [-1, 1]^2."""
    import torch

    from .data import to_tensor

    stats = {"encoder": {}, "generator": {}}

    def hook(net, name):
        def f(_module, inputs, output):
            x, y = inputs[0].detach(), output.detach()
            cur = stats[net].get(name)
            now = (float(x.min()), float(x.max()), float(y.min()), float(y.max()))
            stats[net][name] = now if cur is None else (min(cur[0], now[0]), max(cur[1], now[1]),
                                                        min(cur[2], now[2]), max(cur[3], now[3]))
        return f

    handles = []
    for net, module, prefix in (("encoder", pk.encoder, ""), ("generator", pk.generator, "g.")):
        for name, m in module.named_modules():
            if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear)):
                handles.append(m.register_forward_hook(hook(net, prefix + name + ".weight")))
    rng = torch.Generator().manual_seed(seed)
    try:
        with torch.no_grad():
            for i in range(0, len(faces_u8), batch):
                x = to_tensor(faces_u8[i:i + batch])
                z = pk.encoder(x)
                y = torch.rand(len(x), 2, generator=rng) * 2 - 1
                edits = pk.generator(z, y)
                pk.encoder(edits)
    finally:
        for h in handles:
            h.remove()
    return stats


# ---------------------------------------------------------------- the QDQ graph

def _uint8_params(lo: float, hi: float):
    lo, hi = min(lo, 0.0), max(hi, 0.0)  # the range must hold 0 exactly
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    zp = int(np.clip(round(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zp)


def _phase_taps(k: int, stride: int, pad: int):
    """For a 1-D transposed convolution: per output phase r (output index stride*m + r), the kernel taps
    as a 3-wide correlation over inputs m-1, m, m+1 (None: no tap)."""
    taps = []
    for r in range(stride):
        row = [None, None, None]
        for j, i_off in enumerate((-1, 0, 1)):
            kk = r + pad - stride * i_off  # o = stride*i - pad + kk with o = stride*m + r, i = m + i_off
            if 0 <= kk < k:
                row[j] = kk
        taps.append(row)
    return taps


def _initializers_and_consumers(g):
    """The graph's initializers by name, and for each tensor name the nodes that read it."""
    inits = {i.name: i for i in g.initializer}
    consumers = {}
    for node in g.node:
        for i in node.input:
            consumers.setdefault(i, []).append(node)
    return inits, consumers


def convtranspose_to_conv(model):
    """Rewrites every ConvTranspose (2-D, group 1, no dilation) as a Conv: stride 1 as the flipped kernel,
    stride 2 as one 3x3 Conv computing the four output phases (sub-pixel convolution) followed by
    DepthToSpace (CRD). Same function (checked in tests/test_quantize.py); ONNX Runtime's CPU provider
    has int8 kernels for Conv (QLinearConv) but none for ConvTranspose. A ReLU after the ConvTranspose
    moves before the DepthToSpace (they commute), so the Conv -> ReLU pair is quantized like any other."""
    import onnx
    from onnx import helper, numpy_helper

    g = model.graph
    inits, consumers = _initializers_and_consumers(g)
    out_nodes, replaced_inits = [], {}
    skip = set()
    for node in g.node:
        if id(node) in skip:
            continue
        if node.op_type != "ConvTranspose" or node.input[1] not in inits:
            out_nodes.append(node)
            continue
        a = {x.name: helper.get_attribute_value(x) for x in node.attribute}
        w = numpy_helper.to_array(inits[node.input[1]]).astype(np.float32)  # [C_in, C_out, k, k]
        cin, cout, kh, kw = w.shape
        strides = list(a.get("strides", [1, 1]))
        pads = list(a.get("pads", [0, 0, 0, 0]))
        opad = list(a.get("output_padding", [0, 0]))
        if a.get("group", 1) != 1 or list(a.get("dilations", [1, 1])) != [1, 1] or kh != kw \
                or len(set(pads)) != 1 or strides[0] != strides[1] or "output_shape" in a \
                or a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
            out_nodes.append(node)
            continue
        k, s, p = kh, strides[0], pads[0]
        b = numpy_helper.to_array(inits[node.input[2]]).astype(np.float32) if len(node.input) > 2 else None
        if s == 1 and opad == [0, 0]:
            wc = np.ascontiguousarray(np.flip(w, axis=(2, 3)).transpose(1, 0, 2, 3))
            replaced_inits[node.input[1]] = numpy_helper.from_array(wc, node.input[1])
            conv = helper.make_node("Conv", list(node.input), list(node.output), name=node.name + "_as_Conv",
                                    kernel_shape=[k, k], pads=[k - 1 - p] * 4, strides=[1, 1])
            out_nodes.append(conv)
            continue
        if s != 2 or opad != [1, 1] or 2 * p + 2 != k + 1:  # only the "same"-style x2 upsampling (k=5, p=2)
            out_nodes.append(node)
            continue
        taps = _phase_taps(k, s, p)
        wc = np.zeros((cout, s, s, cin, 3, 3), np.float32)  # channel = cout * 4 + rh * 2 + rw (CRD)
        for rh in range(s):
            for rw in range(s):
                for jh, th in enumerate(taps[rh]):
                    for jw, tw in enumerate(taps[rw]):
                        if th is not None and tw is not None:
                            wc[:, rh, rw, :, jh, jw] = w[:, :, th, tw].T
        wc = wc.reshape(cout * s * s, cin, 3, 3)
        replaced_inits[node.input[1]] = numpy_helper.from_array(wc, node.input[1])
        ins = list(node.input[:2])
        if b is not None:
            replaced_inits[node.input[2]] = numpy_helper.from_array(np.repeat(b, s * s), node.input[2])
            ins.append(node.input[2])
        phases = node.output[0] + "_phases"
        out_nodes.append(helper.make_node("Conv", ins, [phases], name=node.name + "_as_Conv",
                                          kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]))
        users = consumers.get(node.output[0], [])
        if len(users) == 1 and users[0].op_type == "Relu":
            relu = users[0]
            skip.add(id(relu))
            out_nodes.append(helper.make_node("Relu", [phases], [phases + "_relu"], name=relu.name))
            out_nodes.append(helper.make_node("DepthToSpace", [phases + "_relu"], [relu.output[0]],
                                              name=node.name + "_DepthToSpace", blocksize=s, mode="CRD"))
        else:
            out_nodes.append(helper.make_node("DepthToSpace", [phases], [node.output[0]],
                                              name=node.name + "_DepthToSpace", blocksize=s, mode="CRD"))
    m = onnx.ModelProto()
    m.CopyFrom(model)
    del m.graph.node[:]
    m.graph.node.extend(out_nodes)
    for i, init in enumerate(m.graph.initializer):
        if init.name in replaced_inits:
            m.graph.initializer[i].CopyFrom(replaced_inits[init.name])
    del m.graph.value_info[:]
    onnx.checker.check_model(m)
    return m


def _out_channels(op_type, w, attrs):
    if op_type == "ConvTranspose":
        return w.shape[1] * attrs.get("group", 1)
    if op_type == "Gemm":
        return w.shape[0] if attrs.get("transB", 0) else w.shape[1]
    return w.shape[0]


def quantize_graph(model, ranges: dict, input_ranges: dict, min_channels: int = MIN_CHANNELS):
    """A QDQ copy of `model` (onnx ModelProto): see the module doc. ranges: weight name -> (in lo, in hi,
    out lo, out hi); input_ranges: graph input name -> (lo, hi) for inputs that feed a quantized op directly."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto

    g = model.graph
    inits, consumers = _initializers_and_consumers(g)
    producer = {o: n for n in g.node for o in n.output}
    new_inits = []
    qparams = {}  # activation tensor name -> (scale name, zp name, scale, zp), the tensor as dequantized

    def const(name, arr):
        new_inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def act_params(tensor, lo, hi):
        if tensor not in qparams:
            s, zp = _uint8_params(lo, hi)
            qparams[tensor] = (const(tensor + "_scale", s), const(tensor + "_zero_point", zp), float(s), int(zp))
        return qparams[tensor]

    # 1. weights and biases, and which activation ranges each quantized op wants
    nodes_out = []
    want_in, want_out = {}, {}  # tensor -> (lo, hi)
    for node in g.node:
        if node.op_type in QUANTIZED_OPS and len(node.input) > 1 and node.input[1] in inits \
                and node.input[1] in ranges:
            wname = node.input[1]
            w = numpy_helper.to_array(inits[wname]).astype(np.float32)
            attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            if _out_channels(node.op_type, w, attrs) < min_channels:
                nodes_out.append(node)  # too narrow for the int8 kernels to gain (measured): stays float
                continue
            if node.op_type == "ConvTranspose":
                axis = 1  # weight [C_in, C_out / group, kh, kw]
            elif node.op_type == "Gemm":
                axis = 0 if attrs.get("transB", 0) else 1
            else:
                axis = 0
            red = tuple(d for d in range(w.ndim) if d != axis)
            w_scale = (np.abs(w).max(axis=red) / 127.0).astype(np.float32)
            w_scale[w_scale == 0] = 1.0
            shape = [1] * w.ndim
            shape[axis] = -1
            wq = np.clip(np.round(w / w_scale.reshape(shape)), -127, 127).astype(np.int8)
            const(wname + "_quantized", wq)
            const(wname + "_scale", w_scale)
            const(wname + "_zero_point", np.zeros_like(w_scale, dtype=np.int8))
            nodes_out.append(helper.make_node("DequantizeLinear", [wname + "_quantized", wname + "_scale",
                                                                   wname + "_zero_point"], [wname + "_dq"],
                                              name=wname + "_DequantizeLinear", axis=axis))
            in_lo, in_hi, out_lo, out_hi = ranges[wname]
            x = node.input[0]
            want_in[x] = input_ranges.get(x, (in_lo, in_hi))
            want_out[node.output[0]] = (out_lo, out_hi)
            x_scale = _uint8_params(*want_in[x])[0]
            new_inputs = [node.input[0], wname + "_dq"]
            if len(node.input) > 2 and node.input[2] in inits:
                bname = node.input[2]
                b = numpy_helper.to_array(inits[bname]).astype(np.float32)
                b_scale = (w_scale * x_scale).astype(np.float32)
                bq = np.round(b / b_scale).astype(np.int32)
                const(bname + "_quantized", bq)
                const(bname + "_scale", b_scale)
                const(bname + "_zero_point", np.zeros_like(bq, dtype=np.int32))
                nodes_out.append(helper.make_node("DequantizeLinear", [bname + "_quantized", bname + "_scale",
                                                                       bname + "_zero_point"], [bname + "_dq"],
                                                  name=bname + "_DequantizeLinear", axis=0))
                new_inputs.append(bname + "_dq")
            del node.input[:]
            node.input.extend(new_inputs)
        nodes_out.append(node)

    # 2. activations: a Q -> DQ pair on each tensor a quantized op reads or writes
    rename = {}  # tensor -> its dequantized name (read by the consumers)
    removed = set()
    final = []
    for node in nodes_out:
        final.append(node)
        for out in node.output:
            if out not in want_out:
                continue
            lo, hi = want_out[out]
            users = consumers.get(out, [])
            if len(users) == 1 and users[0].op_type == "Relu":
                relu = users[0]
                removed.add(id(relu))  # the uint8 pair with zero point 0 is the ReLU
                s, zp, _, _ = act_params(relu.output[0], 0.0, max(hi, 0.0))
                final.append(helper.make_node("QuantizeLinear", [out, s, zp], [relu.output[0] + "_q"],
                                              name=relu.output[0] + "_QuantizeLinear"))
                final.append(helper.make_node("DequantizeLinear", [relu.output[0] + "_q", s, zp],
                                              [relu.output[0]], name=relu.output[0] + "_DequantizeLinear"))
                qparams_of_relu = qparams[relu.output[0]]
                # a Reshape / Flatten between this and the next quantized op: same scale on both sides
                for nxt in consumers.get(relu.output[0], []):
                    if nxt.op_type in ("Reshape", "Flatten", "DepthToSpace"):
                        qparams[nxt.output[0]] = qparams_of_relu
                        want_in.setdefault(nxt.output[0], None)
                want_in.pop(relu.output[0], None)  # already dequantized by the pair
            else:
                s, zp, _, _ = act_params(out, lo, hi)
                final.append(helper.make_node("QuantizeLinear", [out, s, zp], [out + "_q"],
                                              name=out + "_QuantizeLinear"))
                final.append(helper.make_node("DequantizeLinear", [out + "_q", s, zp], [out + "_dq"],
                                              name=out + "_DequantizeLinear"))
                rename[out] = out + "_dq"
    final = [n for n in final if id(n) not in removed]

    # inputs of quantized ops not yet covered (graph inputs, Concat / Reshape / Flatten outputs)
    pairs = []
    for tensor, rng in want_in.items():
        if tensor in rename:
            continue
        if tensor in qparams and rng is None:
            s, zp, _, _ = qparams[tensor]
        elif rng is not None:
            s, zp, _, _ = act_params(tensor, *rng)
        else:
            continue
        pairs.append((tensor, s, zp))
        rename[tensor] = tensor + "_dq"
    for node in final:
        if node.op_type in ("QuantizeLinear",):
            continue
        for k, i in enumerate(node.input):
            if i in rename and not (node.op_type == "DequantizeLinear" and node.name.startswith(i)):
                node.input[k] = rename[i]
    # put each input pair right after the producer of its tensor (or first, for graph inputs)
    ordered = []
    head = [(t, s, zp) for t, s, zp in pairs if t not in producer]
    after = {t: (t, s, zp) for t, s, zp in pairs if t in producer}

    def emit_pair(t, s, zp):
        ordered.append(helper.make_node("QuantizeLinear", [t, s, zp], [t + "_q"], name=t + "_QuantizeLinear"))
        ordered.append(helper.make_node("DequantizeLinear", [t + "_q", s, zp], [t + "_dq"],
                                        name=t + "_DequantizeLinear"))

    for t, s, zp in head:
        emit_pair(t, s, zp)
    for node in final:
        ordered.append(node)
        for o in node.output:
            if o in after:
                emit_pair(*after.pop(o))
    # graph outputs keep their names: a renamed output is read from its dequantized copy
    for out in g.output:
        if out.name in rename:
            for node in ordered:
                for k, o in enumerate(node.output):
                    if o == rename[out.name]:
                        node.output[k] = out.name
                for k, i in enumerate(node.input):
                    if i == rename[out.name]:
                        node.input[k] = out.name

    qm = onnx.ModelProto()
    qm.CopyFrom(model)
    del qm.graph.node[:]
    qm.graph.node.extend(ordered)
    used = {i for n in ordered for i in n.input}
    keep = [i for i in qm.graph.initializer if i.name in used]
    del qm.graph.initializer[:]
    qm.graph.initializer.extend(keep + [i for i in new_inits if i.name in used])
    del qm.graph.value_info[:]
    qm.graph.name = (model.graph.name or "graph") + "_int8"
    onnx.checker.check_model(qm)
    return qm


# ---------------------------------------------------------------- the model directory

def add_quantized(model_dir: str, faces_u8: np.ndarray, *, seed: int = 0, source: str = "",
                  min_channels: int = MIN_CHANNELS, networks=NETWORKS) -> dict:
    """Writes <network>_int8.onnx for the generator and the encoder of model_dir and records them in
    manifest.json as models.<network>.quantized. Returns {network: entry}."""
    import onnx

    mpath = os.path.join(model_dir, MANIFEST)
    with open(mpath) as f:
        manifest = json.load(f)
    if manifest["models"]["generator"].get("conditioning", "z") != "z":
        raise ValueError("only the paper's generator G(z, y) is quantized here (not a frame editor)")
    pk = load_pk(model_dir, manifest)
    stats = calibrate(pk, faces_u8, seed=seed)
    input_ranges = {"image": tuple(manifest["image"]["value_range"])}
    out = {}
    for net in networks:
        entry = manifest["models"][net]
        src = os.path.join(model_dir, entry["file"])
        if sha256_file(src) != entry["sha256"]:
            raise ValueError(f"sha256 mismatch for {entry['file']}: not quantizing it")
        qm = quantize_graph(convtranspose_to_conv(onnx.load(src)), stats[net], input_ranges, min_channels)
        file = suffix_file(entry["file"])
        path = os.path.join(model_dir, file)
        onnx.save(qm, path + ".tmp")
        os.replace(path + ".tmp", path)
        q = {
            "file": file,
            "sha256": sha256_file(path),
            "precision": PRECISION,
            "method": {
                "kind": "static QDQ (paffmem_pk.quantize)",
                "weights": "int8 symmetric per output channel; biases int32 at input scale x weight scale",
                "activations": "uint8 asymmetric per tensor, min/max over the calibration set",
                "ops": list(QUANTIZED_OPS),
                "float": f"ops with fewer than {min_channels} output channels; ConvTranspose rewritten as Conv "
                         "(+ DepthToSpace for stride 2)",
                "calibration": {"faces": int(len(faces_u8)), "seed": seed, "source": source,
                                "what": "faces, E(face), G(E(face), y') for y' uniform in [-1, 1]^2"},
            },
            "derived_from": {"file": entry["file"], "sha256": entry["sha256"]},
        }
        entry["quantized"] = q
        out[net] = q
    write_manifest(model_dir, manifest)
    return out


def validate_quantized(model_dir: str, m: dict) -> None:
    """Raise ValueError unless every models.<net>.quantized entry matches its file and its float network."""
    for key, entry in m["models"].items():
        q = entry.get("quantized")
        if q is None:
            continue
        check_file(model_dir, q["file"], q["sha256"], f"{key}.quantized")
        if q.get("derived_from", {}).get("sha256") != entry["sha256"]:
            raise ValueError(f"{key}.quantized: built from another {entry['file']} "
                             "(rerun python3 -m paffmem_pk.quantize)")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Add int8 QDQ variants of generator.onnx and encoder.onnx to a model "
                                             "directory (static quantization calibrated on training faces).")
    ap.add_argument("model_dir")
    ap.add_argument("--data", required=True, help="AffectNet-layout dataset with training.csv (the model's training set)")
    ap.add_argument("--calibration", type=int, default=300, help="faces to calibrate the activation ranges on")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache-dir", default=None, help="decoded-face cache (data.load_split)")
    ap.add_argument("--min-channels", type=int, default=MIN_CHANNELS,
                    help="ops with fewer output channels stay float (int8 kernels lose on very narrow layers)")
    ap.add_argument("--networks", default=",".join(NETWORKS), help="which networks to quantize (comma-separated)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    from . import configure_threads
    from .manifest import validate_model_dir

    configure_threads(args.threads)
    faces = calibration_faces(args.data, args.calibration, args.seed, args.cache_dir)
    entries = add_quantized(args.model_dir, faces, seed=args.seed,
                            source=f"{os.path.basename(os.path.normpath(args.data))}/training.csv",
                            min_channels=args.min_channels, networks=tuple(args.networks.split(",")))
    validate_model_dir(args.model_dir)
    print(json.dumps({n: {"file": e["file"], "sha256": e["sha256"]} for n, e in entries.items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
