import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from paffmem_pk import configure_threads  # noqa: E402

# One torch thread (OpenBLAS: one too): the tiny test models gain nothing from more, and while other builds
# share the cores, threads waiting on each other made the suite about 3x slower.
configure_threads(int(os.environ.get("PAFFMEM_TEST_THREADS", "1")))

HEADER = "subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal\n"


def write_image(path, valence, arousal, box, size=(140, 120), seed=0):
    """A noisy canvas with a 'face' in box whose colour follows valence and whose bar follows arousal."""
    from PIL import Image

    rng = np.random.RandomState(seed)
    w, h = size
    img = rng.randint(0, 255, size=(h, w, 3)).astype(np.uint8)
    x, y, bw, bh = box
    face = np.zeros((bh, bw, 3), np.uint8)
    face[..., 0] = int(127 + 120 * valence)
    face[..., 1] = 90
    face[..., 2] = int(127 - 120 * valence)
    bar = max(1, int(bh * (arousal + 1) / 2))
    face[bh - bar:, : bw // 4] = 255
    img[y:y + bh, x:x + bw] = face
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(img).save(path)


def make_affectnet(root, n_train=24, n_val=12, seed=0, header_val=True):
    """AffectNet layout: training.csv, validation.csv, images under <root>/Manually_Annotated_Images/<subdir>/<file>,
    files named <person>_<k>.png as in our synthetic set (4 training persons, 3 validation persons)."""
    rng = np.random.RandomState(seed)
    for name, n, with_header in (("training.csv", n_train, True), ("validation.csv", n_val, header_val)):
        lines = [HEADER] if with_header else []
        for i in range(n):
            v, a = rng.uniform(-1, 1, 2)
            box = (int(rng.randint(0, 30)), int(rng.randint(0, 20)), 80, 90)
            prefix, persons = ("tr", 4) if name == "training.csv" else ("va", 3)
            rel = f"{prefix}_{i // 10:03d}/{prefix}-{i % persons:05d}_{i // persons:03d}.png"
            write_image(os.path.join(root, "Manually_Annotated_Images", rel), v, a, box, seed=i)
            lm = ";".join(str(k) for k in range(136))
            lines.append(f'{rel},{box[0]},{box[1]},{box[2]},{box[3]},"{lm}",{rng.randint(0, 8)},{v:.4f},{a:.4f}\n')
        with open(os.path.join(root, name), "w") as f:
            f.writelines(lines)
    return root


@pytest.fixture
def affectnet_dir(tmp_path):
    return make_affectnet(str(tmp_path / "affectnet"))
