"""The model directory contract shared with the Java job: manifest.json beside the ONNX files.

The tensor names and shapes are defined here, once (TENSORS); the Java side reads them from
the manifest. See model-export/README.md for the field reference.
"""
import datetime
import hashlib
import json
import os

from . import IMAGE_SIZE, LABEL_ORDER, Z_DIM

FORMAT_VERSION = 1
OPSET = 17
MANIFEST = "manifest.json"
PARITY_JSON = "parity/parity.json"

# model -> (file, inputs, outputs); each tensor (name, shape with -1 for the batch). The optional
# models.encoder_u8 (encoder.onnx behind a uint8 front end, built by preprocess.py) is below.
TENSORS = {
    "encoder": ("encoder.onnx",
                [("image", [-1, 3, IMAGE_SIZE, IMAGE_SIZE])],
                [("z", [-1, Z_DIM])]),
    "generator": ("generator.onnx",
                  [("z", [-1, Z_DIM]), ("affect", [-1, 2])],
                  [("image", [-1, 3, IMAGE_SIZE, IMAGE_SIZE])]),
    "dem": ("dem.onnx",
            [("z", [-1, Z_DIM])],
            [("affect", [-1, 2])]),
}
# An image-conditioned generator (a frame editor, editor.py) takes the person's frame instead of z:
# generator.onnx (frame, affect) -> image, declared with "conditioning": "frame" (the paper's G: "z").
GENERATOR_FRAME = ("generator.onnx",
                   [("frame", [-1, 3, IMAGE_SIZE, IMAGE_SIZE]), ("affect", [-1, 2])],
                   [("image", [-1, 3, IMAGE_SIZE, IMAGE_SIZE])])
# A latent generator (latent.py) edits in z: generator.onnx (z, affect) -> z_edit, no image and no encoder pass;
# declared with "edits": "z" (the others: "image").
GENERATOR_LATENT = ("generator.onnx",
                    [("z", [-1, Z_DIM]), ("affect", [-1, 2])],
                    [("z_edit", [-1, Z_DIM])])
CONDITIONINGS = ("z", "frame")
EDIT_SPACES = ("image", "z")
VALUE_RANGES = {"image": [-1.0, 1.0], "frame": [-1.0, 1.0], "z": [-1.0, 1.0], "z_edit": [-1.0, 1.0],
                "affect": [-1.0, 1.0]}

# The optional models.encoder_u8: encoder.onnx behind a front end that takes the job's RGB8 bytes as they are
# (uint8 [N, H, W, 3], RGB, NHWC). preprocess.py builds it; its contract is here, with the others'.
ENCODER_U8_KEY = "encoder_u8"
ENCODER_U8_FILE = "encoder_u8.onnx"
ENCODER_U8_INPUT = "rgb"


def u8_input_tensor(image: dict) -> dict:
    """The manifest's description of encoder_u8's input."""
    return {"name": ENCODER_U8_INPUT, "shape": [-1, int(image["height"]), int(image["width"]), 3], "dtype": "uint8",
            "value_range": [0, 255], "layout": "NHWC", "channel_order": "RGB"}


def tensors(conditioning: str = "z", edits: str = "image") -> dict:
    """The contract's networks for a generator conditioned on z (the paper's) or on the frame (editor.py), whose
    edits are images (both) or z's (latent.py, conditioned on z)."""
    if conditioning not in CONDITIONINGS:
        raise ValueError(f"generator conditioning must be one of {CONDITIONINGS}, was {conditioning!r}")
    if edits not in EDIT_SPACES or (edits == "z" and conditioning != "z"):
        raise ValueError(f"generator edits must be one of {EDIT_SPACES} (z only when conditioned on z), was {edits!r}")
    if edits == "z":
        return dict(TENSORS, generator=GENERATOR_LATENT)
    return dict(TENSORS, generator=GENERATOR_FRAME) if conditioning == "frame" else dict(TENSORS)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _tensor(name, shape):
    return {"name": name, "shape": list(shape), "dtype": "float32", "value_range": VALUE_RANGES[name]}


