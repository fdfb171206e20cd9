"""The gallery's HTTP routes: Starlette apps that service.py mounts at /galleries
and /cluster (docs/identification.md is the guide; `openapi_paths` documents them
in /docs.json).

Photos come as multipart/form-data (`file`, the other fields as text) or as JSON
(`image`: base64 or a data: URL); the analysis is the service's own (front/flows/plumbing.py:
decoding under the limits, detection, embedding, under the request's deadline).
Errors are the service's `{"detail", "code"}` bodies. The database calls run in
threads, never on the event loop.

API keys (FACE_API_KEY): ApiKeyMiddleware has already checked the key; here a
gallery belongs to the key that created it (its SHA-256 is stored, never the key):
another key neither sees nor reaches it (404, as for a gallery that does not
exist) and may have a gallery of the same name. A gallery created while no key was
set belongs to none, and every key reaches it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import sqlite3
import threading

import numpy as np
from PIL import Image
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import precision
import settings
from analyzers.face_analysis import ModelUnavailable
from analyzers.face_models.embedding import metric_for
from errors import InputError
from front.http import ok
from gallery import clustering, operating_point
from gallery.database import DatabaseError, open_database
from gallery.replica import Replica
from gallery.store import GalleryError, GalleryStore, ModelMismatch, NewFace
from inputs.imageio import decode_base64
from inputs.json_nesting import MAX_JSON_DEPTH, MAX_JSON_VALUES, JsonNesting
from responses import templates
from responses.templates import Template
from security import ApiKeyMiddleware

PREFIX = "/galleries"
CLUSTER_PREFIX = "/cluster"
MAX_TOP_K = 100
MAX_CLUSTER_PHOTOS = 32
MAX_CLUSTER_FACES = 20_000
MAX_PAGE = 1000
MAX_MIGRATE_BATCH = 200
CROP_MARGIN = 0.5  # of the face box, each side: the detector finds the face again in it
CROP_MAX_SIDE = 400


# ------------------------------------------------------------------ the state
class Galleries:
    """The process's store and replica, opened at the first gallery request."""

    _lock = threading.Lock()
    _opened: "Galleries | None" = None

    def __init__(self, environ=None):
        self.store = GalleryStore(open_database(settings.read("FACE_GALLERY_DATABASE", environ),
                                                settings.read("FACE_GALLERY_DIR", environ)))
        self.replica = Replica(self.store, settings.read("FACE_GALLERY_INDEX", environ)).start()
        self.default_far = operating_point.parse_far(settings.read("FACE_GALLERY_FAR", environ),
                                                     operating_point.DEFAULT_FAR)
        self.min_quality = float(settings.read("FACE_GALLERY_MIN_QUALITY", environ))

    @classmethod
    def opened(cls) -> "Galleries":
        with cls._lock:
            if cls._opened is None:
                cls._opened = cls()
            return cls._opened


async def blocking(function, *args, **kwargs):
    return await asyncio.to_thread(function, *args, **kwargs)


def owner_of(request: Request) -> str:
    """The SHA-256 of the request's API key when keys are in force, else ""."""
    keys = ApiKeyMiddleware(None, _service().flows.settings.api_keys)
    given = keys.accepted_key(request.scope) if keys.keys else None
    return hashlib.sha256(given).hexdigest() if given else ""


def _service():
    import bentoml

    return bentoml.get_current_service()


# ------------------------------------------------------------------ the request
def _content_type_charset(header: str) -> str | None:
    for param in header.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


