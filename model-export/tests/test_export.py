import json
import os

import numpy as np
import onnx
import pytest
import torch

from onnx_torch_eval import run
from paffmem_pk.export import export_model_dir
from paffmem_pk.export_random import main as export_random_main
from paffmem_pk.losses import LossConfig, manifest_losses
from paffmem_pk.manifest import TENSORS, sha256_file, validate_model_dir
from paffmem_pk.models import PK, PKConfig


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    torch.manual_seed(0)
    out = str(tmp_path_factory.mktemp("model"))
    pk = PK(PKConfig(width=0.0625))
    for mod in pk.modules():  # PyTorch's default init: livelier outputs than N(0, 0.02) at tiny width
        if isinstance(mod, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear)):
            mod.reset_parameters()
    lc = LossConfig(use_iden=False, iden_off_reason="test")
    m = export_model_dir(pk, out, model_id="test", model_version="0", losses=manifest_losses(lc, "all"),
                         training={"kind": "test", "count": 0, "steps": 0, "batch": 4, "seed": 0},
                         validation={"ccc_arousal": 0.0, "ccc_valence": 0.0, "samples": 0, "persons": None})
    return pk.eval(), out, m


def test_onnx_checker_opset_names_and_dynamic_batch(exported):
    _, out, _ = exported
    for key, (fname, ins, outs) in TENSORS.items():
        model = onnx.load(os.path.join(out, fname))
        onnx.checker.check_model(model)
        assert model.opset_import[0].version == 17
        assert [i.name for i in model.graph.input] == [n for n, _ in ins]
        assert [o.name for o in model.graph.output] == [n for n, _ in outs]
        for vi in list(model.graph.input) + list(model.graph.output):
            assert vi.type.tensor_type.shape.dim[0].dim_param == "batch"


def test_onnx_graphs_compute_what_pytorch_computes(exported):
    pk, out, _ = exported
    g = torch.Generator().manual_seed(1)
    x = torch.rand(3, 3, 96, 96, generator=g) * 2 - 1  # batch 3: not the export batch
    affect = torch.rand(3, 2, generator=g) * 2 - 1
    with torch.no_grad():
        z = pk.encoder(x)
        want = {"encoder": z, "generator": pk.generator(z, affect), "dem": pk.dem(z)}
    got = {
        "encoder": run(os.path.join(out, "encoder.onnx"), {"image": x})["z"],
        "generator": run(os.path.join(out, "generator.onnx"), {"z": z, "affect": affect})["image"],
        "dem": run(os.path.join(out, "dem.onnx"), {"z": z})["affect"],
    }
    assert got["generator"].std(axis=(2, 3)).min() > 1e-5  # not a degenerate constant image
    for k in want:
        assert np.abs(got[k] - want[k].numpy()).max() < 1e-4, k
    # the generator's affect input really is (arousal, valence): swapping changes the image
    swapped = run(os.path.join(out, "generator.onnx"), {"z": z, "affect": affect.flip(1)})["image"]
    assert np.abs(swapped - got["generator"]).max() > 1e-4


def test_manifest_valid_and_sha256_checked(exported, tmp_path):
    _, out, m = exported
    assert validate_model_dir(out)["model_id"] == "test"
    for key in ("encoder", "generator", "dem"):
        assert m["models"][key]["sha256"] == sha256_file(os.path.join(out, m["models"][key]["file"]))
    assert m["image"]["channel_order"] == "RGB" and m["image"]["layout"] == "NCHW"
    assert m["label_order"] == ["arousal", "valence"] and m["opset"] == 17 and m["z_dim"] == 50
    assert m["models"]["generator"]["inputs"][1] == {"name": "affect", "shape": [-1, 2], "dtype": "float32",
                                                     "value_range": [-1.0, 1.0]}
    assert m["losses"]["iden"]["enabled"] is False and m["losses"]["iden"]["reason"]
    # a tampered file is detected
    import shutil

    bad = str(tmp_path / "bad")
    shutil.copytree(out, bad)
    with open(os.path.join(bad, "dem.onnx"), "ab") as f:
        f.write(b"\0")
    with pytest.raises(ValueError, match="sha256"):
        validate_model_dir(bad, check_onnx=False)


def test_parity_fixture_is_plain_float32(exported):
    pk, out, _ = exported
    with open(os.path.join(out, "parity", "parity.json")) as f:
        doc = json.load(f)
    assert doc["dtype"] == "float32" and doc["byte_order"] == "little_endian"
    tensors = {}
    for key, entry in doc["models"].items():
        for t in entry["inputs"] + entry["outputs"]:
            arr = np.fromfile(os.path.join(out, "parity", t["file"]), dtype="<f4").reshape(t["shape"])
            assert t["shape"][0] == 2
            tensors[(key, t["name"], t in entry["outputs"])] = arr
    onnx_out = run(os.path.join(out, "encoder.onnx"), {"image": tensors[("encoder", "image", False)]})["z"]
    assert np.abs(onnx_out - tensors[("encoder", "z", True)]).max() < 1e-4
    g = run(os.path.join(out, "generator.onnx"), {"z": tensors[("generator", "z", False)],
                                                   "affect": tensors[("generator", "affect", False)]})["image"]
    assert np.abs(g - tensors[("generator", "image", True)]).max() < 1e-4


def test_export_random_cli(tmp_path):
    out = str(tmp_path / "r")
    export_random_main(["--width", "0.0625", "--out", out])
    m = validate_model_dir(out)
    assert m["width"] == 0.0625 and m["training"]["steps"] == 0 and m["validation"] is None
