"""A minimal ONNX graph interpreter on torch.nn.functional, covering the ops our exported graphs use.

Debian has no onnxruntime and onnx 1.12 has no reference evaluator; this runs the *serialized*
graph (weights, attributes, input order) independently of the PyTorch modules that produced it.
Real ONNX Runtime parity is checked on the Java side against parity/parity.json.
"""
import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


_DTYPES = {onnx.TensorProto.FLOAT: torch.float32, onnx.TensorProto.UINT8: torch.uint8,
           onnx.TensorProto.INT64: torch.int64, onnx.TensorProto.INT32: torch.int32,
           onnx.TensorProto.DOUBLE: torch.float64, onnx.TensorProto.INT8: torch.int8}


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pads(pads):
    n = len(pads) // 2
    begin, end = pads[:n], pads[n:]
    if list(begin) != list(end):
        raise NotImplementedError("asymmetric pads")
    return tuple(begin)


def _text(v):
    return v.decode() if isinstance(v, bytes) else v


def run(model_path, feeds):
    model = onnx.load(model_path)
    env = {init.name: torch.from_numpy(numpy_helper.to_array(init).copy()) for init in model.graph.initializer}
    env.update({k: torch.as_tensor(v) for k, v in feeds.items()})
    for node in model.graph.node:
        a = _attrs(node)
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Constant":
            out = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
        elif op == "Conv":
            out = F.conv2d(ins[0], ins[1], ins[2] if len(ins) > 2 else None, stride=tuple(a.get("strides", (1, 1))),
                           padding=_pads(a.get("pads", (0, 0, 0, 0))), dilation=tuple(a.get("dilations", (1, 1))),
                           groups=a.get("group", 1))
        elif op == "ConvTranspose":
            out = F.conv_transpose2d(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                                     stride=tuple(a.get("strides", (1, 1))), padding=_pads(a.get("pads", (0, 0, 0, 0))),
                                     output_padding=tuple(a.get("output_padding", (0, 0))),
                                     dilation=tuple(a.get("dilations", (1, 1))), groups=a.get("group", 1))
        elif op == "Gemm":
            A, B = ins[0], ins[1]
            if a.get("transA", 0):
                A = A.t()
            if a.get("transB", 0):
                B = B.t()
            out = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                out = out + a.get("beta", 1.0) * ins[2]
        elif op == "MatMul":
            out = ins[0] @ ins[1]
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "Mul":
            out = ins[0] * ins[1]
        elif op == "Relu":
            out = torch.relu(ins[0])
        elif op == "LeakyRelu":
            out = F.leaky_relu(ins[0], a.get("alpha", 0.01))
        elif op == "Tanh":
            out = torch.tanh(ins[0])
        elif op == "Sigmoid":
            out = torch.sigmoid(ins[0])
        elif op == "Sub":
            out = ins[0] - ins[1]
        elif op == "Div":
            out = ins[0] / ins[1]
        elif op in ("QuantizeLinear", "DequantizeLinear"):
            x, scale, zp = ins[0], ins[1].float(), ins[2]
            ax = a.get("axis", 1)
            if scale.dim() == 1 and x.dim() > 1:  # per axis
                shape = [1] * x.dim()
                shape[ax] = -1
                scale, zp = scale.reshape(shape), zp.reshape(shape)
            if op == "DequantizeLinear":
                out = (x.double() - zp.double()).float() * scale
            else:  # round half to even, saturate to the zero point's type
                info = torch.iinfo(zp.dtype)
                out = torch.clamp(torch.round(x / scale) + zp.float(), info.min, info.max).to(zp.dtype)
        elif op == "DepthToSpace":
            bs = a["blocksize"]
            if _text(a.get("mode", "DCR")) == "CRD":
                out = F.pixel_shuffle(ins[0], bs)
            else:
                n_, c_, h_, w_ = ins[0].shape
                out = ins[0].reshape(n_, bs, bs, c_ // (bs * bs), h_, w_).permute(0, 3, 4, 1, 5, 2).reshape(
                    n_, c_ // (bs * bs), h_ * bs, w_ * bs)
        elif op == "Identity":
            out = ins[0]
        elif op == "Clip":
            out = torch.clamp(ins[0], ins[1] if len(ins) > 1 and ins[1] is not None else None,
                              ins[2] if len(ins) > 2 and ins[2] is not None else None)
        elif op == "InstanceNormalization":
            out = F.instance_norm(ins[0], weight=ins[1], bias=ins[2], eps=a.get("epsilon", 1e-5))
        elif op == "GridSample":
            out = F.grid_sample(ins[0], ins[1], mode=_text(a.get("mode", "bilinear")),
                                padding_mode=_text(a.get("padding_mode", "zeros")),
                                align_corners=bool(a.get("align_corners", 0)))
        elif op == "Resize":
            mode = _text(a.get("mode", "nearest"))
            if mode == "linear":
                if _text(a.get("coordinate_transformation_mode", "half_pixel")) not in ("half_pixel", "pytorch_half_pixel"):
                    raise NotImplementedError("Resize linear: coordinate transformation")
                kw = {"mode": "bilinear", "align_corners": False}
            elif mode == "nearest":
                kw = {"mode": "nearest"}
            else:
                raise NotImplementedError("Resize mode " + mode)
            scales = ins[2] if len(ins) > 2 and ins[2] is not None and ins[2].numel() else None
            if scales is not None:
                out = F.interpolate(ins[0], scale_factor=tuple(float(v) for v in scales.tolist()[2:]), **kw)
            else:
                out = F.interpolate(ins[0], size=tuple(int(v) for v in ins[3].tolist()[2:]), **kw)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            out = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Reshape":
            shape = [int(s) for s in ins[1].tolist()]
            shape = [ins[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
            out = ins[0].reshape(shape)
        elif op == "Concat":
            out = torch.cat(ins, dim=a["axis"])
        elif op == "Slice":
            x = ins[0]
            starts, ends = ins[1].tolist(), ins[2].tolist()
            axes = ins[3].tolist() if len(ins) > 3 and ins[3] is not None else list(range(len(starts)))
            steps = ins[4].tolist() if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
            idx = [slice(None)] * x.dim()
            for s, e, ax, st in zip(starts, ends, axes, steps):
                dim = x.shape[ax]
                s = max(0, min(dim, s + dim if s < 0 else s))
                e = max(0, min(dim, e + dim if e < 0 else e))
                idx[ax] = slice(s, e, st)
            out = x[tuple(idx)]
        elif op == "Shape":
            out = torch.tensor(list(ins[0].shape), dtype=torch.int64)
        elif op == "Gather":
            out = torch.index_select(ins[0], a.get("axis", 0), ins[1].reshape(-1).long()).reshape(
                list(ins[0].shape[:a.get("axis", 0)]) + list(ins[1].shape) + list(ins[0].shape[a.get("axis", 0) + 1:]))
        elif op == "Unsqueeze":
            out = ins[0]
            for ax in sorted(int(v) for v in ins[1].tolist()):
                out = out.unsqueeze(ax)
        elif op == "ConstantOfShape":
            val = numpy_helper.to_array(a["value"]).copy() if "value" in a else np.zeros(1, np.float32)
            out = torch.full([int(s) for s in ins[0].tolist()], float(val.ravel()[0]),
                             dtype=torch.from_numpy(val).dtype)
        elif op == "Expand":
            shape = [int(s) for s in ins[1].tolist()]
            out = ins[0] * torch.ones(shape, dtype=ins[0].dtype)  # ONNX Expand broadcasts both ways
        elif op == "Tile":
            out = ins[0].repeat(*[int(r) for r in ins[1].tolist()])
        elif op == "Transpose":
            out = ins[0].permute(*a["perm"])
        elif op == "Cast":
            out = ins[0].to(_DTYPES[a["to"]])
        elif op == "Equal":
            out = ins[0] == ins[1]
        elif op == "Where":
            out = torch.where(ins[0], ins[1], ins[2])
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = out
    return {o.name: env[o.name].numpy() for o in model.graph.output}
