#!/usr/bin/python3
"""Independent reader of TensorBoard event files, for terse's tests.

Checks each record's framing (length, masked CRC32C of the length, data, masked CRC32C of the
data) with a bit-by-bit CRC32C, decodes every record as the published tensorflow.Event message
(event.proto / summary.proto field numbers) with the protobuf library, and prints one JSON line
per event: {"wall_time", "step", "file_version", "values": {tag: simple_value}}.
Exit code 1 when a record is malformed.

  /usr/bin/python3 tests/core/read_tfevents.py FILE
"""
import json
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def event_class():
    """tensorflow.Event with the fields terse writes, numbered as in the published schema."""
    FD = descriptor_pb2.FieldDescriptorProto
    proto = descriptor_pb2.FileDescriptorProto(name="terse_event.proto", package="tensorflow")
    value = proto.message_type.add(name="SummaryValue")
    value.field.add(name="tag", number=1, type=FD.TYPE_STRING, label=FD.LABEL_OPTIONAL)
    value.field.add(name="simple_value", number=2, type=FD.TYPE_FLOAT, label=FD.LABEL_OPTIONAL)
    summary = proto.message_type.add(name="Summary")
    summary.field.add(name="value", number=1, type=FD.TYPE_MESSAGE, label=FD.LABEL_REPEATED,
                      type_name=".tensorflow.SummaryValue")
    event = proto.message_type.add(name="Event")
    event.field.add(name="wall_time", number=1, type=FD.TYPE_DOUBLE, label=FD.LABEL_OPTIONAL)
    event.field.add(name="step", number=2, type=FD.TYPE_INT64, label=FD.LABEL_OPTIONAL)
    event.field.add(name="file_version", number=3, type=FD.TYPE_STRING, label=FD.LABEL_OPTIONAL)
    event.field.add(name="summary", number=5, type=FD.TYPE_MESSAGE, label=FD.LABEL_OPTIONAL,
                    type_name=".tensorflow.Summary")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    descriptor = pool.FindMessageTypeByName("tensorflow.Event")
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def main(path):
    Event = event_class()
    with open(path, "rb") as f:
        data = f.read()
    offset = 0
    while offset < len(data):
        header = data[offset:offset + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[offset + 8:offset + 12])
        body = data[offset + 12:offset + 12 + length]
        (body_crc,) = struct.unpack("<I", data[offset + 12 + length:offset + 16 + length])
        if masked(header) != length_crc or masked(body) != body_crc or len(body) != length:
            print(f"bad record at byte {offset}", file=sys.stderr)
            sys.exit(1)
        event = Event()
        event.ParseFromString(body)
        print(json.dumps({"wall_time": event.wall_time, "step": event.step,
                          "file_version": event.file_version,
                          "values": {v.tag: v.simple_value for v in event.summary.value}}))
        offset += 16 + length


if __name__ == "__main__":
    main(sys.argv[1])
