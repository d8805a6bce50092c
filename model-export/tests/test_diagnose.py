import json
import os

import numpy as np
import pytest
import torch

from paffmem_pk.data import load_split
from paffmem_pk.diagnose import GRID, edit_report, main as diagnose_main
from paffmem_pk.models import PK, PKConfig

PERSON = r"([^/]+)_\d+\.\w+$"


def test_edit_report_on_held_out_persons(affectnet_dir):
    val = load_split(os.path.join(affectnet_dir, "validation.csv"), workers=1, progress=False,
                     person_regex=PERSON, crop="none")
    torch.manual_seed(0)
    pk = PK(PKConfig(width=0.0625))
    pk.train()
    r = edit_report(pk, val, persons=2)
    assert pk.training, "the report must leave the model in the mode it found it"
    assert r["persons"] == 2 and r["faces"] == 8 and r["targets"] == len(GRID) == 25
    for k in ("return_dist", "real_nn_dist", "edit_nn_dist"):
        assert np.isfinite(r[k]) and r[k] >= 0
    for k in ("readback_ccc", "edit_nn_ccc"):
        assert len(r[k]) == 2 and all(np.isnan(c) or -1 <= c <= 1 for c in r[k])


def test_edit_report_distances_are_in_z():
    # With a G that returns the very face it was asked to edit, every edit sits exactly on a real face.
    class Split:
        images = (np.random.RandomState(0).rand(6, 96, 96, 3) * 255).astype(np.uint8)
        labels = np.zeros((6, 2), np.float32)
        persons = ["a", "a", "a", "b", "b", "b"]

    pk = PK(PKConfig(width=0.0625))
    faces = {}

    from paffmem_pk.data import to_tensor

    x = to_tensor(Split.images)
    with torch.no_grad():
        z = pk.encoder(x)
    # G returns, for each row, the face whose encoding that row's z is
    for i in range(6):
        faces[tuple(torch.round(z[i:i + 1, :4] * 1e4).tolist()[0])] = x[i:i + 1]

    class PerRowEcho(torch.nn.Module):
        def forward(self, zz, affect):
            return torch.cat([faces[tuple(torch.round(zz[j:j + 1, :4] * 1e4).tolist()[0])] for j in range(zz.shape[0])])

    pk.generator = PerRowEcho()
    r = edit_report(pk, Split(), persons=2)
    assert r["return_dist"] == pytest.approx(0.0, abs=1e-5)  # E(G(z, y)) is z again
    # the nearest edit of another face of the person is that face itself: same as the nearest real face
    assert r["edit_nn_dist"] == pytest.approx(r["real_nn_dist"], abs=1e-3)


def test_report_needs_person_ids(affectnet_dir):
    val = load_split(os.path.join(affectnet_dir, "validation.csv"), workers=1, progress=False, crop="none")
    assert "error" in edit_report(PK(PKConfig(width=0.0625)), val)


def test_cli_on_a_checkpoint(tmp_path, affectnet_dir, capsys):
    from paffmem_pk.train import main as train_main

    run = str(tmp_path / "run")
    train_main(["--data", affectnet_dir, "--width", "0.0625", "--batch", "4", "--steps", "2", "--run", run,
                "--workers", "1", "--no-progress", "--person-regex", PERSON, "--w-edit-em", "1", "--w-edit-z", "1"])
    capsys.readouterr()
    assert diagnose_main(["--checkpoint", os.path.join(run, "last.pt"), "--data", affectnet_dir, "--persons", "3",
                          "--crop", "box", "--threads", "1"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["step"] == 2 and out["persons"] == 3 and out["faces"] == 12
    ck = torch.load(os.path.join(run, "last.pt"), map_location="cpu")
    assert ck["export_meta"]["losses"]["edit_em"]["enabled"] and ck["export_meta"]["validation"]["edits"]["persons"] == 3
