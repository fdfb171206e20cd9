"""Hostile load material of issue 18, made on the fly, shared by tests/ and bench/."""

from __future__ import annotations

import io

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
