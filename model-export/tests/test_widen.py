"""paffmem_pk.widen: a widened PK computes what the original computes, and its copies can learn apart."""
import json
import os

import numpy as np
import pytest
import torch

from paffmem_pk.models import PK, PKConfig
from paffmem_pk.onnx_init import load_exported_weights
from paffmem_pk.widen import channel_map, main, widen_pk


def _random_pk(width, seed=0):
    torch.manual_seed(seed)
    pk = PK(PKConfig(width=width, dem_hidden=16, prior_hidden=(8, 4, 2)))
    for mod in pk.modules():  # larger weights than N(0, 0.02), so every layer's output matters
        if isinstance(mod, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear)):
            mod.reset_parameters()
    return pk.eval()


def _outputs(pk, x, z, y):
    with torch.no_grad():
        return pk.encoder(x), pk.generator(z, y), pk.dem(z)


def test_channel_map_copies_every_channel_and_shares_sum_to_one():
    mapping, shares = channel_map(3, 12, np.random.default_rng(0))
    assert sorted(set(mapping.tolist())) == [0, 1, 2]
    assert all((mapping == c).sum() == 4 for c in range(3))
    for c in range(3):
        assert float(shares[mapping == c].sum()) == pytest.approx(1.0, abs=1e-6)
    assert len(set(shares.tolist())) > 3  # random shares, not 1/4 each
    with pytest.raises(ValueError):
        channel_map(4, 3, np.random.default_rng(0))


def test_widened_model_computes_the_same_encoder_generator_and_dem():
    small = _random_pk(0.03125)
    big = widen_pk(small, 0.125, seed=3).eval()
    assert big.encoder.conv[0].out_channels == 4 * small.encoder.conv[0].out_channels
    assert big.generator.c0 == 4 * small.generator.c0
    g = torch.Generator().manual_seed(1)
    x = torch.rand(3, 3, 96, 96, generator=g) * 2 - 1
    z = torch.rand(3, 50, generator=g) * 2 - 1
    y = torch.rand(3, 2, generator=g) * 2 - 1
    for a, b in zip(_outputs(small, x, z, y), _outputs(big, x, z, y)):
        assert torch.allclose(a, b, atol=1e-5), float((a - b).abs().max())


def test_noise_moves_the_function_a_little_and_breaks_the_copies_apart():
    small = _random_pk(0.03125)
    exact = widen_pk(small, 0.0625, seed=3)
    noisy = widen_pk(small, 0.0625, seed=3, noise=0.05)
    w = noisy.encoder.conv[0].weight
    half = w.shape[0] // 2
    assert not torch.allclose(w[:half], w[half:])  # copy 1 of each channel differs from copy 0
    assert torch.allclose(exact.encoder.conv[0].weight[:half], exact.encoder.conv[0].weight[half:])
    x = torch.rand(2, 3, 96, 96, generator=torch.Generator().manual_seed(2)) * 2 - 1
    with torch.no_grad():
        d = (exact.encoder(x) - noisy.encoder(x)).abs().max()
    assert 0 < float(d) < 0.2


def test_cli_exports_a_widened_model_directory(tmp_path):
    from tests.tiny_pk import export_tiny_pk

    src, out = str(tmp_path / "small"), str(tmp_path / "wide")
    export_tiny_pk(src, "tiny", seed=5)
    main(["--model-dir", src, "--width", "0.0625", "--out", out, "--threads", "1"])
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    assert manifest["architecture"]["config"]["width"] == 0.0625
    assert manifest["training"]["widened_from"]["width"] == 0.03125
    small = PK(PKConfig(width=0.03125, dem_hidden=16, prior_hidden=(8, 4, 2)))
    load_exported_weights(small, src)
    big = PK(PKConfig(width=0.0625, dem_hidden=16, prior_hidden=(8, 4, 2)))
    load_exported_weights(big, out)
    x = torch.rand(2, 3, 96, 96, generator=torch.Generator().manual_seed(4)) * 2 - 1
    with torch.no_grad():
        assert torch.allclose(small.encoder(x), big.encoder(x), atol=1e-5)


def test_copy_spread_is_zero_for_an_exact_widening_and_grows_with_noise():
    from paffmem_pk.widen import copy_spread

    small = _random_pk(0.03125)
    exact = copy_spread(widen_pk(small, 0.125, seed=1), 0.03125)
    noisy = copy_spread(widen_pk(small, 0.125, seed=1, noise=0.1), 0.03125)
    assert set(exact) == set(noisy) and len(exact) == 4 + 5  # E's four convolutions, G's five hidden ones
    assert all(v < 1e-6 for v in exact.values())
    assert all(v > 0.01 for v in noisy.values())
