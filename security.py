"""HTTP hardening of the front service: settings and pure ASGI middlewares.

* :class:`RequestGuard` - before BentoML parses anything: a cap on the request
  body per route (what the route's images need, base64 for a JSON route, plus a
  margin; refused from ``Content-Length`` before reading, or as soon as a
  streamed body passes it), a deadline for receiving the body, the content
  type each endpoint takes, JSON nesting measured chunk by chunk as the body
  arrives (inputs/json_nesting.py), and a check of multipart bodies in a worker
  thread (UTF-8 or ASCII charset only, plain ASCII field names, file fields
  real uploads - so BentoML never downloads a URL given in their place -,
  other fields short UTF-8 text, a well-formed body). BentoML would answer
  several of these with a 500; here each is a 4xx JSON ``{"detail", "code"}``.
* :class:`ApiKeyMiddleware` - optional API key (``X-API-Key`` or
  ``Authorization: Bearer``), compared in constant time; health and metrics
  paths stay open. Each header at most once (else 400); a request is let in
  when either header holds a valid key.
* CORS through Starlette's ``CORSMiddleware`` (:func:`cors_options`).

Settings (:meth:`Settings.from_env`; a malformed value stops the service at
start-up):

==========================  ======================================================
FACE_API_KEY                unset: no authentication; one key or several, comma-separated
FACE_CORS_ORIGINS           unset: no CORS headers; comma-separated origins or ``*``
FACE_MAX_REQUEST_BYTES      3 x FACE_MAX_UPLOAD_BYTES + 1 MiB (31 MiB)
FACE_MAX_FIELD_BYTES        65536 (a non-file form field)
FACE_REQUEST_DEADLINE_S     30 (receiving the body, and then the whole analysis)
FACE_MAX_FACES              100 (faces analysed per image; at most 1000)
FACE_MODEL_TIMEOUT_S        60% of the request deadline (one model call; past it
                            only that model's fields fail)
==========================  ======================================================
"""

from __future__ import annotations

import asyncio
import codecs
import hmac
import math
import os
import typing
from dataclasses import dataclass
from typing import Mapping

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.responses import JSONResponse

from front import form_fields
import settings
from inputs.imageio import Limits, numbers_from_env
from inputs.json_nesting import (MAX_JSON_DEPTH, MAX_JSON_VALUES, JsonNesting,  # noqa: F401
                                 json_depth)

OPEN_PATHS = frozenset({"/livez", "/readyz", "/healthz", "/health", "/metrics", "/-/healthz"})
#: Internal statistics: answered only to a client with the API key, so never when
#: no FACE_API_KEY is set (they tell an attacker how the server batches its load).
PRIVATE_PATHS = frozenset({"/batch-stats"})
#: The same rule on every model service, for its own statistics (the `stats` API of
#: model_services.ModelService, which /batch-stats gathers): in a cluster each model
#: service is a server of its own, reachable without the front (PrivateEndpoints).
MODEL_PRIVATE_PATHS = frozenset({"/stats"})
MAX_PARTS = 32
#: Added to what a route's images need: a JSON route's other fields (100,000
#: attribute names fit), a multipart route's part headers.
BODY_MARGIN = 1 << 20
#: The multipart charsets whose field names BentoML (Starlette) decodes as this guard does.
MULTIPART_CHARSETS = frozenset({"utf-8", "ascii"})
#: Routes whose requests carry two images (the others: one at most).
TWO_IMAGES = frozenset({"/compare-faces", "/v1/models/insightface:compare"})
# a JSON list of photos (front/batch.py): bounded by FACE_MAX_REQUEST_BYTES like a batch form
BATCH_JSON = frozenset({"/analyze-batch-json"})


