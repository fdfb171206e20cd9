"""POST /analyze-batch (repeated `files` parts) and /analyze-batch-json (a JSON list
of base64 images, data: URLs or http(s)/s3 URLs): many photos in one request, each
answered as /analyze would answer it, in the order sent, each with its own status
and, where it failed, its own `{"detail", "code"}` while the others succeed.

The photos go through in groups of GROUP_PHOTOS: each group's photos are decoded and
detected at once, then every task model gets the faces of the whole group in one
call of at most CALL_ITEMS faces (FaceAnalysis.analyze_together), where a single
/analyze sends one photo's. GROUPS_AT_ONCE groups are in flight, so some groups'
models run while others decode and detect.

The whole request is bounded by the limits of one request plus its own:
- the body by FACE_MAX_REQUEST_BYTES (security.RequestGuard), each photo by
  FACE_MAX_UPLOAD_BYTES, FACE_MAX_PIXELS and the JPEG scan budget (inputs/);
- the photos by FACE_BATCH_MAX_IMAGES (422 for the request);
- the bytes fetched from URLs, all together, by FACE_MAX_REQUEST_BYTES (413 for
  the photo past it), each fetch by the URL policy (inputs/sources.py);
- the pixels decoded and held at once by twice FACE_MAX_PIXELS (a photo waits);
- the faces analysed, all together, by FACE_BATCH_MAX_FACES (422 for the photo
  whose faces, found after the others', would pass it);
- the time by FACE_REQUEST_DEADLINE_S: photos unfinished at the deadline answer
  504 each, the finished ones 200.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable

from analyzers.face_analysis import ModelUnavailable, Options
from analyzers.upload_pixels import in_upload_pixels
from errors import InputError
from front.flows import Flows
from front.http import read_upload
from front.model_clients import CALL_ITEMS
from inputs.budget import announced_pixels
from security import BatchLimits, batch_max_images  # noqa: F401 (re-exported)
from inputs.imageio import decode_base64

# 8 faces a call keep most of the per-call saving (docs/benchmarks.md, 2026-12-07);
# four groups in flight keep every model service busy, as 16 clients' requests do
GROUP_PHOTOS, GROUPS_AT_ONCE = 8, 4
# after a group's first photo is detected, how long the others are waited for before
# the ones found go to the models together (a slow photo then holds up only itself)
GATHER_S = 0.25
# the request answers this long before its deadline, so the finished photos are not
# lost to the whole request's 504
ANSWER_MARGIN_S = 0.5

Source = Callable[[], Awaitable[bytes]]


class PixelBudget:
    """Pixels decoded and held at once by one request; a photo waits for room."""

    def __init__(self, most: int):
        self.most, self.used = most, 0
        self.changed = asyncio.Condition()

    async def take(self, pixels: int) -> int:
        pixels = min(pixels, self.most)
        async with self.changed:
            await self.changed.wait_for(lambda: self.used + pixels <= self.most)
            self.used += pixels
        return pixels

    async def give(self, pixels: int) -> None:
        async with self.changed:
            self.used -= pixels
            self.changed.notify_all()


def failure(status: int, detail: str, code: str) -> dict:
    return {"status": status, "result": None, "error": {"detail": detail, "code": code}}


class Batch:
    def __init__(self, flows: Flows, limits: BatchLimits):
        self.flows = flows
        self.limits = limits

    # ------------------------------------------------------------ the sources
    def check_count(self, count: int) -> None:
        if count == 0:
            raise InputError(422, "the batch has no photos", "empty_batch")
        if count > self.limits.max_images:
            raise InputError(422, f"the batch has {count} photos, the limit is "
                                  f"{self.limits.max_images} (FACE_BATCH_MAX_IMAGES)",
                             "too_many_images")

    def json_sources(self, items: list, deadline: float) -> list[tuple[str | None, Source]]:
        """(name, source) per item of a JSON batch: a string (base64, a data: URL or
        an http(s)/s3 URL) or an object {"image": ...} / {"image_url": ...}."""
        self.check_count(len(items))
        fetched = {"bytes": 0}
        limit = self.flows.settings.max_request_bytes

        def source(item, index):
            async def read() -> bytes:
                value, url = item, None
                if isinstance(item, dict):
                    value, url = item.get("image"), item.get("image_url")
                    if set(item) - {"image", "image_url"}:
                        raise InputError(422, f"images[{index}] has fields "
                                              f"{sorted(set(item) - {'image', 'image_url'})}; "
                                              "it takes image or image_url")
                if not (value is None or isinstance(value, str)) or \
                        not (url is None or isinstance(url, str)):
                    raise InputError(422, f"images[{index}] must be a string (base64, a data: "
                                          "URL or an http(s)/s3 URL) or {\"image\"} / "
                                          "{\"image_url\"}")
                if url is None and isinstance(value, str) and not value.strip()[:8].lower() \
                        .startswith(("http://", "https://", "s3://")):
                    return decode_base64(value, self.flows.limits)
                data = await self.flows.source_bytes(value, f"images[{index}]", deadline, url)
                fetched["bytes"] += len(data)
                if fetched["bytes"] > limit:
                    raise InputError(413, f"the batch's URLs fetched more than {limit:,} bytes "
                                          "together, the limit of one request "
                                          "(FACE_MAX_REQUEST_BYTES)", "batch_too_large")
                return data
            return read

        return [(item.get("image_url") if isinstance(item, dict) else
                 item if isinstance(item, str) and "://" in item[:8] else None,
                 source(item, index)) for index, item in enumerate(items)]

    # ------------------------------------------------------------ the analysis
    async def analyze(self, sources: list[tuple[str | None, Source]], options: Options,
                      shape, deadline: float) -> dict:
        """{"results": [per photo, in order], "count", "succeeded", "failed"}."""
        self.check_count(len(sources))
        answers: list[dict | None] = [None] * len(sources)
        state = {"faces": 0, "pixels": PixelBudget(2 * self.flows.limits.max_pixels)}
        gate = asyncio.Semaphore(GROUPS_AT_ONCE)

        async def group(indices):
            async with gate:
                await self._group(indices, sources, options, shape, answers, state)

        work = [asyncio.ensure_future(group(range(start, min(len(sources),
                                                             start + GROUP_PHOTOS))))
                for start in range(0, len(sources), GROUP_PHOTOS)]
        _, pending = await asyncio.wait(
            work, timeout=max(0.0, deadline - time.monotonic() - ANSWER_MARGIN_S))
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in work:
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()
        seconds = self.flows.settings.request_deadline_s
        results = []
        for index, ((name, _), answer) in enumerate(zip(sources, answers)):
            answer = answer or failure(504, "the batch reached its deadline of "
                                            f"{seconds:g} s before this photo was analysed "
                                            "(FACE_REQUEST_DEADLINE_S)", "deadline")
            results.append({"index": index, "name": name, **answer})
        succeeded = sum(1 for result in results if result["status"] == 200)
        return {"results": results, "count": len(results), "succeeded": succeeded,
                "failed": len(results) - succeeded}

    async def _group(self, indices, sources, options: Options, shape, answers, state) -> None:
        """Detect the group's photos at once; analyse together those found within
        GATHER_S of each other, so a slow photo holds up only itself."""
        detecting = {asyncio.ensure_future(self._detected(sources[i][1], options, state)): i
                     for i in indices}
        analysing = []
        try:
            pending = set(detecting)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                if pending:
                    more, pending = await asyncio.wait(pending, timeout=GATHER_S)
                    done |= more
                ready = await self._admitted(sorted((detecting[task], task.result())
                                                    for task in done), options, answers, state)
                if ready:
                    analysing.append(asyncio.ensure_future(
                        self._analysed(ready, options, shape, answers, state)))
            await asyncio.gather(*analysing)
        finally:  # the deadline cancelled this group: its photos' work stops too
            for task in [*detecting, *analysing]:
                task.cancel()

    async def _admitted(self, found, options: Options, answers, state) -> list:
        """The detected photos the face budget admits; the others' answers set."""
        ready = []
        for index, outcome in found:
            if isinstance(outcome, dict):
                answers[index] = outcome
                continue
            decoded, faces, detection_ms, held = outcome
            count = min(len(faces), options.max_faces)
            if state["faces"] + count > self.limits.max_faces:
                await state["pixels"].give(held)
                answers[index] = failure(
                    422, f"this photo's {count} faces would take the batch past "
                         f"{self.limits.max_faces} faces (FACE_BATCH_MAX_FACES)",
                    "batch_face_budget")
                continue
            state["faces"] += count
            ready.append((index, decoded, faces, detection_ms, held))
        return ready

    async def _analysed(self, ready, options: Options, shape, answers, state) -> None:
        try:
            analysed = await self.flows.analysis.analyze_together(
                [(decoded.image, faces) for _, decoded, faces, _, _ in ready], options,
                CALL_ITEMS)
        finally:
            for *_, held in ready:
                await state["pixels"].give(held)
        for (index, decoded, _, detection_ms, _), result in zip(ready, analysed):
            timings = result["timings_ms"]
            timings["detection"] = round(detection_ms, 2)
            timings["total"] = round(timings.get("total", 0.0) + detection_ms, 2)
            if decoded.reduced:
                result = in_upload_pixels(result, decoded.scale, (decoded.width, decoded.height))
            answers[index] = {"status": 200, "result": shape(result), "error": None}

    async def _detected(self, source: Source, options: Options, state):
        """(decoded, faces, detection ms, pixels held) of one photo, or its failure."""
        held = 0
        try:
            data = await source()
            held = await state["pixels"].take(max(1, announced_pixels(data)))
            decoded, faces, detection_ms = await self.flows.detected(data, options.max_faces)
            return decoded, faces, detection_ms, held
        except InputError as problem:
            outcome = failure(problem.status, problem.detail, problem.code)
        except ModelUnavailable as problem:
            outcome = failure(503, str(problem), "model_unavailable")
        if held:
            await state["pixels"].give(held)
        return outcome