class Call:
    """One request's body (JSON or multipart) read under the service's limits."""

    def __init__(self, request: Request):
        self.request = request
        self.service = _service()
        self.flows = self.service.flows
        self.fields: dict = {}
        self.files: list[tuple[str, bytes]] = []

    async def read(self) -> "Call":
        limit = self.flows.settings.max_request_bytes
        media = self.request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in ("", "application/json", "multipart/form-data"):
            raise InputError(415, f"{self.request.url.path} takes application/json or "
                                  f"multipart/form-data, not {media[:80]}", "unsupported_media")
        charset = _content_type_charset(self.request.headers.get("content-type", ""))
        if charset not in (None, "utf-8", "utf8", "us-ascii", "ascii"):
            # Starlette would decode the field names in it (security.py, issue 29)
            raise InputError(400, f"charset {charset[:40]!r} is not accepted; send UTF-8",
                             "bad_charset")
        body = bytearray()
        nesting = JsonNesting() if media != "multipart/form-data" else None
        async for chunk in self.request.stream():
            body += chunk
            if len(body) > limit:
                raise InputError(413, f"request body is more than {limit:,} bytes "
                                      "(FACE_MAX_REQUEST_BYTES)", "too_large")
            # measured as it arrives: a deep or huge JSON would hold the event loop
            if nesting is not None and (nesting.feed(chunk) > MAX_JSON_DEPTH
                                        or nesting.values > MAX_JSON_VALUES):
                raise InputError(400, f"the JSON body nests deeper than {MAX_JSON_DEPTH} "
                                      f"levels or holds more than {MAX_JSON_VALUES:,} values",
                                 "json_too_deep")
        if media == "multipart/form-data":
            self.request._body = bytes(body)  # what form() parses, read once under the cap
            try:
                form = await self.request.form(max_files=MAX_CLUSTER_PHOTOS, max_fields=32,
                                               max_part_size=self.flows.settings.max_field_bytes)
            except Exception as problem:
                raise InputError(400, f"malformed multipart/form-data body "
                                      f"({str(problem)[:120]})", "bad_multipart") from None
            for name, value in form.multi_items():
                if hasattr(value, "read"):
                    data = await value.read()
                    if len(data) > self.flows.limits.max_bytes:
                        raise InputError(413, f"{name} is {len(data)} bytes, the limit is "
                                              f"{self.flows.limits.max_bytes} bytes", "too_large")
                    self.files.append((name, data))
                else:
                    self.fields[name] = value
        elif body.strip():
            try:
                parsed = await asyncio.to_thread(json.loads, bytes(body))
            except (ValueError, UnicodeDecodeError, RecursionError):
                raise InputError(400, "the body is not JSON", "bad_json") from None
            if not isinstance(parsed, dict):
                raise InputError(422, "the JSON body must be an object")
            self.fields = parsed
        return self

    def photo(self, required: bool = True) -> bytes | None:
        """The one photo: the upload `file`, or JSON `image` (base64 / data: URL)."""
        uploads = [data for name, data in self.files if name == "file"]
        image = self.fields.get("image")
        if len(uploads) > 1:
            raise InputError(422, "send one photo in the field file", "several_photos")
        if uploads and image is not None:
            raise InputError(422, "send the photo as file or as image, not both")
        if uploads:
            return uploads[0]
        if image is not None:
            if not isinstance(image, str):
                raise InputError(422, "image must be base64 text or a data: URL")
            return decode_base64(image, self.flows.limits)
        if required:
            raise InputError(422, "send the photo: multipart field file, or JSON image "
                                  "(base64 or a data: URL)", "no_photo")
        return None

    def photos(self) -> list[bytes]:
        uploads = [data for name, data in self.files if name in ("files", "file")]
        images = self.fields.get("images")
        if images is not None:
            if not isinstance(images, list) or not all(isinstance(i, str) for i in images):
                raise InputError(422, "images must be a list of base64 images")
            uploads += [decode_base64(i, self.flows.limits) for i in images]
        if not uploads:
            raise InputError(422, "send the photos: multipart fields files (repeated), or "
                                  "JSON images (a list of base64 images)", "no_photo")
        if len(uploads) > MAX_CLUSTER_PHOTOS:
            raise InputError(422, f"{len(uploads)} photos; at most {MAX_CLUSTER_PHOTOS} a "
                                  "request", "too_many_photos")
        return uploads

    def text(self, name: str, default=None, limit: int = 500):
        value = self.fields.get(name, default)
        if value is None or value == "":
            return default
        if not isinstance(value, str) or len(value) > limit:
            raise InputError(422, f"{name} must be text of at most {limit} characters")
        return value

    def number(self, name: str, default, kind=int, low=None, high=None):
        value = self.fields.get(name)
        if value is None or value == "":
            return default
        try:
            if isinstance(value, bool):
                raise ValueError
            number = kind(value)
            if kind is int and isinstance(value, float) and value != int(value):
                raise ValueError
        except (TypeError, ValueError):
            raise InputError(422, f"{name} must be a {'whole ' if kind is int else ''}number")\
                from None
        if (low is not None and number < low) or (high is not None and number > high):
            raise InputError(422, f"{name} must be between {low} and {high}")
        return number

    def metadata(self):
        value = self.fields.get("metadata")
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else None
            except ValueError:
                raise InputError(422, "metadata must be a JSON object", "invalid_metadata") \
                    from None
        return value


