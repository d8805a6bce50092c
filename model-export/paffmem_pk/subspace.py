"""A person normalization that keeps what expression moves (issue 12): is the PK's bias on a person an offset of
their z in directions that expression never moves?

The plain running normalization (`paffmem_pk.offsets`) subtracts the person's mean reading and with it what the
person truly feels. This one works in z and removes only the part of the person's running mean z (against the
population's) that lies outside an *expression subspace*, learnt from a labelled population corpus: the within-video
regression of z on the labels (2-D) or the top-k principal directions of the within-video variation of z. The PK then
reads z' = z - w P_perp (mean_t - mean_pop) (causal running mean); "whole video" uses the whole video's mean instead (a
bound, not causal). If the PK's bias came from anatomy or capture shifting z where expression does not, this would
remove it without labels; unchanged CCC says the bias lies inside the subspace expression spans, where anatomy and
expression cannot be told apart without labels.

    /usr/bin/python3 -m paffmem_pk.subspace --model-dir ../models/demo-pk --dataset ../data/tune-4243 \\
        --population ../data/pop-7001
"""
import argparse
from collections import defaultdict

import numpy as np
import torch

from . import configure_threads


def complement(basis, dim):
    """The projector onto the orthogonal complement of the rows of `basis` (k x dim)."""
    q, _ = np.linalg.qr(np.asarray(basis, dtype=np.float64).T)
    return np.eye(dim) - q @ q.T


def expression_subspaces(videos, pcs=(2, 4, 8, 16)):
    """name -> projector onto the complement of an expression subspace learnt from labelled videos, and the
    population mean z. Within-video: z and y centred on their video's mean."""
    z_all = np.concatenate([z for _, _, z, _ in videos])
    zc = np.concatenate([z - z.mean(0) for _, _, z, _ in videos])
    yc = np.concatenate([y - y.mean(0) for _, _, _, y in videos])
    slope, *_ = np.linalg.lstsq(yc, zc, rcond=None)  # 2 x Z: z_c ~ y_c slope
    _, _, vt = np.linalg.svd(zc, full_matrices=False)
    dim = z_all.shape[1]
    out = {"regression (2-D)": complement(slope, dim)}
    for k in pcs:
        if k < dim:
            out[f"within-video PCA {k}"] = complement(vt[:k], dim)
    out["everything (no subspace kept)"] = np.eye(dim)
    return out, z_all.mean(0)


def normalized(z, mean_pop, projector, w=1.0, whole_video=False):
    """z minus w times the person's mean offset from the population, outside the subspace kept."""
    mean = z.mean(0, keepdims=True) if whole_video else np.cumsum(z, 0) / np.arange(1, len(z) + 1)[:, None]
    return z - w * (mean - mean_pop) @ projector.T


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m paffmem_pk.subspace", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--dataset", required=True, help="an OMG-layout set with per-frame labels (frames.csv)")
    ap.add_argument("--population", required=True,
                    help="a labelled OMG-layout set of other persons: the expression subspace and the population mean")
    ap.add_argument("--stride", type=int, default=3)
    args = ap.parse_args(argv)
    configure_threads(2)
    from .editor import load_frozen_pk
    from .fidelity import add_utterances, official_ccc
    from .offsets import encode_videos, print_gains

    pk = load_frozen_pk(args.model_dir)
    population = encode_videos(pk, args.population, 2 * args.stride)
    projectors, mean_pop = expression_subspaces(population)
    between = np.array([z.mean(0) for _, _, z, _ in population]).std(0).mean()
    within = np.concatenate([z - z.mean(0) for _, _, z, _ in population]).std(0).mean()
    print(f"population: {len(population)} videos; sd of z per dimension between videos {between:.3f}, "
          f"within a video {within:.3f}")
    read = lambda z: pk.dem(torch.from_numpy(z.astype(np.float32))).numpy()
    per_utt = defaultdict(lambda: defaultdict(list))
    for kind, rows, z, _ in encode_videos(pk, args.dataset, args.stride):
        outs = {"pk": read(z)}
        for name, proj in projectors.items():
            outs[f"{name}, w 0.5"] = read(normalized(z, mean_pop, proj, 0.5))
            outs[f"{name}, w 1"] = read(normalized(z, mean_pop, proj, 1.0))
            outs[f"{name}, whole video"] = read(normalized(z, mean_pop, proj, 1.0, whole_video=True))
        add_utterances(per_utt, kind, rows, outs)
    print_gains(official_ccc(per_utt), "normalization outside")


if __name__ == "__main__":
    main()
