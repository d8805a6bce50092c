"""AffectNet as it ships: training.csv / validation.csv with the columns
subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal
and images under an image root (Manually_Annotated_Images/ for the real set).

Rows kept: expression 0-7 (the emotions) with valence and arousal in [-1, 1];
skipped: expression 8-10 (none / uncertain / no face), -2 labels (unlabelled), missing images.
Faces are cropped to the annotated box (or kept whole, crop="none") and resized to 96x96 RGB; a split is decoded once into
a uint8 array (optionally cached on disk as .npy, memory-mapped for large sets).
"""
import csv
import hashlib
import os
import re
from dataclasses import dataclass, field
from multiprocessing import Pool
from typing import List, Optional

import numpy as np
import torch
from PIL import Image

from . import IMAGE_SIZE

COLUMNS = ["subDirectory_filePath", "face_x", "face_y", "face_width", "face_height", "facial_landmarks",
           "expression", "valence", "arousal"]
EMOTION_CATEGORIES = range(0, 8)  # 0 neutral .. 7 contempt; 8 none, 9 uncertain, 10 no-face
UNLABELLED = -2.0
IMAGES_DIR = "Manually_Annotated_Images"
PERSON_COLUMNS = ("person_id", "person")  # optional extra column (AffectNet itself has none)


@dataclass
class Row:
    path: str
    box: Optional[tuple]  # (x, y, w, h) or None for the whole image
    expression: int
    arousal: float
    valence: float
    person: Optional[str] = None


@dataclass
class CsvStats:
    rows: int = 0
    kept: int = 0
    skipped_category: int = 0
    skipped_unlabelled: int = 0
    skipped_malformed: int = 0
    skipped_missing_image: int = 0

    def to_dict(self):
        return dict(self.__dict__)


def _float(s):
    return float(s) if s not in (None, "", "NULL") else None