def _answer_errors(handler):
    async def answer(request: Request):
        try:
            return await handler(request)
        except GalleryError as problem:
            return JSONResponse({"detail": problem.detail, "code": problem.code},
                                status_code=problem.status)
        except operating_point.OperatingPointError as problem:
            return JSONResponse({"detail": str(problem), "code": "invalid_far"}, status_code=422)
        except InputError as problem:
            body = {"detail": problem.detail}
            if problem.code:
                body["code"] = problem.code
            return JSONResponse(body, status_code=problem.status)
        except ModelUnavailable as problem:
            return JSONResponse({"detail": str(problem), "code": "model_unavailable"},
                                status_code=503)
        except Exception as problem:
            if not _database_error(problem):
                raise
            return JSONResponse({"detail": "the gallery database is unavailable: "
                                           f"{str(problem)[:300]}",
                                 "code": "database_unavailable"}, status_code=503)
    answer.__name__ = handler.__name__
    return answer


def _database_error(problem: Exception) -> bool:
    """The database's own failures (a lost PostgreSQL connection, a locked or broken
    SQLite file): 503, never a 500."""
    if isinstance(problem, (DatabaseError, sqlite3.Error)):
        return True
    return type(problem).__module__.split(".")[0] == "psycopg"


async def _gallery(request: Request) -> dict:
    return await blocking(Galleries.opened().store.gallery, request.path_params["gallery"],
                          owner_of(request))


def _face_id(request: Request) -> int:
    text = request.path_params["face_id"]
    if not text.isdigit() or len(text) > 18:
        raise InputError(404, f"no face {text[:20]!r} in this gallery", "no_face_id")
    return int(text)


def _public(gallery: dict) -> dict:
    return {k: v for k, v in gallery.items() if k not in ("id", "owner")}


# ------------------------------------------------------------------ the analysis
def _crop_jpeg(image: np.ndarray, box) -> bytes:
    """The face with CROP_MARGIN around it, at most CROP_MAX_SIDE, as JPEG: what a
    migration re-embeds (the original photo is not kept)."""
    height, width = image.shape[:2]
    x1, y1, x2, y2 = (float(v) for v in box)
    pad_x, pad_y = (x2 - x1) * CROP_MARGIN, (y2 - y1) * CROP_MARGIN
    left, top = max(0, int(x1 - pad_x)), max(0, int(y1 - pad_y))
    right, bottom = min(width, int(np.ceil(x2 + pad_x))), min(height, int(np.ceil(y2 + pad_y)))
    crop = Image.fromarray(np.ascontiguousarray(image[top:bottom, left:right]))
    crop.thumbnail((CROP_MAX_SIDE, CROP_MAX_SIDE))
    buffer = io.BytesIO()
    crop.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _boxes(faces) -> list:
    return [precision.pixels(face.box) for face in faces]


