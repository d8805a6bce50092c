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
