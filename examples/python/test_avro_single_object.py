"""The Python single-object encoding agrees with Java's: fingerprints as schemas/README.md lists them (which a Java
test checks against Java Avro), round trips, and a clear error for a foreign fingerprint."""
import datetime
import os
import re

import avro.schema
import pytest

import avro_single_object as so

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = os.path.join(HERE, "..", "..", "schemas")
AVRO = os.path.join(SCHEMAS, "src", "main", "avro")


def readme_fingerprints():
    rows = {}
    with open(os.path.join(SCHEMAS, "README.md"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\| `(\w+)`( v[12])?[^|]*\| `([0-9a-f]{16})` \|", line)
            if m:
                rows[m.group(1) + (m.group(2) or "")] = int(m.group(3), 16)
    return rows


def schema_text(name):
    if name in ("FaceFrame v1", "FaceFrame v2"):
        path = os.path.join(SCHEMAS, "src", "main", "resources", "dev", "paffmem", "schema",
                            name.replace(" ", "-") + ".avsc")
    else:
        path = os.path.join(AVRO, name + ".avsc")
    with open(path, encoding="utf-8") as f:
        return f.read()


def test_fingerprints_match_the_java_ones_listed_in_the_readme():
    listed = readme_fingerprints()
    assert set(listed) == {"FaceFrame", "FaceFrame v1", "FaceFrame v2", "AffectPrediction", "RejectedFrame", "AffectiveMemoryState"}
    for name, expected in listed.items():
        assert so.fingerprint(schema_text(name)) == expected, name


def test_logical_types_are_written_as_their_primitive():
    form = so.parsing_canonical_form(schema_text("FaceFrame"))
    assert '{"name":"eventTime","type":"long"}' in form
    # python3-avro 1.11's own canonical form writes {"type":"long"} here, hence the wrong fingerprint it would give
    avro_form = avro.schema.parse(schema_text("FaceFrame")).canonical_form
    if avro_form != form:
        assert '"type":{"type":"long"}' in avro_form


def test_crc64_avro_known_values():
    assert so.crc64_avro(b"") == 0xC15D213AA4D7A795
    # Java: SchemaNormalization.parsingFingerprint64(Schema.create(Type.NULL)) == 0x63dd24e7cc258f8a
    assert so.fingerprint('"null"') == 0x63DD24E7CC258F8A


def test_face_frame_round_trip_and_header():
    codec = so.SingleObjectCodec(os.path.join(AVRO, "FaceFrame.avsc"))
    t = datetime.datetime(2026, 1, 1, 12, 0, 0, 40000, tzinfo=datetime.timezone.utc)
    record = {"personId": "alice", "sourceId": "cam", "frameIndex": 3, "eventTime": t, "encoding": "JPEG",
              "image": b"\xff\xd8\xff", "width": 96, "height": 96, "arousal": None, "valence": 0.5,
              "videoId": None, "utteranceId": None,
              "faceBox": {"x": 1, "y": 2, "width": 3, "height": 4, "frameWidth": 640, "frameHeight": 480,
                          "detected": True},
              "enrolment": {"arousal": 0.5, "valence": -0.25}}
    value = codec.encode(record)
    assert value[:2] == b"\xc3\x01"
    assert int.from_bytes(value[2:10], "little") == readme_fingerprints()["FaceFrame"]
    back = codec.decode(value)
    assert back["personId"] == "alice" and back["frameIndex"] == 3
    assert back["eventTime"] == t
    assert back["faceBox"]["frameWidth"] == 640
    assert back["enrolment"] == {"arousal": 0.5, "valence": -0.25}


def test_a_foreign_fingerprint_is_refused():
    codec = so.SingleObjectCodec(os.path.join(AVRO, "AffectPrediction.avsc"))
    frame_codec = so.SingleObjectCodec(os.path.join(AVRO, "FaceFrame.avsc"))
    value = frame_codec.encode({"personId": "p", "sourceId": "s", "frameIndex": 0,
                                "eventTime": datetime.datetime.now(datetime.timezone.utc), "encoding": "PNG",
                                "image": b"", "width": None, "height": None, "arousal": None, "valence": None,
                                "videoId": None, "utteranceId": None, "faceBox": None,
                                "enrolment": None})
    with pytest.raises(ValueError, match="fingerprint"):
        codec.decode(value)
    with pytest.raises(ValueError, match="marker"):
        codec.decode(b"\x00" * 12)


def test_the_producer_writes_an_enrolment_label_and_checks_it():
    import argparse
    import face_frame_producer as producer
    codec = so.SingleObjectCodec(os.path.join(AVRO, "FaceFrame.avsc"))
    t = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    back = codec.decode(codec.encode(producer.face_frame("p", "s", 0, t, b"", "PNG", producer.emotion("0.75,-0.75"))))
    assert back["enrolment"] == {"arousal": 0.75, "valence": -0.75}
    assert codec.decode(codec.encode(producer.face_frame("p", "s", 1, t, b"", "PNG")))["enrolment"] is None
    with pytest.raises(argparse.ArgumentTypeError, match="in \\[-1, 1\\]"):
        producer.emotion("1.5,0")
    with pytest.raises(argparse.ArgumentTypeError, match="AROUSAL,VALENCE"):
        producer.emotion("happy")
