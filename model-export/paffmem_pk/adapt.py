"""Adapt G to the faces a deployment sees, without labels: fine-tune only the generator of an exported PK so that
G(E(x), D_em(E(x))) reconstructs unlabelled frames of persons whose identity-level appearance is wider than the
PK's training persons' (the OMG-layout sets given as --wide; their labels are never read), while a frozen copy of
the original G is distilled on ordinary persons' frames (--ordinary) at random targets, so that G keeps the control
of expression it learnt with labels. E and D_em stay frozen: the PK's own predictions do not change.

The question it answers: does a G that has learnt to draw the traits it never saw (strong lenses, lines, a heavy
brow ridge, anatomically turned mouth corners) keep them in its edits, so that the PK misreads the edits as it
misreads the person? Measure with `paffmem_pk.fidelity --generator RUN/last.pt` (share of the PK's bias the edits
reproduce, and the memory's gain).

    /usr/bin/python3 -m paffmem_pk.adapt --model-dir ../models/demo-pk --wide ../data/pool-7201-wide \\
        --ordinary ../data/pool-7202-ordinary --run runs/adapt --steps 1500
"""
import argparse
import copy
import json
import os
import time

import numpy as np
import torch

from . import configure_threads
from .data import to_tensor
from .fidelity import _by_video, _load


def load_frames(datasets, stride):
    """Every `stride`-th frame of every video of the OMG-layout sets, as N x 96 x 96 x 3 uint8 (labels unread)."""
    out = []
    for d in datasets:
        for video, rows in sorted(_by_video(d, "frames.csv").items()):
            out += [_load(os.path.join(d, r["file"])) for r in rows[::stride]]
    return np.stack(out)


def load_generator(pk, path):
    """Replaces pk.generator's weights with an adapted generator's (a `paffmem_pk.adapt` checkpoint)."""
    state = torch.load(path, map_location="cpu")
    pk.generator.load_state_dict(state["generator"])
    return pk


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m paffmem_pk.adapt", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", required=True, help="an exported PK (its ONNX files give E, G and D_em)")
    ap.add_argument("--wide", nargs="+", required=True, help="OMG-layout sets: unlabelled frames to reconstruct")
    ap.add_argument("--ordinary", nargs="+", required=True,
                    help="OMG-layout sets of ordinary persons: the original G is distilled on their frames")
    ap.add_argument("--run", default="runs/adapt")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--stride", type=int, default=2, help="use every N-th frame of each video")
    ap.add_argument("--w-rec", type=float, default=1.0, help="L1 reconstruction of the wide frames at their reading")
    ap.add_argument("--w-keep", type=float, default=1.0,
                    help="L1 to the original G on ordinary frames at random targets")
    ap.add_argument("--w-change", type=float, default=0.0,
                    help="on wide frames, L1 between G's change of expression (target minus reading) and the "
                         "original G's")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ckpt-every", type=int, default=250)
    args = ap.parse_args(argv)
    configure_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.RandomState(args.seed)
    from .editor import load_frozen_pk

    pk = load_frozen_pk(args.model_dir)
    g0 = copy.deepcopy(pk.generator)
    for p in pk.generator.parameters():
        p.requires_grad_(True)
    t0 = time.time()
    wide = load_frames(args.wide, args.stride)
    ordinary = load_frames(args.ordinary, args.stride)
    print(f"{len(wide)} wide and {len(ordinary)} ordinary frames loaded in {time.time() - t0:.0f} s", flush=True)
    os.makedirs(args.run, exist_ok=True)
    opt = torch.optim.Adam(pk.generator.parameters(), lr=args.lr, betas=(0.5, 0.999))
    start = 0
    last = os.path.join(args.run, "last.pt")
    if os.path.exists(last):
        state = torch.load(last, map_location="cpu")
        pk.generator.load_state_dict(state["generator"])
        opt.load_state_dict(state["optimizer"])
        start = state["step"]
        print(f"resumed at step {start}")
    log = open(os.path.join(args.run, "log.jsonl"), "a")
    t0 = time.time()
    for step in range(start, args.steps):
        xw = to_tensor(wide[rng.randint(0, len(wide), args.batch)], hflip=rng.rand(args.batch) < 0.5)
        xo = to_tensor(ordinary[rng.randint(0, len(ordinary), args.batch)], hflip=rng.rand(args.batch) < 0.5)
        with torch.no_grad():
            zw = pk.encoder(xw)
            yw = pk.dem(zw)
            zo = pk.encoder(xo)
            yt = torch.rand(args.batch, 2) * 2 - 1
            keep_target = g0(zo, yt)
        rec = pk.generator(zw, yw)
        l_rec = (rec - xw).abs().mean()
        l_keep = (pk.generator(zo, yt) - keep_target).abs().mean()
        loss = args.w_rec * l_rec + args.w_keep * l_keep
        l_change = torch.zeros(())
        if args.w_change > 0:
            yc = torch.rand(args.batch, 2) * 2 - 1
            with torch.no_grad():
                want = g0(zw, yc) - g0(zw, yw)
            l_change = ((pk.generator(zw, yc) - rec) - want).abs().mean()
            loss = loss + args.w_change * l_change
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (step + 1) % 25 == 0:
            rec_ = {"step": step + 1, "rec": l_rec.item(), "keep": l_keep.item(), "change": l_change.item(),
                    "seconds": time.time() - t0}
            log.write(json.dumps(rec_) + "\n")
            log.flush()
            print(rec_, flush=True)
        if (step + 1) % args.ckpt_every == 0 or step + 1 == args.steps:
            torch.save({"generator": pk.generator.state_dict(), "optimizer": opt.state_dict(), "step": step + 1,
                        "config": vars(args)}, last + ".tmp")
            os.replace(last + ".tmp", last)


if __name__ == "__main__":
    main()
