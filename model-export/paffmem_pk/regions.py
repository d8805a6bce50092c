"""Does a face's anatomy show as disagreement between its regions? An unsupervised handle on identity-level bias.

An identity-level trait (synthetic-faces' `Anatomy`) moves one feature (the mouth corners, the brows, the lids) or
covers one (tinted lenses) the same at every emotion, while every other cue follows the true emotion. A video's mood
moves all regions together; a person's anatomy moves one. So the mean, over a person's frames, of what each region
alone says, relative to what the whole face says, carries the anatomy and not the mood, without a label.

This module measures whether that handle reaches the PK's bias:

* `train`: three band readers (brows and forehead, eyes, mouth: fixed rows of the job's 96 x 96 frame) trained, like
  the PK, on the labelled training persons (narrow anatomy), each seeing only its band;
* `read`: the PK's and the bands' readings of every frame of an OMG-layout set, cached as .npz;
* `fit` / `score`: a ridge regression, fitted on one set's persons with their labels, from a person's running mean of
  (band reading - PK reading) to the PK's bias on that person; scored on another set as an online correction of the
  PK (official CCC, per person type), the correction shrunk by n / (n + n0) over the person's first n frames;
* `room`: among the confounded persons, how much of the oracle's room the persons with one trait hold, and which
  band's disagreement follows the bias of the persons with and without it;
* `export`: the readers as one ONNX graph behind the job's uint8 frames (regions_u8.onnx) and the regression, added
  to a model directory's manifest.json as the optional `models.regions`, for the job's `--bias-correction regions`.

    /usr/bin/python3 -m paffmem_pk.regions train --data ../data/synth-affectnet-v2 --out runs/regions.pt
    /usr/bin/python3 -m paffmem_pk.regions read --model-dir ../models/demo-pk --readers runs/regions.pt \\
        --dataset ../data/tune-4243 --out runs/read-4243.npz
    /usr/bin/python3 -m paffmem_pk.regions score --fit runs/read-7201.npz runs/read-7202.npz --score runs/read-4243.npz
    /usr/bin/python3 -m paffmem_pk.regions export --readers runs/regions.pt --fit runs/read-7201.npz \
        runs/read-7202.npz --model-dir ../models/demo-pk
"""
import argparse
import csv
import os
import sys
import time
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn

from . import configure_threads
from .ccc import ccc, ccc_arousal_valence
from .data import to_tensor

# rows [top, bottom) of the 96 x 96 frame; the faces of the synthetic sets keep their eyes near row 48 and the mouth
# near rows 60-72 (the renderer's framing, with per-video camera shifts of a few pixels)
BANDS = {"brows": (20, 46), "eyes": (40, 58), "mouth": (57, 85)}


class BandReader(nn.Module):
    def __init__(self, c=24):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, c, 3, 1, 1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(c, 2 * c, 3, 1, 1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(2 * c, 2 * c, 3, 1, 1), nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d((2, 4)),
            nn.Flatten(), nn.Linear(16 * c, 64), nn.ReLU(inplace=True), nn.Linear(64, 2))

    def forward(self, band):
        return self.net(band)


def bands_of(x):
    """x: N x 3 x 96 x 96 in the PK's range -> {band: N x 3 x h x 96}."""
    return {k: x[:, :, a:b, :] for k, (a, b) in BANDS.items()}


def _shift(x, gen):
    """Random shifts of up to 5 pixels each way (edge-replicated), so the bands tolerate the framing's spread."""
    dy, dx = (torch.randint(-5, 6, (2,), generator=gen)).tolist()
    x = torch.nn.functional.pad(x, (5, 5, 5, 5), mode="replicate")
    return x[:, :, 5 + dy:101 + dy, 5 + dx:101 + dx]


