"""Turn untrusted uploaded bytes (or base64 text) into an RGB ``numpy`` image.

Everything here assumes the input came from the internet: every bad input ends
in an :class:`InputError` carrying an HTTP-style ``status`` and a human
``detail`` sentence, never in a crash, a hang or an unbounded allocation.

Accepted inputs
---------------
* Images: JPEG, PNG, WebP, BMP, TIFF, GIF. The format is sniffed from the magic
  bytes (file names and client content types are ignored) and Pillow is only
  allowed to use the plugin of the sniffed format.
* PDF documents (one page rendered with PDFium), through :func:`render_pdf_page`
  or :func:`load_document`; :func:`decode_image` refuses PDFs.
* Base64 text (plain, URL-safe, with whitespace/newlines, with or without
  padding, or a ``data:<type>;base64,`` URL) through :func:`decode_base64`.

Limits (:class:`Limits`, environment variables read by :meth:`Limits.from_env`)
-------------------------------------------------------------------------------
=====================  =========================  ==============================
field                  environment variable       default
=====================  =========================  ==============================
max_bytes              FACE_MAX_UPLOAD_BYTES      10 MiB (10,485,760 bytes)
max_pixels             FACE_MAX_PIXELS            40,000,000 (40 MP)
max_side               FACE_MAX_SIDE              20,000 px (longest side)
min_side               -                          16 px (shortest side)
pdf_max_pages          FACE_PDF_MAX_PAGES         50 (highest renderable page)
pdf_dpi                FACE_PDF_DPI               200
pdf_max_pixels         (follows FACE_MAX_PIXELS)  = max_pixels
pdf_render_seconds     FACE_PDF_RENDER_TIMEOUT    10 s
pdf_memory_mb          FACE_PDF_MEMORY_MB         1024 (address space of the
                                                  PDF child process)
analysis_max_side      FACE_ANALYSIS_MAX_SIDE     4,096 px (front/flows/plumbing.py
                                                  decodes JPEGs above it at 1/2,
                                                  1/4 or 1/8: :func:`decode_scaled`)
=====================  =========================  ==============================

Failures and their status
-------------------------
* 400 - empty upload; invalid base64 or malformed data URL; corrupt or
  truncated image data (Pillow errors; ``ImageFile.LOAD_TRUNCATED_IMAGES`` is
  never switched on); damaged PDF, a page PDFium cannot load or render.
* 413 - more bytes than ``max_bytes`` (base64 text is refused by its length
  before it is decoded); image header announcing more than ``max_pixels``
  pixels or a side over ``max_side`` (checked *before* decoding, so
  decompression bombs never allocate; Pillow's own DecompressionBombError maps
  here too); out of memory while decoding.
* 415 - not one of the accepted formats (the detail names what the data looks
  like and the accepted formats); a PDF given to :func:`decode_image`; a
  non-PDF given to :func:`render_pdf_page`; a colour mode that cannot be
  converted to RGB.
* 422 - image smaller than ``min_side`` on a side ("too small to contain a
  face"); password-protected PDF or one with an unsupported security handler;
  PDF page number below 1, beyond the document or beyond ``pdf_max_pages``;
  PDF without pages; PDF page that does not render within
  ``pdf_render_seconds`` (PDFium's pause callback), or whose child process
  is still busy ``PDF_STARTUP_SECONDS`` later (killed) or runs into its
  ``pdf_memory_mb`` address-space cap (PDF bombs: exponentially nested forms,
  a content stream that inflates to hundreds of MB); a page number above 1
  for a single image.

A PDF page bigger than ``pdf_max_pixels`` at ``pdf_dpi`` is not refused: it is
rendered at the highest resolution that fits the pixel budget instead.

Output: ``H x W x 3`` ``uint8`` RGB, C-contiguous and writable. EXIF
orientation is applied; alpha is composited on white; palette, grey, 1-bit,
CMYK, YCbCr and LAB are converted to RGB; 16-bit and 32-bit samples are
scaled (not clipped) to 8 bits; animated GIF/WebP/PNG give their first frame.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import logging
import math
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Callable, Mapping

import numpy as np
from PIL import Image

import settings
from errors import InputError
from inputs.budget import budgeted_read, check_jpeg_header, check_jpeg_work, check_rle_work
from inputs.formats import _IMAGE_FORMATS, ACCEPTED_IMAGE_FORMATS, sniff_format

if TYPE_CHECKING:  # pypdfium2 is imported where a PDF is read: every model service
    import pypdfium2 as pdfium  # process imports this module, and pdfium cost each ~9 MB

log = logging.getLogger(__name__)

__all__ = [
    "ACCEPTED_IMAGE_FORMATS",
    "PDFIUM_LOCK",
    "PDF_ENDPOINT",
    "Decoded",
    "InputError",
    "Limits",
    "decode_base64",
    "decode_image",
    "decode_scaled",
    "load_document",
    "pdf_page_count",
    "render_pdf_page",
    "sniff_format",
]

#: Where clients are told to send PDFs when they give one to an image-only
#: entry point. The web layer may overwrite this to match its routes.
PDF_ENDPOINT = "/extract-face"

_ACCEPTED_TEXT = ", ".join(ACCEPTED_IMAGE_FORMATS)

#: PDFium is not thread-safe: every call into it in this process has to hold
#: this lock (other modules using pypdfium2 should take it too).
PDFIUM_LOCK = threading.RLock()


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_side: int = 20_000
    min_side: int = 16
    pdf_max_pages: int = 50
    pdf_dpi: int = 200
    pdf_max_pixels: int | None = None  # None: same as max_pixels
    pdf_render_seconds: float = 10.0
    pdf_memory_mb: int = 1024
    analysis_max_side: int = 4096

    def __post_init__(self):
        if self.pdf_max_pixels is None:
            object.__setattr__(self, "pdf_max_pixels", self.max_pixels)
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "pdf_render_seconds":
                ok = isinstance(value, (int, float)) and not isinstance(value, bool) \
                    and math.isfinite(value) and value > 0
            else:
                ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
            if not ok:
                raise ValueError(f"Limits.{f.name} must be a positive number, got {value!r}")
        if self.min_side > self.max_side:
            raise ValueError("Limits.min_side must not exceed Limits.max_side")
        if self.pdf_dpi > 2400:
            raise ValueError(f"Limits.pdf_dpi must be at most 2400, got {self.pdf_dpi}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Limits":
        """Limits from ``FACE_*`` environment variables; unset or empty ones keep
        the defaults. A malformed or non-positive value raises ValueError, so a
        misconfigured service fails at start-up rather than per request."""
        env = os.environ if environ is None else environ
        kwargs = numbers_from_env(env, (
            ("FACE_MAX_UPLOAD_BYTES", "max_bytes", int),
            ("FACE_MAX_PIXELS", "max_pixels", int),
            ("FACE_MAX_SIDE", "max_side", int),
            ("FACE_PDF_MAX_PAGES", "pdf_max_pages", int),
            ("FACE_PDF_DPI", "pdf_dpi", int),
            ("FACE_PDF_RENDER_TIMEOUT", "pdf_render_seconds", float),
            ("FACE_PDF_MEMORY_MB", "pdf_memory_mb", int),
            ("FACE_ANALYSIS_MAX_SIDE", "analysis_max_side", int),
        ), positive=True)
        try:
            return cls(**kwargs)
        except ValueError as exc:
            raise ValueError(f"invalid FACE_* limits in the environment: {exc}") from None


def numbers_from_env(env: Mapping[str, str], spec, positive: bool = False) -> dict:
    """{field: value} for each (VARIABLE, field, int or float) of ``spec`` set in
    ``env``; unset or empty ones are left out. A malformed value (or, with
    ``positive``, one not above 0) raises ValueError naming the variable."""
    values = {}
    for name, field_name, parse in spec:
        raw = settings.raw(name, env)
        if raw is None or not raw.strip():
            continue
        try:
            value = parse(raw.strip())
        except ValueError:
            kind = "a whole number" if parse is int else "a number"
            raise ValueError(f"{name}={raw!r} is not {kind}") from None
        if not math.isfinite(value) or (positive and not value > 0):
            raise ValueError(f"{name}={raw!r} must be {'positive' if positive else 'finite'}")
        values[field_name] = value
    return values


# --------------------------------------------------------------------------
# helpers: sizes, sniffing
# --------------------------------------------------------------------------

def _fmt_bytes(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB ({n:,} bytes)"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB ({n:,} bytes)"
    return f"{n:,} bytes"


def _fmt_mp(n: int) -> str:
    return f"{n / 1e6:.1f} MP" if n >= 100_000 else f"{n:,} pixels"


def _as_bytes(data) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"expected bytes, got {type(data).__name__}")


def _check_size(data: bytes, limits: Limits) -> None:
    if len(data) == 0:
        raise InputError(400, "empty file: the upload contains no data", "empty")
    if len(data) > limits.max_bytes:
        raise InputError(
            413,
            f"file is {_fmt_bytes(len(data))}, the limit is {_fmt_bytes(limits.max_bytes)}",
            "too_large",
        )


def _describe_unknown(data: bytes) -> str:
    """A short guess of what an unsupported upload is, for error messages."""
    head = data[:64]
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"):
            return "it looks like a HEIC/HEIF image"
        if brand in (b"avif", b"avis"):
            return "it looks like an AVIF image"
        return "it looks like an MP4/QuickTime-family file"
    if head.startswith(b"PK\x03\x04"):
        return "it looks like a ZIP archive or an Office document"
    if head.startswith((b"\x00\x00\x00\x0cjP  ", b"\xff\x4f\xff\x51")):
        return "it looks like a JPEG 2000 image"
    if head.startswith(b"8BPS"):
        return "it looks like a Photoshop document"
    if head.startswith(b"\x00\x00\x01\x00"):
        return "it looks like an ICO icon"
    if head.startswith(b"\x1f\x8b"):
        return "it looks like gzip-compressed data"
    sample = data[:512]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        try:  # a multi-byte character may be cut at the end of the sample
            text = sample[:-3].decode("utf-8")
        except UnicodeDecodeError:
            text = None
    if text is not None and (not text or all(c.isprintable() or c in "\r\n\t" for c in text)):
        lower = text.lstrip().lower()
        if "<svg" in lower:
            return "it looks like an SVG drawing, which is not supported"
        if lower.startswith(("<!doctype html", "<html")):
            return "it looks like an HTML page"
        if lower.startswith("<"):
            return "it looks like XML/HTML text"
        if lower.startswith(("{", "[")):
            return "it looks like JSON text"
        if lower.startswith("data:"):
            return "it looks like a data: URL sent as a file; send the decoded bytes or use the base64 field"
        if re.fullmatch(r"[A-Za-z0-9+/=_\-\s]+", text):
            return "it looks like base64 text; decode it or send it as base64"
        return "it looks like plain text"
    return "unrecognised binary data"


def _unsupported(data: bytes) -> InputError:
    return InputError(
        415,
        f"unsupported file format ({_describe_unknown(data)}); accepted image formats: "
        f"{_ACCEPTED_TEXT}; PDF documents go to {PDF_ENDPOINT}",
        "unsupported_format",
    )


def _too_small(w: int, h: int, limits: Limits) -> InputError:
    return InputError(
        422,
        f"image too small to contain a face: it is {w}x{h} px, "
        f"at least {limits.min_side}x{limits.min_side} px is needed",
        "too_small",
    )


# --------------------------------------------------------------------------
# images
# --------------------------------------------------------------------------

_bomb_re = re.compile(r"\((\d+) pixels\)")


def _raise_pil_bomb_limit(max_pixels: int) -> None:
    # Pillow warns above Image.MAX_IMAGE_PIXELS and raises above twice that, at
    # Image.open(), i.e. also before decoding. Our own check (with a clearer
    # message) comes right after the header is read; the only thing to make sure
    # is that Pillow's process-wide guard never refuses what our limits allow.
    current = Image.MAX_IMAGE_PIXELS
    if current is not None and current < max_pixels:
        Image.MAX_IMAGE_PIXELS = max_pixels


def decode_image(data: bytes, limits: Limits | None = None) -> np.ndarray:
    """Decode an uploaded image (JPEG, PNG, WebP, BMP, TIFF, GIF) to an
    ``H x W x 3`` ``uint8`` RGB array. Raises :class:`InputError`; PDFs get
    415 (they go through :func:`render_pdf_page` / :func:`load_document`)."""
    return _decode(data, limits or Limits(), None).image


@dataclass(frozen=True)
class Decoded:
    """A decoded upload and the size it has as sent (EXIF orientation applied):
    ``image`` is smaller than ``width`` x ``height`` where it was decoded reduced."""
    image: np.ndarray
    width: int
    height: int

    @property
    def reduced(self) -> bool:
        return self.image.shape[:2] != (self.height, self.width)

    @property
    def scale(self) -> tuple[float, float]:
        """Upload pixels per decoded pixel, (x, y)."""
        return self.width / self.image.shape[1], self.height / self.image.shape[0]


#: A reduced decode keeps at least this many pixels on the shorter side: a long
#: strip is decoded whole rather than shrunk to a sliver no face fits in.
MIN_REDUCED_SIDE = 256


def reduction(width: int, height: int, max_side: int) -> int:
    """1, 2, 4 or 8: the smallest of libjpeg's DCT scalings that brings the longer
    side to at most ``max_side`` (8 at most), short sides kept >= MIN_REDUCED_SIDE."""
    factor = 1
    while factor < 8 and max(width, height) / factor > max_side:
        factor *= 2
    while factor > 1 and min(width, height) // factor < MIN_REDUCED_SIDE:
        factor //= 2
    return factor


def coarsest(width: int, height: int, least_side: int) -> int:
    """1, 2, 4 or 8: the largest DCT scaling that keeps the longer side at least
    ``least_side`` (and the shorter at least MIN_REDUCED_SIDE)."""
    factor = 1
    while factor < 8 and max(width, height) / (factor * 2) >= least_side \
            and min(width, height) // (factor * 2) >= MIN_REDUCED_SIDE:
        factor *= 2
    return factor


def decode_scaled(data: bytes, limits: Limits | None,
                  factor_of: Callable[[int, int], int]) -> Decoded:
    """As :func:`decode_image`, a JPEG decoded at 1 / ``factor_of(width, height)``
    of its size (1, 2, 4 or 8: libjpeg's DCT scalings, which skip most of the decode
    work); other formats whole. The 39.8 MP photo of bench/hostile_load.py, decoded and
    shrunk to the detector's 1600 px, costs 0.35 of the whole decode's CPU at 1/2 and
    0.19 at 1/4 (bench/large_decode.py). The caller maps what it measures back to the
    upload's pixels with ``Decoded.scale`` (front/flows/plumbing.py ``detected``)."""
    return _decode(data, limits or Limits(), factor_of)