def read_affectnet_csv(csv_path: str):
    """Parse an AffectNet CSV (with or without the header row) -> (rows kept, CsvStats)."""
    stats = CsvStats()
    rows: List[Row] = []
    with open(csv_path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        first = next(reader, None)
        if first is None:
            return rows, stats
        if first and first[0].strip().lstrip("\ufeff") == COLUMNS[0]:
            header = [h.strip().lstrip("\ufeff") for h in first]
            pending = []
        else:  # some copies of validation.csv ship without a header
            header = list(COLUMNS)
            pending = [first]
        idx = {name: header.index(name) for name in COLUMNS if name in header}
        if len(idx) != len(COLUMNS):
            raise ValueError(f"{csv_path}: missing columns {sorted(set(COLUMNS) - set(idx))}")
        pcol = next((header.index(c) for c in PERSON_COLUMNS if c in header), None)
        for rec in _chain(pending, reader):
            if not rec or all(not c.strip() for c in rec):
                continue
            stats.rows += 1
            try:
                expression = int(float(rec[idx["expression"]]))
                valence = float(rec[idx["valence"]])
                arousal = float(rec[idx["arousal"]])
                box = tuple(_float(rec[idx[k]]) for k in ("face_x", "face_y", "face_width", "face_height"))
                path = rec[idx["subDirectory_filePath"]].strip()
            except (ValueError, IndexError):
                stats.skipped_malformed += 1
                continue
            if expression not in EMOTION_CATEGORIES:
                stats.skipped_category += 1
                continue
            if valence == UNLABELLED or arousal == UNLABELLED:
                stats.skipped_unlabelled += 1
                continue
            if not (-1.0 <= valence <= 1.0 and -1.0 <= arousal <= 1.0) or not path:
                stats.skipped_malformed += 1
                continue
            if any(v is None for v in box) or box[2] <= 0 or box[3] <= 0:
                box = None
            person = rec[pcol].strip() if pcol is not None and pcol < len(rec) else None
            rows.append(Row(path, box, expression, arousal, valence, person))
    stats.kept = len(rows)
    return rows, stats


def _chain(first, rest):
    yield from first
    yield from rest


CROPS = ("box", "none")


def load_face(image_root: str, row: Row, crop: str = "box") -> np.ndarray:
    """Resize to 96x96 RGB uint8 (H x W x 3), after cropping the face box (clamped to the image)
    when crop == "box". crop == "none" keeps the whole image: use it when the images are already
    framed the way the job's input frames are (the synthetic sets), so training sees what serving sees."""
    with Image.open(os.path.join(image_root, row.path)) as im:
        im = im.convert("RGB")
        if crop == "box" and row.box is not None:
            x, y, w, h = row.box
            left, top = max(0, int(round(x))), max(0, int(round(y)))
            right, bottom = min(im.width, int(round(x + w))), min(im.height, int(round(y + h)))
            if right - left >= 2 and bottom - top >= 2:
                im = im.crop((left, top, right, bottom))
        im = im.resize((IMAGE_SIZE, IMAGE_SIZE), Image.BILINEAR)
        return np.asarray(im, dtype=np.uint8)


def _load_one(args):
    image_root, row, crop = args
    try:
        return load_face(image_root, row, crop)
    except (OSError, ValueError):
        return None


def default_image_root(data_dir: str) -> str:
    """AffectNet's paths are relative to Manually_Annotated_Images/ when that folder exists."""
    sub = os.path.join(data_dir, IMAGES_DIR)
    return sub if os.path.isdir(sub) else data_dir


@dataclass
class Split:
    images: np.ndarray  # N x 96 x 96 x 3 uint8 (RGB)
    labels: np.ndarray  # N x 2 float32, (arousal, valence)
    paths: List[str]
    persons: Optional[List[str]]
    stats: CsvStats
    csv_path: str = ""
    image_root: str = ""
    extra: dict = field(default_factory=dict)

    def __len__(self):
        return len(self.labels)

    def n_persons(self):
        return len(set(self.persons)) if self.persons is not None else None


def load_split(csv_path: str, image_root: Optional[str] = None, cache_dir: Optional[str] = None,
               max_samples: Optional[int] = None, seed: int = 0, workers: int = 2,
               progress: bool = True, person_regex: Optional[str] = None, crop: str = "box") -> Split:
    """Read a CSV, keep the usable rows (a seeded random subset if max_samples), decode the faces.

    person_regex: optional pattern whose first group, searched in subDirectory_filePath, is the
    person id (AffectNet has none; our synthetic set names files <person>_<k>.png)."""
    if crop not in CROPS:
        raise ValueError(f"crop must be one of {CROPS}, was {crop!r}")
    image_root = image_root or default_image_root(os.path.dirname(os.path.abspath(csv_path)))
    rows, stats = read_affectnet_csv(csv_path)
    if person_regex:
        pattern = re.compile(person_regex)
        for r in rows:
            m = pattern.search(r.path)
            r.person = r.person or (m.group(1) if m else None)
    if max_samples is not None and len(rows) > max_samples:
        keep = np.sort(np.random.RandomState(seed).choice(len(rows), max_samples, replace=False))
        rows = [rows[i] for i in keep]

    cache_img = None
    if cache_dir:
        st = os.stat(csv_path)
        ident = (f"{os.path.abspath(csv_path)}|{st.st_size}|{st.st_mtime_ns}|"
                 f"{os.path.abspath(image_root)}|{max_samples}|{seed}|{IMAGE_SIZE}")
        if crop != "box":
            ident += f"|crop={crop}"
        key = hashlib.sha1(ident.encode()).hexdigest()[:16]
        os.makedirs(cache_dir, exist_ok=True)
        base = os.path.join(cache_dir, f"{os.path.splitext(os.path.basename(csv_path))[0]}-{key}")
        cache_img, cache_ok = base + ".images.npy", base + ".ok.npy"
        if os.path.exists(cache_img) and os.path.exists(cache_ok):
            ok = np.load(cache_ok)
            images = np.load(cache_img, mmap_mode="r")
            return _finish(images, rows, ok, stats, csv_path, image_root)

    n = len(rows)
    images = (np.lib.format.open_memmap(cache_img + ".tmp.npy", mode="w+", dtype=np.uint8,
                                        shape=(n, IMAGE_SIZE, IMAGE_SIZE, 3))
              if cache_img else np.zeros((n, IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.uint8))
    ok = np.zeros(n, dtype=bool)
    jobs = ((image_root, r, crop) for r in rows)
    pool = Pool(workers) if workers > 1 and n > 256 else None
    it = pool.imap(_load_one, jobs, chunksize=64) if pool else map(_load_one, jobs)
    if progress:
        from tqdm import tqdm

        it = tqdm(it, total=n, desc=f"decode {os.path.basename(csv_path)}", unit="img", mininterval=2.0)
    for i, face in enumerate(it):
        if face is not None:
            images[i] = face
            ok[i] = True
    if pool:
        pool.close()
        pool.join()
    if cache_img:
        images.flush()
        del images
        os.replace(cache_img + ".tmp.npy", cache_img)
        np.save(cache_ok, ok)
        images = np.load(cache_img, mmap_mode="r")
    return _finish(images, rows, ok, stats, csv_path, image_root)


def _finish(images, rows, ok, stats, csv_path, image_root) -> Split:
    stats.skipped_missing_image = int((~ok).sum())
    stats.kept = int(ok.sum())
    idx = np.nonzero(ok)[0]
    if len(idx) != len(rows):
        images = np.asarray(images[idx])
    rows = [rows[i] for i in idx]
    labels = np.array([[r.arousal, r.valence] for r in rows], dtype=np.float32).reshape(-1, 2)
    persons = [r.person for r in rows] if rows and all(r.person is not None for r in rows) else None
    return Split(images, labels, [r.path for r in rows], persons, stats, csv_path, image_root)


def to_tensor(images_uint8: np.ndarray, hflip: Optional[np.ndarray] = None) -> torch.Tensor:
    """N x 96 x 96 x 3 uint8 -> N x 3 x 96 x 96 float32 in [-1, 1]; optional per-sample mirror."""
    x = torch.from_numpy(np.array(images_uint8, dtype=np.uint8, copy=True)).permute(0, 3, 1, 2).float().div_(127.5).sub_(1.0)
    if hflip is not None and hflip.any():
        m = torch.from_numpy(hflip)
        x[m] = torch.flip(x[m], dims=[3])
    return x
