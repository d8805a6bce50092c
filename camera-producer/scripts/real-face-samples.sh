#!/usr/bin/env bash
# Real face photos for `./paffmem produce detect-images`, taken from two Debian packages (downloaded, not installed):
#   python3-skimage: astronaut.png (one face), camera.png (one face, turned away behind a camera), chelsea.png and
#                    coffee.png (a cat, a cup: no face), lfw_subset.npy (100 face and 100 non-face 25x25 grey patches
#                    from Labeled Faces in the Wild)
#   opencv-doc:      messi5.jpg (one small face) and the documentation's face pictures (some with boxes or landmarks
#                    drawn on them by the tutorials)
# Usage: camera-producer/scripts/real-face-samples.sh [OUT_DIR]   (default data/real-faces; needs apt-get, dpkg and
# /usr/bin/python3 with numpy and PIL). Writes OUT_DIR/photos/, OUT_DIR/lfw-faces/ and OUT_DIR/lfw-nonfaces/ (each LFW
# patch upscaled 4x to 100x100 and centred on a 200x200 mid-grey canvas).
set -euo pipefail
OUT="${1:-data/real-faces}"
TMP="$(mktemp -d)"
chmod 755 "$TMP"   # apt-get download runs as the _apt user
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT/photos" "$OUT/lfw-faces" "$OUT/lfw-nonfaces"
(cd "$TMP" && apt-get download python3-skimage opencv-doc >/dev/null)
dpkg -x "$TMP"/python3-skimage_*.deb "$TMP/x"
dpkg-deb --fsys-tarfile "$TMP"/opencv-doc_*.deb | tar x -C "$TMP/x" \
  ./usr/share/doc/opencv-doc/examples/data/messi5.jpg \
  ./usr/share/doc/opencv-doc/opencv4/html/facereg.jpg ./usr/share/doc/opencv-doc/opencv4/html/face_swapped.jpg \
  ./usr/share/doc/opencv-doc/opencv4/html/faceDetection.png \
  ./usr/share/doc/opencv-doc/opencv4/html/julia_facedetect_sample.jpg
SK="$TMP/x/usr/lib/python3/dist-packages/skimage/data"
cp "$SK"/{astronaut,camera,chelsea,coffee}.png "$OUT/photos/"
cp "$TMP"/x/usr/share/doc/opencv-doc/examples/data/messi5.jpg \
  "$TMP"/x/usr/share/doc/opencv-doc/opencv4/html/{facereg.jpg,face_swapped.jpg,faceDetection.png,julia_facedetect_sample.jpg} \
  "$OUT/photos/"
/usr/bin/python3 - "$SK/lfw_subset.npy" "$OUT" <<'PY'
import sys
import numpy as np
from PIL import Image
patches = np.load(sys.argv[1])  # 200 x 25 x 25 in [0, 1]: the first 100 are faces, the rest are not
for i, p in enumerate(patches):
    img = Image.fromarray((p * 255).round().astype(np.uint8)).resize((100, 100), Image.BICUBIC)
    canvas = Image.new("L", (200, 200), 128)
    canvas.paste(img, (50, 50))
    kind = "lfw-faces" if i < 100 else "lfw-nonfaces"
    canvas.save(f"{sys.argv[2]}/{kind}/{i:03d}.png")
PY
echo "real-face samples in $OUT: $(ls "$OUT/photos" | wc -l) photos, 100 LFW faces, 100 LFW non-faces"