async def _enrol_face(call: Call, data: bytes, min_quality: float) -> tuple[NewFace, dict]:
    """The chosen face of the photo, checked and embedded."""
    flows, analysis = call.flows, call.service.analysis
    model = flows.embedding_model()
    decoded, faces, _ = await flows.detected(data, flows.settings.max_faces)
    if not faces:
        raise InputError(422, "no face was found in the photo", "no_face")
    index = call.number("face_index", None, int, 0, len(faces) - 1)
    if index is None and len(faces) > 1:
        raise InputError(422, f"the photo has {len(faces)} faces; choose one with face_index "
                              f"(0 = the largest; boxes, largest first: {_boxes(faces)[:10]})",
                         "several_faces")
    face = faces[index or 0]
    image = decoded.image
    fitted, _ = await analysis.assess_quality(image, flows.quality_thresholds, 1, faces=[face])
    qaa = fitted[0]["quality"]
    score = float(qaa["totalScore"])
    if score < min_quality:
        failed = sorted(name for name, check in qaa.items()
                        if isinstance(check, dict) and check.get("passed") is False)
        raise InputError(422, f"the face's capture quality totalScore is {score:g}, below "
                              f"min_quality {min_quality:g} (failed checks: "
                              f"{', '.join(failed) or 'none'}); enrol a sharper, frontal, "
                              "evenly lit photo", "low_quality")
    vector = np.asarray((await analysis.embed_pair((image, face)))[0], np.float32)
    crop = await asyncio.to_thread(_crop_jpeg, image, face.box)
    scale = decoded.scale if decoded.reduced else (1.0, 1.0)
    box = precision.pixels([face.box[0] * scale[0], face.box[1] * scale[1],
                          face.box[2] * scale[0], face.box[3] * scale[1]])
    return (NewFace(box, round(score, 2), crop, Template(model, vector),
                    call.text("source", None)),
            {"bbox": box, "quality": round(score, 2), "face_index": index or 0,
             "faces_detected": len(faces)})


def _check_model(gallery: dict, model: str) -> None:
    if gallery["model"] is not None and gallery["model"] != model:
        raise ModelMismatch(
            f"gallery {gallery['name']!r} holds templates of {gallery['model']}; this server "
            f"embeds with {model}, and templates of two models cannot be compared: migrate "
            f"the gallery first (python -m gallery migrate {gallery['name']})")


# ------------------------------------------------------------------ galleries
@_answer_errors
async def galleries(request: Request):
    owner = owner_of(request)
    state = Galleries.opened()
    if request.method == "GET":
        found = await blocking(state.store.list_galleries, owner)
        return ok({"galleries": [_public(g) for g in found]})
    call = await Call(request).read()
    name = call.text("name", None, 64)
    if name is None:
        raise InputError(422, "send the gallery's name: {\"name\": \"staff\"}", "invalid_name")
    created = await blocking(state.store.create_gallery, name, owner, call.metadata())
    return ok(_public(created))


@_answer_errors
async def gallery(request: Request):
    found = await _gallery(request)
    if request.method == "DELETE":
        state = Galleries.opened()
        await blocking(state.store.delete_gallery, found["id"])
        await blocking(state.replica.sync)
        return ok({"deleted": found["name"], "subjects_deleted": found["subject_count"],
                   "faces_deleted": found["face_count"]})
    return ok(_public(found))


# ------------------------------------------------------------------ enrolment
@_answer_errors
async def enrol(request: Request):
    found = await _gallery(request)
    call = await Call(request).read()
    subject = request.path_params.get("subject")
    state = Galleries.opened()
    min_quality = call.number("min_quality", state.min_quality, float, 0, 100)
    model = call.flows.embedding_model()
    _check_model(found, model)
    data = call.photo()
    new_face, seen = await call.flows.within_deadline(_enrol_face(call, data, min_quality))
    stored = await blocking(state.store.enrol, found["id"], subject, new_face,
                            call.text("display_name", None, 200), call.metadata())
    await blocking(state.replica.sync)  # this replica reads its own write
    return ok({"gallery": found["name"], "subject_id": subject, "face_id": stored["face_id"],
               "existing": stored["existing"], "model": stored["model"], **seen})


# ------------------------------------------------------------------ identify / verify
@_answer_errors
async def identify(request: Request):
    found = await _gallery(request)
    call = await Call(request).read()
    state = Galleries.opened()
    top_k = call.number("top_k", 5, int, 1, MAX_TOP_K)
    far = operating_point.parse_far(call.fields.get("far"), state.default_far)
    max_faces = call.number("max_faces", None, int, 1, 1000)
    if call.fields.get("template") is not None:
        # a template from /templates/extract: the search alone, no photo analysed
        model, faces, vectors = _template_probe(call, found)
    else:
        model = call.flows.embedding_model()
        _check_model(found, model)
        data = call.photo()
        limit = call.flows.face_limit(max_faces)
        faces, vectors = await call.flows.within_deadline(
            call.flows.faces_and_vectors(data, limit))
    point = operating_point.operating_point(model, far, found["subject_count"])
    threshold = point["threshold"]
    index = await blocking(state.replica.index, found["id"], model)
    hits = await blocking(lambda: [index.search(v, top_k) for v in vectors])
    names = await blocking(state.store.subjects_by_row,
                           sorted({s for face in hits for s, _, _ in face}))
    answered = []
    for face, ranked in zip(faces, hits):
        matches = [{"subject_id": names[s][0], "display_name": names[s][1],
                    "distance": round(d, 6), "face_id": f, "match": d < threshold,
                    **operating_point.rates_at(model, d)}
                   for s, d, f in ranked if s in names]  # a subject deleted meanwhile: gone
        best = matches[0] if matches and matches[0]["match"] else None
        answered.append({"bbox": precision.pixels(face.box) if face else None,
                         "confidence": precision.score(face.score) if face else None,
                         "subject_id": best["subject_id"] if best else None,
                         "display_name": best["display_name"] if best else None,
                         "unknown": best is None, "matches": matches})
    return ok({"gallery": found["name"], "model": model, "faces": answered,
               "face_count": len(answered), "top_k": top_k, "index": state.replica.index_kind,
               "templates_searched": len(index), **point})


