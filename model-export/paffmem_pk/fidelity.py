"""How well a generator shows the memory the person: on a rendered OMG-layout set with a calibration grid
(`./paffmem faces omg` writes calibration/: each person's true face at known emotions, rendered with the first
frame's capture conditions), compare E(true face at y) with E(edit of the first frame to y), per person type.

Reports, per type: the z distance edit to true face; the PK's bias on true faces and on edits (reading minus y);
the share of the true bias the edits reproduce (slope of edit bias on true bias; 1 = all of it); the gap, mean
|edit bias - true bias|: what a residual read-out (label minus the PK's reading of the edit) gets wrong. The same measure as
`MemorySweep`'s "G against the person's true faces" (Java), usable on a checkpoint before export. The renderer's
truth is used for measuring only, never in training.

    /usr/bin/python3 -m paffmem_pk.fidelity --model-dir ../models/demo-pk --dataset ../data/tune-4243 \\
        [--editor runs/editor/last.pt] [--memory]

`--memory` also measures what matters in the end, the memory's gain, with the generator as the only difference: a
residual read-out (the PK's reading plus the mean of label minus the PK's reading over the k nearest memory entries
in z) over a memory of (a) the person's true faces at the calibration targets, (b) the generator's edits of the
person's first generation frames at the same targets; official CCC (frame predictions averaged per utterance) per
person type. (a) is the ceiling a perfect generator would give this read-out.
"""
import argparse
import csv
import os
import re
from collections import defaultdict

import numpy as np
import torch
from PIL import Image

from . import configure_threads
from .ccc import ccc
from .data import to_tensor


def _load(path):
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB").resize((96, 96), Image.BILINEAR), dtype=np.uint8)


def _by_video(dataset, name):
    """The rows of an OMG-layout set's CSV (frames.csv or calibration.csv) grouped by video, in file order."""
    out = defaultdict(list)
    with open(os.path.join(dataset, name)) as f:
        for r in csv.DictReader(f):
            out[r["video"]].append(r)
    return out


@torch.no_grad()
def measure(dataset, pk, zedit_fn, groups=None):
    """zedit_fn(x0 (1x3x96x96), z0 (1xZ), targets (n x 2), y0 (1x2, the frame's true label: only for analyses that
    condition on it)) -> the z's of the edits (n x Z)."""
    first = {v: rows[0] for v, rows in _by_video(dataset, "frames.csv").items()}
    grid = _by_video(dataset, "calibration.csv")
    acc = defaultdict(lambda: np.zeros(15))
    for video, rows in sorted(grid.items()):
        x0 = to_tensor(_load(os.path.join(dataset, first[video]["file"]))[None])
        z0 = pk.encoder(x0)
        ys = torch.tensor([[float(r["arousal"]), float(r["valence"])] for r in rows])
        true = to_tensor(np.stack([_load(os.path.join(dataset, r["file"])) for r in rows]))
        zt = pk.encoder(true)
        ze = zedit_fn(x0, z0, ys, _label(first[video]))
        tb = (pk.dem(zt) - ys).numpy()
        eb = (pk.dem(ze) - ys).numpy()
        for a in [acc[g] for g in (groups[video] if groups else [rows[0]["person_type"]])]:
            _accumulate(a, zt, ze, tb, eb, len(rows))
    out = {}
    for t, a in sorted(acc.items()):
        n = a[11]
        out[t] = {"z_dist": a[0] / n, "true_bias": [a[1] / n, a[2] / n], "edit_bias": [a[3] / n, a[4] / n],
                  "share": [a[5] / a[6], a[8] / a[9]], "gap": [a[12] / n, a[13] / n], "persons": int(a[14])}
    return out


def _accumulate(a, zt, ze, tb, eb, n):
    a[0] += torch.linalg.norm(zt - ze, dim=1).sum().item()
    for d in range(2):
        a[1 + d] += np.abs(tb[:, d]).sum()
        a[3 + d] += np.abs(eb[:, d]).sum()
        a[5 + 3 * d] += (tb[:, d] * eb[:, d]).sum()
        a[6 + 3 * d] += (tb[:, d] ** 2).sum()
        a[12 + d] += np.abs(eb[:, d] - tb[:, d]).sum()
    a[11] += n
    a[14] += 1


