"""Export a model directory whose generator is a frame editor (editor.py): E and D_em are copied unchanged from the
PK it was trained on, generator.onnx is the editor, (frame, affect) -> image, with the frozen E and D_em inside
(they give the editor the PK's reading of the frame). The manifest declares "conditioning": "frame".

    /usr/bin/python3 -m paffmem_pk.export_editor --model-dir ../models/demo-pk --editor runs/editor/last.pt \\
        --out ../models/demo-pk --model-version 0.5.0
"""
import argparse
import json
import os
import shutil
import tempfile

import numpy as np
import torch

from . import IMAGE_SIZE, configure_threads
from .checkpoint import read_checkpoint
from .export import PARITY_AFFECT, _pin_shapes, default_parity_images, write_parity_tensors
from .manifest import GENERATOR_FRAME, OPSET, PARITY_JSON, TENSORS, build_manifest, validate_model_dir, write_manifest
from .models import count_parameters
from .preprocess import KEY as U8_KEY, add_encoder_u8


def export_generator_onnx(exported, example, spec, path):
    """torch.onnx.export of a generator module with the contract's tensor names (`spec`: file, inputs, outputs), the
    batch dynamic and the other dimensions pinned; checked by onnx."""
    import onnx

    _, ins, outs = spec
    names_in = [n for n, _ in ins]
    names_out = [n for n, _ in outs]
    exported.eval()
    with torch.no_grad():
        torch.onnx.export(exported, example, path, opset_version=OPSET, input_names=names_in, output_names=names_out,
                          do_constant_folding=True, dynamic_axes={n: {0: "batch"} for n in names_in + names_out})
    model = onnx.load(path)
    _pin_shapes(model, ins + outs)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def _export_generator(exported, path):
    example = (torch.zeros(2, 3, IMAGE_SIZE, IMAGE_SIZE), torch.zeros(2, 2))
    export_generator_onnx(exported, example, GENERATOR_FRAME, path)


def copy_pk_networks(src_dir, out_dir) -> dict:
    """Copies the PK's encoder.onnx and dem.onnx unchanged from src_dir to out_dir (which may be src_dir itself);
    returns src_dir's manifest."""
    with open(os.path.join(src_dir, "manifest.json")) as f:
        src = json.load(f)
    with tempfile.TemporaryDirectory() as tmp:  # src_dir may equal out_dir: copy the PK's files first
        for key in ("encoder", "dem"):
            shutil.copy(os.path.join(src_dir, TENSORS[key][0]), os.path.join(tmp, TENSORS[key][0]))
        os.makedirs(out_dir, exist_ok=True)
        for key in ("encoder", "dem"):
            shutil.copy(os.path.join(tmp, TENSORS[key][0]), os.path.join(out_dir, TENSORS[key][0]))
    return src


def finish_generator_dir(out_dir, src: dict, generator_arch: dict, training_info: dict, model_version=None,
                         **contract) -> dict:
    """The manifest of a directory whose generator replaced the PK's (`contract`: conditioning / edits), with the
    encoder_u8 entry; validated; returns the manifest."""
    arch = dict(src.get("architecture") or {})
    arch["generator"] = generator_arch
    training = dict(src.get("training") or {})
    training["generator"] = training_info
    manifest = build_manifest(out_dir, model_id=src["model_id"], model_version=model_version or src["model_version"],
                              width=src["width"], losses=src.get("losses"), training=training,
                              validation=src.get("validation"), architecture=arch, **contract)
    write_manifest(out_dir, manifest)
    manifest["models"][U8_KEY] = add_encoder_u8(out_dir)
    validate_model_dir(out_dir)
    return manifest


def _parity(pk, exported, out_dir, images):
    affect = torch.tensor(PARITY_AFFECT, dtype=torch.float32)
    with torch.no_grad():
        z = pk.encoder(images)
        tensors = {
            "encoder": ({"image": images}, {"z": z}),
            "generator": ({"frame": images, "affect": affect}, {"image": exported(images, affect)}),
            "dem": ({"z": z}, {"affect": pk.dem(z)}),
        }
    write_parity_tensors(out_dir, tensors, {"generator": GENERATOR_FRAME[0]})


def export_editor_dir(pk, editor, src_dir, out_dir, editor_training: dict, model_version=None):
    """Writes out_dir (which may be src_dir itself) and validates it; returns the manifest."""
    from .editor import ExportedEditor

    parity_images = None
    pj = os.path.join(src_dir, PARITY_JSON)
    if os.path.exists(pj):  # the source's parity faces (real validation faces when it has them)
        with open(pj) as f:
            enc = json.load(f)["models"]["encoder"]["inputs"][0]
        raw = np.fromfile(os.path.join(os.path.dirname(pj), enc["file"]), dtype="<f4").reshape(enc["shape"])
        parity_images = torch.from_numpy(raw.copy())
    src = copy_pk_networks(src_dir, out_dir)
    editor.eval()
    exported = ExportedEditor(editor, pk)
    _export_generator(exported, os.path.join(out_dir, GENERATOR_FRAME[0]))
    _parity(pk, exported, out_dir, parity_images if parity_images is not None else default_parity_images())
    return finish_generator_dir(out_dir, src, {"kind": "frame editor (U-Net, attention mask; paffmem_pk.editor)",
                                               "config": editor.config, "parameters": count_parameters(editor)},
                                editor_training, model_version, conditioning="frame")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m paffmem_pk.export_editor", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", required=True, help="the exported PK the editor was trained on")
    ap.add_argument("--editor", required=True, help="checkpoint written by paffmem_pk.editor")
    ap.add_argument("--out", required=True)
    ap.add_argument("--model-version", default=None)
    args = ap.parse_args(argv)
    configure_threads(2)
    from .editor import load_editor, load_frozen_pk

    pk = load_frozen_pk(args.model_dir)
    ck = read_checkpoint(args.editor)
    editor = load_editor(args.editor, pk)
    info = {k: v for k, v in ck.get("args", {}).items() if k not in ("export",)}
    info["steps"] = ck["step"]
    m = export_editor_dir(pk, editor, args.model_dir, args.out, info, args.model_version)
    print(json.dumps({"out": args.out, "model_version": m["model_version"],
                      "generator": m["models"]["generator"]["inputs"]}, indent=2))


if __name__ == "__main__":
    main()
