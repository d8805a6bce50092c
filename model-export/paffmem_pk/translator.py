"""A frame translator: the person's frame at another emotion, learnt from labelled videos (issue 12).

The frame editor (editor.py) learns from single labelled faces what an edit should make the frozen PK read; it keeps
the person but cannot show what moving pixels cannot (an opened mouth), and free colour changes there turned into
patterns that fool the frozen encoder. This generator learns from pairs instead: two frames of the same video (one
person, one camera and light) with their per-frame labels, as a user with a labelled video corpus has them
(OMG-Emotion's training videos, Aff-Wild2, SEWA). Given frame a, its PK reading and b's label, it must draw frame
b: a pixel loss against a real face leaves no room for adversarial patterns, and what the person looks like at
the other emotion, their anatomy included, is in the target itself.

Architecture: a U-Net (96 -> 48 -> 24 -> 12 and back to 96 with skips at every level), the target and the PK's
reading of the frame tiled at the input and at the bottleneck, output = the frame plus a full-resolution change
(the head starts at zero: the identity edit). Same ONNX contract as the editor: generator.onnx is (frame, affect)
-> image (export with `--export`, or paffmem_pk.export_editor with `--translator`).

    ./paffmem faces omg --out data/pairs-7001 --seed 7001 --persons 240 --seconds 24 \\
        --confound-share 0 --atypical-share 0 --calibration-grid 0
    /usr/bin/python3 -m paffmem_pk.translator --model-dir ../models/demo-pk --videos ../data/pairs-7001 \\
        --run runs/translator --steps 3000
"""
import argparse
import csv
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from .checkpoint import read_checkpoint
from .data import to_tensor
from .editor import _Block, _ConditionedUNet, add_run_options, run_steps, start_run, weighted_step


class FrameTranslator(_ConditionedUNet):
    def __init__(self, base: int = 12):
        super().__init__()
        c = base
        self.config = {"base": base}
        self._build_trunk(c)
        self.u2 = _Block(4 * c + 2 * c, 2 * c)
        self.u1 = _Block(2 * c + c, c)
        self.head = nn.Conv2d(c, 3, 3, padding=1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, image, target, reading):
        h0, h1, u = self._trunk(image, target, reading)
        u = self.u2(torch.cat([F.interpolate(u, scale_factor=2.0, mode="nearest"), h1], dim=1))
        u = self.u1(torch.cat([F.interpolate(u, scale_factor=2.0, mode="nearest"), h0], dim=1))
        return torch.clamp(image + 2.0 * torch.tanh(self.head(u)), -1.0, 1.0)


class VideoFrames:
    """Every `stride`-th frame of an OMG-layout set's videos (frames.csv), decoded at 96 x 96, with per-frame labels
    and video ids; `pairs` draws two frames of one video."""

    def __init__(self, dataset: str, stride: int = 4, workers: int = 2):
        rows = []
        with open(os.path.join(dataset, "frames.csv")) as f:
            for i, r in enumerate(csv.DictReader(f)):
                if int(r["frame"]) % stride == 0:
                    rows.append(r)

        def load(r):
            with Image.open(os.path.join(dataset, r["file"])) as im:
                return np.asarray(im.convert("RGB").resize((96, 96), Image.BILINEAR), dtype=np.uint8)

        with ThreadPoolExecutor(workers) as ex:
            self.images = np.stack(list(ex.map(load, rows)))
        self.labels = np.array([[float(r["arousal"]), float(r["valence"])] for r in rows], dtype=np.float32)
        videos = [r["video"] for r in rows]
        by = defaultdict(list)
        for i, v in enumerate(videos):
            by[v].append(i)
        self.by_video = [np.array(ix) for _, ix in sorted(by.items())]

    def pairs(self, n: int, rng: np.random.RandomState):
        ia, ib = [], []
        for v in rng.randint(len(self.by_video), size=n):
            a, b = rng.choice(self.by_video[v], 2, replace=False)
            ia.append(a)
            ib.append(b)
        return np.array(ia), np.array(ib)