def train(args):
    from .data import load_split

    split = load_split(os.path.join(args.data, "training.csv"), os.path.join(args.data, "Manually_Annotated_Images"),
                       None, args.max_train, 0, 2, True, r"([^/]+)_\d+\.png$", "none")
    persons = np.array(split.persons)
    uniq = np.unique(persons)
    rng = np.random.default_rng(0)
    val_persons = set(rng.choice(uniq, size=max(1, len(uniq) // 10), replace=False))
    val = np.array([p in val_persons for p in persons])
    tr_idx, va_idx = np.where(~val)[0], np.where(val)[0]
    labels = split.labels
    if args.target == "pk":  # the PK's own readings: the bands then agree with it wherever it sees no anatomy
        from .editor import load_frozen_pk

        pk = load_frozen_pk(args.model_dir)
        with torch.no_grad():
            labels = np.concatenate([pk.dem(pk.encoder(to_tensor(split.images[i:i + 256]))).numpy()
                                     for i in range(0, len(split.images), 256)])
        print(f"targets: the PK's readings of {len(labels)} faces (CCC to the labels on the bands' held-out persons, "
              f"which the PK trained on: "
              f"{ccc(labels[va_idx, 0], split.labels[va_idx, 0]):.3f} / "
              f"{ccc(labels[va_idx, 1], split.labels[va_idx, 1]):.3f})", flush=True)
    readers = nn.ModuleDict({k: BandReader() for k in BANDS})
    opt = torch.optim.Adam(readers.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.steps)
    gen = torch.Generator().manual_seed(0)
    labels = torch.from_numpy(np.ascontiguousarray(labels, dtype=np.float32))
    t0 = time.time()
    for step in range(1, args.steps + 1):
        idx = tr_idx[torch.randint(len(tr_idx), (args.batch,), generator=gen).numpy()]
        flip = (torch.rand(len(idx), generator=gen) < 0.5).numpy()
        x = _shift(to_tensor(split.images[idx], flip), gen)
        y = labels[idx]
        loss = sum(nn.functional.mse_loss(readers[k](b), y) for k, b in bands_of(x).items())
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 200 == 0 or step == args.steps:
            print(f"step {step} loss {loss.item() / 3:.4f} ({time.time() - t0:.0f} s)", flush=True)
    readers.eval()
    with torch.no_grad():
        out = defaultdict(list)
        for i in range(0, len(va_idx), 256):
            x = to_tensor(split.images[va_idx[i:i + 256]])
            for k, b in bands_of(x).items():
                out[k].append(readers[k](b))
        yv = labels[va_idx].numpy()
        for k in BANDS:
            p = torch.cat(out[k]).numpy()
            print(f"held-out persons, band {k}: CCC to the {args.target} arousal {ccc(p[:, 0], yv[:, 0]):.3f} valence "
                  f"{ccc(p[:, 1], yv[:, 1]):.3f}")
    torch.save({"bands": BANDS, "state": readers.state_dict(), "steps": args.steps, "target": args.target}, args.out)
    print(f"wrote {args.out}")


def load_readers(path):
    ck = torch.load(path, map_location="cpu")
    if {k: tuple(v) for k, v in ck["bands"].items()} != BANDS:
        raise ValueError(f"{path} was trained on the bands {ck['bands']}, this module reads {BANDS}")
    readers = nn.ModuleDict({k: BandReader() for k in ck["bands"]})
    readers.load_state_dict(ck["state"])
    readers.eval()
    return readers


@torch.no_grad()
def read(args):
    from .editor import load_frozen_pk
    from .fidelity import _by_video, _load

    pk = load_frozen_pk(args.model_dir)
    readers = load_readers(args.readers)
    if os.path.exists(os.path.join(args.dataset, "frames.csv")):
        videos = _by_video(args.dataset, "frames.csv")
        load = lambda r: _load(os.path.join(args.dataset, r["file"]))  # noqa: E731
    else:  # an AffectNet-layout set of the synthetic persons: each person's images as one "video" (file order)
        videos = defaultdict(list)
        with open(os.path.join(args.dataset, "validation.csv")) as f:
            for r in csv.DictReader(f):
                person = os.path.basename(r["subDirectory_filePath"]).rsplit("_", 1)[0]
                videos[person].append({"file": r["subDirectory_filePath"], "arousal": r["arousal"],
                                       "valence": r["valence"], "utterance": person, "person_type": "typical"})
        root = os.path.join(args.dataset, "Manually_Annotated_Images")
        load = lambda r: _load(os.path.join(root, r["file"]))  # noqa: E731
    rec = defaultdict(list)
    t0 = time.time()
    for n, (video, rows) in enumerate(sorted(videos.items())):
        rows = rows[:args.max_frames] if args.max_frames else rows
        x = to_tensor(np.stack([load(r) for r in rows]))
        pk_out, band_out = [], defaultdict(list)
        for i in range(0, len(x), 128):
            xb = x[i:i + 128]
            pk_out.append(pk.dem(pk.encoder(xb)))
            for k, b in bands_of(xb).items():
                band_out[k].append(readers[k](b))
        rec["pk"].append(torch.cat(pk_out).numpy())
        rec["bands"].append(np.stack([torch.cat(band_out[k]).numpy() for k in BANDS], 1))
        rec["y"].append(np.array([[float(r["arousal"]), float(r["valence"])] for r in rows], np.float32))
        rec["video"] += [video] * len(rows)
        rec["utt"] += [r["utterance"] for r in rows]
        rec["type"] += [r["person_type"] for r in rows]
        if n % 20 == 0:
            print(f"{n + 1}/{len(videos)} videos ({time.time() - t0:.0f} s)", flush=True)
    anatomy = {}
    for name in ("persons.csv", "persons_validation.csv"):
        if os.path.exists(os.path.join(args.dataset, name)):
            with open(os.path.join(args.dataset, name)) as f:
                for r in csv.DictReader(f):
                    anatomy[r["person_id"]] = r.get("anatomy", "")
            break
    np.savez_compressed(args.out, pk=np.concatenate(rec["pk"]), bands=np.concatenate(rec["bands"]),
                        y=np.concatenate(rec["y"]), video=np.array(rec["video"]), utt=np.array(rec["utt"]),
                        type=np.array(rec["type"]), band_names=np.array(list(BANDS)),
                        anatomy_person=np.array(list(anatomy)), anatomy=np.array(list(anatomy.values())))
    print(f"wrote {args.out}")


def _videos(d):
    v = d["video"]
    starts = np.r_[0, np.where(v[1:] != v[:-1])[0] + 1, len(v)]
    return [(v[a], a, b) for a, b in zip(starts[:-1], starts[1:])]


def features(bands, pk, stride=1, cap=0):
    """Per frame: the running mean over the video so far of (band reading - PK reading), bands x dims, flattened;
    with `stride` / `cap` over the frames the job's band readers read (every stride-th below cap; 0: all)."""
    n = len(pk)
    diff = (bands - pk[:, None, :]).reshape(n, -1)
    read = (np.arange(n) % stride == 0) & ((np.arange(n) < cap) if cap else True)
    return np.cumsum(np.where(read[:, None], diff, 0.0), 0) / np.maximum(np.cumsum(read), 1)[:, None]


def fit(sets, ridge, frames):
    """Ridge from a person's mean (band - PK) over their first `frames` frames to the PK's mean bias over the video."""
    xs, ys = [], []
    for d in sets:
        for _, a, b in _videos(d):
            f = features(d["bands"][a:b], d["pk"][a:b])
            xs.append(f[min(frames, b - a) - 1])
            ys.append((d["pk"][a:b] - d["y"][a:b]).mean(0))
    x, y = np.array(xs), np.array(ys)
    mu = x.mean(0)
    xc = x - mu
    w = np.linalg.solve(xc.T @ xc + ridge * len(x) * np.eye(x.shape[1]), xc.T @ (y - y.mean(0)))
    pred = xc @ w + y.mean(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = 1 - ((y - pred) ** 2).sum(0) / ((y - y.mean(0)) ** 2).sum(0)
    return {"mu": mu, "w": w, "b": y.mean(0), "r2_fit": r2, "persons": len(x)}


def _estimate(model, bands, pk, stride=1, cap=0):
    """Per frame: the person's bias as the model estimates it from their frames so far (read as stride / cap say)."""
    if "estimate" in model:
        return model["estimate"](bands, pk, stride, cap)
    return (features(bands, pk, stride, cap) - model["mu"]) @ model["w"] + model["b"]


def _fit_rows(sets):
    """Per video of the fitting sets: its frames' readings and its true mean PK bias."""
    rows = []
    for d in sets:
        for _, a, b in _videos(d):
            rows.append((d["bands"][a:b], d["pk"][a:b], (d["pk"][a:b] - d["y"][a:b]).mean(0)))
    return rows


def fit_mlp(sets, frames, hidden=16, steps=3000, weight_decay=1e-3, seed=0):
    """A small network (one tanh layer) from the same six mean disagreements as `fit`'s ridge to the PK's bias."""
    torch.manual_seed(seed)
    rows = _fit_rows(sets)
    x = np.array([features(bd, pk)[min(frames, len(pk)) - 1] for bd, pk, _ in rows], np.float32)
    y = torch.tensor(np.array([t for _, _, t in rows], np.float32))
    mu, sd = x.mean(0), x.std(0) + 1e-6
    net = nn.Sequential(nn.Linear(x.shape[1], hidden), nn.Tanh(), nn.Linear(hidden, 2))
    opt = torch.optim.Adam(net.parameters(), lr=3e-3, weight_decay=weight_decay)
    xt = torch.tensor((x - mu) / sd)
    for _ in range(steps):
        opt.zero_grad()
        loss = ((net(xt) - y) ** 2).mean()
        loss.backward()
        opt.step()

    @torch.no_grad()
    def estimate(bands, pk, stride, cap):
        return net(torch.tensor(((features(bands, pk, stride, cap) - mu) / sd).astype(np.float32))).numpy()

    return {"estimate": estimate, "persons": len(rows), "kind": f"mlp {hidden}"}


def _frame_inputs(bands, pk):
    return np.concatenate([(bands - pk[:, None, :]).reshape(len(pk), -1), pk], 1).astype(np.float32)


def fit_set_network(sets, frames, hidden=32, k=16, steps=3000, weight_decay=1e-4, seed=0):
    """A network over a person's frames: each frame's bands minus the PK and the PK's reading -> `hidden` tanh units ->
    `k` features, averaged over the frames read so far, -> the PK's bias (linear). It may weigh frames by what they
    show (a smile the lids show and the PK does not), which the mean disagreement cannot. Trained on random subsets
    of each fitting video's first `frames` frames, as many as the job reads early and late."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    rows = _fit_rows(sets)
    t = min(frames, min(len(pk) for _, pk, _ in rows))
    x = torch.tensor(np.stack([_frame_inputs(bd[:t], pk[:t]) for bd, pk, _ in rows]))
    y = torch.tensor(np.array([b for _, _, b in rows], np.float32))
    phi = nn.Sequential(nn.Linear(x.shape[2], hidden), nn.Tanh(), nn.Linear(hidden, k))
    rho = nn.Linear(k, 2)
    opt = torch.optim.Adam([*phi.parameters(), *rho.parameters()], lr=3e-3, weight_decay=weight_decay)
    for _ in range(steps):
        idx = torch.tensor(np.sort(rng.choice(t, size=int(rng.integers(min(5, t), t + 1)), replace=False)))
        loss = ((rho(phi(x[:, idx]).mean(1)) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

    @torch.no_grad()
    def estimate(bands, pk, stride, cap):
        n = len(pk)
        read = (np.arange(n) % stride == 0) & ((np.arange(n) < cap) if cap else True)
        p = phi(torch.tensor(_frame_inputs(bands, pk))).numpy()
        m = np.cumsum(np.where(read[:, None], p, 0.0), 0) / np.maximum(np.cumsum(read), 1)[:, None]
        return rho(torch.tensor(m.astype(np.float32))).numpy()

    return {"estimate": estimate, "persons": len(rows), "kind": f"set network {hidden} x {k}"}


def pool(sets):
    """Several read sets as one: each video and anatomy person id prefixed with its set's name (every seed names its
    persons eval-00000, ...), so the sets' persons stay apart in the scores and in the bootstrap."""
    names = list(sets)
    keys = ("pk", "bands", "y", "video", "utt", "type", "anatomy_person", "anatomy")
    out = {k: [] for k in keys}
    for name in names:
        d = sets[name]
        tag = os.path.splitext(os.path.basename(name))[0] + "/"
        for k in keys:
            v = d[k]
            out[k].append(np.char.add(tag, v.astype(str)) if k in ("video", "anatomy_person") else v)
    return {k: np.concatenate(v) for k, v in out.items()}


def score(d, model, n0, gain=1.0, bootstrap=0, seed=0, by_trait=False, stride=1, cap=0):
    """Per person type and all (and with `by_trait` per strong anatomical trait of the identity_confound persons):
    official CCC (over utterance means) of the PK, of the corrected PK and of an oracle that subtracts each video's
    true mean PK bias (the most a per-person offset can do); how the estimate from the video's last frame follows the
    video's true mean bias (correlation `r`, and `share`: the slope of the estimate on the true bias); with
    `bootstrap` > 0 the 95 % interval of corrected - PK over videos resampled with replacement."""
    from .fidelity import _group, anatomy_traits

    anatomy = dict(zip(d["anatomy_person"], d["anatomy"])) if by_trait else {}
    per = defaultdict(list)  # group -> per video: (PK's, corrected's, oracle's, truth's utterance means)
    bias = defaultdict(list)  # group -> per video: (estimate at the last frame, true mean bias)
    for video, a, b in _videos(d):
        pk, y = d["pk"][a:b], d["y"][a:b]
        n = np.arange(1, b - a + 1)[:, None]  # the shrinkage counts every frame, read or not (as the job does)
        est = _estimate(model, d["bands"][a:b], pk, stride, cap)
        true_bias = (pk - y).mean(0)
        utt = d["utt"][a:b]
        means = [np.array([x[utt == u].mean(0) for u in np.unique(utt)])
                 for x in (pk, pk - gain * (n / (n + n0)) * est, pk - true_bias, y)]
        groups = [_group(d["type"][a]), "all"]
        if d["type"][a] == "identity_confound" and video in anatomy:
            groups += sorted({t for t, _ in anatomy_traits(anatomy[video])})
        for g in groups:
            per[g].append(means)
            bias[g].append((est[-1], true_bias))
    out = {}
    rng = np.random.default_rng(seed)
    for g, videos in per.items():
        pk, corr, oracle, y = (np.concatenate([v[i] for v in videos]) for i in range(4))
        e, t = (np.array([x[i] for x in bias[g]]) for i in range(2))
        with np.errstate(divide="ignore", invalid="ignore"):
            r = [float(np.corrcoef(e[:, j], t[:, j])[0, 1]) if len(t) > 2 else float("nan") for j in range(2)]
            share = [float(np.cov(e[:, j], t[:, j])[0, 1] / np.var(t[:, j], ddof=1)) if len(t) > 2 else float("nan")
                     for j in range(2)]
        out[g] = {"pk": ccc_arousal_valence(pk, y), "corrected": ccc_arousal_valence(corr, y),
                  "oracle": ccc_arousal_valence(oracle, y), "r": r, "share": share, "videos": len(videos)}
        if bootstrap:
            deltas = []
            for _ in range(bootstrap):
                pick = [videos[i] for i in rng.integers(len(videos), size=len(videos))]
                pk_b, corr_b, _, y_b = (np.concatenate([v[i] for v in pick]) for i in range(4))
                deltas.append(np.subtract(ccc_arousal_valence(corr_b, y_b), ccc_arousal_valence(pk_b, y_b)))
            out[g]["delta_ci"] = np.percentile(np.array(deltas), [2.5, 97.5], axis=0).T.tolist()
    return out


def room(d, model, trait="corners", n0=25, stride=1, cap=0):
    """Where the room is among the identity_confound persons, and which band's disagreement follows their bias.

    Official CCC minus the PK's, (arousal, valence), over those persons: the online correction (`corrected`), the
    oracle offset for every person (`oracle`), for the persons with the strong `trait` only (`oracle_trait`, the
    others corrected) and for the others only (`oracle_others`); and per band, in the two groups of persons (`with`
    the trait and `without`), the correlation and slope of the person's mean (band - PK) over all their frames (not
    only those `stride` / `cap` read: what the bands carry) on their true mean PK bias (`r`, `slope`), with the spread
    of that bias and of the persons' mean truth (`sd_bias`, `sd_mood`)."""
    from .fidelity import anatomy_traits

    anatomy = dict(zip(d["anatomy_person"], d["anatomy"]))
    arms = defaultdict(list)  # arm -> per video: utterance means
    per_band = defaultdict(list)  # "with" / "without" -> per video: (true bias, mean band - PK [bands, 2], mean truth)
    for video, a, b in _videos(d):
        if d["type"][a] != "identity_confound":
            continue
        has = trait in {t for t, _ in anatomy_traits(anatomy.get(video, ""))}
        pk, y, bands = d["pk"][a:b], d["y"][a:b], d["bands"][a:b]
        n = np.arange(1, b - a + 1)[:, None]
        corrected = pk - (n / (n + n0)) * _estimate(model, bands, pk, stride, cap)
        true_bias = (pk - y).mean(0)
        utt = d["utt"][a:b]
        um = lambda x: np.array([x[utt == u].mean(0) for u in np.unique(utt)])  # noqa: E731
        arms["pk"].append(um(pk))
        arms["y"].append(um(y))
        arms["corrected"].append(um(corrected))
        arms["oracle"].append(um(pk - true_bias))
        arms["oracle_trait"].append(um(pk - true_bias if has else corrected))
        arms["oracle_others"].append(um(corrected if has else pk - true_bias))
        per_band["with" if has else "without"].append((true_bias, (bands - pk[:, None, :]).mean(0), y.mean(0)))
    if not arms:
        return {}
    y = np.concatenate(arms["y"])
    base = ccc_arousal_valence(np.concatenate(arms["pk"]), y)
    out = {"persons": len(arms["y"]), "with_trait": len(per_band["with"])}
    for arm in ("corrected", "oracle", "oracle_trait", "oracle_others"):
        out[arm] = np.subtract(ccc_arousal_valence(np.concatenate(arms[arm]), y), base).tolist()
    for group, rows in per_band.items():
        if len(rows) < 3:
            continue
        bias = np.array([r[0] for r in rows])
        dis = np.array([r[1] for r in rows])
        mood = np.array([r[2] for r in rows])
        with np.errstate(divide="ignore", invalid="ignore"):  # a bias without spread: nan
            out[group] = {"sd_bias": bias.std(0).tolist(), "sd_mood": mood.std(0).tolist(), "bands": {
                name: {"r": [float(np.corrcoef(dis[:, k, j], bias[:, j])[0, 1]) for j in range(2)],
                       "slope": [float(np.cov(dis[:, k, j], bias[:, j])[0, 1] / np.var(bias[:, j], ddof=1))
                                 for j in range(2)]}
                for k, name in enumerate(BANDS)}}
    return out


REGIONS_KEY = "regions"
REGIONS_FILE = "regions_u8.onnx"
REGIONS_PARITY = "parity/regions.rgb.u8"


class RegionsU8(nn.Module):
    """The job's frames as they are (uint8 [N, H, W, 3], RGB) -> the bands' readings [N, 6]: band-major in BANDS'
    order, (arousal, valence) each; the conversion is the PK's (data.to_tensor: byte / 127.5 - 1 for [-1, 1])."""

    def __init__(self, readers, lo, hi):
        super().__init__()
        self.readers = readers
        self.scale = float(hi - lo) / 255.0
        self.lo = float(lo)

    def forward(self, rgb):
        x = rgb.permute(0, 3, 1, 2).float() * self.scale + self.lo
        return torch.cat([self._read(self.readers[k].net, x[:, :, a:b, :], b - a) for k, (a, b) in BANDS.items()], 1)

    @staticmethod
    def _read(net, band, rows):
        """BandReader's net with its adaptive pooling spelt out as fixed slices: ONNX has no adaptive pooling whose
        bins do not divide the input (the mouth band's 7 rows into 2), and the band's size is fixed."""
        pool = net[8]
        feats = net[:8](band)
        return net[9:](adaptive_avg_pool_fixed(feats, pool.output_size, rows, 96))


def adaptive_avg_pool_fixed(x, size, band_h, band_w):
    """nn.AdaptiveAvgPool2d(size) on BandReader's features of a band_h x band_w band (two 2x2 max pools before),
    PyTorch's bins (start floor(i H / n), end ceil((i + 1) H / n)) as slices whose bounds are Python ints."""
    h, w = band_h // 4, band_w // 4
    oh, ow = size

    def bins(n, m):
        return [(i * n // m, -((-(i + 1) * n) // m)) for i in range(m)]

    rows = [torch.stack([x[:, :, a:b, c:d].mean((2, 3)) for c, d in bins(w, ow)], -1) for a, b in bins(h, oh)]
    return torch.stack(rows, -2)


@torch.no_grad()
def export(args):
    """regions_u8.onnx and models.regions (the regression, the bands, a parity fixture) in a model directory."""
    import json

    import onnx

    from .manifest import MANIFEST, sha256_file, u8_input_tensor, write_manifest

    with open(os.path.join(args.model_dir, MANIFEST)) as f:
        manifest = json.load(f)
    image = manifest["image"]
    if (image["height"], image["width"]) != (96, 96):
        raise SystemExit(f"the bands are rows of a 96 x 96 frame; {args.model_dir} takes {image['height']} x "
                         f"{image['width']}")
    lo, hi = image["value_range"]
    module = RegionsU8(load_readers(args.readers), lo, hi).eval()
    model = fit([dict(np.load(p)) for p in args.fit], args.ridge, args.fit_frames)
    path = os.path.join(args.model_dir, REGIONS_FILE)
    dummy = torch.zeros(2, 96, 96, 3, dtype=torch.uint8)
    torch.onnx.export(module, (dummy,), path, opset_version=int(manifest["opset"]), input_names=["rgb"],
                      output_names=["bands"], do_constant_folding=True,
                      dynamic_axes={"rgb": {0: "batch"}, "bands": {0: "batch"}})
    onnx.checker.check_model(onnx.load(path))
    # parity: PyTorch's readings of two fixed random frames, for the job's test of ONNX Runtime's
    rgb = np.random.default_rng(20190609).integers(0, 256, (2, 96, 96, 3), dtype=np.uint8)
    os.makedirs(os.path.join(args.model_dir, os.path.dirname(REGIONS_PARITY)), exist_ok=True)
    rgb.tofile(os.path.join(args.model_dir, REGIONS_PARITY))
    expected = module(torch.from_numpy(rgb)).numpy()
    manifest["models"][REGIONS_KEY] = {
        "file": REGIONS_FILE, "sha256": sha256_file(path),
        "inputs": [u8_input_tensor(image)],
        "outputs": [{"name": "bands", "shape": [-1, 2 * len(BANDS)], "dtype": "float32"}],
        "bands": {k: list(v) for k, v in BANDS.items()},
        "order": "band-major in the order of bands, (arousal, valence) each",
        "correction": {
            "what": "P-AffMem - n / (n + n0) * (b + (m - mu) . w), m the person's mean over their first n frames of "
                    "(band reading - PK reading), in the order of the outputs; (arousal, valence)",
            "mu": [round(float(v), 7) for v in model["mu"]], "w": [[round(float(v), 7) for v in row] for row in
                                                                   model["w"]],
            "b": [round(float(v), 7) for v in model["b"]], "n0": args.n0, "ridge": args.ridge,
            "fit_frames": args.fit_frames, "fit_persons": int(model["persons"]),
            "fit_sets": [os.path.basename(p) for p in args.fit],
            "r2_fit": [round(float(v), 4) for v in model["r2_fit"]]},
        "readers": {"checkpoint": os.path.basename(args.readers)},
        "parity": {"rgb": REGIONS_PARITY, "shape": list(rgb.shape), "sha256": sha256_file(
            os.path.join(args.model_dir, REGIONS_PARITY)), "bands": [[round(float(v), 6) for v in row] for row in
                                                                     expected], "tolerance": 1e-4},
    }
    write_manifest(args.model_dir, manifest)
    print(f"wrote {path} and models.{REGIONS_KEY} in {os.path.join(args.model_dir, MANIFEST)} (fit on "
          f"{model['persons']} persons, R^2 a/v {model['r2_fit'][0]:.3f} / {model['r2_fit'][1]:.3f})")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m paffmem_pk.regions", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--data", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--steps", type=int, default=3000)
    t.add_argument("--batch", type=int, default=64)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--max-train", type=int, default=None)
    t.add_argument("--target", choices=("labels", "pk"), default="labels",
                   help="what the bands learn to read: the faces' labels, or the PK's readings of them (needs "
                        "--model-dir)")
    t.add_argument("--model-dir", default=None)
    r = sub.add_parser("read")
    r.add_argument("--model-dir", required=True)
    r.add_argument("--readers", required=True)
    r.add_argument("--dataset", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--max-frames", type=int, default=600, help="frames per video read (600 = the evaluation's 24 s)")
    s = sub.add_parser("score")
    s.add_argument("--fit", nargs="+", required=True)
    s.add_argument("--score", nargs="+", required=True)
    s.add_argument("--ridge", type=float, nargs="+", default=[0.01])
    s.add_argument("--fit-frames", type=int, default=100)
    s.add_argument("--n0", type=float, nargs="+", default=[25])
    s.add_argument("--gain", type=float, nargs="+", default=[1.0])
    s.add_argument("--by-trait", action="store_true",
                   help="also report identity_confound persons by strong anatomical trait (persons.csv's anatomy)")
    s.add_argument("--bootstrap", type=int, default=0, help="resamples over videos for the 95 %% interval of the gain")
    s.add_argument("--pool", action="store_true", help="also score the --score sets together as one set of persons")
    s.add_argument("--stride", type=int, default=1, help="bands read on every stride-th frame only (the job's "
                                                            "--bias-correction-stride)")
    s.add_argument("--cap", type=int, default=0, help="bands read below this frame only, 0: all (the job's "
                                                        "--bias-correction-frames)")
    s.add_argument("--estimator", choices=("ridge", "mlp", "set"), default="ridge",
                   help="the person's bias from: the ridge on the six mean disagreements (the job's), a small network "
                        "on them, or a set network over the frames (fit_set_network); the last two are experiments")
    s.add_argument("--hidden", type=int, default=0, help="hidden units of mlp (default 16) or set (default 32)")
    s.add_argument("--set-k", type=int, default=16, help="features the set network averages over the frames")
    m = sub.add_parser("room", help="where the room is among the confounded persons, and which band follows their bias")
    m.add_argument("--fit", nargs="+", required=True)
    m.add_argument("--score", nargs="+", required=True)
    m.add_argument("--trait", default="corners", help="the strong trait whose persons are told apart (default: corners)")
    m.add_argument("--ridge", type=float, default=0.01)
    m.add_argument("--fit-frames", type=int, default=100)
    m.add_argument("--stride", type=int, default=1)
    m.add_argument("--cap", type=int, default=0)
    e = sub.add_parser("export", help="add the readers and the regression to a model directory (models.regions)")
    e.add_argument("--readers", required=True)
    e.add_argument("--fit", nargs="+", required=True)
    e.add_argument("--model-dir", required=True)
    e.add_argument("--ridge", type=float, default=0.01)
    e.add_argument("--fit-frames", type=int, default=100)
    e.add_argument("--n0", type=float, default=25)
    args = ap.parse_args(argv)
    configure_threads(2)
    if args.cmd == "train":
        if args.target == "pk" and not args.model_dir:
            ap.error("--target pk reads the training faces with the PK: give --model-dir")
        train(args)
    elif args.cmd == "read":
        read(args)
    elif args.cmd == "export":
        export(args)
    elif args.cmd == "room":
        model = fit([dict(np.load(p)) for p in args.fit], args.ridge, args.fit_frames)
        for p in args.score:
            res = room(dict(np.load(p)), model, args.trait, stride=args.stride, cap=args.cap)
            if not res:
                print(f"{os.path.basename(p)}: no identity_confound persons")
                continue
            print(f"{os.path.basename(p)}: {res['persons']} identity_confound persons, {res['with_trait']} with "
                  f"{args.trait}; CCC minus the PK's, arousal / valence:")
            for arm in ("corrected", "oracle", "oracle_trait", "oracle_others"):
                print(f"  {arm:14s} {res[arm][0]:+.3f} / {res[arm][1]:+.3f}")
            for group in ("with", "without"):
                if group in res:
                    g = res[group]
                    print(f"  persons {group} {args.trait}: sd of the true bias {g['sd_bias'][0]:.2f} / "
                          f"{g['sd_bias'][1]:.2f}, of the mean truth {g['sd_mood'][0]:.2f} / {g['sd_mood'][1]:.2f}; "
                          "mean (band - PK) on the true bias, r and slope, a / v:")
                    for name, v in g["bands"].items():
                        print(f"    {name:6s} r {v['r'][0]:+.2f} / {v['r'][1]:+.2f}  slope {v['slope'][0]:+.2f} / "
                              f"{v['slope'][1]:+.2f}")
    else:
        fits = [dict(np.load(p)) for p in args.fit]
        scores = {p: dict(np.load(p)) for p in args.score}
        if args.pool and len(scores) > 1:
            scores["pooled " + "+".join(os.path.basename(p) for p in args.score)] = pool(scores)
        if args.estimator == "ridge":
            models = []
            for ridge in args.ridge:
                model = fit(fits, ridge, args.fit_frames)
                models.append((f"ridge {ridge}: fitted on {model['persons']} persons, R^2 of the PK's bias a/v "
                               f"{model['r2_fit'][0]:.3f} / {model['r2_fit'][1]:.3f}", model))
        else:
            model = (fit_mlp(fits, args.fit_frames, args.hidden or 16) if args.estimator == "mlp"
                     else fit_set_network(fits, args.fit_frames, args.hidden or 32, args.set_k))
            models = [(f"{model['kind']}: fitted on {model['persons']} persons", model)]
        for title, model in models:
            print(title)
            for p, d in scores.items():
                for n0 in args.n0:
                    for gain in args.gain:
                        res = score(d, model, n0, gain, args.bootstrap, by_trait=args.by_trait, stride=args.stride,
                                    cap=args.cap)
                        print(f"  {os.path.basename(p)} n0 {n0:g} gain {gain:g}:")
                        for g, v in sorted(res.items()):
                            ci = v.get("delta_ci")
                            cells = [f"{v['corrected'][j] - v['pk'][j]:+.3f}"
                                     + (f" [{ci[j][0]:+.3f}, {ci[j][1]:+.3f}]" if ci else "") for j in range(2)]
                            print(f"    {g:18s} videos {v['videos']:3d}  PK {v['pk'][0]:.3f} / {v['pk'][1]:.3f}  "
                                  f"corrected - PK: arousal {cells[0]}, valence {cells[1]}  oracle - PK "
                                  f"{v['oracle'][0] - v['pk'][0]:+.3f} / {v['oracle'][1] - v['pk'][1]:+.3f}  "
                                  f"estimate vs true bias: r {v['r'][0]:+.2f} / {v['r'][1]:+.2f}, share "
                                  f"{v['share'][0]:+.2f} / {v['share'][1]:+.2f}")


if __name__ == "__main__":
    sys.exit(main())
