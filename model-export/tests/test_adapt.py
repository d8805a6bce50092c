import csv
import json
import os

import numpy as np
import torch
from PIL import Image

from paffmem_pk.adapt import load_generator, main as adapt_main
from paffmem_pk.editor import load_frozen_pk
from paffmem_pk.fidelity import trait_groups

from tiny_pk import export_tiny_pk


def _omg_set(root, persons, frames=4, seed=0):
    """A minimal OMG-layout set: frames.csv and persons.csv, one flat-coloured 96x96 frame per row."""
    rng = np.random.RandomState(seed)
    os.makedirs(os.path.join(root, "frames"), exist_ok=True)
    with open(os.path.join(root, "frames.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["video", "file", "arousal", "valence", "utterance", "person_type"])
        for p, (pid, kind, _) in enumerate(persons):
            for i in range(frames):
                name = f"frames/{pid}-{i}.png"
                Image.fromarray(rng.randint(0, 255, (96, 96, 3)).astype(np.uint8)).save(os.path.join(root, name))
                w.writerow([pid, name, 0.1, -0.2, "u0", kind])
    with open(os.path.join(root, "persons.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["person_id", "person_type", "anatomy"])
        for row in persons:
            w.writerow(row)
    return root


def test_trait_groups_name_each_confound_persons_strong_traits_and_fold_the_line_traits():
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        _omg_set(d, [("a", "identity_confound", "corners-2.79;eye_aperture-0.36"),
                     ("b", "identity_confound", "forehead_lines+0.72;frown_lines+0.72;tinted_lenses+0.79"),
                     ("c", "identity_confound", "brow_level+3.10;crows_feet+0.40;folds+0.50"),
                     ("d", "typical", "corners+0.50"), ("e", "muted", "")], frames=1)
        g = trait_groups(d)
    assert g == {"a": ["corners", "eye_aperture"], "b": ["lines", "tinted_lenses"], "c": ["brow_level", "lines"],
                 "d": ["typical"], "e": ["atypical"]}


def test_adapt_optimizes_only_g_lowers_its_reconstruction_and_resumes(tmp_path):
    model = str(tmp_path / "pk")
    export_tiny_pk(model, "tiny", seed=3)
    wide = _omg_set(str(tmp_path / "wide"), [("w0", "identity_confound", "corners+3.0")], seed=1)
    ordinary = _omg_set(str(tmp_path / "ord"), [("o0", "typical", "")], seed=2)
    run = str(tmp_path / "run")
    base = ["--model-dir", model, "--wide", wide, "--ordinary", ordinary, "--run", run, "--batch", "4",
            "--stride", "1", "--lr", "1e-2", "--threads", "1", "--ckpt-every", "25"]
    adapt_main(base + ["--steps", "50"])
    log = [json.loads(line) for line in open(os.path.join(run, "log.jsonl"))]
    assert log[-1]["step"] == 50 and log[-1]["rec"] < log[0]["rec"]
    pk0 = load_frozen_pk(model)
    state = torch.load(os.path.join(run, "last.pt"))
    # only G is optimized: the optimizer holds exactly G's parameters (E and D_em are never handed to it)
    assert set(state) == {"generator", "optimizer", "step", "config"}
    assert state["optimizer"]["param_groups"][0]["params"] == list(range(len(list(pk0.generator.parameters()))))
    pk1 = load_generator(load_frozen_pk(model), os.path.join(run, "last.pt"))
    assert any(not torch.equal(a, b) for a, b in zip(pk0.generator.parameters(), pk1.generator.parameters()))
    adapt_main(base + ["--steps", "75"])  # resumes from step 50
    assert torch.load(os.path.join(run, "last.pt"))["step"] == 75
    assert json.loads(open(os.path.join(run, "log.jsonl")).readlines()[-1])["step"] == 75


def test_trait_strengths_sign_each_trait_and_take_the_strongest_line():
    from paffmem_pk.traitprobe import TRAITS, trait_strengths

    v = dict(zip(TRAITS, trait_strengths("corners-2.79;frown_lines+0.7;crows_feet+0.4;tinted_lenses+0.79")))
    assert v == {"corners": -2.79, "inner_brows": 0.0, "brow_level": 0.0, "eye_aperture": 0.0, "brow_ridge": 0.0,
                 "lines": 0.7, "tinted_lenses": 0.79}
    assert trait_strengths("") == [0.0] * len(TRAITS)


def test_ridge_r2_is_one_for_a_decodable_trait_and_about_zero_or_below_for_noise():
    from paffmem_pk.traitprobe import ridge_r2

    rng = np.random.RandomState(0)
    x = rng.randn(400, 5)
    y = np.c_[x @ np.array([1.0, -2.0, 0.5, 0.0, 0.0]), rng.randn(400)]
    r2 = ridge_r2(x[:300], y[:300], x[300:], y[300:], ridge=1e-6)
    assert r2[0] > 0.999 and r2[1] < 0.05
