"""Widen a trained PK to a larger width without changing what it computes (Net2WiderNet, Chen et al. 2016).

Why: issue 16's quantization goal is stated at the paper's width (1.0), and training a width-1.0 PK from scratch is
days of this CPU. A widened copy of the trained shipped model is a width-1.0 network that starts where the shipped
model is; a short fine-tune at width 1.0 (`train --init-from <widened> --width 1.0`) then makes its copies of each
channel differ, so the result is a trained network of the paper's size, on which INT8 quantization can be measured.

How: every hidden channel c of E and G (convolutions and G's dense layer, whose output is c0 channels of 6x6) becomes
`new / old` copies; a copy's incoming weights and bias are the original's, and the layer after it reads each copy
with a share of the original's outgoing weights. The shares of one channel's copies are random and sum to 1, so the
widened network computes the same function (up to float rounding) while the copies already receive different
gradients. `--noise` adds Gaussian noise of that fraction of each layer's weight spread to the copies' incoming
weights (0 keeps the function exact). D_em works on z, which keeps its 50 dimensions: it is copied as it is. The
discriminators are not part of an exported model and start afresh in the fine-tune, as with any `--init-from`.

    /usr/bin/python3 -m paffmem_pk.widen --model-dir ../models/demo-pk --width 1.0 --out ../data/pk-wide-w1
"""
import argparse
import dataclasses
import json
import os

import numpy as np
import torch

from . import configure_threads
from .export import export_model_dir
from .models import PK, PKConfig
from .onnx_init import load_exported_weights


def channel_map(old: int, new: int, rng: np.random.Generator):
    """new -> old channel index (copy j of channel c is j * old + c) and each copy's share of c's outgoing weights."""
    if new < old:
        raise ValueError(f"cannot widen {old} channels to {new}")
    mapping = np.arange(new) % old
    shares = np.empty(new)
    for c in range(old):
        idx = np.flatnonzero(mapping == c)
        w = rng.uniform(0.5, 1.5, size=len(idx))
        shares[idx] = w / w.sum()
    return torch.from_numpy(mapping).long(), torch.from_numpy(shares).float()


class _Widener:
    def __init__(self, rng: np.random.Generator, noise: float):
        self.rng = rng
        self.noise = noise

    def jitter(self, w: torch.Tensor) -> torch.Tensor:
        if self.noise <= 0:
            return w
        n = torch.from_numpy(self.rng.standard_normal(tuple(w.shape))).float()
        return w + n * (self.noise * float(w.std()))


def _spatial(mapping, shares, side2):
    """A channel map expanded over a flattened C x side x side feature (index c * side2 + p)."""
    m = (mapping[:, None] * side2 + torch.arange(side2)[None, :]).reshape(-1)
    s = shares[:, None].expand(-1, side2).reshape(-1)
    return m, s


