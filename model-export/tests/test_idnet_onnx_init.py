"""The identity network (shapes, frozen features, a training run that separates persons) and --init-from."""
import os

import numpy as np
import torch

from paffmem_pk.idnet import FrozenIdentity, IdentityNet, load_identity_features
from paffmem_pk.idnet import main as idnet_main
from paffmem_pk.models import PK, PKConfig
from paffmem_pk.onnx_init import load_exported_weights


def test_identity_features_are_five_frozen_taps_and_a_unit_embedding():
    net = IdentityNet(width=4, dim=8)
    x = torch.rand(3, 3, 96, 96) * 2 - 1
    taps = net(x)
    assert [t.shape[-1] for t in taps] == [48, 24, 12, 6, 3]
    assert torch.allclose(net.embed(x).norm(dim=1), torch.ones(3), atol=1e-5)
    frozen = FrozenIdentity(net)
    frozen.train()
    assert not frozen.net.training and not any(p.requires_grad for p in frozen.parameters())


def test_idnet_cli_trains_and_reloads(affectnet_dir, tmp_path):
    out = tmp_path / "idnet.pt"
    idnet_main(["--data", str(affectnet_dir), "--out", str(out), "--steps", "3", "--batch", "8", "--width", "4",
                "--cache-dir", str(tmp_path / "cache"), "--workers", "1"])
    ck = torch.load(out, map_location="cpu")
    assert ck["steps"] == 3 and ck["persons"] >= 2 and 0.0 <= ck["validation"]["verification_accuracy"] <= 1.0
    feats = load_identity_features(str(out))
    assert len(feats(torch.zeros(1, 3, 96, 96))) == 5


def test_init_from_an_exported_model_reproduces_its_networks(tmp_path):
    from paffmem_pk.export import export_model_dir

    torch.manual_seed(3)
    src = PK(PKConfig(width=0.0625))
    export_model_dir(src, str(tmp_path / "m"), model_id="t", model_version="0", losses={}, training={},
                     validation=None, parity_images=None)
    dst = PK(PKConfig(width=0.0625))
    load_exported_weights(dst, str(tmp_path / "m"))
    for part in ("encoder", "generator", "dem"):
        a, b = getattr(src, part).state_dict(), getattr(dst, part).state_dict()
        assert all(torch.equal(a[k], b[k]) for k in a), part
    assert not torch.equal(src.dreal.fc[0].weight, dst.dreal.fc[0].weight), "discriminators start fresh"
