"""Export E, G and D_em to ONNX (opset 17, dynamic batch), write the parity fixture and the manifest,
and add encoder_u8.onnx (E behind a uint8 front end, see preprocess.py).

    /usr/bin/python3 -m paffmem_pk.export --checkpoint runs/demo/last.pt --out ../models/demo-pk
"""
import argparse
import json
import os

import numpy as np
import torch
from torch import nn

from . import IMAGE_SIZE, configure_threads
from .checkpoint import read_checkpoint
from .manifest import OPSET, PARITY_JSON, TENSORS, build_manifest, validate_model_dir, write_manifest
from .models import PK, PKConfig, count_parameters
from .preprocess import KEY as U8_KEY, add_encoder_u8

PARITY_AFFECT = [[0.6, -0.4], [-0.8, 0.7]]  # (arousal, valence) targets fed to G in the fixture


class _Generator(nn.Module):
    def __init__(self, g):
        super().__init__()
        self.g = g

    def forward(self, z, affect):
        return self.g(z, affect)


def export_onnx(pk: PK, out_dir: str) -> None:
    import onnx

    os.makedirs(out_dir, exist_ok=True)
    pk.eval()
    z = torch.zeros(2, pk.cfg.z_dim)
    jobs = {
        "encoder": (pk.encoder, (torch.zeros(2, 3, IMAGE_SIZE, IMAGE_SIZE),)),
        "generator": (_Generator(pk.generator), (z, torch.zeros(2, 2))),
        "dem": (pk.dem, (z,)),
    }
    for key, (module, args) in jobs.items():
        fname, ins, outs = TENSORS[key]
        names_in = [n for n, _ in ins]
        names_out = [n for n, _ in outs]
        path = os.path.join(out_dir, fname)
        with torch.no_grad():
            torch.onnx.export(module, args, path, opset_version=OPSET, input_names=names_in,
                              output_names=names_out, do_constant_folding=True,
                              dynamic_axes={n: {0: "batch"} for n in names_in + names_out})
        model = onnx.load(path)
        _pin_shapes(model, ins + outs)
        onnx.checker.check_model(model)
        onnx.save(model, path)


def _pin_shapes(model, specs) -> None:
    """Write the contract's shapes into the graph's inputs/outputs (the exporter leaves G's
    spatial output dims symbolic): batch stays the symbolic "batch", the rest are fixed."""
    spec = dict(specs)
    for vi in list(model.graph.input) + list(model.graph.output):
        dims = vi.type.tensor_type.shape.dim
        for d, size in zip(dims, spec[vi.name]):
            if size == -1:
                d.dim_param = "batch"
            else:
                d.dim_value = size


def default_parity_images(n=2, seed=1234):
    """Deterministic smooth images in [-1, 1] (used when no real face is at hand)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:IMAGE_SIZE, 0:IMAGE_SIZE].astype(np.float32) / (IMAGE_SIZE - 1)
    imgs = []
    for _ in range(n):
        f = rng.uniform(1, 4, size=(3, 2)).astype(np.float32)
        ph = rng.uniform(0, 6.28, size=3).astype(np.float32)
        imgs.append(np.stack([np.sin(f[c, 0] * 6.28 * xx + f[c, 1] * 3.14 * yy + ph[c]) for c in range(3)]) * 0.9)
    return torch.from_numpy(np.stack(imgs).astype(np.float32))


def _write_f32(path, t):
    np.ascontiguousarray(t.detach().numpy(), dtype="<f4").tofile(path)


def write_parity(pk: PK, out_dir: str, images=None) -> dict:
    """PyTorch's outputs on 2 inputs per model, as raw little-endian float32 files + parity.json."""
    pk.eval()
    images = default_parity_images() if images is None else images[:2].float()
    affect = torch.tensor(PARITY_AFFECT, dtype=torch.float32)
    with torch.no_grad():
        z = pk.encoder(images)
        tensors = {
            "encoder": ({"image": images}, {"z": z}),
            "generator": ({"z": z, "affect": affect}, {"image": pk.generator(z, affect)}),
            "dem": ({"z": z}, {"affect": pk.dem(z)}),
        }
    return write_parity_tensors(out_dir, tensors)


