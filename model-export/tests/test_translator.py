"""The frame translator (translator.py): it starts as the identity edit, pairs come from one video, training
moves the translator and never the PK, and it exports to the frame-conditioned contract."""
import csv
import os

import numpy as np
import pytest
import torch
from PIL import Image

from onnx_torch_eval import run
from paffmem_pk.editor import load_frozen_pk
from paffmem_pk.export_editor import export_editor_dir
from paffmem_pk.manifest import validate_model_dir
from paffmem_pk.translator import FrameTranslator, TranslatorTrainer, VideoFrames
from test_editor import pk_dir  # noqa: F401  (the tiny exported PK fixture)


def _videos(root, videos=3, frames=8):
    rng = np.random.RandomState(1)
    rows = []
    for v in range(videos):
        os.makedirs(os.path.join(root, "frames", f"v{v}"), exist_ok=True)
        for i in range(frames):
            f = f"frames/v{v}/{i:03d}.png"
            Image.fromarray(rng.randint(0, 255, (96, 96, 3)).astype(np.uint8)).save(os.path.join(root, f))
            rows.append([f"v{v}", "u.mp4", i, f, rng.uniform(-1, 1), rng.uniform(-1, 1), 0.5, f"v{v}", "typical"])
    with open(os.path.join(root, "frames.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["video", "utterance", "frame", "file", "arousal", "valence", "arousal_omg", "person_id", "person_type"])
        w.writerows(rows)


def test_a_new_translator_is_the_identity_edit():
    torch.manual_seed(0)
    x = torch.rand(2, 3, 96, 96) * 2 - 1
    out = FrameTranslator(base=4)(x, torch.tensor([[1.0, -1.0], [0.0, 0.5]]), torch.zeros(2, 2))
    assert torch.allclose(out, x, atol=1e-6)


def test_pairs_are_two_different_frames_of_one_video(tmp_path):
    _videos(str(tmp_path), videos=3, frames=8)
    data = VideoFrames(str(tmp_path), stride=2)
    assert data.images.shape == (12, 96, 96, 3)
    video_of = {int(i): v for v, ix in enumerate(data.by_video) for i in ix}
    ia, ib = data.pairs(50, np.random.RandomState(0))
    assert all(video_of[a] == video_of[b] and a != b for a, b in zip(ia, ib))
    assert len({video_of[a] for a in ia}) == 3


def test_training_moves_the_translator_not_the_pk_and_it_exports(pk_dir, tmp_path):  # noqa: F811
    _videos(str(tmp_path / "v"), videos=2, frames=4)
    data = VideoFrames(str(tmp_path / "v"), stride=1)
    pk = load_frozen_pk(pk_dir)
    before = {k: v.clone() for k, v in pk.state_dict().items()}
    net = FrameTranslator(base=4)
    trainer = TranslatorTrainer(net, pk, {"pair": 10.0, "rec": 5.0, "z": 1.0, "read": 1.0})
    ia, ib = data.pairs(4, np.random.RandomState(0))
    from paffmem_pk.data import to_tensor
    args = (to_tensor(data.images[ia]), torch.from_numpy(data.labels[ia]), to_tensor(data.images[ib]),
            torch.from_numpy(data.labels[ib]))
    first = trainer.step(*args)
    for _ in range(3):
        last = trainer.step(*args)
    assert last["pair"] < first["pair"]
    assert all(torch.equal(before[k], v) for k, v in pk.state_dict().items())
    out = str(tmp_path / "model")
    export_editor_dir(pk, net, pk_dir, out, {"kind": "test"})
    validate_model_dir(out)
    x = to_tensor(data.images[:2])
    affect = torch.tensor([[0.5, -0.5], [-1.0, 1.0]])
    with torch.no_grad():
        want = net(x, affect, pk.dem(pk.encoder(x))).numpy()
    got = run(os.path.join(out, "generator.onnx"), {"frame": x.numpy(), "affect": affect.numpy()})["image"]
    assert np.abs(got - want).max() < 1e-4


def test_the_cli_trains_checkpoints_resumes_and_exports(pk_dir, tmp_path):  # noqa: F811
    from paffmem_pk.checkpoint import read_checkpoint
    from paffmem_pk.translator import main

    _videos(str(tmp_path / "v"), videos=2, frames=4)
    run_dir = str(tmp_path / "run")
    common = ["--model-dir", pk_dir, "--videos", str(tmp_path / "v"), "--stride", "1", "--base", "4", "--batch", "2",
              "--threads", "1", "--run", run_dir, "--ckpt-every", "1"]
    main(common + ["--steps", "2"])
    assert read_checkpoint(os.path.join(run_dir, "last.pt"))["step"] == 2
    out = str(tmp_path / "model")
    main(common + ["--steps", "3", "--export", out])  # resumes at step 2
    assert read_checkpoint(os.path.join(run_dir, "last.pt"))["step"] == 3
    validate_model_dir(out)
