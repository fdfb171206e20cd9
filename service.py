"""The face-analysis front service: thin HTTP layer over the model services.

    bentoml serve            (reads bentofile.yaml: service.py:FaceAnalysisService)

Endpoints: POST /analyze, /analyze-base64, /extract-face, /compare-faces, /fitter,
/quality, /liveness, /body, /mask;
GET /health (plus BentoML's /livez, /readyz, /metrics, /docs.json, Swagger at /).
Every client error is a 4xx JSON body with `detail`; see inputs/imageio.py
for the input limits.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import io
import json
import logging
import time
from pathlib import Path
from typing import Any

import aiohttp
import bentoml
import numpy as np
from PIL import Image
from pydantic import BaseModel, Field
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response

import settings
from analyzers.embedding import compare, metric_for
from analyzers.face_analysis import ATTRIBUTES, FaceAnalysis, ModelUnavailable, Options
from analyzers.mesh import LEFT_IRIS_CENTER, RIGHT_IRIS_CENTER
from inputs.imageio import InputError, Limits, decode_base64, decode_image, load_document
from inputs.sources import FetchPolicy, fetch_url
from measures.prominence import prominence_scores
from measures.quality import ThresholdError, parse_thresholds
from model_services import SERVED, TASK_MODELS, UNAVAILABLE, model_dependencies
from models.registry import BY_NAME
from responses import templates
from responses.output_formats import OUTPUT_FORMATS, check_output_format, insightface_face, scaleflex
from schemas import (AnalyzeResponse, BodyResponse, CompareResponse, ExtractFaceResponse,
                     FitterResponse, InsightFaceCompareResponse, InsightFaceDetectResponse,
                     LivenessResponse, MaskResponse, QualityResponse, TemplateExtractResponse,
                     VerifyResponse)
from security import ApiKeyMiddleware, RequestGuard, Settings, cors_options, routes_of

log = logging.getLogger("face_analysis")
health_state: dict = {"status": "starting", "models": {}}
# API key, CORS, request and body limits, deadline (security.py); read at import
# because the middlewares are registered at import.
SETTINGS = Settings.from_env()
MAX_FACES_HELP = "faces analysed, most prominent first; default and limit: FACE_MAX_FACES (100)"
OUTPUT_FORMAT_HELP = (f"one of {list(OUTPUT_FORMATS)}: 'scaleflex' keys faces face_0, face_1, ... "
                      "with box, emotions (%), dominant_emotion, age, gender, races (null)")


class AnalyzeBase64Request(BaseModel):
    image: str | None = Field(default=None, description="base64 image, or a data: URL "
                              "(send this or image_url)")
    image_url: str | None = Field(
        default=None, description="http(s) URL or s3://bucket/key of the image, fetched by the "
        "server: public addresses only unless FACE_URL_ALLOWLIST permits (send this or image)")
    attributes: list[str] | None = Field(
        default=None, description=f"subset of {list(ATTRIBUTES)} or ['all']; default: all "
        "but embedding, landmarks and beauty")
    max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP)
    return_embedding: bool = False
    return_landmarks: bool = Field(default=False, description="add the 478-point mesh and 68 points")
    output_format: str = Field(default="native", description=OUTPUT_FORMAT_HELP)


class VerifyRequest(BaseModel):
    template1: str = Field(description="a $template from /templates/extract")
    template2: str = Field(description="a $template from /templates/extract (same model)")
    operating_point: str | None = Field(default=None, description=templates.OPERATING_POINT_HELP)
    threshold: float | None = Field(default=None, ge=0.01, le=4.0,
                                    description="a distance threshold instead of operating_point")


class InsightFaceDetectRequest(BaseModel):
    image_base64: str | None = Field(default=None, description="base64 image or a data: URL")
    image_url: str | None = Field(default=None, description="http(s) or s3:// URL (send this "
                                  "or image_base64)")
    max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP)


class InsightFaceCompareRequest(BaseModel):
    image1: str = Field(description="base64, a data: URL, or an http(s)/s3:// URL")
    image2: str = Field(description="base64, a data: URL, or an http(s)/s3:// URL")


def error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def json_errors(endpoint):
    """An API method's InputError becomes its 4xx and ModelUnavailable a 503, both
    as a JSON {"detail"} answer (wraps keeps the signature BentoML reads)."""

    @functools.wraps(endpoint)
    async def answer(*args, **kwargs):
        try:
            return await endpoint(*args, **kwargs)
        except InputError as problem:
            return error(problem.status, problem.detail)
        except ModelUnavailable as problem:
            return error(503, str(problem))

    return answer


def ok(payload: dict) -> Response:
    """The payload as it is: the response models document it in the OpenAPI spec
    (and the tests validate against them), but fields nobody asked for stay absent
    instead of being filled with nulls by the model."""
    return Response(json.dumps(payload, default=_plain), media_type="application/json")


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


async def read_upload(path: Path, limits: Limits, name: str) -> bytes:
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise InputError(413, f"{name} is {size} bytes, the limit is {limits.max_bytes} bytes")
    return path.read_bytes()


# A pooled keep-alive connection to a model service can be closed by that
# service just as a request goes out on it; predict is idempotent, so such a
# request is sent again on a fresh connection rather than failing the user's.
CONNECTION_RETRIES = 2


class ModelTimeout(Exception):
    pass


def remote_predict(client, timeout_s: float):
    async def attempts(batch):
        for attempt in range(CONNECTION_RETRIES + 1):
            try:
                # the client resolves its endpoints on first use, not in __init__
                return await client.to_async.predict(batch)
            except aiohttp.ClientConnectionError:
                if attempt == CONNECTION_RETRIES:
                    raise
                await asyncio.sleep(0.01 * (attempt + 1))

    async def predict(batch):
        # A killed model worker's socket still accepts connections until the worker
        # is restarted: without a bound the call would wait for the request deadline.
        try:
            return await asyncio.wait_for(attempts(batch), timeout_s)
        except asyncio.TimeoutError:
            raise ModelTimeout(f"no answer within {timeout_s:g} s (FACE_MODEL_TIMEOUT_S)") \
                from None

    return predict


class HealthEndpoint:
    """GET /health: status and the model tags this process loaded (ASGI middleware,
    because a mounted app would only answer /health/)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] in ("/health", "/health/") \
                and scope["method"] == "GET":
            await JSONResponse(health_state)(scope, receive, send)
        else:
            await self.app(scope, receive, send)


