"""What every flow shares: the request's deadline and face limit, decoding uploads
in threads under the limits (large images under a slot each request claims once),
fetching URLs under the SSRF policy, and detection on a reduced decode."""

from __future__ import annotations

import asyncio
import contextvars
import time

import numpy as np

from analyzers.detectors.base import MAX_SIDE as DETECTION_MAX_SIDE
from analyzers.detectors.detection import Detection
from analyzers.face_analysis import FaceAnalysis
from analyzers.upload_pixels import analysis_factor, faces_scaled
from errors import InputError
from front import pools
from front.model_clients import REQUEST_DEADLINE
from inputs.budget import announced_pixels
from inputs.imageio import (
    Decoded,
    Limits,
    coarsest,
    decode_base64,
    decode_image,
    decode_scaled,
    reduction,
)
from inputs.sources import FetchPolicy, fetch_url
from security import Settings

# The request's claim on a large-image slot (front/pools.py), if it has a large
# image; set per request by Plumbing.within_deadline, which gives it back at the end
_CLAIMS: contextvars.ContextVar[list | None] = contextvars.ContextVar("CLAIMS", default=None)


class Plumbing:
    def __init__(self, analysis: FaceAnalysis, limits: Limits, settings: Settings,
                 fetch_policy: FetchPolicy, quality_thresholds: dict):
        self.analysis = analysis
        self.limits = limits
        self.settings = settings
        self.fetch_policy = fetch_policy
        self.quality_thresholds = quality_thresholds

    async def within_deadline(self, work):
        """Await the request's work under FACE_REQUEST_DEADLINE_S: 504 past it."""
        seconds = self.settings.request_deadline_s
        # the task wait_for makes copies this context: the request's bulk model
        # calls wait in deadline order (front/model_clients.py)
        REQUEST_DEADLINE.set(time.monotonic() + seconds)
        claims: list = []
        _CLAIMS.set(claims)
        try:
            return await asyncio.wait_for(work, seconds)
        except asyncio.TimeoutError:
            raise InputError(504, f"the request took longer than its deadline of {seconds:g} s "
                                  "(FACE_REQUEST_DEADLINE_S)", "deadline") from None
        finally:
            if claims and pools.give_back(claims[0]) == 0:
                # no large image is held any more: its freed buffers go back to the
                # system (off the event loop; nothing waits for it)
                asyncio.get_running_loop().run_in_executor(None, pools.return_memory)

    def deadline(self) -> float:
        return time.monotonic() + self.settings.request_deadline_s

    def face_limit(self, max_faces):
        """The faces to analyse: the request's max_faces, FACE_MAX_FACES by default;
        422 above FACE_MAX_FACES."""
        limit = self.settings.max_faces
        if max_faces is not None and max_faces > limit:
            raise InputError(422, f"max_faces is {max_faces}, the limit is {limit} "
                                  "(FACE_MAX_FACES)", "too_many_faces")
        return max_faces or limit

    async def decode(self, data: bytes, limits: Limits | None = None) -> np.ndarray:
        """The upload as an RGB array, whole."""
        return await self._decode_with(decode_image, data, limits)

    async def decode_scaled(self, data: bytes, factor_of) -> Decoded:
        """The upload, a JPEG decoded at 1 / factor_of(width, height) of its size
        (inputs/imageio.py): for the flows that map their answer back to the
        upload's pixels."""
        return await self._decode_with(
            lambda data, limits: decode_scaled(data, limits, factor_of), data, None)

    def detection_factor(self, width: int, height: int) -> int:
        """A JPEG over FACE_ANALYSIS_MAX_SIDE is first decoded as coarsely as the
        detector allows (it shrinks every photo to DETECTION_MAX_SIDE anyway)."""
        if max(width, height) <= self.limits.analysis_max_side:
            return 1
        return max(coarsest(width, height, DETECTION_MAX_SIDE),
                   reduction(width, height, self.limits.analysis_max_side))

    async def detected(self, data: bytes, limit: int) -> tuple[Decoded, list[Detection], float]:
        """The upload decoded for a flow that answers in the upload's pixels, and its
        faces (largest first) in the decode's pixels, with the detection's ms.

        A JPEG over FACE_ANALYSIS_MAX_SIDE is decoded coarsely for the detector, and
        kept at that scale when each of the `limit` largest faces is MIN_ANALYSED_FACE
        wide there; otherwise decoded again, as coarsely as they allow and at most to
        FACE_ANALYSIS_MAX_SIDE, the faces moved into its pixels. The 39.8 MP portrait
        of bench/hostile_load.py is then decoded once, at 1/4."""
        first = await self.decode_scaled(data, self.detection_factor)
        started = time.perf_counter()
        faces = await self.analysis.detect(first.image)
        detection_ms = (time.perf_counter() - started) * 1000
        if not first.reduced:
            return first, faces, detection_ms
        coarse = round(first.scale[0])
        finest = reduction(first.width, first.height, self.limits.analysis_max_side)
        wanted = analysis_factor([face.box[2] - face.box[0] for face in faces[:limit]],
                                 coarse, finest)
        if wanted == coarse:
            return first, faces, detection_ms
        finer = await self.decode_scaled(data, lambda width, height: wanted)
        return finer, faces_scaled(faces, finer.image.shape[1] / first.image.shape[1],
                                   finer.image.shape[0] / first.image.shape[0]), detection_ms

    async def _decode_with(self, decode, data: bytes, limits: Limits | None):
        # decoding is CPU work: a thread of the decode pool (front/pools.py) keeps the
        # event loop serving other requests; a request with a large image first takes
        # one of the large-image slots, held until it ends (within_deadline). One
        # slot a request, whatever number of images: two requests each holding one
        # and waiting for a second would wait for each other.
        # a thread: a header is parsed by Python code, a hostile one slowly
        large = await asyncio.to_thread(announced_pixels, data) > pools.LARGE_PIXELS
        claims = _CLAIMS.get()
        if large and claims is not None:
            if not claims:  # the request's first large image: its claim on a slot
                claims.append(asyncio.ensure_future(pools.large_slots().take()))
            await asyncio.shield(claims[0])  # the claim is the request's, not this image's
        return await pools.run("decode_large" if large else "decode", decode, data,
                               limits or self.limits)

    async def fetch(self, url: str, deadline: float) -> bytes:
        # blocking I/O with its own deadline and SSRF checks (inputs/sources.py); it may
        # run 1 s past the request deadline, so that the request's 504 is what the
        # client sees, and the abandoned thread stops right after; its own pool, so
        # slow upstreams never hold the threads that decode
        return await pools.run("fetch", fetch_url, url, self.fetch_policy, deadline + 1.0)

    async def source_bytes(self, value: str | None, name: str, deadline: float,
                           url: str | None = None) -> bytes:
        """base64 / data: URL, or an http(s)/s3 URL fetched under the SSRF policy."""
        if url is None and isinstance(value, str) and value.strip()[:8].lower().startswith(
                ("http://", "https://", "s3://")):
            url, value = value.strip(), None
        if (value is None) == (url is None):
            raise InputError(422, f"send exactly one image for {name} (base64, a data: URL "
                                  "or an http(s)/s3 URL)")
        if url is not None:
            return await self.fetch(url, deadline)
        return await pools.run("decode", decode_base64, value, self.limits)
