"""A latent generator: the person's face at another emotion, drawn in the PK's latent space (issue 12).

The memory stores z's and labels, never images: the job's G(z, y) -> E(.) round trip only exists to get the z of
the person at emotion y. Every image generator tried so far (G, the frame editor, the frame translator) paints
through the frozen encoder and lands on patterns the encoder misreads (docs/evaluation/RESULTS.md, "The generator
is the whole gap"). This generator skips the pixels: from a frame's z, the PK's reading of it and a target label,
it predicts the z of the same person's face at the target,

    z' = z + f([z, D_em(z), y])        (f: a small MLP; its last layer starts at zero: z' = z at step 0)

learnt from pairs of frames of one labelled video (one person, one camera), as a user with a labelled video corpus
has them (OMG-Emotion's training videos, Aff-Wild2, SEWA): the loss is the distance to the other frame's true z and
the PK's reading of it, so there is no image to fool the encoder with. `--export DIR` writes a model directory
whose generator.onnx is this generator, (z, affect) -> z_edit with D_em inside ("edits": "z" in the manifest):
the job then skips the encoder pass of generation.

    /usr/bin/python3 -m paffmem_pk.latent --model-dir ../models/demo-pk --videos ../data/pairs-7001 \\
        --run runs/latent-1 --steps 4000
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn

from . import configure_threads
from .editor import load_frozen_pk


def _mlp(dims):
    mods = []
    for a, b in zip(dims[:-1], dims[1:]):
        mods += [nn.Linear(a, b), nn.SiLU()]
    return nn.Sequential(*mods)


class LatentGenerator(nn.Module):
    """code = 0 (relative): z' = z + f([z, D_em(z), y]), the frame moved to the target.
    code > 0 (absolute): z' = f([h(z), y]) with h(z) a `code`-dimensional summary of the frame: trained across
    pairs of one person, h keeps what stays the same in a video (who, where, how lit) and f draws the target
    expression on it, without reading the frame's own expression."""

    def __init__(self, z_dim: int = 50, hidden: int = 256, layers: int = 3, code: int = 0, condition: str = "reading"):
        super().__init__()
        self.config = {"z_dim": z_dim, "hidden": hidden, "layers": layers, "code": code, "condition": condition}
        if code:
            self.summary = nn.Sequential(_mlp([z_dim, hidden]), nn.Linear(hidden, code))
            self.body = _mlp([code + 2] + [hidden] * layers)
        else:
            self.body = _mlp([z_dim + 4] + [hidden] * layers)
        self.head = nn.Linear(hidden, z_dim)
        if not code:  # starts as the identity edit
            nn.init.zeros_(self.head.weight)
            nn.init.zeros_(self.head.bias)

    def forward(self, z, reading, target):
        if self.config["code"]:
            return self.head(self.body(torch.cat([self.summary(z), target], dim=1)))
        return z + self.head(self.body(torch.cat([z, reading, target], dim=1)))


@torch.no_grad()
def encode_videos(pk, dataset: str, stride: int, cache: str):
    """z and per-frame labels of every `stride`-th frame of an OMG-layout set's videos, cached as .npz."""
    if os.path.exists(cache):
        d = np.load(cache)
        return d["z"], d["labels"], d["video"]
    from .translator import VideoFrames

    frames = VideoFrames(dataset, stride=stride)
    from .data import to_tensor

    zs = [pk.encoder(to_tensor(frames.images[i:i + 256])).numpy() for i in range(0, len(frames.images), 256)]
    z = np.concatenate(zs).astype(np.float32)
    video = np.zeros(len(z), dtype=np.int32)
    for v, ix in enumerate(frames.by_video):
        video[ix] = v
    os.makedirs(os.path.dirname(os.path.abspath(cache)), exist_ok=True)
    np.savez(cache, z=z, labels=frames.labels, video=video)
    return z, frames.labels, video


def _pairs(by_video, n, rng):
    ia, ib = [], []
    for v in rng.randint(len(by_video), size=n):
        a, b = rng.choice(by_video[v], 2, replace=False)
        ia.append(a)
        ib.append(b)
    return np.array(ia), np.array(ib)


