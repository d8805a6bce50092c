"""quantize.py: int8 QDQ generator and encoder, ConvTranspose rewritten as Conv (+ DepthToSpace), manifest entries."""
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
from paffmem_pk.quantize import add_quantized, convtranspose_to_conv, main

MODELS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "models")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    torch.manual_seed(0)
    out = str(tmp_path_factory.mktemp("model"))
    pk = PK(PKConfig(width=0.25))  # wide enough that most layers have >= 16 output channels (quantized)
    for mod in pk.modules():  # livelier outputs than N(0, 0.02)
        if isinstance(mod, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear)):
            mod.reset_parameters()
    export_model_dir(pk, out, model_id="test", model_version="0",
                     losses=manifest_losses(LossConfig(use_iden=False, iden_off_reason="test"), "all"),
                     training={"kind": "test", "count": 0, "steps": 0, "batch": 4, "seed": 0}, validation=None)
    return out


def _faces(n, seed):
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, size=(1, 96, 96, 3)).astype(np.int16)  # one "person", varied a little
    return np.clip(base + rng.integers(-40, 40, size=(n, 96, 96, 3)), 0, 255).astype(np.uint8)


def _inputs(seed=3, n=6):
    rng = np.random.default_rng(seed)
    z = rng.uniform(-1, 1, (n, 50)).astype(np.float32)
    y = rng.uniform(-1, 1, (n, 2)).astype(np.float32)
    return z, y


def test_convtranspose_as_conv_is_the_same_function(exported, tmp_path):
    path = os.path.join(exported, "generator.onnx")
    m = convtranspose_to_conv(onnx.load(path))
    ops = [n.op_type for n in m.graph.node]
    assert "ConvTranspose" not in ops and ops.count("DepthToSpace") == 4 and ops.count("Conv") == 6
    out = str(tmp_path / "g.onnx")
    onnx.save(m, out)
    z, y = _inputs()
    a = run(path, {"z": z, "affect": y})["image"]
    b = run(out, {"z": z, "affect": y})["image"]
    assert np.abs(a - b).max() < 1e-5


def test_quantized_files_are_recorded_valid_and_close_to_float(exported, tmp_path):
    d = str(tmp_path / "m")
    shutil.copytree(exported, d)
    entries = add_quantized(d, _faces(40, 1), seed=0, source="test")
    m = validate_model_dir(d)
    for net in ("generator", "encoder"):
        q = m["models"][net]["quantized"]
        assert q == entries[net]
        assert q["precision"] == "int8" and q["file"] == f"{net}_int8.onnx"
        assert q["sha256"] == sha256_file(os.path.join(d, q["file"]))
        assert q["derived_from"]["sha256"] == m["models"][net]["sha256"]
        graph = onnx.load(os.path.join(d, q["file"])).graph
        assert [i.name for i in graph.input] == [t["name"] for t in m["models"][net]["inputs"]]
        assert [o.name for o in graph.output] == [t["name"] for t in m["models"][net]["outputs"]]
        ops = [n.op_type for n in graph.node]
        # ReLUs after quantized ops became uint8 pairs; G's 8-channel layer stays float (MIN_CHANNELS) with its ReLU
        assert ops.count("QuantizeLinear") >= 3 and ops.count("Relu") == (1 if net == "generator" else 0)
        weights = [i for i in graph.initializer if i.name.endswith(".weight_quantized")]
        assert weights and all(i.data_type == onnx.TensorProto.INT8 for i in weights)
    z, y = _inputs()
    g = run(os.path.join(d, "generator.onnx"), {"z": z, "affect": y})["image"]
    gq = run(os.path.join(d, "generator_int8.onnx"), {"z": z, "affect": y})["image"]
    assert np.abs(g - gq).mean() < 0.02 * np.abs(g).mean() + 0.01
    e = run(os.path.join(d, "encoder.onnx"), {"image": g})["z"]
    eq = run(os.path.join(d, "encoder_int8.onnx"), {"image": g})["z"]
    assert np.abs(e - eq).mean() < 0.05 * np.abs(e).std() + 0.01
    assert np.abs(e - eq).max() > 0  # it is quantized, not a copy


def test_rebuilding_gives_the_same_bytes_and_tampering_is_caught(exported, tmp_path):
    d = str(tmp_path / "m")
    shutil.copytree(exported, d)
    first = add_quantized(d, _faces(20, 2))
    second = add_quantized(d, _faces(20, 2))
    assert first == second
    with open(os.path.join(d, "generator_int8.onnx"), "ab") as f:
        f.write(b"x")
    with pytest.raises(ValueError, match="sha256 mismatch"):
        validate_model_dir(d)


def test_the_cli_reads_training_faces(exported, tmp_path):
    from conftest import make_affectnet

    data = str(tmp_path / "data")
    make_affectnet(data)
    d = str(tmp_path / "m")
    shutil.copytree(exported, d)
    assert main([d, "--data", data, "--calibration", "10", "--threads", "1"]) == 0
    with open(os.path.join(d, "manifest.json")) as f:
        assert json.load(f)["models"]["generator"]["quantized"]["method"]["calibration"]["faces"] == 10


def test_the_shipped_model_declares_its_int8_files():
    d = os.path.join(MODELS, "demo-pk")
    m = validate_model_dir(d, check_onnx=False)
    for net in ("generator", "encoder"):
        assert m["models"][net]["quantized"]["derived_from"]["sha256"] == m["models"][net]["sha256"]
