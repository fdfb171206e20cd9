"""The 3DiVi-style Image API: one JSON service per capability under /image-api/.

Every service takes `{"$image": "<base64>", "objects": [{}]}` and answers
`{"$image": <echoed>, "objects": [...]}`. With `objects: [{}]` (no boxes) the
faces are found here: one object per face, `id` from 0, `class` "face". Objects
that carry a `bbox` (the answer of an earlier service, e.g. the fitter's for the
quality service) are kept, each paired with the detected face it overlaps most,
and the service adds its fields to them. verify-matcher takes two extractor
objects and adds `verification`. README, "Replacing the 3DiVi Image API", lists
what maps how; the scale and spelling changes are in compat/scales.py.

A Starlette app mounted by service.py; the request guard (security.py) knows its
paths (ROUTES), so the body cap and the JSON content type hold here too.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json

import numpy as np
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route as StarletteRoute

from analyzers.detectors.detection import Detection
from analyzers.face_models.embedding import metric_for
from analyzers.face_analysis import ModelUnavailable, Options
from compat import scales
from errors import InputError
from front import pools
from front.flows import LIVENESS_THRESHOLD
from front.http import ok
from inputs.imageio import decode_base64
from responses import shapes, templates
import precision
from security import Route

PREFIX = "/image-api"
# 3DiVi's limits: the image at most 4.7 MB (taken as MiB, 4,928,307 bytes: the
# larger reading, so no image its clients send is refused here), and for the
# liveness modules and the quality service at most 10 megapixels
MAX_BYTES = int(4.7 * 1024 * 1024)
MAX_PIXELS = 10_000_000
# quality-liveness-anti-spoofing: the least quality totalScore (0-100) accepted, 3DiVi's 30
LIVENESS_QUALITY_THRESHOLD = 30.0
# a request object's bbox names the detected face it overlaps by at least this IoU
MIN_OVERLAP = 0.3
SERVICES = ("body-detector", "gender-estimator", "age-estimator", "emotion-estimator",
            "liveness-anti-spoofing", "quality-liveness-anti-spoofing",
            "face-detector-liveness-estimator", "mask-estimator", "face-detector-face-fitter",
            "quality-assessment-estimator", "face-detector-template-extractor", "verify-matcher")
TEN_MEGAPIXELS = {"liveness-anti-spoofing", "quality-liveness-anti-spoofing",
                  "face-detector-liveness-estimator", "quality-assessment-estimator"}
ROUTES = {f"{PREFIX}/{name}": Route(multipart=False, path=f"{PREFIX}/{name}",
                                     image_bytes=MAX_BYTES) for name in SERVICES}
MORE_THAN_ONE = "More than one face detected"
NO_FACE = "No face detected"


# ------------------------------------------------------------------ the request
class Call:
    """One request: its JSON, the image decoded under 3DiVi's limits, the faces."""

    def __init__(self, service, body: dict, name: str):
        self.service = service
        self.flows = service.flows
        self.analysis = service.analysis
        self.body = body
        self.name = name
        objects = body.get("objects", [{}])
        if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
            raise InputError(422, "objects must be a list of objects, e.g. [{}]")
        if len(objects) > self.flows.settings.max_faces:
            raise InputError(422, f"objects has {len(objects)} items, the limit is "
                                  f"{self.flows.settings.max_faces} (FACE_MAX_FACES)")
        self.objects = objects
        self.image = None

    async def decode(self) -> np.ndarray:
        text = self.body.get("$image")
        if not isinstance(text, str) or not text.strip():
            raise InputError(422, "$image (the base64 image) is required")
        limits = dataclasses.replace(
            self.flows.limits, max_bytes=min(self.flows.limits.max_bytes, MAX_BYTES),
            max_pixels=min(self.flows.limits.max_pixels, MAX_PIXELS)
            if self.name in TEN_MEGAPIXELS else self.flows.limits.max_pixels)
        data = await pools.run("decode", decode_base64, text, limits)  # not on the loop
        # the front's decode pools and large-image slots (front/pools.py)
        self.image = await self.flows.decode(data, limits)
        return self.image

    @property
    def size(self) -> tuple[int, int]:
        height, width = self.image.shape[:2]
        return width, height

    async def faces(self) -> tuple[list[dict], list[Detection]]:
        """(answer objects, the detected face of each): pairs (module docstring)."""
        found = await self.analysis.detect(await self.decode())
        return pair(self.objects, found, *self.size, self.flows.settings.max_faces)

    def answer(self, objects: list[dict], **more) -> dict:
        return {"$image": self.body.get("$image"), "objects": objects, **more}


