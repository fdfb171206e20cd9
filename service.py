"""The face-analysis front service: the HTTP routes and their contracts.

    bentoml serve            (reads bentofile.yaml: service.py:FaceAnalysisService)

Endpoints: POST /analyze, /analyze-base64, /analyze-batch, /analyze-batch-json,
/extract-face, /compare-faces, /fitter,
/quality, /liveness, /body, /mask, /templates/extract, /templates/verify,
/v1/models/insightface:detect, /v1/models/insightface:compare; GET /batch-stats,
/health (plus BentoML's /livez, /readyz, /metrics, /docs.json, Swagger at / for
browsers); the replaced systems' own contracts (compat/): POST /image-api/<service>,
GET / as JSON to API clients, GET /-/healthz.
Each route reads its input, runs its flow (front/flows/: decoding and the
analysis, under the request's deadline) and shapes the answer (responses/).
Every client error is a 4xx JSON body with `detail`; see inputs/imageio.py for
the input limits and security.py for the request guard.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import bentoml
from pydantic import Field
from starlette.middleware.cors import CORSMiddleware

import allocator
import precision
import settings
from analyzers.face_models.embedding import metric_for
from analyzers.face_analysis import FaceAnalysis
from compat import image_api, insightface, nsfas
from compat.service_info import ServiceInfo
from errors import InputError
from front import client_error_log, header_timeout, upload_only
from front.batch import Batch, BatchLimits, options_for, upload_name, upload_source
from front.error_shape import ErrorShape
from front.flows import (LIVENESS_MODES, LIVENESS_QUALITY_THRESHOLD, LIVENESS_THRESHOLD,
                         Flows)
from front.form_fields import attributes_of
from front.http import HealthEndpoint, error, health_state, json_errors, ok, read_upload
from front.model_clients import remote_predict
from front.openapi_contract import OpenAPIContract
from front.readiness import log_missing, readiness
from front.swagger_page import SwaggerPage
from front.requests import (ATTRIBUTES_HELP, MAX_FACES_HELP, OUTPUT_FORMAT_HELP,
                            AnalyzeBase64Request, AnalyzeBatchJsonRequest,
                            InsightFaceCompareRequest,
                            InsightFaceDetectRequest, VerifyRequest)
from gallery import api as gallery_api
from gallery import openapi as gallery_openapi
from inputs.imageio import Limits
from inputs.sources import FetchPolicy
from measures.prominence import prominence_scores
from measures.quality import ThresholdError, parse_thresholds
from front.compact_client import compact_clients
from model_services import COMPACT, SERVED, TASK_MODELS, UNAVAILABLE, model_dependencies
from models.registry import BY_NAME
from responses import shapes, templates
from schemas import (AnalyzeResponse, BatchResponse, BodyResponse, CompareResponse, ExtractFaceResponse,
                     FitterResponse, InsightFaceCompareResponse, InsightFaceDetectResponse,
                     LivenessResponse, MaskResponse, QualityResponse, TemplateExtractResponse,
                     VerifyResponse)
from security import ApiKeyMiddleware, RequestGuard, Settings, cors_options, routes_of
from topology import bulk_items
from ui.serve import UiPages

log = logging.getLogger("face_analysis")
# glibc's malloc arenas of the worker processes bentoml serve starts from this one
allocator.arenas_for_workers()
# API key, CORS, request and body limits, deadline (security.py); read at import
# because the middlewares are registered at import.
SETTINGS = Settings.from_env()
# Default quality thresholds: measures/quality.py, updated from FACE_QUALITY_THRESHOLDS
# (a JSON object); a malformed value stops the service at start-up.
QUALITY_THRESHOLDS = parse_thresholds(settings.read("FACE_QUALITY_THRESHOLDS"))
LIVENESS_MODE_HELP = ("'plain': exactly one face, else 422; 'quality': exactly one face whose "
                      "quality totalScore reaches quality_threshold, else 422; 'all': every "
                      "detected face")


@bentoml.service(name="face-analysis", workers=1, traffic={"timeout": 120})
class FaceAnalysisService(model_dependencies()):
    # the model services come from the base class: `model_<task>` for each task whose
    # chosen model is in the store (model_services.SERVED, models/priority.py)

    def __init__(self) -> None:
        allocator.tune()  # this worker's large buffers and idle memory (allocator.py)
        self.limits = Limits.from_env()
        fetch_policy = FetchPolicy.from_env(max_bytes=self.limits.max_bytes)
        log.info("input limits: %s; %s; URL sources: %s", self.limits,
                 {k: v for k, v in vars(SETTINGS).items() if k != "api_keys"}, fetch_policy)
        self.clients = {task: getattr(self, f"model_{task}") for task in SERVED} \
            if not COMPACT else compact_clients(self, SERVED)
        predictors, tags, labels = {}, {}, {}
        for task, client in self.clients.items():
            stored_model = bentoml.models.get(BY_NAME[TASK_MODELS[task]].tag)
            predictors[task] = remote_predict(client, SETTINGS.model_timeout_s,
                                              bulk_items(SERVED[task].name))
            tags[task] = str(stored_model.tag)
            names = Path(stored_model.path) / "labels.json"  # the Hugging Face models' classes
            if names.is_file():
                labels[task] = json.loads(names.read_text())
        log.info("models answering: %s; missing: %s", tags, sorted(UNAVAILABLE))
        self.analysis = FaceAnalysis(predictors, tags, dict(UNAVAILABLE),
                                     gender_task="gender" if "gender" in TASK_MODELS
                                     else "age_gender", labels=labels)
        self.flows = Flows(self.analysis, self.limits, SETTINGS, fetch_policy,
                           QUALITY_THRESHOLDS)
        self.batch = Batch(self.flows, BatchLimits.from_env())
        self.readiness = readiness(set(predictors), UNAVAILABLE)
        log_missing(log, UNAVAILABLE, self.readiness)
        health_state.update(
            status="ok" if "detection" in predictors else "degraded",
            models=tags, unavailable=dict(UNAVAILABLE), **self.readiness,
        )

    def __is_ready__(self) -> bool:
        """/readyz: 503 while a model every request needs is missing (front/readiness.py)."""
        return self.readiness["ready"]

    def _models(self, *tasks: str) -> dict:
        return {task: self.analysis.model_tags.get(task) for task in tasks}

    # ------------------------------------------------------------- /analyze
    @bentoml.api(route="/analyze")
    @json_errors
    async def analyze(
        self,
        file: Path,
        attributes: list[str] | str = Field(default="", description=ATTRIBUTES_HELP),
        max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP),
        return_embedding: bool = False,
        return_landmarks: bool = False,
        output_format: str = Field(default="native", description=OUTPUT_FORMAT_HELP),
    ) -> AnalyzeResponse:
        """Every face in an uploaded photo, most prominent first, with all attributes."""
        data = await read_upload(file, self.limits, "file")
        shape = self.flows.output_format(output_format)
        return ok(shape(await self.flows.within_deadline(self.flows.analyze(
            # not a ctx parameter: BentoML would then answer every error with status 200
            data, self.flows.attributes_for(
                attributes_of(attributes, FaceAnalysisService.context.request), output_format),
            max_faces,
            return_embedding, return_landmarks))))

    @bentoml.api(route="/analyze-base64", input_spec=AnalyzeBase64Request)
    @json_errors
    async def analyze_base64(self, **request) -> AnalyzeResponse:
        """The same as /analyze, for a JSON body {"image": "<base64 or data: URL>", ...}
        or {"image_url": "https://... or s3://bucket/key", ...}."""
        request = AnalyzeBase64Request(**request)
        deadline = self.flows.deadline()
        if (request.image is None) == (request.image_url is None):
            raise InputError(422, "send exactly one of image (base64 or a data: URL) and "
                                  "image_url")
        shape = self.flows.output_format(request.output_format)
        return ok(shape(await self.flows.within_deadline(
            self.flows.analyze_json(request, deadline))))

    # ------------------------------------------------------------ batches
    @bentoml.api(route="/analyze-batch")
    @json_errors
    async def analyze_batch(
        self,
        files: list[Path],
        attributes: list[str] | str = Field(default="", description=ATTRIBUTES_HELP),
        max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP),
        return_embedding: bool = False,
        return_landmarks: bool = False,
        output_format: str = Field(default="native", description=OUTPUT_FORMAT_HELP),
    ) -> BatchResponse:
        """Many photos (the `files` field repeated, at most FACE_BATCH_MAX_IMAGES), each
        answered as /analyze answers it, in order, each with its own status and error
        (front/batch.py)."""
        options, shape = options_for(
            self.flows, attributes_of(attributes, FaceAnalysisService.context.request),
            max_faces, return_embedding, return_landmarks, output_format)
        self.batch.check_count(len(files))
        sources = [(upload_name(path), upload_source(path, self.limits, "file"))
                   for path in files]
        deadline = self.flows.deadline()
        return ok(await self.flows.within_deadline(
            self.batch.analyze(sources, options, shape, deadline)))

    @bentoml.api(route="/analyze-batch-json", input_spec=AnalyzeBatchJsonRequest)
    @json_errors
    async def analyze_batch_json(self, **request) -> BatchResponse:
        """The same as /analyze-batch for a JSON body {"images": ["<base64, data: URL or
        http(s)/s3 URL>", ...], ...}; URLs are fetched under the image_url policy."""
        request = AnalyzeBatchJsonRequest(**request)
        options, shape = options_for(self.flows, attributes_of(request.attributes),
                                     request.max_faces, request.return_embedding,
                                     request.return_landmarks, request.output_format)
        deadline = self.flows.deadline()
        sources = self.batch.json_sources(request.images, deadline)
        return ok(await self.flows.within_deadline(
            self.batch.analyze(sources, options, shape, deadline)))

    # -------------------------------------------------------- /extract-face
    @bentoml.api(route="/extract-face")
    @json_errors
    @nsfas.bad_file_is_400
    async def extract_face(
        self,
        file: Path,
        page: int = Field(default=1, ge=1, description="PDF page (1-based)"),
        margin: float = Field(default=0.25, ge=0.0, le=2.0,
                              description="margin around the face box, as a fraction of its size"),
    ) -> ExtractFaceResponse:
        """The most prominent face of an ID document (JPEG, PNG or PDF) as a JPEG data URL."""
        data = await read_upload(file, self.limits, "file")
        image, faces = await self.flows.within_deadline(self.flows.document_faces(data, page))
        if not faces:
            return error(404, "no face was found in the document", "no_face")
        height, width = image.shape[:2]
        scores = prominence_scores([f.box for f in faces], width, height)
        best = max(range(len(faces)), key=lambda i: scores[i]["combined_score"])
        return ok(shapes.extract_face(image, faces, scores, best, margin))

    # ------------------------------------------------------- /compare-faces
    @bentoml.api(route="/compare-faces")
    @json_errors
    @nsfas.bad_file_is_400
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
        selfie_faces, id_faces, vectors = await self.flows.within_deadline(
            self.flows.compare_inputs(selfie_data, id_data, id_page))
        return ok({"success": True,
                   **nsfas.compare_fields(self.flows.compared(vectors, threshold)),
                   "selfie_face": shapes.compared_face(selfie_faces),
                   "id_face": shapes.compared_face(id_faces)})

    # ---------------------------------------------------------- /batch-stats
    @bentoml.api(route="/batch-stats")
    async def batch_stats(self) -> dict:
        """Items per model run seen by each model service since start: adaptive batching at work."""
        # a model service's /stats asks for the key as this endpoint does (security.py
        # PrivateEndpoints): this one answers only with it, so there is one to pass on
        key = {"X-API-Key": SETTINGS.api_keys[0]} if SETTINGS.api_keys else {}
        stats = {}
        for task, client in self.clients.items():
            try:
                # BentoML's clients take extra headers only in _call (both of its async
                # clients, same signature); tests/test_deploy.py checks this path
                stats[task] = await client.to_async._call(
                    client.to_async.endpoints["stats"], (), {}, headers=key)
            except Exception as problem:  # a model service that is down says so here
                stats[task] = {"error": str(problem)}
        return stats

    # ------------------------------------------------ templates and verification
    @bentoml.api(route="/templates/extract")
    @json_errors
    async def templates_extract(
        self,
        file: Path,
        max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP),
    ) -> TemplateExtractResponse:
        """A verification template for every face of a photo, most prominent first."""
        data = await read_upload(file, self.limits, "file")
        model = self.flows.embedding_model()
        limit = self.flows.face_limit(max_faces)
        faces, vectors = await self.flows.within_deadline(
            self.flows.faces_and_vectors(data, limit))
        return ok({"faces": [{
            "bbox": precision.pixels(face.box), "confidence": precision.score(face.score),
            "$template": templates.encode(vector, model), "template_size": int(len(vector)),
            "model": model,
        } for face, vector in zip(faces, vectors)], "face_count": len(faces), "model": model})

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
            return error(problem.status, str(problem), problem.code)
        return ok(result)

    # ------------------------------------------------------ InsightFace-style API
    @bentoml.api(route="/v1/models/insightface:detect", input_spec=InsightFaceDetectRequest)
    @json_errors
    async def insightface_detect(self, **request) -> InsightFaceDetectResponse:
        """InsightFace-style detection: every face with box, 5 landmarks, feature
        (unit embedding), roll/yaw/pitch, gender, age bracket, quality (the /quality
        totalScore, 0-100), mask_confidence (0-1, from /mask's check),
        liveness_confidence (0-1, /liveness's score); race from the ethnicity
        field (face-race-gear in the default set; unmeasured, README "Race"), null with
        the reason when no model of it is stored."""
        request = InsightFaceDetectRequest(**request)
        result = await self.flows.within_deadline(
            self.flows.insightface_detect(request, self.flows.deadline()))
        return ok({"faces": [insightface.detected_face(record, extra)
                             for record, extra in zip(result["faces"], result["extras"])],
                   "image": result["image"], "models": result["models"]})

    @bentoml.api(route="/v1/models/insightface:compare", input_spec=InsightFaceCompareRequest)
    @json_errors
    async def insightface_compare(self, **request) -> InsightFaceCompareResponse:
        """InsightFace-style comparison of the most prominent faces of two images:
        `similarity` 0..1 (the cosine of the unit embeddings, 0 where negative)."""
        request = InsightFaceCompareRequest(**request)
        vectors = await self.flows.within_deadline(self.flows.compare_two(
            *insightface.compare_sources(request), self.flows.deadline()))
        return ok(insightface.compare_answer(self.flows.compared(vectors)))

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
        image, fitted, total = await self.flows.within_deadline(self.flows.fit(data, max_faces))
        height, width = image.shape[:2]
        return ok(shapes.counted(image, [shapes.fitted_face(r, width, height) for r in fitted],
                                 total, self._models("detection", "mesh")))

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
        image, fitted, total = await self.flows.within_deadline(
            self.flows.assess(data, applied, max_faces))
        height, width = image.shape[:2]
        faces = [{**shapes.face_box(record["face"].box, record["face"].score, width, height),
                  "angles": shapes.angles(record["pose"]),
                  "quality": {"qaa": record["quality"]}} for record in fitted]
        return ok(shapes.counted(image, faces, total, self._models(
            "detection", "mesh", "emotion", "segmentation"), thresholds=applied))

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
            description="score at or above which a face is REAL (MiniFASNet's alone in the "
                        "default set; the two nets' mean with FACE_ANTISPOOF_MODEL=human)"),
        max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP),
    ) -> LivenessResponse:
        """Anti-spoofing / liveness of a face (README, Liveness): MiniFASNet's two nets decide
        (docs/accuracy.md), @vladmandic/human's liveness net is reported beside them;
        measured on real photos and synthetic attacks only."""
        if mode not in LIVENESS_MODES:
            raise InputError(422, f"mode must be one of {list(LIVENESS_MODES)}")
        data = await read_upload(file, self.limits, "file")
        image, records, total = await self.flows.within_deadline(self.flows.liveness(
            data, mode, quality_threshold, liveness_threshold, max_faces))
        height, width = image.shape[:2]
        faces = [{**shapes.face_box(record["face"].box, record["face"].score, width, height),
                  "liveness": record["liveness"],
                  **({"quality": record["quality"]} if "quality" in record else {})}
                 for record in records]
        tasks = ("detection", "antispoof", "liveness") + (
            ("mesh", "emotion", "segmentation") if mode == "quality" else ())
        payload = {"mode": mode, **shapes.counted(image, faces, total, self._models(*tasks))}
        if mode != "all":
            payload["liveness"] = faces[0]["liveness"]
        return ok(payload)

    # ------------------------------------------------------ /body and /mask
    @bentoml.api(route="/body")
    @json_errors
    async def body_detect(self, file: Path) -> BodyResponse:
        """Every person in the photo: MediaPipe's BlazePose detector on the whole
        image and, for landscape photos, on overlapping tiles (analyzers/image_models/body.py);
        the box is the pose region derived from the hip and body key points."""
        data = await read_upload(file, self.limits, "file")
        image, found = await self.flows.within_deadline(self.flows.bodies(data))
        height, width = image.shape[:2]
        bodies = [shapes.body(b, width, height) for b in found]
        return ok({"bodies": bodies, "body_count": len(bodies),
                   "image": {"width": width, "height": height}, "models": self._models("body")})

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
        image, fitted, total = await self.flows.within_deadline(self.flows.masks(data, max_faces))
        height, width = image.shape[:2]
        faces = [{**shapes.face_box(record["face"].box, record["face"].score, width, height),
                  "mask": record["mask"], "mask_skipped": record["mask_skipped"],
                  "angles": shapes.angles(record["pose"])} for record in fitted]
        return ok(shapes.counted(image, faces, total, self._models("detection", "mesh")))


