"""Which image formats the service reads, and a format told from its first bytes."""

from __future__ import annotations

#: Sniffed format id (also the Pillow plugin id) -> name shown to clients.
_IMAGE_FORMATS = {
    "JPEG": "JPEG",
    "PNG": "PNG",
    "WEBP": "WebP",
    "BMP": "BMP",
    "TIFF": "TIFF",
    "GIF": "GIF",
}
ACCEPTED_IMAGE_FORMATS = tuple(_IMAGE_FORMATS.values())

_BMP_HEADER_SIZES = {12, 16, 40, 52, 56, 64, 108, 124}


def sniff_format(data: bytes) -> str | None:
    """Format from magic bytes: "JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF",
    "PDF", or None when it is none of those."""
    head = data[:32]
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "TIFF"
    if head[:2] == b"BM" and len(head) >= 18 \
            and int.from_bytes(head[14:18], "little") in _BMP_HEADER_SIZES:
        return "BMP"
    # PDF readers (PDFium included) accept the header anywhere in the first KiB.
    if b"%PDF-" in data[:1024]:
        return "PDF"
    return None