# /liveness: the modes, and the defaults of its thresholds (README, Liveness)
LIVENESS_MODES = ("plain", "quality", "all")
LIVENESS_MODE_HELP = ("'plain': exactly one face, else 422; 'quality': exactly one face whose "
                      "quality totalScore reaches quality_threshold, else 422; 'all': every "
                      "detected face")
LIVENESS_QUALITY_THRESHOLD = 50.0
LIVENESS_THRESHOLD = 0.5


@bentoml.service(name="face-analysis", workers=1, traffic={"timeout": 120})
class FaceAnalysisService(model_dependencies()):
    # the model services come from the base class: `model_<task>` for each task whose
    # chosen model is in the store (model_services.SERVED, models/priority.py)

    def __init__(self) -> None:
        self.limits = Limits.from_env()
        self.settings = SETTINGS
        self.fetch_policy = FetchPolicy.from_env(max_bytes=self.limits.max_bytes)
        log.info("input limits: %s; %s; URL sources: %s", self.limits,
                 {k: v for k, v in vars(SETTINGS).items() if k != "api_keys"}, self.fetch_policy)
        self.clients = {task: getattr(self, f"model_{task}") for task in SERVED}
        predictors, tags, labels = {}, {}, {}
        for task, client in self.clients.items():
            stored_model = bentoml.models.get(BY_NAME[TASK_MODELS[task]].tag)
            predictors[task] = remote_predict(client, SETTINGS.model_timeout_s)
            tags[task] = str(stored_model.tag)
            names = Path(stored_model.path) / "labels.json"  # the Hugging Face models' classes
            if names.is_file():
                labels[task] = json.loads(names.read_text())
        log.info("models answering: %s; missing: %s", tags, sorted(UNAVAILABLE))
        self.analysis = FaceAnalysis(predictors, tags, dict(UNAVAILABLE),
                                     gender_task="gender" if "gender" in TASK_MODELS
                                     else "age_gender", labels=labels)
        health_state.update(
            status="ok" if "detection" in predictors else "degraded",
            models=tags, unavailable=dict(UNAVAILABLE),
        )

    # ------------------------------------------------------------- /analyze
    @bentoml.api(route="/analyze")
    @json_errors
    async def analyze(
        self,
        file: Path,
        attributes: str = Field(default="", description=f"comma-separated subset of "
                                f"{list(ATTRIBUTES)} or 'all'; empty: all but embedding, "
                                "landmarks and beauty"),
        max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP),
        return_embedding: bool = False,
        return_landmarks: bool = False,
        output_format: str = Field(default="native", description=OUTPUT_FORMAT_HELP),
    ) -> AnalyzeResponse:
        """Every face in an uploaded photo, most prominent first, with all attributes."""
        data = await read_upload(file, self.limits, "file")
        shape = self._output_format(output_format)
        return ok(shape(await self._within_deadline(self._analyze(
            data, attributes, max_faces, return_embedding, return_landmarks))))

    @bentoml.api(route="/analyze-base64", input_spec=AnalyzeBase64Request)
    @json_errors
    async def analyze_base64(self, **request) -> AnalyzeResponse:
        """The same as /analyze, for a JSON body {"image": "<base64 or data: URL>", ...}
        or {"image_url": "https://... or s3://bucket/key", ...}."""
        request = AnalyzeBase64Request(**request)
        deadline = time.monotonic() + self.settings.request_deadline_s
        if (request.image is None) == (request.image_url is None):
            raise InputError(422, "send exactly one of image (base64 or a data: URL) and "
                                  "image_url")
        shape = self._output_format(request.output_format)
        return ok(shape(await self._within_deadline(self._analyze_json(request, deadline))))

    async def _analyze_json(self, request: AnalyzeBase64Request, deadline: float):
        if request.image_url is not None:
            # blocking I/O with its own deadline and SSRF checks (inputs/sources.py);
            # it may run 1 s past the request deadline, so that the request's 504 is
            # what the client sees, and the abandoned thread stops right after
            data = await asyncio.to_thread(fetch_url, request.image_url, self.fetch_policy,
                                           deadline + 1.0)
        else:
            data = decode_base64(request.image, self.limits)
        return await self._analyze(data, request.attributes, request.max_faces,
                                   request.return_embedding, request.return_landmarks)

    async def _within_deadline(self, work):
        """Await the request's work under FACE_REQUEST_DEADLINE_S: 504 past it."""
        seconds = self.settings.request_deadline_s
        try:
            return await asyncio.wait_for(work, seconds)
        except asyncio.TimeoutError:
            raise InputError(504, f"the request took longer than its deadline of {seconds:g} s "
                                  "(FACE_REQUEST_DEADLINE_S)", "deadline") from None

    def _face_limit(self, max_faces):
        """The faces to analyse: the request's max_faces, FACE_MAX_FACES by default;
        422 above FACE_MAX_FACES."""
        limit = self.settings.max_faces
        if max_faces is not None and max_faces > limit:
            raise InputError(422, f"max_faces is {max_faces}, the limit is {limit} "
                                  "(FACE_MAX_FACES)", "too_many_faces")
        return max_faces or limit

    async def _analyze(self, data, attributes, max_faces, return_embedding, return_landmarks):
        limit = self._face_limit(max_faces)
        try:
            options = Options.parse(attributes, max_faces=limit,
                                    return_embedding=return_embedding,
                                    return_landmarks=return_landmarks)
        except ValueError as problem:
            raise InputError(422, str(problem)) from problem
        # decoding is CPU work: a thread keeps the event loop serving other requests
        image = await asyncio.to_thread(decode_image, data, self.limits)
        return await self.analysis.analyze(image, options)

    # -------------------------------------------------------- /extract-face
    @bentoml.api(route="/extract-face")
    @json_errors
    async def extract_face(
        self,
        file: Path,
        page: int = Field(default=1, ge=1, description="PDF page (1-based)"),
        margin: float = Field(default=0.25, ge=0.0, le=2.0,
                              description="margin around the face box, as a fraction of its size"),
    ) -> ExtractFaceResponse:
        """The most prominent face of an ID document (JPEG, PNG or PDF) as a JPEG data URL."""
        data = await read_upload(file, self.limits, "file")
        image, faces = await self._within_deadline(self._document_faces(data, page))
        if not faces:
            return error(404, "no face was found in the document")
        height, width = image.shape[:2]
        scores = prominence_scores([f["box"] for f in faces], width, height)
        best = max(range(len(faces)), key=lambda i: scores[i]["combined_score"])
        face = faces[best]
        x1, y1, x2, y2 = (float(v) for v in face["box"])
        pad_x, pad_y = (x2 - x1) * margin, (y2 - y1) * margin
        left, top = max(0, int(x1 - pad_x)), max(0, int(y1 - pad_y))
        right, bottom = min(width, int(np.ceil(x2 + pad_x))), min(height, int(np.ceil(y2 + pad_y)))
        buffer = io.BytesIO()
        Image.fromarray(image[top:bottom, left:right]).save(buffer, "JPEG", quality=95)
        return ok({
            "success": True,
            "face_image": "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode(),
            "metadata": {
                "total_faces": len(faces),
                "selected_index": best,
                "confidence": round(float(face["score"]), 5),
                "bbox": [round(x1, 1), round(y1, 1), round(x2, 1), round(y2, 1)],
                "crop_box": [left, top, right, bottom],
                "face_size": {"width": round(x2 - x1, 1), "height": round(y2 - y1, 1)},
                **scores[best],
                "all_faces": [
                    {"index": i, "bbox": [round(float(v), 1) for v in f["box"]],
                     "confidence": round(float(f["score"]), 5), **scores[i]}
                    for i, f in enumerate(faces)
                ],
            },
        })

    async def _document_faces(self, data, page):
        image = await asyncio.to_thread(load_document, data, page, self.limits)
        return image, await self.analysis.detect(image)

    # ------------------------------------------------------- /compare-faces
    @bentoml.api(route="/compare-faces")
    @json_errors
    async def compare_faces(
        self,
        selfie: Path,
        id_photo: Path,
        # ge, not gt: pydantic writes gt as a numeric exclusiveMinimum, which the
        # OpenAPI 3.0 spec BentoML publishes does not allow
        threshold: float | None = Field(default=None, ge=0.01, le=4.0, description=(
            "euclidean distance below which the faces match; default: the embedding "
            "model's own (dlib 0.6, ArcFace 1.2 on unit vectors = cosine 0.28)")),
        id_page: int = Field(default=1, ge=1, description="page, when id_photo is a PDF"),
    ) -> CompareResponse:
        """Is the most prominent face of the selfie the same person as on the ID photo?"""
        selfie_data = await read_upload(selfie, self.limits, "selfie")
        id_data = await read_upload(id_photo, self.limits, "id_photo")
        selfie_faces, id_faces, vectors = await self._within_deadline(
            self._compare_inputs(selfie_data, id_data, id_page))
        model = self.analysis.model_tags.get("embedding")
        metric = metric_for(model)
        result = compare(vectors[0], vectors[1], threshold, metric)
        return ok({
            "success": True,
            **result,
            "metric": metric.description,
            "model": model,
            "selfie_face": {"bbox": [round(float(v), 1) for v in selfie_faces[0]["box"]],
                            "confidence": round(float(selfie_faces[0]["score"]), 5),
                            "faces_found": len(selfie_faces)},
            "id_face": {"bbox": [round(float(v), 1) for v in id_faces[0]["box"]],
                        "confidence": round(float(id_faces[0]["score"]), 5),
                        "faces_found": len(id_faces)},
        })

    async def _compare_inputs(self, selfie_data, id_data, id_page):
        # both sides at once: decoding in threads, detection in the detector's threads
        selfie_image, id_image = await asyncio.gather(
            asyncio.to_thread(decode_image, selfie_data, self.limits),
            asyncio.to_thread(load_document, id_data, id_page, self.limits))
        selfie_faces, id_faces = await asyncio.gather(
            self.analysis.detect(selfie_image), self.analysis.detect(id_image))
        for name, faces in (("selfie", selfie_faces), ("id_photo", id_faces)):
            if not faces:
                raise InputError(422, f"no face was found in {name}", "no_face")
        vectors = await self.analysis.embed_pair(
            (selfie_image, selfie_faces[0]), (id_image, id_faces[0]))
        return selfie_faces, id_faces, vectors

    # ---------------------------------------------------------- /batch-stats
    @bentoml.api(route="/batch-stats")
    async def batch_stats(self) -> dict:
        """Items per model run seen by each model service since start: adaptive batching at work."""
        stats = {}
        for task, client in self.clients.items():
            try:
                stats[task] = await client.to_async.stats()
            except Exception as problem:  # a model service that is down says so here
                stats[task] = {"error": str(problem)}
        return stats

    # --- templates, verify, InsightFace-style API ---------------------------
    @staticmethod
    def _output_format(value: str | None):
        """The function that turns a native /analyze result into the asked-for shape."""
        try:
            chosen = check_output_format(value)
        except ValueError as problem:
            raise InputError(422, str(problem)) from None
        return scaleflex if chosen == "scaleflex" else (lambda result: result)

    async def _source_bytes(self, value: str | None, name: str, deadline: float,
                            url: str | None = None) -> bytes:
        """base64 / data: URL, or an http(s)/s3 URL fetched under the SSRF policy."""
        if url is None and isinstance(value, str) and value.strip()[:8].lower().startswith(
                ("http://", "https://", "s3://")):
            url, value = value.strip(), None
        if (value is None) == (url is None):
            raise InputError(422, f"send exactly one image for {name} (base64, a data: URL "
                                  "or an http(s)/s3 URL)")
        if url is not None:
            return await asyncio.to_thread(fetch_url, url, self.fetch_policy, deadline + 1.0)
        return decode_base64(value, self.limits)

    def _embedding_model(self) -> str:
        model = self.analysis.model_tags.get("embedding")
        if model is None:
            raise ModelUnavailable("embedding", self.analysis.unavailable.get(
                "embedding", "no embedding model"))
        return model

    @bentoml.api(route="/templates/extract")
    @json_errors
    async def templates_extract(
        self,
        file: Path,
        max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP),
    ) -> TemplateExtractResponse:
        """A verification template for every face of a photo, most prominent first."""
        data = await read_upload(file, self.limits, "file")
        model = self._embedding_model()
        limit = self._face_limit(max_faces)
        faces, vectors = await self._within_deadline(self._faces_and_vectors(data, limit))
        return ok({"faces": [{
            "bbox": [round(float(v), 1) for v in face["box"]],
            "confidence": round(float(face["score"]), 5),
            "$template": templates.encode(vector, model),
            "template_size": int(len(vector)),
            "model": model,
        } for face, vector in zip(faces, vectors)], "face_count": len(faces), "model": model})

    async def _faces_and_vectors(self, data: bytes, limit: int):
        image = await asyncio.to_thread(decode_image, data, self.limits)
        faces = (await self.analysis.detect(image))[:limit]
        if not faces:
            return [], []
        vectors = await self.analysis.embed_pair(*((image, face) for face in faces))
        return faces, [np.asarray(v, np.float32) for v in vectors]

    @bentoml.api(route="/templates/verify", input_spec=VerifyRequest)
    async def templates_verify(self, **request) -> VerifyResponse:
        """Are two templates (from /templates/extract) the same person? Distance, score,
        measured FAR/FRR at that distance, and the decision at the operating point."""
        request = VerifyRequest(**request)
        try:
            first = templates.decode(request.template1, "template1")
            second = templates.decode(request.template2, "template2")
            point = request.operating_point if request.threshold is None else request.threshold
            if request.threshold is not None and request.operating_point not in (None, ""):
                raise templates.TemplateError("send operating_point or threshold, not both")
            result = templates.verify(first, second, point, metric_for(first.model),
                                      templates.load_calibration(first.model))
        except templates.TemplateError as problem:
            return error(422, str(problem))
        return ok(result)

    @bentoml.api(route="/v1/models/insightface:detect", input_spec=InsightFaceDetectRequest)
    @json_errors
    async def insightface_detect(self, **request) -> InsightFaceDetectResponse:
        """InsightFace-style detection: every face with box, 5 landmarks, feature
        (unit embedding), roll/yaw/pitch, gender, age bracket, quality (the /quality
        totalScore, 0-100), mask_confidence (0-1, from /mask's check),
        liveness_confidence (0-1, /liveness's score); race from the ethnicity
        classifier when it is stored, else null with the reason."""
        request = InsightFaceDetectRequest(**request)
        deadline = time.monotonic() + self.settings.request_deadline_s
        result = await self._within_deadline(self._insightface_detect(request, deadline))
        return ok({"faces": [insightface_face(record, extra)
                             for record, extra in zip(result["faces"], result["extras"])],
                   "image": result["image"], "models": result["models"]})

    async def _insightface_detect(self, request, deadline):
        data = await self._source_bytes(request.image_base64, "image", deadline,
                                        request.image_url)
        limit = self._face_limit(request.max_faces)
        # ethnicity answers `race` when its model is stored (else absent: race null);
        # pose comes from the quality assessment's mesh fit, so the mesh runs once
        options = Options.parse(["age", "gender", "embedding", "ethnicity"],
                                max_faces=limit, return_embedding=True)
        image = await asyncio.to_thread(decode_image, data, self.limits)
        faces = await self.analysis.detect(image)  # once, shared by the three below

        async def optional(work):
            try:
                return await work
            except ModelUnavailable as problem:
                return problem

        result, assessed, verdicts = await asyncio.gather(
            self.analysis.analyze(image, options, faces=faces),
            optional(self.analysis.assess_quality(image, QUALITY_THRESHOLDS, limit,
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

    @bentoml.api(route="/v1/models/insightface:compare", input_spec=InsightFaceCompareRequest)
    @json_errors
    async def insightface_compare(self, **request) -> InsightFaceCompareResponse:
        """InsightFace-style comparison of the most prominent faces of two images:
        `similarity` is the cosine of the unit embeddings (-1..1, can be negative)."""
        request = InsightFaceCompareRequest(**request)
        deadline = time.monotonic() + self.settings.request_deadline_s
        vectors = await self._within_deadline(self._compare_two(request, deadline))
        model = self.analysis.model_tags.get("embedding")
        result = compare(vectors[0], vectors[1], None, metric_for(model))
        return ok({"similarity": round(result["similarity"], 6),
                   "distance": round(result["distance"], 6), "match": result["match"],
                   "model": model})

    async def _compare_two(self, request, deadline):
        first, second = await asyncio.gather(
            self._source_bytes(request.image1, "image1", deadline),
            self._source_bytes(request.image2, "image2", deadline))
        images = await asyncio.gather(asyncio.to_thread(decode_image, first, self.limits),
                                      asyncio.to_thread(decode_image, second, self.limits))
        faces = await asyncio.gather(*(self.analysis.detect(image) for image in images))
        for name, found in zip(("image1", "image2"), faces):
            if not found:
                raise InputError(422, f"no face was found in {name}", "no_face")
        return await self.analysis.embed_pair((images[0], faces[0][0]), (images[1], faces[1][0]))

    # ------------------------------------------------------ /fitter and /quality
    @bentoml.api(route="/fitter")
    @json_errors
    async def fitter(
        self,
        file: Path,
        max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP),
    ) -> FitterResponse:
        """Per face: the 478-point MediaPipe mesh as a flat [x, y, z, ...] pixel list, the
        iris centres (the subject's own left / right) and the head pose."""
        data = await read_upload(file, self.limits, "file")
        image, fitted, total = await self._within_deadline(self._fit(data, max_faces))
        height, width = image.shape[:2]
        faces = []
        for record in fitted:
            points = record["points"]
            faces.append({
                **_face_box(record["face"], width, height),
                "fitter": {
                    "fitter_type": "mediapipe_mesh_478",
                    "num_keypoints": int(len(points)),
                    "keypoints": [round(float(v), 2) for v in np.asarray(points).ravel()],
                    "left_eye": [round(float(v), 2) for v in points[LEFT_IRIS_CENTER, :2]],
                    "right_eye": [round(float(v), 2) for v in points[RIGHT_IRIS_CENTER, :2]],
                    "eye_convention": "subject",
                    "mesh_score": round(record["mesh_score"], 4),
                },
                "angles": {k: record["pose"][k] for k in ("yaw", "pitch", "roll")},
            })
        return ok({"faces": faces, "face_count": len(faces), "faces_detected": total,
                   "image": {"width": width, "height": height},
                   "models": {t: self.analysis.model_tags.get(t) for t in ("detection", "mesh")}})

    @bentoml.api(route="/quality")
    @json_errors
    async def quality(
        self,
        file: Path,
        # BentoML decodes a form field that holds JSON, so an object arrives as a dict
        thresholds: dict[str, Any] | str = Field(
            default="", description="JSON object overriding thresholds, "
                                "e.g. {\"sharpness\": 0.4, \"eyeDistance\": 60}; keys and "
                                "defaults in README (Face quality)"),
        max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP),
    ) -> QualityResponse:
        """ISO/IEC 29794-5 / ICAO-style quality checks of every face (measures/quality.py)."""
        try:
            applied = parse_thresholds(thresholds, QUALITY_THRESHOLDS)
        except ThresholdError as problem:
            raise InputError(422, str(problem)) from None
        data = await read_upload(file, self.limits, "file")
        image, fitted, total = await self._within_deadline(
            self._assess(data, applied, max_faces))
        height, width = image.shape[:2]
        faces = [{**_face_box(record["face"], width, height),
                  "angles": {k: record["pose"][k] for k in ("yaw", "pitch", "roll")},
                  "quality": {"qaa": record["quality"]}} for record in fitted]
        tags = self.analysis.model_tags
        return ok({"faces": faces, "face_count": len(faces), "faces_detected": total,
                   "image": {"width": width, "height": height}, "thresholds": applied,
                   "models": {t: tags.get(t) for t in ("detection", "mesh", "emotion",
                                                       "segmentation")}})

    async def _fit(self, data, max_faces):
        limit = self._face_limit(max_faces)
        image = await asyncio.to_thread(decode_image, data, self.limits)
        fitted, total = await self.analysis.fit(image, limit)
        return image, fitted, total

    async def _assess(self, data, thresholds, max_faces):
        limit = self._face_limit(max_faces)
        image = await asyncio.to_thread(decode_image, data, self.limits)
        fitted, total = await self.analysis.assess_quality(image, thresholds, limit)
        return image, fitted, total

    # --- /liveness
    @bentoml.api(route="/liveness")
    @json_errors
    async def liveness(
        self,
        file: Path,
        mode: str = Field(default="plain", description=LIVENESS_MODE_HELP),
        quality_threshold: float = Field(
            default=LIVENESS_QUALITY_THRESHOLD, ge=0, le=100,
            description="mode=quality: the least quality totalScore (0-100) accepted"),
        liveness_threshold: float = Field(
            default=LIVENESS_THRESHOLD, ge=0, le=1,
            description="mean of the two liveness scores at or above which a face is REAL"),
        max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP),
    ) -> LivenessResponse:
        """Anti-spoofing / liveness of a face (README, Liveness): two small CNNs from
        @vladmandic/human (MiniFASNet for the antispoof score when it was imported);
        measured on real photos and synthetic attacks only."""
        if mode not in LIVENESS_MODES:
            raise InputError(422, f"mode must be one of {list(LIVENESS_MODES)}")
        data = await read_upload(file, self.limits, "file")
        image, records, total = await self._within_deadline(self._liveness(
            data, mode, quality_threshold, liveness_threshold, max_faces))
        height, width = image.shape[:2]
        faces = [{**_face_box(record["face"], width, height), "liveness": record["liveness"],
                  **({"quality": record["quality"]} if "quality" in record else {})}
                 for record in records]
        tasks = ("detection", "antispoof", "liveness") + (
            ("mesh", "emotion", "segmentation") if mode == "quality" else ())
        payload = {"mode": mode, "faces": faces, "face_count": len(faces),
                   "faces_detected": total, "image": {"width": width, "height": height},
                   "models": {t: self.analysis.model_tags.get(t) for t in tasks}}
        if mode != "all":
            payload["liveness"] = faces[0]["liveness"]
        return ok(payload)

    async def _liveness(self, data, mode, quality_threshold, liveness_threshold, max_faces):
        limit = self._face_limit(max_faces)
        image = await asyncio.to_thread(decode_image, data, self.limits)
        if mode == "quality":
            fitted, total = await self.analysis.assess_quality(image, QUALITY_THRESHOLDS, 1)
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

    # ------------------------------------------------------ /body and /mask
    @bentoml.api(route="/body")
    @json_errors
    async def body_detect(self, file: Path) -> BodyResponse:
        """Every person in the photo: MediaPipe's BlazePose detector on the whole
        image and, for landscape photos, on overlapping tiles (analyzers/body.py);
        the box is the pose region derived from the hip and body key points."""
        data = await read_upload(file, self.limits, "file")
        image, found = await self._within_deadline(self._bodies(data))
        height, width = image.shape[:2]
        bodies = [{**_face_box({"box": b["box"], "score": b["score"]}, width, height),
                   "class": "body",
                   "keypoints": [[round(float(x), 1), round(float(y), 1)]
                                 for x, y in b["keypoints"]],
                   "rotation": round(float(np.degrees(b["rotation"])), 2)}
                  for b in found]
        return ok({"bodies": bodies, "body_count": len(bodies),
                   "image": {"width": width, "height": height},
                   "models": {"body": self.analysis.model_tags.get("body")}})

    async def _bodies(self, data):
        image = await asyncio.to_thread(decode_image, data, self.limits)
        return image, await self.analysis.detect_bodies(image)

    @bentoml.api(route="/mask")
    @json_errors
    async def mask_check(
        self,
        file: Path,
        max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP),
    ) -> MaskResponse:
        """Per face: is it masked? A measured colour heuristic on the 478-point mesh
        (measures/mask.py); confidence is not calibrated."""
        data = await read_upload(file, self.limits, "file")
        image, fitted, total = await self._within_deadline(self._masks(data, max_faces))
        height, width = image.shape[:2]
        faces = [{**_face_box(record["face"], width, height),
                  "mask": record["mask"], "mask_skipped": record["mask_skipped"],
                  "angles": {k: record["pose"][k] for k in ("yaw", "pitch", "roll")}}
                 for record in fitted]
        return ok({"faces": faces, "face_count": len(faces), "faces_detected": total,
                   "image": {"width": width, "height": height},
                   "models": {t: self.analysis.model_tags.get(t) for t in ("detection", "mesh")}})

    async def _masks(self, data, max_faces):
        limit = self._face_limit(max_faces)
        image = await asyncio.to_thread(decode_image, data, self.limits)
        fitted, total = await self.analysis.masks(image, limit)
        return image, fitted, total