def delta_edit(pk, x0, z0, ys, gain=1.0, blur=0.0):
    """The frame plus G's change of expression: x0 + gain * (G(z0, y) - G(z0, D_em(z0))), the difference optionally
    blurred by a Gaussian of sigma `blur` pixels, clamped to the image range [-1, 1]. The person's own pixels stay;
    only what G changes between the frame's own reading and each target y is added (one edit per row of ys)."""
    d = pk.generator(z0.expand(len(ys), -1), ys) - pk.generator(z0, pk.dem(z0))
    if blur > 0:
        r = int(3 * blur + 0.5)
        g = torch.exp(-torch.arange(-r, r + 1, dtype=torch.float32) ** 2 / (2 * blur ** 2))
        g = (g / g.sum()).to(d.dtype)
        c = d.shape[1]
        d = torch.nn.functional.conv2d(d, g.view(1, 1, 1, -1).repeat(c, 1, 1, 1), padding=(0, r), groups=c)
        d = torch.nn.functional.conv2d(d, g.view(1, 1, -1, 1).repeat(c, 1, 1, 1), padding=(r, 0), groups=c)
    return (x0 + gain * d).clamp(-1, 1)


def _label(row):
    return torch.tensor([[float(row["arousal"]), float(row["valence"])]])


def _group(person_type):
    return person_type if person_type in ("typical", "identity_confound") else "atypical"


def trait_groups(dataset):
    """video -> the groups a `--by-trait` report puts it in: for an identity_confound person one group per strong
    anatomical trait named in persons.csv's `anatomy` column (e.g. "corners-2.79;eye_aperture-0.36" -> "corners",
    "eye_aperture"; the line traits as "lines"), for everyone else the person's group."""
    out = {}
    with open(os.path.join(dataset, "persons.csv")) as f:
        for r in csv.DictReader(f):
            if r["person_type"] != "identity_confound":
                out[r["person_id"]] = [_group(r["person_type"])]
                continue
            names = []
            for name, _ in anatomy_traits(r.get("anatomy", "")):
                if name not in names:
                    names.append(name)
            out[r["person_id"]] = names or ["identity_confound"]
    return out


def anatomy_traits(anatomy):
    """persons.csv's `anatomy` ("corners-2.79;frown_lines+0.72;crows_feet+0.4") -> [(trait, value), ...], the four
    kinds of lines (forehead, frown, crow's feet, folds) named "lines"."""
    out = []
    for t in filter(None, anatomy.split(";")):
        m = re.match(r"([a-z_]+?)([+-][\d.]+)$", t)
        name = m.group(1)
        out.append(("lines" if name.endswith("_lines") or name in ("crows_feet", "folds") else name,
                    float(m.group(2))))
    return out