# the 3DiVi-style Image API (compat/image_api.py), JSON services under /image-api/
FaceAnalysisService.mount_asgi_app(image_api.app, path=image_api.PREFIX)
# galleries: 1:N identification and clustering (gallery/api.py, docs/identification.md)
FaceAnalysisService.mount_asgi_app(gallery_api.app, path=gallery_api.PREFIX)
FaceAnalysisService.mount_asgi_app(gallery_api.cluster_app, path=gallery_api.CLUSTER_PREFIX)

# Outermost first: CORS answers preflights and marks every answer (401s too), then
# the API key, then the request guard (body cap, content types, multipart checks).
if SETTINGS.cors_origins:
    FaceAnalysisService.add_asgi_middleware(CORSMiddleware, **cors_options(SETTINGS))
# GET /ui, the web page (ui/serve.py): outside the API key, it asks for the key itself
FaceAnalysisService.add_asgi_middleware(UiPages, keys=SETTINGS.api_keys)
if SETTINGS.api_keys:
    FaceAnalysisService.add_asgi_middleware(ApiKeyMiddleware, keys=SETTINGS.api_keys)
FaceAnalysisService.add_asgi_middleware(
    RequestGuard, routes={**routes_of(FaceAnalysisService), **image_api.ROUTES},
    settings=SETTINGS)