def train(pk, z, labels, video, run, steps=4000, batch=512, lr=1e-3, w_read=1.0, hidden=256, layers=3, code=0,
          holdout=0.1, seed=0, condition="reading", condition_noise=0.0, log=print):
    """condition "reading": the source frame enters as D_em's reading of it (what the job has); "truth": as its true
    label plus Gaussian noise of sd `condition_noise` (an analysis: what the edits could carry with a perfect reader
    of the source frame; such a generator cannot be exported, the job has no labels)."""
    rng = np.random.RandomState(seed)
    vids = np.unique(video)
    held = set(rng.choice(vids, max(1, int(len(vids) * holdout)), replace=False).tolist())
    by_train = [np.where(video == v)[0] for v in vids if v not in held]
    by_held = [np.where(video == v)[0] for v in vids if v in held]
    zt = torch.from_numpy(z)
    with torch.no_grad():
        rt = pk.dem(zt)
    yt = torch.from_numpy(labels)
    net = LatentGenerator(z.shape[1], hidden, layers, code, condition)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    hrng = np.random.RandomState(seed + 1)
    ha, hb = _pairs(by_held, 4096, hrng)

    def losses(ia, ib, noise=0.0):
        source = rt[ia] if condition == "reading" else yt[ia] + noise * torch.randn(len(ia), 2)
        out = net(zt[ia], source, yt[ib])
        return (torch.mean((out - zt[ib]) ** 2), torch.mean((pk.dem(out) - rt[ib]) ** 2))

    t0 = time.time()
    for step in range(1, steps + 1):
        ia, ib = _pairs(by_train, batch, rng)
        lz, lr_ = losses(ia, ib, condition_noise)
        loss = lz + w_read * lr_
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % 250 == 0 or step == steps:
            with torch.no_grad():
                hz, hr = losses(ha, hb)
                base_z = torch.mean((zt[ha] - zt[hb]) ** 2)
            log(f"step {step} train z {lz.item():.4f} read {lr_.item():.4f} | held-out z {hz.item():.4f} "
                f"(unchanged frame {base_z.item():.4f}) read {hr.item():.4f} | {time.time() - t0:.0f} s")
    os.makedirs(run, exist_ok=True)
    torch.save({"config": net.config, "state": net.state_dict(), "steps": steps}, os.path.join(run, "last.pt"))
    return net


def load_latent(path):
    ck = torch.load(path, map_location="cpu", weights_only=True)
    net = LatentGenerator(**ck["config"])
    net.load_state_dict(ck["state"])
    net.eval()
    return net


class ExportedLatent(nn.Module):
    """generator.onnx of a latent model: (z, affect) -> z_edit, with the frozen D_em inside (it gives the generator
    the PK's reading of the frame) and the result clamped to the encoder's range."""

    def __init__(self, net, pk):
        super().__init__()
        self.net, self.dem = net, pk.dem

    def forward(self, z, affect):
        return torch.clamp(self.net(z, self.dem(z), affect), -1.0, 1.0)


def export_latent_dir(pk, net, src_dir, out_dir, training_info: dict, model_version=None):
    """A model directory (out_dir may be src_dir) whose generator is `net`: E and D_em copied from src_dir unchanged,
    generator.onnx the latent generator ("edits": "z"); validated; returns the manifest."""
    from .export import PARITY_AFFECT, default_parity_images, write_parity_tensors
    from .export_editor import copy_pk_networks, export_generator_onnx, finish_generator_dir
    from .manifest import GENERATOR_LATENT
    from .models import count_parameters

    if net.config.get("condition", "reading") != "reading":
        raise ValueError("this latent generator is conditioned on the source frame's true label: the job has no "
                         "labels, so it cannot be exported (train with --condition reading)")
    src = copy_pk_networks(src_dir, out_dir)
    net.eval()
    exported = ExportedLatent(net, pk)
    example = (torch.zeros(2, net.config["z_dim"]), torch.zeros(2, 2))
    export_generator_onnx(exported, example, GENERATOR_LATENT, os.path.join(out_dir, GENERATOR_LATENT[0]))
    images = default_parity_images()
    affect = torch.tensor(PARITY_AFFECT, dtype=torch.float32)
    with torch.no_grad():
        z = pk.encoder(images)
        write_parity_tensors(out_dir, {
            "encoder": ({"image": images}, {"z": z}),
            "generator": ({"z": z, "affect": affect}, {"z_edit": exported(z, affect)}),
            "dem": ({"z": z}, {"affect": pk.dem(z)}),
        })
    return finish_generator_dir(out_dir, src, {"kind": "latent generator (residual MLP in z; paffmem_pk.latent)",
                                               "config": net.config, "parameters": count_parameters(net)},
                                training_info, model_version, edits="z")


@torch.no_grad()
def _official_ccc(dataset, encode, readers, stride=3):
    """Official CCC per person group and "all" on an OMG-layout set, for each reader (name -> function of the
    `encode`d frames -> (arousal, valence)); every `stride`-th frame."""
    from collections import defaultdict

    from .data import to_tensor
    from .fidelity import _by_video, _load, add_utterances, official_ccc

    per_utt = defaultdict(lambda: defaultdict(list))
    for video, rows in sorted(_by_video(dataset, "frames.csv").items()):
        sub = rows[::stride]
        x = to_tensor(np.stack([_load(os.path.join(dataset, r["file"])) for r in sub]))
        z = torch.cat([encode(x[i:i + 128]) for i in range(0, len(x), 128)])
        add_utterances(per_utt, rows[0]["person_type"], sub, {name: fn(z).numpy() for name, fn in readers.items()})
    return official_ccc(per_utt)


