import math

import pytest
import torch

from paffmem_pk.losses import ABLATIONS, LossConfig, PKTrainer, manifest_losses
from paffmem_pk.models import PK, PKConfig

W = 0.0625


def batch(n=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 3, 96, 96, generator=g) * 2 - 1, torch.rand(n, 2, generator=g) * 2 - 1


def snapshot(module):
    return [p.detach().clone() for p in module.parameters()]


def changed(before, module):
    return any(not torch.equal(a, b) for a, b in zip(before, module.parameters()))


def test_every_loss_finite_and_paper_weights():
    torch.manual_seed(0)
    lc = LossConfig()
    assert lc.weights == {"rec": 1.0, "em": 0.02, "iden": 0.3, "prior": 0.01, "img": 0.01}
    tr = PKTrainer(PK(PKConfig(width=W)), lc)
    out = tr.step(*batch())
    assert set(out) == {"rec", "em", "prior_e", "img_g", "total", "prior_d", "img_d"}
    assert all(math.isfinite(v) for v in out.values())
    # without VGG-Face weights the identity term is off, and says why
    assert not lc.use_iden and "VGG-Face" in lc.iden_off_reason
    m = manifest_losses(lc, "all")
    assert m["iden"]["enabled"] is False and m["iden"]["weight"] == 0.3 and m["iden"]["reason"]


def test_adam_settings():
    tr = PKTrainer(PK(PKConfig(width=W)), LossConfig())
    for opt in (tr.opt_eg, tr.opt_prior, tr.opt_img):
        g = opt.param_groups[0]
        assert g["lr"] == 2e-4 and g["betas"] == (0.5, 0.999)


def test_total_loss_falls_on_a_tiny_batch():
    # smooth images (noise cannot be reconstructed); the N(0, 0.02) init starts slowly at tiny
    # widths, so this uses a larger learning rate than the paper's 2e-4
    from paffmem_pk.export import default_parity_images

    torch.manual_seed(0)
    tr = PKTrainer(PK(PKConfig(width=W)), LossConfig(), lr=1e-3)
    x, y = default_parity_images(4), torch.rand(4, 2) * 2 - 1
    totals = [tr.step(x, y)["total"] for _ in range(40)]
    assert all(math.isfinite(t) for t in totals)
    assert sum(totals[-3:]) / 3 < 0.95 * totals[0], totals


def test_discriminators_and_generator_first_dense_layer_train():
    torch.manual_seed(0)
    pk = PK(PKConfig(width=W))
    tr = PKTrainer(pk, LossConfig())
    before = {k: snapshot(m) for k, m in
              {"dprior": pk.dprior, "dreal": pk.dreal, "dem": pk.dem, "gfc": pk.generator.fc, "enc": pk.encoder}.items()}
    tr.step(*batch())
    for k, m in {"dprior": pk.dprior, "dreal": pk.dreal, "dem": pk.dem, "gfc": pk.generator.fc, "enc": pk.encoder}.items():
        assert changed(before[k], m), f"{k} did not update"


@pytest.mark.parametrize("name", sorted(ABLATIONS))
def test_ablation_switches(name):
    torch.manual_seed(0)
    pk = PK(PKConfig(width=W))
    lc = LossConfig.for_ablation(name)
    tr = PKTrainer(pk, lc)
    before = {"prior": snapshot(pk.dprior), "img": snapshot(pk.dreal), "em": snapshot(pk.dem)}
    out = tr.step(*batch(n=2))
    on = set(ABLATIONS[name])
    assert ("em" in out) == ("em" in on)
    assert ("prior_d" in out) == ("prior" in on) and ("img_d" in out) == ("img" in on)
    for term, module in (("prior", pk.dprior), ("img", pk.dreal), ("em", pk.dem)):
        assert changed(before[term], module) == (term in on), term