def overlap(a, b) -> float:
    """Intersection over union of two [x1, y1, x2, y2] boxes."""
    x1, y1 = max(a[0], b[0]), max(a[1], b[1])
    x2, y2 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x2 - x1) * max(0.0, y2 - y1)
    union = ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)
    return inter / union if union > 0 else 0.0


def pair(objects: list[dict], found: list[Detection], width: int, height: int,
         limit: int) -> tuple[list[dict], list[Detection]]:
    """Objects without a bbox ([{}]): one new object per detected face. Objects with
    one: each keeps its fields and gets the face its bbox overlaps most."""
    boxed = [o for o in objects if "bbox" in o]
    if not boxed:
        faces = found[:limit]
        return [{"id": i, "class": "face"} for i in range(len(faces))], faces
    if len(boxed) != len(objects):
        raise InputError(422, "either every object has a bbox (an earlier service's answer) "
                              "or none does ([{}])")
    paired = []
    for index, obj in enumerate(objects):
        box = obj["bbox"]
        if not (isinstance(box, list) and len(box) == 4
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in box)):
            raise InputError(422, f"objects[{index}].bbox must be [x1, y1, x2, y2] fractions")
        pixels = [box[0] * width, box[1] * height, box[2] * width, box[3] * height]
        best = max(found, key=lambda face: overlap(pixels, face.box), default=None)
        if best is None or overlap(pixels, best.box) < MIN_OVERLAP:
            raise InputError(422, f"objects[{index}].bbox matches no face found in $image")
        paired.append(best)
    return [{"id": index, "class": "face", **obj} for index, obj in enumerate(objects)], paired


def located(obj: dict, face: Detection, width: int, height: int) -> dict:
    """The detector's fields: confidence and the fractional bbox."""
    return {**obj, "confidence": precision.score(face.score),
            "bbox": precision.fractions(face.box, width, height)}


# ------------------------------------------------------------------ services
async def attributes(call: Call, attribute: str, shape) -> dict:
    objects, faces = await call.faces()
    result = await call.analysis.analyze(call.image, Options.parse(
        [attribute], max_faces=max(1, len(faces))), faces=faces)
    answered = []
    for obj, record in zip(objects, result["faces"]):
        value = record.get(attribute)
        extra = {"unavailable": {attribute: record["unavailable"][attribute]}} \
            if value is None and attribute in (record.get("unavailable") or {}) else {}
        answered.append({**obj, **shape(value), **extra})
    return call.answer(answered)


def gender(value) -> dict:
    return {"gender": scales.upper_gender(value.get("value") if value else None)}


def age(value) -> dict:
    return {"age": scales.age_text(value)}


def emotions(value) -> dict:
    if not value:
        return {"emotions": None}
    ranked = sorted(value["scores"].items(), key=lambda item: -item[1])
    return {"emotions": [{"confidence": float(share), "emotion": scales.emotion_name(label)}
                         for label, share in ranked]}


async def body_detector(call: Call) -> dict:
    found = await call.analysis.detect_bodies(await call.decode())
    width, height = call.size
    return call.answer([{"id": index, "class": "body",
                         **shapes.body(person, width, height)}
                        for index, person in enumerate(found)])


def quality_threshold(body: dict) -> float:
    """quality-liveness-anti-spoofing's least quality totalScore: 3DiVi's 30, or the
    request's optional "quality_threshold" (0-100; our addition, other keys unchanged)."""
    value = body.get("quality_threshold", LIVENESS_QUALITY_THRESHOLD)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise InputError(422, "quality_threshold must be a number from 0 to 100")
    return float(value)


def liveness_field(verdict: dict) -> dict:
    return {"confidence": verdict["confidence"], "value": verdict["value"]}


