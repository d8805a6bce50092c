"""What the PK's latent space knows of a person's anatomy: a ridge regression from the person's mean z (every
`--stride`-th frame of their video, labels unread) to the strength of each identity-level trait the renderer drew
(persons.csv's `anatomy` column; absent traits 0, line traits folded into "lines"), fitted on one OMG-layout set and
scored (R^2) on another, for E(x) and for E(G(E(x), D_em(E(x)))), i.e. what survives G's reconstruction.

    /usr/bin/python3 -m paffmem_pk.traitprobe --model-dir ../models/demo-pk --fit ../data/pool-7201-wide \\
        --score ../data/diag-7101 [--generator runs/adapt/last.pt]
"""
import argparse
import csv
import os

import numpy as np
import torch

from . import configure_threads
from .data import to_tensor
from .fidelity import _by_video, _load, anatomy_traits

TRAITS = ("corners", "inner_brows", "brow_level", "eye_aperture", "brow_ridge", "lines", "tinted_lenses")


def trait_strengths(anatomy: str) -> list:
    """"corners-2.79;frown_lines+0.7;crows_feet+0.4" -> one value per TRAITS entry (lines: the strongest of them)."""
    v = dict.fromkeys(TRAITS, 0.0)
    for name, x in anatomy_traits(anatomy):
        v[name] = max(v[name], abs(x)) if name == "lines" else x
    return [v[t] for t in TRAITS]


@torch.no_grad()
def person_means(pk, dataset, stride):
    """Per person: the mean z of E(x) and of E(G(E(x), reading)) (concatenated), and the trait strengths."""
    frames = _by_video(dataset, "frames.csv")
    x, y = [], []
    with open(os.path.join(dataset, "persons.csv")) as f:
        for r in csv.DictReader(f):
            rows = frames[r["person_id"]][::stride]
            z = pk.encoder(to_tensor(np.stack([_load(os.path.join(dataset, q["file"])) for q in rows])))
            zg = pk.encoder(pk.generator(z, pk.dem(z)))
            x.append(np.concatenate([z.mean(0).numpy(), zg.mean(0).numpy()]))
            y.append(trait_strengths(r.get("anatomy", "")))
    return np.array(x), np.array(y)


def ridge_r2(x_fit, y_fit, x_score, y_score, ridge=0.1):
    """R^2 per output column of a ridge regression (with intercept) fitted on one set and scored on another."""
    a = np.c_[x_fit, np.ones(len(x_fit))]
    b = np.c_[x_score, np.ones(len(x_score))]
    w = np.linalg.solve(a.T @ a + ridge * np.eye(a.shape[1]), a.T @ y_fit)
    err = ((b @ w - y_score) ** 2).sum(0)
    return 1 - err / np.maximum(((y_score - y_score.mean(0)) ** 2).sum(0), 1e-12)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m paffmem_pk.traitprobe", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--fit", required=True, help="OMG-layout set the probe is fitted on")
    ap.add_argument("--score", required=True, help="OMG-layout set of other persons it is scored on")
    ap.add_argument("--generator", default=None, help="G's weights from a `paffmem_pk.adapt` checkpoint")
    ap.add_argument("--stride", type=int, default=10)
    args = ap.parse_args(argv)
    configure_threads(2)
    from .editor import load_frozen_pk

    pk = load_frozen_pk(args.model_dir)
    if args.generator:
        from .adapt import load_generator

        load_generator(pk, args.generator)
    xf, yf = person_means(pk, args.fit, args.stride)
    xs, ys = person_means(pk, args.score, args.stride)
    zd = xf.shape[1] // 2
    print("R^2 of each trait's strength from the person's mean z | " + " | ".join(TRAITS))
    for name, sl in (("E(x)", slice(0, zd)), ("E(G(E(x), reading))", slice(zd, 2 * zd))):
        r2 = ridge_r2(xf[:, sl], yf, xs[:, sl], ys)
        print(name + " | " + " | ".join(f"{v:.2f}" for v in r2))


if __name__ == "__main__":
    main()