def _template_probe(call: Call, found: dict):
    """(model, [None], [vector]) of the request's `template`; a template of another
    model than the gallery's is refused (409 model_mismatch)."""
    if call.photo(required=False) is not None:
        raise InputError(422, "send a photo or a template, not both")
    try:
        template = templates.decode(call.fields["template"], "template")
    except templates.TemplateError as problem:
        raise InputError(422, str(problem), "invalid_template") from None
    if found["model"] is not None and template.model != found["model"]:
        raise ModelMismatch(
            f"the template comes from {template.model[:100]}; gallery {found['name']!r} holds "
            f"templates of {found['model']}, and templates of two models cannot be compared")
    return template.model, [None], [template.vector]


async def _searched(request: Request):
    """A search's gallery, call, state, FAR and the embedding model it must hold."""
    found = await _gallery(request)
    call = await Call(request).read()
    state = Galleries.opened()
    far = operating_point.parse_far(call.fields.get("far"), state.default_far)
    model = call.flows.embedding_model()
    _check_model(found, model)
    return found, call, state, far, model


@_answer_errors
async def verify(request: Request):
    found, call, state, far, model = await _searched(request)
    subject = request.path_params["subject"]
    face_ids, vectors = await blocking(state.store.subject_templates, found["id"], subject, model)
    if not vectors:
        raise GalleryError(f"subject {subject!r} has no face enrolled", "no_template")
    data = call.photo()
    faces, probe = await call.flows.within_deadline(call.flows.faces_and_vectors(data, 1))
    if not faces:
        raise InputError(422, "no face was found in the photo", "no_face")
    metric = metric_for(model)
    distances = [metric.distance(probe[0], v) for v in vectors]
    nearest = int(np.argmin(distances))
    point = operating_point.operating_point(model, far, 1)
    point.pop("fpir_bound", None)
    return ok({"gallery": found["name"], "subject_id": subject, "model": model,
               "match": distances[nearest] < point["threshold"],
               "distance": round(distances[nearest], 6), "face_id": face_ids[nearest],
               "faces_compared": len(vectors), "bbox": precision.pixels(faces[0].box),
               **operating_point.rates_at(model, distances[nearest]), **point})


# ------------------------------------------------------------------ subjects and faces
def _page(request: Request) -> tuple[int, int]:
    def number(name, default, high):
        text = request.query_params.get(name, str(default))
        if not text.isdigit() or int(text) > high:
            raise InputError(422, f"{name} must be a whole number from 0 to {high}")
        return int(text)
    return number("limit", 100, MAX_PAGE), number("offset", 0, 10**12)


@_answer_errors
async def subjects(request: Request):
    found = await _gallery(request)
    limit, offset = _page(request)
    listed = await blocking(Galleries.opened().store.list_subjects, found["id"], limit, offset)
    return ok({"gallery": found["name"], **listed})


@_answer_errors
async def subject(request: Request):
    found = await _gallery(request)
    state = Galleries.opened()
    name = request.path_params["subject"]
    if request.method == "DELETE":
        deleted = await blocking(state.store.delete_subject, found["id"], name)
        await blocking(state.replica.sync)
        return ok({"deleted": name, "faces_deleted": deleted})
    if request.method == "PATCH":
        call = await Call(request).read()
        updated = await blocking(state.store.update_subject, found["id"], name,
                                 call.text("display_name", None, 200), call.metadata())
        return ok(updated)
    return ok(await blocking(state.store.subject, found["id"], name))


