"""Train the PK on AffectNet (real or synthetic, same layout); validate D_em's CCC on validation.csv.

    cd model-export
    /usr/bin/python3 -m paffmem_pk.train --data ../data/synth-affectnet --width 0.125 \
        --steps 3000 --run runs/demo --export ../models/demo-pk

Checkpoints go to <run>/last.pt (every --ckpt-every steps and at the end); rerunning the same
command resumes from it. Per-term losses and validation CCCs are appended to <run>/log.jsonl.
`main` runs the steps below in order: load_data, build, resume, then train_steps (which calls
validate_step every --val-every steps and at the end), then export.
"""
import argparse
import json
import os
import random
import sys
import time

import numpy as np
import torch

from . import configure_threads
from .ccc import ccc_arousal_valence
from .checkpoint import read_checkpoint
from .data import default_image_root, load_split, to_tensor
from .diagnose import edit_report
from .losses import ABLATIONS, PAPER_WEIGHTS, LossConfig, PKTrainer, manifest_losses
from .models import PK, PKConfig

_REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def portable_path(path: str) -> str:
    """A path for the manifest: relative to the repository's root when inside it (data/...), so the record names
    no machine's folders; absolute otherwise."""
    full = os.path.abspath(path)
    rel = os.path.relpath(full, _REPOSITORY)
    return full if rel.startswith("..") else rel

def build_parser():
    ap = argparse.ArgumentParser(prog="python3 -m paffmem_pk.train",
                                 description="Train the P-AffMem prior-knowledge adversarial autoencoder.")
    d = ap.add_argument_group("data (AffectNet layout)")
    d.add_argument("--data", required=True, help="folder holding training.csv and validation.csv")
    d.add_argument("--train-csv", default=None, help="default: <data>/training.csv")
    d.add_argument("--val-csv", default=None, help="default: <data>/validation.csv (held-out persons)")
    d.add_argument("--image-root", default=None,
                   help="folder the CSV's subDirectory_filePath is relative to "
                        "(default: <data>/Manually_Annotated_Images if it exists, else <data>)")
    d.add_argument("--person-regex", default=None,
                   help=r"regex whose group 1 in subDirectory_filePath is a person id, to count persons "
                        r"(synthetic set: '([^/]+)_\d+\.\w+$'; real AffectNet has no person ids)")
    d.add_argument("--max-train", type=int, default=None, help="use a seeded random subset of the training rows")
    d.add_argument("--max-val", type=int, default=None, help="use a seeded random subset of the validation rows")
    d.add_argument("--cache-dir", default=None, help="cache decoded 96x96 faces here (.npy, memory-mapped)")
    d.add_argument("--workers", type=int, default=2, help="processes decoding images (once)")
    d.add_argument("--no-hflip", action="store_true", help="disable random horizontal mirroring")
    d.add_argument("--crop", choices=("box", "none"), default="box",
                   help="box: crop each image to its face box (AffectNet's images are larger than the face); "
                        "none: keep the whole image, for sets already framed like the job's input frames "
                        "(the synthetic sets). Training must see faces framed as the stream sends them.")
    d.add_argument("--data-kind", default=None, help='recorded in the manifest, e.g. "synthetic" or "affectnet"')

    m = ap.add_argument_group("model and losses")
    m.add_argument("--width", type=float, default=1.0, help="channel multiplier; 1.0 = the paper's network")
    m.add_argument("--dem-hidden", type=int, default=128, help="D_em hidden units")
    m.add_argument("--ablation", choices=sorted(ABLATIONS), default="all",
                   help="which discriminators are on (rows of the paper's Table 2)")
    m.add_argument("--no-d-em", action="store_true", help="turn D_em off (on top of --ablation)")
    m.add_argument("--no-d-prior", action="store_true", help="turn D_prior off")
    m.add_argument("--no-d-real", action="store_true", help="turn D_real off")
    m.add_argument("--no-iden", action="store_true", help="turn the identity loss off")
    m.add_argument("--vggface", default=None, help="MatConvNet vgg_face.mat for the identity loss")
    m.add_argument("--idnet", default=None,
                   help="identity network checkpoint (python3 -m paffmem_pk.idnet) for the identity loss, "
                        "when VGG-Face is not available")
    m.add_argument("--vgg-taps", choices=("blocks", "convs"), default="blocks",
                   help="VGG-Face layers compared: last ReLU of the first 5 blocks, or of the first 5 convs")
    for k, v in PAPER_WEIGHTS.items():
        m.add_argument(f"--w-{k}", type=float, default=v, help=f"weight of L_{k} (paper: {v})")

    m.add_argument("--w-edit-em", type=float, default=0.0,
                   help="weight of L_edit_em (not in the paper; 0 = off): D_em(E(G(z, y'))) should read back a "
                        "random target y'; trains G only")
    m.add_argument("--w-edit-z", type=float, default=0.0,
                   help="weight of L_edit_z (not in the paper; 0 = off): E(G(z, y)) should encode back to z; "
                        "trains G only")
    m.add_argument("--w-edit-rel", type=float, default=0.0,
                   help="weight of L_edit_rel (not in the paper; 0 = off): D_em(E(G(z, y'))) - D_em(z) should equal "
                        "y' - y, so edits keep the person's own reading; trains G only")
    m.add_argument("--w-iden-edit", type=float, default=0.0,
                   help="weight of the identity loss on edits G(z, y') (not in the paper; 0 = off; needs --idnet or "
                        "--vggface); trains G only")
    m.add_argument("--init-from", default=None,
                   help="start a new run from an exported model directory's E, G and D_em (discriminators fresh)")

    t = ap.add_argument_group("optimization")
    t.add_argument("--steps", type=int, default=10000, help="total training steps (resume continues to this)")
    t.add_argument("--max-minutes", type=float, default=None,
                   help="stop (validate, checkpoint, export) after this much training wall-clock time in this "
                        "invocation, even before --steps; the manifest records the steps reached")
    t.add_argument("--batch", type=int, default=48)
    t.add_argument("--lr", type=float, default=2e-4)
    t.add_argument("--beta1", type=float, default=0.5)
    t.add_argument("--beta2", type=float, default=0.999)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    t.add_argument("--device", choices=("auto", "cuda", "cpu"), default="auto",
                   help="where to train: cuda (fails without a CUDA device), cpu, or auto (cuda when torch sees one, "
                        "else cpu; default)")

    r = ap.add_argument_group("run")
    r.add_argument("--run", default="runs/pk", help="run folder: checkpoints, log.jsonl")
    r.add_argument("--val-every", type=int, default=250, help="validate D_em every N steps (0: only at the end)")
    r.add_argument("--ckpt-every", type=int, default=100)
    r.add_argument("--log-every", type=int, default=10)
    r.add_argument("--no-resume", action="store_true", help="start afresh even if <run>/last.pt exists")
    r.add_argument("--export", default=None, help="export the final model directory here")
    r.add_argument("--model-id", default="paffmem-pk")
    r.add_argument("--model-version", default="0.1.0")
    r.add_argument("--no-progress", action="store_true")
    return ap


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def resolve_device(name: str) -> torch.device:
    """--device: cuda, cpu, or auto (cuda when torch sees a CUDA device)."""
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: torch sees no CUDA device (this torch build or machine has none); "
                         "use --device cpu or auto")
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(name)


