"""The frame editor (editor.py): composition, training leaves the PK alone, export to the frame-conditioned
contract, and the fidelity measure against the renderer's truth (fidelity.py)."""
import csv
import json
import os

import numpy as np
import pytest
import torch
from PIL import Image

from onnx_torch_eval import run
from paffmem_pk.editor import EditorTrainer, ExportedEditor, FrameEditor, load_frozen_pk
from paffmem_pk.export import export_model_dir
from paffmem_pk.export_editor import export_editor_dir
from paffmem_pk.fidelity import measure
from paffmem_pk.losses import LossConfig, manifest_losses
from paffmem_pk.manifest import sha256_file, validate_model_dir
from paffmem_pk.models import PK, PKConfig


@pytest.fixture(scope="module")
def pk_dir(tmp_path_factory):
    torch.manual_seed(0)
    out = str(tmp_path_factory.mktemp("pk"))
    pk = PK(PKConfig(width=0.0625))
    for mod in pk.modules():
        if isinstance(mod, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear)):
            mod.reset_parameters()
    lc = LossConfig(use_iden=False, iden_off_reason="test")
    export_model_dir(pk, out, model_id="test", model_version="0", losses=manifest_losses(lc, "all"),
                     training={"kind": "test", "count": 0, "steps": 0, "batch": 4, "seed": 0},
                     validation={"ccc_arousal": 0.0, "ccc_valence": 0.0, "samples": 0, "persons": None})
    return out


def _frames(n, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 3, 96, 96, generator=g) * 2 - 1


def test_the_zero_field_passes_the_frame_and_a_one_pixel_field_shifts_it():
    torch.manual_seed(0)
    ed = FrameEditor(base=2, max_delta=0.3).eval()
    x = _frames(2)
    y = torch.tensor([[0.5, -0.5], [-1.0, 1.0]])
    with torch.no_grad():
        same = ed(x, y, torch.zeros(2, 2))  # a new editor starts at the identity edit
        assert torch.allclose(same, x, atol=1e-5)
        # displacement of +2/96 of the half-width in x = one pixel to the right: output(i, j) = frame(i, j + 1)
        ed.flow.bias.copy_(torch.tensor([float(np.arctanh(2 / 96 / ed.max_flow)), 0.0]))
        shifted = ed(x, y, torch.zeros(2, 2))
    assert torch.allclose(shifted[..., :, :-1], x[..., :, 1:], atol=1e-4)
    assert not torch.allclose(shifted, x, atol=1e-2)
    with torch.no_grad():  # the colour change is bounded and the result stays in the image range
        ed.delta.bias.fill_(10.0)
        brighter, _, delta = ed.forward_parts(x, y, torch.zeros(2, 2))
    assert float(delta.max()) <= ed.max_delta + 1e-6
    assert float(brighter.max()) <= 1.0 and float((brighter - shifted).mean()) > 0.1
    with torch.no_grad():  # the default editor only moves pixels: no colour change however its head is set
        only_moves = FrameEditor(base=2).eval()
        only_moves.delta.bias.fill_(10.0)
        assert torch.allclose(only_moves(x, y, torch.zeros(2, 2)), x, atol=1e-5)


def test_a_training_step_moves_the_editor_and_never_the_pk(pk_dir):
    pk = load_frozen_pk(pk_dir)
    before = {k: v.clone() for k, v in pk.state_dict().items()}
    torch.manual_seed(0)
    ed = FrameEditor(base=2)
    ed_before = {k: v.clone() for k, v in ed.state_dict().items()}
    weights = {"rec": 10.0, "cycle": 10.0, "rel": 1.0, "iden": 0.0, "pair": 1.0, "smooth": 1.0, "delta": 1.0, "adv": 1.0}
    trainer = EditorTrainer(ed, pk, None, weights)
    x, y = _frames(4), torch.rand(4, 2) * 2 - 1
    losses = trainer.step(x, y, _frames(4, 1), torch.rand(4, 2) * 2 - 1)
    assert set(losses) == {"rec", "rel", "cycle", "smooth", "delta", "pair", "adv", "total", "critic"}
    critic_before = {k: v.clone() for k, v in trainer.critic.state_dict().items()}
    trainer.step(x, y)
    assert any(not torch.equal(v, critic_before[k]) for k, v in trainer.critic.state_dict().items())
    assert all(np.isfinite(v) for v in losses.values())
    for k, v in pk.state_dict().items():
        assert torch.equal(v, before[k]), f"the frozen PK moved: {k}"
    assert any(not torch.equal(v, ed_before[k]) for k, v in ed.state_dict().items() if v.is_floating_point())


