"""The OpenAPI document the service publishes at /docs.json, made valid for the
version it declares and complete about what the API answers.

BentoML 1.4 writes pydantic's JSON Schema (2020-12 dialect) into a document that
declares OpenAPI 3.0.2: multipart files as `type: file`, optional fields as
`anyOf [..., {type: null}]`, `const`, numeric `exclusiveMinimum`, and only the
200 / 400 / 404 / 500 answers with a body shape ({"error"}) that this service
never sends. openapi-spec-validator rejects it and client generators fail on it.
`rewrite` turns it into valid OpenAPI 3.0 (nullable: true, string/binary, enum,
boolean exclusive bounds), documents every status each endpoint answers with its
body ({"detail": string}), and adds GET /health. `OpenAPIContract` serves it.
"""

from __future__ import annotations

import copy
import json

from starlette.responses import JSONResponse

from front.openapi_names import humanize

SPEC_PATHS = ("/docs.json",)
ERROR = {"$ref": "#/components/schemas/ErrorDetail"}
ERROR_SCHEMAS = {
    "ErrorDetail": {
        "type": "object", "title": "ErrorDetail", "required": ["detail"],
        "properties": {"detail": {"type": "string", "description": "what was wrong"},
                       "code": {"type": "string", "description": (
                           "a short machine-readable tag for the problem, e.g. "
                           "too_many_pixels, unsupported_format, pdf_encrypted, no_face")}},
        "description": "every 4xx / 5xx answer of this service",
    },
    "ValidationErrors": {
        "type": "object", "title": "ValidationErrors", "required": ["detail"],
        "properties": {
            "error": {"type": "string"},
            "detail": {"type": "array", "items": {"type": "object",
                                                  "additionalProperties": True}},
        },
        "description": "a field that fails its declared type or bounds (BentoML's check, "
                       "before the endpoint runs): one entry per problem",
    },
}
# status -> why, for every POST endpoint: the request guard (security.py) and BentoML
GUARD_STATUSES = {
    400: "malformed body, a missing, misnamed or doubled file field, or a field that "
         "fails its type or bounds",
    401: "a missing or wrong API key (only when FACE_API_KEY is set)",
    408: "the request body was not received within FACE_REQUEST_DEADLINE_S",
    413: "the body, an upload or a field is over its limit (README, Limits and security)",
    415: "a content type the endpoint does not take, or an image format it cannot read",
    422: "a well-formed request that cannot be answered: unreadable image, no face where "
         "one is needed, a value out of range",
}
MODEL_STATUSES = {
    503: "a model the endpoint needs is not in the store (the detail names the import "
         "command), or its service is down",
    504: "the analysis took longer than FACE_REQUEST_DEADLINE_S",
}
# endpoints that run no model, and the statuses only some endpoints answer
WITHOUT_MODELS = {"/templates/verify", "/batch-stats"}
EXTRA_STATUSES = {"/extract-face": {404: "no face was found in the document"}}
# NSFAS's routes answer 400 for every problem with an uploaded file (compat/nsfas.py)
NSFAS_BAD_FILE = ("a problem with an uploaded file (empty, over the upload limit, not an image, "
                  "a PDF that cannot be read safely; `code` says which), a malformed body, or "
                  "a field that fails its type or bounds")