@torch.no_grad()
def validate(pk: PK, split, batch: int = 256) -> dict:
    """CCC of D_em(E(x)) against the labels of a held-out split."""
    pk.eval()
    device = next(pk.parameters()).device
    preds = []
    for i in range(0, len(split), batch):
        preds.append(pk.dem(pk.encoder(to_tensor(split.images[i:i + batch]).to(device))).cpu().numpy())
    pred = np.concatenate(preds) if preds else np.zeros((0, 2), np.float32)
    ca, cv = ccc_arousal_valence(pred, split.labels)
    mse = float(np.mean((pred - split.labels) ** 2)) if len(pred) else float("nan")
    pk.train()
    return {"ccc_arousal": ca, "ccc_valence": cv, "mse": mse, "samples": len(split),
            "persons": split.n_persons()}


def validate_step(pk: PK, val, step: int, log) -> dict:
    """The validation step: D_em's CCC on the held-out split (and the edit report when it has person ids),
    appended to the run's log; returns it."""
    result = {**validate(pk, val), "step": step}
    if val.persons is not None:
        result["edits"] = edit_report(pk, val)
    log.write(json.dumps({"step": step, "validation": result}) + "\n")
    log.flush()
    return result


def save_checkpoint(path, pk, trainer, step, args, export_meta, rng):
    tmp = path + ".tmp"
    torch.save({"config": pk.cfg.to_dict(), "model": pk.state_dict(), "trainer": trainer.state_dict(),
                "step": step, "args": vars(args), "export_meta": export_meta, "rng": rng}, tmp)
    os.replace(tmp, path)