def test_export_writes_the_frame_conditioned_contract(pk_dir, tmp_path):
    pk = load_frozen_pk(pk_dir)
    torch.manual_seed(1)
    ed = FrameEditor(base=2).eval()
    with torch.no_grad():  # livelier heads than at initialization (the identity edit), so the output depends on them
        for head in (ed.flow, ed.delta):
            head.weight.normal_(0.0, 0.3)
    out = str(tmp_path / "edited")
    m = export_editor_dir(pk, ed, pk_dir, out, {"steps": 0}, model_version="0.5.0-test")
    assert validate_model_dir(out) == json.load(open(os.path.join(out, "manifest.json")))
    gen = m["models"]["generator"]
    assert gen["conditioning"] == "frame"
    assert [t["name"] for t in gen["inputs"]] == ["frame", "affect"]
    assert m["model_version"] == "0.5.0-test"
    # E and D_em are the PK's, byte for byte: the PK's predictions do not change
    for f in ("encoder.onnx", "dem.onnx"):
        assert sha256_file(os.path.join(out, f)) == sha256_file(os.path.join(pk_dir, f))
    x = _frames(3, 2)
    affect = torch.tensor([[0.9, -0.9], [-0.5, 0.5], [0.0, 0.0]])
    with torch.no_grad():
        want = ExportedEditor(ed, pk)(x, affect).numpy()
    got = run(os.path.join(out, "generator.onnx"), {"frame": x, "affect": affect})["image"]
    assert np.abs(got - want).max() < 1e-4
    swapped = run(os.path.join(out, "generator.onnx"), {"frame": x, "affect": affect.flip(1)})["image"]
    assert np.abs(swapped - got).max() > 1e-5  # the affect input is used
    parity = json.load(open(os.path.join(out, "parity", "parity.json")))
    assert [t["name"] for t in parity["models"]["generator"]["inputs"]] == ["frame", "affect"]


def test_a_manifest_that_declares_frames_but_holds_the_z_generator_is_rejected(pk_dir, tmp_path):
    import shutil

    bad = str(tmp_path / "bad")
    shutil.copytree(pk_dir, bad)
    path = os.path.join(bad, "manifest.json")
    m = json.load(open(path))
    m["models"]["generator"]["conditioning"] = "frame"
    json.dump(m, open(path, "w"))
    with pytest.raises(ValueError, match="generator"):
        validate_model_dir(bad)


