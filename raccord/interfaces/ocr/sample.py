"""A tiny receipt-like PNG built in code, so the Test needs no file on disk."""

from __future__ import annotations

import struct
import zlib

WIDTH, HEIGHT = 96, 144
# Dark bars where a receipt has lines of text: (first row, last row, first column, last column).
BARS = ((10, 16, 20, 76), (26, 29, 8, 88), (34, 37, 8, 60), (44, 47, 8, 70), (52, 55, 8, 52),
        (70, 73, 8, 88), (90, 96, 8, 40), (90, 96, 60, 88), (112, 115, 24, 72))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def sample_receipt_png() -> bytes:
    """An 8-bit greyscale PNG: white paper with a few black text-like bars."""
    rows = bytearray()
    for y in range(HEIGHT):
        line = bytearray(b"\xff" * WIDTH)
        for top, bottom, left, right in BARS:
            if top <= y <= bottom:
                line[left:right] = b"\x00" * (right - left)
        rows += b"\x00" + line  # filter type 0 (none) before each row
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + _chunk(b"IEND", b""))
