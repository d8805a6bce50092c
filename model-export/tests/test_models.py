import torch

from paffmem_pk.models import PK, PKConfig, count_parameters


def test_shapes_and_ranges():
    torch.manual_seed(0)
    pk = PK(PKConfig(width=0.0625))
    x = torch.rand(3, 3, 96, 96) * 2 - 1
    y = torch.rand(3, 2) * 2 - 1
    z = pk.encoder(x)
    assert z.shape == (3, 50) and z.abs().max() <= 1
    g = pk.generator(z, y)
    assert g.shape == (3, 3, 96, 96) and g.abs().max() <= 1
    assert pk.dem(z).shape == (3, 2)
    assert pk.dprior(z).shape == (3,)
    assert pk.dreal(g, y).shape == (3,)


def test_generator_input_is_z_valence_arousal():
    pk = PK(PKConfig(width=0.0625))
    z = torch.zeros(1, 50)
    cond = pk.generator.condition(z, torch.tensor([[0.3, -0.7]]))  # (arousal, valence)
    assert cond.shape == (1, 150)
    assert torch.all(cond[0, 50:100] == -0.7) and torch.all(cond[0, 100:] == 0.3)


def test_dreal_sees_y_at_every_convolution():
    pk = PK(PKConfig(width=0.0625))
    convs = [m[0] for m in pk.dreal.convs]
    assert len(convs) == 4
    assert convs[0].in_channels == 3 + 2
    for prev, conv in zip(convs[:-1], convs[1:]):
        assert conv.in_channels == prev.out_channels + 2
    x = torch.zeros(2, 3, 96, 96)
    pk.eval()
    a = pk.dreal(x, torch.tensor([[0.0, 0.0], [0.0, 0.0]]))
    b = pk.dreal(x, torch.tensor([[0.9, -0.9], [0.9, -0.9]]))
    assert not torch.allclose(a, b)


def test_init_normal_002_and_zero_biases():
    torch.manual_seed(0)
    pk = PK(PKConfig(width=0.25))
    w = pk.generator.fc.weight
    assert abs(w.std().item() - 0.02) < 0.002 and abs(w.mean().item()) < 0.002
    for m in pk.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear)):
            assert torch.all(m.bias == 0)


def test_full_width_is_the_papers_network():
    pk = PK(PKConfig(width=1.0))
    convs = [m for m in pk.encoder.conv if isinstance(m, torch.nn.Conv2d)]
    assert [c.out_channels for c in convs] == [64, 128, 256, 512]
    assert pk.encoder.fc.in_features == 6 * 6 * 512
    deconvs = [m for m in pk.generator.deconv if isinstance(m, torch.nn.ConvTranspose2d)]
    assert [d.out_channels for d in deconvs] == [512, 256, 128, 64, 32, 3]
    assert [d.stride[0] for d in deconvs] == [2, 2, 2, 2, 1, 1]
    assert pk.generator.fc.out_features == 6 * 6 * 1024
    assert 20e6 < count_parameters(pk.generator) < 26e6