def _decode(data: bytes, limits: Limits,
            factor_of: Callable[[int, int], int] | None) -> Decoded:
    data = _as_bytes(data)
    _check_size(data, limits)
    fmt = sniff_format(data)
    if fmt == "PDF":
        raise InputError(
            415,
            f"this is a PDF document, and this endpoint takes images only "
            f"({_ACCEPTED_TEXT}); send PDFs to {PDF_ENDPOINT}",
            "pdf_not_accepted",
        )
    if fmt is None:
        raise _unsupported(data)
    name = _IMAGE_FORMATS[fmt]
    _raise_pil_bomb_limit(limits.max_pixels)
    if fmt == "JPEG":
        check_jpeg_header(data)
    try:
        # formats=[fmt]: only the plugin of the sniffed format may parse the data.
        with Image.open(io.BytesIO(data), formats=[fmt]) as im:
            if fmt == "JPEG":
                check_jpeg_work(data, im.size)
                budgeted_read(im, len(data))
            elif fmt == "BMP":
                check_rle_work(im)
            return _image_to_rgb_array(im, name, limits,
                                       factor_of if fmt == "JPEG" else None)
    except InputError:
        raise
    except Image.DecompressionBombError as exc:
        m = _bomb_re.search(str(exc))
        actual = f"image has {_fmt_mp(int(m.group(1)))}" if m else "image is too large"
        raise InputError(
            413, f"{actual}, the limit is {_fmt_mp(limits.max_pixels)}", "too_many_pixels"
        ) from None
    except MemoryError:
        raise InputError(413, f"the {name} image is too large to decode in memory",
                         "too_large") from None
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError, EOFError, ...
        log.debug("cannot decode %s upload", name, exc_info=True)
        reason = str(exc).strip() or type(exc).__name__
        raise InputError(
            400,
            f"the {name} data is corrupt or truncated and cannot be decoded ({reason[:200]})",
            "corrupt",
        ) from None


