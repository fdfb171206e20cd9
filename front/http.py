"""JSON answers and errors, uploads, and /health."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
from starlette.responses import JSONResponse, Response

from analyzers.face_analysis import ModelUnavailable
from errors import InputError
from inputs.imageio import Limits

# what GET /health answers: the service fills it at start-up
health_state: dict = {"status": "starting", "models": {}}


def wants_html(headers) -> bool:
    """True when an ASGI scope's Accept header names text/html (a browser)."""
    accept = dict(headers or []).get(b"accept", b"").decode("latin-1").lower()
    return "text/html" in accept


def error(status: int, detail: str, code: str | None = None) -> JSONResponse:
    """The JSON body of every error answer: `detail` a sentence, `code` (when the
    error has one) a short machine-readable tag such as "too_many_pixels"."""
    body = {"detail": detail} if code is None else {"detail": detail, "code": code}
    return JSONResponse(body, status_code=status)


def json_errors(endpoint):
    """An API method's InputError becomes its 4xx and ModelUnavailable a 503, both
    as a JSON {"detail"} answer (wraps keeps the signature BentoML reads)."""

    @functools.wraps(endpoint)
    async def answer(*args, **kwargs):
        try:
            return await endpoint(*args, **kwargs)
        except InputError as problem:
            return error(problem.status, problem.detail, problem.code)
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
        raise InputError(413, f"{name} is {size} bytes, the limit is {limits.max_bytes} bytes",
                         "too_large")
    return path.read_bytes()


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