@dataclass(frozen=True)
class Settings:
    api_keys: tuple = ()
    cors_origins: tuple = ()
    max_request_bytes: int = 3 * Limits().max_bytes + (1 << 20)
    max_field_bytes: int = 65536
    # FACE_MAX_UPLOAD_BYTES: bounds each route's body (RequestGuard.limit_for)
    max_upload_bytes: int = Limits().max_bytes
    request_deadline_s: float = 30.0
    max_faces: int = 100
    # a model call that takes longer fails only its fields (a model worker that died
    # and is being restarted must not hold the whole request); None: 60% of the deadline
    model_timeout_s: float | None = None

    def __post_init__(self):
        for name in ("max_request_bytes", "max_field_bytes", "max_faces", "max_upload_bytes"):
            value = getattr(self, name)
            if not (isinstance(value, int) and not isinstance(value, bool) and value > 0):
                raise ValueError(f"Settings.{name} must be a positive whole number, got {value!r}")
        if self.max_faces > 1000:
            raise ValueError(f"Settings.max_faces may be at most 1000, got {self.max_faces}")
        deadline = self.request_deadline_s
        if not (isinstance(deadline, (int, float)) and math.isfinite(deadline) and deadline > 0):
            raise ValueError(f"Settings.request_deadline_s must be positive, got {deadline!r}")
        if self.model_timeout_s is None:
            object.__setattr__(self, "model_timeout_s", round(0.6 * deadline, 3))
        timeout = self.model_timeout_s
        if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
            raise ValueError(f"Settings.model_timeout_s must be positive, got {timeout!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ

        def items(name):
            return tuple(i.strip() for i in settings.read(name, env).split(",") if i.strip())

        upload = Limits.from_env(env).max_bytes
        kwargs: dict = {"api_keys": items("FACE_API_KEY"),
                        "cors_origins": items("FACE_CORS_ORIGINS"),
                        "max_request_bytes": 3 * upload + (1 << 20),
                        "max_upload_bytes": upload}
        kwargs.update(numbers_from_env(env, (
            ("FACE_MAX_REQUEST_BYTES", "max_request_bytes", int),
            ("FACE_MAX_FIELD_BYTES", "max_field_bytes", int),
            ("FACE_REQUEST_DEADLINE_S", "request_deadline_s", float),
            ("FACE_MAX_FACES", "max_faces", int),
            ("FACE_MODEL_TIMEOUT_S", "model_timeout_s", float))))
        try:
            return cls(**kwargs)
        except ValueError as exc:
            raise ValueError(f"invalid FACE_* settings in the environment: {exc}") from None


def cors_options(settings: Settings) -> dict:
    """Keyword arguments for starlette's CORSMiddleware."""
    return {"allow_origins": list(settings.cors_origins), "allow_methods": ["GET", "POST"],
            "allow_headers": ["Content-Type", "X-API-Key", "Authorization"],
            "max_age": 600}


def _bare(path: str) -> str:
    return path.rstrip("/") or "/"


#: The `code` of each refusal of this module, by status, unless it names its own.
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 408: "body_timeout",
         413: "too_large", 415: "unsupported_media_type"}


async def _refuse(scope, receive, send, status: int, detail: str, headers=None,
                  code: str | None = None) -> None:
    await JSONResponse({"detail": detail, "code": code or CODES.get(status, "bad_request")},
                       status_code=status, headers=headers)(scope, receive, send)


# --------------------------------------------------------------------------
# API key
# --------------------------------------------------------------------------

