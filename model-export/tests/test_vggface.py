"""The VGG-Face loader, on tiny .mat files with the structure of MatConvNet's vgg_face.mat."""
import numpy as np
import pytest
import scipy.io
import torch

from paffmem_pk.losses import LossConfig, PKTrainer
from paffmem_pk.models import PK, PKConfig
from paffmem_pk.vggface import identity_loss, load_vggface_mat

MEAN = np.array([129.1863, 104.7624, 93.5940])


def _cell(items):
    c = np.empty((1, len(items)), dtype=object)
    for i, it in enumerate(items):
        c[0, i] = it
    return c


def tiny_layers(rng, old_format=False):
    """Five blocks of conv3x3 (pad 1) + relu + pool, then fc6 (a 3x3 'conv' on the 3x3 map) and softmax."""
    layers, cin = [], 3
    for b in range(1, 6):
        f = rng.normal(0, 0.05, size=(3, 3, cin, 4)).astype(np.float32)
        bias = rng.normal(0, 0.1, size=(4,)).astype(np.float32)
        conv = {"type": "conv", "name": f"conv{b}_1", "stride": np.array([1.0, 1.0]), "pad": np.array([1.0, 1, 1, 1])}
        if old_format:
            conv.update(filters=f, biases=bias)
        else:
            conv["weights"] = _cell([f, bias])
        layers += [conv, {"type": "relu", "name": f"relu{b}_1"},
                   {"type": "pool", "name": f"pool{b}", "method": "max", "pool": np.array([2.0, 2]),
                    "stride": np.array([2.0, 2]), "pad": np.array([0.0, 0, 0, 0])}]
        cin = 4
    layers += [{"type": "conv", "name": "fc6", "weights": _cell([np.zeros((3, 3, 4, 8), np.float32), np.zeros(8, np.float32)]),
                "stride": np.array([1.0, 1]), "pad": np.array([0.0, 0, 0, 0])},
               {"type": "softmax", "name": "prob"}]
    return layers


@pytest.fixture
def vgg_mat(tmp_path):
    rng = np.random.RandomState(0)
    layers = tiny_layers(rng)
    path = str(tmp_path / "vgg_face.mat")
    avg = MEAN.reshape(1, 1, 3)
    scipy.io.savemat(path, {"net": {"layers": _cell(layers), "classes": {"name": _cell(["a", "b"])},
                                    "normalization": {"averageImage": avg, "imageSize": np.array([224.0, 224, 3])}}})
    return path, layers


def test_loads_layers_and_taps_block_ends(vgg_mat):
    path, _ = vgg_mat
    vgg = load_vggface_mat(path)
    convs = [m for m in vgg.layers if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == 5  # fc6 and softmax are not part of the feature extractor
    feats = vgg(torch.zeros(2, 3, 96, 96))
    assert [f.shape[-1] for f in feats] == [96, 48, 24, 12, 6]  # relu of each block, before its pool
    np.testing.assert_allclose(vgg.mean.view(-1).numpy(), MEAN, rtol=1e-5)
    assert not any(p.requires_grad for p in vgg.parameters())


def test_first_conv_matches_matconvnet_semantics(vgg_mat):
    """MatConvNet: y[r, c, o] = b[o] + sum f[i, j, d, o] * x[r + i - pad, c + j - pad, d] on x = pixels - mean."""
    path, layers = vgg_mat
    vgg = load_vggface_mat(path, taps="convs", n_taps=1)
    f, b = layers[0]["weights"][0, 0], layers[0]["weights"][0, 1]
    rng = np.random.RandomState(1)
    x = rng.uniform(-1, 1, size=(1, 3, 96, 96)).astype(np.float32)
    img = (x[0].transpose(1, 2, 0) + 1) * 127.5 - MEAN  # H x W x C
    pad = np.pad(img, ((1, 1), (1, 1), (0, 0)))
    want = np.zeros((96, 96, 4))
    for i in range(3):
        for j in range(3):
            want += np.einsum("hwd,do->hwo", pad[i:i + 96, j:j + 96], f[i, j])
    want = np.maximum(want + b, 0).transpose(2, 0, 1)
    got = vgg(torch.from_numpy(x))[0][0].numpy()
    assert np.abs(got - want).max() < 1e-3 * max(1.0, np.abs(want).max())


def test_old_layout_top_level_layers_with_filters_biases(tmp_path):
    layers = tiny_layers(np.random.RandomState(0), old_format=True)
    path = str(tmp_path / "old.mat")
    scipy.io.savemat(path, {"layers": _cell(layers)})
    vgg = load_vggface_mat(path, taps="convs")
    assert len(vgg(torch.zeros(1, 3, 96, 96))) == 5


def test_identity_loss_and_training_with_vggface(vgg_mat):
    vgg = load_vggface_mat(vgg_mat[0])
    x = torch.rand(2, 3, 96, 96) * 2 - 1
    assert identity_loss(vgg, x, x).item() == 0.0
    assert identity_loss(vgg, x, -x).item() > 0.0
    lc = LossConfig()
    tr = PKTrainer(PK(PKConfig(width=0.0625)), lc, vgg=vgg)
    out = tr.step(x, torch.rand(2, 2) * 2 - 1)
    assert lc.use_iden and np.isfinite(out["iden"])


def test_missing_layers_is_an_error(tmp_path):
    path = str(tmp_path / "empty.mat")
    scipy.io.savemat(path, {"something": np.zeros(3)})
    with pytest.raises(ValueError):
        load_vggface_mat(path)