@torch.no_grad()
def widen_pk(small: PK, width: float, seed: int = 0, noise: float = 0.0) -> PK:
    """A PK at `width` that computes what `small`'s E, G and D_em compute (exactly when noise is 0)."""
    if width < small.cfg.width:
        raise ValueError(f"width {width} is below the model's {small.cfg.width}")
    big = PK(dataclasses.replace(small.cfg, width=width))
    rng = np.random.default_rng(seed)
    wd = _Widener(rng, noise)

    # Encoder: Conv2d weights are [out, in, k, k]; fc reads the last conv's C x 6 x 6 output.
    se, be = small.encoder, big.encoder
    sconv = [m for m in se.conv if isinstance(m, torch.nn.Conv2d)]
    bconv = [m for m in be.conv if isinstance(m, torch.nn.Conv2d)]
    prev = None  # (mapping, shares) of the layer's input channels
    for s, b in zip(sconv, bconv):
        w = s.weight
        if prev is not None:
            w = w[:, prev[0]] * prev[1][None, :, None, None]
        out_map = channel_map(s.out_channels, b.out_channels, rng)
        b.weight.copy_(wd.jitter(w[out_map[0]]))
        b.bias.copy_(s.bias[out_map[0]])
        prev = out_map
    side2 = (be.fc.in_features // bconv[-1].out_channels)
    m, sh = _spatial(prev[0], prev[1], side2)
    be.fc.weight.copy_(se.fc.weight[:, m] * sh[None, :])
    be.fc.bias.copy_(se.fc.bias)

    # Generator: fc -> c0 x 6 x 6, then ConvTranspose2d, whose weights are [in, out, k, k].
    sg, bg = small.generator, big.generator
    g_side2 = sg.side * sg.side
    c_map = channel_map(sg.c0, bg.c0, rng)
    m, _ = _spatial(c_map[0], c_map[1], g_side2)
    bg.fc.weight.copy_(wd.jitter(sg.fc.weight[m]))
    bg.fc.bias.copy_(sg.fc.bias[m])
    prev = c_map
    sdec = [x for x in sg.deconv if isinstance(x, torch.nn.ConvTranspose2d)]
    bdec = [x for x in bg.deconv if isinstance(x, torch.nn.ConvTranspose2d)]
    for i, (s, b) in enumerate(zip(sdec, bdec)):
        w = s.weight[prev[0]] * prev[1][:, None, None, None]
        if i == len(sdec) - 1:  # the RGB output keeps its 3 channels
            b.weight.copy_(w)
            b.bias.copy_(s.bias)
            break
        out_map = channel_map(s.out_channels, b.out_channels, rng)
        b.weight.copy_(wd.jitter(w[:, out_map[0]]))
        b.bias.copy_(s.bias[out_map[0]])
        prev = out_map

    big.dem.load_state_dict(small.dem.state_dict())
    return big


@torch.no_grad()
def copy_spread(pk: PK, old_width: float) -> dict:
    """How far each layer's copies of one original channel have moved apart: per convolution of E and G (incoming
    weights, copy j of channel c being j * old + c as `channel_map` lays them out), the mean over channels of the
    copies' standard deviation divided by their mean absolute weight. 0 for an exact widening; it grows as a
    fine-tune makes the copies different channels."""
    out = {}
    convs = [(f"encoder.conv.{i}", m, 0) for i, m in enumerate(pk.encoder.conv) if isinstance(m, torch.nn.Conv2d)]
    convs += [(f"generator.deconv.{i}", m, 1) for i, m in enumerate(pk.generator.deconv)
              if isinstance(m, torch.nn.ConvTranspose2d)][:-1]  # the RGB output layer has no copies
    for name, m, axis in convs:
        w = m.weight.transpose(0, axis) if axis else m.weight  # [out, ...]
        n_old = max(1, int(round(w.shape[0] * old_width / pk.cfg.width)))
        groups = w.reshape(w.shape[0] // n_old, n_old, -1)  # [copy, channel, weights]
        spread = groups.std(dim=0).mean(dim=1) / groups.abs().mean(dim=(0, 2)).clamp_min(1e-12)
        out[name] = round(float(spread.mean()), 4)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description="Widen an exported PK model directory (function-preserving).")
    ap.add_argument("--model-dir", required=True, help="exported model directory (encoder/generator/dem.onnx)")
    ap.add_argument("--width", type=float, default=1.0, help="target width multiplier; 1.0 = the paper's network")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0, help="seeds the copies' shares and noise")
    ap.add_argument("--noise", type=float, default=0.0,
                    help="Gaussian noise on the copies' incoming weights, as a fraction of each layer's weight "
                         "standard deviation (0: the widened model computes exactly what the original does)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    configure_threads(args.threads)
    with open(os.path.join(args.model_dir, "manifest.json")) as f:
        src = json.load(f)
    small = PK(PKConfig.from_dict(src["architecture"]["config"]))
    load_exported_weights(small, args.model_dir)
    big = widen_pk(small, args.width, seed=args.seed, noise=args.noise)
    wtag = f"{args.width:g}".replace(".", "")
    training = dict(src.get("training") or {})
    training["widened_from"] = {"model_id": src.get("model_id"), "model_version": src.get("model_version"),
                                "width": small.cfg.width, "seed": args.seed, "noise": args.noise,
                                "method": "Net2WiderNet: copied channels, random outgoing shares summing to 1"}
    m = export_model_dir(big, args.out, model_id=f"{src.get('model_id', 'paffmem-pk')}-widened-w{wtag}",
                         model_version=src.get("model_version", "0.0.0"), losses=src.get("losses"),
                         training=training, validation=src.get("validation"))
    print(json.dumps({"out": args.out, "model_id": m["model_id"], "parameters": m["architecture"]["parameters"]},
                     indent=2))


if __name__ == "__main__":
    main()