class ApiKeyMiddleware:
    """401 ``{"detail": ...}`` unless the request carries one of ``keys`` in
    ``X-API-Key`` or ``Authorization: Bearer``; OPEN_PATHS stay open."""

    def __init__(self, app, keys=()):
        self.app = app
        self.keys = [k.encode("utf-8") for k in keys]

    @staticmethod
    def _given(scope) -> list[bytes] | str:
        """The keys a request sent (X-API-Key, then a Bearer token; empty ones are
        not sent), or the detail of a 400 when a key header came more than once."""
        headers = scope.get("headers") or []
        keys, tokens = [], []
        for name, value in headers:
            if name == b"x-api-key":
                keys.append(value.strip())
            elif name == b"authorization":
                tokens.append(value.strip())
        for header, sent in (("X-API-Key", keys), ("Authorization", tokens)):
            if len(sent) > 1:  # proxies and clients disagree on which copy counts
                return f"the {header} header was sent {len(sent)} times; send it once"
        given = [key for key in keys if key]
        if tokens:
            scheme, _, token = tokens[0].partition(b" ")
            if scheme.lower() == b"bearer" and token.strip():
                given.append(token.strip())
        return given

    def accepted_key(self, scope) -> bytes | None:
        """The key this request was let in with (the first valid one it sent), if any."""
        given = self._given(scope)
        if isinstance(given, str):
            return None
        valid = [key for key in given if self._valid(key)]
        return valid[0] if valid else None

    def _valid(self, given: bytes) -> bool:
        matched = False
        for key in self.keys:  # every key is compared: the time does not tell which one
            matched |= hmac.compare_digest(given, key)
        return matched

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not self.keys or _bare(scope["path"]) in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        given = self._given(scope)
        if given is None or isinstance(given, bytes):  # a subclass's one key (ui/serve.py)
            given = [given] if given else []
        if isinstance(given, str):
            await _refuse(scope, receive, send, 400, given, code="duplicate_header")
            return
        if not given:
            await _refuse(scope, receive, send, 401,
                          "missing API key: send it in the X-API-Key header or as "
                          "'Authorization: Bearer <key>'", {"WWW-Authenticate": "Bearer"},
                          code="missing_api_key")
            return
        # either header may hold the key: a wrong one in the other does not lock it out
        if not any([self._valid(key) for key in given]):  # a list: every key is compared
            await _refuse(scope, receive, send, 401, "invalid API key",
                          {"WWW-Authenticate": 'Bearer error="invalid_token"'},
                          code="invalid_api_key")
            return
        await self.app(scope, receive, send)


class PrivateEndpoints:
    """``paths`` answer only to a client with one of ``keys`` (401 without a right
    one, as ApiKeyMiddleware), and to nobody when there is no key (403); every
    other path passes untouched. For servers whose other endpoints have no key:
    the model services, which only the front calls."""

    def __init__(self, app, paths=MODEL_PRIVATE_PATHS, keys=()):
        self.app = app
        self.paths = frozenset(paths)
        self.keys = tuple(keys)
        self.checked = ApiKeyMiddleware(app, keys)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or _bare(scope.get("path", "")) not in self.paths:
            await self.app(scope, receive, send)
        elif not self.keys:
            await _refuse(scope, receive, send, 403, f"{_bare(scope['path'])} answers only "
                          "with the API key, and this server has none (FACE_API_KEY)")
        else:
            await self.checked(scope, receive, send)


# --------------------------------------------------------------------------
# request guard
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    multipart: bool
    file_fields: frozenset = frozenset()
    # every field the endpoint takes, in order, and the file fields it cannot do without:
    # a request that misses one is told what the endpoint takes (front/form_fields.py)
    fields: tuple = ()
    required_files: frozenset = frozenset()
    path: str = ""
    # file fields that take several files (a list), and the parts a body may have
    list_files: frozenset = frozenset()
    max_parts: int = MAX_PARTS
    # images one request carries, and the largest each may be (None: FACE_MAX_UPLOAD_BYTES)
    images: int = 1
    image_bytes: int | None = None


@dataclass(frozen=True)
class BatchLimits:
    max_images: int = 64
    max_faces: int = 1000

    @classmethod
    def from_env(cls, environ=None) -> BatchLimits:
        env = os.environ if environ is None else environ
        return cls(**numbers_from_env(env, (
            ("FACE_BATCH_MAX_IMAGES", "max_images", int),
            ("FACE_BATCH_MAX_FACES", "max_faces", int)), positive=True))


def batch_max_images(environ=None) -> int:
    """The most photos one batch request may carry (the request guard's part limit)."""
    return BatchLimits.from_env(environ).max_images


def routes_of(service) -> dict[str, Route]:
    """path -> Route for every API of a BentoML service class."""

    routes = {}
    for api in service.apis.values():
        spec = api.input_spec
        files = frozenset(getattr(spec, "multipart_fields", None) or ())
        fields = tuple(getattr(spec, "model_fields", {}))
        required = frozenset(name for name in files if spec.model_fields[name].is_required())
        lists = frozenset(name for name in files
                          if typing.get_origin(spec.model_fields[name].annotation) is list)
        path = _bare(api.route)
        batch = bool(lists) or path in BATCH_JSON
        routes[path] = Route(
            multipart=bool(files), file_fields=files, fields=fields, required_files=required,
            path=path, list_files=lists,
            # a batch's photos are parts too (front/batch.py bounds their number)
            max_parts=MAX_PARTS + (batch_max_images() if lists else 0),
            images=batch_max_images() if batch else max(
                len(files), 2 if path in TWO_IMAGES else 1))
    return routes


