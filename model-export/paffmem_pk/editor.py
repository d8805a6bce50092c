"""An image-conditioned generator ("frame editor"): G(x, y') edits the person's frame x to show emotion y'.

(Over 400 lines: the editor, its critic, its losses and its CLI are one experiment, kept together with the options
that were measured; translator.py and latent.py reuse its pieces.)

The paper's G re-synthesizes a face from the encoder's z and a label. Whatever z does not carry separately from
expression is lost, and for a person whose anatomy looks like expression (a down-turned mouth, raised inner brows)
z carries it *as* expression: G's edits then show a generic person at y' and the memory cannot learn how the PK
misreads this person (measured: the edits reproduce 0.29 / 0.17 of the PK's bias on such persons,
docs/evaluation/RESULTS.md). The editor instead changes the frame itself: a small U-Net sees the frame, the target
y' and the PK's reading of the frame, and moves the frame's pixels along a smooth displacement field (plus a small,
smooth colour change), so the person's anatomy, hair, lenses and lighting are carried by construction
(`FrameEditor` says why a field and not a free image).

It is trained with the PK's E and D_em frozen (an exported model directory), so the PK's predictions do not move:
- rec:   G(x, y_x) = x (the face at its own label is left as it is);
- cycle: G(G(x, y'), y_x) = x;
- rel:   D_em(E(G(x, y'))) - D_em(E(x)) = y' - y_x (an edit moves the PK's reading by the change of label and keeps
         whatever offset the PK has on this person);
- iden:  identity features of G(x, y') equal those of x (the project's identity network, --idnet);
- pair:  (needs several labelled images per person, e.g. a video dataset with subject ids; the synthetic training
         set has them, AffectNet does not; 0 = off) E(G(x_a, y_b)) = E(x_b) for two images of one person;
- smooth: total variation of the displacement field; delta: L1 of the colour change;
- adv:   (0 = off) a patch critic trained to tell real frames from edits (least squares), so that colour changes
         (`--max-delta`) must look like faces rather than patterns that fool the frozen encoder.

    /usr/bin/python3 -m paffmem_pk.editor --model-dir ../models/demo-pk --data ../data/synth-affectnet-v2 \\
        --crop none --person-regex '([^/]+)_\\d+\\.\\w+$' --cache-dir runs/cache --idnet runs/idnet-v2.pt \\
        --run runs/editor --steps 3000 --export ../models/demo-pk
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import configure_threads
from .checkpoint import read_checkpoint
from .data import default_image_root, load_split, to_tensor
from .models import PK, PKConfig


class _Block(nn.Module):
    def __init__(self, cin, cout, k=3, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride=stride, padding=(k - 1) // 2 if stride == 1 else 1, bias=False)
        self.norm = nn.InstanceNorm2d(cout, affine=True)

    def forward(self, x):
        return F.leaky_relu(self.norm(self.conv(x)), 0.2)


class _ConditionedUNet(nn.Module):
    """The trunk the frame editor and the frame translator share: 96 -> 48 -> 24 -> 12 with c, 2c, 4c, 8c channels,
    a residual block at 12, one upsampling back to 24 with a skip; the target and the PK's reading of the frame tiled
    as four constant maps at the input and at the bottleneck. (The attribute names are the checkpoints' keys.)"""

    def _build_trunk(self, c: int) -> None:
        self.inp = _Block(3 + 4, c)
        self.d1 = _Block(c, 2 * c, 4, 2)
        self.d2 = _Block(2 * c, 4 * c, 4, 2)
        self.d3 = _Block(4 * c, 8 * c, 4, 2)
        self.r1 = _Block(8 * c + 4, 8 * c)
        self.r2 = nn.Sequential(nn.Conv2d(8 * c, 8 * c, 3, padding=1, bias=False), nn.InstanceNorm2d(8 * c, affine=True))
        self.u3 = _Block(8 * c + 4 * c, 4 * c)

    @staticmethod
    def _tile(cond, h):
        return cond[:, :, None, None].expand(-1, -1, h.shape[2], h.shape[3])

    def _trunk(self, image, target, reading):
        """-> (h0 at 96, h1 at 48, the 24 x 24 features after the first upsampling)."""
        cond = torch.cat([target, reading], dim=1)
        h0 = self.inp(torch.cat([image, self._tile(cond, image)], dim=1))
        h1 = self.d1(h0)
        h2 = self.d2(h1)
        h3 = self.d3(h2)
        h3 = F.leaky_relu(h3 + self.r2(self.r1(torch.cat([h3, self._tile(cond, h3)], dim=1))), 0.2)
        return h0, h1, self.u3(torch.cat([F.interpolate(h3, scale_factor=2.0, mode="nearest"), h2], dim=1))


class FrameEditor(_ConditionedUNet):
    """Moves the frame's pixels: a small U-Net (96 -> 48 -> 24 -> 12 with c, 2c, 4c, 8c channels, a residual block
    at 12, one upsampling back to 24 with a skip) predicts at 24 x 24 a displacement field (at most `max_flow` of
    the half-width, about 8 pixels) and a small colour change (at most `max_delta`, for what moving pixels cannot
    show, e.g. a mouth opening); both are upsampled bilinearly to 96 x 96, the frame is resampled along the field
    and the colour change added.

    Why a field and not a free image: with a free image (GANimation's colour image and attention mask, the first
    design) the frozen encoder was satisfied by high-frequency colour patterns, adversarial examples, not faces
    (measured: edits read back near their targets while showing red and green stripes over the face); with a
    smooth colour change at 24 x 24 beside the field (max_delta 0.35) it was satisfied by green and magenta bands
    around the mouth. A smooth displacement alone (the default, max_delta 0) can only move the person's own
    features, which keeps their anatomy, lenses and lighting by construction.

    Conditioning: the target (arousal, valence) and the PK's reading of the frame (arousal, valence), tiled as four
    constant maps at the input and at the bottleneck."""

    def __init__(self, base: int = 8, max_flow: float = 0.18, max_delta: float = 0.0, paint: str = "none"):
        super().__init__()
        c = base
        if paint not in ("none", "g"):
            raise ValueError(f"paint must be none or g, not {paint}")
        self.config = {"base": base, "max_flow": max_flow, "max_delta": max_delta, "paint": paint}
        self.max_flow, self.max_delta, self.paint = max_flow, max_delta, paint
        self.painter = None  # paint == "g": (image, target) -> the frozen PK's G(E(image), target), see attach_painter
        self._build_trunk(c)
        self.flow = nn.Conv2d(4 * c, 2, 3, padding=1)
        self.delta = nn.Conv2d(4 * c, 3, 3, padding=1)
        self.mask = nn.Conv2d(4 * c, 1, 3, padding=1)  # paint == "g": where G's face replaces the moved frame
        for head in (self.flow, self.delta, self.mask):  # start at the identity edit
            nn.init.zeros_(head.weight)
            nn.init.zeros_(head.bias)
        nn.init.constant_(self.mask.bias, -4.0)
        ys, xs = torch.meshgrid(torch.linspace(-1 + 1 / 96, 1 - 1 / 96, 96), torch.linspace(-1 + 1 / 96, 1 - 1 / 96, 96),
                                indexing="ij")
        self.register_buffer("grid", torch.stack([xs, ys], dim=-1)[None], persistent=False)

    def attach_painter(self, pk):
        """paint == "g": what the editor may paint where moving pixels cannot show the target is the frozen PK's own
        G(E(frame), target), a face the PK's adversarial training made realistic, not free colour."""
        self.painter = lambda image, target: pk.generator(pk.encoder(image), target)
        return self

    def forward_parts(self, image, target, reading):
        """-> (edited image, displacement field N x 2 x 24 x 24, colour change N x 3 x 24 x 24, or with paint == "g"
        the mask N x 1 x 24 x 24 of G's face)."""
        _, _, u = self._trunk(image, target, reading)
        flow = torch.tanh(self.flow(u)) * self.max_flow
        delta = torch.tanh(self.delta(u)) * self.max_delta
        size = image.shape[-2:]
        field = F.interpolate(flow, size=size, mode="bilinear", align_corners=False)
        warped = F.grid_sample(image, self.grid + field.permute(0, 2, 3, 1), mode="bilinear", padding_mode="border",
                               align_corners=False)
        if self.paint == "g":
            mask = torch.sigmoid(self.mask(u))
            m = F.interpolate(mask, size=size, mode="bilinear", align_corners=False)
            return warped * (1 - m) + self.painter(image, target) * m, flow, mask
        out = torch.clamp(warped + F.interpolate(delta, size=size, mode="bilinear", align_corners=False), -1.0, 1.0)
        return out, flow, delta

    def forward(self, image, target, reading):
        return self.forward_parts(image, target, reading)[0]


class ExportedEditor(nn.Module):
    """What generator.onnx holds for an image-conditioned model: (image, affect) -> image, with the frozen E and
    D_em inside to compute the PK's reading of the frame."""

    def __init__(self, editor: FrameEditor, pk: PK):
        super().__init__()
        self.editor, self.encoder, self.dem = editor, pk.encoder, pk.dem

    def forward(self, image, affect):
        return self.editor(image, affect, self.dem(self.encoder(image)))


def load_editor(path: str, pk: PK) -> "FrameEditor":
    """A trained editor from its checkpoint, in eval mode, with the PK's G attached when it paints with it."""
    ck = read_checkpoint(path)
    ed = FrameEditor(**ck["config"])
    ed.load_state_dict(ck["editor"], strict=False)  # checkpoints from before the mask head lack it
    ed.eval()
    return ed.attach_painter(pk) if ed.paint == "g" else ed


def load_frozen_pk(model_dir: str) -> PK:
    from .onnx_init import load_exported_weights

    with open(os.path.join(model_dir, "manifest.json")) as f:
        manifest = json.load(f)
    pk = PK(PKConfig.from_dict(manifest["architecture"]["config"]))
    load_exported_weights(pk, model_dir)
    pk.eval()
    for p in pk.parameters():
        p.requires_grad_(False)
    return pk


class PatchCritic(nn.Module):
    """Tells real frames from edits, per 12 x 12 patch (PatchGAN): the realism term that keeps colour changes from
    turning into patterns that fool the frozen encoder (`--w-adv`)."""

    def __init__(self, base: int = 16, spectral_norm: bool = False):
        super().__init__()
        c = base
        sn = nn.utils.parametrizations.spectral_norm if spectral_norm else (lambda m: m)
        self.net = nn.Sequential(sn(nn.Conv2d(3, c, 4, 2, 1)), nn.LeakyReLU(0.2, inplace=True),
                                 sn(nn.Conv2d(c, 2 * c, 4, 2, 1)), nn.LeakyReLU(0.2, inplace=True),
                                 sn(nn.Conv2d(2 * c, 4 * c, 4, 2, 1)), nn.LeakyReLU(0.2, inplace=True),
                                 sn(nn.Conv2d(4 * c, 1, 3, 1, 1)))

    def forward(self, image):
        return self.net(image)


def random_views(images, gen=None):
    """The same random, mild change of viewing for every image of a row-aligned list of batches (expectation over
    transformation): a shift of up to 2 pixels, a blur, per-channel gains and brightness, noise. A pattern that fools
    the frozen encoder only as drawn (the coloured bands) does not survive it; a real change of expression does."""
    n = images[0].shape[0]
    dev = images[0].device
    shift = (torch.randint(-2, 3, (n, 2), generator=gen) / 48.0).to(dev)
    theta = torch.zeros(n, 2, 3, device=dev)
    theta[:, 0, 0] = theta[:, 1, 1] = 1.0
    theta[:, :, 2] = shift
    gain = 1.0 + 0.1 * (torch.rand(n, 3, 1, 1, generator=gen) * 2 - 1)
    bright = 0.1 * (torch.rand(n, 1, 1, 1, generator=gen) * 2 - 1)
    sigma = torch.rand(n, generator=gen) * 1.2
    k = torch.arange(-2, 3, dtype=torch.float32)
    kern = torch.exp(-k[None] ** 2 / (2 * sigma[:, None] ** 2 + 1e-6))
    kern = kern / kern.sum(1, keepdim=True)
    out = []
    for x in images:
        grid = F.affine_grid(theta, list(x.shape), align_corners=False)
        y = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
        c = y.shape[1]
        kh = kern[:, None, None, :].repeat_interleave(c, 0).to(dev)  # (n*c) x 1 x 1 x 5
        y = y.reshape(1, n * c, *y.shape[2:])
        y = F.conv2d(F.pad(y, (2, 2, 0, 0), mode="replicate"), kh, groups=n * c)
        y = F.conv2d(F.pad(y, (0, 0, 2, 2), mode="replicate"), kh.transpose(2, 3), groups=n * c)
        y = y.reshape(n, c, *y.shape[2:])
        y = y * gain.to(dev) + bright.to(dev) + 0.03 * torch.randn(y.shape, generator=gen).to(dev)
        out.append(torch.clamp(y, -1.0, 1.0))
    return out


class EditorTrainer:
    def __init__(self, editor, pk, idnet, weights, lr=2e-4, critic_sn=False, critic_steps=1, eot=False):
        self.editor, self.pk, self.idnet, self.w = editor, pk, idnet, weights
        self.critic_steps, self.eot = critic_steps, eot
        self.opt = torch.optim.Adam(editor.parameters(), lr=lr, betas=(0.5, 0.999))
        self.critic = PatchCritic(spectral_norm=critic_sn) if weights.get("adv", 0) > 0 else None
        self.opt_critic = (torch.optim.Adam(self.critic.parameters(), lr=lr, betas=(0.5, 0.999))
                           if self.critic is not None else None)

    def step(self, xa, ya, xb=None, yb=None):
        """xa, ya: a batch of faces and labels; xb, yb (optional): another face of the same person per row."""
        pk, ed, w = self.pk, self.editor, self.w
        n = xa.shape[0]
        with torch.no_grad():
            read_a = pk.dem(pk.encoder(xa))
        if xb is not None:
            targets = yb
        else:
            targets = torch.rand_like(ya) * 2.0 - 1.0
        out, flow, delta = ed.forward_parts(torch.cat([xa, xa]), torch.cat([ya, targets]), torch.cat([read_a, read_a]))
        rec, edit = out[:n], out[n:]
        losses = {}
        losses["rec"] = torch.mean(torch.abs(rec - xa))
        z_edit = pk.encoder(edit)
        read_edit = pk.dem(z_edit)
        if self.eot:  # the PK reads both under the same random change of view
            view_a, view_edit = random_views([xa, edit])
            with torch.no_grad():
                read_view_a = pk.dem(pk.encoder(view_a))
            losses["rel"] = torch.mean((pk.dem(pk.encoder(view_edit)) - read_view_a - (targets - ya)) ** 2)
        else:
            losses["rel"] = torch.mean((read_edit - read_a - (targets - ya)) ** 2)
        back = ed(edit, ya, read_edit)
        losses["cycle"] = torch.mean(torch.abs(back - xa))
        # smooth fields (total variation at 24 x 24) and colour changes only where moving pixels cannot do it
        losses["smooth"] = (torch.mean(torch.abs(flow[:, :, 1:, :] - flow[:, :, :-1, :]))
                            + torch.mean(torch.abs(flow[:, :, :, 1:] - flow[:, :, :, :-1])))
        losses["delta"] = torch.mean(torch.abs(delta))
        if self.idnet is not None and w["iden"] > 0:
            fa = self.idnet(xa)
            fe = self.idnet(edit)
            losses["iden"] = sum(torch.mean(torch.abs(a - e)) for a, e in zip(fa, fe)) / len(fa)
        if xb is not None and w["pair"] > 0:
            with torch.no_grad():
                z_b = pk.encoder(xb)
            losses["pair"] = torch.mean((z_edit - z_b) ** 2) * 10.0
        if self.critic is not None:  # least-squares GAN: edits should look like real frames to the critic
            losses["adv"] = torch.mean((self.critic(edit) - 1.0) ** 2)
        out = weighted_step(self.opt, losses, w)
        if self.critic is not None:
            fake = edit.detach()
            for i in range(self.critic_steps):
                real = xa if i == 0 else xa[torch.randperm(n)]
                d_loss = 0.5 * (torch.mean((self.critic(real) - 1.0) ** 2) + torch.mean(self.critic(fake) ** 2))
                self.opt_critic.zero_grad(set_to_none=True)
                d_loss.backward()
                self.opt_critic.step()
            out["critic"] = float(d_loss.detach())
        return out


def run_steps(args, step, next_batch, train_step, save):
    """The generator-training CLIs' loop, from `step` to --steps (or until --max-minutes): train_step(*next_batch())
    once a step, `record_step` into the run's log, save(step) every --ckpt-every steps and at the end."""
    t0 = time.time()
    with open(os.path.join(args.run, "log.jsonl"), "a") as log:
        while step < args.steps:
            if args.max_minutes and time.time() - t0 > 60 * args.max_minutes:
                break
            batch = next_batch()
            ts = time.time()
            losses = train_step(*batch)
            step += 1
            record_step(log, step, time.time() - ts, losses)
            if step % args.ckpt_every == 0:
                save(step)
    save(step)
    return step


def weighted_step(opt, losses, weights):
    """One optimizer step on the weighted sum of the named losses; returns each loss and the total as floats."""
    total = sum(weights[k] * v for k, v in losses.items())
    opt.zero_grad(set_to_none=True)
    total.backward()
    opt.step()
    out = {k: float(v.detach()) for k, v in losses.items()}
    out["total"] = float(total.detach())
    return out


def record_step(log, step, seconds, losses):
    """A training run's bookkeeping per step: every 10th step a JSON line in the run's log, every 100th a line on
    the terminal."""
    if step % 10 == 0:
        log.write(json.dumps({"step": step, "sec": round(seconds, 3), **losses}) + "\n")
        log.flush()
    if step % 100 == 0:
        print(f"step {step} " + " ".join(f"{k} {v:.4f}" for k, v in losses.items()), file=sys.stderr, flush=True)


def _pairs_index(persons, rng):
    """For each row, the rows of the same person (for pair sampling)."""
    by = {}
    for i, p in enumerate(persons):
        by.setdefault(p, []).append(i)
    return by


def build_parser():
    ap = argparse.ArgumentParser(prog="python3 -m paffmem_pk.editor", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", required=True, help="exported PK (E and D_em are frozen; G is replaced)")
    ap.add_argument("--data", required=True, help="AffectNet-layout folder (training.csv)")
    ap.add_argument("--crop", choices=("box", "none"), default="box")
    ap.add_argument("--person-regex", default=None, help="person id in the file path (needed for --w-pair)")
    ap.add_argument("--cache-dir", default=None)
    ap.add_argument("--idnet", default=None, help="identity network checkpoint for the identity loss")
    ap.add_argument("--base", type=int, default=8, help="channels of the first U-Net level")
    ap.add_argument("--max-flow", type=float, default=0.18, help="largest displacement, in half-widths of the frame")
    ap.add_argument("--max-delta", type=float, default=0.0,
                    help="largest colour change (0 = the editor only moves pixels; with colour changes the frozen "
                         "encoder was fooled by coloured bands, see FrameEditor)")
    for k, v in (("rec", 10.0), ("cycle", 10.0), ("rel", 10.0), ("iden", 0.0), ("pair", 0.0), ("smooth", 1.0),
                 ("delta", 1.0), ("adv", 0.0)):
        ap.add_argument(f"--w-{k}", type=float, default=v, help=f"weight of the {k} loss")
    ap.add_argument("--paint", choices=("none", "g"), default="none",
                    help="g: where moving pixels cannot show the target, blend in the frozen PK's G(E(frame), target) "
                         "under a smooth mask (its mean is penalized by --w-delta)")
    ap.add_argument("--critic-sn", action="store_true", help="spectral normalization in the patch critic")
    ap.add_argument("--critic-steps", type=int, default=1, help="critic updates per editor step")
    ap.add_argument("--eot", action="store_true",
                    help="the PK reads edits under random mild changes of view (shift, blur, gains, noise) in the "
                         "rel loss, so patterns that fool the frozen encoder only as drawn do not pay")
    add_run_options(ap, run="runs/editor", batch=32)
    return ap


def add_run_options(ap, run: str, batch: int) -> None:
    """The options every generator-training CLI here shares: the run folder, its length and checkpoints, the export."""
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=batch)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--run", default=run)
    ap.add_argument("--ckpt-every", type=int, default=100)
    ap.add_argument("--max-minutes", type=float, default=None)
    ap.add_argument("--export", default=None, help="write the model directory here: --model-dir's E and D_em, "
                                                   "this generator as generator.onnx")
    ap.add_argument("--model-version", default=None)


def start_run(args):
    """Threads, seeds and the run folder as `add_run_options` asked; returns (numpy RNG, the frozen PK)."""
    configure_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.run, exist_ok=True)
    return np.random.RandomState(args.seed), load_frozen_pk(args.model_dir)


