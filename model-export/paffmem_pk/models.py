"""The PK networks (paper 2.1): encoder E, generator G and the three discriminators.

Every affect tensor is ordered (arousal, valence). Images are N x 3 x 96 x 96, RGB, in [-1, 1].
`width` scales every channel count (and G's / D_real's dense widths); 1.0 is the paper's network.
"""
from dataclasses import asdict, dataclass

import torch
from torch import nn

from . import IMAGE_SIZE, LABEL_REPEAT, Z_DIM


@dataclass
class PKConfig:
    width: float = 1.0
    z_dim: int = Z_DIM
    label_repeat: int = LABEL_REPEAT
    dem_hidden: int = 128  # the paper gives no size for D_em's hidden layer
    prior_hidden: tuple = (64, 32, 16)  # D_prior: three ReLU layers + logit = four dense layers

    def ch(self, c: int) -> int:
        return max(1, int(round(c * self.width)))

    def to_dict(self):
        d = asdict(self)
        d["prior_hidden"] = list(self.prior_hidden)
        return d

    @staticmethod
    def from_dict(d):
        d = dict(d)
        d["prior_hidden"] = tuple(d.get("prior_hidden", (64, 32, 16)))
        return PKConfig(**d)


def init_weights(module: nn.Module) -> None:
    """Paper 2.3: weights N(0, 0.02), biases 0 (batch-norm scales start at 1)."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


class Encoder(nn.Module):
    """Four 5x5 stride-2 convolutions (96 -> 6), ReLU, dense -> tanh: z in [-1, 1]^50."""

    def __init__(self, cfg: PKConfig):
        super().__init__()
        chans = [3] + [cfg.ch(c) for c in (64, 128, 256, 512)]
        layers = []
        for cin, cout in zip(chans[:-1], chans[1:]):
            layers += [nn.Conv2d(cin, cout, 5, stride=2, padding=2), nn.ReLU(inplace=True)]
        self.conv = nn.Sequential(*layers)
        side = IMAGE_SIZE // 16
        self.fc = nn.Linear(chans[-1] * side * side, cfg.z_dim)

    def forward(self, image):
        h = self.conv(image)
        return torch.tanh(self.fc(torch.flatten(h, 1)))


class Generator(nn.Module):
    """Input [z, valence x50, arousal x50]; dense -> 6x6, four stride-2 and two stride-1
    5x5 transposed convolutions (6 -> 96), ReLU, tanh output in [-1, 1]."""

    def __init__(self, cfg: PKConfig):
        super().__init__()
        self.cfg = cfg
        self.side = IMAGE_SIZE // 16
        self.c0 = cfg.ch(1024)
        self.fc = nn.Linear(cfg.z_dim + 2 * cfg.label_repeat, self.c0 * self.side * self.side)
        chans = [self.c0] + [cfg.ch(c) for c in (512, 256, 128, 64)]
        layers = []
        for cin, cout in zip(chans[:-1], chans[1:]):
            layers += [nn.ConvTranspose2d(cin, cout, 5, stride=2, padding=2, output_padding=1),
                       nn.ReLU(inplace=True)]
        c32 = cfg.ch(32)
        layers += [nn.ConvTranspose2d(chans[-1], c32, 5, stride=1, padding=2), nn.ReLU(inplace=True),
                   nn.ConvTranspose2d(c32, 3, 5, stride=1, padding=2), nn.Tanh()]
        self.deconv = nn.Sequential(*layers)

    def condition(self, z, affect):
        """affect is (arousal, valence); the paper's input order is [z, valence..., arousal...]."""
        r = self.cfg.label_repeat
        arousal = affect[:, 0:1].repeat(1, r)
        valence = affect[:, 1:2].repeat(1, r)
        return torch.cat([z, valence, arousal], dim=1)

    def forward(self, z, affect):
        h = torch.relu(self.fc(self.condition(z, affect)))
        h = h.view(-1, self.c0, self.side, self.side)
        return self.deconv(h)


class DEm(nn.Module):
    """Arousal/valence regressor on z: dense + ReLU, dense 2 + tanh -> (arousal, valence)."""

    def __init__(self, cfg: PKConfig):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(cfg.z_dim, cfg.dem_hidden), nn.ReLU(inplace=True),
                                 nn.Linear(cfg.dem_hidden, 2), nn.Tanh())

    def forward(self, z):
        return self.net(z)


class DPrior(nn.Module):
    """Tells z = E(x) from samples of U(-1, 1)^50: four dense layers, the last a logit."""

    def __init__(self, cfg: PKConfig):
        super().__init__()
        dims = [cfg.z_dim] + list(cfg.prior_hidden)
        layers = []
        for a, b in zip(dims[:-1], dims[1:]):
            layers += [nn.Linear(a, b), nn.ReLU(inplace=True)]
        layers.append(nn.Linear(dims[-1], 1))
        self.net = nn.Sequential(*layers)

    def forward(self, z):
        return self.net(z).squeeze(1)


class DReal(nn.Module):
    """Real/fake image discriminator conditioned on y (arousal, valence).

    y is tiled to two constant feature maps and concatenated to the input of *every*
    convolution (paper 2.1.4; the public code did it after the first one only).
    Four 5x5 stride-2 convolutions 16/32/64/128 with batch norm + ReLU, dense 1024
    (LeakyReLU 0.2), dense 1 (logit).
    """

    def __init__(self, cfg: PKConfig):
        super().__init__()
        chans = [3] + [cfg.ch(c) for c in (16, 32, 64, 128)]
        self.convs = nn.ModuleList()
        for i, (cin, cout) in enumerate(zip(chans[:-1], chans[1:])):
            block = [nn.Conv2d(cin + 2, cout, 5, stride=2, padding=2)]
            if i > 0:  # no batch norm on the input layer (DCGAN practice)
                block.append(nn.BatchNorm2d(cout))
            block.append(nn.ReLU(inplace=True))
            self.convs.append(nn.Sequential(*block))
        side = IMAGE_SIZE // 16
        self.fc = nn.Sequential(nn.Linear(chans[-1] * side * side, cfg.ch(1024)), nn.LeakyReLU(0.2, inplace=True),
                                nn.Linear(cfg.ch(1024), 1))

    def forward(self, image, affect):
        h = image
        for conv in self.convs:
            y = affect[:, :, None, None].expand(-1, -1, h.shape[2], h.shape[3])
            h = conv(torch.cat([h, y], dim=1))
        return self.fc(torch.flatten(h, 1)).squeeze(1)


class PK(nn.Module):
    """Container of the five networks, so one state_dict holds the whole model."""

    def __init__(self, cfg: PKConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.generator = Generator(cfg)
        self.dem = DEm(cfg)
        self.dprior = DPrior(cfg)
        self.dreal = DReal(cfg)
        init_weights(self)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
