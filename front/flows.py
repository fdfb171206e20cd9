"""Each endpoint's work between the request and its answer: decode the images (in
threads, under the limits), run the analysis, all under the request's deadline.
Plain async code around FaceAnalysis, so it runs without BentoML."""

from __future__ import annotations

import asyncio
import contextvars
import time

import numpy as np

from analyzers.detection import MAX_SIDE as DETECTION_MAX_SIDE
from analyzers.face_analysis import FaceAnalysis, ModelUnavailable, Options
from analyzers.upload_pixels import analysis_factor, faces_scaled, in_upload_pixels
from front import pools
from front.form_fields import attributes_of
from front.model_clients import REQUEST_DEADLINE
from errors import InputError
from inputs.budget import announced_pixels
from inputs.imageio import (
    Decoded,
    Limits,
    coarsest,
    decode_base64,
    decode_image,
    decode_scaled,
    load_document,
    reduction,
)
from inputs.sources import FetchPolicy, fetch_url
from compat.scaleflex import scaleflex
from responses.output_formats import check_output_format
from security import Settings

# The request's claim on a large-image slot (front/pools.py), if it has a large
# image; set per request by Flows.within_deadline, which gives it back at the end
_CLAIMS: contextvars.ContextVar[list | None] = contextvars.ContextVar("CLAIMS", default=None)

# /liveness: the modes, and the defaults of its thresholds (README, Liveness)
LIVENESS_MODES = ("plain", "quality", "all")
LIVENESS_QUALITY_THRESHOLD = 50.0
LIVENESS_THRESHOLD = 0.5


