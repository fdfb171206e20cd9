"""Untrusted bytes -> RGB array: every input class, good and bad, built here."""

from __future__ import annotations

import base64
import io
import struct
import time
import zlib

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageFile, ImageOps

from errors import InputError
from inputs.imageio import (
    Limits,
    coarsest,
    decode_base64,
    decode_image,
    decode_scaled,
    load_document,
    pdf_page_count,
    reduction,
    render_pdf_page,
    sniff_format,
)
from testkit.photos import photo

# --------------------------------------------------------------------------
# builders
# --------------------------------------------------------------------------

def encode(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def gradient_rgb(w=64, h=48) -> Image.Image:
    y, x = np.mgrid[0:h, 0:w]
    a = np.stack([x * 255 // (w - 1), y * 255 // (h - 1), np.full_like(x, 90)], axis=2)
    return Image.fromarray(a.astype(np.uint8))


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (struct.pack(">I", len(payload)) + kind + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))


def png_header_only(w: int, h: int) -> bytes:
    """A PNG whose IHDR (correct CRC) claims w x h RGB, with a few bytes of IDAT."""
    return (b"\x89PNG\r\n\x1a\n"
            + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + png_chunk(b"IEND", b""))


def make_pdf(pages, page_extra: bytes = b"") -> bytes:
    """A hand-written PDF; pages = [(width_pt, height_pt, content_stream)]."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
            3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    kids, n = [], 4
    for w, h, content in pages:
        pid, cid, n = n, n + 1, n + 2
        kids.append(pid)
        objs[pid] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
                     b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R %s>>"
                     % (w, h, cid, page_extra))
        objs[cid] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out, offsets = bytearray(b"%PDF-1.4\n"), {}
    for i in sorted(objs):
        offsets[i] = len(out)
        out += b"%d 0 obj\n" % i + objs[i] + b"\nendobj\n"
    xref, size = len(out), max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[i] for i in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


TEXT = b"BT /F1 24 Tf 72 700 Td (Hello, there is no face here) Tj ET"


def pdf_with_image(im: Image.Image, page_size=(595, 842)) -> bytes:
    """A PDF made with pypdfium2: one page, the image placed at the bottom-left."""
    pdf = pdfium.PdfDocument.new()
    try:
        page = pdf.new_page(*page_size)
        obj = pdfium.PdfImage.new(pdf)
        obj.set_bitmap(pdfium.PdfBitmap.from_pil(im))
        obj.set_matrix(pdfium.PdfMatrix().scale(im.width, im.height).translate(36, 36))
        page.insert_obj(obj)
        page.gen_content()
        buf = io.BytesIO()
        pdf.save(buf)
        return buf.getvalue()
    finally:
        pdf.close()


def error_of(fn, *args, **kw) -> InputError:
    with pytest.raises(InputError) as info:
        fn(*args, **kw)
    err = info.value
    assert err.status in (400, 413, 415, 422)
    assert err.detail and err.detail == str(err)
    return err


def assert_rgb(a: np.ndarray, h: int, w: int):
    assert isinstance(a, np.ndarray)
    assert a.dtype == np.uint8 and a.shape == (h, w, 3)
    assert a.flags.c_contiguous and a.flags.writeable


# --------------------------------------------------------------------------
# limits
# --------------------------------------------------------------------------

def test_limits_defaults_and_env():
    lim = Limits()
    assert lim.max_bytes == 10 * 1024 * 1024 and lim.max_pixels == 40_000_000
    assert lim.pdf_max_pixels == lim.max_pixels and lim.pdf_max_pages == 50 and lim.pdf_dpi == 200
    env = {"FACE_MAX_UPLOAD_BYTES": "2048", "FACE_MAX_PIXELS": "1_000_000",
           "FACE_PDF_MAX_PAGES": "3", "FACE_PDF_DPI": " 100 ", "FACE_PDF_RENDER_TIMEOUT": ""}
    lim = Limits.from_env(env)
    assert (lim.max_bytes, lim.max_pixels, lim.pdf_max_pixels, lim.pdf_max_pages, lim.pdf_dpi) \
        == (2048, 1_000_000, 1_000_000, 3, 100)
    assert Limits.from_env({}) == Limits()
    for bad in ({"FACE_MAX_PIXELS": "lots"}, {"FACE_PDF_DPI": "0"},
                {"FACE_MAX_UPLOAD_BYTES": "-5"}, {"FACE_PDF_MAX_PAGES": "2.5"},
                {"FACE_PDF_RENDER_TIMEOUT": "nan"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            Limits.from_env(bad)
    with pytest.raises(ValueError):
        Limits(max_pixels=0)


def test_truncated_images_stay_refused():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# --------------------------------------------------------------------------
# size, sniffing
# --------------------------------------------------------------------------

def test_empty():
    for fn in (decode_image, load_document, render_pdf_page):
        err = error_of(fn, b"")
        assert err.status == 400 and "empty" in err.detail


def test_oversize_bytes():
    lim = Limits(max_bytes=1000)
    data = encode(gradient_rgb(), "BMP")  # > 1000 bytes
    err = error_of(decode_image, data, lim)
    assert err.status == 413
    assert f"{len(data):,} bytes" in err.detail and "1,000 bytes" in err.detail
    big = b"\xff\xd8\xff" + bytes(10 * 1024 * 1024)  # default limit, refused before decoding
    assert error_of(decode_image, big).status == 413
    assert error_of(render_pdf_page, b"%PDF-1.4\n" + bytes(2000), 1, lim).status == 413


def test_text_renamed_jpg_is_unsupported():
    err = error_of(decode_image, b"Hello, this is my holiday photo.jpg\n")
    assert err.status == 415
    assert "text" in err.detail and "JPEG" in err.detail and "WebP" in err.detail


def test_other_formats_named():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(100)
    assert "HEIC" in error_of(decode_image, heic).detail
    assert "HTML" in error_of(decode_image, b"<!DOCTYPE html><html></html>").detail
    assert "SVG" in error_of(decode_image, b'<?xml version="1.0"?><svg xmlns="x"/>').detail
    assert error_of(decode_image, bytes(range(256))).status == 415


def test_pdf_refused_by_decode_image():
    err = error_of(decode_image, make_pdf([(612, 792, TEXT)]))
    assert err.status == 415 and "PDF" in err.detail and "endpoint" in err.detail


def test_sniff_ignores_names_and_finds_formats():
    im = gradient_rgb()
    for fmt, sniffed in (("JPEG", "JPEG"), ("PNG", "PNG"), ("GIF", "GIF"), ("WEBP", "WEBP"),
                         ("BMP", "BMP"), ("TIFF", "TIFF")):
        assert sniff_format(encode(im, fmt)) == sniffed
    assert sniff_format(b"junk before header\n%PDF-1.7\n") == "PDF"
    assert sniff_format(b"BM this is text") is None


# --------------------------------------------------------------------------
# corrupt and hostile images
# --------------------------------------------------------------------------

def test_truncated_jpeg():
    data = photo("obama.jpg").read_bytes()
    for cut in (len(data) // 2, 300, 20):
        err = error_of(decode_image, data[:cut])
        assert err.status == 400 and "JPEG" in err.detail


def test_truncated_png():
    data = encode(gradient_rgb(200, 200), "PNG")
    for cut in (len(data) // 2, 60, 30, 12):
        err = error_of(decode_image, data[:cut])
        assert err.status == 400 and "PNG" in err.detail


@pytest.mark.filterwarnings("ignore:.*EXIF:UserWarning", "ignore:Tag data:UserWarning")
def test_corrupted_middle_of_jpeg():
    data = photo("obama.jpg").read_bytes()
    mid = len(data) // 2
    noise = np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    for bad in (data[:mid] + noise + data[mid + 4096:],
                data[:mid] + bytes(4096) + data[mid + 4096:]):
        # libjpeg conceals damaged entropy data; either a full-size image or a 400.
        try:
            assert_rgb(decode_image(bad), 1137, 910)
        except InputError as err:
            assert err.status == 400
    # damaged headers (quantisation/Huffman tables, frame header): never a crash
    bad = data[:20] + noise[:400] + data[420:]
    try:
        a = decode_image(bad)
        assert a.dtype == np.uint8 and a.ndim == 3 and a.shape[2] == 3
    except InputError as err:
        assert err.status in (400, 413, 422)


def test_corrupt_png_crc():
    data = bytearray(encode(gradient_rgb(), "PNG"))
    data[40] ^= 0xFF  # inside the IDAT payload: its CRC no longer matches
    assert error_of(decode_image, bytes(data)).status == 400


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("w,h", [(20000, 20000), (10000, 10000), (60000, 1000)])
def test_png_header_bomb_refused_before_decoding(w, h):
    data = png_header_only(w, h)
    assert len(data) < 200
    t = time.perf_counter()
    err = error_of(decode_image, data)
    assert time.perf_counter() - t < 1.0
    assert err.status == 413 and "limit" in err.detail
    if (w, h) == (10000, 10000):
        assert err.detail == "image is 10000x10000 = 100.0 MP, the limit is 40.0 MP"
    if (w, h) == (20000, 20000):  # Pillow's own DecompressionBombError path
        assert "400.0 MP" in err.detail and "40.0 MP" in err.detail


def test_gif_header_bomb():
    data = b"GIF89a" + struct.pack("<HH", 20000, 20000) + b"\x00\x00\x00" + b",\x00\x00\x00\x00" \
        + struct.pack("<HH", 20000, 20000) + b"\x00\x02\x02\x44\x01\x00;"
    assert error_of(decode_image, data).status == 413


def test_pixel_limit_message():
    err = error_of(decode_image, encode(gradient_rgb(40, 40), "PNG"), Limits(max_pixels=1000))
    assert err.status == 413
    assert err.detail == "image is 40x40 = 1,600 pixels, the limit is 1,000 pixels"


def test_too_small():
    for w, h in ((1, 1), (15, 100), (100, 15)):
        err = error_of(decode_image, encode(Image.new("RGB", (w, h)), "PNG"))
        assert err.status == 422 and "too small to contain a face" in err.detail
        assert f"{w}x{h}" in err.detail
    assert_rgb(decode_image(encode(Image.new("RGB", (16, 16)), "PNG")), 16, 16)


# --------------------------------------------------------------------------
# formats and modes
# --------------------------------------------------------------------------

def test_real_photo_jpeg():
    a = decode_image(photo("obama.jpg").read_bytes())
    assert_rgb(a, 1137, 910)
    assert 40 < a.mean() < 220


def test_bytes_like_inputs():
    data = encode(gradient_rgb(), "PNG")
    for value in (bytearray(data), memoryview(data)):
        assert_rgb(decode_image(value), 48, 64)
    with pytest.raises(TypeError):
        decode_image("not bytes")


def test_real_photo_png():
    data = photo("astronaut.png").read_bytes()
    assert_rgb(decode_image(data), 512, 512)


@pytest.mark.parametrize("fmt,kw", [("PNG", {}), ("BMP", {}), ("TIFF", {}),
                                    ("TIFF", {"compression": "tiff_lzw"}),
                                    ("WEBP", {"lossless": True})])
def test_lossless_formats_roundtrip(fmt, kw):
    im = gradient_rgb()
    a = decode_image(encode(im, fmt, **kw))
    assert_rgb(a, 48, 64)
    assert np.array_equal(a, np.asarray(im))


def test_lossy_webp_and_jpeg():
    im = gradient_rgb()
    for fmt in ("WEBP", "JPEG"):
        a = decode_image(encode(im, fmt, quality=95))
        assert_rgb(a, 48, 64)
        assert np.abs(a.astype(int) - np.asarray(im)).mean() < 6


def test_16bit_grayscale_png_is_scaled():
    values = np.array([0, 257, 257 * 100, 257 * 200 + 100, 65535, 32896], dtype=np.uint16)
    a16 = np.tile(values.repeat(4), (24, 1))  # 24 x 24
    data = encode(Image.fromarray(a16), "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I")  # really 16-bit
    a = decode_image(data)
    assert_rgb(a, 24, 24)
    expected = np.array([0, 1, 100, 200, 255, 128], dtype=np.uint8).repeat(4)
    assert np.array_equal(a[0, :, 0], expected)
    assert np.array_equal(a[..., 0], a[..., 2])


def test_16bit_and_float_tiff():
    ramp16 = np.linspace(0, 65535, 32 * 32).astype(np.uint16).reshape(32, 32)
    a = decode_image(encode(Image.fromarray(ramp16), "TIFF"))
    assert a[0, 0, 0] == 0 and a[-1, -1, 0] == 255
    ramp_f = np.linspace(0.0, 1.0, 32 * 32, dtype=np.float32).reshape(32, 32)
    a = decode_image(encode(Image.fromarray(ramp_f), "TIFF"))
    assert a[0, 0, 0] == 0 and a[-1, -1, 0] == 255 and 120 <= a[16, 0, 0] <= 135


def test_cmyk_jpeg():
    data = encode(Image.new("CMYK", (32, 32), (0, 255, 255, 0)), "JPEG", quality=95)
    assert Image.open(io.BytesIO(data)).mode == "CMYK"
    a = decode_image(data)
    assert_rgb(a, 32, 32)
    r, g, b = a[16, 16].astype(int)
    assert r > 230 and g < 25 and b < 25  # red, not inverted


def test_rgba_png_composited_on_white():
    rgba = np.zeros((20, 30, 4), dtype=np.uint8)
    rgba[:, :10] = (0, 0, 0, 0)          # transparent black -> white
    rgba[:, 10:20] = (255, 0, 0, 128)    # half-transparent red -> pink
    rgba[:, 20:] = (0, 0, 255, 255)      # opaque blue stays blue
    a = decode_image(encode(Image.fromarray(rgba), "PNG"))
    assert_rgb(a, 20, 30)
    assert tuple(a[5, 5]) == (255, 255, 255)
    assert a[5, 15, 0] == 255 and 120 <= a[5, 15, 1] <= 135 and 120 <= a[5, 15, 2] <= 135
    assert tuple(a[5, 25]) == (0, 0, 255)


def test_palette_transparency_and_la():
    p = Image.new("P", (20, 20), 0)
    p.putpalette([0, 0, 0, 0, 200, 0] + [0] * 762)
    p.paste(1, (10, 0, 20, 20))
    a = decode_image(encode(p, "PNG", transparency=0))
    assert tuple(a[0, 0]) == (255, 255, 255) and tuple(a[0, 15]) == (0, 200, 0)
    a = decode_image(encode(p, "GIF", transparency=0))
    assert tuple(a[0, 0]) == (255, 255, 255) and tuple(a[0, 15]) == (0, 200, 0)
    la = Image.merge("LA", (Image.new("L", (20, 20), 50), Image.new("L", (20, 20), 0)))
    assert tuple(decode_image(encode(la, "PNG"))[3, 3]) == (255, 255, 255)


def test_large_images_converted_in_bands_match_pillow():
    # Big enough for several 4 MiB bands: the banded conversion must be seamless.
    rng = np.random.default_rng(1)
    p = Image.fromarray(rng.integers(0, 8, (1500, 1400), dtype=np.uint8), "P")
    p.putpalette(rng.integers(0, 256, 768, dtype=np.uint8).tobytes())
    data = encode(p, "PNG", transparency=3)
    with Image.open(io.BytesIO(data)) as im:
        rgba = np.asarray(im.convert("RGBA")).astype(np.float64)
    expected = np.rint(rgba[..., :3] * rgba[..., 3:] / 255 + 255 * (1 - rgba[..., 3:] / 255))
    a = decode_image(data)
    assert_rgb(a, 1500, 1400)
    assert np.abs(a - expected).max() <= 1
    assert (a[np.asarray(p) == 3] == 255).all()

    rgb = Image.fromarray(rng.integers(0, 256, (1200, 1300, 3), dtype=np.uint8))
    assert np.array_equal(decode_image(encode(rgb, "PNG", compress_level=1)), np.asarray(rgb))


def test_32bit_int_tiff_is_stretched():
    a32 = np.linspace(-1_000_000, 3_000_000, 40 * 40).astype(np.int32).reshape(40, 40)
    data = encode(Image.fromarray(a32), "TIFF")
    assert Image.open(io.BytesIO(data)).mode == "I"
    a = decode_image(data)
    assert a[0, 0, 0] == 0 and a[-1, -1, 0] == 255 and np.all(np.diff(a[..., 0].ravel().astype(int)) >= 0)


def test_grayscale_and_1bit():
    g = Image.new("L", (20, 20), 77)
    assert tuple(decode_image(encode(g, "JPEG", quality=100))[5, 5]) == (77, 77, 77)
    one = Image.new("1", (20, 20), 0)
    one.paste(1, (0, 0, 10, 20))
    for fmt in ("PNG", "BMP", "TIFF"):
        a = decode_image(encode(one, fmt))
        assert tuple(a[0, 0]) == (255, 255, 255) and tuple(a[0, 15]) == (0, 0, 0)


def test_animated_gif_first_frame():
    frames = [Image.new("P", (24, 24), 0) for _ in range(3)]
    for i, f in enumerate(frames):
        f.putpalette([255 * (i == 0), 255 * (i == 1), 255 * (i == 2)] + [0] * 765)
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 3
    a = decode_image(data)
    assert_rgb(a, 24, 24)
    assert (a == np.array([255, 0, 0], dtype=np.uint8)).all()


def test_animated_webp_first_frame():
    frames = [Image.new("RGB", (24, 24), c) for c in ((0, 0, 255), (255, 0, 0), (0, 255, 0))]
    data = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True,
                  duration=50)
    assert Image.open(io.BytesIO(data)).n_frames == 3
    a = decode_image(data)
    assert (a == np.array([0, 0, 255], dtype=np.uint8)).all()


def test_exif_orientation_6_rotates():
    # A real photo stored sideways with Orientation=6 (display rotated 90 deg clockwise).
    with Image.open(photo("obama.jpg")) as src:
        src = src.convert("RGB")
    original = np.asarray(src)
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(src, "PNG", exif=exif)  # lossless, so pixels can be compared exactly
    a = decode_image(data)
    assert_rgb(a, 910, 1137)
    assert np.array_equal(a, np.rot90(original, k=-1))

    jpeg = encode(src, "JPEG", quality=90, exif=exif)
    a = decode_image(jpeg)
    assert a.shape == (910, 1137, 3)
    with Image.open(io.BytesIO(jpeg)) as im:
        assert np.array_equal(a, np.asarray(ImageOps.exif_transpose(im).convert("RGB")))


def test_exif_all_orientations_match_pillow():
    base = gradient_rgb(40, 20)  # every pixel distinct in x and y
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        data = encode(base, "PNG", exif=exif)
        with Image.open(io.BytesIO(data)) as im:
            expected = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
        assert np.array_equal(decode_image(data), expected), orientation


# --------------------------------------------------------------------------
# reduced decodes for analysis (FACE_ANALYSIS_MAX_SIDE)
# --------------------------------------------------------------------------

def test_the_reduction_is_the_smallest_dct_scaling_that_fits():
    assert reduction(4096, 3000, 4096) == 1
    assert reduction(4097, 3000, 4096) == 2
    assert reduction(7100, 5600, 4096) == 2
    assert reduction(20000, 20000, 4096) == 8  # 2500: libjpeg scales by 1/8 at most
    assert reduction(12000, 9000, 2000) == 8
    assert reduction(20000, 600, 4096) == 2  # the short side keeps 256 px or more


def test_the_detection_decode_is_the_coarsest_the_detector_takes_whole():
    assert coarsest(7100, 5600, 1600) == 4  # 1775 x 1400: the detector shrinks to 1600
    assert coarsest(4500, 3000, 1600) == 2
    assert coarsest(3000, 2000, 1600) == 1
    assert coarsest(20000, 20000, 1600) == 8
    assert coarsest(20000, 600, 1600) == 2  # the short side keeps 256 px or more


def decoded_within(data: bytes, max_side: int):
    """The JPEG decoded at the reduction that fits `max_side` (FACE_ANALYSIS_MAX_SIDE)."""
    return decode_scaled(data, None, lambda width, height: reduction(width, height, max_side))


def test_a_large_jpeg_is_decoded_reduced_and_says_its_upload_size():
    with Image.open(photo("obama.jpg")) as src:
        big = src.convert("RGB").resize((910 * 4, 1137 * 4), Image.BICUBIC)
    data = encode(big, "JPEG", quality=90)
    whole = decode_image(data)
    decoded = decoded_within(data, 1200)
    assert (decoded.width, decoded.height) == (3640, 4548) and decoded.reduced
    assert decoded.image.shape == (1137, 910, 3) and decoded.scale == (4.0, 4.0)
    # the DCT-scaled decode shows what an area shrink of the whole decode shows
    shrunk = whole.reshape(1137, 4, 910, 4, 3).mean(axis=(1, 3))
    assert np.abs(decoded.image - shrunk).mean() < 2.0
    # not reduced: at or under the side, and formats libjpeg does not decode
    assert not decoded_within(data, 4548).reduced
    png = decoded_within(encode(big, "PNG"), 1200)
    assert not png.reduced and png.image.shape == (4548, 3640, 3)


def test_a_reduced_decode_of_a_sideways_jpeg_has_the_displayed_size():
    with Image.open(photo("obama.jpg")) as src:
        big = src.convert("RGB").resize((910 * 2, 1137 * 2), Image.BICUBIC)
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned 90 degrees clockwise: 2274 wide, 1820 high
    data = encode(big, "JPEG", quality=90, exif=exif)
    decoded = decoded_within(data, 2000)
    assert (decoded.width, decoded.height) == (2274, 1820)
    assert decoded.image.shape == (910, 1137, 3) and decoded.scale == (2.0, 2.0)
    whole = decode_image(data)
    assert whole.shape == (1820, 2274, 3)
    shrunk = whole.reshape(910, 2, 1137, 2, 3).mean(axis=(1, 3))
    assert np.abs(decoded.image - shrunk).mean() < 2.0


def test_the_analysis_side_comes_from_the_environment():
    assert Limits.from_env({"FACE_ANALYSIS_MAX_SIDE": "2048"}).analysis_max_side == 2048
    assert Limits().analysis_max_side == 4096
    with pytest.raises(ValueError, match="FACE_ANALYSIS_MAX_SIDE"):
        Limits.from_env({"FACE_ANALYSIS_MAX_SIDE": "big"})


@pytest.mark.filterwarnings("ignore:Corrupt EXIF:UserWarning")
def test_broken_exif_is_ignored():
    data = encode(gradient_rgb(), "JPEG", exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff")
    assert_rgb(decode_image(data), 48, 64)


# --------------------------------------------------------------------------
# base64
# --------------------------------------------------------------------------

def test_base64_variants():
    payload = bytes(range(256)) * 3 + b"\xfb\xff"  # produces + / (and - _ url-safe)
    std = base64.b64encode(payload).decode()
    assert "+" in std and "/" in std and std.endswith("=")
    variants = [
        std,
        base64.urlsafe_b64encode(payload).decode(),
        std.rstrip("="),
        base64.urlsafe_b64encode(payload).decode().rstrip("="),
        base64.encodebytes(payload).decode(),                # MIME line breaks
        "  \r\n" + std + "\n\n",
        "data:image/png;base64," + std,
        "DATA:image/jpeg;name=x.jpg;base64," + base64.encodebytes(payload).decode(),
        "data:;base64," + std.rstrip("="),
    ]
    for text in variants:
        assert decode_base64(text) == payload, text[:40]
    assert decode_base64(std.encode()) == payload


def test_base64_into_image():
    data = encode(gradient_rgb(), "PNG")
    text = "data:image/png;base64," + base64.b64encode(data).decode()
    assert_rgb(decode_image(decode_base64(text)), 48, 64)


@pytest.mark.parametrize("junk", ["not base64 at all!", "@@@@", "abcd%3D", "A", "QUJD=RA==",
                                  "data:image/png;base64,***", "data:image/png,rawbytes",
                                  "data:image/png;base64", "ümlaut", "QUJD\x00"])
def test_base64_junk(junk):
    err = error_of(decode_base64, junk)
    assert err.status == 400 and ("invalid base64" in err.detail or "data URL" in err.detail)


def test_base64_empty():
    for text in ("", "   \n", "data:image/png;base64,"):
        err = error_of(decode_base64, text)
        assert err.status == 400 and "empty" in err.detail


def test_base64_size_limits():
    lim = Limits(max_bytes=1000)
    assert len(decode_base64(base64.b64encode(bytes(1000)).decode(), lim)) == 1000
    err = error_of(decode_base64, base64.b64encode(bytes(1001)).decode(), lim)
    assert err.status == 413 and "1,000 bytes" in err.detail
    # a huge string is refused by its length, before any decoding work
    huge = "A" * (50 * 1024 * 1024)
    t = time.perf_counter()
    err = error_of(decode_base64, huge)
    assert err.status == 413 and time.perf_counter() - t < 0.5


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------

def test_pdf_zero_bytes_and_not_pdf():
    assert error_of(render_pdf_page, b"", 1).status == 400
    err = error_of(render_pdf_page, encode(gradient_rgb(), "JPEG"), 1)
    assert err.status == 415 and "JPEG" in err.detail
    assert error_of(render_pdf_page, b"just some text", 1).status == 415


def test_pdf_text_only_page_renders():
    a = render_pdf_page(make_pdf([(612, 792, TEXT)]), 1)
    assert_rgb(a, 2200, 1700)  # US Letter at 200 dpi
    assert (a < 128).any() and (a == 255).mean() > 0.9


def test_pdf_blank_page_renders_white():
    a = render_pdf_page(make_pdf([(612, 792, b"")]), 1, Limits(pdf_dpi=72))
    assert_rgb(a, 792, 612)
    assert (a == 255).all()


def test_pdf_image_page_and_dpi():
    im = Image.new("RGB", (100, 100), (255, 0, 0))
    data = pdf_with_image(im)
    a = render_pdf_page(data, 1, Limits(pdf_dpi=72))
    assert_rgb(a, 842, 595)
    assert tuple(a[842 - 36 - 50, 36 + 50]) == (255, 0, 0)  # image near bottom-left
    assert tuple(a[10, 10]) == (255, 255, 255)


def test_pdf_real_photo_renders():
    with Image.open(photo("obama.jpg")) as src:
        data = pdf_with_image(src.convert("RGB"), page_size=(1000, 1250))
    a = render_pdf_page(data, 1, Limits(pdf_dpi=72))
    assert_rgb(a, 1250, 1000)
    assert a[400:1100, 100:800].std() > 20  # the photo, not a blank page


def test_pdf_pages_and_out_of_range():
    data = make_pdf([(612, 792, b""), (300, 400, TEXT), (612, 792, b"")])
    assert pdf_page_count(data) == 3
    assert_rgb(render_pdf_page(data, 2, Limits(pdf_dpi=72)), 400, 300)
    err = error_of(render_pdf_page, data, 4)
    assert err.status == 422 and "3 pages" in err.detail and "page 4" in err.detail
    err = error_of(render_pdf_page, data, 0)
    assert err.status == 422
    err = error_of(render_pdf_page, data, 3, Limits(pdf_max_pages=2))
    assert err.status == 422 and "2 pages" in err.detail


def test_pdf_many_pages_renders_only_requested():
    data = make_pdf([(200, 200, TEXT)] * 300)
    t = time.perf_counter()
    assert_rgb(render_pdf_page(data, 7, Limits(pdf_dpi=72)), 200, 200)
    assert time.perf_counter() - t < 2.0
    assert error_of(render_pdf_page, data, 51).status == 422  # beyond pdf_max_pages


def test_pdf_rotated_page():
    a = render_pdf_page(make_pdf([(612, 792, TEXT)], page_extra=b"/Rotate 90 "), 1,
                        Limits(pdf_dpi=72))
    assert_rgb(a, 612, 792)


def test_pdf_encrypted():
    pypdf = pytest.importorskip("pypdf")
    for user, renders in (("secret", False), ("", True)):
        writer = pypdf.PdfWriter()
        writer.add_blank_page(300, 300)
        writer.encrypt(user_password=user, owner_password="owner", algorithm="RC4-128")
        buf = io.BytesIO()
        writer.write(buf)
        if renders:  # owner-password-only (permissions) PDFs open without a password
            assert_rgb(render_pdf_page(buf.getvalue(), 1, Limits(pdf_dpi=72)), 300, 300)
        else:
            err = error_of(render_pdf_page, buf.getvalue(), 1)
            assert err.status == 422 and ("password" in err.detail or "encrypt" in err.detail)


def test_pdf_broken():
    good = make_pdf([(612, 792, TEXT)])
    for bad in (b"%PDF-1.4\ngarbage", good[:200], b"%PDF-" + bytes(500)):
        err = error_of(render_pdf_page, bad, 1)
        assert err.status in (400, 422)
    # a damaged xref table is repaired by PDFium or refused, never a crash
    damaged = good.replace(b"xref\n0", b"xref\n9")
    try:
        assert_rgb(render_pdf_page(damaged, 1, Limits(pdf_dpi=72)), 792, 612)
    except InputError as err:
        assert err.status == 400


def test_pdf_big_page_fits_pixel_budget():
    data = make_pdf([(14400, 14400, TEXT)])  # 200 x 200 inches, the PDF maximum
    a = render_pdf_page(data, 1)
    assert a.shape[0] * a.shape[1] <= 40_000_000 and a.shape[0] > 6000
    a = render_pdf_page(data, 1, Limits(pdf_max_pixels=1_000_000))
    assert a.shape[0] * a.shape[1] <= 1_000_000 and a.shape[0] >= 990
    strip = make_pdf([(14400, 100, TEXT)])
    a = render_pdf_page(strip, 1, Limits(max_side=5000))
    assert max(a.shape[:2]) <= 5000


def test_pdf_tiny_page_too_small():
    err = error_of(render_pdf_page, make_pdf([(4, 4, b"")]), 1)
    assert err.status == 422 and "too small" in err.detail


def test_pdf_rendering_from_threads():
    from concurrent.futures import ThreadPoolExecutor
    data = pdf_with_image(gradient_rgb(120, 90), page_size=(300, 300))
    reference = render_pdf_page(data, 1, Limits(pdf_dpi=100))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: render_pdf_page(data, 1, Limits(pdf_dpi=100)), range(12)))
    assert all(np.array_equal(r, reference) for r in results)


def test_pdf_render_timeout():
    heavy = b"".join(b"%d %d 3 3 re f\n" % (i % 600, (i // 600) % 790) for i in range(200_000))
    data = make_pdf([(612, 792, heavy)])
    err = error_of(render_pdf_page, data, 1, Limits(pdf_render_seconds=0.001))
    assert err.status == 422 and "too complex" in err.detail
    assert_rgb(render_pdf_page(data, 1, Limits(pdf_dpi=72)), 792, 612)


# --------------------------------------------------------------------------
# load_document
# --------------------------------------------------------------------------

def test_load_document_dispatch():
    assert_rgb(load_document(make_pdf([(300, 300, TEXT)]), 1, Limits(pdf_dpi=72)), 300, 300)
    png = encode(gradient_rgb(), "PNG")
    assert_rgb(load_document(png), 48, 64)
    err = error_of(load_document, png, 2)
    assert err.status == 422 and "1 page" in err.detail
    assert error_of(load_document, b"plain text", 1).status == 415
    assert error_of(load_document, b"plain text", 2).status == 415


# --------------------------------------------------------------------------
# PDF bombs: PDFium runs in a child process with a hard time and memory cap
# --------------------------------------------------------------------------

def test_pdf_bombs_are_refused_by_the_memory_cap():
    from tests.hostile import pdf_content_bomb, pdf_nested_forms

    limits = Limits(pdf_memory_mb=512, pdf_render_seconds=5)
    for bomb in (pdf_nested_forms(), pdf_content_bomb()):
        err = error_of(render_pdf_page, bomb, 1, limits)
        assert err.status == 422 and err.code == "pdf_too_complex"
        assert "memory limit of 512 MB" in err.detail


def test_pdf_child_is_killed_at_the_hard_time_limit(monkeypatch):
    from inputs import imageio
    from tests.hostile import pdf_nested_forms

    monkeypatch.setattr(imageio, "PDF_STARTUP_SECONDS", 1.0)
    started = time.monotonic()
    err = error_of(render_pdf_page, pdf_nested_forms(), 1,
                   Limits(pdf_memory_mb=16384, pdf_render_seconds=0.5))
    assert err.status == 422 and "did not render within 1.5 s" in err.detail
    assert time.monotonic() - started < 10


def test_the_large_decode_bench_measures_each_way():
    from bench import large_decode

    found = large_decode.measure(rounds=1)
    assert found["whole"]["shape"] == (7100, 5600, 3)
    assert found["1/2 (FACE_ANALYSIS_MAX_SIDE 4096)"]["shape"] == (3550, 2800, 3)
    assert found["1/4 (the detection decode)"]["shape"] == (1775, 1400, 3)
    assert all(row["decode"] > 0 and row["shrink"] >= 0 for row in found.values())