def build_manifest(out_dir, *, model_id, model_version, width, losses, training, validation,
                   architecture=None, created=None, conditioning="z", edits="image"):
    models = {}
    for key, (fname, ins, outs) in tensors(conditioning, edits).items():
        models[key] = {
            "file": fname,
            "sha256": sha256_file(os.path.join(out_dir, fname)),
            "inputs": [_tensor(n, s) for n, s in ins],
            "outputs": [_tensor(n, s) for n, s in outs],
        }
    models["generator"]["conditioning"] = conditioning
    if edits != "image":
        models["generator"]["edits"] = edits
    parity_path = os.path.join(out_dir, PARITY_JSON)
    return {
        "format_version": FORMAT_VERSION,
        "model_id": model_id,
        "model_version": model_version,
        "created": created or datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        "image": {"height": IMAGE_SIZE, "width": IMAGE_SIZE, "channels": 3, "channel_order": "RGB",
                  "layout": "NCHW", "dtype": "float32", "value_range": [-1.0, 1.0]},
        "z_dim": Z_DIM,
        "label_order": list(LABEL_ORDER),
        "opset": OPSET,
        "width": width,
        "architecture": architecture or {},
        "models": models,
        "losses": losses,
        "training": training,
        "validation": validation,
        "parity": ({"file": PARITY_JSON, "sha256": sha256_file(parity_path), "tolerance": 1e-4}
                   if os.path.exists(parity_path) else None),
    }


def write_manifest(out_dir, manifest) -> str:
    path = os.path.join(out_dir, MANIFEST)
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return path


REQUIRED = ("format_version", "model_id", "model_version", "created", "image", "z_dim", "label_order",
            "opset", "width", "models", "losses", "training", "validation", "parity")


def validate_model_dir(model_dir: str, check_onnx: bool = True) -> dict:
    """Raise ValueError unless model_dir satisfies the contract; return the manifest."""
    with open(os.path.join(model_dir, MANIFEST)) as f:
        m = json.load(f)
    missing = [k for k in REQUIRED if k not in m]
    if missing:
        raise ValueError(f"manifest lacks {missing}")
    if m["format_version"] != FORMAT_VERSION:
        raise ValueError(f"format_version {m['format_version']} != {FORMAT_VERSION}")
    if m["label_order"] != list(LABEL_ORDER) or m["z_dim"] != Z_DIM:
        raise ValueError("label_order / z_dim differ from the contract")
    img = m["image"]
    if (img["height"], img["width"], img["channels"], img["channel_order"], img["layout"]) != (
            IMAGE_SIZE, IMAGE_SIZE, 3, "RGB", "NCHW"):
        raise ValueError(f"image spec differs: {img}")
    gen = m["models"].get("generator", {})
    for key, (fname, ins, outs) in tensors(gen.get("conditioning", "z"), gen.get("edits", "image")).items():
        entry = m["models"].get(key)
        if entry is None:
            raise ValueError(f"manifest lacks model {key}")
        path = os.path.join(model_dir, entry["file"])
        if sha256_file(path) != entry["sha256"]:
            raise ValueError(f"sha256 mismatch for {entry['file']}")
        want_in = [(n, list(s)) for n, s in ins]
        want_out = [(n, list(s)) for n, s in outs]
        if [(t["name"], t["shape"]) for t in entry["inputs"]] != want_in or \
                [(t["name"], t["shape"]) for t in entry["outputs"]] != want_out:
            raise ValueError(f"{key}: tensor names/shapes differ from the contract")
        if check_onnx:
            model = check_graph(path, key, want_in, want_out)
            if max(op.version for op in model.opset_import if op.domain in ("", "ai.onnx")) != m["opset"]:
                raise ValueError(f"{key}: opset differs from manifest")
    validate_encoder_u8(model_dir, m, check_onnx)  # the optional models.encoder_u8
    validate_regions(model_dir, m)  # the optional models.regions
    from .quantize import validate_quantized

    validate_quantized(model_dir, m)  # the optional models.<network>.quantized
    if m["parity"] is not None:
        if sha256_file(os.path.join(model_dir, m["parity"]["file"])) != m["parity"]["sha256"]:
            raise ValueError("sha256 mismatch for the parity fixture")
    return m


