"""The five loss terms (paper eqs. 1-6) and one adversarial training step.

min over E, G, D_em:  rec*L_rec + em*L_em + iden*L_iden + prior*L_prior(E) + img*L_img(G)
max over D_prior, D_real:  their own real/fake binary cross-entropies.
Unlike the public code, both discriminators have optimizers and train every step, and
G's first dense layer is optimized like every other layer.
"""
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F

from .models import PK

PAPER_WEIGHTS = {"rec": 1.0, "em": 0.02, "iden": 0.3, "prior": 0.01, "img": 0.01}

# Rows of the paper's Table 2: which discriminators are on (identity loss is separate).
ABLATIONS = {
    "base": (),
    "prior": ("prior",),
    "real": ("img",),
    "em": ("em",),
    "prior+real": ("prior", "img"),
    "prior+em": ("prior", "em"),
    "real+em": ("img", "em"),
    "all": ("prior", "img", "em"),
}


@dataclass
class LossConfig:
    weights: dict = field(default_factory=lambda: dict(PAPER_WEIGHTS))
    use_em: bool = True      # D_em
    use_prior: bool = True   # D_prior
    use_img: bool = True     # D_real
    use_iden: bool = True    # identity loss; only effective with VGG-Face weights
    iden_off_reason: str = ""
    iden_source: str = "VGG-Face"  # what the identity features are (VGG-Face or the project's identity network)
    # Our additions (0 = off = the paper). They train G alone, through a frozen E and D_em:
    edit_em: float = 0.0     # L_edit_em: D_em(E(G(z, y'))) should read back a random target y'
    edit_z: float = 0.0      # L_edit_z: E(G(z, y)) should land back on z (edits stay near real faces in z)
    edit_rel: float = 0.0    # L_edit_rel: D_em(E(G(z, y'))) - D_em(z) should equal y' - y (edits keep the face's own reading)
    iden_edit: float = 0.0   # L_iden on edits: identity features of G(z, y') should equal those of x (needs identity features)

    @staticmethod
    def for_ablation(name: str, use_iden: bool = True):
        on = ABLATIONS[name]
        return LossConfig(use_em="em" in on, use_prior="prior" in on, use_img="img" in on, use_iden=use_iden)

    def edit_on(self):
        return self.edit_em > 0 or self.edit_z > 0 or self.edit_rel > 0 or self.iden_edit > 0

    def enabled(self):
        return {"rec": True, "em": self.use_em, "iden": self.use_iden, "prior": self.use_prior, "img": self.use_img}

    def to_dict(self):
        return asdict(self)


def rec_loss(x, x_rec):
    """Eq. 1: mean absolute error between x and G(E(x), y)."""
    return torch.mean(torch.abs(x - x_rec))


def em_loss(pred, target):
    """Eq. 3: MSE on arousal + MSE on valence."""
    return F.mse_loss(pred[:, 0], target[:, 0]) + F.mse_loss(pred[:, 1], target[:, 1])


def bce_logits(logits, is_real: bool):
    target = torch.ones_like(logits) if is_real else torch.zeros_like(logits)
    return F.binary_cross_entropy_with_logits(logits, target)