NSFAS_ROUTES = {"/extract-face", "/compare-faces"}
HEALTH = {
    "get": {
        "tags": ["Infrastructure"],
        "description": "Diagnostics: the model tag answering each task, why any model is "
                       "unavailable, and readiness (also what /readyz answers: 503 while "
                       "`ready` is false). Always 200 while the process runs.",
        "responses": {"200": {"description": "the server's state", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}},
    },
}
HEALTH_SCHEMA = {
    "type": "object", "title": "Health", "required": ["status", "models"],
    "properties": {
        "status": {"type": "string", "enum": ["starting", "ok", "degraded"]},
        "ready": {"type": "boolean"},
        "missing_required": {"type": "array", "items": {"type": "string"}},
        "models": {"type": "object", "additionalProperties": {"type": "string"}},
        "unavailable": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
READYZ_503 = {"description": "not ready: a model every request needs (the face detector) is "
                             "missing; /health says which and how to import it"}


def rewrite(spec: dict, mounted_paths: dict | None = None,
            mounted_schemas: dict | None = None) -> dict:
    """A valid OpenAPI 3.0 copy of BentoML's document (see the module docstring),
    plus the path items (and their schemas) of mounted apps, which BentoML does not
    see (the 3DiVi Image API: compat.image_api.openapi_paths)."""
    spec = json.loads(json.dumps(spec))  # a copy whose keys are all strings, as served
    spec["paths"] = {path: {method: _operation(path, method, operation)
                            for method, operation in item.items()}
                     for path, item in spec.get("paths", {}).items()}
    spec["paths"].update(copy.deepcopy(mounted_paths or {}))
    spec["paths"]["/health"] = copy.deepcopy(HEALTH)
    spec["paths"].get("/readyz", {}).get("get", {}).get("responses", {})["503"] = \
        dict(READYZ_503)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name in ("InvalidArgument", "NotFound", "InternalServerError"):
        schemas.pop(name, None)  # BentoML's {"error"} bodies, which this service never sends
    schemas.update(copy.deepcopy(ERROR_SCHEMAS))
    schemas["Health"] = copy.deepcopy(HEALTH_SCHEMA)
    schemas.update(copy.deepcopy(mounted_schemas or {}))
    return _schema_walk(spec)


def _operation(path: str, method: str, operation: dict) -> dict:
    if method != "post" or "requestBody" not in operation:
        return operation
    responses = {"200": operation.get("responses", {}).get("200",
                                                           {"description": "Successful"})}
    statuses = dict(GUARD_STATUSES)
    if path not in WITHOUT_MODELS:
        statuses.update(MODEL_STATUSES)
    statuses.update(EXTRA_STATUSES.get(path, {}))
    if path in NSFAS_ROUTES:
        statuses[400] = NSFAS_BAD_FILE
        statuses[413] = "the whole request body is over FACE_MAX_REQUEST_BYTES"
        statuses[415] = "a request content type other than multipart/form-data"
        statuses[422] = "no face in one of the photos (/compare-faces)"
    for status, why in sorted(statuses.items()):
        schema = ERROR if status != 400 else {
            "anyOf": [ERROR, {"$ref": "#/components/schemas/ValidationErrors"}]}
        responses[str(status)] = {"description": why,
                                  "content": {"application/json": {"schema": schema}}}
    operation["responses"] = responses
    return operation


def _schema_walk(node):
    if isinstance(node, list):
        return [_schema_walk(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _schema_walk(value) for key, value in node.items()}
    return _schema(node)


def _is_null(schema) -> bool:
    """{type: null}, or what _schema made of it already (children go first)."""
    if not isinstance(schema, dict):
        return False
    rest = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return rest in ({"type": "null"}, {"nullable": True})


def _schema(node: dict) -> dict:
    """One JSON Schema object as OpenAPI 3.0 writes it (children are already done)."""
    if node.get("type") == "file":
        node["type"], node["format"] = "string", "binary"
    kind = node.get("type")
    if isinstance(kind, list):  # ["string", "null"]
        rest = [k for k in kind if k != "null"]
        if len(rest) < len(kind):
            node["nullable"] = True
        node["type"] = rest[0] if len(rest) == 1 else "string"
    for key in ("anyOf", "oneOf"):
        options = node.get(key)
        if isinstance(options, list) and any(_is_null(o) for o in options):
            kept = [o for o in options if not _is_null(o)]
            node["nullable"] = True
            if len(kept) == 1:
                del node[key]
                only = kept[0]
                if "$ref" in only:  # a $ref takes no siblings in 3.0: wrap it
                    node["allOf"] = [only]
                else:
                    for name, value in only.items():
                        node.setdefault(name, value)
            else:
                node[key] = kept
    if node.get("type") == "null":  # a field that is always null
        del node["type"]
        node["nullable"] = True
    if "const" in node:
        node["enum"] = [node.pop("const")]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = node.get(bound)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            node[plain], node[bound] = value, True
    if "examples" in node and isinstance(node["examples"], list) and "$ref" not in node:
        examples = node.pop("examples")
        if examples:
            node.setdefault("example", examples[0])
    if "default" in node and node["default"] is None:
        node["nullable"] = True
    if "$ref" in node and len(node) > 1:  # siblings of a $ref are ignored in 3.0
        ref = node.pop("$ref")
        node["allOf"] = [{"$ref": ref}]
    return node


class OpenAPIContract:
    """Serves GET /docs.json as `rewrite` makes it (ASGI middleware; the document
    BentoML generates is read once, from the service, and kept)."""

    def __init__(self, app, service, mounted_paths: dict | None = None,
                 mounted_schemas: dict | None = None):
        self.app = app
        self.service = service
        self.mounted = mounted_paths, mounted_schemas
        self.body: bytes | None = None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] in SPEC_PATHS and scope["method"] == "GET":
            if self.body is None:
                # and with names a person would write (front/openapi_names.py)
                self.body = json.dumps(humanize(rewrite(self.service.openapi_spec.asdict(),
                                                        *self.mounted))).encode()
            await JSONResponse(json.loads(self.body))(scope, receive, send)
        else:
            await self.app(scope, receive, send)
