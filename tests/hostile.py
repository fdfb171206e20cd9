"""Hostile and broken inputs, made on the fly (nothing binary is committed).

Images in awkward modes built from a real face photo, and PDFs written by hand:
exponentially nested forms, a content stream that inflates to hundreds of MB, a
page holding a 50000 x 50000 image, an encrypted PDF, a 500-page PDF.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image

from testkit.photos import photo


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def face(name: str = "obama.jpg", width: int | None = None) -> Image.Image:
    image = Image.open(photo(name)).convert("RGB")
    if width:
        image = image.resize((width, round(image.height * width / image.width)))
    return image


# ------------------------------------------------------------------- images
def png_header(width: int, height: int, depth: int = 8, colour: int = 2) -> bytes:
    """A PNG with a valid header announcing width x height, and no pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + b"\x00\x00\x00\x00IEND\xaeB`\x82")


def png_bomb(side: int = 12000) -> bytes:
    """A real, complete 1-bit PNG of side x side pixels: ~20 KB on disk, 144 MP decoded."""
    return encode(Image.new("1", (side, side), 0), "PNG", optimize=True)


def sixteen_bit_png() -> bytes:
    grey = np.asarray(face().convert("L"), np.uint16) * 257
    return encode(Image.fromarray(grey), "PNG")


def cmyk_jpeg() -> bytes:
    return encode(face().convert("CMYK"), "JPEG", quality=90)


def grey_jpeg() -> bytes:
    return encode(face().convert("L"), "JPEG", quality=90)


def rgba_png() -> bytes:
    image = face().convert("RGBA")
    alpha = np.full((image.height, image.width), 255, np.uint8)
    alpha[: image.height // 8] = 0  # a transparent band at the top
    image.putalpha(Image.fromarray(alpha))
    return encode(image, "PNG")


def animated_gif() -> bytes:
    first = face().convert("P", palette=Image.Palette.ADAPTIVE)
    blank = Image.new("P", first.size, 0)
    return encode(first, "GIF", save_all=True, append_images=[blank], duration=100, loop=0)


def exif_rotated_jpeg() -> tuple[bytes, tuple[int, int]]:
    """The photo stored lying on its side, with EXIF Orientation 6 ("rotate 90
    degrees clockwise to display"); returns the bytes and the displayed size."""
    upright = face()
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # counter-clockwise
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(stored, "JPEG", quality=90, exif=exif.tobytes()), upright.size


def webp() -> bytes:
    return encode(face(), "WEBP", quality=80)


def corrupt_middle(data: bytes, start: int = 600, length: int = 400) -> bytes:
    junk = bytes((i * 37 + 11) % 256 for i in range(length))
    return data[:start] + junk + data[start + length:]


# --------------------------------------------------------------------- PDFs
def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF whose objects 1..n are the given bodies; object 1 is the catalog."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(entries: bytes, data: bytes) -> bytes:
    return b"<< " + entries + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _one_page(page_entries: bytes, content: bytes, *more: bytes) -> bytes:
    return pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R " + page_entries + b" /Contents 4 0 R >>",
        content, *more])


def pdf_nested_forms(levels: int = 32) -> bytes:
    """A 'billion laughs' PDF: form k draws form k+1 twice, so one page draws 2^levels
    lines; a single top-level object, which PDFium's pause callback cannot split."""
    forms = []
    for k in range(levels):
        if k < levels - 1:
            body = b"q 0.5 0 0 0.5 0 0 cm /F Do Q q 0.5 0 0 0.5 300 0 cm /F Do Q"
            resources = b"/Resources << /XObject << /F %d 0 R >> >>" % (6 + k)
        else:
            body, resources = b"0 0 m 600 700 l 10 w S", b""
        forms.append(_stream(b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                             + resources, body))
    return _one_page(b"/MediaBox [0 0 612 792] /Resources << /XObject << /F0 5 0 R >> >>",
                     _stream(b"", b"/F0 Do"), *forms)


def pdf_content_bomb(inflated_mb: int = 200) -> bytes:
    """A content stream of ~0.5 MB that inflates to inflated_mb MB of drawing operators."""
    operators = b"0 0 m 612 792 l S\n" * (inflated_mb * (1 << 20) // 18)
    return _one_page(b"/MediaBox [0 0 612 792]",
                     _stream(b"/Filter /FlateDecode", zlib.compress(operators, 9)))


def pdf_huge_image(side: int = 20000) -> bytes:
    """The largest page PDF allows (200 x 200 inches) filled by a side x side grey
    image (400 MB of samples, deflated to ~0.4 MB): rendered at a lower scale."""
    packer = zlib.compressobj(9)
    row = b"\0" * side
    samples = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    image = _stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace "
                    b"/DeviceGray /BitsPerComponent 8 /Filter /FlateDecode" % (side, side),
                    samples)
    return _one_page(b"/MediaBox [0 0 14400 14400] /Resources << /XObject << /Im 5 0 R >> >>",
                     _stream(b"", b"q 14400 0 0 14400 0 0 cm /Im Do Q"), image)


def pdf_text_only() -> bytes:
    content = b"BT /F1 24 Tf 72 700 Td (No photo on this page.) Tj ET"
    return pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(b"", content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def photo_pdf(image: Image.Image | None = None) -> bytes:
    """One page with the photo on it (rendered back at about its own pixel size)."""
    return encode(image or face(), "PDF", resolution=200.0)


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(photo_pdf())).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def many_pages_pdf(pages: int = 500) -> bytes:
    """The photo on page 1, then pages - 1 blank pages."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    first = PdfReader(io.BytesIO(photo_pdf())).pages[0]
    writer.add_page(first)
    for _ in range(pages - 1):
        writer.add_blank_page(width=float(first.mediabox.width),
                              height=float(first.mediabox.height))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
