"""How far a per-person offset on the PK's output can go, and what unsupervised statistics of a person give (issue 12).

Personalization that needs no generator: correct the PK's reading of a person by a constant. Three controls,
scored with OMG-Emotion's official CCC per person group on an OMG-layout set (every `stride`-th frame):

- **oracle, whole video**: the person's mean error over the whole video subtracted (needs every label: a bound);
- **oracle, first second**: the mean error over the person's first `first` frames (the generation phase's frames
  with their true labels: what a relative edit could carry at best, see RESULTS.md "A latent generator");
- **running normalization** (unsupervised, the classic of affective computing): the PK's running mean for the
  person pulled towards a population mean by a weight w (`pred - w (mean so far - population mean)`).

It also prints, per group, the spread over videos of the PK's mean error (what a constant could fix) against the
spread of the videos' true mean emotion (what a normalization throws away with it).

    /usr/bin/python3 -m paffmem_pk.offsets --model-dir ../models/demo-pk --dataset ../data/tune-4243 \\
        --population ../data/pairs-7001
"""
import argparse
import os
from collections import defaultdict

import numpy as np
import torch

from . import configure_threads


@torch.no_grad()
def encode_videos(pk, dataset, stride=3):
    """Per video (file order): (person_type, frames.csv rows used, E's z (n x Z), truth (n x 2))."""
    from .data import to_tensor
    from .fidelity import _by_video, _load

    out = []
    for video, rows in sorted(_by_video(dataset, "frames.csv").items()):
        sub = rows[::stride]
        x = to_tensor(np.stack([_load(os.path.join(dataset, r["file"])) for r in sub]))
        z = torch.cat([pk.encoder(x[i:i + 128]) for i in range(0, len(x), 128)]).numpy()
        truth = np.array([[float(r["arousal"]), float(r["valence"])] for r in sub])
        out.append((rows[0]["person_type"], sub, z, truth))
    return out


@torch.no_grad()
def read_videos(pk, dataset, stride=3):
    """Per video (file order): (person_type, frames.csv rows scored, PK reading (n x 2), truth (n x 2))."""
    return [(kind, rows, pk.dem(torch.from_numpy(z)).numpy(), truth)
            for kind, rows, z, truth in encode_videos(pk, dataset, stride)]


def running_mean(pred):
    return np.cumsum(pred, 0) / np.arange(1, len(pred) + 1)[:, None]


def corrections(pred, truth, population_mean, first_frames, weights=(0.25, 0.5, 1.0)):
    """name -> this video's corrected predictions (n x 2)."""
    out = {"pk": pred, "oracle, whole video": pred - (pred - truth).mean(0)}
    first = (pred[:first_frames] - truth[:first_frames]).mean(0)
    for w in (0.5, 1.0):
        out[f"oracle, first second x{w:g}"] = pred - w * first
    mean = running_mean(pred)
    for w in weights:
        out[f"running normalization w {w:g}"] = pred - w * (mean - population_mean)
    return out


def print_gains(res, first_column):
    """Prints official_ccc's result as a table: a row per kind, a column per person group, CCC a/v and the gain
    over the PK ("pk")."""
    groups = [g for g in ("all", "typical", "identity_confound", "atypical") if g in res]
    print(f"{first_column} | " + " | ".join(groups) + "   (official CCC a/v, gain over the PK)")
    for name in res["all"]:
        cells = []
        for g in groups:
            (a, v), (pa, pv) = res[g][name], res[g]["pk"]
            cells.append(f"{a:.3f}/{v:.3f} ({a - pa:+.3f}/{v - pv:+.3f})")
        print(f"{name} | " + " | ".join(cells))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m paffmem_pk.offsets", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--dataset", required=True, help="an OMG-layout set with per-frame labels (frames.csv)")
    ap.add_argument("--population", default=None,
                    help="an OMG-layout set whose PK readings give the population mean (default: --dataset's own)")
    ap.add_argument("--stride", type=int, default=3)
    ap.add_argument("--first-frames", type=int, default=25, help="the generation phase's length in frames")
    args = ap.parse_args(argv)
    configure_threads(2)
    from .editor import load_frozen_pk
    from .fidelity import _group, add_utterances, official_ccc

    pk = load_frozen_pk(args.model_dir)
    videos = read_videos(pk, args.dataset, args.stride)
    population = videos if not args.population else read_videos(pk, args.population, 4 * args.stride)
    population_mean = np.concatenate([p for _, _, p, _ in population]).mean(0)
    first = max(1, -(-args.first_frames // args.stride))
    per_utt = defaultdict(lambda: defaultdict(list))
    spread = defaultdict(list)
    for kind, rows, pred, truth in videos:
        add_utterances(per_utt, kind, rows, corrections(pred, truth, population_mean, first))
        spread[_group(kind)].append(np.concatenate([(pred - truth).mean(0), truth.mean(0)]))
    print_gains(official_ccc(per_utt), "correction")
    print(f"\npopulation mean reading {population_mean[0]:+.3f}/{population_mean[1]:+.3f}")
    print("group | videos | PK's mean error per video: mean a/v, sd a/v | true mean emotion per video: sd a/v")
    for g, rows in sorted(spread.items()):
        s = np.array(rows)
        print(f"{g} | {len(s)} | {s[:, 0].mean():+.3f}/{s[:, 1].mean():+.3f}, {s[:, 0].std():.3f}/{s[:, 1].std():.3f}"
              f" | {s[:, 2].std():.3f}/{s[:, 3].std():.3f}")


if __name__ == "__main__":
    main()
