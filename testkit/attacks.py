"""Hostile load material of issue 18, made on the fly, shared by tests/ and bench/."""

from __future__ import annotations

import io
import struct

from PIL import Image

from testkit.photos import photo


def jpeg(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def huge_photo() -> bytes:
    """obama.jpg upscaled to 39.8 MP (5600 x 7100), just under FACE_MAX_PIXELS."""
    image = Image.open(photo("obama.jpg")).convert("RGB")
    return jpeg(image.resize((5600, 7100)), quality=80)


def jpeg_scan_bomb(side: int = 2000, copies: int = 500) -> bytes:
    """A valid progressive grey JPEG whose last scan is repeated `copies` times:
    each copy is one more pass over every pixel when decoded (2000 copies of a
    6000x6000 image took 10.7 s to decode before inputs/budget.py, issue 18)."""
    data = jpeg(Image.new("L", (side, side), 128), progressive=True, quality=90)
    last = data.rfind(b"\xff\xda")
    return data[:-2] + data[last:-2] * copies + b"\xff\xd9"


def jpeg_stray_byte_scan_bomb(side: int = 3000, copies: int = 1000) -> bytes:
    """Issue 29's bypass: a COM segment and one stray 0x00 byte before the repeated
    scans (libjpeg skips the stray byte and decodes every scan: 17 s for 58 KB at
    3000 x 3000 before inputs/budget.py counted past it)."""
    data = jpeg(Image.new("L", (side, side), 128), progressive=True, quality=90)
    scan = data[data.rfind(b"\xff\xda"):-2]
    return data[:-2] + b"\xff\xfe\x00\x04hi\x00" + scan * copies + b"\xff\xd9"


def bmp_rle8_bomb(width: int = 8000, height: int = 2000) -> bytes:
    """Issue 29's 9 KB BMP: rows of `01 80 00 00` (one pixel, then end of line), each
    padded to `width` by Pillow's Python RLE decoder one byte at a time (4.5 s at
    8000 x 2000)."""
    pixels = b"\x01\x80\x00\x00" * height + b"\x00\x01"
    palette = b"".join(bytes((i, i, i, 0)) for i in range(256))
    offset = 14 + 40 + len(palette)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 8, 1, len(pixels), 2835, 2835,
                       256, 0)
    return (b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset) + info
            + palette + pixels)


def jpeg_signature_then_junk(size: int = 9 << 20) -> bytes:
    """A JPEG signature and `size` zero bytes: Pillow's header reader skips them one
    Python call per byte."""
    return b"\xff\xd8\xff" + bytes(size)


def tiled_faces(per_side: int, tile: int = 160, rows: int | None = None) -> bytes:
    """A JPEG of `rows` (per_side by default) x per_side copies of obama.jpg's face
    (a crowd for the face limits)."""
    image = Image.open(photo("obama.jpg")).convert("RGB")
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    crop = image.crop((left, top, left + side, top + side)).resize((tile, tile))
    rows = rows or per_side
    sheet = Image.new("RGB", (tile * per_side, tile * rows))
    for row in range(rows):
        for column in range(per_side):
            sheet.paste(crop, (column * tile, row * tile))
    return jpeg(sheet, quality=90)


def nested_json(levels: int = 5000) -> str:
    return "[" * levels + "]" * levels
