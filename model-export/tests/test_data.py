import os

import numpy as np
import torch

from conftest import HEADER, make_affectnet, write_image
from paffmem_pk.data import load_face, load_split, read_affectnet_csv, to_tensor


def test_csv_rules(tmp_path):
    root = tmp_path / "a"
    rows = [
        ("0/ok.png", 0, 0.5, -0.25),      # kept
        ("0/none.png", 8, 0.1, 0.1),      # 8 = none: skipped
        ("0/unc.png", 9, 0.1, 0.1),       # 9 = uncertain
        ("0/noface.png", 10, -2, -2),     # 10 = no face
        ("0/unlab.png", 3, -2, -2),       # unlabelled
        ("0/missing.png", 7, -0.9, 0.8),  # kept by the CSV reader, no image on disk
    ]
    os.makedirs(root / "0")
    write_image(str(root / "0/ok.png"), -0.25, 0.5, (10, 10, 80, 90))
    with open(root / "training.csv", "w") as f:
        f.write(HEADER)
        for path, e, v, a in rows:
            f.write(f'{path},10,10,80,90,"1;2;3",{e},{v},{a}\n')
    kept, stats = read_affectnet_csv(str(root / "training.csv"))
    assert [r.path for r in kept] == ["0/ok.png", "0/missing.png"]
    assert stats.rows == 6 and stats.skipped_category == 3 and stats.skipped_unlabelled == 1
    assert (kept[0].valence, kept[0].arousal) == (0.5, -0.25)
    split = load_split(str(root / "training.csv"), workers=1, progress=False)
    assert len(split) == 1 and split.stats.skipped_missing_image == 1
    np.testing.assert_allclose(split.labels, [[-0.25, 0.5]])  # (arousal, valence)


def test_headerless_validation_csv(tmp_path):
    root = make_affectnet(str(tmp_path / "a"), n_train=3, n_val=4, header_val=False)
    kept, stats = read_affectnet_csv(os.path.join(root, "validation.csv"))
    assert len(kept) == 4 and stats.rows == 4


def test_face_box_crop(tmp_path, affectnet_dir):
    kept, _ = read_affectnet_csv(os.path.join(affectnet_dir, "training.csv"))
    r = kept[0]
    face = load_face(os.path.join(affectnet_dir, "Manually_Annotated_Images"), r)
    assert face.shape == (96, 96, 3) and face.dtype == np.uint8
    # inside the box the face has a uniform colour set by valence (the canvas outside is noise)
    expected_red = int(127 + 120 * r.valence)
    assert abs(int(np.median(face[10:80, 40:90, 0])) - expected_red) <= 3
    assert face[10:80, 40:90, 1].std() < 3


def test_load_split_cache_and_tensor(tmp_path, affectnet_dir):
    cache = str(tmp_path / "cache")
    a = load_split(os.path.join(affectnet_dir, "training.csv"), cache_dir=cache, workers=1, progress=False)
    assert a.images.shape == (24, 96, 96, 3) and a.labels.shape == (24, 2)
    b = load_split(os.path.join(affectnet_dir, "training.csv"), cache_dir=cache, workers=1, progress=False)
    assert isinstance(b.images, np.memmap) and np.array_equal(np.asarray(a.images), np.asarray(b.images))
    x = to_tensor(a.images[:2])
    assert x.shape == (2, 3, 96, 96) and x.min() >= -1 and x.max() <= 1
    flipped = to_tensor(a.images[:2], np.array([True, False]))
    assert torch.equal(flipped[0], torch.flip(x[0], dims=[2])) and torch.equal(flipped[1], x[1])
    sub = load_split(os.path.join(affectnet_dir, "training.csv"), max_samples=5, workers=1, progress=False)
    assert len(sub) == 5


def test_person_column_counts_persons(tmp_path):
    root = tmp_path / "p"
    os.makedirs(root / "x")
    with open(root / "validation.csv", "w") as f:
        f.write(HEADER.strip() + ",person_id\n")
        for i in range(4):
            write_image(str(root / f"x/{i}.png"), 0.1, 0.2, (0, 0, 60, 60), seed=i)
            f.write(f'x/{i}.png,0,0,60,60,"",1,0.1,0.2,p{i % 2}\n')
    split = load_split(str(root / "validation.csv"), workers=1, progress=False)
    assert split.n_persons() == 2


def test_person_regex_and_default_image_root(affectnet_dir):
    split = load_split(os.path.join(affectnet_dir, "validation.csv"), workers=1, progress=False,
                       person_regex=r"([^/]+)_\d+\.\w+$")
    assert len(split) == 12 and split.n_persons() == 3
    assert split.image_root.endswith("Manually_Annotated_Images")