class PKTrainer:
    """Holds the optimizers and runs one step on a batch (x, y): y is N x 2 (arousal, valence)."""

    def __init__(self, pk: PK, losses: LossConfig, vgg=None, lr=2e-4, betas=(0.5, 0.999)):
        self.pk = pk
        self.losses = losses
        self.vgg = vgg if losses.use_iden else None
        if vgg is None and losses.use_iden:
            losses.use_iden = False
            losses.iden_off_reason = losses.iden_off_reason or "no VGG-Face weights supplied (--vggface)"
        eg = list(pk.encoder.parameters()) + list(pk.generator.parameters())
        if losses.use_em:
            eg += list(pk.dem.parameters())  # D_em cooperates with E: it minimizes L_em with it
        self.opt_eg = torch.optim.Adam(eg, lr=lr, betas=betas)
        self.opt_prior = torch.optim.Adam(pk.dprior.parameters(), lr=lr, betas=betas)
        self.opt_img = torch.optim.Adam(pk.dreal.parameters(), lr=lr, betas=betas)

    def state_dict(self):
        return {"opt_eg": self.opt_eg.state_dict(), "opt_prior": self.opt_prior.state_dict(),
                "opt_img": self.opt_img.state_dict()}

    def load_state_dict(self, d):
        self.opt_eg.load_state_dict(d["opt_eg"])
        self.opt_prior.load_state_dict(d["opt_prior"])
        self.opt_img.load_state_dict(d["opt_img"])

    def step(self, x, y):
        pk, lc, w = self.pk, self.losses, self.losses.weights
        pk.train()
        out = {}

        # E, G (and D_em): minimize the weighted sum.
        z = pk.encoder(x)
        x_rec = pk.generator(z, y)
        total = w["rec"] * rec_loss(x, x_rec)
        out["rec"] = total.detach()
        if lc.use_em:
            l_em = em_loss(pk.dem(z), y)
            total = total + w["em"] * l_em
            out["em"] = l_em.detach()
        if lc.use_iden and self.vgg is not None:
            l_iden = _identity(self.vgg, x, x_rec)
            total = total + w["iden"] * l_iden
            out["iden"] = l_iden.detach()
        if lc.use_prior:
            l_prior_e = bce_logits(pk.dprior(z), True)  # E tries to look like U(-1, 1)
            total = total + w["prior"] * l_prior_e
            out["prior_e"] = l_prior_e.detach()
        if lc.use_img:
            l_img_g = bce_logits(pk.dreal(x_rec, y), True)  # G tries to look real
            total = total + w["img"] * l_img_g
            out["img_g"] = l_img_g.detach()
        self.opt_eg.zero_grad(set_to_none=True)
        total.backward()
        if lc.edit_on():
            out.update(self._edit_terms(x, z.detach(), y))
        self.opt_eg.step()
        out["total"] = total.detach()

        # D_prior: U(-1, 1)^50 is real, E(x) is fake.
        if lc.use_prior:
            z_prior = torch.rand_like(z) * 2.0 - 1.0
            l_dp = bce_logits(pk.dprior(z_prior), True) + bce_logits(pk.dprior(z.detach()), False)
            self.opt_prior.zero_grad(set_to_none=True)
            l_dp.backward()
            self.opt_prior.step()
            out["prior_d"] = l_dp.detach()

        # D_real: (x, y) is real, (G(E(x), y), y) is fake.
        if lc.use_img:
            l_dr = bce_logits(pk.dreal(x, y), True) + bce_logits(pk.dreal(x_rec.detach(), y), False)
            self.opt_img.zero_grad(set_to_none=True)
            l_dr.backward()
            self.opt_img.step()
            out["img_d"] = l_dr.detach()
        return {k: float(v) for k, v in out.items()}

    def _edit_terms(self, x, z, y):
        """The edit losses (ours, not the paper's); their gradients go to G only (added to the step's gradients).

        The job personalizes with E(G(z, y')) for 200 targets y' per frame: the affective memory learns those
        points with the labels y'. The terms shape exactly that:
        - edit_z: an edit at the face's own label encodes back to where the face was, so the person's later real
          frames find the labelled edits near them;
        - edit_em: an edit reads back as its target through the same (frozen) E and D_em (absolute: it also
          removes whatever makes D_em misread this person, so the memory can only copy the PK);
        - edit_rel: an edit reads back as the face's own reading moved by the change of label,
          D_em(E(G(z, y'))) - D_em(z) = y' - y: the person's own offset from the PK is kept in every edit, which is
          what lets the memory learn it;
        - iden_edit: the identity features of an edit equal those of the face (the identity loss applied to the
          edits, not only to the reconstruction).
        """
        pk, lc = self.pk, self.losses
        n = z.shape[0]
        zs, ys = [], []
        if lc.edit_z > 0:
            zs.append(z)
            ys.append(y)
        random_rows = lc.edit_em > 0 or lc.edit_rel > 0 or lc.iden_edit > 0
        if random_rows:
            targets = torch.rand_like(y) * 2.0 - 1.0
            zs.append(z)
            ys.append(targets)
        images = pk.generator(torch.cat(zs), torch.cat(ys))
        z_edit = pk.encoder(images)
        loss = z.new_zeros(())
        out = {}
        if lc.edit_z > 0:
            l_z = torch.mean(torch.abs(z_edit[:n] - z))
            loss = loss + lc.edit_z * l_z
            out["edit_z"] = l_z.detach()
        if lc.edit_em > 0 or lc.edit_rel > 0:
            read = pk.dem(z_edit[-n:])
        if lc.edit_em > 0:
            l_em = em_loss(read, targets)
            loss = loss + lc.edit_em * l_em
            out["edit_em"] = l_em.detach()
        if lc.edit_rel > 0:
            with torch.no_grad():
                own = pk.dem(z)
            l_rel = em_loss(read - own, targets - y)
            loss = loss + lc.edit_rel * l_rel
            out["edit_rel"] = l_rel.detach()
        if lc.iden_edit > 0 and self.vgg is not None:
            l_ie = _identity(self.vgg, x, images[-n:])
            loss = loss + lc.iden_edit * l_ie
            out["iden_edit"] = l_ie.detach()
        g_params = [p for p in pk.generator.parameters() if p.requires_grad]
        grads = torch.autograd.grad(loss, g_params, allow_unused=True)
        for p, g in zip(g_params, grads):
            if g is not None:
                p.grad = g if p.grad is None else p.grad + g
        return out


def _identity(vgg, x, x_rec):
    from .vggface import identity_loss

    return identity_loss(vgg, x, x_rec)


def manifest_losses(lc: LossConfig, ablation: str = None) -> dict:
    """The manifest's "losses" block: each term on/off with its weight, and why iden is off."""
    out = {}
    for name, on in lc.enabled().items():
        entry = {"enabled": bool(on), "weight": lc.weights[name]}
        if name == "iden" and not on:
            entry["reason"] = lc.iden_off_reason or "disabled by flag"
        if name == "iden" and on:
            entry["features"] = lc.iden_source
        out[name] = entry
    out["ablation"] = ablation
    for name in ("edit_em", "edit_z", "edit_rel", "iden_edit"):
        w = getattr(lc, name)
        out[name] = {"enabled": w > 0, "weight": w,
                     "what": "not in the paper; trains G alone through frozen E and D_em (model-export/README.md)"}
    return out
