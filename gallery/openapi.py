"""The gallery routes as OpenAPI 3.0 path items and schemas, merged into the
service's /docs.json (front/openapi_contract.py): the apps are mounted, so
BentoML's own document does not list them."""

from __future__ import annotations

from gallery.api import CLUSTER_PREFIX, MAX_CLUSTER_PHOTOS, MAX_TOP_K, PREFIX

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}}
_OBJECT = {"type": "object", "additionalProperties": True}
_PHOTO_FIELDS = {
    "image": {"type": "string", "description": "JSON: the photo, base64 or a data: URL"},
    "far": {"type": "number", "minimum": 0, "maximum": 1, "description":
            "false-accept rate per comparison the threshold is chosen for (default "
            "FACE_GALLERY_FAR, 0.001), from the model's calibration table"},
}
_ENROL_FIELDS = {
    "face_index": {"type": "integer", "minimum": 0, "description":
                   "which face of a photo with several (0 = the largest); required then"},
    "display_name": {"type": "string", "maxLength": 200},
    "metadata": {"type": "object", "additionalProperties": True,
                 "description": "free JSON object (multipart: as JSON text), at most 16 KiB"},
    "source": {"type": "string", "maxLength": 500, "description":
               "where the photo came from; a gallery enrols one source once"},
    "min_quality": {"type": "number", "minimum": 0, "maximum": 100, "description":
                    "least capture-quality totalScore (default FACE_GALLERY_MIN_QUALITY)"},
}
SCHEMAS = {
    "GalleryCreate": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"},
        "metadata": {"type": "object", "additionalProperties": True}}},
    "GalleryPhoto": {"type": "object", "properties": {
        **_PHOTO_FIELDS, **_ENROL_FIELDS,
        "template": {"type": "string", "description": "identify: a $template from "
                     "/templates/extract instead of a photo (of the gallery's model)"},
        "top_k": {"type": "integer", "minimum": 1, "maximum": MAX_TOP_K, "default": 5},
        "max_faces": {"type": "integer", "minimum": 1, "maximum": 1000}}},
    "GalleryPhotoUpload": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"},
        **{k: v for k, v in _PHOTO_FIELDS.items() if k != "image"},
        **{k: {**v, "type": "string"} if k == "metadata" else v
           for k, v in _ENROL_FIELDS.items()},
        "top_k": {"type": "integer", "minimum": 1, "maximum": MAX_TOP_K, "default": 5}}},
    "ClusterPhotos": {"type": "object", "properties": {
        "images": {"type": "array", "maxItems": MAX_CLUSTER_PHOTOS,
                   "items": {"type": "string"}, "description": "base64 photos"},
        "far": _PHOTO_FIELDS["far"]}},
    "ClusterUpload": {"type": "object", "required": ["files"], "properties": {
        "files": {"type": "array", "maxItems": MAX_CLUSTER_PHOTOS,
                  "items": {"type": "string", "format": "binary"}}}},
    "IdentifyResponse": {"type": "object", "required": ["faces", "threshold", "model"],
                         "properties": {
        "gallery": {"type": "string"}, "model": {"type": "string"},
        "faces": {"type": "array", "items": {"type": "object", "properties": {
            "bbox": {"type": "array", "items": {"type": "number"}, "nullable": True},
            "subject_id": {"type": "string", "nullable": True,
                           "description": "the best match, or null when unknown"},
            "unknown": {"type": "boolean"},
            "matches": {"type": "array", "items": _OBJECT, "description":
                        "top_k subjects, nearest first: subject_id, display_name, distance, "
                        "face_id, match, fa_r, fr_r"}}}},
        "threshold": {"type": "number"},
        "far": {"type": "number", "nullable": True, "description": "the FAR asked for"},
        "operating_point_far": {"type": "number", "nullable": True,
                                "description": "the FAR measured at the threshold"},
        "fpir_bound": {"type": "number", "nullable": True, "description":
                       "at most subjects x FAR: the chance an unknown face gets a name"},
        "calibration": {**_OBJECT, "nullable": True}}},
}
_PATH_PARAMETERS = {
    "gallery": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"},
    "subject": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$"},
    "face_id": {"type": "integer", "minimum": 1}}
_STATUSES = {
    "400": "a malformed body", "401": "a missing or wrong API key (FACE_API_KEY)",
    "404": "no such gallery (or another key's), subject or face",
    "409": "a gallery that exists, or templates of another embedding model "
           "(code model_mismatch: migrate the gallery)",
    "413": "a body or photo over its limit", "415": "a content type other than JSON or "
    "multipart/form-data", "422": "no face, several faces without face_index, low quality, "
    "an invalid value", "503": "a model or the gallery database is unavailable",
    "504": "the analysis took longer than FACE_REQUEST_DEADLINE_S"}