async def liveness(call: Call) -> dict:
    flows = call.flows
    objects, faces = await call.faces()
    width, height = call.size
    if call.name != "face-detector-liveness-estimator":
        if len(faces) > 1:
            raise InputError(400, MORE_THAN_ONE)
        if not faces:
            raise InputError(400, NO_FACE)
    if call.name == "quality-liveness-anti-spoofing":
        fitted, _ = await call.analysis.assess_quality(call.image, flows.quality_thresholds,
                                                       1, faces=faces)
        score = scales.capture_quality(fitted[0]["quality"])
        threshold = quality_threshold(call.body)
        if score is None or score < threshold:
            raise InputError(400, f"Low image quality. Calculated score value "
                                  f"({score or 0:.0f}) is less than the threshold "
                                  f"({threshold:g})")
    verdicts = await call.analysis.liveness_scores(call.image, faces, LIVENESS_THRESHOLD)
    answered = []
    for obj, face, verdict in zip(objects, faces, verdicts):
        base = located(obj, face, width, height) \
            if call.name == "face-detector-liveness-estimator" else obj
        answered.append({**base, "liveness": liveness_field(verdict)})
    return call.answer(answered)


async def mask_estimator(call: Call) -> dict:
    objects, faces = await call.faces()
    fitted, _ = await call.analysis.masks(call.image, len(faces), faces=faces)
    answered = []
    for obj, record in zip(objects, fitted):
        found = record["mask"]
        answered.append({**obj, "mask": {"confidence": found["confidence"],
                                         "value": found["value"]} if found else None,
                         **({"unavailable": {"mask": record["mask_skipped"]}}
                            if not found else {})})
    return call.answer(answered)


async def face_fitter(call: Call) -> dict:
    objects, faces = await call.faces()
    fitted, _ = await call.analysis.fit(call.image, len(faces), faces=faces)
    width, height = call.size
    return call.answer([{**located(obj, record["face"], width, height),
                         **{k: v for k, v in shapes.fitted_face(record, width, height).items()
                            if k in ("fitter", "angles")}}
                        for obj, record in zip(objects, fitted)])


def qaa(native: dict) -> dict:
    """Our quality checks (measures/quality.py) under 3DiVi's qaa keys: totalScore
    the weakest capture check (scales.capture_quality), is*/has* the check's
    verdict, *Score its 0-100 score; a check that could not be made is null
    (its reason under `skipped`). eyesDistance is the measured pixels between the
    eyes, maxRotationDeviation the largest of |yaw|, |pitch|, |roll| in degrees,
    marginOuterDeviation how far the smallest margin falls short of the minimum
    (0 when it does not), marginInnerDeviation the face centre's offset from the
    middle (fractions of the image)."""
    def check(name):
        value = native.get(name)
        return value if isinstance(value, dict) else None

    def passed(name):
        found = check(name)
        return None if found is None else bool(found["passed"])

    def score(name):
        found = check(name)
        return None if found is None else found["score"]

    margins = check("margins")
    minimum = margins["threshold"]["min"] if margins else None
    watermark = check("watermark")
    return {
        "totalScore": scales.capture_quality(native),
        "isSharp": passed("sharpness"), "sharpnessScore": score("sharpness"),
        "isEvenlyIlluminated": passed("evenIllumination"),
        "illuminationScore": score("evenIllumination"),
        "noFlare": passed("noFlare"),
        "isLeftEyeOpened": passed("leftEyeOpen"), "leftEyeOpennessScore": score("leftEyeOpen"),
        "isRightEyeOpened": passed("rightEyeOpen"),
        "rightEyeOpennessScore": score("rightEyeOpen"),
        "isBackgroundUniform": passed("backgroundUniformity"),
        "backgroundUniformityScore": score("backgroundUniformity"),
        "isDynamicRangeAcceptable": passed("dynamicRange"),
        "dynamicRangeScore": score("dynamicRange"),
        "isEyesDistanceAcceptable": passed("eyeDistance"),
        "eyesDistance": check("eyeDistance")["value"] if check("eyeDistance") else None,
        "isNotNoisy": passed("noise"), "noiseScore": score("noise"),
        "isMarginsAcceptable": passed("margins"),
        "marginInnerDeviation": margins["centreOffset"] if margins else None,
        "marginOuterDeviation": round(max(0.0, minimum - margins["value"]), 4)
        if margins else None,
        "isNeutralEmotion": passed("neutralEmotion"),
        "neutralEmotionScore": score("neutralEmotion"),
        "notMasked": passed("notMasked"), "notMaskedScore": score("notMasked"),
        "hasWatermark": None if watermark is None else not watermark["passed"],
        "watermarkScore": score("watermark"),
        "isRotationAcceptable": passed("rotation"),
        "maxRotationDeviation": check("rotation")["value"] if check("rotation") else None,
    }