def check_file(model_dir: str, name: str, sha256: str, what: str) -> None:
    """Raise ValueError unless the file a manifest entry names is in model_dir with the sha256 it records."""
    path = os.path.join(model_dir, name)
    if not os.path.isfile(path):
        raise ValueError(f"{what}: {name} named in the manifest is missing")
    if sha256_file(path) != sha256:
        raise ValueError(f"sha256 mismatch for {name}")


def validate_regions(model_dir: str, m: dict) -> None:
    """Raise ValueError unless the optional models.regions entry (paffmem_pk.regions export) matches its file and
    carries a regression of the bands' readings."""
    entry = m["models"].get("regions")
    if entry is None:
        return
    check_file(model_dir, entry["file"], entry["sha256"], "regions")
    if [t["shape"] for t in entry["inputs"]] != [u8_input_tensor(m["image"])["shape"]] or \
            [t["dtype"] for t in entry["inputs"]] != ["uint8"]:
        raise ValueError(f"regions: input {entry['inputs']} must be the frames' bytes, as encoder_u8 takes them")
    k = entry["outputs"][0]["shape"][-1]
    c = entry["correction"]
    if len(c["mu"]) != k or [len(r) for r in c["w"]] != [2] * k or len(c["b"]) != 2 or not c["n0"] >= 0:
        raise ValueError(f"regions: the correction must have mu [{k}], w [{k}][2], b [2] and n0 >= 0")


def validate_encoder_u8(model_dir: str, m: dict, check_onnx: bool = True) -> None:
    """Raise ValueError unless the optional models.encoder_u8 entry (when present) matches its file,
    the image spec and the encoder it was built from."""
    entry = m["models"].get(ENCODER_U8_KEY)
    if entry is None:
        return
    key = ENCODER_U8_KEY
    path = os.path.join(model_dir, entry["file"])
    if not os.path.isfile(path):
        raise ValueError(f"{key}: {entry['file']} named in the manifest is missing")
    if sha256_file(path) != entry["sha256"]:
        raise ValueError(f"sha256 mismatch for {entry['file']}")
    enc = m["models"]["encoder"]
    if entry.get("derived_from", {}).get("sha256") not in (None, enc["sha256"]):
        raise ValueError(f"{key}: built from another encoder.onnx (rerun python3 -m paffmem_pk.preprocess)")
    want_in = [(ENCODER_U8_INPUT, u8_input_tensor(m["image"])["shape"])]
    want_out = [(n, list(s)) for n, s in TENSORS["encoder"][2]]
    got_in = [(t["name"], t["shape"]) for t in entry["inputs"]]
    got_out = [(t["name"], t["shape"]) for t in entry["outputs"]]
    if got_in != want_in or got_out != want_out or [t["dtype"] for t in entry["inputs"]] != ["uint8"]:
        raise ValueError(f"{key}: tensors {got_in} -> {got_out} differ from {want_in} (uint8) -> {want_out}")
    if check_onnx:
        from onnx import TensorProto

        model = check_graph(path, key, want_in, want_out)
        if model.graph.input[0].type.tensor_type.elem_type != TensorProto.UINT8:
            raise ValueError(f"{key}: the ONNX graph's input is not uint8")


def check_graph(path, key, want_in, want_out):
    """Loads an ONNX file, runs onnx.checker and checks its inputs and outputs (name, shape) against the
    manifest's; returns the model."""
    import onnx

    model = onnx.load(path)
    onnx.checker.check_model(model)
    got_in = [(i.name, _onnx_shape(i)) for i in model.graph.input]
    got_out = [(o.name, _onnx_shape(o)) for o in model.graph.output]
    if got_in != want_in or got_out != want_out:
        raise ValueError(f"{key}: ONNX graph has {got_in} -> {got_out}, manifest says {want_in} -> {want_out}")
    return model


def _onnx_shape(value_info):
    dims = value_info.type.tensor_type.shape.dim
    return [d.dim_value if d.HasField("dim_value") else -1 for d in dims]