@_answer_errors
async def faces(request: Request):
    found = await _gallery(request)
    if request.method == "POST":
        return await enrol(request)
    limit, offset = _page(request)
    unassigned = request.query_params.get("unassigned", "").lower() in ("1", "true", "yes")
    listed = await blocking(Galleries.opened().store.list_faces, found["id"], unassigned,
                            limit, offset)
    return ok({"gallery": found["name"], **listed})


@_answer_errors
async def face(request: Request):
    found = await _gallery(request)
    state = Galleries.opened()
    face_id = _face_id(request)
    if request.method == "DELETE":
        await blocking(state.store.delete_face, found["id"], face_id)
        await blocking(state.replica.sync)
        return ok({"deleted": face_id})
    if request.method == "PATCH":
        call = await Call(request).read()
        if "subject_id" not in call.fields:
            raise InputError(422, "send subject_id (a subject, new or not; null: unassign)")
        moved = await blocking(state.store.assign_face, found["id"], face_id,
                               call.fields["subject_id"], call.text("display_name", None, 200))
        await blocking(state.replica.sync)
        return ok(moved)
    return ok(await blocking(state.store.face, found["id"], face_id))


@_answer_errors
async def face_crop(request: Request):
    found = await _gallery(request)
    record = await blocking(Galleries.opened().store.face, found["id"], _face_id(request), True)
    if record["crop"] is None:
        raise GalleryError("this face has no stored crop", "no_crop")
    # a data: URL in JSON, as /extract-face answers its face
    return ok({"face_id": record["face_id"], "subject_id": record["subject_id"],
               "crop": "data:image/jpeg;base64," + base64.b64encode(record["crop"]).decode()})


# ------------------------------------------------------------------ clustering
def _clusters(labels: np.ndarray, items: list[dict]) -> list[dict]:
    groups: dict[int, list[dict]] = {}
    for label, item in zip(labels.tolist(), items):
        groups.setdefault(label, []).append(item)
    return [{"cluster": label, "size": len(members), "faces": members}
            for label, members in sorted(groups.items())]


@_answer_errors
async def cluster_photos(request: Request):
    call = await Call(request).read()
    far = operating_point.parse_far(call.fields.get("far"),
                                    Galleries.opened().default_far)
    photos = call.photos()
    model = call.flows.embedding_model()
    limit = call.flows.face_limit(call.number("max_faces", None, int, 1, 1000))

    async def embed_all():
        return await asyncio.gather(*(call.flows.faces_and_vectors(data, limit)
                                      for data in photos))

    found = await call.flows.within_deadline(embed_all())
    items, vectors = [], []
    for photo, (faces, embedded) in enumerate(found):
        for number, (face, vector) in enumerate(zip(faces, embedded)):
            items.append({"photo": photo, "face": number, "bbox": precision.pixels(face.box),
                          "confidence": precision.score(face.score)})
            vectors.append(vector)
    point = operating_point.operating_point(model, far)
    point.pop("fpir_bound", None)
    matrix = np.array(vectors, np.float32) if vectors else np.zeros((0, 1), np.float32)
    labels = await blocking(clustering.chinese_whispers, matrix, metric_for(model),
                            point["threshold"])
    return ok({"model": model, "photo_count": len(photos), "face_count": len(items),
               "cluster_count": len(set(labels.tolist())), "method": "chinese_whispers",
               "clusters": _clusters(labels, items), **point})


@_answer_errors
async def cluster_gallery(request: Request):
    found, call, state, far, model = await _searched(request)
    ids, _, vectors = await blocking(state.store.templates, found["id"], model, False, None, True)
    if len(ids) > MAX_CLUSTER_FACES:
        raise InputError(422, f"{len(ids)} unassigned faces; at most {MAX_CLUSTER_FACES} are "
                              "clustered at once: assign some first", "too_many_faces")
    point = operating_point.operating_point(model, far)
    point.pop("fpir_bound", None)
    labels = await blocking(clustering.chinese_whispers, vectors, metric_for(model),
                            point["threshold"])
    return ok({"gallery": found["name"], "model": model, "face_count": int(len(ids)),
               "cluster_count": len(set(labels.tolist())), "method": "chinese_whispers",
               "clusters": _clusters(labels, [{"face_id": int(i)} for i in ids]), **point})


