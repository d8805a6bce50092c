"""encoder_u8.onnx: uint8 NHWC RGB in, the encoder's z out, equal to encoder.onnx on the normalized images."""
import json
import os
import shutil

import numpy as np
import onnx
import pytest
import torch

from onnx_torch_eval import run
from paffmem_pk.export import export_model_dir
from paffmem_pk.losses import LossConfig, manifest_losses
from paffmem_pk.manifest import sha256_file, validate_model_dir
from paffmem_pk.models import PK, PKConfig
from paffmem_pk.preprocess import FILE, INPUT, KEY, add_encoder_u8, build_encoder_u8, main

MODELS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "models")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    torch.manual_seed(0)
    out = str(tmp_path_factory.mktemp("model"))
    pk = PK(PKConfig(width=0.0625))
    for mod in pk.modules():  # livelier outputs than N(0, 0.02) at tiny width
        if isinstance(mod, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear)):
            mod.reset_parameters()
    m = export_model_dir(pk, out, model_id="test", model_version="0",
                         losses=manifest_losses(LossConfig(use_iden=False, iden_off_reason="test"), "all"),
                         training={"kind": "test", "count": 0, "steps": 0, "batch": 4, "seed": 0}, validation=None)
    return out, m


def _frames(n=3, seed=5):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(n, 96, 96, 3), dtype=np.uint8)
    x[0, :8] = 0  # the range's ends
    x[0, 8:16] = 255
    return x


def _normalize(rgb, lo=-1.0, hi=1.0):
    """What the job's ImageTensors does: byte * ((max - min) / 255) + min in float32, NCHW, RGB."""
    scale = np.float32((np.float32(hi) - np.float32(lo)) / np.float32(255))
    return (rgb.astype(np.float32).transpose(0, 3, 1, 2) * scale + np.float32(lo)).astype(np.float32)


def test_export_writes_encoder_u8_and_records_it(exported):
    out, m = exported
    entry = m["models"][KEY]
    with open(os.path.join(out, "manifest.json")) as f:
        assert json.load(f)["models"][KEY] == entry
    assert entry["file"] == FILE == "encoder_u8.onnx"
    assert entry["sha256"] == sha256_file(os.path.join(out, FILE))
    assert entry["inputs"] == [{"name": INPUT, "shape": [-1, 96, 96, 3], "dtype": "uint8", "value_range": [0, 255],
                                "layout": "NHWC", "channel_order": "RGB"}]
    assert entry["outputs"] == m["models"]["encoder"]["outputs"]
    assert entry["derived_from"]["sha256"] == m["models"]["encoder"]["sha256"]
    assert m["format_version"] == 1
    model = onnx.load(os.path.join(out, FILE))
    onnx.checker.check_model(model)
    assert [(o.domain, o.version) for o in model.opset_import] == [("", 17)]
    inp = model.graph.input[0]
    assert inp.type.tensor_type.elem_type == onnx.TensorProto.UINT8
    assert inp.type.tensor_type.shape.dim[0].dim_param == "batch"
    # the encoder starts with a plain convolution: it reads the bytes in place, no transpose
    assert [n.op_type for n in model.graph.node[:5]] == ["Reshape", "Cast", "Sub", "Conv", "Relu"]
    validate_model_dir(out)


def test_u8_network_equals_the_encoder_on_normalized_images(exported):
    out, _ = exported
    rgb = _frames()
    want = run(os.path.join(out, "encoder.onnx"), {"image": _normalize(rgb)})["z"]
    got = run(os.path.join(out, FILE), {INPUT: rgb})["z"]
    assert got.shape == (3, 50)
    assert np.abs(want).max() > 1e-3  # not a degenerate constant
    assert np.abs(got - want).max() < 1e-5


def _one_conv_encoder(path, kernel, strides, pads, dilations=(1, 1), seed=3):
    """An encoder of one convolution (8 channels out) and a flatten, as onnx builds it: z = conv(image)."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    w = rng.normal(size=(8, 3, *kernel)).astype(np.float32)
    b = rng.normal(size=(8,)).astype(np.float32)
    nodes = [helper.make_node("Conv", ["image", "w", "b"], ["c"], kernel_shape=list(kernel), strides=list(strides),
                              pads=list(pads), dilations=list(dilations)),
             helper.make_node("Flatten", ["c"], ["z"], axis=1)]
    graph = helper.make_graph(nodes, "enc", [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["n", 3, 96, 96])],
                              [helper.make_tensor_value_info("z", TensorProto.FLOAT, ["n", "d"])],
                              initializer=[numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return path


_IMAGE = {"height": 96, "width": 96, "channels": 3, "value_range": [-1.0, 1.0], "channel_order": "RGB",
          "layout": "NCHW"}


def _front_end_of_a_one_conv_encoder(tmp_path, kernel, strides, pads, dilations=(1, 1), value_range=(-1.0, 1.0)):
    """The first five ops of encoder_u8 built from a one-convolution encoder, after checking it computes that
    encoder's z on the normalized images."""
    enc = _one_conv_encoder(str(tmp_path / "enc.onnx"), kernel, strides, pads, dilations)
    model = build_encoder_u8(enc, dict(_IMAGE, value_range=list(value_range)))
    u8 = str(tmp_path / "u8.onnx")
    onnx.save(model, u8)
    rgb = _frames(2)
    want = run(enc, {"image": _normalize(rgb, *value_range)})["z"]
    got = run(u8, {INPUT: rgb})["z"]
    assert got.shape == want.shape
    assert np.abs(got - want).max() < 1e-4 * max(1.0, np.abs(want).max())
    return [n.op_type for n in model.graph.node[:5]]


