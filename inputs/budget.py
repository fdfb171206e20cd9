"""The work an upload may cost before it is decoded, read from its bytes alone.

The pixel limits (inputs/imageio.py) bound the memory of a decode, not its time:
a progressive JPEG is decoded once per scan, and nothing in the format limits the
number of scans. One progressive AC scan repeated 2000 times (82 bytes each, a
305 KB file) took 10.7 s to decode on a 6000x6000 grey image, about 5 ms per scan
(issue 18). The scans are counted here from the marker structure once Pillow has
read the header and before it decodes (inputs/imageio.py decode_image), so such a
file is refused in milliseconds, and every JPEG decode is bounded by
MAX_SCAN_PIXELS.
"""

from __future__ import annotations

import io
import re

from errors import InputError
from inputs.formats import _IMAGE_FORMATS, sniff_format

#: Scans one JPEG may have. libjpeg's standard progression has 10 scans for a
#: colour image and 6 for grey; a non-progressive image has at most one scan
#: per component (3-4).
MAX_JPEG_SCANS = 64
#: Scans x pixels one JPEG decode may cost: 20 scans of a 40 MP image. Measured
#: side by side on this 2-core machine (shared): a 6000x6000 grey JPEG decodes
#: in 0.58 s with the standard 10 scans and in 3.5 s with 60 (about 1.6 ns per
#: scan and pixel), so the budget holds a decode to about 1.3 s.
MAX_SCAN_PIXELS = 20 * 40_000_000

_SOS = 0xDA
_EOI = 0xD9
# markers without a length field: SOI, EOI, TEM and the restart markers
_STANDALONE = {0xD8, 0xD9, 0x01, *range(0xD0, 0xD8)}
# inside entropy-coded data a 0xFF byte is followed by 0x00 (stuffing), a restart
# marker or 0xFF (fill); anything else starts the next marker
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def jpeg_scans(data: bytes, stop_after: int | None = None) -> int:
    """The number of SOS (start of scan) markers of a JPEG, walking its segments by
    their lengths and its entropy-coded data to the next marker: a 0xFFDA inside
    EXIF or ICC data is not counted. Linear in the data (the entropy-coded data is
    searched by a compiled pattern); stops counting past `stop_after`. Truncated or
    malformed structure ends the walk: Pillow then reports the damage."""
    scans, position, size = 0, 2, len(data)  # after SOI
    while position + 1 < size:
        if data[position] != 0xFF:
            return scans  # not a marker where one must be: damaged
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker == _EOI:
            return scans
        if marker in _STANDALONE:
            position += 2
            continue
        if position + 3 >= size:
            return scans
        length = int.from_bytes(data[position + 2:position + 4], "big")
        if length < 2:
            return scans
        position += 2 + length
        if marker == _SOS:
            scans += 1
            if stop_after is not None and scans > stop_after:
                return scans
            found = _NEXT_MARKER.search(data, position)
            if found is None:
                return scans
            position = found.start()
    return scans



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


def announced_pixels(data: bytes) -> int:
    """Width x height from the image header (no pixel decoded: 1.2 ms for obama.jpg
    on the shared 2-core machine), 0 when there is no readable image header: decode_image then says what is wrong."""
    from PIL import Image

    fmt = sniff_format(data[:1024])
    if fmt not in _IMAGE_FORMATS:
        return 0
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as im:
            return im.size[0] * im.size[1]
    except Exception:  # noqa: BLE001 - any unreadable header: decode_image reports it
        return 0
