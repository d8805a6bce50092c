"""The latent generator (latent.py): the relative one starts as the identity edit, the absolute one does not read
the frame's expression beyond its summary, training learns pairs of one video and never moves the PK, and it
exports to the "edits": "z" contract the job runs without an encoder pass."""
import json
import os

import numpy as np
import torch

from onnx_torch_eval import run
from paffmem_pk.editor import load_frozen_pk
from paffmem_pk.latent import LatentGenerator, export_latent_dir, load_latent, train
from paffmem_pk.manifest import validate_model_dir
from test_editor import pk_dir  # noqa: F401  (the tiny exported PK fixture)


def _videos(persons=80, frames=10, z_dim=50, seed=0, anatomy=0.0):
    """z = the person's identity (4 factors) + their expression W y: a pair of one video differs only in y.
    `anatomy` adds an identity part that looks like expression (W times a per-person offset of that sd): then no
    reader of a single z can tell the person's y from it."""
    rng = np.random.RandomState(seed)
    w = rng.normal(0, 0.3, (2, z_dim))
    ident = rng.normal(0, 0.5, (persons, 4)) @ rng.normal(0, 0.5, (4, z_dim))
    ident = ident + rng.normal(0, anatomy, (persons, 2)) @ w
    y = rng.uniform(-1, 1, (persons * frames, 2)).astype(np.float32)
    video = np.repeat(np.arange(persons), frames).astype(np.int32)
    z = (ident[video] + y @ w + rng.normal(0, 0.01, (len(y), z_dim))).astype(np.float32)
    return z, y, video


def test_a_new_relative_generator_is_the_identity_edit():
    net = LatentGenerator(z_dim=50, hidden=16, layers=1)
    z = torch.randn(3, 50)
    assert torch.equal(net(z, torch.zeros(3, 2), torch.ones(3, 2)), z)


def test_training_learns_pairs_of_one_video_and_never_moves_the_pk(pk_dir, tmp_path):  # noqa: F811
    pk = load_frozen_pk(pk_dir)
    before = {k: v.clone() for k, v in pk.state_dict().items()}
    z, y, video = _videos()
    logs = []
    for code in (0, 8):
        net = train(pk, z, y, video, str(tmp_path / f"run{code}"), steps=500, batch=64, hidden=32, layers=2,
                    code=code, holdout=0.25, log=logs.append)
        # on held-out persons: the other frame of the video, predicted from this one and the other's label, lands
        # closer to it than this frame does
        held = logs[-1].split("held-out z ")[1]
        err, unchanged = float(held.split()[0]), float(held.split("unchanged frame ")[1].split(")")[0])
        assert err < 0.5 * unchanged, logs[-1]
        again = load_latent(str(tmp_path / f"run{code}" / "last.pt"))
        zz = torch.from_numpy(z[:4])
        assert torch.allclose(again(zz, pk.dem(zz), torch.from_numpy(y[4:8])), net(zz, pk.dem(zz), torch.from_numpy(y[4:8])))
    assert all(torch.equal(before[k], v) for k, v in pk.state_dict().items())


def test_it_exports_to_the_latent_contract(pk_dir, tmp_path):  # noqa: F811
    pk = load_frozen_pk(pk_dir)
    net = LatentGenerator(z_dim=50, hidden=16, layers=2)
    with torch.no_grad():
        net.head.weight.normal_(0.0, 0.3)
    out = str(tmp_path / "model")
    export_latent_dir(pk, net.eval(), pk_dir, out, {"kind": "test"})
    m = validate_model_dir(out)
    assert m["models"]["generator"]["edits"] == "z"
    with open(os.path.join(out, "manifest.json")) as f:
        assert [t["name"] for t in json.load(f)["models"]["generator"]["outputs"]] == ["z_edit"]
    z = torch.rand(3, 50) * 2 - 1
    affect = torch.tensor([[0.5, -0.5], [-1.0, 1.0], [0.0, 0.2]])
    with torch.no_grad():
        want = torch.clamp(net(z, pk.dem(z), affect), -1, 1).numpy()
    got = run(os.path.join(out, "generator.onnx"), {"z": z.numpy(), "affect": affect.numpy()})["z_edit"]
    assert np.abs(got - want).max() < 1e-4
    assert np.abs(got - z.numpy()).max() > 1e-2  # the edit moved z


def _held_out_error(log_line):
    return float(log_line.split("held-out z ")[1].split()[0])


def test_conditioned_on_the_true_label_it_carries_what_no_reading_of_the_frame_can(pk_dir, tmp_path):  # noqa: F811
    # anatomy that looks like expression: from z alone the source frame's emotion is ambiguous, so a generator fed
    # the PK's reading predicts the other frame worse than one fed the source frame's true label (the analysis
    # behind fidelity --reading truth)
    pk = load_frozen_pk(pk_dir)
    z, y, video = _videos(anatomy=0.8)
    errors = {}
    for condition in ("reading", "truth"):
        logs = []
        net = train(pk, z, y, video, str(tmp_path / condition), steps=600, batch=64, hidden=32, layers=2,
                    holdout=0.25, condition=condition, log=logs.append)
        errors[condition] = _held_out_error(logs[-1])
        assert load_latent(str(tmp_path / condition / "last.pt")).config["condition"] == condition
    assert errors["truth"] < 0.5 * errors["reading"], errors
    try:  # the job has no labels: such a generator is not a model
        export_latent_dir(pk, net, pk_dir, str(tmp_path / "model"), {"kind": "test"})
        raise AssertionError("exported a generator conditioned on labels")
    except ValueError as e:
        assert "true label" in str(e)