def options_for(flows: Flows, attributes, max_faces, return_embedding, return_landmarks,
                output_format) -> tuple[Options, Callable]:
    """The batch's Options and output shape, as /analyze reads them (422 when bad)."""
    shape = flows.output_format(output_format)
    limit = flows.face_limit(max_faces)
    try:
        options = Options.parse(flows.attributes_for(attributes, output_format),
                                max_faces=limit, return_embedding=return_embedding,
                                return_landmarks=return_landmarks)
    except ValueError as problem:
        raise InputError(422, str(problem)) from problem
    return options, shape


# BentoML keeps an upload as tempfile's "tmp" + 8 random characters + its filename
_TEMP_NAME = re.compile(r"^tmp[a-z0-9_]{8}(.+)$")


def upload_name(path) -> str | None:
    """The filename the client gave an uploaded part (None when it gave none)."""
    found = _TEMP_NAME.match(getattr(path, "name", ""))
    return found.group(1) if found else None


def bytes_source(data: bytes, limits) -> Source:
    """A photo's bytes already in memory (the folder command in-process)."""
    async def read() -> bytes:
        if len(data) > limits.max_bytes:
            raise InputError(413, f"the file is {len(data)} bytes, the limit is "
                                  f"{limits.max_bytes} bytes", "too_large")
        return data
    return read


def upload_source(path, limits, name: str) -> Source:
    """An uploaded file part: too large a file fails only its photo."""
    async def read() -> bytes:
        return await read_upload(path, limits, name)
    return read
