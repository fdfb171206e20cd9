"""The work an upload may cost before it is decoded, read from its bytes alone.

The pixel limits (inputs/imageio.py) bound the memory of a decode, not its time:
a progressive JPEG is decoded once per scan, and nothing in the format limits the
number of scans (a small file of repeated scans took seconds, issue 18). The scans
are counted here from the marker structure once Pillow has
read the header and before it decodes (inputs/imageio.py decode_image), so such a
file is refused in milliseconds, and every JPEG decode is bounded by
MAX_SCAN_PIXELS.

The count follows libjpeg's reading, not the format's rules: between segments
libjpeg skips any bytes up to the next 0xFF (a stray 0x00 after a comment hid
scans from a walk that stopped there, issue 29), and so does the walk here. Behind the count, the decode itself has a CPU-time budget (`budgeted_read`):
Pillow feeds libjpeg in blocks, and past the budget the next block is refused.

BMP's RLE8 / RLE4 decoder is Python code in Pillow that pads a short row one byte
at a time (a tiny file took seconds, issue 29): RLE bitmaps are decoded up to
MAX_RLE_PIXELS only. Figures: docs/benchmarks.md, "2026-12-07 moved from code comments".
"""

from __future__ import annotations

import io
import re
import time

from errors import InputError
from inputs.formats import _IMAGE_FORMATS, sniff_format

#: Scans one JPEG may have. libjpeg's standard progression has 10 scans for a
#: colour image and 6 for grey; a non-progressive image has at most one scan
#: per component (3-4).
MAX_JPEG_SCANS = 64
#: Scans x pixels one JPEG decode may cost: 20 scans of a 40 MP image, about a
#: second's decode (docs/benchmarks.md, "2026-12-07 moved from code comments").
MAX_SCAN_PIXELS = 20 * 40_000_000

#: CPU seconds one JPEG decode may take (its thread's own time, so a busy host
#: does not trip it): about three times a 40 MP progressive photo's decode.
MAX_DECODE_CPU_S = 4.0
#: Pixels of a BMP with RLE compression (Pillow decodes RLE in Python, about
#: 0.3 us per pixel of padding on the shared 2-core machine).
MAX_RLE_PIXELS = 2_000_000
BMP_RLE = {1: "RLE8", 2: "RLE4"}
#: Bytes that are no marker, before a JPEG's frame header: Pillow's header reader
#: skips them one Python call per byte (9 MiB of zeros behind a JPEG signature
#: held a thread for seconds), so a JPEG with more is refused as corrupt first.
MAX_JPEG_JUNK = 65536
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # DHT, JPG, DAC are not frames

_SOS = 0xDA
_EOI = 0xD9
# markers without a length field: SOI, EOI, TEM and the restart markers
_STANDALONE = {0xD8, 0xD9, 0x01, *range(0xD0, 0xD8)}
# libjpeg's next_marker: any bytes up to a 0xFF, fill bytes (0xFF), then a code that
# is not 0x00 (0xFF00 is stuffing inside entropy-coded data, garbage outside it); the
# match starts at the last fill byte (one literal first byte: a fast search)
_MARKER = re.compile(rb"\xff[^\x00\xff]")


def jpeg_scans(data: bytes, stop_after: int | None = None) -> int:
    """The number of SOS (start of scan) markers libjpeg will read in a JPEG: segments
    walked by their lengths (a 0xFFDA inside EXIF or ICC data is not counted), any
    bytes where a marker should be skipped as libjpeg skips them, entropy-coded data
    and restart markers passed over to the next marker. Linear in the data (the
    searches are compiled patterns); stops counting past `stop_after`, and at EOI
    or the end of the data."""
    scans, position, size = 0, 2, len(data)  # after SOI
    while True:
        found = _MARKER.search(data, position)
        if found is None:
            return scans
        marker = data[found.end() - 1]
        position = found.end()  # after the marker code
        if marker == _EOI:
            return scans
        if marker in _STANDALONE:
            continue
        if position + 2 > size:
            return scans
        length = int.from_bytes(data[position:position + 2], "big")
        if length < 2:
            return scans  # libjpeg stops with an error here
        position += length
        if marker == _SOS:
            scans += 1
            if stop_after is not None and scans > stop_after:
                return scans