async def quality_estimator(call: Call) -> dict:
    objects, faces = await call.faces()
    fitted, _ = await call.analysis.assess_quality(
        call.image, call.flows.quality_thresholds, len(faces), faces=faces)
    return call.answer([{**obj, "quality": {"qaa": qaa(record["quality"])},
                         **({"skipped": record["quality"]["skipped"]}
                            if record["quality"].get("skipped") else {})}
                        for obj, record in zip(objects, fitted)])


async def template_extractor(call: Call) -> dict:
    objects, faces = await call.faces()
    model = call.flows.embedding_model()
    width, height = call.size
    vectors = await call.analysis.embed_pair(*((call.image, face) for face in faces)) \
        if faces else []
    return call.answer([{**located(obj, face, width, height),
                         "$template": templates.encode(np.asarray(vector, np.float32), model),
                         "template_size": len(vector)}
                        for obj, face, vector in zip(objects, faces, vectors)])


async def verify_matcher(call: Call) -> dict:
    if len(call.objects) != 2:
        raise InputError(422, "verify-matcher takes objects: [object1, object2], each with "
                              "the $template of face-detector-template-extractor")
    try:
        first, second = (templates.decode(obj.get("$template"), f"objects[{i}].$template")
                         for i, obj in enumerate(call.objects))
        result = templates.verify(first, second, None, metric_for(first.model),
                                  templates.load_calibration(first.model))
    except templates.TemplateError as problem:
        raise InputError(problem.status, str(problem), problem.code) from None
    verification = {"distance": result["distance"], "fa_r": result["fa_r"],
                    "fr_r": result["fr_r"], "score": scales.fraction_of_percent(result["score"])}
    answer = {"objects": call.objects, "verification": verification}
    if "$image" in call.body:
        answer = {"$image": call.body["$image"], **answer}
    return answer


HANDLERS = {
    "body-detector": body_detector,
    "gender-estimator": lambda call: attributes(call, "gender", gender),
    "age-estimator": lambda call: attributes(call, "age", age),
    "emotion-estimator": lambda call: attributes(call, "emotion", emotions),
    "liveness-anti-spoofing": liveness,
    "quality-liveness-anti-spoofing": liveness,
    "face-detector-liveness-estimator": liveness,
    "mask-estimator": mask_estimator,
    "face-detector-face-fitter": face_fitter,
    "quality-assessment-estimator": quality_estimator,
    "face-detector-template-extractor": template_extractor,
    "verify-matcher": verify_matcher,
}
assert set(HANDLERS) == set(SERVICES)