class _TooLarge(Exception):
    pass


class _Disconnected(Exception):
    pass


class _TooDeep(Exception):
    pass


def base64_length(size: int) -> int:
    return 4 * ((size + 2) // 3)


def limit_for(route: Route, settings: Settings) -> tuple[int, str]:
    """The most bytes a body of `route` may have, and why: what its images need
    (a JSON route carries them base64) plus BODY_MARGIN, and never more than
    FACE_MAX_REQUEST_BYTES."""
    image = min(settings.max_upload_bytes, route.image_bytes or settings.max_upload_bytes)
    mib = f"{image / (1 << 20):.1f} MiB"
    if route.multipart:
        need = route.images * image + MAX_PARTS * settings.max_field_bytes + BODY_MARGIN
        why = f"{route.images} x the image limit of {mib}, with the form fields"
    else:
        need = route.images * base64_length(image) + BODY_MARGIN
        why = (f"{'2 x ' if route.images > 1 else ''}base64 of the image limit of {mib} "
               "plus 1 MiB")
    if need >= settings.max_request_bytes:
        return settings.max_request_bytes, "FACE_MAX_REQUEST_BYTES"
    return need, f"{why}, FACE_MAX_UPLOAD_BYTES; at most FACE_MAX_REQUEST_BYTES"


#: Bytes of the checked body handed to the application per receive().
REPLAY_SLICE = 1 << 18


class RequestGuard:
    """Checks a POST to one of ``routes`` before the application sees it (see the
    module docstring); the body, once read and checked, is replayed to it."""

    def __init__(self, app, routes: dict, settings: Settings):
        self.app = app
        self.routes = routes
        self.settings = settings

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and not self.settings.api_keys \
                and _bare(scope["path"]) in PRIVATE_PATHS:
            # with a key, ApiKeyMiddleware (outside this guard) already checked it
            await _refuse(scope, receive, send, 403, f"{_bare(scope['path'])} answers only "
                          "with the API key, and this server has none (FACE_API_KEY)")
            return
        route = self.routes.get(_bare(scope.get("path", ""))) if scope["type"] == "http" else None
        if route is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        problem, boundary = self._check_headers(scope, route)
        if problem:
            await _refuse(scope, receive, send, problem[0], problem[1], {"Connection": "close"},
                          *problem[2:])
            return
        limit, why = limit_for(route, self.settings)
        deadline = self.settings.request_deadline_s
        nesting = None if route.multipart else JsonNesting()
        try:
            body = await asyncio.wait_for(self._read(receive, limit, nesting), deadline)
        except _TooLarge:
            await _refuse(scope, receive, send, 413,
                          f"request body is more than {limit:,} bytes, the limit for "
                          f"{route.path or scope['path']} is {limit:,} bytes ({why})",
                          {"Connection": "close"})
            return
        except _TooDeep:
            detail = (f"the JSON body nests more than {MAX_JSON_DEPTH} levels deep"
                      if nesting.deepest > MAX_JSON_DEPTH else
                      f"the JSON body holds more than {MAX_JSON_VALUES:,} values")
            await _refuse(scope, receive, send, 400, detail, {"Connection": "close"},
                          code="json_too_deep" if nesting.deepest > MAX_JSON_DEPTH
                          else "json_too_many_values")
            return
        except asyncio.TimeoutError:
            await _refuse(scope, receive, send, 408, f"the request body was not received "
                          f"within the deadline of {deadline:g} s", {"Connection": "close"})
            return
        except _Disconnected:
            return
        if route.multipart:
            # a worker thread: parsing 20 MiB in Python must not hold the event loop
            problem = await asyncio.to_thread(check_multipart, body, boundary, route,
                                              self.settings.max_field_bytes, scope)
        else:
            problem = check_json_body(scope, body)
        if problem:
            await _refuse(scope, receive, send, problem[0], problem[1], None, *problem[2:])
            return
        pieces = [body[i:i + REPLAY_SLICE] for i in range(0, len(body), REPLAY_SLICE)] or [b""]
        del body
        given = 0

        async def replay():
            # in slices, each after a turn of the event loop: BentoML's form parser
            # then never works on more than a slice between two other requests' turns
            nonlocal given
            if given >= len(pieces):
                return await receive()
            if given:
                await asyncio.sleep(0)
            given += 1
            return {"type": "http.request", "body": pieces[given - 1],
                    "more_body": given < len(pieces)}

        await self.app(scope, replay, send)

    def _check_headers(self, scope, route: Route):
        headers = dict(scope.get("headers") or [])
        media, params = parse_options_header(headers.get(b"content-type", b""))
        media = media.decode("latin-1").strip().lower()
        shown = media[:80] or "a body without a Content-Type"
        boundary = None
        if route.multipart:
            if media == "application/x-www-form-urlencoded":
                # such a form cannot carry files (and BentoML would fetch a URL given
                # as the file): the upload is missing
                files = ", ".join(repr(f) for f in sorted(route.file_fields))
                return (400, f"{scope['path']} needs the file upload {files} as "
                             "multipart/form-data; a urlencoded form cannot carry files"), None
            if media != "multipart/form-data":
                return (415, f"{scope['path']} takes multipart/form-data (file uploads), "
                             f"not {shown}"), None
            boundary = params.get(b"boundary")
            if not boundary:
                return (400, "multipart/form-data body without a boundary parameter"), None
            charset = params.get(b"charset")
            if charset is not None and _codec(charset) not in MULTIPART_CHARSETS:
                # Starlette would decode the field names in it, and this guard could not
                # tell a file field from a text field (issue 29: a URL reached BentoML's
                # own downloader as `file` spelt in UTF-16)
                shown_charset = charset.decode("latin-1")[:40]
                return (400, f"multipart/form-data charset {shown_charset!r} is not "
                             "accepted: send UTF-8 (or no charset)", "bad_charset"), None
        elif media and media != "application/json":
            # only application/json: a browser page on another site can send text/plain
            # or a form without a CORS preflight, never application/json
            return (415, f"{scope['path']} takes a JSON body (application/json), "
                         f"not {shown}"), None
        length = headers.get(b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                return (400, "invalid Content-Length header"), None
            size = int(length)
            limit, why = limit_for(route, self.settings)
            if size > limit:
                return (413, f"request body is {size:,} bytes, the limit for "
                             f"{route.path or scope['path']} is {limit:,} bytes ({why})"), None
        return None, boundary

    @staticmethod
    async def _read(receive, limit: int, nesting: JsonNesting | None = None) -> bytes:
        """The whole body; each chunk's JSON nesting measured as it comes."""
        chunks, total = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected()
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > limit:
                raise _TooLarge()
            if nesting is not None and (nesting.feed(chunk) > MAX_JSON_DEPTH
                                        or nesting.values > MAX_JSON_VALUES):
                raise _TooDeep()
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _codec(name: bytes) -> str | None:
    try:
        return codecs.lookup(name.decode("latin-1").strip().strip('"')).name
    except (LookupError, ValueError):
        return None


def _field_name(raw: bytes) -> str:
    name = raw.decode("utf-8", "replace")
    return repr(name if len(name) <= 40 else name[:40] + "...")


def check_multipart(body: bytes, boundary: bytes, route: Route,
                    max_field_bytes: int, scope: dict | None = None) -> tuple[int, str] | None:
    """(status, detail) of the first problem of a multipart/form-data body, or None
    (then repeated list fields are noted in `scope`, front/form_fields.py)."""
    parts: list[dict] = []
    state: dict = {"part": None, "field": bytearray(), "value": bytearray(), "ended": False}

    def part_begin():
        state["part"] = {"headers": {}, "size": 0, "data": bytearray(), "keep": True}

    def header_field(data, start, end):
        state["field"] += data[start:end]

    def header_value(data, start, end):
        state["value"] += data[start:end]

    def header_end():
        # lower-cased and not stripped, as Starlette reads it (BentoML's form parser)
        state["part"]["headers"][bytes(state["field"]).lower()] = bytes(state["value"])
        state["field"].clear()
        state["value"].clear()

    def headers_finished():
        part = state["part"]
        disposition, options = parse_options_header(part["headers"].get(b"content-disposition",
                                                                         b""))
        part["disposition"] = disposition.lower()
        part["name"] = options.get(b"name")
        part["is_file"] = b"filename" in options
        part["keep"] = part["name"] is None or part["name"].decode("utf-8", "replace") \
            not in route.file_fields

    def part_data(data, start, end):
        part = state["part"]
        part["size"] += end - start
        if part["keep"] and len(part["data"]) <= max_field_bytes:
            part["data"] += data[start:min(end, start + max_field_bytes + 1 - len(part["data"]))]

    def part_end():
        parts.append(state["part"])
        if len(parts) > route.max_parts:
            raise _TooManyParts()

    def end():
        state["ended"] = True

    callbacks = {"on_part_begin": part_begin, "on_header_field": header_field,
                 "on_header_value": header_value, "on_header_end": header_end,
                 "on_headers_finished": headers_finished, "on_part_data": part_data,
                 "on_part_end": part_end, "on_end": end}
    try:
        parser = MultipartParser(boundary, callbacks)
        parser.write(body)
        parser.finalize()
    except _TooManyParts:
        return 400, f"the multipart/form-data body has more than {route.max_parts} parts"
    except Exception as exc:
        reason = str(exc).split(" at ")[0][:120] or type(exc).__name__
        return 400, f"malformed multipart/form-data body ({reason})"
    if not state["ended"]:
        return 400, "the multipart/form-data body ends before its closing boundary"
    for part in parts:
        name = part.get("name")
        if part.get("disposition") != b"form-data" or not name:
            return 400, "a part of the multipart/form-data body has no form-data field name"
        if not all(0x20 <= byte < 0x7F for byte in name):
            # every field this API takes is named in plain ASCII; any other name could be
            # read as another field by a parser that decodes it differently
            return 400, (f"field name {_field_name(name)} is not plain ASCII; this API's "
                         "fields are named in ASCII"), "bad_field_name"
        text_name = name.decode("ascii")
        if text_name in route.file_fields:
            if not part["is_file"]:
                return 400, (f"field {_field_name(name)} must be an uploaded file (a multipart "
                             "part with a filename); URLs and text are not accepted in its "
                             "place (to analyse an image at a URL, send it as image_url to "
                             "/analyze-base64)")
            continue
        if part["is_file"] and route.fields and text_name not in route.fields:
            continue  # an upload under a name the endpoint does not take: check_names says

        if part["size"] > max_field_bytes:
            return 413, (f"form field {_field_name(name)} is {part['size']:,} bytes, the limit "
                         f"is {max_field_bytes:,} bytes (FACE_MAX_FIELD_BYTES)")
        try:
            text = bytes(part["data"]).decode("utf-8")
        except UnicodeDecodeError:
            return 400, f"form field {_field_name(name)} is not UTF-8 text"
        # BentoML json.loads a form field before the service sees it: a deeply
        # nested value would end in a RecursionError (a 500) there
        if json_depth(text) > MAX_JSON_DEPTH:
            return 400, (f"form field {_field_name(name)} nests JSON more than "
                         f"{MAX_JSON_DEPTH} levels deep")
    problem = form_fields.check_names(route, parts)
    if problem is None and scope is not None:
        form_fields.remember_lists(scope, parts)
    return problem


def check_json_body(scope, body: bytes) -> tuple[int, str] | None:
    """(status, detail) of a JSON endpoint's body problem, or None: a body needs the
    application/json content type (see _check_headers). Its nesting was measured
    while it arrived (RequestGuard._read)."""
    if not body.strip():
        return None
    headers = dict(scope.get("headers") or [])
    if not headers.get(b"content-type", b"").strip():
        return 415, (f"{scope['path']} takes a JSON body with the Content-Type "
                     "application/json; this body has no Content-Type")
    return None


class _TooManyParts(Exception):
    pass