class Data:
    """The training and validation splits and where they came from."""

    def __init__(self, args):
        self.train_csv = args.train_csv or os.path.join(args.data, "training.csv")
        self.val_csv = args.val_csv or os.path.join(args.data, "validation.csv")
        self.root = args.image_root or default_image_root(args.data)
        self.train = load_split(self.train_csv, self.root, args.cache_dir, args.max_train, args.seed, args.workers,
                                not args.no_progress, args.person_regex, args.crop)
        self.val = load_split(self.val_csv, self.root, args.cache_dir, args.max_val, args.seed, args.workers,
                              not args.no_progress, args.person_regex, args.crop)


def load_data(args) -> Data:
    data = Data(args)
    print(f"training rows kept {len(data.train)} ({data.train.stats.to_dict()}); validation {len(data.val)} "
          f"(persons: {data.val.n_persons()})", file=sys.stderr)
    if len(data.train) < args.batch:
        raise SystemExit(f"only {len(data.train)} training samples for batch {args.batch}")
    return data


def build(args, device: torch.device):
    """The PK, its loss configuration and its trainer (optimizers), on the device."""
    cfg = PKConfig(width=args.width, dem_hidden=args.dem_hidden)
    lc = LossConfig.for_ablation(args.ablation)
    lc.weights = {k: getattr(args, f"w_{k}") for k in PAPER_WEIGHTS}
    lc.use_em &= not args.no_d_em
    lc.use_prior &= not args.no_d_prior
    lc.use_img &= not args.no_d_real
    lc.edit_em, lc.edit_z = args.w_edit_em, args.w_edit_z
    lc.edit_rel, lc.iden_edit = args.w_edit_rel, args.w_iden_edit
    vgg = None
    if args.no_iden:
        lc.use_iden, lc.iden_off_reason = False, "disabled by --no-iden"
    elif args.idnet:
        from .idnet import load_identity_features

        vgg = load_identity_features(args.idnet)
        lc.iden_source = f"identity network trained on the training persons ({os.path.basename(args.idnet)})"
    elif args.vggface:
        from .vggface import load_vggface_mat

        vgg = load_vggface_mat(args.vggface, taps=args.vgg_taps)
    else:
        lc.use_iden, lc.iden_off_reason = False, "no VGG-Face weights supplied (--vggface); VGG-Face is not available offline"
    pk = PK(cfg).to(device)
    if vgg is not None:
        vgg = vgg.to(device)
    trainer = PKTrainer(pk, lc, vgg=vgg, lr=args.lr, betas=(args.beta1, args.beta2))
    return pk, lc, trainer


class State:
    """Where training stands: the step, the epoch order and position, the RNG, the last validation."""

    def __init__(self, seed: int, n: int):
        self.step = 0
        self.rng = np.random.RandomState(seed)
        self.order, self.pos = self.rng.permutation(n), 0
        self.last_val = None
        self.seconds_before = 0.0  # training time of earlier invocations (resume)

    def rng_state(self) -> dict:
        return {"numpy": self.rng.get_state(), "torch": torch.get_rng_state(), "order": self.order, "pos": self.pos}


def resume(args, pk: PK, trainer: PKTrainer, n: int) -> State:
    """A new state, or the one of <run>/last.pt (unless --no-resume); --init-from seeds a new run's weights."""
    state = State(args.seed, n)
    ckpt = os.path.join(args.run, "last.pt")
    if os.path.exists(ckpt) and not args.no_resume:
        ck = read_checkpoint(ckpt)
        if ck["config"] != pk.cfg.to_dict():
            raise SystemExit(f"{ckpt} was trained with {ck['config']}, not {pk.cfg.to_dict()}; use --no-resume or another --run")
        pk.load_state_dict(ck["model"])
        trainer.load_state_dict(ck["trainer"])
        state.step = ck["step"]
        state.rng.set_state(ck["rng"]["numpy"])
        torch.set_rng_state(ck["rng"]["torch"])
        state.order, state.pos = ck["rng"]["order"], ck["rng"]["pos"]
        state.seconds_before = ck.get("export_meta", {}).get("training", {}).get("train_seconds", 0.0)
        print(f"resumed from {ckpt} at step {state.step}", file=sys.stderr)
    elif args.init_from:
        from .onnx_init import load_exported_weights

        load_exported_weights(pk, args.init_from)
        print(f"initialized E, G and D_em from {args.init_from}", file=sys.stderr)
    return state