# --------------------------------------------------------- the OpenAPI document
# what each service adds to the objects (README, "Replacing the 3DiVi Image API")
SUMMARIES = {
    "body-detector": "people in the photo: objects of class body with a fractional bbox",
    "gender-estimator": "gender per face: MALE / FEMALE",
    "age-estimator": "age per face, whole years as a string",
    "emotion-estimator": "emotions per face, most likely first (ANGRY, SCARED ...)",
    "liveness-anti-spoofing": "liveness per face (REAL / FAKE); 400 for more than one face",
    "quality-liveness-anti-spoofing": "liveness after a quality gate: 400 when the quality "
                                      "totalScore is below quality_threshold (default 30)",
    "face-detector-liveness-estimator": "faces with their liveness",
    "mask-estimator": "mask per face (value true = masked)",
    "face-detector-face-fitter": "faces with the 478-point mesh (fitter) and head angles",
    "quality-assessment-estimator": "quality.qaa per face; takes the fitter's objects",
    "face-detector-template-extractor": "faces with their $template and template_size",
    "verify-matcher": "two extractor objects in, verification {distance, fa_r, fr_r, score}",
}
assert set(SUMMARIES) == set(SERVICES)
OPENAPI_SCHEMAS = {
    "ImageApiRequest": {
        "type": "object", "title": "ImageApiRequest", "required": ["$image"],
        "properties": {
            "$image": {"type": "string", "description": "the image, base64 (JPEG, PNG ...)"},
            "objects": {"type": "array", "items": {"type": "object",
                                                   "additionalProperties": True},
                        "description": "[{}] to find the faces here, or an earlier "
                                       "service's objects (with bbox) to add to",
                        "default": [{}]},
            "quality_threshold": {"type": "number", "minimum": 0, "maximum": 100,
                                  "description": "quality-liveness-anti-spoofing only: the "
                                                 "least totalScore accepted (default 30)"},
        },
    },
    "ImageApiResponse": {
        "type": "object", "title": "ImageApiResponse", "required": ["objects"],
        "properties": {
            "$image": {"type": "string", "description": "the request's image, echoed"},
            "objects": {"type": "array", "items": {"type": "object",
                                                   "additionalProperties": True},
                        "description": "one per face or body: id, class, fractional bbox, "
                                       "confidence, and the service's own fields"},
        },
    },
}
ERRORS = {400: "More than one face detected / Low image quality ... / a body that is not JSON",
          401: "a missing or wrong API key (only when FACE_API_KEY is set)",
          413: "the image is over 4.7 MB, or over 10 megapixels for the liveness and "
               "quality services",
          415: "a request content type other than application/json",
          422: "a JSON body that cannot be answered (no $image, objects not a list, "
               "a bbox that overlaps no face)",
          503: "a model the service needs is not in the store",
          504: "the analysis took longer than FACE_REQUEST_DEADLINE_S"}


def openapi_paths() -> dict:
    """The services as OpenAPI 3.0 path items, for the document at /docs.json (the
    app is mounted, so BentoML's own document does not list them)."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}}
    paths = {}
    for name in SERVICES:
        responses = {"200": {"description": "the objects with this service's fields",
                             "content": {"application/json": {"schema": {
                                 "$ref": "#/components/schemas/ImageApiResponse"}}}}}
        responses.update({str(status): {"description": why, "content": error}
                          for status, why in ERRORS.items()})
        paths[f"{PREFIX}/{name}"] = {"post": {
            "tags": ["image_api"], "operationId": f"image_api__{name.replace('-', '_')}",
            "summary": SUMMARIES[name],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/ImageApiRequest"}}}},
            "responses": responses}}
    return paths


# ------------------------------------------------------------------ the app
async def endpoint(request: Request):
    import bentoml

    name = request.path_params["service"]
    if name not in HANDLERS:
        return JSONResponse({"detail": f"no Image API service {name[:60]!r}; the services: "
                                       f"{list(SERVICES)}"}, status_code=404)
    try:
        # a worker thread: several MB of JSON must not hold the event loop
        body = await asyncio.to_thread(json.loads, await request.body())
    except (ValueError, UnicodeDecodeError, RecursionError):
        return JSONResponse({"detail": "the body is not JSON"}, status_code=400)
    if not isinstance(body, dict):
        return JSONResponse({"detail": "the body must be a JSON object: "
                                       "{\"$image\": \"<base64>\", \"objects\": [{}]}"},
                            status_code=422)
    service = bentoml.get_current_service()
    try:
        call = Call(service, body, name)
        return ok(await service.flows.within_deadline(HANDLERS[name](call)))
    except InputError as problem:
        return JSONResponse({"detail": problem.detail, "code": problem.code or "bad_request"},
                            status_code=problem.status)
    except ModelUnavailable as problem:
        return JSONResponse({"detail": str(problem)}, status_code=503)


async def http_error(request: Request, problem: HTTPException):
    return JSONResponse({"detail": problem.detail}, status_code=problem.status_code,
                        headers=getattr(problem, "headers", None))


app = Starlette(routes=[StarletteRoute("/{service}", endpoint, methods=["POST"])],
                exception_handlers={HTTPException: http_error})