def _operation(summary: str, operation_id: str, photo: bool = False, json_body: str = "",
               answer: str = "", params: tuple = ()) -> dict:
    responses = {"200": {"description": "done", "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{answer}"} if answer else _OBJECT}}}}
    responses.update({code: {"description": why, "content": _ERROR}
                      for code, why in _STATUSES.items()})
    operation = {"tags": ["galleries"], "operationId": operation_id, "summary": summary,
                 "responses": responses}
    if photo:
        operation["requestBody"] = {"required": True, "content": {
            "multipart/form-data": {"schema": {"$ref": f"#/components/schemas/{photo}"}},
            "application/json": {"schema": {"$ref": f"#/components/schemas/{json_body}"}}}}
    elif json_body:
        operation["requestBody"] = {"required": False, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{json_body}"}}}}
    if params:
        operation["parameters"] = [{"name": name, "in": "path", "required": True,
                                    "schema": _PATH_PARAMETERS[name]} for name in params]
    return operation


def openapi_paths() -> dict:
    g, s, f = ("gallery",), ("gallery", "subject"), ("gallery", "face_id")
    upload = "GalleryPhotoUpload"
    return {
        PREFIX: {
            "get": _operation("the galleries (of the request's API key)", "galleries_list"),
            "post": _operation("create a gallery", "galleries_create",
                               json_body="GalleryCreate")},
        PREFIX + "/{gallery}": {
            "get": _operation("a gallery: its model and counts", "gallery_get", params=g),
            "delete": _operation("delete a gallery with every subject, face and template",
                                 "gallery_delete", params=g)},
        PREFIX + "/{gallery}/identify": {"post": _operation(
            "every face of a photo (or a template): its top_k subjects, or unknown past the "
            "threshold of the FAR asked for", "gallery_identify", upload, "GalleryPhoto",
            "IdentifyResponse", g)},
        PREFIX + "/{gallery}/cluster": {"post": _operation(
            "group the gallery's unassigned faces by person", "gallery_cluster",
            json_body="ClusterPhotos", params=g)},
        PREFIX + "/{gallery}/migrate": {"post": _operation(
            "one step of re-making the templates with the server's embedding model",
            "gallery_migrate", json_body="GalleryPhoto", params=g)},
        PREFIX + "/{gallery}/subjects": {"get": _operation(
            "the subjects, paged (limit, offset)", "subjects_list", params=g)},
        PREFIX + "/{gallery}/subjects/{subject}": {
            "get": _operation("a subject and its faces", "subject_get", params=s),
            "patch": _operation("rename a subject or replace its metadata", "subject_update",
                                json_body="GalleryPhoto", params=s),
            "delete": _operation("delete a subject with its faces and templates",
                                 "subject_delete", params=s)},
        PREFIX + "/{gallery}/subjects/{subject}/faces": {"post": _operation(
            "enrol the face of a photo into a subject (created when new)", "subject_enrol",
            upload, "GalleryPhoto", params=s)},
        PREFIX + "/{gallery}/subjects/{subject}/verify": {"post": _operation(
            "is the photo's most prominent face this subject?", "subject_verify", upload,
            "GalleryPhoto", params=s)},
        PREFIX + "/{gallery}/faces": {
            "get": _operation("the faces, paged; unassigned=true for those of no subject",
                              "faces_list", params=g),
            "post": _operation("enrol a face of no subject (for clustering)", "face_enrol",
                               upload, "GalleryPhoto", params=g)},
        PREFIX + "/{gallery}/faces/{face_id}": {
            "get": _operation("a face", "face_get", params=f),
            "patch": _operation("assign a face to a subject (subject_id), or unassign (null)",
                                "face_assign", json_body="GalleryPhoto", params=f),
            "delete": _operation("delete a face and its templates", "face_delete", params=f)},
        PREFIX + "/{gallery}/faces/{face_id}/crop": {"get": _operation(
            "the stored face crop: {face_id, subject_id, crop: a JPEG data: URL}", "face_crop",
            params=f)},
        CLUSTER_PREFIX: {"post": _operation(
            f"group the faces of up to {MAX_CLUSTER_PHOTOS} photos by person (Chinese "
            "whispers at the verification threshold)", "cluster_photos", "ClusterUpload",
            "ClusterPhotos")},
    }
