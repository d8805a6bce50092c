"""How well G's edits serve the affective memory, measured on held-out persons.

    /usr/bin/python3 -m paffmem_pk.diagnose --checkpoint runs/demo/last.pt --data ../data/synth-affectnet

The job personalizes with E(G(z, y')) for many targets y' per frame and labels those points y'.
For that to help, an edit must (1) read back as its target through E and D_em, and (2) land near
the person's real faces in z, so that a later real frame's nearest labelled point is an edit of the
same person at a similar emotion. Needs a split with person ids (several faces per person).

Reported (all on validation persons, none of them seen in training):
  readback_ccc     CCC of D_em(E(G(E(x), t))) against t over a 5x5 grid of targets t
  return_dist      mean |E(G(E(x), y)) - E(x)| (L2), y the face's own label
  real_nn_dist     mean distance from a face's z to the nearest other real face of the person
  edit_nn_dist     mean distance from a face's z to the nearest edit made from the person's other faces
  edit_nn_ccc      CCC between faces' labels and the target of their nearest edit: a 1-nearest-neighbour
                   "memory" of edits only, the best a memory of these edits can do without other help
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

from . import configure_threads
from .ccc import ccc_arousal_valence
from .checkpoint import read_checkpoint
from .data import load_split, to_tensor

GRID = np.array([[a, v] for a in np.linspace(-0.9, 0.9, 5) for v in np.linspace(-0.9, 0.9, 5)], np.float32)


@torch.no_grad()
def edit_report(pk, split, persons: int = 8, max_faces: int = 25) -> dict:
    """The metrics above on the first `persons` persons of split (at most max_faces faces each)."""
    if split.persons is None:
        return {"error": "split has no person ids (--person-regex)"}
    was_training = pk.training
    pk.eval()
    by_person = {}
    for i, p in enumerate(split.persons):
        by_person.setdefault(p, []).append(i)
    chosen = [ix[:max_faces] for _, ix in sorted(by_person.items()) if len(ix) >= 2][:persons]
    device = next(pk.parameters()).device
    t = torch.from_numpy(GRID).to(device)
    readback, targets, ret, real_nn, edit_nn, nn_labels, labels = [], [], [], [], [], [], []
    for ix in chosen:
        x = to_tensor(split.images[ix]).to(device)
        y = torch.from_numpy(split.labels[ix]).to(device)
        z = pk.encoder(x)
        n, k = len(ix), len(GRID)
        z_rep = z.repeat_interleave(k, 0)
        z_edit = pk.encoder(pk.generator(z_rep, t.repeat(n, 1)))  # n*k, face-major
        readback.append(pk.dem(z_edit).cpu().numpy())
        targets.append(t.repeat(n, 1).cpu().numpy())
        ret.append(torch.linalg.norm(pk.encoder(pk.generator(z, y)) - z, dim=1).cpu().numpy())
        d_real = torch.cdist(z, z)
        d_real.fill_diagonal_(float("inf"))
        real_nn.append(d_real.min(1).values.cpu().numpy())
        d_edit = torch.cdist(z, z_edit).view(n, n, k)
        for j in range(n):
            d_edit[j, j, :] = float("inf")  # only edits made from the person's other faces
        flat = d_edit.reshape(n, n * k)
        best = flat.argmin(1)
        edit_nn.append(flat.min(1).values.cpu().numpy())
        nn_labels.append(GRID[(best % k).cpu().numpy()])
        labels.append(split.labels[ix])
    if was_training:
        pk.train()
    rb_a, rb_v = ccc_arousal_valence(np.concatenate(readback), np.concatenate(targets))
    nn_a, nn_v = ccc_arousal_valence(np.concatenate(nn_labels), np.concatenate(labels))
    return {"persons": len(chosen), "faces": int(sum(len(c) for c in chosen)), "targets": len(GRID),
            "readback_ccc": [round(rb_a, 3), round(rb_v, 3)],
            "return_dist": round(float(np.mean(np.concatenate(ret))), 3),
            "real_nn_dist": round(float(np.mean(np.concatenate(real_nn))), 3),
            "edit_nn_dist": round(float(np.mean(np.concatenate(edit_nn))), 3),
            "edit_nn_ccc": [round(nn_a, 3), round(nn_v, 3)]}


def main(argv=None):
    from .models import PK, PKConfig

    ap = argparse.ArgumentParser(prog="python3 -m paffmem_pk.diagnose", description=__doc__.split("\n")[0])
    ap.add_argument("--checkpoint", required=True, help="checkpoint written by paffmem_pk.train")
    ap.add_argument("--data", required=True, help="AffectNet-layout folder with validation.csv (person ids in file names)")
    ap.add_argument("--val-csv", default=None, help="default: <data>/validation.csv")
    ap.add_argument("--person-regex", default=r"([^/]+)_\d+\.\w+$", help="group 1 of the file path is the person id")
    ap.add_argument("--crop", choices=("box", "none"), default="none")
    ap.add_argument("--persons", type=int, default=8)
    ap.add_argument("--cache-dir", default=None)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    configure_threads(args.threads)
    ck = read_checkpoint(args.checkpoint)
    pk = PK(PKConfig.from_dict(ck["config"]))
    pk.load_state_dict(ck["model"])
    val = load_split(args.val_csv or os.path.join(args.data, "validation.csv"), cache_dir=args.cache_dir,
                     progress=False, person_regex=args.person_regex, crop=args.crop)
    report = {"checkpoint": args.checkpoint, "step": ck.get("step"), **edit_report(pk, val, args.persons)}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