class Flows:
    def __init__(self, analysis: FaceAnalysis, limits: Limits, settings: Settings,
                 fetch_policy: FetchPolicy, quality_thresholds: dict):
        self.analysis = analysis
        self.limits = limits
        self.settings = settings
        self.fetch_policy = fetch_policy
        self.quality_thresholds = quality_thresholds

    # -------------------------------------------------------------- the request
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

    @staticmethod
    def output_format(value: str | None):
        """The function that turns a native /analyze result into the asked-for shape."""
        try:
            chosen = check_output_format(value)
        except ValueError as problem:
            raise InputError(422, str(problem)) from None
        return scaleflex if chosen == "scaleflex" else (lambda result: result)

    @staticmethod
    def attributes_for(attributes, output_format: str | None):
        """Scaleflex's answer always carries races: with output_format=scaleflex the
        default attributes include ethnicity (opt-in in the native answer)."""
        if attributes in (None, "", "default") and \
                check_output_format(output_format) == "scaleflex":
            return [*Options().attributes, "ethnicity"]
        return attributes

    def embedding_model(self) -> str:
        model = self.analysis.model_tags.get("embedding")
        if model is None:
            raise ModelUnavailable("embedding", self.analysis.unavailable.get(
                "embedding", "no embedding model"))
        return model

    # -------------------------------------------------------------- images
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

    async def detected(self, data: bytes, limit: int) -> tuple[Decoded, list[dict], float]:
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
        wanted = analysis_factor([face["box"][2] - face["box"][0] for face in faces[:limit]],
                                 coarse, finest)
        if wanted == coarse:
            return first, faces, detection_ms
        finer = await self.decode_scaled(data, lambda width, height: wanted)
        return finer, faces_scaled(faces, finer.image.shape[1] / first.image.shape[1],
                                   finer.image.shape[0] / first.image.shape[0]), detection_ms

    async def analyze_reduced(self, data: bytes, options: Options) -> dict:
        """/analyze's photo, a JPEG over FACE_ANALYSIS_MAX_SIDE decoded reduced
        (`detected`), the answer in the upload's pixels."""
        decoded, faces, detection_ms = await self.detected(data, options.max_faces)
        result = await self.analysis.analyze(decoded.image, options, faces=faces)
        timings = result["timings_ms"]
        timings["detection"] = round(timings.get("detection", 0.0) + detection_ms, 2)
        timings["total"] = round(timings.get("total", 0.0) + detection_ms, 2)
        if not decoded.reduced:
            return result
        return in_upload_pixels(result, decoded.scale, (decoded.width, decoded.height))

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

    # -------------------------------------------------------------- /analyze
    async def analyze(self, data, attributes, max_faces, return_embedding, return_landmarks):
        limit = self.face_limit(max_faces)
        try:
            options = Options.parse(attributes, max_faces=limit,
                                    return_embedding=return_embedding,
                                    return_landmarks=return_landmarks)
        except ValueError as problem:
            raise InputError(422, str(problem)) from problem
        return await self.analyze_reduced(data, options)

    async def analyze_json(self, request, deadline: float):
        if request.image_url is not None:
            data = await self.fetch(request.image_url, deadline)
        else:
            # the decode pool: 14 MB of base64 is half a second of CPU on a busy host
            data = await pools.run("decode", decode_base64, request.image, self.limits)
        return await self.analyze(data, self.attributes_for(attributes_of(request.attributes),
                                                            request.output_format),
                                  request.max_faces,
                                  request.return_embedding, request.return_landmarks)

    # -------------------------------------------------- documents and comparison
    async def document_faces(self, data: bytes, page: int):
        image = await pools.run("document", load_document, data, page, self.limits)
        return image, await self.analysis.detect(image)

    async def compare_inputs(self, selfie_data: bytes, id_data: bytes, id_page: int):
        # both sides at once: decoding in threads, detection in the detector's threads
        selfie_image, id_image = await asyncio.gather(
            self.decode(selfie_data),
            pools.run("document", load_document, id_data, id_page, self.limits))
        selfie_faces, id_faces = await asyncio.gather(
            self.analysis.detect(selfie_image), self.analysis.detect(id_image))
        for name, faces in (("selfie", selfie_faces), ("id_photo", id_faces)):
            if not faces:
                raise InputError(422, f"no face was found in {name}", "no_face")
        vectors = await self.analysis.embed_pair(
            (selfie_image, selfie_faces[0]), (id_image, id_faces[0]))
        return selfie_faces, id_faces, vectors

    async def compare_two(self, first_source, second_source, deadline: float):
        """The raw embeddings of the most prominent faces of two base64 / URL images."""
        first, second = await asyncio.gather(
            self.source_bytes(first_source, "image1", deadline),
            self.source_bytes(second_source, "image2", deadline))
        # a huge JPEG decoded as coarsely as its most prominent face allows (`detected`)
        found = await asyncio.gather(self.detected(first, 1), self.detected(second, 1))
        for name, (_, faces, _) in zip(("image1", "image2"), found):
            if not faces:
                raise InputError(422, f"no face was found in {name}", "no_face")
        return await self.analysis.embed_pair(*((decoded.image, faces[0])
                                                for decoded, faces, _ in found))

    async def faces_and_vectors(self, data: bytes, limit: int):
        """The `limit` largest faces (boxes in the upload's pixels) and their embeddings;
        a huge JPEG decoded reduced (`detected`)."""
        decoded, faces, _ = await self.detected(data, limit)
        faces = faces[:limit]
        if not faces:
            return [], []
        vectors = await self.analysis.embed_pair(*((decoded.image, face) for face in faces))
        if decoded.reduced:
            faces = faces_scaled(faces, *decoded.scale)
        return faces, [np.asarray(v, np.float32) for v in vectors]

    # -------------------------------------------- /fitter, /quality, /mask, /body
    async def fit(self, data, max_faces):
        limit = self.face_limit(max_faces)
        image = await self.decode(data)
        fitted, total = await self.analysis.fit(image, limit)
        return image, fitted, total

    async def assess(self, data, thresholds, max_faces):
        limit = self.face_limit(max_faces)
        image = await self.decode(data)
        fitted, total = await self.analysis.assess_quality(image, thresholds, limit)
        return image, fitted, total

    async def masks(self, data, max_faces):
        limit = self.face_limit(max_faces)
        image = await self.decode(data)
        fitted, total = await self.analysis.masks(image, limit)
        return image, fitted, total

    async def bodies(self, data):
        image = await self.decode(data)
        return image, await self.analysis.detect_bodies(image)

    # -------------------------------------------------------------- /liveness
    async def liveness(self, data, mode, quality_threshold, liveness_threshold, max_faces):
        limit = self.face_limit(max_faces)
        image = await self.decode(data)
        if mode == "quality":
            fitted, total = await self.analysis.assess_quality(image, self.quality_thresholds, 1)
            if total != 1:
                raise InputError(422, f"mode=quality needs exactly one face; found {total}",
                                 "face_count")
            score = float(fitted[0]["quality"]["totalScore"])
            if score < quality_threshold:
                raise InputError(422, f"face quality totalScore {score:g} is below the "
                                      f"quality_threshold {quality_threshold:g}; the liveness "
                                      "check needs a better photo", "low_quality")
            records = [{"face": fitted[0]["face"],
                        "quality": {"totalScore": score, "threshold": quality_threshold,
                                    "passed": True}}]
        else:
            faces = await self.analysis.detect(image)
            total = len(faces)
            if mode == "plain" and total != 1:
                raise InputError(422, f"mode=plain needs exactly one face; found {total}",
                                 "face_count")
            records = [{"face": face} for face in faces[:limit]]
        verdicts = await self.analysis.liveness_scores(
            image, [record["face"] for record in records], liveness_threshold)
        for record, verdict in zip(records, verdicts):
            record["liveness"] = verdict
        return image, records, total

    # ------------------------------------------------- the InsightFace-style detect
    async def insightface_detect(self, request, deadline: float) -> dict:
        """/analyze's faces with age, gender, embedding and ethnicity, plus per face the
        quality totalScore, the mask and liveness confidences and the pose from the
        quality's mesh fit (so the mesh runs once): {faces, image, models, extras}."""
        data = await self.source_bytes(request.image_base64, "image", deadline,
                                       request.image_url)
        limit = self.face_limit(request.max_faces)
        # ethnicity answers `race` when its model is stored (else absent: race null)
        options = Options.parse(["age", "gender", "embedding", "ethnicity"],
                                max_faces=limit, return_embedding=True)
        image = await self.decode(data)
        faces = await self.analysis.detect(image)  # once, shared by the three below

        async def optional(work):
            try:
                return await work
            except ModelUnavailable as problem:
                return problem

        result, assessed, verdicts = await asyncio.gather(
            self.analysis.analyze(image, options, faces=faces),
            optional(self.analysis.assess_quality(image, self.quality_thresholds, limit,
                                                  faces=faces)),
            optional(self.analysis.liveness_scores(image, faces[:limit],
                                                   LIVENESS_THRESHOLD)))
        extras = [{"unavailable": {}} for _ in result["faces"]]
        result["models"]["pose"] = (self.analysis.model_tags.get("mesh")
                                    if not isinstance(assessed, Exception)
                                    else self.analysis.coarse_pose_model)
        for index, extra in enumerate(extras):
            record = result["faces"][index]
            record["pose"] = (assessed[0][index]["pose"] if not isinstance(assessed, Exception)
                              else self.analysis.coarse_pose(faces[index]))
            if isinstance(assessed, Exception):
                extra["unavailable"]["quality"] = str(assessed)
                extra["unavailable"]["mask_confidence"] = str(assessed)
            else:
                qaa = assessed[0][index]["quality"]
                extra["quality"] = qaa["totalScore"]
                masked = qaa.get("notMasked")
                if masked is None:
                    extra["unavailable"]["mask_confidence"] = qaa["skipped"].get(
                        "notMasked", "the mask check could not be made")
                else:  # the probability-like share for "masked", from the verdict
                    extra["mask_confidence"] = round(
                        masked["confidence"] if masked["masked"] else 1 - masked["confidence"],
                        4)
            if isinstance(verdicts, Exception):
                extra["unavailable"]["liveness_confidence"] = str(verdicts)
            else:
                extra["liveness_confidence"] = verdicts[index]["score"]
        result["extras"] = extras
        return result