def reader_baseline(pk, z, labels, dataset, steps=3000, seed=0):
    """A control for the latent generator: D_em fine-tuned on the same videos' z's and labels (a generic reader
    from the same corpus), scored against the PK on `dataset` (official CCC per group)."""
    import copy

    dem = copy.deepcopy(pk.dem)
    for p in dem.parameters():
        p.requires_grad_(True)
    opt = torch.optim.Adam(dem.parameters(), lr=3e-4)
    zt, yt = torch.from_numpy(z), torch.from_numpy(labels)
    rng = np.random.RandomState(seed)
    for _ in range(steps):
        i = rng.randint(len(z), size=512)
        loss = torch.mean((dem(zt[i]) - yt[i]) ** 2)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    dem.eval()
    return _official_ccc(dataset, pk.encoder, {"pk": pk.dem, "retrained": dem})


def pixel_reader_baseline(pk, videos, dataset, steps=1500, stride=8, batch=64, seed=0, save=None, log=print):
    """The control on pixels: E and D_em fine-tuned together on the videos' frames and labels (every `stride`-th
    frame, random horizontal flips, one-cycle learning rate up to 3e-4), scored against the PK on `dataset`: how
    much a single frame tells anatomy from expression. `save` keeps the reader ({"enc", "dem"} state dicts) for
    `fidelity --reading`."""
    import copy

    from .data import to_tensor
    from .translator import VideoFrames

    sets = [VideoFrames(v, stride=stride) for v in videos]
    images = np.concatenate([d.images for d in sets])
    labels = np.concatenate([d.labels for d in sets])
    enc, dem = copy.deepcopy(pk.encoder), copy.deepcopy(pk.dem)
    params = list(enc.parameters()) + list(dem.parameters())
    for p in params:
        p.requires_grad_(True)
    enc.train()
    dem.train()
    opt = torch.optim.Adam(params, lr=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-4, total_steps=steps, pct_start=0.1)
    rng = np.random.RandomState(seed)
    for step in range(1, steps + 1):
        i = rng.randint(len(images), size=batch)
        x = to_tensor(images[i])
        if rng.rand() < 0.5:
            x = torch.flip(x, [3])
        loss = torch.mean((dem(enc(x)) - torch.from_numpy(labels[i])) ** 2)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % 250 == 0:
            log(f"pixel reader step {step} loss {loss.item():.4f}")
    enc.eval()
    dem.eval()
    if save:
        os.makedirs(os.path.dirname(os.path.abspath(save)), exist_ok=True)
        torch.save({"enc": enc.state_dict(), "dem": dem.state_dict(), "steps": steps, "videos": list(videos)}, save)

    zd = pk.cfg.z_dim  # the PK's z beside the retrained encoder's, so one pass over the frames scores both
    return _official_ccc(dataset, lambda x: torch.cat([pk.encoder(x), enc(x)], 1),
                         {"pk": lambda z: pk.dem(z[:, :zd]), "retrained": lambda z: dem(z[:, zd:])})


def load_pixel_reader(path, pk):
    """A reader saved by `pixel_reader_baseline(save=...)`: image batch -> (arousal, valence)."""
    import copy

    ck = torch.load(path, map_location="cpu", weights_only=False)
    enc, dem = copy.deepcopy(pk.encoder), copy.deepcopy(pk.dem)
    enc.load_state_dict(ck["enc"])
    dem.load_state_dict(ck["dem"])
    enc.eval()
    dem.eval()
    return lambda x: dem(enc(x))


