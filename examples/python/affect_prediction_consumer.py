#!/usr/bin/python3
"""Example consumer: P-AffMem's predictions, decoded in Python, one JSON object per line.

Reads committed predictions only (the job writes them in Kafka transactions), checks each value's schema
fingerprint against AffectPrediction.avsc and decodes it with python3-avro.

    /usr/bin/python3 examples/python/affect_prediction_consumer.py --bootstrap-servers 127.0.0.1:9092 \\
        --max-records 100
"""
import argparse
import json
import os
import sys
import time
import uuid

from confluent_kafka import Consumer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from avro_single_object import SingleObjectCodec  # noqa: E402

SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas", "src", "main", "avro")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    ap.add_argument("--topic", default="affect-predictions")
    ap.add_argument("--max-records", type=int, default=0, help="stop after this many (0: run until --timeout)")
    ap.add_argument("--timeout", type=float, default=60.0, help="stop after this many seconds")
    ap.add_argument("--schema", default=os.path.join(SCHEMAS, "AffectPrediction.avsc"))
    args = ap.parse_args(argv)

    codec = SingleObjectCodec(args.schema)
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": "paffmem-python-example-" + uuid.uuid4().hex[:8],
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
        "enable.auto.commit": False,
    })
    consumer.subscribe([args.topic])
    count = 0
    deadline = time.monotonic() + args.timeout
    try:
        while time.monotonic() < deadline and (args.max_records == 0 or count < args.max_records):
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                print("kafka error: %s" % msg.error(), file=sys.stderr)
                continue
            record = codec.decode(msg.value())
            print(json.dumps(record, default=str), flush=True)
            count += 1
    finally:
        consumer.close()
    print("decoded %d predictions" % count, file=sys.stderr)
    return 0 if args.max_records == 0 or count >= args.max_records else 1


if __name__ == "__main__":
    sys.exit(main())