@pytest.mark.parametrize("kernel,strides,pads", [((5, 5), (2, 2), (2, 2, 2, 2)), ((3, 2), (1, 3), (1, 0, 1, 0)),
                                                 ((1, 1), (1, 1), (0, 0, 0, 0)), ((4, 6), (2, 1), (0, 3, 0, 3))])
def test_the_first_convolution_reads_the_bytes_in_place(tmp_path, kernel, strides, pads):
    """Kernels, strides and pads of every shape: the rewritten convolution computes encoder.onnx's sums."""
    ops = _front_end_of_a_one_conv_encoder(tmp_path, kernel, strides, pads)
    assert ops[:4] == ["Reshape", "Cast", "Sub", "Conv"]


@pytest.mark.parametrize("value_range", [(0.0, 1.0), (-0.5, 2.0)])  # [-1, 1]: the test above
def test_the_value_range_is_folded_into_the_first_convolution(tmp_path, value_range):
    """One Sub of -min / s, the weights times s: the zero padding still pads the normalized image, whatever the range
    (the padded border is where a wrong offset shows: 5x5 kernels, pads 2)."""
    ops = _front_end_of_a_one_conv_encoder(tmp_path, (5, 5), (2, 2), (2, 2, 2, 2), value_range=value_range)
    assert ops[:4] == ["Reshape", "Cast", "Sub", "Conv"]


def test_a_first_node_the_view_cannot_feed_keeps_the_transpose(tmp_path):
    """A dilated first convolution (or any other first node) is fed the transposed image, as before."""
    ops = _front_end_of_a_one_conv_encoder(tmp_path, (3, 3), (1, 1), (2, 2, 2, 2), dilations=(2, 2))
    assert ops == ["Transpose", "Cast", "Mul", "Add", "Conv"]


def test_only_the_contracts_rgb_nchw_is_built(exported):
    """Every exported encoder takes RGB, NCHW (validate_model_dir holds manifests to it): other specs are refused."""
    out, _ = exported
    base = {"height": 96, "width": 96, "channels": 3, "value_range": [0.0, 1.0]}
    for order, layout in (("BGR", "NCHW"), ("RGB", "NHWC")):
        with pytest.raises(ValueError, match="the contract: RGB, NCHW"):
            build_encoder_u8(os.path.join(out, "encoder.onnx"), {**base, "channel_order": order, "layout": layout})


def test_idempotent_and_runnable_on_an_existing_dir(exported, tmp_path):
    out, _ = exported
    d = str(tmp_path / "old")
    shutil.copytree(out, d)
    # an older model dir: no encoder_u8 entry, no file
    with open(os.path.join(d, "manifest.json")) as f:
        old = json.load(f)
    del old["models"][KEY]
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump(old, f, indent=2)
        f.write("\n")
    os.remove(os.path.join(d, FILE))
    validate_model_dir(d)  # still valid without it
    encoder_before = sha256_file(os.path.join(d, "encoder.onnx"))

    assert main([d]) == 0
    with open(os.path.join(d, "manifest.json"), "rb") as f:
        first = f.read()
    u8_first = sha256_file(os.path.join(d, FILE))
    m = json.loads(first)
    assert m["models"][KEY]["sha256"] == u8_first == sha256_file(os.path.join(out, FILE))
    assert {k: v for k, v in m.items() if k != "models"} == {k: v for k, v in old.items() if k != "models"}
    assert {k: v for k, v in m["models"].items() if k != KEY} == old["models"]
    assert sha256_file(os.path.join(d, "encoder.onnx")) == encoder_before

    add_encoder_u8(d)  # again: same bytes, same manifest
    with open(os.path.join(d, "manifest.json"), "rb") as f:
        assert f.read() == first
    assert sha256_file(os.path.join(d, FILE)) == u8_first
    validate_model_dir(d)


def test_validation_catches_a_corrupt_missing_or_stale_u8_file(exported, tmp_path):
    out, _ = exported
    d = str(tmp_path / "bad")
    shutil.copytree(out, d)
    with open(os.path.join(d, FILE), "ab") as f:
        f.write(b"\0")
    with pytest.raises(ValueError, match="sha256"):
        validate_model_dir(d, check_onnx=False)
    os.remove(os.path.join(d, FILE))
    with pytest.raises(ValueError, match="missing"):
        validate_model_dir(d, check_onnx=False)
    add_encoder_u8(d)
    mpath = os.path.join(d, "manifest.json")
    with open(mpath) as f:
        m = json.load(f)
    m["models"][KEY]["derived_from"]["sha256"] = "0" * 64
    with open(mpath, "w") as f:
        json.dump(m, f)
    with pytest.raises(ValueError, match="another encoder"):
        validate_model_dir(d, check_onnx=False)


@pytest.mark.parametrize("name", ["demo-pk", "random-w025"])
def test_shipped_model_dirs_carry_encoder_u8(name):
    d = os.path.join(MODELS, name)
    if not os.path.isfile(os.path.join(d, "manifest.json")):
        pytest.skip(f"{d} not present")
    m = validate_model_dir(d)
    entry = m["models"][KEY]
    assert entry["derived_from"]["sha256"] == m["models"]["encoder"]["sha256"]
    # the shipped file is what preprocess builds from the shipped encoder today
    built = build_encoder_u8(os.path.join(d, "encoder.onnx"), m["image"]).SerializeToString()
    with open(os.path.join(d, FILE), "rb") as f:
        assert f.read() == built