def _print_baseline(res):
    print("group | PK a/v | retrained on these videos a/v (official CCC)")
    for g in ("all", "typical", "identity_confound", "atypical"):
        if g in res:
            (pa, pv), (ra, rv) = res[g]["pk"], res[g]["retrained"]
            print(f"{g} | {pa:.3f}/{pv:.3f} | {ra:.3f}/{rv:.3f}")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m paffmem_pk.latent", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--videos", nargs="+", default=[],
                    help="OMG-layout sets with per-frame labels (frames.csv); pairs are drawn within one video")
    ap.add_argument("--run", default="runs/latent")
    ap.add_argument("--stride", type=int, default=4)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--w-read", type=float, default=1.0)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--code", type=int, default=0,
                    help="0: relative (the frame moved to the target); N: absolute, from an N-value summary of the frame")
    ap.add_argument("--condition", choices=("reading", "truth"), default="reading",
                    help="how the source frame's emotion enters: D_em's reading (exportable) or its true label "
                         "(analysis only: the edits with a perfect reader of the source frame)")
    ap.add_argument("--condition-noise", type=float, default=0.0, help="with --condition truth: sd of added noise")
    ap.add_argument("--video-share", type=float, default=1.0,
                    help="train on this share of the videos (drawn once by --seed): the corpus-size curve")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", default=None, help="folder to cache the encoded frames in (default: RUN/../cache/)")
    ap.add_argument("--export", default=None,
                    help="also write a model directory here: the PK's E and D_em with this generator")
    ap.add_argument("--model-version", default=None, help="the exported directory's model_version")
    ap.add_argument("--reader-baseline", default=None, metavar="DATASET",
                    help="instead of training: the control, D_em retrained on the same videos, scored on DATASET")
    ap.add_argument("--pixels", action="store_true",
                    help="with --reader-baseline: retrain E and D_em on the frames' pixels, not D_em on their z's")
    ap.add_argument("--reader-steps", type=int, default=1500, help="with --pixels: training steps")
    ap.add_argument("--reader-stride", type=int, default=8, help="with --pixels: every N-th frame of the videos")
    ap.add_argument("--save-reader", default=None, help="with --pixels: keep the reader here (for fidelity --reading)")
    ap.add_argument("--from-checkpoint", default=None,
                    help="export this checkpoint (RUN/last.pt of an earlier run) instead of training")
    args = ap.parse_args(argv)
    configure_threads(2)
    pk = load_frozen_pk(args.model_dir)
    if not args.from_checkpoint and not args.videos:
        ap.error("--videos is required (unless --from-checkpoint)")
    if args.from_checkpoint:
        if not args.export:
            ap.error("--from-checkpoint needs --export")
        with open(os.path.join(os.path.dirname(os.path.abspath(args.from_checkpoint)), "args.json")) as f:
            info = {k: v for k, v in json.load(f).items() if k not in ("export", "cache", "model_version")}
        m = export_latent_dir(pk, load_latent(args.from_checkpoint), args.model_dir, args.export, info,
                              args.model_version)
        print(f"exported {args.export} (model_version {m['model_version']})")
        return
    if args.export and args.condition != "reading":
        ap.error("--condition truth is an analysis: the job has no labels to condition on, so it cannot be exported")
    if args.reader_baseline and args.pixels:
        _print_baseline(pixel_reader_baseline(pk, args.videos, args.reader_baseline, steps=args.reader_steps,
                                              stride=args.reader_stride, seed=args.seed, save=args.save_reader))
        return
    with open(os.path.join(args.model_dir, "manifest.json")) as f:  # z's of another encoder are other z's
        encoder_sha = json.load(f)["models"]["encoder"]["sha256"][:12]
    parts = []
    for videos in args.videos:
        cache = os.path.join(args.cache or os.path.join(os.path.dirname(os.path.abspath(args.run)), "cache"),
                             f"latent-{os.path.basename(os.path.normpath(videos))}-s{args.stride}-{encoder_sha}.npz")
        parts.append(encode_videos(pk, videos, args.stride, cache))
    offsets = np.cumsum([0] + [int(p[2].max()) + 1 for p in parts[:-1]])
    z = np.concatenate([p[0] for p in parts])
    labels = np.concatenate([p[1] for p in parts])
    video = np.concatenate([p[2] + o for p, o in zip(parts, offsets)])
    if args.video_share < 1.0:  # fewer persons, the same ones every time: how the edits scale with the corpus
        vids = np.unique(video)
        keep = np.random.RandomState(args.seed).permutation(vids)[:max(1, int(round(args.video_share * len(vids))))]
        mask = np.isin(video, keep)
        z, labels, video = z[mask], labels[mask], video[mask]
    print(f"{len(z)} frames of {len(np.unique(video))} videos")
    if args.reader_baseline:
        _print_baseline(reader_baseline(pk, z, labels, args.reader_baseline, seed=args.seed))
        return
    net = train(pk, z, labels, video, args.run, steps=args.steps, batch=args.batch, lr=args.lr,
                w_read=args.w_read, hidden=args.hidden, layers=args.layers, code=args.code, seed=args.seed,
                condition=args.condition, condition_noise=args.condition_noise)
    with open(os.path.join(args.run, "args.json"), "w") as f:
        json.dump(vars(args), f, indent=1)
    if args.export:
        info = {k: v for k, v in vars(args).items() if k not in ("export", "cache", "model_version")}
        m = export_latent_dir(pk, net, args.model_dir, args.export, info, args.model_version)
        print(f"exported {args.export} (model_version {m['model_version']})")


if __name__ == "__main__":
    main()
