"""A tiny random PK (width 0.03125) exported to a model directory: the base of the Java tests' generator fixtures
(make_tiny_editor.py, make_tiny_latent.py)."""
import torch

from paffmem_pk.export import export_model_dir
from paffmem_pk.losses import LossConfig, manifest_losses
from paffmem_pk.models import PK, PKConfig


def export_tiny_pk(out_dir: str, model_id: str, seed: int) -> None:
    torch.manual_seed(seed)
    pk = PK(PKConfig(width=0.03125, dem_hidden=16, prior_hidden=(8, 4, 2)))
    for mod in pk.modules():
        if isinstance(mod, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear)):
            mod.reset_parameters()
    lc = LossConfig(use_iden=False, iden_off_reason="test fixture")
    export_model_dir(pk, out_dir, model_id=model_id, model_version="0", losses=manifest_losses(lc, "all"),
                     training={"kind": "random test fixture", "steps": 0},
                     validation={"ccc_arousal": 0.0, "ccc_valence": 0.0, "samples": 0, "persons": None})
