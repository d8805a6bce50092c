"""Enrolment designs on a tuning set: how much a few faces of the person at known emotions correct the PK (issue 12).

An enrolled face is the person's own face at a known emotion (a prompted expression at sign-up); the job keeps it in
the person's memory (`AffectiveMemory.enrol`) and, once a person has any, predicts the PK's reading plus the
activation-weighted mean residual (label minus the PK's reading) of the k nearest enrolled faces in z, the same
read-out as the Java memory's. This replays that read-out offline on an OMG-layout set with a calibration grid (the
person's face at known emotions, rendered with the first frame's capture conditions), for several designs (which
grid faces are enrolled) and k, with and without the generator's edits in the same pool, and prints official CCC
gains over the PK per person group. Choose a design and k here on tuning seeds only; `./paffmem evaluate
--enrolment DESIGN` then measures the job on a fresh seed.

    /usr/bin/python3 -m paffmem_pk.enrolment --model-dir ../models/demo-pk --dataset ../data/tune-4243
"""
import argparse
import os
from collections import defaultdict

import numpy as np
import torch

from . import configure_threads
from .data import to_tensor
from .fidelity import _by_video, _load, add_utterances, official_ccc

GROUPS = ("all", "typical", "identity_confound", "atypical")


def _lattice(*values):
    return [(a, v) for a in values for v in values]


# the designs of `paffmem evaluate --enrolment` (evaluation/.../Enrolment.java): (arousal, valence) points
DESIGNS = {
    "5": [(0.0, 0.0), (0.5, 0.5), (0.5, -0.5), (-0.5, 0.5), (-0.5, -0.5)],
    "3x3": _lattice(-0.75, 0.0, 0.75),
    "5x5": _lattice(-1.0, -0.5, 0.0, 0.5, 1.0),
}


def pick(grid_labels, points):
    """Index of the grid face nearest (L1) to each design point; the first of equally near ones."""
    g = np.asarray(grid_labels, dtype=np.float64)
    return [int(np.argmin(np.abs(g - np.asarray(p)).sum(1))) for p in points]


def enrolled_readout(z, pk, z_enrolled, residuals, k):
    """The Java memory's read-out with enrolled faces: pk + the exp(-distance)-weighted mean of the residuals of the k
    nearest enrolled faces (k capped at their number). z: n x Z, pk: n x 2, z_enrolled: m x Z, residuals: m x 2."""
    d = torch.cdist(z, z_enrolled)
    k = min(k, len(z_enrolled))
    dist, idx = torch.topk(d, k, largest=False)
    w = torch.exp(-dist)
    return pk + (w.unsqueeze(2) * residuals[idx]).sum(1) / w.sum(1, keepdim=True)


@torch.no_grad()
def measure(dataset, pk, designs, ks, stride=3, with_edits=True, generation_frames=25, sources=5):
    """Official CCC per group of the PK and of each (design, k) read-out; with_edits also pools G's edits of
    `sources` of the first `generation_frames` frames at the grid's targets with the enrolled faces."""
    frames = _by_video(dataset, "frames.csv")
    grid = _by_video(dataset, "calibration.csv")
    per_utt = defaultdict(lambda: defaultdict(list))

    def read(images):
        z = torch.cat([pk.encoder(images[i:i + 128]) for i in range(0, len(images), 128)])
        return z, pk.dem(z)

    for video, rows in sorted(grid.items()):
        sub = frames[video][::stride]
        z, pred = read(to_tensor(np.stack([_load(os.path.join(dataset, r["file"])) for r in sub])))
        ys = torch.tensor([[float(r["arousal"]), float(r["valence"])] for r in rows])
        zt, rt = read(to_tensor(np.stack([_load(os.path.join(dataset, r["file"])) for r in rows])))
        res = ys - rt
        outs = {"pk": pred}
        if with_edits:
            gen = frames[video][:generation_frames]
            ze, re_ = [], []
            for r in gen[::max(1, len(gen) // sources)][:sources]:
                z0 = pk.encoder(to_tensor(_load(os.path.join(dataset, r["file"]))[None]))
                zz = pk.encoder(pk.generator(z0.expand(len(ys), -1), ys))
                ze.append(zz)
                re_.append(ys - pk.dem(zz))
            ze, re_ = torch.cat(ze), torch.cat(re_)
        for name in designs:
            sel = torch.tensor(pick(ys.numpy(), DESIGNS[name]))
            for k in ks:
                outs[f"{name} k{k}"] = enrolled_readout(z, pred, zt[sel], res[sel], k)
                if with_edits:
                    outs[f"{name} k{k} + edits"] = enrolled_readout(z, pred, torch.cat([zt[sel], ze]),
                                                                    torch.cat([res[sel], re_]), k)
        add_utterances(per_utt, rows[0]["person_type"], sub, {k: o.numpy() for k, o in outs.items()})
    return official_ccc(per_utt)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m paffmem_pk.enrolment", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--dataset", required=True, help="an OMG-layout set with calibration.csv (./paffmem faces omg)")
    ap.add_argument("--design", nargs="*", default=list(DESIGNS), choices=list(DESIGNS))
    ap.add_argument("--k", type=int, nargs="*", default=[1, 3, 5], help="nearest enrolled faces pooled")
    ap.add_argument("--no-edits", action="store_true", help="skip the rows that pool G's edits with the enrolled faces")
    args = ap.parse_args(argv)
    configure_threads(2)
    from .editor import load_frozen_pk

    pk = load_frozen_pk(args.model_dir)
    m = measure(args.dataset, pk, args.design, args.k, with_edits=not args.no_edits)
    print("official CCC gain over the PK, arousal/valence (PK alone in the first row)")
    print("read-out | " + " | ".join(g for g in GROUPS if g in m))
    for kind in m["all"]:
        cells = []
        for g in GROUPS:
            if g in m:
                a, v = m[g][kind]
                pa, pv = m[g]["pk"]
                cells.append(f"{a:.3f}/{v:.3f}" if kind == "pk" else f"{a - pa:+.3f}/{v - pv:+.3f}")
        print(f"{kind} | " + " | ".join(cells))


if __name__ == "__main__":
    main()
