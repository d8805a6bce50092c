"""Contact sheets of a video's frames with the producer's face boxes drawn, to check them by eye.

Usage: /usr/bin/python3 camera-producer/scripts/contact_sheets.py FRAMES_DIR FACES_CSV OUT_PREFIX [EVERY] [FPS]

FRAMES_DIR holds the frames as NNNNN.jpg (ConvertVideo.java --frames-dir), FACES_CSV the producer's --faces-csv of
a run with --start-time 1970-01-01T00:00:00Z (so event_time_ms is the stream time). Every EVERY-th frame (default
24) is drawn at half size, 8 x 6 to a sheet, with its number and its boxes: green where the detector found the face
on that frame, yellow where the tracker predicted it, "none" in red where the frame has no FaceFrame.
"""
import csv
import os
import sys
from collections import defaultdict

from PIL import Image, ImageDraw

frames_dir, faces_csv, out_prefix = sys.argv[1:4]
every = int(sys.argv[4]) if len(sys.argv) > 4 else 24
fps = float(sys.argv[5]) if len(sys.argv) > 5 else 24.0
boxes = defaultdict(list)
with open(faces_csv) as f:
    for row in csv.DictReader(f):
        n = round(int(row["event_time_ms"]) * fps / 1000)
        boxes[n].append((row["person_id"].split("/")[-1], *(int(row[k]) for k in ("x", "y", "width", "height")),
                         row["detected"] == "true"))
names = sorted(os.listdir(frames_dir))
picked = [n for n in range(len(names)) if n % every == 0]
cols, rows, scale = 8, 6, 0.5
for sheet in range(0, len(picked), cols * rows):
    part = picked[sheet:sheet + cols * rows]
    first = Image.open(os.path.join(frames_dir, names[0]))
    tw, th = int(first.width * scale), int(first.height * scale)
    img = Image.new("RGB", (cols * tw, rows * th), "black")
    draw = ImageDraw.Draw(img)
    for i, n in enumerate(part):
        x0, y0 = (i % cols) * tw, (i // cols) * th
        img.paste(Image.open(os.path.join(frames_dir, f"{n:05d}.jpg")).resize((tw, th)), (x0, y0))
        for pid, x, y, w, h, det in boxes.get(n, []):
            draw.rectangle([x0 + x * scale, y0 + y * scale, x0 + (x + w) * scale, y0 + (y + h) * scale],
                           outline="lime" if det else "yellow", width=2)
            draw.text((x0 + x * scale + 2, y0 + y * scale + 2), pid, fill="lime" if det else "yellow")
        draw.text((x0 + 3, y0 + 3), str(n), fill="white")
        if n not in boxes:
            draw.text((x0 + 3, y0 + 14), "none", fill="red")
    path = f"{out_prefix}-{sheet // (cols * rows):02d}.png"
    img.save(path)
    print(path, f"frames {part[0]}-{part[-1]}")