def train_steps(args, pk: PK, trainer: PKTrainer, data: Data, state: State, device: torch.device, log,
                checkpoint) -> None:
    """Steps until --steps (or --max-minutes): one batch each, validate_step every --val-every steps and at the
    last step, checkpoint(state) every --ckpt-every steps and at the last step."""
    from tqdm import tqdm

    n = len(data.train)
    bar = tqdm(total=args.steps, initial=state.step, desc="train", unit="step", disable=args.no_progress,
               mininterval=5.0, dynamic_ncols=True)
    try:
        deadline = time.time() + 60.0 * args.max_minutes if args.max_minutes else None
        while state.step < args.steps:
            if deadline is not None and time.time() >= deadline:
                bar.write(f"--max-minutes {args.max_minutes} reached at step {state.step}")
                break
            if state.pos + args.batch > n:
                state.order, state.pos = state.rng.permutation(n), 0
            idx = np.sort(state.order[state.pos:state.pos + args.batch])
            state.pos += args.batch
            flip = state.rng.rand(len(idx)) < 0.5 if not args.no_hflip else None
            x = to_tensor(data.train.images[idx], flip).to(device)
            y = torch.from_numpy(data.train.labels[idx]).to(device)
            t0 = time.time()
            losses = trainer.step(x, y)
            state.step += 1
            bar.update(1)
            bar.set_postfix({k: f"{v:.3f}" for k, v in losses.items()
                            if k in ("total", "rec", "em", "img_d", "edit_em", "edit_z")}, refresh=False)
            if state.step % args.log_every == 0:
                log.write(json.dumps({"step": state.step, "sec": round(time.time() - t0, 3), **losses}) + "\n")
                log.flush()
            if (args.val_every and state.step % args.val_every == 0) or state.step == args.steps:
                state.last_val = validate_step(pk, data.val, state.step, log)
                v = state.last_val
                bar.write(f"step {state.step}: validation CCC arousal {v['ccc_arousal']:.3f} "
                          f"valence {v['ccc_valence']:.3f} (n={v['samples']})"
                          + (f"; edits {v['edits']}" if "edits" in v else ""))
            if state.step % args.ckpt_every == 0 or state.step == args.steps:
                checkpoint()
    finally:
        bar.close()


def main(argv=None):
    args = build_parser().parse_args(argv)
    configure_threads(args.threads)
    device = resolve_device(args.device)
    seed_everything(args.seed)
    os.makedirs(args.run, exist_ok=True)
    t_start = time.time()

    data = load_data(args)
    pk, lc, trainer = build(args, device)
    state = resume(args, pk, trainer, len(data.train))
    ckpt = os.path.join(args.run, "last.pt")
    t_loop = time.time()

    def meta():
        secs = state.seconds_before + (time.time() - t_loop)
        v = dict(state.last_val) if state.last_val else None
        if v is not None:
            v.update({"split": os.path.basename(data.val_csv),
                      "held_out": "validation.csv persons are disjoint from training.csv", "step": v.get("step")})
        return {
            "model_id": args.model_id, "model_version": args.model_version,
            "losses": manifest_losses(lc, args.ablation),
            "training": {"kind": args.data_kind or ("synthetic" if "synth" in args.data else "affectnet"),
                         "data": portable_path(args.data), "image_root": portable_path(data.root),
                         "train_csv": os.path.basename(data.train_csv), "crop": args.crop,
                         "count": len(data.train), "persons": data.train.n_persons(),
                         "csv_stats": data.train.stats.to_dict(),
                         "steps": state.step, "batch": args.batch, "seed": args.seed, "lr": args.lr,
                         "betas": [args.beta1, args.beta2], "hflip": not args.no_hflip,
                         "train_seconds": round(secs, 1), "threads": args.threads, "device": device.type},
            "validation": v,
            "parity_images": to_tensor(data.val.images[:2]).numpy().tolist() if len(data.val) >= 2 else None,
        }

    def checkpoint():
        save_checkpoint(ckpt, pk, trainer, state.step, args, meta(), state.rng_state())

    with open(os.path.join(args.run, "log.jsonl"), "a") as log:
        train_steps(args, pk, trainer, data, state, device, log, checkpoint)
        if state.last_val is None or state.last_val["step"] != state.step:  # stopped early, or resumed at the end
            state.last_val = validate_step(pk, data.val, state.step, log)
    checkpoint()
    print(json.dumps({"step": state.step, "validation": state.last_val, "seconds": round(time.time() - t_start, 1)}))
    if args.export:
        from .export import export_model_dir

        md = meta()
        images = torch.tensor(md["parity_images"]) if md["parity_images"] is not None else None
        export_model_dir(pk.cpu(), args.export, model_id=md["model_id"], model_version=md["model_version"],
                         losses=md["losses"], training=md["training"], validation=md["validation"],
                         parity_images=images)
        print(f"exported to {args.export}", file=sys.stderr)


if __name__ == "__main__":
    main()
