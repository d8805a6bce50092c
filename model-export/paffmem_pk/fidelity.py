"""How well a generator shows the memory the person: on a rendered OMG-layout set with a calibration grid
(`./paffmem faces omg` writes calibration/: each person's true face at known emotions, rendered with the first
frame's capture conditions), compare E(true face at y) with E(edit of the first frame to y), per person type.

Reports, per type: the z distance edit to true face; the PK's bias on true faces and on edits (reading minus y);
the share of the true bias the edits reproduce (slope of edit bias on true bias; 1 = all of it); the gap, mean
|edit bias - true bias|: what a residual read-out (label minus the PK's reading of the edit) gets wrong. The same measure as
`MemorySweep`'s "G against the person's true faces" (Java), usable on a checkpoint before export. The renderer's
truth is used for measuring only, never in training.

    /usr/bin/python3 -m paffmem_pk.fidelity --model-dir ../models/demo-pk --dataset ../data/tune-4243 \\
        [--editor runs/editor/last.pt]
"""
import argparse
import csv
import os
from collections import defaultdict

import numpy as np
import torch
from PIL import Image

from . import configure_threads
from .checkpoint import read_checkpoint
from .data import to_tensor


def _load(path):
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB").resize((96, 96), Image.BILINEAR), dtype=np.uint8)


@torch.no_grad()
def measure(dataset, pk, edit_fn):
    """edit_fn(x0 (1x3x96x96), z0 (1xZ), targets (n x 2)) -> edited images (n x 3 x 96 x 96)."""
    first = {}
    with open(os.path.join(dataset, "frames.csv")) as f:
        for r in csv.DictReader(f):
            first.setdefault(r["video"], r["file"])
    grid = defaultdict(list)
    with open(os.path.join(dataset, "calibration.csv")) as f:
        for r in csv.DictReader(f):
            grid[r["video"]].append(r)
    acc = defaultdict(lambda: np.zeros(14))
    for video, rows in sorted(grid.items()):
        x0 = to_tensor(_load(os.path.join(dataset, first[video]))[None])
        z0 = pk.encoder(x0)
        ys = torch.tensor([[float(r["arousal"]), float(r["valence"])] for r in rows])
        true = to_tensor(np.stack([_load(os.path.join(dataset, r["file"])) for r in rows]))
        zt = pk.encoder(true)
        ze = pk.encoder(edit_fn(x0, z0, ys))
        tb = (pk.dem(zt) - ys).numpy()
        eb = (pk.dem(ze) - ys).numpy()
        a = acc[rows[0]["person_type"]]
        a[0] += torch.linalg.norm(zt - ze, dim=1).sum().item()
        for d in range(2):
            a[1 + d] += np.abs(tb[:, d]).sum()
            a[3 + d] += np.abs(eb[:, d]).sum()
            a[5 + 3 * d] += (tb[:, d] * eb[:, d]).sum()
            a[6 + 3 * d] += (tb[:, d] ** 2).sum()
            a[12 + d] += np.abs(eb[:, d] - tb[:, d]).sum()
        a[11] += len(rows)
    out = {}
    for t, a in sorted(acc.items()):
        n = a[11]
        out[t] = {"z_dist": a[0] / n, "true_bias": [a[1] / n, a[2] / n], "edit_bias": [a[3] / n, a[4] / n],
                  "share": [a[5] / a[6], a[8] / a[9]], "gap": [a[12] / n, a[13] / n]}
    return out


@torch.no_grad()
def contact_sheet(dataset, pk, edit_fn, path, per_type=(("identity_confound", 3), ("typical", 1)), picks=(0, 20, 40, 60, 80)):
    """One row per person: the first frame, the true faces at 5 calibration targets, the edits at the same targets."""
    first = {}
    with open(os.path.join(dataset, "frames.csv")) as f:
        for r in csv.DictReader(f):
            first.setdefault(r["video"], r["file"])
    grid = defaultdict(list)
    with open(os.path.join(dataset, "calibration.csv")) as f:
        for r in csv.DictReader(f):
            grid[r["video"]].append(r)
    rows = []
    for kind, count in per_type:
        for video in [v for v in sorted(grid) if grid[v][0]["person_type"] == kind][:count]:
            sel = [grid[video][i] for i in picks if i < len(grid[video])]
            frame = _load(os.path.join(dataset, first[video]))
            x0 = to_tensor(frame[None])
            ys = torch.tensor([[float(r["arousal"]), float(r["valence"])] for r in sel])
            edits = edit_fn(x0, pk.encoder(x0), ys)
            edits = ((edits.permute(0, 2, 3, 1).numpy() + 1) * 127.5).clip(0, 255).astype(np.uint8)
            true = [_load(os.path.join(dataset, r["file"])) for r in sel]
            rows.append(np.concatenate([frame] + true + list(edits), axis=1))
    Image.fromarray(np.concatenate(rows, axis=0)).save(path)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m paffmem_pk.fidelity", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--editor", default=None, help="a frame-editor checkpoint (paffmem_pk.editor) instead of G(z, y)")
    ap.add_argument("--sheet", default=None,
                    help="also write a contact sheet (PNG): per person the first frame, the true faces at five "
                         "calibration targets, the edits at the same targets")
    args = ap.parse_args(argv)
    configure_threads(2)
    from .editor import FrameEditor, load_frozen_pk

    pk = load_frozen_pk(args.model_dir)
    if args.editor:
        ck = read_checkpoint(args.editor)
        ed = FrameEditor(**ck["config"])
        ed.load_state_dict(ck["editor"])
        ed.eval()
        fn = lambda x0, z0, ys: ed(x0.expand(len(ys), -1, -1, -1), ys,
                                   pk.dem(z0).expand(len(ys), -1))
    else:
        fn = lambda x0, z0, ys: pk.generator(z0.expand(len(ys), -1), ys)
    res = measure(args.dataset, pk, fn)
    if args.sheet:
        contact_sheet(args.dataset, pk, fn, args.sheet)
    print("type | z distance edit-true | PK bias true a/v | PK bias edits a/v | share of true bias reproduced a/v | "
          "|edit bias - true bias| a/v (what a residual read-out gets wrong)")
    for t, r in res.items():
        print(f"{t} | {r['z_dist']:.3f} | {r['true_bias'][0]:.3f}/{r['true_bias'][1]:.3f} | "
              f"{r['edit_bias'][0]:.3f}/{r['edit_bias'][1]:.3f} | {r['share'][0]:.2f}/{r['share'][1]:.2f} | "
              f"{r['gap'][0]:.3f}/{r['gap'][1]:.3f}")


if __name__ == "__main__":
    main()
