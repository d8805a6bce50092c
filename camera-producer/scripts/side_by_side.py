"""Two real videos' frames side by side in one 360x288 frame: a real two-person test for the producer's tracking.

Usage: /usr/bin/python3 camera-producer/scripts/side_by_side.py LEFT_FRAMES RIGHT_FRAMES OUT_DIR [LEFT_OFFSET]

LEFT_FRAMES and RIGHT_FRAMES hold 360x288 frames as NNNNN.jpg (ConvertVideo.java --frames-dir); frame i of OUT_DIR
is left frame i + LEFT_OFFSET and right frame i, each halved to 180x144, side by side on a grey 360x288 frame, as
long as the right one lasts. Run the producer on OUT_DIR with --folder-fps 24. What camera-producer/README.md
measured: franck (offset 600) and cap13_edit2:

  /usr/bin/python3 camera-producer/scripts/side_by_side.py data/real-videos/frames-franck data/real-videos/frames-cap13_edit2 \\
      data/real-videos/two-persons 600
"""
import os
import sys

from PIL import Image

left, right, out = sys.argv[1:4]
offset = int(sys.argv[4]) if len(sys.argv) > 4 else 0
os.makedirs(out, exist_ok=True)
n = len(os.listdir(right))
for i in range(n):
    a = Image.open(f"{left}/{i + offset:05d}.jpg").resize((180, 144), Image.LANCZOS)
    b = Image.open(f"{right}/{i:05d}.jpg").resize((180, 144), Image.LANCZOS)
    c = Image.new("RGB", (360, 288), (128, 128, 128))
    c.paste(a, (0, 72))
    c.paste(b, (180, 72))
    c.save(f"{out}/{i:05d}.jpg", quality=92)
print(f"{n} frames in {out}")