def main(argv=None):
    args = build_parser().parse_args(argv)
    rng, pk = start_run(args)
    idnet = None
    if args.idnet and args.w_iden > 0:
        from .idnet import load_identity_features

        idnet = load_identity_features(args.idnet)
    train = load_split(os.path.join(args.data, "training.csv"), default_image_root(args.data), args.cache_dir,
                       None, 0, 2, False, args.person_regex, args.crop)
    weights = {k: getattr(args, f"w_{k}") for k in ("rec", "cycle", "rel", "iden", "pair", "smooth", "delta", "adv")}
    if weights["pair"] > 0 and train.persons is None:
        raise SystemExit("--w-pair needs person ids (--person-regex or a person_id column)")
    by_person = _pairs_index(train.persons, rng) if train.persons is not None else None
    persons = sorted(by_person) if by_person else None
    editor = FrameEditor(args.base, args.max_flow, args.max_delta, args.paint)
    if args.paint == "g":
        editor.attach_painter(pk)
    trainer = EditorTrainer(editor, pk, idnet, weights, args.lr, args.critic_sn, args.critic_steps, args.eot)
    ckpt = os.path.join(args.run, "last.pt")
    step = 0
    if os.path.exists(ckpt):
        ck = read_checkpoint(ckpt)
        missing = editor.load_state_dict(ck["editor"], strict=False).missing_keys
        if missing:  # an older editor without the mask head: its optimizer state no longer fits
            print(f"new parameters {missing}: optimizer restarts", file=sys.stderr)
        else:
            trainer.opt.load_state_dict(ck["opt"])
        if trainer.critic is not None and "critic" in ck:
            try:
                trainer.critic.load_state_dict(ck["critic"])
                trainer.opt_critic.load_state_dict(ck["opt_critic"])
            except (RuntimeError, ValueError, KeyError) as e:  # another critic design: start it afresh
                print(f"critic not resumed ({type(e).__name__}); a new critic starts", file=sys.stderr)
        step = ck["step"]
        rng.set_state(ck["rng"])
        print(f"resumed from {ckpt} at step {step}", file=sys.stderr)
    n = len(train)

    def save(step):
        extra = ({"critic": trainer.critic.state_dict(), "opt_critic": trainer.opt_critic.state_dict()}
                 if trainer.critic is not None else {})
        torch.save({"editor": editor.state_dict(), "config": editor.config, "opt": trainer.opt.state_dict(),
                    "step": step, "rng": rng.get_state(), "args": vars(args), **extra}, ckpt + ".tmp")
        os.replace(ckpt + ".tmp", ckpt)

    def next_batch():
        if weights["pair"] > 0:
            ps = rng.choice(len(persons), args.batch, replace=False)
            ia, ib = [], []
            for p in ps:
                a, b = rng.choice(by_person[persons[p]], 2, replace=False)
                ia.append(a)
                ib.append(b)
            ia, ib = np.array(ia), np.array(ib)
            xb, yb = to_tensor(train.images[ib]), torch.from_numpy(train.labels[ib])
        else:
            ia = rng.choice(n, args.batch, replace=False)
            xb = yb = None
        return to_tensor(train.images[ia]), torch.from_numpy(train.labels[ia]), xb, yb

    run_steps(args, step, next_batch, trainer.step, save)
    if args.export:
        export_editor_model(pk, editor, args.model_dir, args.export, args)


def export_editor_model(pk, editor, src_dir, out_dir, args):
    """Copy E, D_em (and encoder_u8) from src_dir, write the editor as generator.onnx (image, affect) -> image."""
    from .export_editor import export_editor_dir

    info = {k: v for k, v in vars(args).items() if k != "export"}
    export_editor_dir(pk, editor, src_dir, out_dir, info, args.model_version)


if __name__ == "__main__":
    main()