def write_parity_tensors(out_dir: str, tensors: dict, files: dict = None) -> dict:
    """Writes {network: (inputs, outputs)} (name -> tensor) as raw little-endian float32 files and parity.json;
    files maps a network to its ONNX file (default: the contract's TENSORS)."""
    pdir = os.path.join(out_dir, os.path.dirname(PARITY_JSON))
    os.makedirs(pdir, exist_ok=True)
    doc = {"format_version": 1, "dtype": "float32", "byte_order": "little_endian", "tolerance": 1e-4,
           "models": {}}
    for key, (ins, outs) in tensors.items():
        entry = {"file": (files or {}).get(key, TENSORS[key][0]), "inputs": [], "outputs": []}
        for side, group in (("inputs", ins), ("outputs", outs)):
            for name, t in group.items():
                fname = f"{key}.{name}.f32" if side == "inputs" else f"{key}.out.{name}.f32"
                _write_f32(os.path.join(pdir, fname), t)
                entry[side].append({"name": name, "shape": list(t.shape), "file": fname})
        doc["models"][key] = entry
    with open(os.path.join(out_dir, PARITY_JSON), "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    return doc


def architecture_info(pk: PK) -> dict:
    return {"config": pk.cfg.to_dict(),
            "parameters": {k: count_parameters(getattr(pk, k)) for k in ("encoder", "generator", "dem", "dprior", "dreal")}}


def export_model_dir(pk: PK, out_dir: str, *, model_id, model_version, losses, training, validation,
                     parity_images=None) -> dict:
    """Everything the Java job needs in one directory; validated before returning the manifest."""
    export_onnx(pk, out_dir)
    write_parity(pk, out_dir, parity_images)
    manifest = build_manifest(out_dir, model_id=model_id, model_version=model_version, width=pk.cfg.width,
                              losses=losses, training=training, validation=validation,
                              architecture=architecture_info(pk))
    write_manifest(out_dir, manifest)
    manifest["models"][U8_KEY] = add_encoder_u8(out_dir)  # encoder_u8.onnx, recorded in manifest.json
    validate_model_dir(out_dir)
    return manifest


def load_checkpoint(path: str):
    ck = read_checkpoint(path)
    pk = PK(PKConfig.from_dict(ck["config"]))
    pk.load_state_dict(ck["model"])
    return pk, ck


def main(argv=None):
    ap = argparse.ArgumentParser(description="Export a trained PK checkpoint to an ONNX model directory.")
    ap.add_argument("--checkpoint", required=True, help="checkpoint written by paffmem_pk.train")
    ap.add_argument("--out", required=True, help="model directory to write")
    ap.add_argument("--model-id", default=None, help="default: from the checkpoint's run")
    ap.add_argument("--model-version", default=None)
    ap.add_argument("--schedule", default=None,
                    help="free text recorded as training.schedule: how the checkpoint came to be when it was "
                         "trained in stages (resumed runs with different data or losses)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    configure_threads(args.threads)
    pk, ck = load_checkpoint(args.checkpoint)
    meta = ck.get("export_meta", {})
    if args.schedule:
        meta["training"] = {**(meta.get("training") or {}), "schedule": args.schedule}
    images = None
    if meta.get("parity_images") is not None:
        images = torch.from_numpy(np.asarray(meta["parity_images"], dtype=np.float32))
    m = export_model_dir(pk, args.out, model_id=args.model_id or meta.get("model_id", "paffmem-pk"),
                         model_version=args.model_version or meta.get("model_version", "0.1.0"),
                         losses=meta.get("losses"), training=meta.get("training"),
                         validation=meta.get("validation"), parity_images=images)
    print(json.dumps({"out": args.out, "validation": m["validation"]}, indent=2))


if __name__ == "__main__":
    main()