FaceAnalysisService.add_asgi_middleware(HealthEndpoint)
FaceAnalysisService.add_asgi_middleware(gallery_api.BarePaths)
FaceAnalysisService.add_asgi_middleware(ServiceInfo, health=health_state)
# GET / in a browser: Swagger UI from the Bento alone, nothing fetched elsewhere
FaceAnalysisService.add_asgi_middleware(SwaggerPage)
header_timeout.install()  # uvicorn would wait forever for slow headers (issue 18)
upload_only.install()  # BentoML's own URL download of a file field, off (issue 29)
client_error_log.install()  # a client's 400 is an INFO line, not an ERROR traceback
# every 4xx as {"detail", "code"}, BentoML's and Starlette's too: outermost of ours
FaceAnalysisService.middlewares.insert(0, (ErrorShape, {}))
# /docs.json as valid OpenAPI 3.0 with every status each endpoint answers (front/openapi_contract.py)
FaceAnalysisService.add_asgi_middleware(OpenAPIContract, service=FaceAnalysisService,
                                        mounted_paths={**image_api.openapi_paths(),
                                                       **gallery_openapi.openapi_paths()},
                                        mounted_schemas={**image_api.OPENAPI_SCHEMAS,
                                                         **gallery_openapi.SCHEMAS})
