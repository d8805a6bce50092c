#!/usr/bin/python3
"""Example producer: face images to P-AffMem's input topic, from Python.

Each image becomes one FaceFrame (schemas/src/main/avro/FaceFrame.avsc) in Avro single-object encoding, keyed by
the person id, sent by an idempotent, lz4-compressed confluent-kafka producer. Images are sent as they are (JPEG or
PNG, by extension): crop them to the face first (96x96 is what the shipped model takes; the job resizes others).

    /usr/bin/python3 examples/python/face_frame_producer.py --bootstrap-servers 127.0.0.1:9092 \\
        --person alice --fps 25 faces/alice/*.jpg

Needs Debian's python3-confluent-kafka and python3-avro (no PyPI).
"""
import argparse
import datetime
import os
import sys

from confluent_kafka import Producer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from avro_single_object import SingleObjectCodec  # noqa: E402

SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas", "src", "main", "avro")


def face_frame(person, source, index, event_time, image_bytes, encoding, enrolment=None):
    """A FaceFrame as python-avro wants it: timestamp-millis as an aware datetime, enums as strings. `enrolment`:
    (arousal, valence) the face is known to show, or None."""
    return {
        "personId": person, "sourceId": source, "frameIndex": index, "eventTime": event_time,
        "encoding": encoding, "image": image_bytes, "width": None, "height": None,
        "arousal": None, "valence": None, "videoId": None, "utteranceId": None, "faceBox": None,
        "enrolment": None if enrolment is None else {"arousal": enrolment[0], "valence": enrolment[1]},
    }


def emotion(text):
    """'AROUSAL,VALENCE', each in [-1, 1] (argparse type)."""
    try:
        a, v = (float(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("expected AROUSAL,VALENCE, e.g. 0.75,-0.75; was %r" % text)
    if not (-1 <= a <= 1 and -1 <= v <= 1):
        raise argparse.ArgumentTypeError("arousal and valence must be in [-1, 1], were %s" % text)
    return a, v


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    ap.add_argument("--topic", default="face-frames")
    ap.add_argument("--person", required=True, help="person id, also the Kafka key")
    ap.add_argument("--source-id", default="python-example")
    ap.add_argument("--fps", type=float, default=25.0, help="event times are 1/fps apart")
    ap.add_argument("--start-time", help="event time of the first image, ISO-8601 (default: now)")
    ap.add_argument("--first-index", type=int, default=0, help="frame index of the first image")
    ap.add_argument("--enrolment", type=emotion, metavar="AROUSAL,VALENCE",
                    help="the images show the person at this known emotion: the job keeps them as enrolled faces "
                         "(flink-job/README.md, Enrolment); send them before the person's stream, frame indices "
                         "continuing from there")
    ap.add_argument("--schema", default=os.path.join(SCHEMAS, "FaceFrame.avsc"))
    ap.add_argument("images", nargs="+")
    args = ap.parse_args(argv)

    codec = SingleObjectCodec(args.schema)
    start = (datetime.datetime.fromisoformat(args.start_time.replace("Z", "+00:00")) if args.start_time
             else datetime.datetime.now(datetime.timezone.utc))
    producer = Producer({
        "bootstrap.servers": args.bootstrap_servers,
        "enable.idempotence": True,  # acks=all, retries without duplicates, order kept per partition
        "compression.type": "lz4",
        "linger.ms": 20,
    })
    failures = []

    def delivered(err, msg):
        if err is not None:
            failures.append(err)

    for i, path in enumerate(args.images):
        ext = os.path.splitext(path)[1].lower()
        encoding = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}.get(ext)
        if encoding is None:
            sys.exit("%s: only .jpg, .jpeg and .png images" % path)
        with open(path, "rb") as f:
            image = f.read()
        event_time = start + datetime.timedelta(seconds=i / args.fps)
        value = codec.encode(face_frame(args.person, args.source_id, args.first_index + i, event_time, image, encoding,
                                      args.enrolment))
        producer.produce(args.topic, key=args.person.encode("utf-8"), value=value, on_delivery=delivered)
        producer.poll(0)
    left = producer.flush(30)
    if failures or left:
        sys.exit("%d frames failed, %d undelivered: %s" % (len(failures), left, failures[:3]))
    print("sent %d FaceFrames for %s to %s (schema fingerprint %016x)"
          % (len(args.images), args.person, args.topic, codec.fingerprint))


if __name__ == "__main__":
    main()