def _omg_with_grid(root, persons=2, grid=4, utterances=1, frames_per_utterance=1):
    """frames.csv (the frames of each video's utterances) and calibration.csv (the person's faces at known
    emotions)."""
    rng = np.random.RandomState(0)
    frames, cal = [], []
    for p in range(persons):
        vid = f"eval-{p:05d}"
        os.makedirs(os.path.join(root, "frames", vid), exist_ok=True)
        os.makedirs(os.path.join(root, "calibration", vid), exist_ok=True)
        kind = "typical" if p % 2 == 0 else "identity_confound"
        for u in range(utterances):
            a, v = rng.uniform(-1, 1, 2)
            for i in range(frames_per_utterance):
                n = u * frames_per_utterance + i
                f = f"frames/{vid}/{n}.png"
                Image.fromarray(rng.randint(0, 255, (96, 96, 3)).astype(np.uint8)).save(os.path.join(root, f))
                frames.append([vid, f"u{u}.mp4", n, f, a, v, (a + 1) / 2, vid, kind])
        for k in range(grid):
            f = f"calibration/{vid}/{k:03d}.png"
            Image.fromarray(rng.randint(0, 255, (96, 96, 3)).astype(np.uint8)).save(os.path.join(root, f))
            cal.append([vid, f, -1 + 2 * k / (grid - 1), 1 - 2 * k / (grid - 1), vid, frames[-1][-1]])
    with open(os.path.join(root, "frames.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["video", "utterance", "frame", "file", "arousal", "valence", "arousal_omg", "person_id", "person_type"])
        w.writerows(frames)
    with open(os.path.join(root, "calibration.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["video", "file", "arousal", "valence", "person_id", "person_type"])
        w.writerows(cal)
    return cal


def test_fidelity_is_one_for_the_true_faces_and_lower_for_the_unedited_frame(pk_dir, tmp_path):
    from paffmem_pk.data import to_tensor
    from paffmem_pk.fidelity import _load

    root = str(tmp_path / "omg")
    cal = _omg_with_grid(root)
    pk = load_frozen_pk(pk_dir)
    truth = {}
    for r in cal:
        truth.setdefault(r[0], []).append(os.path.join(root, r[1]))
    calls = iter(sorted(truth))

    def oracle(x0, z0, ys, y0):  # the z's of the person's true faces: the edits are perfect
        return pk.encoder(to_tensor(np.stack([_load(f) for f in truth[next(calls)]])))

    res = measure(root, pk, oracle)
    assert set(res) == {"typical", "identity_confound"}
    for r in res.values():
        assert r["z_dist"] < 1e-5
        assert r["share"] == pytest.approx([1.0, 1.0], abs=1e-4)
        assert r["gap"] == pytest.approx([0.0, 0.0], abs=1e-5)
    unedited = measure(root, pk, lambda x0, z0, ys, y0: z0.expand(len(ys), -1))
    assert all(r["z_dist"] > 1e-3 and max(r["gap"]) > 1e-4 for r in unedited.values())


def test_memory_ceiling_equals_the_true_faces_memory_when_the_edits_are_the_true_faces(pk_dir, tmp_path):
    from paffmem_pk.data import to_tensor
    from paffmem_pk.fidelity import _load, memory_ceiling

    root = str(tmp_path / "omg")
    cal = _omg_with_grid(root, persons=4, grid=5, utterances=3, frames_per_utterance=4)
    pk = load_frozen_pk(pk_dir)
    truth = {}
    for r in cal:
        truth.setdefault(r[0], []).append(os.path.join(root, r[1]))
    first = {os.path.join(root, f"frames/{v}/0.png"): v for v in truth}

    def oracle(x0, z0, ys, y0):  # the person's true faces, whichever generation frame is edited
        video = next(v for f, v in first.items() if torch.equal(to_tensor(_load(f)[None]), x0))
        return pk.encoder(to_tensor(np.stack([_load(f) for f in truth[video]])))

    res = memory_ceiling(root, pk, oracle, sources=1, k=2, stride=1, labelled=(25, 1))
    assert set(res) == {"all", "typical", "identity_confound"}
    for g in res.values():
        assert g["edits"] == pytest.approx(g["true"], abs=1e-6)
        assert g["25 labelled"] == pytest.approx(g["true"], abs=1e-6)  # all 25 grid faces: the true memory
        assert g["1 labelled"] != pytest.approx(g["true"], abs=1e-4)   # one face: one constant per person
        assert g["true"] != pytest.approx(g["pk"], abs=1e-4)  # the residual moved the predictions
    unedited = memory_ceiling(root, pk, lambda x0, z0, ys, y0: z0.expand(len(ys), -1), sources=1, k=2, stride=1)
    assert unedited["all"]["edits"] != pytest.approx(res["all"]["edits"], abs=1e-4)
    assert unedited["all"]["pk"] == pytest.approx(res["all"]["pk"], abs=1e-9)


def test_random_views_change_both_images_the_same_way_but_for_the_noise():
    from paffmem_pk.editor import random_views

    x = _frames(6, seed=3)
    a, b = random_views([x, x.clone()], gen=torch.Generator().manual_seed(1))
    assert a.shape == x.shape
    assert (a - x).abs().mean() > 0.05                   # the view did change
    assert (a - b).std() == pytest.approx(0.03 * 2 ** 0.5, rel=0.2)  # only the independent noise differs


def test_an_editor_that_paints_with_g_blends_the_pks_own_face_under_its_mask_and_exports(pk_dir, tmp_path):
    pk = load_frozen_pk(pk_dir)
    ed = FrameEditor(base=2, paint="g").attach_painter(pk).eval()
    x = _frames(2, 5)
    y = torch.tensor([[0.8, -0.4], [-0.6, 0.9]])
    with torch.no_grad():
        out, flow, mask = ed.forward_parts(x, y, pk.dem(pk.encoder(x)))
        g = pk.generator(pk.encoder(x), y)
    m = torch.sigmoid(torch.tensor(-4.0))  # a new editor moves nothing and paints a little everywhere
    assert torch.allclose(out, (1 - m) * x + m * g, atol=1e-5)
    assert torch.allclose(mask, torch.full_like(mask, float(m)))
    with pytest.raises(ValueError, match="paint"):
        FrameEditor(base=2, paint="free")
    out_dir = str(tmp_path / "painting")
    export_editor_dir(pk, ed, pk_dir, out_dir, {"kind": "test"})
    affect = torch.tensor([[0.9, -0.9], [-0.5, 0.5]])
    with torch.no_grad():
        want = ExportedEditor(ed, pk)(x, affect).numpy()
    got = run(os.path.join(out_dir, "generator.onnx"), {"frame": x, "affect": affect})["image"]
    assert np.abs(got - want).max() < 1e-4


def test_the_cli_trains_checkpoints_and_resumes(pk_dir, affectnet_dir, tmp_path):
    from paffmem_pk.checkpoint import read_checkpoint
    from paffmem_pk.editor import main

    run_dir = str(tmp_path / "run")
    common = ["--model-dir", pk_dir, "--data", affectnet_dir, "--base", "4", "--batch", "2", "--threads", "1",
              "--run", run_dir, "--ckpt-every", "5"]
    main(common + ["--steps", "2"])
    assert read_checkpoint(os.path.join(run_dir, "last.pt"))["step"] == 2  # saved at the end, not only every 5
    main(common + ["--steps", "3"])  # resumes at step 2
    assert read_checkpoint(os.path.join(run_dir, "last.pt"))["step"] == 3