@torch.no_grad()
def population_residual(dataset, pk, zedit_fn, sources=5, generation_frames=25):
    """Per calibration target, the mean over a population's persons of (target - the PK's reading of the edit): the
    part of an edit's residual that every person shares (how far the generator's edits fall short of their targets
    as the PK reads them), measured on ordinary persons that only a generator and the PK ever see."""
    frames = _by_video(dataset, "frames.csv")
    grid = _by_video(dataset, "calibration.csv")
    total, count = None, 0
    for video, rows in sorted(grid.items()):
        ys = torch.tensor([[float(r["arousal"]), float(r["valence"])] for r in rows])
        gen = frames[video][:generation_frames]
        for r in gen[::max(1, len(gen) // sources)][:sources]:
            x0 = to_tensor(_load(os.path.join(dataset, r["file"]))[None])
            res = ys - pk.dem(zedit_fn(x0, pk.encoder(x0), ys, _label(r)))
            total = res if total is None else total + res
            count += 1
    return total / count


@torch.no_grad()
def memory_ceiling(dataset, pk, zedit_fn, sources=5, k=5, stride=3, generation_frames=25, shrink=(), labelled=(),
                   seed=0, shared_residual=None, groups=None):
    """Official CCC per group (and "all") of the PK alone and of the residual read-out over a memory of the true
    faces at the calibration targets ("true") or of edits of the first `sources` of the person's first
    `generation_frames` frames at the same targets ("edits"). Real frames every `stride`-th. Each factor in
    `shrink` adds "edits xF": the PK's reading plus F times the edits' correction. Each N in `labelled` adds
    "N labelled": a memory of only N of the true faces, drawn at random (labelled moments of the person, as an
    enrolment would give them; k = min(k, N))."""
    rng = np.random.RandomState(seed)
    frames = _by_video(dataset, "frames.csv")
    grid = _by_video(dataset, "calibration.csv")
    per_utt = defaultdict(lambda: defaultdict(list))  # group -> kind -> [(prediction mean, truth mean)]

    def read(images):
        z = torch.cat([pk.encoder(images[i:i + 128]) for i in range(0, len(images), 128)])
        return z, pk.dem(z)

    def residual(z, zm, res):
        d = torch.cdist(z, zm)
        idx = torch.topk(d, min(k, len(zm)), largest=False).indices
        return res[idx].mean(1)

    for video, rows in sorted(grid.items()):
        real = frames[video]
        sub = real[::stride]
        z, pred = read(to_tensor(np.stack([_load(os.path.join(dataset, r["file"])) for r in sub])))
        ys = torch.tensor([[float(r["arousal"]), float(r["valence"])] for r in rows])
        zt, rt = read(to_tensor(np.stack([_load(os.path.join(dataset, r["file"])) for r in rows])))
        ze, re_ = [], []
        gen = real[:generation_frames]
        for r in gen[::max(1, len(gen) // sources)][:sources]:
            x0 = to_tensor(_load(os.path.join(dataset, r["file"]))[None])
            zz = zedit_fn(x0, pk.encoder(x0), ys, _label(r))
            ze.append(zz)
            re_.append(ys - pk.dem(zz) - (0 if shared_residual is None else shared_residual))
        outs = {"pk": pred, "true": pred + residual(z, zt, ys - rt),
                "edits": pred + residual(z, torch.cat(ze), torch.cat(re_))}
        for n in labelled:
            pick = torch.from_numpy(rng.choice(len(rows), min(n, len(rows)), replace=False))
            idx = torch.topk(torch.cdist(z, zt[pick]), min(k, len(pick)), largest=False).indices
            outs[f"{n} labelled"] = pred + (ys - rt)[pick][idx].mean(1)
        for lam in shrink:
            outs[f"edits x{lam:g}"] = pred + lam * (outs["edits"] - pred)
        add_utterances(per_utt, rows[0]["person_type"], sub, {k: o.numpy() for k, o in outs.items()},
                       groups=groups[video] if groups else None)
    return official_ccc(per_utt)


def add_utterances(per_utt, person_type, rows, outs, groups=None):
    """Adds one video's utterances to per_utt (group -> kind -> [(prediction mean, truth mean)]), for the person's
    group (or each of `groups`) and "all": `rows` are the video's frames.csv rows scored, `outs` kind -> their
    (arousal, valence)."""
    truth = np.array([[float(r["arousal"]), float(r["valence"])] for r in rows])
    utt = np.array([r["utterance"] for r in rows])
    for u in np.unique(utt):
        m = utt == u
        for g in (groups or [_group(person_type)]) + ["all"]:
            for kind, out in outs.items():
                per_utt[g][kind].append((out[m].mean(0), truth[m].mean(0)))


def official_ccc(per_utt):
    """OMG-Emotion's official CCC (over utterance means) per group and kind: group -> kind -> [arousal, valence]."""
    result = {}
    for g, kinds in per_utt.items():
        result[g] = {}
        for kind, pairs in kinds.items():
            p = np.array([a for a, _ in pairs])
            t = np.array([b for _, b in pairs])
            result[g][kind] = [ccc(p[:, 0], t[:, 0]), ccc(p[:, 1], t[:, 1])]
    return result


@torch.no_grad()
def contact_sheet(dataset, pk, edit_fn, path, per_type=(("identity_confound", 3), ("typical", 1)), picks=(0, 20, 40, 60, 80)):
    """One row per person: the first frame, the true faces at 5 calibration targets, the edits at the same targets."""
    first = {v: rows[0] for v, rows in _by_video(dataset, "frames.csv").items()}
    grid = _by_video(dataset, "calibration.csv")
    rows = []
    for kind, count in per_type:
        for video in [v for v in sorted(grid) if grid[v][0]["person_type"] == kind][:count]:
            sel = [grid[video][i] for i in picks if i < len(grid[video])]
            frame = _load(os.path.join(dataset, first[video]["file"]))
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
    ap.add_argument("--translator", default=None,
                    help="a frame-translator checkpoint (paffmem_pk.translator) instead of G(z, y)")
    ap.add_argument("--latent", default=None,
                    help="a latent-generator checkpoint (paffmem_pk.latent): edits drawn in z, no image")
    ap.add_argument("--reading", default=None, metavar="pk|truth|READER.pt",
                    help="with --latent: how the source frame's emotion enters the generator: the PK's reading "
                         "(what the job has; the default for generators trained on it), its true label (an "
                         "analysis: a perfect reader), or a pixel reader saved by latent --reader-baseline --pixels "
                         "--save-reader")
    ap.add_argument("--delta", action="store_true",
                    help="edits as the frame plus G's change of expression: x0 + G(z0, y) - G(z0, D_em(z0)), clamped "
                         "to the image range (the person's own pixels kept, G's difference between the target and "
                         "the frame's own reading added)")
    ap.add_argument("--delta-gain", type=float, default=1.0, help="with --delta: the change of expression times this")
    ap.add_argument("--delta-blur", type=float, default=0.0,
                    help="with --delta: a Gaussian blur of this sigma (pixels) on the change of expression")
    ap.add_argument("--calibrate-on", default=None, metavar="POPULATION",
                    help="with --memory: subtract from each edit's residual the mean residual of the edits at the "
                         "same target over this set's persons (an OMG-layout set with the same calibration grid)")
    ap.add_argument("--generator", default=None, metavar="ADAPTED.pt",
                    help="G's weights from a `paffmem_pk.adapt` checkpoint instead of the model directory's")
    ap.add_argument("--by-trait", action="store_true",
                    help="report identity_confound persons by strong anatomical trait (persons.csv's anatomy column; "
                         "each person counts in both of their traits' rows) instead of as one group")
    ap.add_argument("--memory", action="store_true",
                    help="also the memory's gain over the PK with true faces vs the generator's edits (slower)")
    ap.add_argument("--k", type=int, default=5, help="nearest memory entries in the --memory read-out")
    ap.add_argument("--shrink", type=float, nargs="*", default=[],
                    help="also report the edits' correction scaled by each of these factors (shrinkage to the PK)")
    ap.add_argument("--sources", type=int, default=5, help="generation frames edited per person for --memory")
    ap.add_argument("--labelled", type=int, nargs="*", default=[],
                    help="with --memory: also memories of only N of the person's true faces (labelled moments)")
    args = ap.parse_args(argv)
    configure_threads(2)
    from .editor import load_editor, load_frozen_pk

    if args.delta and (args.editor or args.translator or args.latent):
        ap.error("--delta adds G's change of expression to the frame; it replaces --editor, --translator and --latent")
    if args.calibrate_on and not args.memory:
        ap.error("--calibrate-on corrects the memory's residuals: it needs --memory")
    if args.reading and not args.latent:
        ap.error("--reading feeds a latent generator (--latent); the other generators read the frame themselves")
    pk = load_frozen_pk(args.model_dir)
    if args.generator:
        from .adapt import load_generator

        load_generator(pk, args.generator)
    if args.editor:
        ed = load_editor(args.editor, pk)
        fn = lambda x0, z0, ys: ed(x0.expand(len(ys), -1, -1, -1), ys,
                                   pk.dem(z0).expand(len(ys), -1))
    elif args.translator:
        from .translator import load_translator

        tr = load_translator(args.translator)
        fn = lambda x0, z0, ys: tr(x0.expand(len(ys), -1, -1, -1), ys, pk.dem(z0).expand(len(ys), -1))
    elif args.delta:
        fn = lambda x0, z0, ys: delta_edit(pk, x0, z0, ys, gain=args.delta_gain, blur=args.delta_blur)
    elif not args.latent:
        fn = lambda x0, z0, ys: pk.generator(z0.expand(len(ys), -1), ys)
    if args.latent:
        from .latent import load_latent, load_pixel_reader

        lat = load_latent(args.latent)
        reading = args.reading or ("pk" if lat.config.get("condition", "reading") == "reading" else "truth")
        if reading == "pk":
            source = lambda x0, z0, y0: pk.dem(z0)
        elif reading == "truth":
            source = lambda x0, z0, y0: y0
        else:
            read = load_pixel_reader(reading, pk)
            source = lambda x0, z0, y0: read(x0)
        zfn = lambda x0, z0, ys, y0: lat(z0.expand(len(ys), -1), source(x0, z0, y0).expand(len(ys), -1), ys)
        if args.sheet:
            ap.error("--sheet draws images; a latent generator has none")
    else:
        zfn = lambda x0, z0, ys, y0: pk.encoder(fn(x0, z0, ys))
    groups = trait_groups(args.dataset) if args.by_trait else None
    res = measure(args.dataset, pk, zfn, groups=groups)
    if args.sheet:
        contact_sheet(args.dataset, pk, fn, args.sheet)
    print("type | persons | z distance edit-true | PK bias true a/v | PK bias edits a/v | share of true bias reproduced a/v | "
          "|edit bias - true bias| a/v (what a residual read-out gets wrong)")
    for t, r in res.items():
        print(f"{t} | {r['persons']} | {r['z_dist']:.3f} | {r['true_bias'][0]:.3f}/{r['true_bias'][1]:.3f} | "
              f"{r['edit_bias'][0]:.3f}/{r['edit_bias'][1]:.3f} | {r['share'][0]:.2f}/{r['share'][1]:.2f} | "
              f"{r['gap'][0]:.3f}/{r['gap'][1]:.3f}")
    if args.memory:
        shared = None
        if args.calibrate_on:
            with torch.no_grad():
                shared = population_residual(args.calibrate_on, pk, zfn, sources=args.sources)
            print(f"shared residual of the edits over {args.calibrate_on}: mean |.| a/v "
                  f"{shared.abs().mean(0)[0]:.3f}/{shared.abs().mean(0)[1]:.3f}")
        mem = memory_ceiling(args.dataset, pk, zfn, sources=args.sources, k=args.k, shrink=args.shrink,
                             labelled=args.labelled, shared_residual=shared, groups=groups)
        print(f"\ngroup | PK alone a/v | memory of true faces a/v (gain) | memory of edits a/v (gain); "
              f"official CCC, residual read-out, k = {args.k}")
        order = ["all", "typical", "identity_confound", "atypical"]
        for g in order + sorted(set(mem) - set(order)):
            if g in mem:
                m = mem[g]
                cell = lambda kind: (f"{m[kind][0]:.3f}/{m[kind][1]:.3f} ({m[kind][0] - m['pk'][0]:+.3f}/"
                                     f"{m[kind][1] - m['pk'][1]:+.3f})")
                print(f"{g} | {m['pk'][0]:.3f}/{m['pk'][1]:.3f} | {cell('true')} | {cell('edits')}"
                      + "".join(f" | x{f:g} {cell(f'edits x{f:g}')}" for f in args.shrink)
                      + "".join(f" | {n} labelled {cell(f'{n} labelled')}" for n in args.labelled))


if __name__ == "__main__":
    main()