def test_edit_losses_train_the_generator_only():
    torch.manual_seed(0)
    lc = LossConfig(use_em=True, use_prior=False, use_img=False, use_iden=False, edit_em=1.0, edit_z=1.0)
    lc.weights = {k: 0.0 for k in lc.weights}  # the paper's terms off: only the edit terms move anything
    pk = PK(PKConfig(width=W))
    tr = PKTrainer(pk, lc, lr=1e-3)
    before = {name: snapshot(getattr(pk, name)) for name in ("encoder", "generator", "dem")}
    out = tr.step(*batch())
    assert {"edit_em", "edit_z"} <= set(out) and all(math.isfinite(out[k]) for k in ("edit_em", "edit_z"))
    assert changed(before["generator"], pk.generator)
    assert not changed(before["encoder"], pk.encoder), "E must not learn from the edit terms"
    assert not changed(before["dem"], pk.dem), "D_em must not learn from the edit terms"
    m = manifest_losses(lc, "all")
    assert m["edit_em"] == {"enabled": True, "weight": 1.0, "what": m["edit_em"]["what"]} and m["edit_z"]["enabled"]


def test_edit_losses_fall_and_are_off_by_default():
    assert not LossConfig().edit_on()
    assert "edit_em" not in PKTrainer(PK(PKConfig(width=W)), LossConfig()).step(*batch())
    torch.manual_seed(1)
    lc = LossConfig(use_prior=False, use_img=False, use_iden=False, edit_em=1.0, edit_z=1.0)
    lc.weights = {k: 0.0 for k in lc.weights}  # E and D_em stay put: the edit terms alone must fall
    pk = PK(PKConfig(width=W))
    with torch.no_grad():  # an N(0, 0.02) encoder maps every image to about the same z; make E responsive
        for p in pk.encoder.parameters():
            p.mul_(20.0)
    tr = PKTrainer(pk, lc, lr=1e-3)
    x, y = batch(8, seed=3)

    def step():
        torch.manual_seed(7)  # the same random targets y' every step, so the losses are comparable
        return tr.step(x, y)

    first = step()
    for _ in range(30):
        last = step()
    assert last["edit_em"] + last["edit_z"] < first["edit_em"] + first["edit_z"], (first, last)


@pytest.mark.parametrize("edit_em, edit_z", [(1.0, 0.0), (0.0, 1.0)])
def test_each_edit_loss_alone(edit_em, edit_z):
    torch.manual_seed(0)
    lc = LossConfig(use_prior=False, use_img=False, use_iden=False, edit_em=edit_em, edit_z=edit_z)
    lc.weights = {k: 0.0 for k in lc.weights}
    pk = PK(PKConfig(width=W))
    before = snapshot(pk.generator)
    out = PKTrainer(pk, lc, lr=1e-3).step(*batch())
    assert ("edit_em" in out) == (edit_em > 0) and ("edit_z" in out) == (edit_z > 0)
    assert changed(before, pk.generator)


def test_relative_edit_loss_and_identity_on_edits_train_the_generator_only():
    from paffmem_pk.idnet import FrozenIdentity, IdentityNet

    torch.manual_seed(0)
    lc = LossConfig(use_em=True, use_prior=False, use_img=False, use_iden=True, edit_rel=1.0, iden_edit=1.0)
    lc.weights = {k: 0.0 for k in lc.weights}  # only the edit terms move anything
    pk = PK(PKConfig(width=W))
    tr = PKTrainer(pk, lc, vgg=FrozenIdentity(IdentityNet(width=4)), lr=1e-3)
    before = {name: snapshot(getattr(pk, name)) for name in ("encoder", "generator", "dem")}
    out = tr.step(*batch())
    assert {"edit_rel", "iden_edit"} <= set(out) and "edit_em" not in out
    assert all(math.isfinite(out[k]) for k in ("edit_rel", "iden_edit"))
    assert changed(before["generator"], pk.generator)
    assert not changed(before["encoder"], pk.encoder) and not changed(before["dem"], pk.dem)
    m = manifest_losses(lc, "all")
    assert m["edit_rel"]["enabled"] and m["iden_edit"]["weight"] == 1.0

