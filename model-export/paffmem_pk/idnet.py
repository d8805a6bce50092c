"""A face-identity network trained on the synthetic training persons, for the identity loss.

The paper's identity loss compares VGG-Face activations of a face and its reconstruction. VGG-Face cannot be
fetched here, so this module trains a small identity network on what the training set knows: which person each
face belongs to (the synthetic AffectNet-layout set names files `<person>_<k>.png`; for real data any dataset
with person ids works). It is a classifier over the training persons (cosine-softmax head with a margin, the
usual face-recognition recipe); its convolutional activations serve as the identity features, exactly as
VGG-Face's do in `vggface.identity_loss`.

Training uses only images and person ids, never emotion labels or anything the renderer knows beyond that.

    /usr/bin/python3 -m paffmem_pk.idnet --data ../data/synth-affectnet --out runs/idnet.pt --steps 1500
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import configure_threads
from .checkpoint import read_checkpoint
from .data import default_image_root, load_split, to_tensor


class IdentityNet(nn.Module):
    """Five conv blocks (3x3 conv, batch norm, ReLU, 2x2 pool) 96 -> 3, global pool, 128-d embedding.

    `forward` returns the activations of the five blocks (the identity-loss taps); `embed` the unit-norm
    embedding the classifier is trained on.
    """

    def __init__(self, width: int = 32, dim: int = 128):
        super().__init__()
        chans = [3, width, 2 * width, 4 * width, 4 * width, 8 * width]
        self.blocks = nn.ModuleList()
        for cin, cout in zip(chans[:-1], chans[1:]):
            self.blocks.append(nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                                             nn.ReLU(inplace=True), nn.MaxPool2d(2)))
        self.fc = nn.Linear(chans[-1], dim)
        self.config = {"width": width, "dim": dim}

    def forward(self, image):
        out = []
        h = image
        for b in self.blocks:
            h = b(h)
            out.append(h)
        return out

    def embed(self, image):
        h = self.forward(image)[-1]
        return F.normalize(self.fc(torch.flatten(F.adaptive_avg_pool2d(h, 1), 1)), dim=1)


class FrozenIdentity(nn.Module):
    """A trained IdentityNet as frozen identity features (always in eval mode, no gradients to its weights)."""

    def __init__(self, net: IdentityNet):
        super().__init__()
        self.net = net
        for p in self.net.parameters():
            p.requires_grad_(False)
        self.net.eval()

    def train(self, mode=True):
        return super().train(False)

    def forward(self, image):
        return self.net(image)


def load_identity_features(path: str) -> FrozenIdentity:
    ck = read_checkpoint(path)
    net = IdentityNet(**ck["config"])
    net.load_state_dict(ck["model"])
    return FrozenIdentity(net)


def _person_index(persons):
    names = sorted(set(persons))
    index = {p: i for i, p in enumerate(names)}
    return np.array([index[p] for p in persons], dtype=np.int64), names


@torch.no_grad()
def verification(net: IdentityNet, split, pairs: int = 2000, seed: int = 0) -> dict:
    """Same-person vs different-person cosine similarity on a held-out split: mean of each and the accuracy of
    the best threshold (a simple verification score)."""
    net.eval()
    idx, _ = _person_index(split.persons)
    rng = np.random.RandomState(seed)
    by_person = {}
    for i, p in enumerate(idx):
        by_person.setdefault(p, []).append(i)
    keys = [k for k, v in by_person.items() if len(v) >= 2]
    a, b, same = [], [], []
    for _ in range(pairs):
        p = keys[rng.randint(len(keys))]
        i, j = rng.choice(by_person[p], 2, replace=False)
        a.append(i), b.append(j), same.append(1)
        q = keys[rng.randint(len(keys))]
        while q == p:
            q = keys[rng.randint(len(keys))]
        a.append(by_person[p][rng.randint(len(by_person[p]))]), b.append(by_person[q][rng.randint(len(by_person[q]))])
        same.append(0)
    emb = {}
    need = sorted(set(a) | set(b))
    for s in range(0, len(need), 256):
        chunk = need[s:s + 256]
        e = net.embed(to_tensor(split.images[np.array(chunk)])).numpy()
        emb.update({k: v for k, v in zip(chunk, e)})
    sims = np.array([float(emb[i] @ emb[j]) for i, j in zip(a, b)])
    same = np.array(same)
    best = max(float(np.mean((sims >= t) == same)) for t in np.linspace(-1, 1, 201))
    net.train()
    return {"same_cos": float(sims[same == 1].mean()), "other_cos": float(sims[same == 0].mean()),
            "verification_accuracy": best, "pairs": int(len(sims))}


def build_parser():
    ap = argparse.ArgumentParser(prog="python3 -m paffmem_pk.idnet", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="AffectNet-layout folder with person ids in the file names")
    ap.add_argument("--person-regex", default=r"([^/]+)_\d+\.\w+$", help="person id from subDirectory_filePath")
    ap.add_argument("--cache-dir", default="runs/cache")
    ap.add_argument("--crop", choices=("box", "none"), default="none")
    ap.add_argument("--out", required=True, help="checkpoint to write (.pt)")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--width", type=int, default=32)
    ap.add_argument("--scale", type=float, default=24.0, help="cosine-softmax scale")
    ap.add_argument("--margin", type=float, default=0.2, help="additive cosine margin")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    return ap


def main(argv=None):
    args = build_parser().parse_args(argv)
    configure_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.RandomState(args.seed)
    root = default_image_root(args.data)
    train = load_split(os.path.join(args.data, "training.csv"), root, args.cache_dir, None, 0, args.workers, True,
                       args.person_regex, args.crop)
    val = load_split(os.path.join(args.data, "validation.csv"), root, args.cache_dir, None, 0, args.workers, True,
                     args.person_regex, args.crop)
    if train.persons is None:
        raise SystemExit("no person ids: pass --person-regex matching the file names")
    labels, names = _person_index(train.persons)
    net = IdentityNet(width=args.width)
    head = nn.Parameter(torch.randn(len(names), net.config["dim"]) * 0.01)
    opt = torch.optim.Adam(list(net.parameters()) + [head], lr=args.lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.steps)
    t0 = time.time()
    for step in range(1, args.steps + 1):
        idx = np.sort(rng.choice(len(train), args.batch, replace=False))
        flip = rng.rand(len(idx)) < 0.5
        x = to_tensor(train.images[idx], flip)
        y = torch.from_numpy(labels[idx])
        cos = net.embed(x) @ F.normalize(head, dim=1).t()
        logits = args.scale * (cos - args.margin * F.one_hot(y, len(names)))
        loss = F.cross_entropy(logits, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % 50 == 0 or step == args.steps:
            acc = float((cos.argmax(1) == y).float().mean())
            print(json.dumps({"step": step, "loss": round(float(loss), 4), "train_acc": round(acc, 3),
                              "sec": round(time.time() - t0, 1)}), file=sys.stderr, flush=True)
    report = verification(net, val)
    print(json.dumps({"validation": report}), flush=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save({"config": net.config, "model": net.state_dict(), "persons": len(names), "validation": report,
                "data": os.path.abspath(args.data), "steps": args.steps}, args.out)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