class TranslatorTrainer:
    def __init__(self, net, pk, weights, lr=2e-4):
        self.net, self.pk, self.w = net, pk, weights
        self.opt = torch.optim.Adam(net.parameters(), lr=lr, betas=(0.5, 0.999))

    def step(self, xa, ya, xb, yb):
        pk, w = self.pk, self.w
        n = xa.shape[0]
        with torch.no_grad():
            read_a = pk.dem(pk.encoder(xa))
            z_b = pk.encoder(xb)
        out = self.net(torch.cat([xa, xa]), torch.cat([yb, ya]), torch.cat([read_a, read_a]))
        edit, rec = out[:n], out[n:]
        z_edit = pk.encoder(edit)
        losses = {"pair": torch.mean(torch.abs(edit - xb)),
                  "rec": torch.mean(torch.abs(rec - xa)),
                  "z": torch.mean((z_edit - z_b) ** 2),
                  "read": torch.mean((pk.dem(z_edit) - pk.dem(z_b)) ** 2)}
        return weighted_step(self.opt, losses, w)


def build_parser():
    ap = argparse.ArgumentParser(prog="python3 -m paffmem_pk.translator", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", required=True, help="exported PK (E and D_em are frozen; G is replaced)")
    ap.add_argument("--videos", required=True, help="OMG-layout set with per-frame labels (frames.csv)")
    ap.add_argument("--stride", type=int, default=4, help="use every n-th frame")
    ap.add_argument("--base", type=int, default=12)
    for k, v in (("pair", 10.0), ("rec", 5.0), ("z", 1.0), ("read", 1.0)):
        ap.add_argument(f"--w-{k}", type=float, default=v, help=f"weight of the {k} loss")
    add_run_options(ap, run="runs/translator", batch=24)
    return ap


def load_translator(path):
    ck = read_checkpoint(path)
    net = FrameTranslator(**ck["config"])
    net.load_state_dict(ck["net"])
    net.eval()
    return net


def main(argv=None):
    args = build_parser().parse_args(argv)
    rng, pk = start_run(args)
    t0 = time.time()
    data = VideoFrames(args.videos, args.stride)
    print(f"{len(data.images)} frames of {len(data.by_video)} videos in {time.time() - t0:.0f} s", file=sys.stderr)
    net = FrameTranslator(args.base)
    trainer = TranslatorTrainer(net, pk, {k: getattr(args, f"w_{k}") for k in ("pair", "rec", "z", "read")}, args.lr)
    ckpt = os.path.join(args.run, "last.pt")
    step = 0
    if os.path.exists(ckpt):
        ck = read_checkpoint(ckpt)
        net.load_state_dict(ck["net"])
        trainer.opt.load_state_dict(ck["opt"])
        step = ck["step"]
        rng.set_state(ck["rng"])
        print(f"resumed from {ckpt} at step {step}", file=sys.stderr)

    def save(step):
        torch.save({"net": net.state_dict(), "config": net.config, "opt": trainer.opt.state_dict(), "step": step,
                    "rng": rng.get_state(), "args": vars(args)}, ckpt + ".tmp")
        os.replace(ckpt + ".tmp", ckpt)

    def next_batch():
        ia, ib = data.pairs(args.batch, rng)
        return (to_tensor(data.images[ia]), torch.from_numpy(data.labels[ia]), to_tensor(data.images[ib]),
                torch.from_numpy(data.labels[ib]))

    run_steps(args, step, next_batch, trainer.step, save)
    if args.export:
        from .export_editor import export_editor_dir

        info = {k: v for k, v in vars(args).items() if k != "export"}
        export_editor_dir(pk, net, args.model_dir, args.export, info, args.model_version)


if __name__ == "__main__":
    main()