def _image_to_rgb_array(im: Image.Image, name: str, limits: Limits,
                        factor_of: Callable[[int, int], int] | None = None) -> Decoded:
    # 1. Header only so far: refuse oversized images before any pixel is decoded.
    w, h = im.size
    if w * h > limits.max_pixels:
        raise InputError(
            413,
            f"image is {w}x{h} = {_fmt_mp(w * h)}, the limit is {_fmt_mp(limits.max_pixels)}",
            "too_many_pixels",
        )
    if max(w, h) > limits.max_side:
        raise InputError(
            413, f"image is {w}x{h} px, the longest side may be at most {limits.max_side} px",
            "too_many_pixels",
        )
    if min(w, h) < limits.min_side:
        raise _too_small(w, h, limits)

    # 2. Decode (the first frame of animations). Truncated data raises here
    #    because ImageFile.LOAD_TRUNCATED_IMAGES stays False. A JPEG asked for
    #    reduced is decoded by libjpeg at 1/2, 1/4 or 1/8 (draft mode).
    factor = factor_of(w, h) if factor_of else 1
    if factor not in (1, 2, 4, 8):
        raise ValueError(f"libjpeg decodes at 1/1, 1/2, 1/4 or 1/8, not 1/{factor}")
    if factor > 1:
        im.draft(im.mode, (w // factor, h // factor))
    im.load()
    orientation = _exif_orientation(im)

    # 3. Any mode -> 8-bit RGB, written straight into the output array in
    #    bands of rows, so the peak is the decoded image plus the output
    #    (~7 bytes/pixel for RGB: Pillow keeps 4) rather than several
    #    full-size intermediate copies.
    try:
        out = _to_rgb_array(im)
    except ValueError as exc:  # a mode Pillow cannot convert to RGB
        raise InputError(415, f"unsupported colour mode {im.mode} in the {name} image ({exc})",
                         "unsupported_mode") from None
    im.close()  # release Pillow's copy of the pixels before transposing

    # 4. EXIF orientation, same table as ImageOps.exif_transpose, applied to
    #    the 8-bit output (cheaper than transposing a 16-bit/RGBA original).
    if orientation in _ORIENTATION:
        out = np.ascontiguousarray(_ORIENTATION[orientation](out))
    if orientation in (5, 6, 7, 8):  # a quarter turn: the upload is shown h x w
        w, h = h, w
    return Decoded(out, w, h)


# EXIF Orientation value -> transform of the stored HxWx3 array into the
# displayed one; the same as Image.Transpose in ImageOps.exif_transpose:
# 2 FLIP_LEFT_RIGHT, 3 ROTATE_180, 4 FLIP_TOP_BOTTOM, 5 TRANSPOSE,
# 6 ROTATE_270 (90 deg clockwise), 7 TRANSVERSE, 8 ROTATE_90.
_ORIENTATION = {
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: a.transpose(1, 0, 2),
    6: lambda a: np.rot90(a, k=-1),
    7: lambda a: a[::-1, ::-1].transpose(1, 0, 2),
    8: lambda a: np.rot90(a, k=1),
}


def _exif_orientation(im: Image.Image) -> int:
    """EXIF Orientation (JPEG/PNG/WebP EXIF, TIFF tags), 1 when absent. A
    malformed EXIF block is not worth refusing a photo for: it is then shown
    as stored."""
    try:
        value = im.getexif().get(0x0112, 1)
        return value if isinstance(value, int) else 1
    except Exception:
        log.debug("ignoring unreadable EXIF data", exc_info=True)
        return 1


_HIGH_DEPTH_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")


def _bands(im: Image.Image):
    """(y0, y1, crop) bands of about 4 MiB of Pillow memory each."""
    w, h = im.size
    rows = max(1, (4 << 20) // (4 * w))
    for y0 in range(0, h, rows):
        y1 = min(h, y0 + rows)
        yield y0, y1, im.crop((0, y0, w, y1))


def _to_rgb_array(im: Image.Image) -> np.ndarray:
    w, h = im.size
    out = np.empty((h, w, 3), dtype=np.uint8)
    mode = im.mode
    if mode in _HIGH_DEPTH_MODES:
        value_range = None if mode.startswith("I;16") else _finite_extrema(im)
        for y0, y1, band in _bands(im):
            out[y0:y1] = _high_depth_to_uint8(np.asarray(band), mode, value_range)[:, :, None]
    elif im.has_transparency_data:
        # RGBA/LA/PA/RGBa, or a palette/grey/RGB image with a tRNS colour:
        # composite on white (a transparent background must not turn black).
        for y0, y1, band in _bands(im):
            rgba = np.asarray(band if band.mode == "RGBA" else band.convert("RGBA"))
            alpha = rgba[:, :, 3:4].astype(np.uint16)
            out[y0:y1] = (rgba[:, :, :3] * alpha + 255 * (255 - alpha) + 127) // 255
    else:
        # RGB, L, 1, P, CMYK (Pillow undoes Adobe-inverted JPEG CMYK), YCbCr,
        # LAB, HSV ... Embedded colour profiles are not applied.
        for y0, y1, band in _bands(im):
            out[y0:y1] = np.asarray(band if band.mode == "RGB" else band.convert("RGB"))
    return out


def _finite_extrema(im: Image.Image) -> tuple[float, float]:
    lo, hi = math.inf, -math.inf
    for _y0, _y1, band in _bands(im):
        a = np.asarray(band)
        if a.dtype.kind == "f":
            a = a[np.isfinite(a)]
        if a.size:
            lo, hi = min(lo, float(a.min())), max(hi, float(a.max()))
    return (lo, hi) if lo <= hi else (0.0, 0.0)


def _high_depth_to_uint8(a: np.ndarray, mode: str, value_range) -> np.ndarray:
    """Scale (never clip) 16-bit, 32-bit integer and float samples to 0..255."""
    if mode.startswith("I;16"):
        # Full 16-bit range: round(v * 255 / 65535) == round(v / 257).
        return ((a.astype(np.uint32) + 128) // 257).astype(np.uint8)
    lo, hi = value_range
    if mode == "F":
        a = np.nan_to_num(a.astype(np.float32), nan=lo, posinf=hi, neginf=lo)
    if mode == "I" and lo >= 0 and hi <= 65535:
        # 32-bit container holding 16-bit samples (16-bit PNM/PNG/TIFF in "I").
        return ((a.astype(np.int64) + 128) // 257).astype(np.uint8)
    if mode == "F" and lo >= 0.0 and hi <= 1.0:
        scaled = a * 255.0  # normalised float image
    elif mode == "F" and lo >= 0.0 and hi <= 255.0:
        scaled = a
    elif hi > lo:
        # Arbitrary range (32-bit ints, HDR floats): stretch to 0..255.
        scaled = (a.astype(np.float64) - lo) * (255.0 / (hi - lo))
    else:
        return np.zeros(a.shape, dtype=np.uint8)
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


# --------------------------------------------------------------------------
# base64
# --------------------------------------------------------------------------

_B64_BAD_CHAR = re.compile(r"[^A-Za-z0-9+/=]")
_URLSAFE_TO_STD = str.maketrans("-_", "+/")
#: Characters of base64 text handled per call (a multiple of 4): each call holds the
#: GIL, so 14 MB in one call kept the event loop's thread waiting for a whole second
#: on a busy host; in slices, other threads run between them.
_SLICE = 1 << 20


def _in_slices(work, text, empty):
    """`work` applied to `text` in slices of _SLICE characters, joined."""
    if len(text) <= _SLICE:
        return work(text)
    return empty.join(work(text[start:start + _SLICE]) for start in range(0, len(text), _SLICE))


def decode_base64(text: str, limits: Limits | None = None) -> bytes:
    """Decode base64 text from a client into bytes (size-checked, not sniffed).

    Accepts standard and URL-safe alphabets, embedded whitespace and newlines,
    missing ``=`` padding, and ``data:<type>;base64,<payload>`` URLs (the
    declared type is ignored: the bytes are sniffed later). Raises 400 for
    text that is not base64 and 413 when the decoded data would exceed
    ``max_bytes`` (refused by length before decoding anything).
    """
    limits = limits or Limits()
    if isinstance(text, (bytes, bytearray, memoryview)):
        try:
            text = bytes(text).decode("ascii")
        except UnicodeDecodeError:
            raise InputError(400, "invalid base64: the text contains non-ASCII bytes",
                             "invalid_base64") from None
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")

    max_encoded = 4 * -(-limits.max_bytes // 3)
    # Cheap bound before touching the text: leave room for line breaks (MIME
    # wraps every 76 chars, PEM every 64) and a data: URL prefix.
    if len(text) > max_encoded + max_encoded // 8 + 1024:
        raise InputError(
            413,
            f"base64 text is {len(text):,} characters, which decodes to more than the "
            f"limit of {_fmt_bytes(limits.max_bytes)} (at most {max_encoded:,} characters)",
            "too_large",
        )

    s = text.strip()
    if s[:5].lower() == "data:":
        comma = s.find(",", 0, 1024)
        if comma < 0:
            raise InputError(400, "invalid data URL: no ',' after the media type",
                             "invalid_base64")
        params = [p.strip().lower() for p in s[5:comma].split(";")[1:]]
        if "base64" not in params:
            raise InputError(400, "invalid data URL: it is not base64-encoded "
                                  "(expected 'data:<type>;base64,...')", "invalid_base64")
        s = s[comma + 1:]
    s = _in_slices(lambda piece: "".join(piece.split()), s, "")  # drop spaces, CR/LF
    if not s:
        raise InputError(400, "empty file: the base64 text contains no data", "empty")
    if len(s) > max_encoded:
        raise InputError(
            413,
            f"base64 text is {len(s):,} characters, which decodes to more than the "
            f"limit of {_fmt_bytes(limits.max_bytes)} (at most {max_encoded:,} characters)",
            "too_large",
        )
    s = _in_slices(lambda piece: piece.translate(_URLSAFE_TO_STD), s, "").rstrip("=")
    for start in range(0, len(s), _SLICE):
        bad = _B64_BAD_CHAR.search(s, start, start + _SLICE)
        if bad:
            char = bad.group()
            shown = repr(char) if char.isprintable() else f"U+{ord(char):04X}"
            raise InputError(
                400, f"invalid base64: unexpected character {shown} at position {bad.start()}",
                "invalid_base64",
            )
    if len(s) % 4 == 1:
        raise InputError(400, "invalid base64: the length is not valid for base64 "
                              "(data cut off or not base64)", "invalid_base64")
    try:
        out = _in_slices(lambda piece: base64.b64decode(piece, validate=True),
                         s + "=" * (-len(s) % 4), b"")
    except (binascii.Error, ValueError) as exc:  # e.g. '=' inside the data
        raise InputError(400, f"invalid base64: {exc}", "invalid_base64") from None
    if not out:
        raise InputError(400, "empty file: the base64 text contains no data", "empty")
    if len(out) > limits.max_bytes:
        raise InputError(
            413, f"file is {_fmt_bytes(len(out))}, the limit is {_fmt_bytes(limits.max_bytes)}",
            "too_large",
        )
    return out


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------

def _check_pdf(data, limits: Limits) -> bytes:
    data = _as_bytes(data)
    _check_size(data, limits)
    fmt = sniff_format(data)
    if fmt == "PDF":
        return data
    if fmt is not None:
        raise InputError(415, f"not a PDF document: it is a {_IMAGE_FORMATS[fmt]} image, "
                              f"which goes to the image endpoint", "not_pdf")
    raise InputError(415, f"not a PDF document ({_describe_unknown(data)}); accepted here: "
                          f"PDF", "not_pdf")


def _open_pdf(data: bytes) -> pdfium.PdfDocument:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    """Caller holds PDFIUM_LOCK."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise InputError(422, "the PDF is encrypted with a password; send an "
                                  "unprotected copy", "pdf_encrypted") from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise InputError(422, "the PDF uses an unsupported encryption/security "
                                  "handler; send an unprotected copy", "pdf_encrypted") from None
        log.debug("cannot open PDF", exc_info=True)
        raise InputError(400, f"the PDF is damaged and cannot be opened ({exc})",
                         "corrupt") from None


def pdf_page_count(data: bytes, limits: Limits | None = None) -> int:
    """Number of pages of an uploaded PDF (same checks and errors as
    :func:`render_pdf_page`, without rendering anything)."""
    limits = limits or Limits()
    data = _check_pdf(data, limits)
    with PDFIUM_LOCK:
        pdf = _open_pdf(data)
        try:
            return len(pdf)
        finally:
            pdf.close()


def _check_page_number(page) -> None:
    if not isinstance(page, int) or isinstance(page, bool):
        raise TypeError(f"page must be an int, got {type(page).__name__}")
    if page < 1:
        raise InputError(422, f"page {page} does not exist: pages are numbered from 1",
                         "page_out_of_range")


def render_pdf_page(data: bytes, page: int = 1, limits: Limits | None = None) -> np.ndarray:
    """Render page ``page`` (1-based) of a PDF to an ``H x W x 3`` ``uint8`` RGB
    array at ``limits.pdf_dpi`` (lowered to fit ``pdf_max_pixels``/``max_side``).

    Only the requested page is loaded, whatever the page count. A page without
    content renders as a white image (the caller then finds no face).

    PDFium runs in a child process (:mod:`inputs.pdf_worker`): PDFium's own
    pause callback cannot interrupt the parsing of a huge content stream or a
    single object that nests forms exponentially, so the child is killed once
    ``pdf_render_seconds`` + PDF_STARTUP_SECONDS have passed, its address space
    is capped at ``pdf_memory_mb``, and every byte it used goes back to the
    system when it exits."""
    limits = limits or Limits()
    _check_page_number(page)
    data = _check_pdf(data, limits)
    if page > limits.pdf_max_pages:
        raise InputError(
            422, f"page {page} requested, but only the first {limits.pdf_max_pages} pages "
                 f"of a PDF can be analysed", "page_out_of_range",
        )
    return _render_in_child(data, page, limits)


#: Seconds a PDF child gets on top of pdf_render_seconds (start-up, loading the
#: page, handing the pixels back) before it is killed.
PDF_STARTUP_SECONDS = 5.0
#: PDF children running at once (each may use up to pdf_memory_mb).
_PDF_SLOTS = threading.BoundedSemaphore(max(1, min(4, os.cpu_count() or 1)))
_PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _render_in_child(data: bytes, page: int, limits: Limits) -> np.ndarray:
    hard_limit = limits.pdf_render_seconds + PDF_STARTUP_SECONDS
    header = json.dumps({"page": page, "limits": asdict(limits)}).encode() + b"\n"
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
    with _PDF_SLOTS:
        child = subprocess.Popen(
            [sys.executable, "-m", "inputs.pdf_worker", str(limits.pdf_memory_mb << 20)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=_PROJECT_ROOT, env=env)
        try:
            out, err = child.communicate(header + data, timeout=hard_limit)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise InputError(
                422, f"page {page} of the PDF is too complex: it did not render within "
                     f"{hard_limit:g} s", "pdf_too_complex") from None
    line, _, pixels = out.partition(b"\n")
    try:
        answer = json.loads(line) if line else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        # killed by the address-space cap (PDFium aborts when an allocation fails)
        # or crashed: either way this page cannot be rendered here
        log.warning("PDF child exited with %s: %s", child.returncode,
                    err.decode("utf-8", "replace")[-500:])
        raise InputError(
            422, f"page {page} of the PDF could not be rendered within the memory limit of "
                 f"{limits.pdf_memory_mb} MB", "pdf_too_complex")
    if not answer.get("ok"):
        raise InputError(int(answer["status"]), str(answer["detail"]), str(answer["code"]))
    shape = tuple(int(v) for v in answer["shape"])
    if len(pixels) != math.prod(shape):
        raise InputError(400, f"page {page} of the PDF could not be rendered", "corrupt")
    return np.frombuffer(pixels, np.uint8).reshape(shape).copy()


def render_pdf_page_here(data: bytes, page: int, limits: Limits) -> np.ndarray:
    """render_pdf_page's work in this process, without isolation (inputs.pdf_worker
    calls it in the child)."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        pdf = _open_pdf(data)
        try:
            count = len(pdf)
            if count == 0:
                raise InputError(422, "the PDF has no pages", "page_out_of_range")
            if page > count:
                raise InputError(
                    422, f"page {page} requested, but the PDF has {count} "
                         f"page{'s' if count != 1 else ''}", "page_out_of_range",
                )
            try:
                pdf_page = pdf[page - 1]
            except pdfium.PdfiumError as exc:
                raise InputError(400, f"page {page} of the PDF is damaged and cannot be "
                                      f"loaded ({exc})", "corrupt") from None
            try:
                arr = _render_page(pdf_page, page, limits)
            finally:
                pdf_page.close()
        finally:
            pdf.close()
    h, w = arr.shape[:2]
    if min(w, h) < limits.min_side:
        raise _too_small(w, h, limits)
    return arr


def _fit_scale(width_pt: float, height_pt: float, limits: Limits) -> float:
    """Pixels per PDF point: pdf_dpi/72, lowered when needed.

    A page bigger than the pixel budget at pdf_dpi (a poster, an A0 plan, a
    page with a huge MediaBox) is NOT refused: we lower the scale until the
    bitmap fits pdf_max_pixels and max_side, so the allocation stays bounded
    and the page is still analysed, just at a lower resolution."""
    def size(s):
        return math.ceil(width_pt * s), math.ceil(height_pt * s)

    scale = limits.pdf_dpi / 72.0
    w, h = size(scale)
    if w * h <= limits.pdf_max_pixels and max(w, h) <= limits.max_side:
        return scale
    scale = min(scale,
                math.sqrt(limits.pdf_max_pixels / (width_pt * height_pt)),
                limits.max_side / width_pt,
                limits.max_side / height_pt)
    for _ in range(200):  # ceil() rounding may still overshoot by a pixel row
        w, h = size(scale)
        if w * h <= limits.pdf_max_pixels and max(w, h) <= limits.max_side:
            return scale
        scale *= 0.995
    raise InputError(422, "the PDF page size cannot be rendered within the pixel limit",
                     "too_many_pixels")


def _render_page(pdf_page, page: int, limits: Limits) -> np.ndarray:
    """Caller holds PDFIUM_LOCK."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    width_pt, height_pt = pdf_page.get_size()  # /Rotate already applied by PDFium
    if not (math.isfinite(width_pt) and math.isfinite(height_pt)) \
            or width_pt <= 0 or height_pt <= 0:
        raise InputError(400, f"page {page} of the PDF has an invalid size "
                              f"({width_pt} x {height_pt} pt)", "corrupt")
    scale = _fit_scale(width_pt, height_pt, limits)
    w, h = math.ceil(width_pt * scale), math.ceil(height_pt * scale)

    bitmap = pdfium.PdfBitmap.new_native(w, h, pdfium_c.FPDFBitmap_BGR)
    try:
        bitmap.fill_rect((255, 255, 255, 255), 0, 0, w, h)
        # Progressive rendering with a pause callback, so that a page crafted
        # to take forever (millions of paths, huge shading) is abandoned after
        # pdf_render_seconds instead of holding the worker (and the lock).
        deadline = time.monotonic() + limits.pdf_render_seconds
        pause = pdfium_c.IFSDK_PAUSE(version=1)
        callback = type(pause.NeedToPauseNow)(lambda _self: time.monotonic() > deadline)
        pause.NeedToPauseNow = callback
        flags = pdfium_c.FPDF_ANNOT
        try:
            status = pdfium_c.FPDF_RenderPageBitmap_Start(
                bitmap, pdf_page, 0, 0, w, h, 0, flags, pause)
            while status == pdfium_c.FPDF_RENDER_TOBECONTINUED:
                if time.monotonic() > deadline:
                    raise InputError(
                        422, f"page {page} of the PDF is too complex: rendering took longer "
                             f"than {limits.pdf_render_seconds:g} s", "pdf_too_complex",
                    )
                status = pdfium_c.FPDF_RenderPage_Continue(pdf_page, pause)
        finally:
            pdfium_c.FPDF_RenderPage_Close(pdf_page)
        if status != pdfium_c.FPDF_RENDER_DONE:
            raise InputError(400, f"page {page} of the PDF could not be rendered", "corrupt")
        bgr = bitmap.to_numpy()  # a view of PDFium's buffer, with its own stride
        return np.ascontiguousarray(bgr[:, :, ::-1])  # copy, BGR -> RGB
    finally:
        bitmap.close()


# --------------------------------------------------------------------------
# either
# --------------------------------------------------------------------------

def load_document(data: bytes, page: int = 1, limits: Limits | None = None) -> np.ndarray:
    """Image or PDF upload -> RGB array: PDFs (sniffed) are rendered at ``page``,
    images are decoded (a single image only has page 1)."""
    limits = limits or Limits()
    _check_page_number(page)
    data = _as_bytes(data)
    _check_size(data, limits)
    if sniff_format(data) == "PDF":
        return render_pdf_page(data, page, limits)
    if page != 1:
        # Refuse before decoding, but still report an unsupported format first.
        if sniff_format(data) is None:
            raise _unsupported(data)
        raise InputError(422, f"page {page} requested, but an image has only 1 page",
                         "page_out_of_range")
    return decode_image(data, limits)
