"""Avro single-object encoding for P-AffMem's Kafka values, from the .avsc files in schemas/.

A value is: 0xC3 0x01, the writer schema's 64-bit fingerprint (CRC-64-AVRO of its Parsing Canonical Form,
little-endian), then the record in Avro binary. Readers look the writer schema up by that fingerprint, so it must
be computed exactly as Java Avro does.

python3-avro 1.11 (Debian) gets the canonical form wrong for logical types: it writes
{"type":"long","logicalType":"timestamp-millis"} as {"type":"long"} where the specification (and Java's
SchemaNormalization) writes "long". FaceFrame has such a field (eventTime), so avro's own
fingerprint differs from Java's and the job rejects every frame as UNDECODABLE_RECORD. This module computes the
Parsing Canonical Form itself (https://avro.apache.org/docs/1.12.0/specification/#parsing-canonical-form-for-schemas)
and uses python3-avro only for the binary encoding.
"""
import io
import json
import struct

import avro.io
import avro.schema

MARKER = b"\xc3\x01"
PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
_EMPTY = 0xC15D213AA4D7A795


def _table():
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (_EMPTY & -(fp & 1))
        table.append(fp)
    return table


_TABLE = _table()


def crc64_avro(data: bytes) -> int:
    """The 64-bit Rabin fingerprint Avro uses (CRC-64-AVRO), as an unsigned int."""
    fp = _EMPTY
    for b in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ b) & 0xFF]
    return fp


def _fullname(name, namespace):
    if "." in name or not namespace:
        return name
    return namespace + "." + name


def _canonical(schema, namespace, seen):
    """The Parsing Canonical Form of a parsed JSON schema (dict, list or str) as a JSON string."""
    if isinstance(schema, str):
        if schema in PRIMITIVES:
            return json.dumps(schema)
        return json.dumps(_fullname(schema, namespace))  # a reference to a named type
    if isinstance(schema, list):
        return "[" + ",".join(_canonical(s, namespace, seen) for s in schema) + "]"
    kind = schema["type"]
    if kind in PRIMITIVES:
        return json.dumps(kind)  # [PRIMITIVES]: logicalType and every other attribute dropped
    if kind in ("record", "error", "enum", "fixed"):
        name = _fullname(schema["name"], schema.get("namespace", namespace))
        if name in seen:
            return json.dumps(name)
        seen.add(name)
        inner_ns = name.rsplit(".", 1)[0] if "." in name else None
        parts = ['"name":' + json.dumps(name), '"type":' + json.dumps("record" if kind == "error" else kind)]
        if kind in ("record", "error"):
            fields = ",".join(
                "{" + '"name":' + json.dumps(f["name"]) + ',"type":' + _canonical(f["type"], inner_ns, seen) + "}"
                for f in schema["fields"])
            parts.append('"fields":[' + fields + "]")
        elif kind == "enum":
            parts.append('"symbols":' + json.dumps(schema["symbols"], separators=(",", ":")))
        else:
            parts.append('"size":' + str(int(schema["size"])))
        return "{" + ",".join(parts) + "}"
    if kind == "array":
        return '{"type":"array","items":' + _canonical(schema["items"], namespace, seen) + "}"
    if kind == "map":
        return '{"type":"map","values":' + _canonical(schema["values"], namespace, seen) + "}"
    # {"type": "SomeNamedType"}: a reference written as an object
    return _canonical(kind, namespace, seen)


def parsing_canonical_form(schema_json: str) -> str:
    """The Avro Parsing Canonical Form of a schema given as JSON text (as Java's SchemaNormalization.toParsingForm)."""
    return _canonical(json.loads(schema_json), None, set())


def fingerprint(schema_json: str) -> int:
    """The schema's 64-bit fingerprint, unsigned (Java prints it as a signed long)."""
    return crc64_avro(parsing_canonical_form(schema_json).encode("utf-8"))


class SingleObjectCodec:
    """Encodes and decodes one record type in single-object encoding."""

    def __init__(self, avsc_path):
        with open(avsc_path, encoding="utf-8") as f:
            text = f.read()
        self.schema = avro.schema.parse(text)
        self.fingerprint = fingerprint(text)
        self.header = MARKER + struct.pack("<Q", self.fingerprint)
        self._writer = avro.io.DatumWriter(self.schema)
        self._reader = avro.io.DatumReader(self.schema, self.schema)

    def encode(self, record: dict) -> bytes:
        out = io.BytesIO()
        out.write(self.header)
        self._writer.write(record, avro.io.BinaryEncoder(out))
        return out.getvalue()

    def decode(self, value: bytes) -> dict:
        if len(value) < 10 or value[:2] != MARKER:
            raise ValueError("not Avro single-object encoding (no C3 01 marker)")
        if value[:10] != self.header:
            got = struct.unpack("<Q", value[2:10])[0]
            raise ValueError("writer schema fingerprint %016x is not %s's %016x"
                             % (got, self.schema.fullname, self.fingerprint))
        return self._reader.read(avro.io.BinaryDecoder(io.BytesIO(value[10:])))