def jpeg_frame(data: bytes) -> tuple[int, int, int] | None:
    """(width, height, junk bytes skipped before it) of a JPEG's frame header,
    walked as jpeg_scans walks; None when there is none before a scan or the end."""
    position, junk, size = 2, 0, len(data)
    while True:
        found = _MARKER.search(data, position)
        if found is None:
            return None
        junk += found.start() - position
        marker = data[found.end() - 1]
        position = found.end()
        if marker in (_SOS, _EOI):
            return None
        if marker in _STANDALONE:
            continue
        if position + 7 > size:
            return None
        if marker in _SOF:
            height = int.from_bytes(data[position + 3:position + 5], "big")
            width = int.from_bytes(data[position + 5:position + 7], "big")
            return width, height, junk
        length = int.from_bytes(data[position:position + 2], "big")
        if length < 2:
            return None
        position += length


def check_jpeg_header(data: bytes) -> None:
    """400 for a JPEG without a frame header, or with more than MAX_JPEG_JUNK stray
    bytes before it, before Pillow reads the header a byte at a time."""

    frame = jpeg_frame(data)
    if frame is None:
        raise InputError(400, "the JPEG data is corrupt or truncated and cannot be decoded "
                              "(no frame header)", "corrupt")
    if frame[2] > MAX_JPEG_JUNK:
        raise InputError(400, f"the JPEG data is corrupt and is not decoded: {frame[2]:,} "
                              "stray bytes before its frame header", "corrupt")


def budgeted_read(im, data_size: int, seconds: float | None = None) -> None:
    """Make `im` (an opened Pillow JPEG) refuse to go on decoding once its thread
    has spent `seconds` of CPU on it: Pillow reads the file in blocks between
    libjpeg's decode calls, so each read checks the clock, and the blocks are small
    enough (1/256 of the file, at least 1 KiB) that one block cannot cost much."""

    seconds = MAX_DECODE_CPU_S if seconds is None else seconds
    started = time.thread_time()
    read = im.load_read  # Pillow's JPEG plugin reads every block through it

    def checked(size: int) -> bytes:
        if time.thread_time() - started > seconds:
            raise InputError(422, f"the JPEG took more than {seconds:g} s of CPU to decode, "
                                  "the limit for one image", "too_costly")
        return read(size)

    im.load_read = checked
    im.decodermaxblock = max(1024, min(65536, data_size // 256))

def check_jpeg_work(data: bytes, size: tuple[int, int]) -> None:
    """422 for a JPEG of `size` pixels whose scans would cost more than the budget."""
    pixels = max(1, size[0] * size[1])
    allowed = max(1, min(MAX_JPEG_SCANS, MAX_SCAN_PIXELS // pixels))
    scans = jpeg_scans(data, stop_after=allowed)
    if scans > allowed:
        raise InputError(
            422, f"the JPEG has more than {allowed} scans for its {size[0]}x{size[1]} pixels "
                 "(a progressive photo has about 10); each scan is one more pass over every "
                 "pixel, so it is not decoded", "too_many_scans")


def check_rle_work(im) -> None:
    """422 for a BMP with RLE compression over MAX_RLE_PIXELS (see the module docstring)."""

    kind = BMP_RLE.get(im.info.get("compression"))
    width, height = im.size
    if kind and width * height > MAX_RLE_PIXELS:
        raise InputError(
            422, f"the BMP is {kind}-compressed at {width}x{height} pixels; RLE bitmaps are "
                 f"decoded up to {MAX_RLE_PIXELS / 1e6:g} MP (send PNG or JPEG)", "too_costly")


def announced_pixels(data: bytes) -> int:
    """Width x height from the image header (no pixel decoded: 1.2 ms for obama.jpg
    on the shared 2-core machine), 0 when there is no readable image header: decode_image then says what is wrong."""
    from PIL import Image

    fmt = sniff_format(data[:1024])
    if fmt not in _IMAGE_FORMATS:
        return 0
    if fmt == "JPEG":  # Pillow's header reader is a Python loop over any stray bytes
        frame = jpeg_frame(data)
        return frame[0] * frame[1] if frame else 0
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as im:
            return im.size[0] * im.size[1]
    except Exception:  # noqa: BLE001 - any unreadable header: decode_image reports it
        return 0