# Default quality thresholds: measures/quality.py, updated from FACE_QUALITY_THRESHOLDS
# (a JSON object); a malformed value stops the service at start-up.
QUALITY_THRESHOLDS = parse_thresholds(settings.read("FACE_QUALITY_THRESHOLDS"))


def _face_box(face: dict, width: int, height: int) -> dict:
    x1, y1, x2, y2 = (float(v) for v in face["box"])
    return {"bbox": [round(min(max(x1 / width, 0.0), 1.0), 5),
                     round(min(max(y1 / height, 0.0), 1.0), 5),
                     round(min(max(x2 / width, 0.0), 1.0), 5),
                     round(min(max(y2 / height, 0.0), 1.0), 5)],
            "bbox_pixels": [round(x1, 1), round(y1, 1), round(x2, 1), round(y2, 1)],
            "confidence": round(float(face["score"]), 5)}


# Outermost first: CORS answers preflights and marks every answer (401s too), then
# the API key, then the request guard (body cap, content types, multipart checks).
if SETTINGS.cors_origins:
    FaceAnalysisService.add_asgi_middleware(CORSMiddleware, **cors_options(SETTINGS))
if SETTINGS.api_keys:
    FaceAnalysisService.add_asgi_middleware(ApiKeyMiddleware, keys=SETTINGS.api_keys)
FaceAnalysisService.add_asgi_middleware(RequestGuard, routes=routes_of(FaceAnalysisService),
                                        settings=SETTINGS)
FaceAnalysisService.add_asgi_middleware(HealthEndpoint)