# ------------------------------------------------------------------ migration
@_answer_errors
async def migrate(request: Request):
    """One step of re-making the gallery's templates under this server's model, from
    the stored face crops; the last step switches the gallery to it. The command
    line (`python -m gallery migrate`) calls it until `done`."""
    found = await _gallery(request)
    call = await Call(request).read()
    state = Galleries.opened()
    batch = call.number("batch", 20, int, 1, MAX_MIGRATE_BATCH)
    model = call.flows.embedding_model()
    if found["model"] in (None, model):
        return ok({"gallery": found["name"], "model": model, "from_model": found["model"],
                   "migrated": 0, "remaining": 0, "failed": [], "done": True})
    todo, left = await blocking(state.store.faces_without, found["id"], model, batch)
    made, failed = {}, []

    async def remake():
        for face_id, crop in todo:
            if crop is None:
                failed.append({"face_id": face_id, "reason": "no stored crop"})
                continue
            decoded, faces, _ = await call.flows.detected(crop, 1)
            if not faces:
                failed.append({"face_id": face_id, "reason": "no face found in its crop"})
                continue
            vector = (await call.service.analysis.embed_pair((decoded.image, faces[0])))[0]
            made[face_id] = Template(model, np.asarray(vector, np.float32))

    await call.flows.within_deadline(remake())
    await blocking(state.store.add_templates, found["id"], made)
    remaining = left - len(made)
    if failed:
        return ok({"gallery": found["name"], "model": model, "from_model": found["model"],
                   "migrated": len(made), "remaining": remaining, "failed": failed,
                   "done": False})
    done = remaining == 0
    if done:
        await blocking(state.store.switch_model, found["id"], model)
        await blocking(state.replica.sync)
    return ok({"gallery": found["name"], "model": model, "from_model": found["model"],
               "migrated": len(made), "remaining": remaining, "failed": [], "done": done})


# ------------------------------------------------------------------ the apps
async def http_error(request: Request, problem: HTTPException):
    return JSONResponse({"detail": problem.detail, "code": "not_found"
                         if problem.status_code == 404 else "method_not_allowed"},
                        status_code=problem.status_code, headers=getattr(problem, "headers", None))


app = Starlette(routes=[
    Route("/", galleries, methods=["GET", "POST"]),
    Route("/{gallery}", gallery, methods=["GET", "DELETE"]),
    Route("/{gallery}/identify", identify, methods=["POST"]),
    Route("/{gallery}/cluster", cluster_gallery, methods=["POST"]),
    Route("/{gallery}/migrate", migrate, methods=["POST"]),
    Route("/{gallery}/subjects", subjects, methods=["GET"]),
    Route("/{gallery}/subjects/{subject}", subject, methods=["GET", "PATCH", "DELETE"]),
    Route("/{gallery}/subjects/{subject}/faces", enrol, methods=["POST"]),
    Route("/{gallery}/subjects/{subject}/verify", verify, methods=["POST"]),
    Route("/{gallery}/faces", faces, methods=["GET", "POST"]),
    Route("/{gallery}/faces/{face_id}", face, methods=["GET", "PATCH", "DELETE"]),
    Route("/{gallery}/faces/{face_id}/crop", face_crop, methods=["GET"]),
], exception_handlers={HTTPException: http_error})

cluster_app = Starlette(routes=[Route("/", cluster_photos, methods=["POST"])],
                        exception_handlers={HTTPException: http_error})


class BarePaths:
    """/galleries and /cluster answer as /galleries/ and /cluster/ (the mounts' roots)
    instead of a 307 redirect, which clients do not follow for a POST."""

    ROOTS = {PREFIX: PREFIX + "/", CLUSTER_PREFIX: CLUSTER_PREFIX + "/"}

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("path") in self.ROOTS:
            scope = dict(scope, path=self.ROOTS[scope["path"]],
                         raw_path=self.ROOTS[scope["path"]].encode())
        await self.app(scope, receive, send)
